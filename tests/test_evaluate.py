"""Scoring helpers of ``eshoppye.evaluate``: the reliability table of a confidence (bins, expected
calibration error, accuracy above and below the uncertainty threshold) and its place in the
development-set scores of the final decision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eshoppye.evaluate import CALIBRATION_EDGES, reliability

ROOT = Path(__file__).resolve().parent.parent


def test_reliability_hand_made_case():
    conf = [0.1, 0.2, 0.4, 0.5, 0.65, 0.8, 0.95, 1.0, np.nan]  # the last row: nothing decided
    correct = [False, True, True, True, False, True, True, True, False]
    r = reliability(conf, correct, threshold=0.5)
    assert r["n"] == 8 and r["threshold"] == 0.5
    got = [(b["low"], b["high"], b["n"], b["confidence"], b["accuracy"]) for b in r["bins"]]
    want = [(0.0, 0.3, 2, 0.15, 0.5), (0.3, 0.5, 1, 0.4, 1.0), (0.5, 0.7, 2, 0.575, 0.5),
            (0.7, 0.9, 1, 0.8, 1.0), (0.9, 1.0, 2, 0.975, 1.0)]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g[:3] == w[:3]
        assert g[3:] == pytest.approx(w[3:])
    # (2 * 0.35 + 1 * 0.6 + 2 * 0.075 + 1 * 0.2 + 2 * 0.025) / 8
    assert r["ece"] == pytest.approx(1.7 / 8)
    assert r["sure"]["n"] == 5 and r["sure"]["accuracy"] == pytest.approx(0.8)  # 0.5 itself is sure
    assert r["uncertain"]["n"] == 3 and r["uncertain"]["accuracy"] == pytest.approx(2 / 3)


def test_reliability_edges_empty_bins_and_no_rows():
    r = reliability([0.3, 0.9, 1.0], [True, True, True])
    assert [b["n"] for b in r["bins"]] == [0, 1, 0, 0, 2]  # 0.3 and 0.9 open their bin, 1.0 is in the last
    assert r["bins"][0]["confidence"] is None and r["bins"][0]["accuracy"] is None
    assert r["uncertain"] == {"n": 1, "accuracy": 1.0}
    assert r["ece"] == pytest.approx((0.7 + 2 * 0.05) / 3)
    perfect = reliability([0.75, 0.75, 0.75, 0.75], [True, True, True, False])
    assert perfect["ece"] == pytest.approx(0.0)
    empty = reliability([np.nan], [False])
    assert empty["n"] == 0 and empty["ece"] is None and empty["sure"] == {"n": 0, "accuracy": None}
    assert len(empty["bins"]) == len(CALIBRATION_EDGES) - 1
    with pytest.raises(ValueError):
        reliability([0.5, 0.6], [True])


def test_evaluate_dev_gives_the_decision_calibration():
    from eshoppye.evaluate import evaluate_dev
    from eshoppye.models.ensemble import load_models
    from eshoppye.predict import UNCERTAIN_BELOW

    models = load_models(ROOT / "models", only=["text-tfidf"])  # a bundled model, quick
    result = evaluate_dev(models)
    titles = result["decision"]["titles"]
    cal = titles["calibration"]
    assert set(cal) >= {"bins", "ece", "sure", "uncertain", "threshold", "n"}
    assert cal["threshold"] == UNCERTAIN_BELOW
    assert cal["n"] == titles["n_eval"] == result["set"]["n_rows"]  # every title is decided
    assert [(b["low"], b["high"]) for b in cal["bins"]] == list(zip(CALIBRATION_EDGES, CALIBRATION_EDGES[1:]))
    assert sum(b["n"] for b in cal["bins"]) == cal["n"] == cal["sure"]["n"] + cal["uncertain"]["n"]
    # the bins and the two groups add up to the decision's accuracy
    assert sum(b["n"] * b["accuracy"] for b in cal["bins"] if b["n"]) / cal["n"] == pytest.approx(titles["accuracy"])
    both = cal["sure"]["n"] * (cal["sure"]["accuracy"] or 0) + cal["uncertain"]["n"] * (cal["uncertain"]["accuracy"] or 0)
    assert both / cal["n"] == pytest.approx(titles["accuracy"])
    assert 0.0 <= cal["ece"] <= 1.0
    for view, scores in result["decision"].items():
        assert "calibration" in scores, view


def test_dev_table_states_the_decision_calibration():
    from eshoppye.evaluate import format_dev_table

    cal = reliability([0.1, 0.2, 0.4, 0.5, 0.65, 0.8, 0.95, 1.0], [False, True, True, True, False, True, True, True])
    result = {"set": {"n_rows": 8, "n_photos": 0}, "models": {},
              "decision": {"titles": {"weighted_f1": 0.75, "calibration": cal}}}
    last = format_dev_table(result).splitlines()[-1]
    assert last == ("confiance de la décision finale (titres) : erreur de calibration (ECE) 0,212 ; "
                    "≥ 50\u202f% : 80,0\u202f% juste (5), < 50\u202f% : 66,7\u202f% juste (3)")
    del result["decision"]["titles"]["calibration"]  # an older result: the table alone
    assert format_dev_table(result).splitlines()[-1].startswith("| décision finale |")
