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


def test_tfidf_fast_transform_equals_scikit_learn(small_text, tmp_path):
    """The prediction path builds the TF-IDF matrix itself: bit for bit what the fitted
    TfidfVectorizers give, for a saved and reloaded model too, odd texts included."""
    from scipy import sparse

    from eshoppye.models.text import _DESC_CHAR_LIMIT, _TFIDF_BLOCKS

    X, y = small_text
    create("text-tfidf").fit(X, y).save(tmp_path / "m")
    model = load_model(tmp_path / "m")
    odd = pd.DataFrame({"designation": ["", "&&& <b>", "Zzyzx qwv", "é" * 3000],
                        "description": ["", "", "x " * 2000, "mot inconnu"]})
    fields = model._fields(pd.concat([X, odd], ignore_index=True))
    blocks = []
    for name, (field, _) in _TFIDF_BLOCKS.items():
        docs = [d[:_DESC_CHAR_LIMIT] for d in fields[field]] if name == "desc_char" else fields[field]
        w = model.params["title_weight"] if field == "title" else model.params["desc_weight"]
        blocks.append(model._vecs[name].transform(docs) * np.float32(w))
    expected = sparse.hstack(blocks, format="csr", dtype=np.float32)
    got = model._transform(fields)
    assert got.dtype == np.float32 and got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)
    # one product predicted then explained: same matrix, computed once
    one = X.iloc[[3]]
    p = model.predict_proba(one)
    assert model._last is not None and model._last[1] is model._matrix(model._fields(one))
    assert model.explain(one["designation"].iat[0], one["description"].iat[0])
    np.testing.assert_array_equal(model.predict_proba(one), p)


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
    with pytest.raises(EshoppyeError, match="refusé"):
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


# -- the original project's families: text-conv1d, text-lstm, text-gru beside text-bilstm ----------

FAMILIES = ("text-conv1d", "text-lstm", "text-gru")


@pytest.mark.parametrize("name", FAMILIES)
def test_family_round_trip_and_determinism(name, small_text, tmp_path):
    X, y = small_text
    model, loaded = _round_trip(name, X, y, tmp_path, epochs=2, units=16, embed_dim=16)
    layer = name.split("-", 1)[1]
    meta = json.loads((tmp_path / name / "model.json").read_text())
    assert set(meta["files"]) == {"tokenizer.json", f"{layer}.weights.h5"}
    assert model._net.get_layer(layer) is not None  # the family's own layer, not a Bi-LSTM
    again = create(name, epochs=2, units=16, embed_dim=16).fit(X, y, progress=False)
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    # the weights file is verified before loading, like every other model
    w = tmp_path / name / f"{layer}.weights.h5"
    w.write_bytes(w.read_bytes()[:-4] + b"abcd")
    with pytest.raises(EshoppyeError, match="sha256"):
        load_model(tmp_path / name)


def test_families_differ_only_by_their_layer():
    from eshoppye.models.text import KerasTextModel

    classes = [type(create(n)) for n in FAMILIES + ("text-bilstm",)]
    assert all(issubclass(c, KerasTextModel) for c in classes)
    assert {c.layer for c in classes} == {"conv1d", "lstm", "gru", "bilstm"}
    for c in classes:  # nothing but the name, the layer and a docstring: no copied training code
        assert {k for k in vars(c) if not k.startswith("__")} == {"name", "layer"}


def test_bundled_bilstm_still_loads_and_matches_the_original_network(small_text):
    """The bundled ``models/text-bilstm`` (saved format and class name unchanged) gives the same
    probabilities as the original architecture, written out here layer by layer."""
    bundled = Path(__file__).resolve().parent.parent / "models" / "text-bilstm"
    if not (bundled / "model.json").is_file():
        pytest.skip("pas de modèle text-bilstm fourni")
    meta = json.loads((bundled / "model.json").read_text())
    assert meta["class"] == "BiLSTMTextModel" and "bilstm.weights.h5" in meta["files"]
    model = load_model(bundled)
    X, _ = small_text
    import keras
    from keras import layers

    p = meta["params"]
    units = p.get("units", p.get("lstm_units"))
    inputs = keras.Input(shape=(p["maxlen"],), dtype="int32")
    x = layers.Embedding(len(model.vocab_) + 2, p["embed_dim"], mask_zero=True, name="embedding")(inputs)
    x = layers.Bidirectional(layers.LSTM(units), name="bilstm")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    x = layers.Dense(128, activation="relu", name="dense")(x)
    net = keras.Model(inputs, layers.Dense(27, activation="softmax", name="probs")(x))
    net.load_weights(bundled / "bilstm.weights.h5")
    expected = np.asarray(net(model._encode(X), training=False), dtype=np.float64)
    np.testing.assert_allclose(model.predict_proba(X), expected, atol=1e-5)
    assert (model.predict(X) == X["prdtypecode"].to_numpy()).mean() > 0.5
