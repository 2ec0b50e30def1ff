"""ImageNet prior: the reviewed mapping file, the pure prior/combination functions, and real photos.

Real photographs in ``tests/data/photos`` (from scikit-image's bundled data, see SOURCES.md
there): a cat, a cup of espresso, an astronaut. The backbone is memoised per process.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from eshoppye.categories import CODES, TRAIN_COUNT
from eshoppye.errors import EshoppyeError
from eshoppye.image.prior import (
    MAPPING_FILE,
    N_IMAGENET,
    domain_gate,
    gated_product,
    imagenet_logits,
    imagenet_prior,
    load_mapping,
    prior_from_features,
    product_of_experts,
)

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
PHOTOS = Path(__file__).resolve().parent / "data" / "photos"


def _rows(path: Path = MAPPING_FILE) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# -- the data file -------------------------------------------------------------------------------

def test_mapping_file_has_every_class_in_order_with_valid_codes_and_reasons():
    rows = _rows()
    assert len(rows) == N_IMAGENET
    assert [int(r["index"]) for r in rows] == list(range(N_IMAGENET))
    assert len({r["wnid"] for r in rows}) == N_IMAGENET and all(r["wnid"].startswith("n") for r in rows)
    assert len({r["name"] for r in rows}) == N_IMAGENET
    for r in rows:
        assert r["reason"].strip(), r
        for code in filter(None, r["prdtypecode"].split("|")):
            assert int(code) in CODES, r
    mapping = load_mapping()
    assert mapping.matrix.shape == (N_IMAGENET, len(CODES))
    np.testing.assert_allclose(mapping.matrix.sum(axis=1)[mapping.mapped], 1.0)
    assert 300 < mapping.mapped.sum() < 600  # animals, landscapes, clothes... stay unmapped


@pytest.mark.parametrize("index,name,code", [
    (0, "tench", None), (1, "goldfish", 2220), (207, "golden retriever", 2220), (281, "tabby", 2220),
    (520, "crib", 1320), (611, "jigsaw puzzle", 1281), (613, "joystick", 50), (619, "lampshade", 2060),
    (621, "lawn mower", 2585), (740, "power drill", 2585), (831, "studio couch", 1560), (750, "quilt", 1920),
    (706, "patio", 2582), (850, "teddy", 1280), (918, "crossword puzzle", 2280), (563, "fountain pen", 2522),
    (817, "sports car", 1300), (963, "pizza", 1940), (970, "alp", None), (681, "notebook", None),
])
def test_anchor_classes(index, name, code):
    row = _rows()[index]
    assert row["name"] == name
    codes = [int(c) for c in row["prdtypecode"].split("|") if c]
    assert (code in codes) if code else not codes


def test_bad_mapping_files_are_one_french_line(tmp_path):
    header = "index,wnid,name,prdtypecode,reason\n"
    good = [f"{i},n{i:08d},class {i},,none\n" for i in range(N_IMAGENET)]
    cases = {
        "short": (good[:10], "1000 lignes"),
        "unknown code": (good[:5] + ["5,n5,x,9999,r\n"] + good[6:], "inconnu"),
        "no reason": (good[:5] + ["5,n5,x,2583,\n"] + good[6:], "sans raison"),
        "order": (good[1:2] + good[:1] + good[2:], "ordre"),
    }
    for name, (lines, message) in cases.items():
        p = tmp_path / f"{name.replace(' ', '_')}.csv"
        p.write_text(header + "".join(lines), encoding="utf-8")
        with pytest.raises(EshoppyeError, match=message):
            load_mapping(p)
    with pytest.raises(EshoppyeError, match="introuvable"):
        load_mapping(tmp_path / "absent.csv")


# -- pure functions --------------------------------------------------------------------------------

def _one_hot(*indices: int) -> np.ndarray:
    p = np.zeros((len(indices), N_IMAGENET))
    p[np.arange(len(indices)), indices] = 1.0
    return p


def test_prior_sums_mapped_mass_and_spreads_the_rest_by_frequency():
    mapping = load_mapping()
    col = {c: j for j, c in enumerate(CODES)}
    prior = imagenet_prior(_one_hot(850, 0, 918), mapping)  # teddy, tench (unmapped), crossword
    np.testing.assert_allclose(prior.sum(axis=1), 1.0)
    assert prior[0, col[1280]] == pytest.approx(1.0)
    freq = np.array([TRAIN_COUNT[c] for c in CODES], dtype=float)
    np.testing.assert_allclose(prior[1], freq / freq.sum())
    assert prior[2].argmax() == col[2280]
    # a class shared between codes splits its probability equally
    shared = next(i for i in range(N_IMAGENET) if (mapping.matrix[i] > 0).sum() == 2)
    assert sorted(imagenet_prior(_one_hot(shared), mapping)[0])[-2:] == pytest.approx([0.5, 0.5])
    # mixing: 60 % lawn mower + 40 % unmapped
    mixed = 0.6 * _one_hot(621) + 0.4 * _one_hot(0)
    p = imagenet_prior(mixed, mapping)[0]
    assert p[col[2585]] == pytest.approx(0.6 + 0.4 * freq[col[2585]] / freq.sum())
    # a subset of codes (a model's classes) is renormalised
    sub = imagenet_prior(_one_hot(0), mapping, codes=[10, 2583])
    np.testing.assert_allclose(sub[0], np.array([TRAIN_COUNT[10], TRAIN_COUNT[2583]]) / (TRAIN_COUNT[10] + TRAIN_COUNT[2583]))
    with pytest.raises(EshoppyeError):
        imagenet_prior(np.ones((1, 10)), mapping)


def test_products_of_experts():
    prior = np.array([[0.7, 0.2, 0.1]])
    flat = np.full((1, 3), 1 / 3)
    sure = np.array([[0.01, 0.01, 0.98]])
    np.testing.assert_allclose(product_of_experts(prior, flat, 0.3), prior)  # uniform head: prior unchanged
    assert product_of_experts(prior, sure, 0.3).argmax() == 0  # a tempered head does not overturn the prior
    assert product_of_experts(prior, sure, 1.0).argmax() == 2  # an untempered one does
    # the gate moves the decision from the prior (0) to the head (1)
    assert gated_product(prior, sure, np.array([0.0]), 0.3).argmax() == 0
    assert gated_product(prior, sure, np.array([1.0]), 0.3).argmax() == 2
    np.testing.assert_allclose(gated_product(prior, sure, np.array([0.0]), 0.3), product_of_experts(prior, sure, 0.3))
    np.testing.assert_allclose(domain_gate(np.array([0.1, 0.5, 0.6, 0.9]), 0.4, 0.8), [0.0, 0.25, 0.5, 1.0])


# -- real photographs -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def photo_features():
    from eshoppye.image import image_features

    return {p.stem: image_features(p) for p in sorted(PHOTOS.glob("*.jpg"))}


def test_logits_from_features_equal_the_keras_classifier(photo_features):
    from eshoppye.image import load_backbone, load_image, preprocess

    x = preprocess(load_image(PHOTOS / "chelsea.jpg"))[None]
    feats, logits = (np.asarray(t) for t in load_backbone("lite0", include_top=True).predict_on_batch(x))
    np.testing.assert_allclose(imagenet_logits(feats), logits, atol=1e-3)
    np.testing.assert_allclose(feats[0], photo_features["chelsea"], atol=1e-4)


def test_real_photos_land_in_their_category(photo_features):
    col = {c: j for j, c in enumerate(CODES)}
    prior = prior_from_features(np.stack([photo_features["chelsea"], photo_features["coffee"]]))
    assert prior[0].argmax() == col[2220] and prior[0, col[2220]] > 0.5  # a cat: pet products
    top2 = set(np.argsort(-prior[1])[:2])
    assert {col[1940], col[2582]} == top2  # espresso: coffee, or cup and saucer (tableware)
    # no product: the astronaut photo gives a flat prior (nothing above 0.5)
    assert prior_from_features(photo_features["astronaut"][None]).max() < 0.5
    # NaN features (unreadable picture) stay NaN
    assert np.isnan(prior_from_features(np.full((1, 1280), np.nan))).all()


def test_model_lets_the_prior_decide_real_photos_and_the_head_its_own_domain(photo_features, tmp_path):
    """A head trained on synthetic clusters: its own pictures keep the head's answer, a real cat
    photo (far from every cluster) goes to pet products although the head says otherwise."""
    from eshoppye.models.base import load_model
    from eshoppye.models.image import ImageEffnetModel

    rng = np.random.default_rng(0)
    centers = rng.uniform(0, 2, (len(CODES), 1280)).astype(np.float32)
    X = np.concatenate([c + rng.normal(0, 0.3, (12, 1280)) for c in centers]).astype(np.float32)
    y = np.repeat(np.array(CODES), 12)
    model = ImageEffnetModel(epochs=30, progress=False).fit(X, y)
    model.save(tmp_path / "m")
    model = load_model(tmp_path / "m")
    assert (model.predict(X) == y).mean() > 0.95  # in its own domain the head still decides
    assert model.domain_gate(X).mean() > 0.7
    # make the head sure (e^8 : 1) that everything unfamiliar is a board game
    k = int(np.flatnonzero(model.classes_ == 1281)[0])
    model._head = {**model._head, "b2": model._head["b2"] + 8.0 * (np.arange(len(CODES)) == k)}
    cat = photo_features["chelsea"][None]
    head_says = model.classes_[model.head_proba(cat).argmax()]
    assert model.domain_gate(cat)[0] == 0.0
    assert model.predict(cat)[0] == 2220  # the tempered head does not overturn the prior
    # the switch: without the prior the cat goes wherever the head says
    off = ImageEffnetModel(imagenet_prior=False)
    off.classes_, off._head = model.classes_, model._head
    assert off.predict(cat)[0] == head_says
    assert head_says == 1281  # so the prior did change the answer above
    # a head saved before the prior existed (no centroids) predicts as it was trained
    old = ImageEffnetModel()
    old.classes_ = model.classes_
    old._head = {k: v for k, v in model._head.items() if k in ("w1", "b1", "w2", "b2")}
    assert old.predict(cat)[0] == head_says
