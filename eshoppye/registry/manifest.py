"""The manifest schema: ``models/manifest.json`` lists every model::

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

This module validates entries and whole manifests (every problem one French line naming the
entry), reads a local manifest file and holds the small JSON helpers the registry writes with.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from eshoppye.errors import EshoppyeError
from eshoppye.models.base import MODEL_FILE
from eshoppye.registry.sources import check_gdrive_id, check_url



MANIFEST_NAME = "manifest.json"


MANIFEST_FORMAT = 1


KINDS = ("text", "image", "fusion")


PACK_FORMATS = ("zip", "tar.gz")


SOURCE_KINDS = ("bundled", "gdrive", "url")


NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


VERSION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


FILE_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")


SHA_RE = re.compile(r"[0-9a-f]{64}")


#: Largest manifest accepted from a URL.
MAX_MANIFEST_BYTES = 5 * 1024 * 1024


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


def dump_json(obj: Any) -> str:
    clean = {k: v for k, v in obj.items() if not k.startswith("_")} if isinstance(obj, dict) else obj
    return json.dumps(clean, indent=1, ensure_ascii=False) + "\n"


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def read_manifest_file(source: Path | str) -> dict:
    """Read and validate a local manifest file; any problem is one French line."""
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
