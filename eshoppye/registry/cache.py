"""Local copies of models: the cache (``cache_dir()/models/<name>-<version>/``) and bundled paths,
checked file by file against the manifest; :func:`status`, :func:`list_models` and
:func:`verify_all` report where each model stands.
"""

from __future__ import annotations

from pathlib import Path

from eshoppye import config
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import MODEL_FILE, read_meta, sha256_file, verify_files
from eshoppye.registry.loading import coerce_manifest
from eshoppye.registry.manifest import get_entry


CACHED, BUNDLED, REMOTE, MISSING = "cached", "bundled", "remote", "missing"


def models_cache_dir() -> Path:
    return config.cache_dir() / "models"


def cache_path(entry: dict) -> Path:
    return models_cache_dir() / f"{entry['name']}-{entry['version']}"


def bundled_paths(entry: dict) -> list[Path]:
    out = []
    for src in entry.get("sources", []):
        if "bundled" in src:
            p = Path(src["bundled"]).expanduser()
            out.append(p if p.is_absolute() else config.ROOT / p)
    return out


def check_dir(directory: Path, entry: dict, full: bool = True) -> str | None:
    """Why ``directory`` does not hold the entry's files, or None when it does.

    ``model.json`` is always hashed (it lists every other file's sha256); the other files are
    hashed when ``full``, else only their size is compared.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return "dossier absent"
    files = entry["files"]
    for fname in sorted(files, key=lambda f: f != MODEL_FILE):
        spec, p = files[fname], directory / fname
        if not p.is_file():
            return f"{fname} manquant"
        size = p.stat().st_size
        if size != spec["size"]:
            return f"{fname}: {size} octets au lieu de {spec['size']}"
        if (full or fname == MODEL_FILE) and sha256_file(p) != spec["sha256"]:
            return f"{fname}: empreinte sha256 différente du manifeste"
    return None


def _self_consistent(directory: Path, name: str) -> bool:
    """A local copy that matches its own model.json (used as an offline fallback)."""
    try:
        meta = read_meta(directory)
        if meta.get("name") != name:
            return False
        verify_files(directory, meta)
        return True
    except EshoppyeError:
        return False


def local_match(entry: dict, full: bool = True) -> tuple[str, Path] | None:
    cached = cache_path(entry)
    if cached.is_dir() and check_dir(cached, entry, full) is None:
        return CACHED, cached
    for path in bundled_paths(entry):
        if path.is_dir() and check_dir(path, entry, full) is None:
            return BUNDLED, path
    return None


def fallback_copy(entry: dict) -> tuple[str, Path] | None:
    """Any self-consistent local copy of the model, even of another version (newest first)."""
    root = models_cache_dir()
    candidates = []
    if root.is_dir():
        candidates = sorted((p for p in root.glob(f"{entry['name']}-*") if p.is_dir()),
                            key=lambda p: p.stat().st_mtime, reverse=True)
    found = [(CACHED, p) for p in candidates] + [(BUNDLED, p) for p in bundled_paths(entry) if p.is_dir()]
    for where, path in found:
        if _self_consistent(path, entry["name"]):
            return where, path
    return None


def status(name: str, manifest: dict | Path | str | None = None) -> str:
    """Where ``name`` would be taken from: ``cached``, ``bundled``, ``remote`` (remote only) or
    ``missing`` (no usable copy nor remote source). Sizes and ``model.json`` are checked; the
    full sha256 check is :func:`verify_all`."""
    entry = get_entry(coerce_manifest(manifest), name)
    hit = local_match(entry, full=False)
    if hit:
        return hit[0]
    return REMOTE if any("bundled" not in s for s in entry["sources"]) else MISSING


def list_models(manifest: dict | Path | str | None = None) -> list[dict]:
    """One row per manifest entry: name, kind, version, size, status, path, metrics."""
    manifest = coerce_manifest(manifest)
    rows = []
    for entry in manifest["models"]:
        hit = local_match(entry, full=False)
        where = hit[0] if hit else (REMOTE if any("bundled" not in s for s in entry["sources"]) else MISSING)
        rows.append({
            "name": entry["name"], "kind": entry["kind"], "version": entry["version"],
            "size": entry.get("size") or sum(f["size"] for f in entry["files"].values()),
            "status": where, "path": str(hit[1]) if hit else None,
            "metrics": entry.get("metrics") or {},
            "data_fingerprint": entry.get("data_fingerprint"),
        })
    return rows


def verify_all(manifest: dict | Path | str | None = None) -> list[dict]:
    """Re-hash every cached and bundled copy of every manifest model.

    Returns rows ``{name, where, path, ok, problem}``; ``where`` is ``cached`` or ``bundled``.
    Models with no local copy yield no row.
    """
    manifest = coerce_manifest(manifest)
    rows = []
    for entry in manifest["models"]:
        places = [(CACHED, cache_path(entry))] + [(BUNDLED, p) for p in bundled_paths(entry)]
        for where, path in places:
            if not path.is_dir():
                continue
            problem = check_dir(path, entry, full=True)
            rows.append({"name": entry["name"], "where": where, "path": str(path),
                         "ok": problem is None, "problem": problem})
    return rows
