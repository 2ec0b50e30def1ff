"""Reading and preprocessing pictures.

:func:`load_image` reads a path, ``bytes`` or a binary file-like object into an RGB
:class:`PIL.Image.Image` (any mode, EXIF orientation applied, transparency composited on white)
and turns every expected failure (missing file, not a regular file, file over
:data:`MAX_IMAGE_BYTES`, not an image, corrupt data, more than
:data:`MAX_PIXELS` pixels, decompression bomb) into one French line in an
:class:`~eshoppye.errors.EshoppyeError`. :func:`preprocess` is THE preprocessing shared by
training and the app: the image is resized so that its longer side equals ``size`` (aspect ratio
kept, bilinear), then padded to a ``size`` x ``size`` square with white, centred ("letterbox").
Padding rather than cropping because catalogue photos usually show one object on a white
background and a crop would cut the object's ends. Pixels are then normalised the TF-Lite way,
``(x - 127) / 128``.
"""

from __future__ import annotations


import io
import os
import stat
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from eshoppye.errors import EshoppyeError


#: Largest accepted picture, in pixels (a 50 MP photo is refused).
MAX_PIXELS = 40_000_000
#: Largest accepted picture file, in bytes (checked before reading: a 1 GB file is never read).
MAX_IMAGE_BYTES = 50 * 1024 * 1024
#: Above this many pixels per byte of file the image is reported as a decompression bomb.
BOMB_PIXELS_PER_BYTE = 1000
_OPEN_LOCK = threading.Lock()
#: Version of :func:`preprocess`; part of the feature-cache key, bump it when preprocessing changes.
PREPROCESS_VERSION = "letterbox-white-bilinear-v1"


def _source_name(source: Any, name: str | None) -> str:
    if name:
        return str(name)
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<image en mémoire>"
    return str(getattr(source, "name", "") or "<flux d'image>")


def _too_big(label: str, size: int) -> str:
    return (f"{label} : fichier trop gros pour une image ({size / 1e6:.0f} Mo, "
            f"maximum {MAX_IMAGE_BYTES / 1e6:.0f} Mo)")


