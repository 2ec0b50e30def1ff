"""The sample catalogue generator (data/make_sample.py): vocabulary as data, determinism, pictures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def _load(name: str):
    sys.path.insert(0, str(ROOT / "data"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "data" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen():
    pytest.importorskip("yaml")
    return _load("make_sample")


def test_every_product_type_names_its_picture(gen):
    for code, v in gen.V.items():
        assert len(v["types"]) >= 1, code
        for t in v["types"]:
            assert isinstance(t, dict) and t.get("glyph"), (code, t)
        for p in v.get("patterns", []):
            assert p.get("glyph"), (code, p)
        assert v.get("templates") or v.get("patterns"), code


def test_broad_vocabulary(gen):
    """Dozens of product types in the template-written categories, as on the real marketplace."""
    rich = [c for c, v in gen.V.items() if v.get("templates")]
    assert len(rich) >= 15
    assert all(len(gen.V[c]["types"]) >= 20 for c in rich), {c: len(gen.V[c]["types"]) for c in rich}


def test_patterns_expand_without_braces(gen):
    import numpy as np

    rng = np.random.default_rng(0)
    for code in gen.V:
        for _ in range(40):
            t = gen.make_title(code, rng)
            assert t.text and "{" not in t.text and "}" not in t.text, (code, t.text)
            d = gen.make_description(t, rng)
            assert d is None or "{" not in d, (code, d)


def test_sample_is_what_the_generator_writes(gen, tmp_path):
    """Deterministic, and data/sample/ is up to date with the vocabulary files."""
    if not (SAMPLE / "X_train_update.csv").is_file():
        pytest.skip("sample catalogue not generated")
    gen.build(tmp_path, with_images=False)
    for name in ("X_train_update.csv", "Y_train_CVw08PX.csv", "X_test_update.csv", "image_subjects.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_sample_has_marketplace_noise():
    if not (SAMPLE / "X_train_update.csv").is_file():
        pytest.skip("sample catalogue not generated")
    X = pd.read_csv(SAMPLE / "X_train_update.csv", index_col=0)
    y = pd.read_csv(SAMPLE / "Y_train_CVw08PX.csv", index_col=0)["prdtypecode"]
    assert abs(X["description"].isna().mean() - 0.35) < 0.05
    assert X["designation"].str.isupper().mean() > 0.03  # ALL CAPS titles
    assert X["designation"].str.contains(r"(?i)\blot\b").mean() > 0.03  # lots
    assert X["description"].fillna("").str.contains("&[a-z]+;|<br").mean() > 0.2  # HTML and entities
    assert X.loc[y == 10, "designation"].str.contains(r"\bThe\b|Notizbuch").mean() > 0.05  # English / German books
    assert X.loc[y == 10, "designation"].str.contains(r"(?i)\blivre\b").mean() < 0.1
    S = pd.read_csv(SAMPLE / "image_subjects.csv")
    assert len(S) == len(X) + len(pd.read_csv(SAMPLE / "X_test_update.csv"))
    assert set(S["symbol"]) == {0, 1}


def test_picture_shows_the_titled_object():
    """A glyph given as subject is what the renderer draws (not a category object)."""
    pytest.importorskip("PIL")
    si = _load("sample_images")
    try:
        ladder = si.glyph("🪜")
    except RuntimeError:
        pytest.skip("Noto Color Emoji font not installed")
    import numpy as np

    img = si.render_image(2583, np.random.default_rng(0), "Échelle inox 3 marches", {"glyph": "🪜"})
    other = si.render_image(2583, np.random.default_rng(0), "Échelle inox 3 marches", {"glyph": "📕"})
    assert ladder is not None and img.size == (256, 256)
    assert np.abs(np.asarray(img, dtype=int) - np.asarray(other, dtype=int)).mean() > 5
