"""Model registry: the manifest, the local cache and safe downloads (Google Drive or https).

``models/manifest.json`` lists every model::

    {"format": 1,
     "models": [
       {"name": "text-tfidf", "kind": "text", "class": "TfidfModel", "version": "1.0.0",
        "created": "...", "data_fingerprint": "...", "split": {...},
        "files": {"model.json": {"sha256": "...", "size": 812}, "weights.npz": {...}},
        "size": 123456,
        "metrics": {"weighted_f1": 0.81, "macro_f1": 0.78, "accuracy": 0.82},
        "pack": {"file": "text-tfidf-1.0.0.zip", "format": "zip", "sha256": "...", "size": 120000},
        "sources": [{"bundled": "models/text-tfidf"}, {"gdrive": "<file id>"},
                    {"url": "https://example.org/text-tfidf-1.0.0.zip"}]}]}

A model resolves from the cache (``cache_dir()/models/<name>-<version>/``), then its bundled
path (relative to the repository root), then its remote sources in order. A remote source
serves a *pack* (a ``.zip`` or ``.tar.gz`` of the model directory); it is downloaded with
``gdown`` into a temporary file of the cache directory, checked against its sha256, safely
extracted (no absolute path, no ``..``, no link, no member larger than announced), every file
checked against the manifest, then renamed atomically into place. A file lock per model makes
two processes pulling the same model wait for each other instead of downloading twice.
Nothing downloaded is ever unpickled: model files are read by
:func:`eshoppye.models.base.load_model`, which refuses pickles.

This module does not import TensorFlow or scikit-learn.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import hashlib
import inspect
import io
import json
import logging
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable
from urllib.parse import urlparse

from eshoppye import config
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import MODEL_FILE, read_meta, sha256_file, verify_files

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
KINDS = ("text", "image", "fusion")
PACK_FORMATS = ("zip", "tar.gz")
SOURCE_KINDS = ("bundled", "gdrive", "url")

GDRIVE_ID_RE = re.compile(r"[A-Za-z0-9_-]{10,}")
NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
VERSION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
FILE_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
SHA_RE = re.compile(r"[0-9a-f]{64}")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

#: (connect, read) timeouts of a download, in seconds.
DOWNLOAD_TIMEOUT = (10.0, 60.0)
#: How long a process waits for another one pulling the same model, in seconds.
LOCK_TIMEOUT = 1800.0
#: Largest manifest accepted from a URL.
MAX_MANIFEST_BYTES = 5 * 1024 * 1024

CACHED, BUNDLED, REMOTE, MISSING = "cached", "bundled", "remote", "missing"

ProgressFn = Callable[[int, int], None]


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------
def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def human_size(n: int | None) -> str:
    """``1234567`` -> ``'1.2 Mo'`` (French units)."""
    if n is None:
        return "-"
    size = float(n)
    for unit in ("o", "Ko", "Mo", "Go"):
        if size < 1024 or unit == "Go":
            return f"{int(size)} {unit}" if unit == "o" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} To"  # pragma: no cover


def _dump(obj: Any) -> str:
    clean = {k: v for k, v in obj.items() if not k.startswith("_")} if isinstance(obj, dict) else obj
    return json.dumps(clean, indent=1, ensure_ascii=False) + "\n"


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_loopback_url(url: str) -> bool:
    try:
        return (urlparse(url).hostname or "") in LOOPBACK_HOSTS
    except ValueError:
        return False


def check_url(url: Any) -> str | None:
    """Return why ``url`` is refused as a download source, or None when it is acceptable.

    Only ``https://host/...`` is accepted; plain ``http`` only for the loopback interface
    (local tests and mirrors).
    """
    if not isinstance(url, str) or not url:
        return "URL vide ou non textuelle"
    if any(c.isspace() for c in url):
        return f"URL invalide (espace): {url!r}"
    try:
        parsed = urlparse(url)
        host = parsed.hostname
        parsed.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return f"URL invalide: {url!r}"
    if parsed.scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    if parsed.scheme != "https":
        return f"URL refusée (https obligatoire): {url!r}"
    if not host or "." not in host.strip("."):
        return f"URL sans hôte valide: {url!r}"
    return None


def check_gdrive_id(value: Any) -> str | None:
    """Return why ``value`` is not a Google Drive file id, or None."""
    if isinstance(value, str) and GDRIVE_ID_RE.fullmatch(value):
        return None
    return (f"identifiant Google Drive invalide {value!r} "
            "(attendu: l'identifiant seul, [A-Za-z0-9_-]{10,}, pas le lien)")


def gdrive_id_from(value: str) -> str:
    """Accept a bare Drive id or a Drive share link and return the id (raises on anything else)."""
    value = value.strip()
    if "://" in value:
        from gdown.parse_url import parse_url

        file_id, _ = parse_url(value)
        if file_id:
            value = file_id
    problem = check_gdrive_id(value)
    if problem:
        raise EshoppyeError(problem)
    return value


# ----------------------------------------------------------------------------------------------
# manifest schema
# ----------------------------------------------------------------------------------------------
def _bad(origin: str, where: str, problem: str) -> EshoppyeError:
    return EshoppyeError(f"manifeste {origin}: {where}: {problem}")


def _check_file_spec(origin: str, where: str, spec: Any) -> None:
    if not isinstance(spec, dict):
        raise _bad(origin, where, "objet {sha256, size} attendu")
    sha = spec.get("sha256")
    if not isinstance(sha, str) or not SHA_RE.fullmatch(sha):
        raise _bad(origin, f"{where}.sha256", f"empreinte sha256 invalide {sha!r} (64 hexadécimaux minuscules)")
    size = spec.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _bad(origin, f"{where}.size", f"taille invalide {size!r}")


def validate_entry(entry: Any, origin: str = "?", index: int = 0) -> dict:
    """Check one manifest entry; raise a one-line :class:`EshoppyeError` naming entry and field."""
    if not isinstance(entry, dict):
        raise _bad(origin, f"models[{index}]", "objet attendu")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise _bad(origin, f"models[{index}], champ 'name'", f"nom de modèle invalide {name!r}")
    label = f"modèle '{name}'"

    def field(key: str) -> str:
        return f"{label}, champ '{key}'"

    if entry.get("kind") not in KINDS:
        raise _bad(origin, field("kind"), f"{entry.get('kind')!r} (attendu: {', '.join(KINDS)})")
    version = entry.get("version")
    if not isinstance(version, str) or not VERSION_RE.fullmatch(version):
        raise _bad(origin, field("version"), f"version invalide {version!r}")
    files = entry.get("files")
    if not isinstance(files, dict) or not files:
        raise _bad(origin, field("files"), "liste des fichiers absente ou vide")
    if MODEL_FILE not in files:
        raise _bad(origin, field("files"), f"{MODEL_FILE} doit figurer dans les fichiers")
    for fname, spec in files.items():
        if not FILE_RE.fullmatch(fname) or fname in (".", ".."):
            raise _bad(origin, field("files"), f"nom de fichier refusé {fname!r}")
        _check_file_spec(origin, f"{label}, champ 'files.{fname}'", spec)
    metrics = entry.get("metrics", {})
    if metrics is None:
        metrics = {}
    if not isinstance(metrics, dict) or any(
        not isinstance(v, (int, float, type(None))) or isinstance(v, bool) for v in metrics.values()
    ):
        raise _bad(origin, field("metrics"), "objet {nom: nombre} attendu")
    for key in ("created", "data_fingerprint", "class"):
        if entry.get(key) is not None and not isinstance(entry.get(key), str):
            raise _bad(origin, field(key), "texte attendu")
    pack = entry.get("pack")
    if pack is not None:
        if not isinstance(pack, dict):
            raise _bad(origin, field("pack"), "objet {file, format, sha256, size} attendu")
        if pack.get("format") not in PACK_FORMATS:
            raise _bad(origin, field("pack.format"), f"{pack.get('format')!r} (attendu: zip ou tar.gz)")
        pfile = pack.get("file")
        if not isinstance(pfile, str) or not FILE_RE.fullmatch(pfile):
            raise _bad(origin, field("pack.file"), f"nom d'archive refusé {pfile!r}")
        _check_file_spec(origin, field("pack"), pack)
    sources = entry.get("sources")
    if not isinstance(sources, list):
        raise _bad(origin, field("sources"), "liste attendue")
    for i, src in enumerate(sources):
        where = f"{label}, champ 'sources[{i}]'"
        if not isinstance(src, dict) or len(src) != 1 or next(iter(src)) not in SOURCE_KINDS:
            raise _bad(origin, where, 'attendu un seul de {"bundled": chemin}, {"gdrive": id}, {"url": https}')
        kind, value = next(iter(src.items()))
        where = f"{label}, champ 'sources[{i}].{kind}'"
        if kind == "gdrive":
            problem = check_gdrive_id(value)
        elif kind == "url":
            problem = check_url(value)
        else:
            problem = None if isinstance(value, str) and value.strip() else "chemin vide"
        if problem:
            raise _bad(origin, where, problem)
        if kind != "bundled" and pack is None:
            raise _bad(origin, field("pack"), "une source distante exige le champ 'pack' (archive et sha256)")
    return entry


def validate_manifest(data: Any, origin: str = "?") -> dict:
    """Check a whole manifest (see the module docstring); returns it, with ``_origin`` set."""
    if not isinstance(data, dict):
        raise EshoppyeError(f"manifeste {origin}: objet JSON attendu")
    fmt = data.get("format", MANIFEST_FORMAT)
    if fmt != MANIFEST_FORMAT:
        raise EshoppyeError(f"manifeste {origin}: format {fmt!r} non pris en charge (attendu {MANIFEST_FORMAT})")
    models = data.get("models")
    if not isinstance(models, list):
        raise EshoppyeError(f"manifeste {origin}: champ 'models' absent ou qui n'est pas une liste")
    seen: set[str] = set()
    for i, entry in enumerate(models):
        validate_entry(entry, origin, i)
        if entry["name"] in seen:
            raise _bad(origin, f"modèle '{entry['name']}'", "nom en double")
        seen.add(entry["name"])
    data["_origin"] = origin
    return data


def get_entry(manifest: dict, name: str) -> dict:
    for entry in manifest.get("models", []):
        if entry["name"] == name:
            return entry
    known = ", ".join(e["name"] for e in manifest.get("models", [])) or "aucun"
    raise EshoppyeError(f"modèle inconnu du manifeste {manifest.get('_origin', '')}: {name} (connus: {known})")


# ----------------------------------------------------------------------------------------------
# building the manifest from trained model directories
# ----------------------------------------------------------------------------------------------
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
    _atomic_write_text(out, _dump(manifest))
    return out


def record_entry(manifest_path: Path | str, entry: dict) -> Path:
    """Insert or replace ``entry`` in the manifest file (created if missing)."""
    manifest_path = Path(manifest_path)
    if manifest_path.is_file():
        manifest = load_manifest(manifest_path)
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
    _atomic_write_text(manifest_path, _dump(manifest))
    return manifest_path


# ----------------------------------------------------------------------------------------------
# loading the manifest (file, URL or Drive id)
# ----------------------------------------------------------------------------------------------
def default_manifest_path() -> Path:
    return config.BUNDLED_MODELS_DIR / MANIFEST_NAME


def _looks_remote(source: str) -> bool:
    return source.startswith("gdrive:") or bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source))


def load_manifest(source: dict | Path | str | None = None) -> dict:
    """Load and validate a manifest.

    ``source`` is a dict, a file path, an ``https://`` URL or ``gdrive:<id>``; by default
    ``ESHOPPYE_MANIFEST`` when set, else ``models/manifest.json`` of the repository (built on the
    fly from ``models/*/model.json`` when that file does not exist yet).
    """
    if isinstance(source, dict):
        return validate_manifest(source, source.get("_origin", "(en mémoire)"))
    if source is None:
        env = os.environ.get("ESHOPPYE_MANIFEST", "").strip()
        if env:
            source = env
        else:
            path = default_manifest_path()
            if not path.is_file():
                built = build_manifest(config.BUNDLED_MODELS_DIR, config.METRICS_PATH)
                built["_origin"] = f"{config.BUNDLED_MODELS_DIR}/*/{MODEL_FILE} (pas de {MANIFEST_NAME})"
                return built
            source = path
    if isinstance(source, str) and _looks_remote(source):
        return _load_remote_manifest(source)
    path = Path(source).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EshoppyeError(f"{path}: manifeste introuvable") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EshoppyeError(f"{path}: manifeste illisible ({exc.__class__.__name__})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise EshoppyeError(f"{path}: manifeste JSON invalide ({exc})") from None
    return validate_manifest(data, str(path))


def _load_remote_manifest(source: str) -> dict:
    if source.startswith("gdrive:"):
        src = {"gdrive": source[len("gdrive:"):]}
        problem = check_gdrive_id(src["gdrive"])
    else:
        src = {"url": source}
        problem = check_url(source)
    if problem:
        raise EshoppyeError(f"ESHOPPYE_MANIFEST: {problem}")
    key = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    cached = config.cache_dir() / "manifests" / f"{key}.json"
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix=".tmp-manifest-", dir=cached.parent))
    try:
        target = tmpdir / "manifest.json"
        try:
            _gdown_fetch(src, target, MAX_MANIFEST_BYTES, None)
            data = json.loads(target.read_text(encoding="utf-8"))
        except (_SourceError, _NetworkError, OSError, ValueError) as exc:
            offline = isinstance(exc, _NetworkError)
            why = str(exc) if isinstance(exc, (_SourceError, _NetworkError)) else f"contenu invalide ({exc.__class__.__name__})"
            if cached.is_file():
                log.warning("%s: manifeste %s inaccessible (%s), copie du cache utilisée",
                            "pas de réseau" if offline else "erreur", source, why)
                return load_manifest(cached) | {"_origin": f"{source} (cache)"}
            prefix = "pas de réseau: " if offline else ""
            raise EshoppyeError(f"{prefix}manifeste {source} inaccessible et absent du cache ({why})") from None
        manifest = validate_manifest(data, source)
        os.replace(target, cached)
        return manifest
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _coerce(manifest: dict | Path | str | None) -> dict:
    if isinstance(manifest, dict) and "_origin" in manifest:
        return manifest
    return load_manifest(manifest)