def read_image_bytes(path: str | os.PathLike, label: str | None = None) -> bytes:
    """The bytes of an image file, after checking that it is a regular file of at most
    :data:`MAX_IMAGE_BYTES` (a named pipe, a device such as ``/dev/zero`` or a 1 GB file is
    refused without being read). Raises :class:`EshoppyeError` with one French line."""
    label = label or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise EshoppyeError(f"{label} : fichier image introuvable") from None
    except IsADirectoryError:
        raise EshoppyeError(f"{label} : c'est un dossier, pas un fichier image") from None
    except OSError as exc:
        raise EshoppyeError(f"{label} : lecture impossible ({exc.strerror or exc.__class__.__name__})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise EshoppyeError(f"{label} : c'est un dossier, pas un fichier image")
        if not stat.S_ISREG(st.st_mode):
            raise EshoppyeError(f"{label} : ce n'est pas un fichier ordinaire (tube, périphérique...), "
                                "image refusée")
        if st.st_size > MAX_IMAGE_BYTES:
            raise EshoppyeError(_too_big(label, st.st_size))
        chunks, total = [], 0
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                break
            total += len(block)
            if total > MAX_IMAGE_BYTES:  # the file grew while being read
                raise EshoppyeError(_too_big(label, total))
            chunks.append(block)
        return b"".join(chunks)
    except OSError as exc:
        raise EshoppyeError(f"{label} : lecture impossible ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        os.close(fd)


def load_image(source: Any, name: str | None = None) -> Image.Image:
    """Read ``source`` (path, bytes or binary file-like) into a fully loaded RGB image.

    Any mode is accepted (RGBA/LA/P with transparency are composited on white, L, CMYK,
    16-bit and 32-bit grey are scaled to 8 bits) and the EXIF orientation is applied.
    Raises :class:`EshoppyeError` with one French line naming the file and the problem.
    """
    label = _source_name(source, name)
    size_bytes: int | None = None
    try:
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            data = read_image_bytes(path, label)
            fp: Any = io.BytesIO(data)
            size_bytes = len(data)
        elif isinstance(source, (bytes, bytearray, memoryview)):
            fp = io.BytesIO(bytes(source))
            size_bytes = len(fp.getbuffer())
            if size_bytes > MAX_IMAGE_BYTES:
                raise EshoppyeError(_too_big(label, size_bytes))
        elif hasattr(source, "read"):
            data = source.read(MAX_IMAGE_BYTES + 1)
            if not isinstance(data, (bytes, bytearray)):
                raise EshoppyeError(f"{label} : flux non binaire, impossible de lire l'image")
            if len(data) > MAX_IMAGE_BYTES:
                raise EshoppyeError(_too_big(label, len(data)))
            fp = io.BytesIO(bytes(data))
            size_bytes = len(data)
        else:
            raise EshoppyeError(f"{label} : source d'image non prise en charge ({type(source).__name__})")
    except OSError as exc:
        raise EshoppyeError(f"{label} : lecture impossible ({exc.strerror or exc.__class__.__name__})") from None
    if not size_bytes:
        raise EshoppyeError(f"{label} : fichier vide, ce n'est pas une image")

    # Pillow warns (or fails) on huge images in Image.open; our own, stricter pixel limit below
    # replaces that, so the warning is silenced there. warnings.catch_warnings is not
    # thread-safe, hence the lock (only around the cheap header parsing).
    with _OPEN_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(fp)
        except Image.DecompressionBombError:
            raise EshoppyeError(
                f"{label} : bombe de décompression refusée (dimensions déclarées démesurées)"
            ) from None
        except UnidentifiedImageError:
            raise EshoppyeError(
                f"{label} : ce n'est pas une image lisible (formats acceptés : JPEG, PNG, WebP...)"
            ) from None
        except Exception as exc:  # noqa: BLE001 - any decoder failure is a bad file
            raise EshoppyeError(f"{label} : en-tête d'image corrompu ({exc.__class__.__name__})") from None
    w, h = img.size
    pixels = int(w) * int(h)
    if pixels > MAX_PIXELS:
        if pixels / max(size_bytes, 1) > BOMB_PIXELS_PER_BYTE:
            raise EshoppyeError(
                f"{label} : bombe de décompression refusée ({w}×{h} pixels pour "
                f"{size_bytes} octets)"
            )
        raise EshoppyeError(
            f"{label} : image trop grande ({w}×{h} = {pixels / 1e6:.1f} Mpx, "
            f"maximum {MAX_PIXELS / 1e6:.0f} Mpx)"
        )
    if w <= 0 or h <= 0:
        raise EshoppyeError(f"{label} : image vide (0 pixel)")
    try:
        img.load()
        img = ImageOps.exif_transpose(img) or img
        return _to_rgb(img)
    except EshoppyeError:
        raise
    except Image.DecompressionBombError:
        raise EshoppyeError(f"{label} : bombe de décompression refusée") from None
    except Exception as exc:  # noqa: BLE001
        detail = "données tronquées" if "truncated" in str(exc).lower() else exc.__class__.__name__
        raise EshoppyeError(f"{label} : image corrompue ou illisible ({detail})") from None


def _to_rgb(img: Image.Image) -> Image.Image:
    """Convert any Pillow mode to RGB (transparency composited on white)."""
    mode = img.mode
    if mode == "RGB":
        return img
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        arr = np.asarray(img, dtype=np.float64)
        if mode == "F":
            top = 1.0 if arr.size and np.nanmax(arr) <= 1.0 else 255.0
        else:
            top = 65535.0 if arr.size and arr.max() > 255 else 255.0
        arr = np.clip(np.nan_to_num(arr) * (255.0 / top), 0, 255).round().astype(np.uint8)
        return Image.fromarray(arr).convert("RGB")
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in img.info) or (
        mode in ("L", "RGB") and "transparency" in img.info
    ):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")


def preprocess(img: Image.Image, size: int = 224) -> np.ndarray:
    """Letterbox ``img`` to ``size`` x ``size`` and normalise: float32 ``(size, size, 3)``.

    The longer side is resized to ``size`` (bilinear, aspect ratio kept), the image is pasted
    centred on a white square, and pixels ``x`` become ``(x - 127) / 128`` (TF-Lite EfficientNet
    normalisation). Deterministic; used both for training features and in the app.
    """
    if img.mode != "RGB":
        img = _to_rgb(img)
    w, h = img.size
    scale = size / max(w, h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) != (w, h):
        img = img.resize((nw, nh), Image.Resampling.BILINEAR, reducing_gap=3.0)
    if (nw, nh) != (size, size):
        canvas = Image.new("RGB", (size, size), (255, 255, 255))
        canvas.paste(img, ((size - nw) // 2, (size - nh) // 2))
        img = canvas
    arr = np.asarray(img, dtype=np.float32)
    return (arr - 127.0) / 128.0
