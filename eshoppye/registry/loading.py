"""Loading the manifest from wherever it is: a dict, a file, an ``https://`` URL or ``gdrive:<id>``
(``ESHOPPYE_MANIFEST``), else ``models/manifest.json``, built on the fly from ``models/*/model.json``
when that file does not exist. A remote manifest is cached and its cached copy used offline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from eshoppye import config
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import MODEL_FILE
from eshoppye.registry.build import build_manifest
from eshoppye.registry.manifest import MANIFEST_NAME, MAX_MANIFEST_BYTES, read_manifest_file, validate_manifest
from eshoppye.registry.sources import NetworkError, SourceError, gdown_fetch, check_gdrive_id, check_url


log = logging.getLogger(__name__)


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
    return read_manifest_file(source)


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
            gdown_fetch(src, target, MAX_MANIFEST_BYTES, None)
            data = json.loads(target.read_text(encoding="utf-8"))
        except (SourceError, NetworkError, OSError, ValueError) as exc:
            offline = isinstance(exc, NetworkError)
            why = str(exc) if isinstance(exc, (SourceError, NetworkError)) else f"contenu invalide ({exc.__class__.__name__})"
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


def coerce_manifest(manifest: dict | Path | str | None) -> dict:
    if isinstance(manifest, dict) and "_origin" in manifest:
        return manifest
    return load_manifest(manifest)
