"""Model packs (``.zip`` / ``.tar.gz`` of a model directory) in both directions: :func:`extract_pack`
extracts safely (no absolute path, no ``..``, no link, no unexpected or oversized member), and
:func:`write_pack` writes deterministic packs (fixed dates, modes and order).
"""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Iterable

from eshoppye.errors import EshoppyeError
from eshoppye.registry.sources import SourceError


def _member_name(raw: str, top: str, allowed: dict) -> str | None:
    """Map an archive member to a model file name; None for the top directory entry itself.

    Raises :class:`SourceError` on anything unsafe or unexpected.
    """
    if not raw or raw.startswith(("/", "\\")) or "\\" in raw or re.match(r"^[A-Za-z]:", raw) or "\x00" in raw:
        raise SourceError(f"chemin refusé dans l'archive: {raw!r}")
    parts = [p for p in PurePosixPath(raw).parts if p != "."]
    if any(p == ".." for p in parts):
        raise SourceError(f"chemin refusé dans l'archive: {raw!r}")
    if parts and parts[0] == top:
        parts = parts[1:]
    if not parts:
        return None
    if len(parts) != 1 or parts[0] not in allowed:
        raise SourceError(f"fichier inattendu dans l'archive: {raw!r}")
    return parts[0]


def _copy_limited(src: io.BufferedIOBase, dest: Path, limit: int, raw: str) -> None:
    done = 0
    with open(dest, "xb") as out:
        while block := src.read(1 << 20):
            done += len(block)
            if done > limit:
                raise SourceError(f"membre {raw!r} plus gros qu'annoncé")
            out.write(block)


def extract_pack(pack: Path, fmt: str, out: Path, entry: dict) -> None:
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
                    raise SourceError("trop de membres dans l'archive")
                for info in infos:
                    mode = info.external_attr >> 16
                    if stat.S_ISLNK(mode):
                        raise SourceError(f"lien symbolique refusé dans l'archive: {info.filename!r}")
                    fname = _member_name(info.filename.rstrip("/") if info.is_dir() else info.filename, top, files)
                    if info.is_dir():
                        if fname is not None:
                            raise SourceError(f"dossier inattendu dans l'archive: {info.filename!r}")
                        continue
                    if fname is None or fname in written:
                        raise SourceError(f"membre en double ou vide: {info.filename!r}")
                    if info.file_size > files[fname]["size"]:
                        raise SourceError(f"membre {info.filename!r} plus gros qu'annoncé")
                    with zf.open(info) as src:
                        _copy_limited(src, out / fname, files[fname]["size"], info.filename)
                    written.add(fname)
        else:
            with tarfile.open(pack, "r:gz") as tf:
                count = 0
                for member in tf:
                    count += 1
                    if count > limit_members:
                        raise SourceError("trop de membres dans l'archive")
                    if member.isdir():
                        if _member_name(member.name.rstrip("/"), top, files) is not None:
                            raise SourceError(f"dossier inattendu dans l'archive: {member.name!r}")
                        continue
                    if not member.isfile():
                        raise SourceError(f"lien ou fichier spécial refusé dans l'archive: {member.name!r}")
                    fname = _member_name(member.name, top, files)
                    if fname is None or fname in written:
                        raise SourceError(f"membre en double ou vide: {member.name!r}")
                    if member.size > files[fname]["size"]:
                        raise SourceError(f"membre {member.name!r} plus gros qu'annoncé")
                    src = tf.extractfile(member)
                    if src is None:  # pragma: no cover - isfile() above
                        raise SourceError(f"membre illisible: {member.name!r}")
                    with src:
                        _copy_limited(src, out / fname, files[fname]["size"], member.name)
                    written.add(fname)
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, gzip.BadGzipFile) as exc:
        raise SourceError(f"archive illisible ({exc.__class__.__name__})") from None


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
