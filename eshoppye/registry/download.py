"""Resolving a model to a verified local directory: cache, then bundled path, then each remote
source in order. A pack is downloaded into a temporary file of the cache, checked against its
sha256, extracted, every file checked against the manifest, then renamed atomically into place;
a file lock per model makes two processes pulling the same model wait for each other.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from eshoppye.errors import EshoppyeError
from eshoppye.models.base import sha256_file
from eshoppye.registry.archive import extract_pack
from eshoppye.registry.cache import CACHED, fallback_copy, local_match, cache_path, check_dir, models_cache_dir
from eshoppye.registry.loading import coerce_manifest
from eshoppye.registry.manifest import get_entry
from eshoppye.registry.sources import ProgressFn, NetworkError, SourceError, gdown_fetch, source_label


log = logging.getLogger(__name__)


#: How long a process waits for another one pulling the same model, in seconds (the holder's
#: download ends within its deadline, :data:`~eshoppye.registry.sources.DOWNLOAD_DEADLINE`).
LOCK_TIMEOUT = 900.0


def _fetch(entry: dict, src: dict, progress: ProgressFn | None) -> Path:
    """Download, check and install one pack; the lock of the model is held by the caller."""
    pack = entry["pack"]
    root = models_cache_dir()
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{entry['name']}-{entry['version']}-", dir=root))
    try:
        target = tmp / pack["file"]
        gdown_fetch(src, target, pack["size"], progress)
        if target.stat().st_size != pack["size"] or sha256_file(target) != pack["sha256"]:
            raise SourceError(f"empreinte sha256 incorrecte ({target.stat().st_size} octets reçus sur "
                               f"{pack['size']}): paquet corrompu ou tronqué, supprimé")
        staged = tmp / "model"
        extract_pack(target, pack["format"], staged, entry)
        target.unlink()
        problem = check_dir(staged, entry, full=True)
        if problem:
            raise SourceError(f"contenu de l'archive différent du manifeste ({problem})")
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
    manifest = coerce_manifest(manifest)
    entry = get_entry(manifest, name)
    if not force:
        hit = local_match(entry)
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
            try:
                lock.acquire(timeout=0.5)
            except Timeout:
                log.warning("modèle %s: un autre processus le télécharge, attente (au plus %d s)",
                            name, int(LOCK_TIMEOUT))
                lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout:
            raise EshoppyeError(f"modèle {name}: un autre processus le télécharge depuis plus de "
                                f"{int(LOCK_TIMEOUT)} s; réessayez plus tard ou supprimez le verrou "
                                f"{lock.lock_file} si aucun téléchargement n'est en cours") from None
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
                except NetworkError as exc:
                    failures.append(f"{source_label(src)}: {exc}")
                except SourceError as exc:
                    offline = False
                    failures.append(f"{source_label(src)}: {exc}")
                if i < len(remote):
                    log.warning("modèle %s: source %d/%d en échec (%s), essai de la suivante",
                                name, i, len(remote), failures[-1])
        finally:
            lock.release()
    fallback = fallback_copy(entry)
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
