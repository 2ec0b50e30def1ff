"""The app's two loading stages (:mod:`eshoppye.app_models`): the text models first, so the
Classifier page answers a title within seconds, and the image stack when a photo is first given.

Run in a fresh interpreter on the bundled models, so that what the text stage imports is seen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = os.environ.get("ESHOPPYE_TEST_APP_MODELS") or str(ROOT / "models")

SCRIPT = r"""
import json, sys
from pathlib import Path
from eshoppye import app_models
from eshoppye.predict import classify_product

seen = []
text = app_models.load_app_models(lambda f, m: seen.append((f, m)), stage="text")
out = {"text_models": sorted(text.models), "pending": text.pending, "partial": text.partial,
       "complete_text": text.complete, "progress_fr": [m for _, m in seen],
       "fractions": [f for f, _ in seen],
       "image_modules": sorted(m for m in sys.modules if m.startswith("eshoppye.image")),
       "late_bases_text": sorted(text.models["fusion-late"]._bases) if "fusion-late" in text.models else None}
title = "Manette sans fil pour PS4 Dualshock noire"
r_text = classify_product(text.models, title, "")
out["text_decision"] = [r_text.code, r_text.decided_by, r_text.confidence, r_text.fusion_inputs]
full = app_models.complete_app_models(text)
out["full_models"] = sorted(full.models)
out["complete_full"] = full.complete
out["loaded_now"] = full.loaded_now
out["stages"] = sorted(full.stages)
out["text_untouched"] = sorted(text.models) == out["text_models"] and sorted(text.models["fusion-late"]._bases) == out["late_bases_text"]
out["late_bases_full"] = sorted(full.models["fusion-late"]._bases)
out["same_objects"] = [n for n in text.models if full.models.get(n) is text.models[n]]
photo = str(sorted(Path("data/sample/images").rglob("*.jpg"))[0])
r_full_text = classify_product(full.models, title, "")
r_full_photo = classify_product(full.models, title, "", photo)
every = app_models.load_app_models(stage="all")
r_all_text = classify_product(every.models, title, "")
r_all_photo = classify_product(every.models, title, "", photo)
out["full_text"] = [r_full_text.code, r_full_text.decided_by, r_full_text.confidence]
out["all_text"] = [r_all_text.code, r_all_text.decided_by, r_all_text.confidence]
out["full_photo"] = [r_full_photo.code, r_full_photo.decided_by, r_full_photo.confidence, sorted(r_full_photo.per_model)]
out["all_photo"] = [r_all_photo.code, r_all_photo.decided_by, r_all_photo.confidence, sorted(r_all_photo.per_model)]
out["again"] = app_models.complete_app_models(full) is full
print("RESULT" + json.dumps(out))
"""


def test_text_stage_first_then_the_image_stack():
    env = dict(os.environ, ESHOPPYE_MODELS_DIR=MODELS, TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("ESHOPPYE_MANIFEST", None)
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.split("RESULT", 1)[1])
    manifest = {p.parent.name for p in Path(MODELS).glob("*/model.json")}
    # the text stage: no image model, nothing of the image package imported
    assert "image-effnet" not in out["text_models"] and "fusion-concat" not in out["text_models"]
    assert {"text-tfidf", "text-embed"} <= set(out["text_models"])
    assert out["image_modules"] == [], out["image_modules"]
    assert {p["name"] for p in out["pending"]} == manifest - set(out["text_models"])
    assert {p["kind"] for p in out["pending"]} <= {"image", "fusion"}
    assert not out["complete_text"]
    # fusion-late decides on a title alone, attached to its text bases only
    assert out["partial"] == ["fusion-late"]
    assert out["late_bases_text"] == ["text-embed", "text-tfidf"]
    assert out["text_decision"][1] == "fusion-late" and out["text_decision"][3] == "text"
    # French progress messages, fractions in order from 0 to 1
    assert any(m.startswith("chargement de text-tfidf") for m in out["progress_fr"])
    assert out["progress_fr"][-1] == "modèles prêts"
    assert out["fractions"] == sorted(out["fractions"]) and out["fractions"][-1] == 1.0
    # the image stack: everything loaded, fusion-late attached anew to all its bases, the text
    # stage's objects shared and left as they were (other sessions keep using them)
    assert out["full_models"] == sorted(manifest)
    assert out["complete_full"] and out["again"]
    assert out["loaded_now"] == sorted({"fusion-late"} | (manifest - set(out["text_models"])))
    assert out["stages"] == ["image", "text"]
    assert out["text_untouched"]
    assert out["late_bases_full"] == ["image-effnet", "text-embed", "text-tfidf"]
    assert set(out["same_objects"]) == set(out["text_models"]) - {"fusion-late"}
    # same answers as loading everything at once, with and without a photo
    assert out["full_text"] == out["all_text"]
    assert out["text_decision"][:3] == out["all_text"]
    assert out["full_photo"][:2] == out["all_photo"][:2]
    assert abs(out["full_photo"][2] - out["all_photo"][2]) < 1e-9
    assert out["full_photo"][3] == out["all_photo"][3] == sorted(manifest)


def test_needs_image_stack():
    import pandas as pd

    from eshoppye.app_models import needs_image_stack

    assert not needs_image_stack(pd.DataFrame({"designation": ["a"]}))
    assert not needs_image_stack(pd.DataFrame({"designation": ["a"], "image_path": [""]}))
    assert needs_image_stack(pd.DataFrame({"designation": ["a", "b"], "image_path": ["", "x.jpg"]}))
    assert needs_image_stack(pd.DataFrame({"designation": ["a"], "imageid": [123]}))
    assert not needs_image_stack(pd.DataFrame({"designation": ["a"], "imageid": [""]}))


def test_a_broken_image_model_leaves_the_text_decision_working(tmp_path):
    """The image model's weights do not match their checksum: the photo stage reports it in French,
    fusion-late stays attached to the text models and still decides; nothing is retried in a loop."""
    import shutil

    models = tmp_path / "models"
    for sub in Path(MODELS).iterdir():
        if (sub / "model.json").is_file():
            shutil.copytree(sub, models / sub.name)
    weights = next(p for p in (models / "image-effnet").iterdir() if p.name != "model.json")
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    script = (
        "import json\n"
        "from eshoppye import app_models\n"
        "from eshoppye.predict import classify_product\n"
        "text = app_models.load_app_models(stage='text')\n"
        "full = app_models.complete_app_models(text)\n"
        "r = classify_product(full.models, 'Manette sans fil pour PS4 Dualshock noire', '')\n"
        "print('RESULT' + json.dumps({'models': sorted(full.models), 'problems': full.problems,\n"
        "    'partial': full.partial, 'again': app_models.complete_app_models(full) is full,\n"
        "    'decided_by': r.decided_by, 'code': r.code}))\n")
    env = dict(os.environ, ESHOPPYE_MODELS_DIR=str(models), TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("ESHOPPYE_MANIFEST", None)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.split("RESULT", 1)[1])
    assert "image-effnet" not in out["models"] and "fusion-late" in out["models"]
    assert any(p.startswith("image-effnet") for p in out["problems"]), out["problems"]
    assert out["partial"] == ["fusion-late"] and out["again"]
    assert out["decided_by"] == "fusion-late" and out["code"] is not None
