"""Back into training: exported corrections join the training split only, are recorded in the
metrics, and change the next model's answer for the corrected product (text-tfidf on a slice of
the sample catalogue, so that it stays quick)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def _write_extra(root: Path, rows: list[dict], labels: list[int]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["designation", "description", "productid", "imageid"]).to_csv(root / "X_train_update.csv")
    pd.DataFrame({"prdtypecode": labels}).to_csv(root / "Y_train_CVw08PX.csv")
    return root


def test_extra_goes_to_training_split_only(challenge_dir, tmp_path):
    from eshoppye.data import load_dataset, split_dataset
    from eshoppye.extra import add_extra

    ds = load_dataset(challenge_dir)
    parts = split_dataset(ds.labels)
    f = ds.frame
    in_train = f.iloc[parts["train"][0]]
    in_test = f.iloc[parts["test"][0]]
    extra = _write_extra(tmp_path / "extra", [
        {"designation": "tout nouveau", "description": "", "productid": 777, "imageid": 778},
        {"designation": in_train["designation"], "description": "", "productid": in_train["productid"], "imageid": 1},
        {"designation": in_test["designation"], "description": "", "productid": in_test["productid"], "imageid": 2},
    ], [1160, 1160, 1160])
    ds2, parts2, info = add_extra(ds, parts, extra)
    assert (info["added"], info["relabelled"], info["left_out_val_test"]) == (1, 1, 1)
    assert info["fingerprint"] and ds2.fingerprint == ds.fingerprint
    for name in ("val", "test"):  # untouched, same rows, same labels
        assert np.array_equal(parts2[name], parts[name])
        pd.testing.assert_frame_equal(ds2.frame.iloc[parts2[name]], f.iloc[parts[name]])
    train2 = ds2.frame.iloc[parts2["train"]]
    assert len(train2) == len(parts["train"]) + 1
    assert train2.loc[train2["productid"] == 777, "prdtypecode"].tolist() == [1160]
    assert train2.loc[train2["productid"] == in_train["productid"], "prdtypecode"].tolist() == [1160]
    assert ds2.frame["prdtypecode"].iloc[parts["test"][0]] == in_test["prdtypecode"]
    assert parts2["info"]["extra"] == info


@pytest.mark.slow
def test_round_trip_correction_changes_next_model(tmp_path, monkeypatch):
    """predict (queue) -> a person corrects one product -> export -> train --extra -> predict:
    the new model gives the corrected category; the metrics say extra data was used."""
    from eshoppye.categories import CODES
    from eshoppye.predict import predict_file
    from eshoppye.review import db, store
    from eshoppye.review.export import export_reviews
    from eshoppye.train import train_models

    monkeypatch.setenv("ESHOPPYE_DB_URL", f"sqlite:///{tmp_path / 'reviews.sqlite'}")
    x = pd.read_csv(SAMPLE / "X_test_update.csv", index_col=0).head(30)
    x.to_csv(tmp_path / "in.csv")
    common = dict(data_dir=SAMPLE, names=["text-tfidf"], limit=600, progress=False)
    train_models(out_dir=tmp_path / "m1", metrics_path=tmp_path / "m1.json", **common)
    before = predict_file(tmp_path / "m1", tmp_path / "in.csv", tmp_path / "out1.csv",
                          images_dir=SAMPLE / "images", review_below=0.6)
    item = store.queue()[0]  # the least sure product
    wrong = [c for c, _ in item.top3["text-tfidf"]]
    right = [c for c in CODES if c not in wrong][-1]  # a category the model did not even consider
    store.record_verdict(item.id, "corrected", right, reviewer="test")
    summary = export_reviews(tmp_path / "extra")
    assert summary.products == 1 and summary.with_image == 1

    train_models(out_dir=tmp_path / "m2", metrics_path=tmp_path / "m2.json", extra_dir=tmp_path / "extra", **common)
    after = predict_file(tmp_path / "m2", tmp_path / "in.csv", tmp_path / "out2.csv")
    b = before.assign(productid=before["productid"].astype(int)).set_index("productid")
    a = after.assign(productid=after["productid"].astype(int)).set_index("productid")
    assert b.at[item.productid, "prdtypecode"] != right
    assert a.at[item.productid, "prdtypecode"] == right
    m1 = json.loads((tmp_path / "m1.json").read_text())
    m2 = json.loads((tmp_path / "m2.json").read_text())
    extra = m2["models"]["text-tfidf"]["extra_data"]
    assert extra["added"] == 1 and len(extra["fingerprint"]) == 16
    assert m1["models"]["text-tfidf"]["extra_data"] is None
    assert m2["data"]["fingerprint"] == m1["data"]["fingerprint"]  # same test data: comparable scores
    assert m2["models"]["text-tfidf"]["n_eval"] == m1["models"]["text-tfidf"]["n_eval"]
    print(f"round trip: product {item.productid} {b.at[item.productid, 'prdtypecode']} "
          f"({b.at[item.productid, 'confidence']:.3f}) -> {a.at[item.productid, 'prdtypecode']} "
          f"({a.at[item.productid, 'confidence']:.3f}); corrected to {right}; other products changed: "
          f"{int((a['prdtypecode'] != b['prdtypecode']).sum()) - 1} of {len(a) - 1}; weighted F1 on test "
          f"{m1['models']['text-tfidf']['weighted_f1']:.4f} -> {m2['models']['text-tfidf']['weighted_f1']:.4f}")
    db.forget_engines()
