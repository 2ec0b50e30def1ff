"""Text models: fit / save / load / predict round trips, the contract, safe loading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from eshoppye.errors import EshoppyeError
from eshoppye.models import create, load_model

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def small_text():
    a = pd.read_csv(DATA / "obvious_products.csv")
    b = pd.read_csv(DATA / "dev_products.csv")
    X = pd.concat([a, b, a.assign(designation=a.designation.str.upper()),
                   b.assign(description="")], ignore_index=True)
    return X, X["prdtypecode"].to_numpy()


def _round_trip(name, X, y, tmp_path, **params):
    model = create(name, **params)
    model.fit(X, y, progress=False)
    p = model.predict_proba(X.iloc[:10])
    assert p.shape == (10, 27) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    assert list(model.classes_) == sorted(set(y))
    model.save(tmp_path / name)
    meta = json.loads((tmp_path / name / "model.json").read_text())
    assert meta["name"] == name and len(meta["classes"]) == 27
    assert all(len(f["sha256"]) == 64 for f in meta["files"].values())
    loaded = load_model(tmp_path / name)
    np.testing.assert_allclose(loaded.predict_proba(X.iloc[:10]), p, atol=1e-5)
    return model, loaded


def test_tfidf_round_trip_and_learns(small_text, tmp_path):
    X, y = small_text
    model, loaded = _round_trip("text-tfidf", X, y, tmp_path)
    assert (loaded.predict(X) == y).mean() > 0.95
    assert model.temperature_ > 0
    words = [w for w, _ in loaded.explain("Pompe à chaleur pour piscine hors sol")]
    assert "piscine" in " ".join(words)


def test_embed_round_trip(small_text, tmp_path):
    X, y = small_text
    _, loaded = _round_trip("text-embed", X, y, tmp_path)
    assert (loaded.predict(X) == y).mean() > 0.9


def test_bilstm_round_trip(small_text, tmp_path):
    X, y = small_text
    _round_trip("text-bilstm", X, y, tmp_path, epochs=2)
    assert (tmp_path / "text-bilstm" / "bilstm.weights.h5").is_file()


def test_tampered_weights_are_refused(small_text, tmp_path):
    X, y = small_text
    create("text-tfidf").fit(X, y).save(tmp_path / "m")
    w = tmp_path / "m" / "weights.npz"
    w.write_bytes(w.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(EshoppyeError, match="sha256"):
        load_model(tmp_path / "m")


def test_unknown_class_and_pickle_refused(small_text, tmp_path):
    X, y = small_text
    create("text-embed").fit(X, y, progress=False).save(tmp_path / "m")
    meta_path = tmp_path / "m" / "model.json"
    meta = json.loads(meta_path.read_text())
    meta["class"] = "os.system"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(EshoppyeError, match="inconnue"):
        load_model(tmp_path / "m")
    # an .npz holding a pickled object array is refused by the loader
    from eshoppye.models.base import load_npz

    np.savez(tmp_path / "evil.npz", x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError):
        load_npz(tmp_path / "evil.npz")


def test_path_escape_in_manifest_refused(small_text, tmp_path):
    X, y = small_text
    create("text-embed").fit(X, y, progress=False).save(tmp_path / "m")
    meta_path = tmp_path / "m" / "model.json"
    meta = json.loads(meta_path.read_text())
    meta["files"]["../../etc/passwd"] = {"sha256": "0" * 64, "size": 1}
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(EshoppyeError, match="refusé"):
        load_model(tmp_path / "m")


def test_unfitted_model_says_so():
    with pytest.raises(EshoppyeError, match="pas entraîné"):
        create("text-tfidf").predict_proba(pd.DataFrame({"designation": ["x"], "description": [""]}))