# ----------------------------------------------------------------------------------------------
# local copies
# ----------------------------------------------------------------------------------------------
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


def _local_match(entry: dict, full: bool = True) -> tuple[str, Path] | None:
    cached = cache_path(entry)
    if cached.is_dir() and check_dir(cached, entry, full) is None:
        return CACHED, cached
    for path in bundled_paths(entry):
        if path.is_dir() and check_dir(path, entry, full) is None:
            return BUNDLED, path
    return None


def _fallback(entry: dict) -> tuple[str, Path] | None:
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
    entry = get_entry(_coerce(manifest), name)
    hit = _local_match(entry, full=False)
    if hit:
        return hit[0]
    return REMOTE if any("bundled" not in s for s in entry["sources"]) else MISSING


def list_models(manifest: dict | Path | str | None = None) -> list[dict]:
    """One row per manifest entry: name, kind, version, size, status, path, metrics."""
    manifest = _coerce(manifest)
    rows = []
    for entry in manifest["models"]:
        hit = _local_match(entry, full=False)
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
    manifest = _coerce(manifest)
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


# ----------------------------------------------------------------------------------------------
# downloads
# ----------------------------------------------------------------------------------------------
class _SourceError(Exception):
    """A source answered but did not provide a valid pack."""


class _NetworkError(Exception):
    """A source could not be reached (no network, DNS failure, connection refused, timeout)."""


