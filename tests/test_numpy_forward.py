"""The small Keras networks run in numpy: same probabilities as Keras (bundled models and every
text family with random weights, padding and masking included), and no TensorFlow at prediction."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from eshoppye.models import load_model
from eshoppye.models.numpy_forward import read_keras_weights, text_rnn_forward

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
SAMPLE = ROOT / "data" / "sample"


def _bundled(name: str) -> Path:
    d = MODELS / name
    if not (d / "model.json").is_file():
        pytest.skip(f"pas de modèle {name} fourni")
    return d


@pytest.fixture(scope="module")
def sample_rows() -> pd.DataFrame:
    """50 products of the sample catalogue with their image, plus texts at the edges of the
    tokeniser: nothing but punctuation (no token at all), unknown words only, longer than maxlen."""
    from eshoppye.data import load_dataset

    frame = load_dataset(SAMPLE).frame
    rows = frame[frame["image_path"] != ""].iloc[:50].copy()
    edges = pd.DataFrame({"designation": ["!!! ...", "zzqx wvkj plorth", "piscine " * 80, "a"],
                          "description": ["", "", "chaleur " * 200, ""], "image_path": [""] * 4})
    return pd.concat([rows, edges], ignore_index=True)


def test_bundled_bilstm_numpy_matches_keras(sample_rows):
    model = load_model(_bundled("text-bilstm"))
    assert model._net is None  # loading built no Keras network
    p_numpy = model.predict_proba(sample_rows)
    seqs = model._encode(sample_rows)
    assert (seqs == 0).all(axis=1).any() and (seqs != 0).all(axis=1).any()  # empty and full rows
    p_keras = np.asarray(model.keras_net()(seqs, training=False), dtype=np.float64)
    diff = np.abs(p_numpy - p_keras).max()
    assert diff < 1e-4, diff
    assert (p_numpy.argmax(axis=1) == p_keras.argmax(axis=1)).all()


def test_bundled_fusion_concat_numpy_matches_keras(sample_rows):
    model = load_model(_bundled("fusion-concat"))
    assert model._net is None
    rows = sample_rows.iloc[:50]
    T, Im = model._inputs(rows)
    ok = np.isfinite(Im).all(axis=1)
    assert ok.sum() >= 45
    p_numpy = model.predict_proba(rows)[ok]
    p_keras = np.asarray(model.keras_net()([T[ok], Im[ok]], training=False), dtype=np.float64)
    diff = np.abs(p_numpy - p_keras).max()
    assert diff < 1e-4, diff


@pytest.mark.parametrize("layer", ["bilstm", "lstm", "gru", "conv1d"])
def test_every_text_family_matches_keras_with_random_weights(layer, tmp_path):
    """Random weights (biases included) saved by Keras and read back from the .weights.h5:
    right padding, a padding id in the middle (masked step), an all-padding row."""
    from eshoppye.models.text_rnn import build_text_rnn

    rng = np.random.default_rng(3)
    net = build_text_rnn(50, 12, 7, layer, embed_dim=8, units=6)
    net.set_weights([rng.normal(0, 0.6, w.shape).astype(np.float32) for w in net.get_weights()])
    net.save_weights(tmp_path / "w.weights.h5")
    seqs = rng.integers(1, 50, size=(20, 12)).astype(np.int32)
    for i in range(20):
        seqs[i, rng.integers(0, 13):] = 0  # right padding of random length
    seqs[3, 4] = 0  # a padding id inside the text
    seqs[5] = 0  # nothing at all
    expected = np.asarray(net(seqs, training=False), dtype=np.float64)
    got = text_rnn_forward(read_keras_weights(tmp_path / "w.weights.h5"), layer, seqs)
    assert np.abs(got - expected).max() < 1e-5


def test_loading_and_predicting_does_not_import_tensorflow():
    """In a fresh interpreter: text-bilstm loaded and run, fusion-concat loaded (its image
    features need the Keras backbone, its head does not): no TensorFlow, no Keras."""
    _bundled("text-bilstm")
    _bundled("fusion-concat")
    code = """
import json, sys
from eshoppye.data import load_dataset
from eshoppye.models import load_model
rows = load_dataset("data/sample").frame.iloc[:20]
p = load_model("models/text-bilstm").predict_proba(rows)
load_model("models/fusion-concat")
print(json.dumps({"rows": p.shape[0], "sums_to_one": bool((abs(p.sum(axis=1) - 1) < 1e-6).all()),
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))[:5]}))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["rows"] == 20 and out["sums_to_one"]
    assert out["loaded"] == []


def test_a_weights_file_that_does_not_fit_model_json_is_refused(tmp_path):
    """Another network's weights under the right sha256 are refused in one French line."""
    import shutil

    from eshoppye.errors import EshoppyeError
    from eshoppye.models.base import sha256_file

    src = _bundled("text-bilstm")
    dst = tmp_path / "m"
    shutil.copytree(src, dst)
    meta = json.loads((dst / "model.json").read_text())
    meta["params"]["embed_dim"] = 7
    (dst / "model.json").write_text(json.dumps(meta))
    with pytest.raises(EshoppyeError, match="incompatibles"):
        load_model(dst)
    assert sha256_file(dst / "bilstm.weights.h5") == meta["files"]["bilstm.weights.h5"]["sha256"]
