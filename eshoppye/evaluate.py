"""Evaluation with the official metric (weighted F1), plus macro F1, accuracy, per-class scores,
confusion matrix, model size and prediction latency, written to ``reports/metrics.json``.

Every entry records the data fingerprint and the split it was computed on. Beside the test split,
:func:`evaluate_dev` scores the models on the hand-written development set (``data/dev/``), the
closest stand-in for real listings: titles alone, the rows with a photo (text, text + photo, photo
only), and the library's final decision on each, with :func:`reliability` saying whether the
decision's confidence means what it says (accuracy per confidence bin, expected calibration error,
accuracy above and below the uncertainty threshold).
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
    as for a new product: no cached embedding or image feature is used (the image feature cache
    is keyed by the picture's content, so every call runs inside :func:`uncached_features`)."""
    from eshoppye.image.features import uncached_features
    from eshoppye.models.embeddings import clear_memo

    n = min(n, len(frame))
    if n == 0:
        return {}
    if "imageid" in frame:  # id 0 = an upload: nothing computed here is stored on disk
        frame = frame.assign(imageid=0)
    with uncached_features():
        predict_one(frame.iloc[[0]])
    times = []
    for i in range(n):
        clear_memo()  # no embedding remembered from the batch pass
        with uncached_features():
            t = time.perf_counter()
            predict_one(frame.iloc[[i]])
            times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95))}


def measure_throughput(predict, frame, n: int = 200) -> float | None:
    """Products per second for a batch of ``n`` new products (no cached embedding or image
    feature is used, as for :func:`measure_latency`)."""
    from eshoppye.image.features import uncached_features
    from eshoppye.models.embeddings import clear_memo

    batch = frame.iloc[:n]
    if not len(batch):
        return None
    if "imageid" in batch:
        batch = batch.assign(imageid=0)
    clear_memo()
    with uncached_features():
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


# Confidence bins of the reliability table: [0, 0.3), [0.3, 0.5), ..., [0.9, 1].
CALIBRATION_EDGES = (0.0, 0.3, 0.5, 0.7, 0.9, 1.0)


def reliability(confidence, correct, threshold: float = 0.5,
                edges: tuple[float, ...] = CALIBRATION_EDGES) -> dict[str, Any]:
    """Whether a confidence means what it says: per bin of ``edges`` (the last one closed), the
    row count, mean confidence and accuracy (None for an empty bin); the expected calibration error
    (sum over bins of share of rows x |accuracy - mean confidence|); and the accuracy of the rows
    at or above ``threshold`` (``sure``) and below it (``uncertain``).

    Rows without a confidence (NaN: nothing could decide) are left out; ``n`` counts the rest.
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if conf.shape != ok.shape:
        raise ValueError("confidence and correct must have the same length")
    keep = ~np.isnan(conf)
    conf, ok = conf[keep], ok[keep]
    n = len(conf)
    which = np.clip(np.searchsorted(np.asarray(edges[1:-1]), conf, side="right"), 0, len(edges) - 2)
    bins, ece = [], 0.0
    for b in range(len(edges) - 1):
        inside = which == b
        nb = int(inside.sum())
        mean_conf = float(conf[inside].mean()) if nb else None
        acc = float(ok[inside].mean()) if nb else None
        if nb:
            ece += nb / n * abs(acc - mean_conf)
        bins.append({"low": float(edges[b]), "high": float(edges[b + 1]), "n": nb,
                     "confidence": mean_conf, "accuracy": acc})

    def group(mask):
        m = int(mask.sum())
        return {"n": m, "accuracy": float(ok[mask].mean()) if m else None}

    return {"n": n, "bins": bins, "ece": float(ece) if n else None, "threshold": float(threshold),
            "sure": group(conf >= threshold), "uncertain": group(conf < threshold)}


# The views of the development set: which columns each keeps (the rest are blanked).
DEV_VIEWS = {
    "titles": "every row, title + description, no photo",
    "photo_text": "rows with a photo, title + description only",
    "photo_both": "rows with a photo, title + description + photo",
    "photo_only": "rows with a photo, the photo alone",
}


def dev_frames(dev) -> dict:
    """The four views of the development set (:data:`DEV_VIEWS`) as frames."""
    photo = dev[dev["image_path"] != ""].reset_index(drop=True)
    return {
        "titles": dev.assign(image_path=""),
        "photo_text": photo.assign(image_path=""),
        "photo_both": photo,
        "photo_only": photo.assign(designation="", description=""),
    }


def devset_fingerprint(dev) -> str:
    """A short hash of the development set's labels, texts and photo bytes."""
    import hashlib

    h = hashlib.sha256()
    for row in dev[["prdtypecode", "designation", "description", "image_path"]].itertuples(index=False):
        h.update(f"{row[0]}\x1f{row[1]}\x1f{row[2]}\x1e".encode("utf-8"))
        if row[3]:
            h.update(Path(row[3]).read_bytes())
    return h.hexdigest()[:16]