class _Oversize(Exception):
    pass


def _describe_network(exc: BaseException) -> str:
    text = " ".join(str(e) for e in _chain(exc)).lower()
    if any(s in text for s in ("name or service not known", "nodename nor servname", "temporary failure in name",
                               "getaddrinfo", "nameresolution", "no address associated")):
        return "nom d'hôte introuvable (DNS)"
    if "refused" in text:
        return "connexion refusée"
    if "timed out" in text or "timeout" in text:
        return "délai dépassé"
    if "unreachable" in text:
        return "réseau inaccessible"
    return "réseau indisponible"


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _source_label(src: dict) -> str:
    kind, value = next(iter(src.items()))
    return f"Google Drive {value}" if kind == "gdrive" else value


def _gdown_kwargs(**kwargs: Any) -> dict:
    """Drop the keyword arguments the installed gdown does not know (older releases)."""
    import gdown

    params = inspect.signature(gdown.download).parameters
    return {k: v for k, v in kwargs.items() if k in params}


def _gdown_fetch(src: dict, dest: Path, max_bytes: int, progress: ProgressFn | None) -> None:
    """Download one source to ``dest`` through gdown, translating its failures."""
    import gdown
    import requests

    kind, value = next(iter(src.items()))

    def on_chunk(done: int, total: int | None) -> None:
        if done > max_bytes:
            raise _Oversize
        if progress is not None:
            progress(done, max_bytes)

    kwargs = _gdown_kwargs(output=str(dest), quiet=True, use_cookies=False, progress=on_chunk,
                           timeout=DOWNLOAD_TIMEOUT)
    if kind == "gdrive":
        kwargs["id"] = value
    else:
        kwargs["url"] = value
    try:
        out = gdown.download(**kwargs)
    except _Oversize:
        raise _SourceError(f"plus de {max_bytes} octets reçus, plus que la taille annoncée") from None
    except requests.exceptions.HTTPError as exc:
        code = getattr(exc.response, "status_code", "?")
        raise _SourceError(f"HTTP {code}") from None
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
            raise _SourceError(f"erreur {exc.__class__.__name__}") from None
        raise _NetworkError(_describe_network(exc)) from None
    except gdown.exceptions.FileURLRetrievalError:
        raise _SourceError("Google Drive refuse le fichier (partage « tous les utilisateurs disposant "
                           "du lien » ? quota dépassé ?)") from None
    except gdown.exceptions.DownloadError as exc:
        why = "transfert incomplet" if "incomplete" in str(exc).lower() else "échec du transfert"
        raise _SourceError(why) from None
    except requests.exceptions.RequestException as exc:
        raise _SourceError(f"erreur HTTP ({exc.__class__.__name__})") from None
    except OSError as exc:
        raise _SourceError(f"erreur d'écriture ({exc.__class__.__name__}: {exc.strerror or exc})") from None
    if out is None or not dest.is_file():
        raise _SourceError("aucun fichier reçu")


