"""Where the Streamlit app takes its data, models and metrics from (no Streamlit import here):
``ESHOPPYE_DATA_DIR``, ``ESHOPPYE_MODELS_DIR``, ``ESHOPPYE_METRICS``; :func:`load_app_dataset`,
:func:`split_predictions` and :func:`misclassified_rows` are what the pages cache, and
:func:`classify` / :func:`classify_table` bound how many classifications run at once. Loading the
models in two stages is :mod:`eshoppye.app_models`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from eshoppye import config
from eshoppye.errors import EshoppyeError


def models_dir() -> Path:
    """``ESHOPPYE_MODELS_DIR`` when set, else the bundled ``models/`` directory."""
    env = os.environ.get("ESHOPPYE_MODELS_DIR", "").strip()
    return Path(env).expanduser() if env else config.BUNDLED_MODELS_DIR


def metrics_path() -> Path:
    """``ESHOPPYE_METRICS`` when set, else ``reports/metrics.json``."""
    env = os.environ.get("ESHOPPYE_METRICS", "").strip()
    return Path(env).expanduser() if env else config.METRICS_PATH


def data_description(data_dir: Path | str | None = None) -> dict[str, Any]:
    """What the app shows about the data in use: path, synthetic or real, how it was chosen."""
    data_dir = Path(data_dir or config.default_data_dir())
    sample = config.is_sample(data_dir)
    from_env = bool(os.environ.get("ESHOPPYE_DATA_DIR", "").strip())
    try:
        shown = str(data_dir.resolve().relative_to(config.ROOT))
    except (ValueError, OSError):
        shown = str(data_dir)
    return {"dir": data_dir, "shown": shown, "synthetic": sample, "from_env": from_env,
            "exists": (data_dir / "X_train_update.csv").is_file()}


# -- data and predictions shown by the pages -------------------------------------------------------

def data_key(data_dir: Path) -> tuple:
    """Changes whenever the challenge files of ``data_dir`` change (a cache key for the pages)."""
    files = [Path(data_dir) / "X_train_update.csv", Path(data_dir) / "Y_train_CVw08PX.csv"]
    return tuple((str(f), f.stat().st_mtime_ns if f.is_file() else 0) for f in files)


def load_app_dataset(data_dir: Path | str):
    """``(Dataset, search index)`` of ``data_dir``; :class:`EshoppyeError` on failure."""
    from eshoppye.data import load_dataset
    from eshoppye.explore import search_index

    ds = load_dataset(Path(data_dir), "train")
    return ds, search_index(ds.frame)


def read_metrics_safe() -> tuple[dict[str, Any], str | None]:
    """``(metrics, error message or None)`` of the metrics file in use."""
    from eshoppye.evaluate import read_metrics

    try:
        return read_metrics(metrics_path()), None
    except EshoppyeError as exc:
        return {"models": {}}, str(exc)


def split_predictions(dataset, model, part: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of ``part`` of the split, ``model``'s prediction (-1: no answer) and confidence."""
    from eshoppye.data import split_dataset

    pos = split_dataset(dataset.labels)[part]
    frame = dataset.frame.iloc[pos]
    proba = model.predict_proba(frame)
    pred = model.codes_from(proba)
    conf = np.where(pred >= 0, np.nan_to_num(proba).max(axis=1), np.nan)
    return pos, pred, conf


def misclassified_rows(dataset, predictions, true: int, pred: int) -> pd.DataFrame:
    """Rows of true class ``true`` predicted ``pred`` (``predictions`` from :func:`split_predictions`),
    most confident first."""
    pos, preds, conf = predictions
    frame = dataset.frame.iloc[pos].assign(predicted=preds, confidence=conf)
    hits = frame[(frame["prdtypecode"] == true) & (frame["predicted"] == pred)]
    return hits.sort_values("confidence", ascending=False)


# -- bounded heavy work -----------------------------------------------------------------------------

#: How many classifications run at once in the app process (one per core): the others queue, so
#: that concurrent users do not thrash the cores and the server keeps answering (health check).
MAX_CONCURRENT_CLASSIFICATIONS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                            else (os.cpu_count() or 1)))
_HEAVY = threading.BoundedSemaphore(MAX_CONCURRENT_CLASSIFICATIONS)


def classify(models: dict, designation: str = "", description: str = "", image=None):
    """:func:`eshoppye.predict.classify_product` for the app: the models are the shared ones (one
    copy per server), and at most :data:`MAX_CONCURRENT_CLASSIFICATIONS` run at once."""
    from eshoppye.predict import classify_product

    with _HEAVY:
        return classify_product(models, designation, description, image)


def classify_table(models: dict, table, images_dir=None):
    """:func:`eshoppye.predict.predict_table` for the app's CSV tab, bounded like :func:`classify`."""
    from eshoppye.predict import predict_table

    with _HEAVY:
        return predict_table(models, table, images_dir)
