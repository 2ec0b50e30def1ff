"""Shared fixtures: a tiny valid challenge directory, an isolated cache."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def write_challenge_dir(root: Path, n_per_class: int = 3, codes=(10, 2280, 2583), images=True) -> Path:
    """A directory in the challenge layout with ``n_per_class`` products per code."""
    from PIL import Image

    rows, labels = [], []
    for k, code in enumerate(codes):
        for j in range(n_per_class):
            rows.append({"designation": f"produit {code} numéro {j}", "description": "" if j % 2 else f"<b>desc</b> {code}",
                         "productid": 1000 + 10 * k + j, "imageid": 5000 + 10 * k + j})
            labels.append(code)
    X = pd.DataFrame(rows)
    X.to_csv(root / "X_train_update.csv")
    pd.DataFrame({"prdtypecode": labels}).to_csv(root / "Y_train_CVw08PX.csv")
    if images:
        d = root / "images" / "image_train"
        d.mkdir(parents=True)
        for j, (r, code) in enumerate(zip(rows, labels)):  # one colour per code, a distinct picture per product
            Image.new("RGB", (16, 16), (code % 255, (40 + 16 * j) % 256, 160)).save(
                d / f"image_{r['imageid']}_product_{r['productid']}.jpg")
    return root


@pytest.fixture
def challenge_dir(tmp_path: Path) -> Path:
    return write_challenge_dir(tmp_path)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty ESHOPPYE_CACHE unless it sets one itself."""
    monkeypatch.setenv("ESHOPPYE_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("ESHOPPYE_DATA_DIR", raising=False)
    monkeypatch.delenv("ESHOPPYE_MANIFEST", raising=False)


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL cluster (see ``tests/pgcluster.py``), skipped only when PostgreSQL
    is not installed and cannot be."""
    from pgcluster import Cluster

    cluster = Cluster()
    why = cluster.missing()
    if why:
        pytest.skip(f"PostgreSQL indisponible : {why}")
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