def _member_name(raw: str, top: str, allowed: dict) -> str | None:
    """Map an archive member to a model file name; None for the top directory entry itself.

    Raises :class:`_SourceError` on anything unsafe or unexpected.
    """
    if not raw or raw.startswith(("/", "\\")) or "\\" in raw or re.match(r"^[A-Za-z]:", raw) or "\x00" in raw:
        raise _SourceError(f"chemin refusé dans l'archive: {raw!r}")
    parts = [p for p in PurePosixPath(raw).parts if p != "."]
    if any(p == ".." for p in parts):
        raise _SourceError(f"chemin refusé dans l'archive: {raw!r}")
    if parts and parts[0] == top:
        parts = parts[1:]
    if not parts:
        return None
    if len(parts) != 1 or parts[0] not in allowed:
        raise _SourceError(f"fichier inattendu dans l'archive: {raw!r}")
    return parts[0]


def _copy_limited(src: io.BufferedIOBase, dest: Path, limit: int, raw: str) -> None:
    done = 0
    with open(dest, "xb") as out:
        while block := src.read(1 << 20):
            done += len(block)
            if done > limit:
                raise _SourceError(f"membre {raw!r} plus gros qu'annoncé")
            out.write(block)


def _extract(pack: Path, fmt: str, out: Path, entry: dict) -> None:
    """Extract a pack member by member, refusing absolute paths, ``..``, links, unknown or
    oversized members. Only the files listed in the manifest entry are written."""
    files, top = entry["files"], entry["name"]
    out.mkdir()
    written: set[str] = set()
    limit_members = len(files) + 8
    try:
        if fmt == "zip":
            with zipfile.ZipFile(pack) as zf:
                infos = zf.infolist()
                if len(infos) > limit_members:
                    raise _SourceError("trop de membres dans l'archive")
                for info in infos:
                    mode = info.external_attr >> 16
                    if stat.S_ISLNK(mode):
                        raise _SourceError(f"lien symbolique refusé dans l'archive: {info.filename!r}")
                    fname = _member_name(info.filename.rstrip("/") if info.is_dir() else info.filename, top, files)
                    if info.is_dir():
                        if fname is not None:
                            raise _SourceError(f"dossier inattendu dans l'archive: {info.filename!r}")
                        continue
                    if fname is None or fname in written:
                        raise _SourceError(f"membre en double ou vide: {info.filename!r}")
                    if info.file_size > files[fname]["size"]:
                        raise _SourceError(f"membre {info.filename!r} plus gros qu'annoncé")
                    with zf.open(info) as src:
                        _copy_limited(src, out / fname, files[fname]["size"], info.filename)
                    written.add(fname)
        else:
            with tarfile.open(pack, "r:gz") as tf:
                count = 0
                for member in tf:
                    count += 1
                    if count > limit_members:
                        raise _SourceError("trop de membres dans l'archive")
                    if member.isdir():
                        if _member_name(member.name.rstrip("/"), top, files) is not None:
                            raise _SourceError(f"dossier inattendu dans l'archive: {member.name!r}")
                        continue
                    if not member.isfile():
                        raise _SourceError(f"lien ou fichier spécial refusé dans l'archive: {member.name!r}")
                    fname = _member_name(member.name, top, files)
                    if fname is None or fname in written:
                        raise _SourceError(f"membre en double ou vide: {member.name!r}")
                    if member.size > files[fname]["size"]:
                        raise _SourceError(f"membre {member.name!r} plus gros qu'annoncé")
                    src = tf.extractfile(member)
                    if src is None:  # pragma: no cover - isfile() above
                        raise _SourceError(f"membre illisible: {member.name!r}")
                    with src:
                        _copy_limited(src, out / fname, files[fname]["size"], member.name)
                    written.add(fname)
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, gzip.BadGzipFile) as exc:
        raise _SourceError(f"archive illisible ({exc.__class__.__name__})") from None