def evaluate_dev(models: dict, dev=None, only: list[str] | None = None) -> dict[str, Any]:
    """Score ``models`` (bases attached to fusions) and the final decision on the development set.

    Returns ``{"set": {...}, "models": {name: {view: scores}}, "decision": {view: scores}}`` where
    each scores dict holds weighted/macro F1, accuracy, coverage and row count; a model that cannot
    speak for a view (an image model on titles) has no entry for it. The decision's scores also hold
    ``calibration``: :func:`reliability` of its confidence, with the app's uncertainty threshold.
    """
    from eshoppye.devset import DEV_SET_PATH, load_devset
    from eshoppye.models.ensemble import model_probas
    from eshoppye.predict import UNCERTAIN_BELOW, decide

    if dev is None:
        dev = load_devset()
    result: dict[str, Any] = {"set": {
        "path": display_path(DEV_SET_PATH), "fingerprint": devset_fingerprint(dev), "n_rows": int(len(dev)),
        "n_photos": int((dev["image_path"] != "").sum()), "views": DEV_VIEWS}, "models": {}, "decision": {}}
    for view, frame in dev_frames(dev).items():
        if not len(frame):
            continue
        y = frame["prdtypecode"].to_numpy()
        probas, _ = model_probas(models, frame)
        preds = {name: models[name].codes_from(p) for name, p in probas.items()}
        preds["decision"], confidence, _ = decide(models, probas)
        for name, pred in preds.items():
            if only and name not in only and name != "decision":
                continue
            cover = float((pred >= 0).mean())
            if cover == 0.0:
                continue
            s = scores(y, pred)
            short = {k: s[k] for k in ("weighted_f1", "macro_f1", "accuracy", "n_eval")}
            short["coverage"] = cover
            if view == "titles":
                short["per_class_f1"] = {c: v["f1"] for c, v in s["per_class"].items()}
            if name == "decision":
                short["calibration"] = reliability(confidence, pred == y, UNCERTAIN_BELOW)
            target = result["decision"] if name == "decision" else result["models"].setdefault(name, {})
            target[view] = short
    return result


def attach_dev(entries: dict[str, dict], dev_result: dict[str, Any]) -> None:
    """Copy each model's development-set scores into its metrics entry as ``entry["dev"]``; the
    headline ``weighted_f1`` is the titles view, or the photo-only view for an image model."""
    for name, entry in entries.items():
        views = dev_result["models"].get(name)
        if not views:
            continue
        head = views.get("titles") or views.get("photo_only") or next(iter(views.values()))
        entry["dev"] = {"weighted_f1": head["weighted_f1"], "macro_f1": head["macro_f1"],
                        "accuracy": head["accuracy"], "headline_view": "titles" if "titles" in views else
                        ("photo_only" if "photo_only" in views else next(iter(views))),
                        "fingerprint": dev_result["set"]["fingerprint"], "views": views}


def write_metrics(entries: dict[str, dict], dataset, split: dict, split_name: str,
                  path: Path | str | None = None, dev_result: dict | None = None) -> Path:
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
    if dev_result is not None and dev_result.get("decision") is not None:
        data["dev"] = {**dev_result["set"], "decision": dev_result["decision"]}
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
            "extra_data": model.info.get("split", {}).get("extra"),
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
                 split: str = "test", strict: bool = False, limit: int | None = None,
                 update_manifest: bool = False) -> dict:
    """``eshoppye evaluate``: score every model found in ``models_dir`` and print a table.

    ``models_dir/manifest.json`` is rewritten with these metrics only when ``update_manifest`` is
    set: scoring on other data must not change what ``models list`` and the app show."""
    from eshoppye.data import load_dataset, split_dataset, subset
    from eshoppye.models.ensemble import load_models

    dataset = load_dataset(data_dir, "train", strict=strict)
    for w in dataset.warnings:
        print(f"attention: {w}")
    dataset = subset(dataset, limit)
    parts = split_dataset(dataset.labels)
    if not len(parts[split]):
        raise EshoppyeError(f"{data_dir}: trop peu de produits pour une partie {split} non vide "
                            f"({len(dataset)} produit(s))")
    models, dirs = load_models(models_dir, with_dirs=True)
    entries = evaluate_models(models, dataset, parts, split, dirs)
    dev_result = dev_scores(models, entries)
    path = write_metrics(entries, dataset, parts, split, out_path, dev_result)
    print(format_table(entries))
    if dev_result:
        print(format_dev_table(dev_result))
    print(f"métriques écrites dans {path}")
    if update_manifest:
        refresh_manifest(Path(models_dir), path)
    else:
        print("manifeste des modèles inchangé (--update-manifest pour y inscrire ces métriques)")
    return entries


def dev_scores(models: dict, entries: dict[str, dict]) -> dict[str, Any] | None:
    """:func:`evaluate_dev` for the models of ``entries``, attached to them; None (with a line
    saying why) when the development set is absent or unreadable."""
    from eshoppye.devset import DEV_SET_PATH

    if not DEV_SET_PATH.is_file():
        print(f"jeu de développement absent ({display_path(DEV_SET_PATH)}) : scores dev non calculés")
        return None
    try:
        result = evaluate_dev(models, only=list(entries))
    except EshoppyeError as exc:
        print(f"attention: jeu de développement ignoré : {exc}")
        return None
    attach_dev(entries, result)
    return result


def format_dev_table(dev_result: dict[str, Any]) -> str:
    """A Markdown table of weighted F1 per model and view of the development set."""
    views = list(DEV_VIEWS)
    rows = [f"jeu de développement ({dev_result['set']['n_rows']} annonces, "
            f"{dev_result['set']['n_photos']} avec photo), F1 pondéré :",
            "| modèle | " + " | ".join(views) + " |", "| --- |" + " --- |" * len(views)]
    items = sorted(dev_result["models"].items()) + [("décision finale", dev_result["decision"])]
    for name, by_view in items:
        cells = [f"{by_view[v]['weighted_f1']:.4f}" if v in by_view else "-" for v in views]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    cal = dev_result["decision"].get("titles", {}).get("calibration")
    if cal and cal.get("n"):
        from eshoppye.fmt import num, pct

        def part(group, sign):
            return f"{sign} {pct(cal['threshold'], 0)} : {pct(group['accuracy'])} juste ({group['n']})"

        rows.append(f"confiance de la décision finale (titres) : erreur de calibration (ECE) {num(cal['ece'], 3)} ; "
                    f"{part(cal['sure'], '≥')}, {part(cal['uncertain'], '<')}")
    return "\n".join(rows)


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
