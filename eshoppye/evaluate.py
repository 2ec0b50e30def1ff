"""Evaluation with the official metric (weighted F1), plus macro F1, accuracy, per-class scores,
confusion matrix, model size and prediction latency, written to ``reports/metrics.json``.

Every entry records the data fingerprint and the split it was computed on.
"""

from __future__ import annotations

import datetime as _dt
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from eshoppye.categories import CODES
from eshoppye.config import METRICS_PATH, display_path, is_sample
from eshoppye.errors import EshoppyeError


def scores(y_true, y_pred, classes=CODES) -> dict[str, Any]:
    """Weighted F1 (official), macro F1, accuracy, per-class P/R/F1/support, confusion matrix.

    Rows the model could not speak for (prediction -1) count as errors.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    labels = list(classes)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "weighted_f1": float(f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=0)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "n_eval": int(len(y_true)),
        "per_class": {str(c): {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                               "support": int(s[i])} for i, c in enumerate(labels)},
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def measure_latency(predict_one, frame, n: int = 30) -> dict[str, float]:
    """p50/p95 of ``predict_one`` on single rows (after one warm-up call), in milliseconds,
    as for a new product: no cached embedding or image feature is used."""
    from eshoppye.models.embeddings import clear_memo

    n = min(n, len(frame))
    if n == 0:
        return {}
    if "imageid" in frame:  # id 0 = an upload: features computed, not read from the cache
        frame = frame.assign(imageid=0)
    predict_one(frame.iloc[[0]])
    times = []
    for i in range(n):
        clear_memo()  # no embedding remembered from the batch pass
        t = time.perf_counter()
        predict_one(frame.iloc[[i]])
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95))}


def measure_throughput(predict, frame, n: int = 200) -> float | None:
    """Products per second for a batch of ``n`` new products (no cached embedding or image
    feature is used, as for :func:`measure_latency`)."""
    from eshoppye.models.embeddings import clear_memo

    batch = frame.iloc[:n]
    if not len(batch):
        return None
    if "imageid" in batch:
        batch = batch.assign(imageid=0)
    clear_memo()
    t = time.perf_counter()
    predict(batch)
    return float(len(batch) / (time.perf_counter() - t))


def read_metrics(path: Path | str | None = None) -> dict[str, Any]:
    """The metrics file, or an empty structure when absent; a corrupt file is a clear error."""
    path = Path(path or METRICS_PATH)
    if not path.is_file():
        return {"models": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EshoppyeError(f"{path}: fichier de métriques illisible ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("models", {}), dict):
        raise EshoppyeError(f"{path}: fichier de métriques mal formé")
    data.setdefault("models", {})
    return data


def write_metrics(entries: dict[str, dict], dataset, split: dict, split_name: str,
                  path: Path | str | None = None) -> Path:
    """Merge ``entries`` (one per model) into the metrics file and write it."""
    path = Path(path or METRICS_PATH)
    data = read_metrics(path) if path.is_file() else {"models": {}}
    data_info = {"dir": display_path(dataset.data_dir), "fingerprint": dataset.fingerprint,
                 "synthetic": is_sample(dataset.data_dir), "n_rows": len(dataset)}
    if data.get("data", {}).get("fingerprint") not in (None, dataset.fingerprint):
        data["models"] = {}  # metrics of another data set are not comparable: start afresh
    data["data"] = data_info
    data["split"] = {**split["info"], "evaluated_on": split_name}
    data["classes"] = list(CODES)
    data["generated"] = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    data["models"].update(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def evaluate_models(models: dict, dataset, split: dict, split_name: str = "test",
                    model_dirs: dict | None = None, progress: bool = True) -> dict[str, dict]:
    """Score every model on one split of ``dataset``; returns metrics entries by model name."""
    frame = dataset.frame.iloc[split[split_name]]
    y = frame["prdtypecode"].to_numpy()
    entries = {}
    items = list(models.items())
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(items, desc=f"évaluation ({split_name})", unit="modèle")
    for name, model in items:
        proba = model.predict_proba(frame)
        pred = model.codes_from(proba)
        ok = pred >= 0
        entry = scores(y, pred)
        entry.update({
            "name": name, "kind": model.kind, "version": model.version,
            "data_fingerprint": dataset.fingerprint, "split": split_name,
            "split_seed": split["info"]["seed"],
            "train_seconds": model.info.get("train_seconds"),
            "trained_on": model.info.get("data_fingerprint"),
            "coverage": float(ok.mean()) if len(ok) else 0.0,
            "throughput_per_s": measure_throughput(model.predict_proba, frame),
            "latency": measure_latency(model.predict_proba, frame),
            "evaluated": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        })
        if model_dirs and name in model_dirs:
            entry["size_bytes"] = dir_size(model_dirs[name])
        if model.info.get("data_fingerprint") not in (None, dataset.fingerprint):
            entry["warning"] = "modèle entraîné sur d'autres données que celles évaluées"
        entries[name] = entry
    return entries


def evaluate_dir(data_dir: Path, models_dir: Path, out_path: Path | None = None,
                 split: str = "test", strict: bool = False, limit: int | None = None) -> dict:
    """``eshoppye evaluate``: score every model found in ``models_dir`` and print a table."""
    from eshoppye.data import load_dataset, split_dataset, subset
    from eshoppye.models.ensemble import load_models

    dataset = load_dataset(data_dir, "train", strict=strict)
    for w in dataset.warnings:
        print(f"attention: {w}")
    dataset = subset(dataset, limit)
    parts = split_dataset(dataset.labels)
    models, dirs = load_models(models_dir, with_dirs=True)
    entries = evaluate_models(models, dataset, parts, split, dirs)
    path = write_metrics(entries, dataset, parts, split, out_path)
    print(format_table(entries))
    print(f"métriques écrites dans {path}")
    refresh_manifest(Path(models_dir), path)
    return entries


def format_table(entries: dict[str, dict]) -> str:
    """A Markdown table of the headline metrics, best weighted F1 first."""
    def fmt(value, spec, scale=1.0, unit=""):
        return "-" if value is None else f"{value * scale:{spec}}{unit}"

    rows = ["| modèle | F1 pondéré | F1 macro | exactitude | couverture | taille | latence p50 | entraînement |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, e in sorted(entries.items(), key=lambda kv: -kv[1]["weighted_f1"]):
        rows.append(" | ".join([
            f"| {name}", fmt(e["weighted_f1"], ".4f"), fmt(e["macro_f1"], ".4f"),
            fmt(e["accuracy"], ".4f"), fmt(e.get("coverage"), ".0%"),
            fmt(e.get("size_bytes"), ".2f", 1e-6, " MB"),
            fmt(e.get("latency", {}).get("p50_ms"), ".1f", unit=" ms"),
            fmt(e.get("train_seconds"), ".0f", unit=" s"),
        ]) + " |")
    return "\n".join(rows)


def refresh_manifest(out_dir: Path, metrics_path: Path) -> None:
    """Rewrite ``manifest.json`` beside the models (files, sha256 and the new metrics)."""
    from eshoppye.registry import write_manifest

    path = write_manifest(out_dir, metrics_path)
    print(f"manifeste mis à jour: {path}")
