"""The command line end to end on a small slice of the sample catalogue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from eshoppye.categories import CODES
from eshoppye.cli import main
from eshoppye.config import SAMPLE_DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
needs_sample = pytest.mark.skipif(not (SAMPLE_DATA_DIR / "X_train_update.csv").is_file(),
                                  reason="sample catalogue not generated")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eshoppye", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=900)


def test_help_is_fast_and_does_not_import_tensorflow():
    code = ("import sys, time; t=time.time(); from eshoppye.cli import build_parser; build_parser();"
            "import eshoppye.predict, eshoppye.models; print(time.time()-t, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    seconds, tf_loaded = out.stdout.split()
    assert tf_loaded == "False"
    r = run("--help")
    assert r.returncode == 0 and "train" in r.stdout and "predict" in r.stdout


def test_bad_arguments_give_one_line(tmp_path):
    r = run("predict", "--models", str(tmp_path / "none"), "--input", str(tmp_path / "x.csv"),
            "--output", str(tmp_path / "o.csv"))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr
    assert "introuvable" in r.stderr
    r = run("train", "--models", "text-nope")
    assert r.returncode == 2 and "modèle inconnu" in r.stderr


@needs_sample
def test_train_evaluate_predict_on_a_slice(tmp_path):
    models, metrics = tmp_path / "models", tmp_path / "metrics.json"
    r = run("train", "--limit", "600", "--models", "text-tfidf,text-embed", "--out", str(models),
            "--metrics", str(metrics))
    assert r.returncode == 0, r.stderr[-2000:]
    data = json.loads(metrics.read_text())
    entry = data["models"]["text-tfidf"]
    assert 0.3 < entry["weighted_f1"] <= 1.0
    assert entry["data_fingerprint"] == data["data"]["fingerprint"] and entry["split"] == "test"
    assert len(entry["confusion"]) == 27 and entry["latency"]["p50_ms"] > 0
    # the static table is the default text representation
    assert json.loads((models / "text-embed" / "model.json").read_text())["params"]["encoder"] == "static"

    # a rerun on the same data gives the same metrics
    r2 = run("train", "--limit", "600", "--models", "text-tfidf", "--out", str(tmp_path / "m2"),
             "--metrics", str(tmp_path / "m2.json"))
    assert r2.returncode == 0
    again = json.loads((tmp_path / "m2.json").read_text())["models"]["text-tfidf"]
    assert again["weighted_f1"] == entry["weighted_f1"] and again["confusion"] == entry["confusion"]

    manifest = (models / "manifest.json").read_bytes()
    r = run("evaluate", "--limit", "300", "--models", str(models), "--out", str(tmp_path / "ev.json"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "F1 pondéré" in r.stdout
    assert (models / "manifest.json").read_bytes() == manifest  # other data: the manifest is kept
    r = run("evaluate", "--limit", "300", "--models", str(models), "--out", str(tmp_path / "ev.json"),
            "--update-manifest")
    assert r.returncode == 0 and (models / "manifest.json").read_bytes() != manifest

    inp = tmp_path / "products.csv"
    inp.write_text(
        "designation,description,productid,imageid\n"
        "Pompe à chaleur piscine 9 kW,,1,2\n"
        "\"Croquettes pour chat, 10 kg\",<b>poulet</b>,3,4\n"
        "broken,row,with,too,many,fields\n"
        ",,5,6\n", encoding="utf-8")
    out = tmp_path / "pred.csv"
    r = run("predict", "--models", str(models), "--input", str(inp), "--output", str(out))
    assert r.returncode == 1, r.stderr  # written, but two rows could not be classified
    assert "ligne 4" in r.stderr and "ligne 5" in r.stderr  # reported, not silently dropped
    pred = pd.read_csv(out)
    assert list(pred.columns[:4]) == ["designation", "description", "productid", "imageid"]
    for col in ("prdtypecode", "category", "confidence", "prdtypecode_text-tfidf", "prdtypecode_text-embed"):
        assert col in pred.columns
    per_model = [c for c in pred.columns if c.startswith("prdtypecode_")]
    assert per_model == sorted(per_model)  # a stable column order
    assert pred.loc[0, "prdtypecode"] == 2583 and pred.loc[0, "category"] == "piscine et spa"
    assert pred.loc[1, "prdtypecode"] in CODES  # classified (a 600-row model may still hesitate)
    assert len(pred) == 4  # every input row comes out, in order
    assert pd.isna(pred.loc[2, "prdtypecode"]) and pred.loc[2, "problème"] == "6 champs au lieu de 4, produit non classé"
    assert pd.isna(pred.loc[3, "prdtypecode"]) and "produit non classé" in pred.loc[3, "problème"]


def test_text_encoder_defaults_to_static_and_e5_stays_selectable(monkeypatch, tmp_path):
    """``--text-encoder`` reaches text-embed and fusion-concat; static unless e5 is asked for."""
    import eshoppye.train as train_mod

    seen = []
    monkeypatch.setattr(train_mod, "train_models", lambda **kw: seen.append(kw["model_params"]) or {})
    for extra, want in (([], "static"), (["--text-encoder", "e5"], "e5")):
        assert main(["train", "--models", "text-embed,fusion-concat", "--out", str(tmp_path / "m"),
                     *extra]) == 0
        assert seen[-1] == {"text-embed": {"encoder": want}, "fusion-concat": {"encoder": want}}
    assert "static (défaut" in " ".join(run("train", "--help").stdout.split())


def test_data_env_variable_is_the_default(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ESHOPPYE_DATA_DIR", str(tmp_path / "real"))
    assert main(["train", "--models", "text-tfidf", "--out", str(tmp_path / "m")]) == 2
    assert str(tmp_path / "real") in capsys.readouterr().err


def test_model_groups_all_and_seed():
    from eshoppye.cli import ALL_MODELS, _model_list

    assert _model_list("all") == list(ALL_MODELS)  # the bundled set, unchanged
    assert _model_list("seed") == ["text-conv1d", "text-lstm", "text-gru", "text-bilstm"]
    assert _model_list("seed,text-tfidf,text-gru") == ["text-conv1d", "text-lstm", "text-gru",
                                                      "text-bilstm", "text-tfidf"]
    assert not {"text-conv1d", "text-lstm", "text-gru"} & set(ALL_MODELS)


@needs_sample
def test_original_family_without_out_leaves_only_metrics(tmp_path, capsys):
    metrics = tmp_path / "metrics.json"
    before = sorted(p.name for p in (ROOT / "models").iterdir()) if (ROOT / "models").is_dir() else []
    assert main(["train", "--limit", "300", "--models", "text-gru", "--metrics", str(metrics)]) == 0
    assert "dossier temporaire" in capsys.readouterr().out
    after = sorted(p.name for p in (ROOT / "models").iterdir()) if (ROOT / "models").is_dir() else []
    assert after == before  # nothing written into the bundled models/
    entry = json.loads(metrics.read_text())["models"]["text-gru"]
    assert entry["size_bytes"] > 0 and entry["train_seconds"] > 0 and entry["latency"]["p50_ms"] > 0
    assert entry["split"] == "test" and 0.0 <= entry["weighted_f1"] <= 1.0
    from eshoppye.devset import DEV_SET_PATH, load_devset

    if DEV_SET_PATH.is_file():  # scored on the hand-written development set as well
        assert entry["dev"]["views"]["titles"]["n_eval"] == len(load_devset()) and 0.0 <= entry["dev"]["weighted_f1"] <= 1.0


def test_argparse_words_are_french_and_help_says_what_models_means():
    r = run("predict")
    assert r.returncode == 2
    assert "utilisation" in r.stderr and "erreur" in r.stderr and "usage:" not in r.stderr
    assert "error:" not in r.stderr and "arguments obligatoires" in r.stderr
    h = run("--help").stdout
    assert "NOMS de modèles pour train" in h and "DOSSIER" in h
    assert "afficher cette aide" in h
    assert "sans --models" in run("train", "--help").stdout


def test_predict_outside_the_repository_finds_the_bundled_models(tmp_path):
    inp = tmp_path / "p.csv"
    inp.write_text("designation\nBâche pour piscine ronde 4 m\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "eshoppye", "predict", "--input", str(inp), "--output",
                        str(tmp_path / "o.csv"), "--only", "text-tfidf"], capture_output=True, text=True,
                       cwd=tmp_path, timeout=900, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o.csv").is_file()