def _fetch(entry: dict, src: dict, progress: ProgressFn | None) -> Path:
    """Download, check and install one pack; the lock of the model is held by the caller."""
    pack = entry["pack"]
    root = models_cache_dir()
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{entry['name']}-{entry['version']}-", dir=root))
    try:
        target = tmp / pack["file"]
        _gdown_fetch(src, target, pack["size"], progress)
        if target.stat().st_size != pack["size"] or sha256_file(target) != pack["sha256"]:
            raise _SourceError(f"empreinte sha256 incorrecte ({target.stat().st_size} octets reçus sur "
                               f"{pack['size']}): paquet corrompu ou tronqué, supprimé")
        staged = tmp / "model"
        _extract(target, pack["format"], staged, entry)
        target.unlink()
        problem = check_dir(staged, entry, full=True)
        if problem:
            raise _SourceError(f"contenu de l'archive différent du manifeste ({problem})")
        final = cache_path(entry)
        if final.exists():
            final.rename(tmp / "previous")  # same file system: atomic
        os.rename(staged, final)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _lock(entry: dict):
    from filelock import FileLock

    locks = models_cache_dir() / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    return FileLock(str(locks / f"{entry['name']}-{entry['version']}.lock"), timeout=LOCK_TIMEOUT)


def _clean_stale_tmp(entry: dict) -> None:
    """Remove temporary directories left by an interrupted pull (only the lock holder creates them)."""
    for p in models_cache_dir().glob(f".tmp-{entry['name']}-{entry['version']}-*"):
        shutil.rmtree(p, ignore_errors=True)


