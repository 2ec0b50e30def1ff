"""The challenge reader on good and broken inputs: each error is one clear line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from eshoppye.data import load_dataset, split_dataset
from eshoppye.errors import EshoppyeError


def test_reads_valid_directory(challenge_dir):
    ds = load_dataset(challenge_dir)
    assert len(ds) == 9
    assert list(ds.labels[:3]) == [10, 10, 10]
    assert ds.missing_images == 0 and ds.warnings == []
    assert all(p.endswith(".jpg") for p in ds.frame["image_path"])
    assert ds.frame.loc[1, "description"] == ""  # missing description read as empty text
    assert len(ds.fingerprint) == 16


def test_fingerprint_changes_with_content(challenge_dir):
    before = load_dataset(challenge_dir).fingerprint
    y = challenge_dir / "Y_train_CVw08PX.csv"
    y.write_text(y.read_text().replace("2583", "2280", 1))
    assert load_dataset(challenge_dir).fingerprint != before


def _error(challenge_dir, **kw) -> str:
    with pytest.raises(EshoppyeError) as exc:
        load_dataset(challenge_dir, **kw)
    msg = str(exc.value)
    assert "\n" not in msg and "Traceback" not in msg
    return msg


def test_missing_directory(tmp_path):
    assert "introuvable" in _error(tmp_path / "nope")


def test_missing_file(challenge_dir):
    (challenge_dir / "Y_train_CVw08PX.csv").unlink()
    assert "Y_train_CVw08PX.csv" in _error(challenge_dir) and "introuvable" in _error(challenge_dir)


def test_missing_column(challenge_dir):
    x = challenge_dir / "X_train_update.csv"
    pd.read_csv(x, index_col=0).drop(columns=["imageid"]).to_csv(x)
    msg = _error(challenge_dir)
    assert "imageid" in msg and "X_train_update.csv" in msg


def test_labels_not_aligned(challenge_dir):
    y = challenge_dir / "Y_train_CVw08PX.csv"
    pd.read_csv(y, index_col=0).iloc[:-1].to_csv(y)
    msg = _error(challenge_dir)
    assert "non alignées" in msg and "8 étiquettes pour 9 produits" in msg


def test_unknown_code(challenge_dir):
    y = challenge_dir / "Y_train_CVw08PX.csv"
    df = pd.read_csv(y, index_col=0)
    df.iloc[4, 0] = 9999
    df.to_csv(y)
    msg = _error(challenge_dir)
    assert "9999" in msg and "ligne 6" in msg


def test_duplicate_ids(challenge_dir):
    x = challenge_dir / "X_train_update.csv"
    df = pd.read_csv(x, index_col=0)
    df.loc[5, "productid"] = df.loc[2, "productid"]
    df.to_csv(x)
    msg = _error(challenge_dir)
    assert "productid" in msg and "en double" in msg and "ligne 7" in msg


def test_duplicate_index(challenge_dir):
    x = challenge_dir / "X_train_update.csv"
    lines = x.read_text().splitlines()
    lines[3] = "1" + lines[3][1:]  # index 2 -> 1
    x.write_text("\n".join(lines) + "\n")
    assert "en double" in _error(challenge_dir)


def test_broken_csv(challenge_dir):
    x = challenge_dir / "X_train_update.csv"
    x.write_text(x.read_text() + '9,"unterminated,quote,1,2\n')
    msg = _error(challenge_dir)
    assert "X_train_update.csv" in msg


def test_non_integer_id(challenge_dir):
    x = challenge_dir / "X_train_update.csv"
    df = pd.read_csv(x, index_col=0)
    df["imageid"] = df["imageid"].astype(str)
    df.loc[3, "imageid"] = "abc"
    df.to_csv(x)
    msg = _error(challenge_dir)
    assert "imageid" in msg and "abc" in msg and "ligne 5" in msg


def test_undecodable_bytes_reported_and_kept(challenge_dir):
    x = challenge_dir / "X_train_update.csv"
    raw = x.read_bytes().replace("numéro 1".encode(), b"num\xe9ro 1", 1)
    x.write_bytes(raw)
    ds = load_dataset(challenge_dir)
    assert len(ds) == 9  # nothing lost
    assert any("non décodables" in w and "ligne 3" in w for w in ds.warnings)
    assert "\ufffd" in ds.frame.loc[1, "designation"]
    assert "non décodables" in _error(challenge_dir, strict=True)


def test_missing_images_counted_fatal_only_when_strict(challenge_dir):
    imgs = sorted((challenge_dir / "images" / "image_train").iterdir())
    imgs[0].unlink()
    imgs[1].unlink()
    ds = load_dataset(challenge_dir)
    assert ds.missing_images == 2
    assert (ds.frame["image_path"] == "").sum() == 2
    assert any("2 image(s) manquante(s)" in w for w in ds.warnings)
    assert "2 image(s) manquante(s)" in _error(challenge_dir, strict=True)


def test_split_is_stratified_deterministic_and_disjoint():
    y = np.repeat([10, 2280, 2583, 40], [300, 200, 100, 40])
    a, b = split_dataset(y), split_dataset(y)
    for k in ("train", "val", "test"):
        assert np.array_equal(a[k], b[k])
    allpos = np.concatenate([a["train"], a["val"], a["test"]])
    assert len(allpos) == len(y) == len(set(allpos))
    sizes = a["info"]["sizes"]
    assert abs(sizes["test"] / len(y) - 0.15) < 0.01 and abs(sizes["val"] / len(y) - 0.13) < 0.01
    for code in (10, 40):  # every class in every part
        assert (y[a["test"]] == code).any() and (y[a["val"]] == code).any()
    assert not np.array_equal(split_dataset(y, seed=7)["test"], a["test"])


def test_reads_sample_catalogue():
    from eshoppye.config import SAMPLE_DATA_DIR

    if not (SAMPLE_DATA_DIR / "X_train_update.csv").is_file():
        pytest.skip("sample catalogue not generated")
    ds = load_dataset(SAMPLE_DATA_DIR, strict=True)
    assert len(ds) >= 3000
    counts = pd.Series(ds.labels).value_counts()
    assert len(counts) == 27 and counts.min() >= 40
    assert ds.missing_images == 0
