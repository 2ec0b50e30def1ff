"""Building manifest entries from trained model directories (files, sizes, sha256, scalar
metrics of ``reports/metrics.json``), and writing ``models/manifest.json`` after training.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eshoppye import config
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import MODEL_FILE, read_meta, sha256_file
from eshoppye.registry.manifest import MANIFEST_FORMAT, MANIFEST_NAME, atomic_write_text, dump_json, read_manifest_file, validate_entry, validate_manifest


def _scalar_metrics(raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)}


def read_metrics(metrics_path: Path | str | None) -> dict[str, dict[str, float]]:
    """Per-model scalar metrics from ``reports/metrics.json``; ``{}`` when absent or unreadable."""
    if metrics_path is None:
        return {}
    try:
        data = json.loads(Path(metrics_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, dict):
        return {}
    return {name: _scalar_metrics(m) for name, m in models.items()}


def _bundled_ref(model_dir: Path) -> str:
    """Path recorded for a bundled model: relative to the repository root when inside it."""
    model_dir = Path(model_dir).resolve()
    try:
        return model_dir.relative_to(config.ROOT.resolve()).as_posix()
    except ValueError:
        return str(model_dir)


def entry_from_dir(model_dir: Path | str, metrics: dict[str, float] | None = None) -> dict:
    """Manifest entry (without pack and remote sources) for a saved model directory."""
    model_dir = Path(model_dir)
    meta = read_meta(model_dir)
    files = {}
    for fname in [MODEL_FILE, *sorted(meta["files"])]:
        p = model_dir / fname
        if not p.is_file():
            raise EshoppyeError(f"{p}: fichier du modèle manquant")
        files[fname] = {"sha256": sha256_file(p), "size": p.stat().st_size}
    info = meta.get("info") or {}
    entry = {
        "name": meta["name"],
        "kind": meta.get("kind", "text"),
        "class": meta.get("class"),
        "version": str(meta.get("version", "0")),
        "created": meta.get("created"),
        "data_fingerprint": info.get("data_fingerprint"),
        "split": info.get("split"),
        "files": files,
        "size": sum(f["size"] for f in files.values()),
        "metrics": dict(metrics or {}),
        "pack": None,
        "sources": [{"bundled": _bundled_ref(model_dir)}],
    }
    return entry


def _merge_previous(entry: dict, previous: dict | None) -> dict:
    """Keep the pack and remote sources of a previous entry describing the very same files."""
    if previous and previous.get("files") == entry["files"] and previous.get("version") == entry["version"]:
        if previous.get("pack"):
            entry["pack"] = previous["pack"]
            local = [s for s in entry["sources"] if "bundled" in s]
            remote = [s for s in previous.get("sources", []) if "bundled" not in s]
            entry["sources"] = local + [s for s in remote if s not in local]
    return entry


def build_manifest(models_dir: Path | str | None = None, metrics_path: Path | str | None = None,
                   previous: dict | None = None) -> dict:
    """Scan ``models_dir/*/model.json`` and return a validated manifest.

    ``metrics_path`` (``reports/metrics.json``) is optional. Entries of ``previous`` whose files
    are unchanged keep their pack and remote sources (Drive ids, URLs).
    """
    models_dir = Path(models_dir) if models_dir is not None else config.BUNDLED_MODELS_DIR
    metrics = read_metrics(metrics_path if metrics_path is not None else config.METRICS_PATH)
    prev = {e["name"]: e for e in (previous or {}).get("models", []) if isinstance(e, dict) and "name" in e}
    entries = []
    for meta_path in sorted(models_dir.glob(f"*/{MODEL_FILE}")) if models_dir.is_dir() else []:
        entry = entry_from_dir(meta_path.parent)
        entry["metrics"] = metrics.get(entry["name"], {})
        entries.append(_merge_previous(entry, prev.get(entry["name"])))
    return validate_manifest({"format": MANIFEST_FORMAT, "models": entries}, str(models_dir))


def write_manifest(models_dir: Path | str | None = None, metrics_path: Path | str | None = None,
                   out: Path | str | None = None) -> Path:
    """Build the manifest of ``models_dir`` and write it (default ``models_dir/manifest.json``)."""
    models_dir = Path(models_dir) if models_dir is not None else config.BUNDLED_MODELS_DIR
    out = Path(out) if out is not None else models_dir / MANIFEST_NAME
    previous = None
    if out.is_file():
        try:
            previous = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = None
    manifest = build_manifest(models_dir, metrics_path, previous)
    atomic_write_text(out, dump_json(manifest))
    return out


def record_entry(manifest_path: Path | str, entry: dict) -> Path:
    """Insert or replace ``entry`` in the manifest file (created if missing)."""
    manifest_path = Path(manifest_path)
    if manifest_path.is_file():
        manifest = read_manifest_file(manifest_path)
    else:
        manifest = {"format": MANIFEST_FORMAT, "models": []}
    validate_entry(entry, str(manifest_path))
    models = [e for e in manifest["models"] if e["name"] != entry["name"]]
    old = next((e for e in manifest["models"] if e["name"] == entry["name"]), None)
    if old:
        same_pack = bool(old.get("pack") and entry.get("pack") and old["pack"]["sha256"] == entry["pack"]["sha256"])
        kept = [s for s in old.get("sources", []) if ("bundled" in s or same_pack) and s not in entry["sources"]]
        local = [s for s in entry["sources"] + kept if "bundled" in s]
        entry["sources"] = local + [s for s in entry["sources"] + kept if "bundled" not in s]
    positions = [e["name"] for e in manifest["models"]]
    idx = positions.index(entry["name"]) if entry["name"] in positions else len(models)
    models.insert(idx, entry)
    manifest["models"] = models
    validate_manifest(manifest, str(manifest_path))
    atomic_write_text(manifest_path, dump_json(manifest))
    return manifest_path