def resolve(name: str, manifest: dict | Path | str | None = None, progress: ProgressFn | None = None,
            force: bool = False) -> Path:
    """Return a local directory holding model ``name`` exactly as the manifest describes it.

    Order: cache, bundled path, remote sources (Drive id, URL) in the manifest order. ``progress``
    is called as ``progress(done_bytes, total_bytes)`` while a pack downloads. ``force`` skips the
    cache and the bundled copy and downloads again. With no network (or when every source fails)
    a self-consistent local copy of another version is used with a one-line warning; without one,
    a one-line :class:`EshoppyeError` is raised.
    """
    manifest = _coerce(manifest)
    entry = get_entry(manifest, name)
    if not force:
        hit = _local_match(entry)
        if hit:
            return hit[1]
    remote = [s for s in entry["sources"] if "bundled" not in s]
    failures: list[str] = []
    offline = bool(remote)
    if remote:
        from filelock import Timeout

        try:
            models_cache_dir().mkdir(parents=True, exist_ok=True)
            lock = _lock(entry)
            lock.acquire()
        except Timeout:
            raise EshoppyeError(f"modèle {name}: un autre processus le télécharge depuis plus de "
                                f"{int(LOCK_TIMEOUT)} s ({lock.lock_file})") from None
        except OSError as exc:
            raise EshoppyeError(f"cache {models_cache_dir()} inaccessible en écriture "
                                f"({exc.strerror or exc.__class__.__name__}); voir ESHOPPYE_CACHE") from None
        try:
            if not force:  # another process may have installed it while we waited
                cached = cache_path(entry)
                if cached.is_dir() and check_dir(cached, entry, full=True) is None:
                    return cached
            _clean_stale_tmp(entry)
            for i, src in enumerate(remote, 1):
                try:
                    return _fetch(entry, src, progress)
                except _NetworkError as exc:
                    failures.append(f"{_source_label(src)}: {exc}")
                except _SourceError as exc:
                    offline = False
                    failures.append(f"{_source_label(src)}: {exc}")
                if i < len(remote):
                    log.warning("modèle %s: source %d/%d en échec (%s), essai de la suivante",
                                name, i, len(remote), failures[-1])
        finally:
            lock.release()
    fallback = _fallback(entry)
    detail = "; ".join(failures)
    if fallback:
        where, path = fallback
        place = "du cache" if where == CACHED else "du dépôt"
        reason = "pas de réseau" if offline else (f"téléchargement impossible ({detail})" if failures
                                                   else "aucune source distante")
        log.warning("%s: modèle %s pris %s (%s), différent de la version %s du manifeste",
                    reason, name, place, path, entry["version"])
        return path
    if offline:
        raise EshoppyeError(f"pas de réseau: modèle {name} introuvable en cache ni dans le dépôt ({detail})")
    if not remote:
        raise EshoppyeError(f"modèle {name} introuvable en cache ni dans le dépôt, et le manifeste "
                            "n'indique aucune source distante")
    raise EshoppyeError(f"modèle {name}: aucune source n'a fourni un paquet valide ({detail})")


