"""Hostile data folders and model files for train / evaluate / predict (issue 11, item 11 and the
tracebacks): each ends in one French line and exit code 2, and nothing in a model file runs."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from eshoppye.cli import main

from conftest import MODELS, titles


def _data(root, codes, header_only=False, imageid=None):
    root.mkdir(parents=True, exist_ok=True)
    n = 0 if header_only else len(codes)
    X = pd.DataFrame({"designation": titles(n), "description": [""] * n,
                      "productid": range(1, n + 1), "imageid": [imageid or i for i in range(1, n + 1)]})
    X.to_csv(root / "X_train_update.csv")
    pd.DataFrame({"prdtypecode": list(codes)[:n]}).to_csv(root / "Y_train_CVw08PX.csv")
    return root


def one_line_error(capsys, rc):
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err
    return err.strip()


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_header_only_data(tmp_path, capsys, command):
    data = _data(tmp_path / "d", [], header_only=True)
    args = ["--models", "text-tfidf", "--out", str(tmp_path / "m")] if command == "train" else \
        ["--models", str(MODELS), "--out", str(tmp_path / "e.json")]
    err = one_line_error(capsys, main([command, "--data", str(data), *args]))
    assert err == "eshoppye: erreur: X_train_update.csv: aucun produit (en-tête seul)"


def test_one_class_only_cannot_be_trained(tmp_path, capsys):
    data = _data(tmp_path / "d", [2583] * 11)
    err = one_line_error(capsys, main(["train", "--data", str(data), "--models", "text-tfidf",
                                       "--out", str(tmp_path / "m"), "--metrics", str(tmp_path / "x.json")]))
    assert err.endswith("1 catégorie dans la partie d'entraînement (8 produit(s)); il en faut au moins 2 "
                        "pour entraîner un classifieur")


def test_imageid_1e30_is_refused_by_the_training_reader(tmp_path, capsys):  # item 12
    data = _data(tmp_path / "d", [2583, 10, 2583, 10])
    X = pd.read_csv(data / "X_train_update.csv", index_col=0, dtype=str)
    X.iloc[2, X.columns.get_loc("imageid")] = "1e30"
    X.to_csv(data / "X_train_update.csv")
    err = one_line_error(capsys, main(["train", "--data", str(data), "--models", "text-tfidf",
                                       "--out", str(tmp_path / "m")]))
    assert err == "eshoppye: erreur: X_train_update.csv, ligne 4 (index 2): imageid invalide '1e30', entier attendu"


def test_evaluate_with_out_leaves_the_manifest_alone(tmp_path, capsys):  # item 11
    models = tmp_path / "models"
    shutil.copytree(MODELS / "text-tfidf", models / "text-tfidf")
    shutil.copy(MODELS / "manifest.json", models / "manifest.json")
    before = (models / "manifest.json").read_bytes()
    data = _data(tmp_path / "d", [2583] * 11)  # an 11-row one-class folder
    rc = main(["evaluate", "--data", str(data), "--models", str(models), "--out", str(tmp_path / "e.json")])
    assert rc == 0 and (tmp_path / "e.json").is_file()
    assert (models / "manifest.json").read_bytes() == before
    assert "manifeste mis à jour" not in capsys.readouterr().out


def _tampered(tmp_path, name: str, fname: str, payload: bytes, rename_to: str | None = None):
    """A copy of a bundled model whose ``fname`` is replaced by ``payload`` (model.json updated so
    the sha256 matches: the attacker controls the whole folder)."""
    models = tmp_path / "models"
    shutil.copytree(MODELS / name, models / name)
    target = models / name / (rename_to or fname)
    (models / name / fname).unlink()
    target.write_bytes(payload)
    meta = json.loads((models / name / "model.json").read_text())
    meta["files"].pop(fname)
    meta["files"][target.name] = {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}
    (models / name / "model.json").write_text(json.dumps(meta))
    return models


def _predict(tmp_path, models, capsys, only):
    (tmp_path / "in.csv").write_text("designation\nPeluche ours\n")
    rc = main(["predict", "--models", str(models), "--only", only, "--input", str(tmp_path / "in.csv"),
               "--output", str(tmp_path / "out.csv")])
    return one_line_error(capsys, rc)


def test_npz_with_object_arrays_is_refused(tmp_path, capsys):
    import io

    buf = io.BytesIO()
    np.savez(buf, w=np.array([{"a": 1}, None], dtype=object))
    models = _tampered(tmp_path, "text-embed", "head.npz", buf.getvalue())
    err = _predict(tmp_path, models, capsys, "text-embed")
    assert err.endswith("head.npz: fichier .npz refusé (contenu pickle ou tableau d’objets, jamais lu)")


class _Boom:
    def __reduce__(self):
        import os

        return (os.system, ("touch /tmp/eshoppye-hostile-pickle-ran",))


def test_pickle_renamed_npz_is_refused_and_never_run(tmp_path, capsys):
    import os
    import pickle

    marker = "/tmp/eshoppye-hostile-pickle-ran"
    if os.path.exists(marker):
        os.unlink(marker)
    models = _tampered(tmp_path, "text-embed", "head.npz", pickle.dumps(_Boom()))
    err = _predict(tmp_path, models, capsys, "text-embed")
    assert err.endswith("head.npz: fichier .npz refusé (contenu pickle ou tableau d’objets, jamais lu)")
    assert not os.path.exists(marker)


def test_keras_file_is_refused_by_its_format(tmp_path, capsys):
    models = _tampered(tmp_path, "text-bilstm", "bilstm.weights.h5", b"PK\x03\x04 any .keras archive",
                       rename_to="bilstm.keras")
    err = _predict(tmp_path, models, capsys, "text-bilstm")
    assert err.endswith("bilstm.keras: format de fichier refusé (seuls .json, .npz, .weights.h5 sont lus; "
                        "rien n'a été exécuté)")


def test_lambda_layer_in_weights_h5_is_refused_and_never_run(tmp_path, capsys):
    import os

    import keras

    marker = tmp_path / "lambda-ran"
    where = str(marker)
    inp = keras.Input((4,))
    out = keras.layers.Lambda(lambda x: x * 0 + float(open(where, "w").write("x")))(inp)
    net = keras.Model(inp, out)
    if marker.exists():
        marker.unlink()
    full = tmp_path / "full.h5"
    net.save(full)  # a whole model (config + Lambda code), disguised as weights below
    models = _tampered(tmp_path, "text-bilstm", "bilstm.weights.h5", full.read_bytes())
    err = _predict(tmp_path, models, capsys, "text-bilstm")
    assert "text-bilstm: fichiers du modèle refusés ou illisibles" in err
    assert not marker.exists() and not os.path.exists(str(marker))
