"""Where the Streamlit app takes its data, models and metrics from, and loading them (no Streamlit
import here): ``ESHOPPYE_DATA_DIR``, ``ESHOPPYE_MODELS_DIR``, ``ESHOPPYE_METRICS`` and
``ESHOPPYE_MANIFEST``; :func:`load_app_models` resolves every model of the manifest through
:mod:`eshoppye.registry` (cache, bundled copy or download), loads it and warms it up;
:func:`load_app_dataset`, :func:`split_predictions` and :func:`misclassified_rows` are what the
pages cache. TensorFlow is never imported here; the model modules import Keras only when a Keras
model is loaded or used.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from eshoppye import config
from eshoppye.errors import EshoppyeError

from eshoppye.explore import ProgressFn, no_progress


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


@dataclass
class LoadedModels:
    """The models of the app and where each came from."""

    models: dict[str, Any]
    info: list[dict[str, Any]]  # name, kind, version, origin, path, data_fingerprint
    source: str  # manifest origin or models directory
    problems: list[str] = field(default_factory=list)  # models that could not be loaded
    seconds: float = 0.0


ORIGIN_LABELS = {"cached": "cache local", "bundled": "dépôt (models/)", "remote": "téléchargé",
                 "dir": "dossier local"}


def _manifest_for_app():
    """The registry manifest the app uses: ``ESHOPPYE_MANIFEST``, else ``<models dir>/manifest.json``
    (built from the model directories when absent). None when the registry is unavailable."""
    try:
        from eshoppye import registry
    except ImportError:  # pragma: no cover - registry module missing
        return None, None
    if os.environ.get("ESHOPPYE_MANIFEST", "").strip():
        return registry, registry.load_manifest()
    mdir = models_dir()
    path = mdir / registry.MANIFEST_NAME
    if path.is_file():
        return registry, registry.load_manifest(path)
    if mdir.resolve() == config.BUNDLED_MODELS_DIR.resolve():
        return registry, registry.load_manifest()
    return None, None


def load_app_models(progress: ProgressFn | None = None) -> LoadedModels:
    """Resolve every model of the manifest (cache, bundled copy or download) and load it.

    ``progress(fraction, message)`` is called while models download and load. A model that
    cannot be resolved or loaded is left out and reported in ``problems``; fusion models are
    attached to their base models (and left out when a base is missing). Raises
    :class:`EshoppyeError` when no model at all could be loaded.
    """
    from eshoppye.models.base import load_model, read_meta
    from eshoppye.models.ensemble import attach_bases

    progress = progress or no_progress
    t0 = time.perf_counter()
    registry, manifest = None, None
    try:
        registry, manifest = _manifest_for_app()
    except EshoppyeError as exc:
        problems = [f"manifeste: {exc}"]
    else:
        problems = []
    entries: list[tuple[str, str, Path | None, dict]] = []  # name, origin, dir, entry
    if manifest is not None and manifest.get("models"):
        source = str(manifest.get("_origin") or "manifeste")
        items = manifest["models"]
        for i, entry in enumerate(items):
            name = entry["name"]
            try:
                origin = registry.status(name, manifest)
            except EshoppyeError:
                origin = "missing"
            base = 0.5 * i / len(items)

            def on_bytes(done: int, total: int, _name=name, _base=base) -> None:
                frac = (done / total) if total else 0.0
                progress(min(0.5, _base + 0.5 * frac / len(items)),
                         f"téléchargement de {_name} : {done / 1e6:.1f} / {(total or 0) / 1e6:.1f} Mo")

            progress(base, f"modèle {name} ({ORIGIN_LABELS.get(origin, origin)})")
            try:
                path = registry.resolve(name, manifest, progress=on_bytes)
            except EshoppyeError as exc:
                problems.append(f"{name}: {exc}")
                continue
            entries.append((name, origin, Path(path), entry))
    else:
        mdir = models_dir()
        source = str(mdir)
        if not mdir.is_dir():
            raise EshoppyeError(f"{mdir}: dossier de modèles introuvable (lancez d'abord eshoppye train)")
        for sub in sorted(mdir.iterdir()):
            if (sub / "model.json").is_file():
                try:
                    meta = read_meta(sub)
                except EshoppyeError as exc:
                    problems.append(str(exc))
                    continue
                entries.append((meta["name"], "dir", sub, {"version": meta.get("version")}))
    models, info = {}, []
    ordered = sorted(entries, key=lambda e: e[0].startswith("fusion-"))
    for i, (name, origin, path, entry) in enumerate(ordered):
        progress(0.5 + 0.5 * i / max(len(ordered), 1), f"chargement de {name}")
        try:
            model = load_model(path)
        except EshoppyeError as exc:
            problems.append(f"{name}: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - a broken model must not take the app down
            problems.append(f"{name}: chargement impossible ({exc.__class__.__name__})")
            continue
        if hasattr(model, "attach"):
            absent = attach_bases(model, models)
            if absent:
                problems.append(f"{name}: modèle(s) de base absent(s): {', '.join(absent)}")
                continue
        models[name] = model
        info.append({"name": name, "kind": model.kind, "version": entry.get("version") or model.version,
                     "origin": origin, "origin_label": ORIGIN_LABELS.get(origin, origin),
                     "path": str(path), "data_fingerprint": model.info.get("data_fingerprint")})
    if not models:
        detail = "; ".join(problems) or f"aucun modèle dans {source}"
        raise EshoppyeError(f"aucun modèle chargé ({detail}); lancez d'abord eshoppye train")
    progress(0.97, "préchauffage des modèles")
    try:
        from eshoppye.predict import warm_up

        warm_up(models)  # graph tracing and backbone loading now, not on the first click
    except EshoppyeError as exc:
        problems.append(f"préchauffage: {exc}")
    # The models (TensorFlow graphs, weights, vocabularies) live as long as the server: moving them
    # out of the garbage collector's reach makes every later full collection cheap (with them,
    # one took about 2 s holding the GIL, so every session and the health check waited).
    gc.collect()
    gc.freeze()
    progress(1.0, "modèles prêts")
    return LoadedModels(models=models, info=info, source=source, problems=problems,
                        seconds=time.perf_counter() - t0)


def manifest_rows() -> list[dict[str, Any]]:
    """Manifest rows (name, kind, version, status) without loading any model; [] when none."""
    try:
        registry, manifest = _manifest_for_app()
        if manifest is None:
            return []
        return registry.list_models(manifest)
    except EshoppyeError:
        return []


def describe_models_source(info: list[dict[str, Any]]) -> str:
    """One line: how many models, of which kinds."""
    kinds = Counter(i["kind"] for i in info)
    parts = [f"{n} {k}" for k, n in sorted(kinds.items())]
    return f"{len(info)} modèle(s) : " + ", ".join(parts)


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