# ----------------------------------------------------------------------------------------------
# publishing
# ----------------------------------------------------------------------------------------------
_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_pack(model_dir: Path, files: Iterable[str], dest: Path, fmt: str, top: str) -> None:
    """Write a deterministic archive (fixed dates, modes and order) of ``files`` under ``top/``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        names = sorted(files)
        if fmt == "zip":
            with zipfile.ZipFile(tmp, "w") as zf:
                for fname in names:
                    src = model_dir / fname
                    zi = zipfile.ZipInfo(f"{top}/{fname}", date_time=_EPOCH)
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    zi.create_system = 3
                    zi.external_attr = (stat.S_IFREG | 0o644) << 16
                    zi.file_size = src.stat().st_size
                    with open(src, "rb") as inp, zf.open(zi, "w") as out:
                        shutil.copyfileobj(inp, out, 1 << 20)
        elif fmt == "tar.gz":
            with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz, \
                    tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
                for fname in names:
                    src = model_dir / fname
                    ti = tarfile.TarInfo(f"{top}/{fname}")
                    ti.size, ti.mtime, ti.mode = src.stat().st_size, 0, 0o644
                    ti.uid = ti.gid = 0
                    ti.uname = ti.gname = ""
                    with open(src, "rb") as inp:
                        tf.addfile(ti, inp)
        else:
            raise EshoppyeError(f"format d'archive inconnu: {fmt} (zip ou tar.gz)")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def publish(model_dir: Path | str, out_dir: Path | str, fmt: str = "zip",
            sources: list[dict] | None = None, metrics_path: Path | str | None = None) -> tuple[Path, dict]:
    """Pack a trained model directory into ``out_dir/<name>-<version>.<fmt>``.

    Returns the archive path and its manifest entry (also written next to it as
    ``<name>-<version>.json``). ``sources`` (e.g. ``[{"gdrive": id}]``) are appended after the
    bundled path when the model lives in the repository's ``models/``.
    """
    model_dir = Path(model_dir)
    out_dir = Path(out_dir)
    meta = read_meta(model_dir)
    verify_files(model_dir, meta)  # never publish a corrupted model
    metrics = read_metrics(metrics_path if metrics_path is not None else config.METRICS_PATH)
    entry = entry_from_dir(model_dir, metrics.get(meta["name"], {}))
    validate_entry(entry, str(model_dir))
    in_repo = not Path(entry["sources"][0]["bundled"]).is_absolute()
    entry["sources"] = entry["sources"] if in_repo else []
    archive = out_dir / f"{entry['name']}-{entry['version']}.{fmt}"
    write_pack(model_dir, entry["files"], archive, fmt, entry["name"])
    entry["pack"] = {"file": archive.name, "format": fmt, "sha256": sha256_file(archive),
                     "size": archive.stat().st_size}
    for src in sources or []:
        if src not in entry["sources"]:
            entry["sources"].append(src)
    validate_entry(entry, str(model_dir))
    _atomic_write_text(out_dir / f"{entry['name']}-{entry['version']}.json", _dump(entry))
    return archive, entry


def upload_instructions(archive: Path, entry: dict, manifest_path: Path | str | None = None,
                        model_dir: Path | str | None = None) -> str:
    """The exact steps to put a published pack on Google Drive and record its file id."""
    manifest_path = manifest_path or "models/manifest.json"
    model_dir = model_dir or f"models/{entry['name']}"
    entry_file = archive.with_name(f"{entry['name']}-{entry['version']}.json")
    return "\n".join([
        f"Archive: {archive} ({human_size(entry['pack']['size'])}, sha256 {entry['pack']['sha256']})",
        f"Entrée du manifeste: {entry_file}",
        "Pour publier sur Google Drive:",
        "  1. Ouvrir https://drive.google.com, « Nouveau » > « Importer un fichier », choisir",
        f"     {archive} (ne pas le renommer, ne pas le recompresser).",
        "  2. Clic droit sur le fichier > « Partager » > « Accès général »: « Tous les utilisateurs",
        "     disposant du lien », rôle « Lecteur », puis « Copier le lien ».",
        "  3. Le lien a la forme https://drive.google.com/file/d/<ID>/view?usp=sharing;",
        "     l'identifiant du fichier est la partie <ID>.",
        "  4. Enregistrer l'identifiant dans le manifeste, au choix:",
        f"     eshoppye models publish --models {model_dir} --gdrive <ID> --manifest {manifest_path}",
        f"     ou ajouter à la main {{\"gdrive\": \"<ID>\"}} à la liste \"sources\" de l'entrée "
        f"\"{entry['name']}\" de {manifest_path} (l'entrée complète est dans {entry_file}).",
        f"  5. Vérifier: ESHOPPYE_CACHE=$(mktemp -d) eshoppye models pull {entry['name']} --force "
        f"--manifest {manifest_path}",
    ])
