"""Late fusion: calibration, stacking on held-out probabilities, fallbacks, persistence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from eshoppye.categories import CODES
from eshoppye.models import load_model
from eshoppye.models.fusion import LateFusionModel, oof_probas


def _fake_probas(n=1200, seed=0):
    """Independent noisy experts whose confidence varies by product: fusion must beat each."""
    rng = np.random.default_rng(seed)
    codes = np.array(CODES)
    y = codes[rng.integers(0, 27, n)]
    yi = np.searchsorted(codes, y)

    def noisy(acc, sharp):
        guess = np.where(rng.random(n) < acc, yi, rng.integers(0, 27, n))
        logits = rng.normal(0, 1, (n, 27))
        logits[np.arange(n), guess] += sharp * rng.uniform(0.3, 1.5, n)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    return {"text-tfidf": noisy(0.8, 4.0), "text-embed": noisy(0.7, 2.0), "image-effnet": noisy(0.6, 3.0)}, y


def _acc(p, y):
    return float((np.array(CODES)[np.nanargmax(p, axis=1)] == y).mean())


def test_stacking_beats_each_base_model():
    probas, y = _fake_probas()
    test, yt = _fake_probas(seed=1)
    model = LateFusionModel().fit_probas(probas, y)
    fused = model.predict_proba_from(test)
    assert _acc(fused, yt) > max(_acc(p, yt) for p in test.values()) + 0.03
    assert set(model.stackers_) == {"all", "text", "image"}
    assert all(t > 0 for t in model.temperatures_.values())


def test_fallbacks_say_which_models_spoke():
    probas, y = _fake_probas()
    model = LateFusionModel().fit_probas(probas, y)
    test, _ = _fake_probas(n=3, seed=2)
    test["image-effnet"][0] = np.nan  # no image
    test["text-tfidf"][1] = np.nan  # no text
    test["text-embed"][1] = np.nan
    p, used = model.fuse(test)
    assert used == ["text", "image", "all"]
    assert np.allclose(p.sum(axis=1), 1)
    shares = model.contributions({k: v[2:3] for k, v in test.items()})
    assert set(shares) == {"text-tfidf", "text-embed", "image-effnet"}
    assert abs(sum(shares.values()) - 1) < 1e-6


def test_round_trip(tmp_path):
    probas, y = _fake_probas()
    model = LateFusionModel().fit_probas(probas, y)
    model.save(tmp_path / "f")
    loaded = load_model(tmp_path / "f")
    np.testing.assert_allclose(loaded.predict_proba_from(probas), model.predict_proba_from(probas))


def test_out_of_fold_probabilities_are_held_out():
    """OOF scores of a memorising model are far below its training-set scores."""
    rng = np.random.default_rng(0)
    n = 27 * 12
    y = np.repeat(np.array(CODES), 12)
    words = [" ".join(f"w{rng.integers(0, 10_000)}" for _ in range(6)) for _ in range(n)]
    frame = pd.DataFrame({"designation": words, "description": [""] * n})
    oof = oof_probas(["text-tfidf"], frame, y, n_splits=3, progress=False)["text-tfidf"]
    assert not np.isnan(oof).any()
    from eshoppye.models import create

    train_acc = _acc(create("text-tfidf").fit(frame, y).predict_proba(frame), y)
    assert train_acc > 0.95 and _acc(oof, y) < 0.2  # random words: nothing to learn held-out


def test_large_training_sets_use_three_folds(monkeypatch):
    """From MANY_ROWS rows, the out-of-fold pass refits every base 3 times instead of 5, and the
    model records the folds it was fitted with; the sample catalogue keeps 5."""
    import eshoppye.models.fusion as fusion

    probas, y = _fake_probas(n=300)
    seen = []

    def fake_oof(names, frame, yy, n_splits=5, progress=True):
        seen.append(n_splits)
        return probas

    monkeypatch.setattr(fusion, "oof_probas", fake_oof)
    frame = pd.DataFrame({"designation": ["x"] * len(y), "description": [""] * len(y)})
    small = LateFusionModel().fit(frame, y, progress=False)
    monkeypatch.setattr(fusion, "MANY_ROWS", 200)
    large = LateFusionModel().fit(frame, y, progress=False)
    assert seen == [5, 3]
    assert small.params["n_splits"] == 5 and large.params["n_splits"] == 3
