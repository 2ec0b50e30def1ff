"""Reading and preprocessing pictures: every mode and format, every expected failure."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image

from eshoppye.errors import EshoppyeError
from eshoppye.image import MAX_PIXELS, load_image, preprocess


def _photo(w: int = 64, h: int = 48) -> Image.Image:
    """A small deterministic colourful picture."""
    y, x = np.mgrid[0:h, 0:w]
    arr = np.stack([x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), (x + y) % 256], axis=-1)
    return Image.fromarray(arr.astype(np.uint8))


def _save(img: Image.Image, path, fmt: str, **kw):
    img.save(path, fmt, **kw)
    return path


def _png_header_only(path, width: int, height: int):
    """A tiny PNG whose header declares ``width`` x ``height`` (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


# -- every mode and format loads and preprocesses to the same shape ------------------------------

def _cases(tmp_path):
    base = _photo()
    rgba = base.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(base.size))
    pal = base.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    pal.info["transparency"] = 0
    la = base.convert("LA")
    arr16 = (np.linspace(0, 65535, 64 * 48).reshape(48, 64)).astype(np.uint16)
    img16 = Image.fromarray(arr16)
    return {
        "rgb.jpg": _save(base, tmp_path / "rgb.jpg", "JPEG", quality=90),
        "rgb.png": _save(base, tmp_path / "rgb.png", "PNG"),
        "rgb.webp": _save(base, tmp_path / "rgb.webp", "WEBP", quality=90),
        "rgba.png": _save(rgba, tmp_path / "rgba.png", "PNG"),
        "rgba.webp": _save(rgba, tmp_path / "rgba.webp", "WEBP", lossless=True),
        "p.png": _save(pal, tmp_path / "p.png", "PNG", transparency=0),
        "l.jpg": _save(base.convert("L"), tmp_path / "l.jpg", "JPEG"),
        "la.png": _save(la, tmp_path / "la.png", "PNG"),
        "cmyk.jpg": _save(base.convert("CMYK"), tmp_path / "cmyk.jpg", "JPEG"),
        "i16.png": _save(img16, tmp_path / "i16.png", "PNG"),
        "one-bit.png": _save(base.convert("1"), tmp_path / "one-bit.png", "PNG"),
        "tall.png": _save(_photo(20, 300), tmp_path / "tall.png", "PNG"),
        "tiny.png": _save(_photo(1, 1), tmp_path / "tiny.png", "PNG"),
    }


def test_every_mode_and_format_loads(tmp_path):
    for name, path in _cases(tmp_path).items():
        img = load_image(path)
        assert img.mode == "RGB", name
        x = preprocess(img)
        assert x.shape == (224, 224, 3) and x.dtype == np.float32, name
        assert np.isfinite(x).all() and x.min() >= -127 / 128 and x.max() <= 1.0, name
        assert preprocess(img, size=240).shape == (240, 240, 3)


def test_transparency_is_composited_on_white(tmp_path):
    img = Image.new("RGBA", (10, 10), (255, 0, 0, 0))  # fully transparent red
    img.putpixel((0, 0), (255, 0, 0, 255))
    img.save(tmp_path / "t.png")
    out = np.asarray(load_image(tmp_path / "t.png"))
    assert tuple(out[5, 5]) == (255, 255, 255)
    assert tuple(out[0, 0]) == (255, 0, 0)


def test_sixteen_bit_is_scaled_not_clipped(tmp_path):
    arr = np.full((8, 8), 32768, dtype=np.uint16)
    arr[0, 0] = 65535
    Image.fromarray(arr).save(tmp_path / "g16.png")
    out = np.asarray(load_image(tmp_path / "g16.png"))
    assert 120 <= out[4, 4, 0] <= 135  # mid grey, not saturated white
    assert out[0, 0, 0] == 255


def test_exif_orientation_applied(tmp_path):
    img = _photo(60, 20)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    img.save(tmp_path / "rot.jpg", "JPEG", exif=exif.tobytes())
    assert load_image(tmp_path / "rot.jpg").size == (20, 60)


def test_bytes_and_file_like_sources(tmp_path):
    path = _save(_photo(), tmp_path / "a.png", "PNG")
    data = path.read_bytes()
    a = preprocess(load_image(path))
    b = preprocess(load_image(data))
    c = preprocess(load_image(io.BytesIO(data)))
    assert np.array_equal(a, b) and np.array_equal(a, c)


def test_preprocess_is_deterministic_and_letterboxed(tmp_path):
    img = load_image(_save(_photo(100, 50), tmp_path / "w.jpg", "JPEG"))
    a, b = preprocess(img), preprocess(img.copy())
    assert np.array_equal(a, b)
    # wide image: top and bottom bands are white padding, (255 - 127) / 128 = 1.0
    assert np.all(a[:50] == 1.0) and np.all(a[-50:] == 1.0)
    assert not np.all(a[112] == 1.0)


# -- failures: one clear French line naming the file ---------------------------------------------

def _assert_one_line_error(source, *words, name=None):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Pillow warning may leak
        with pytest.raises(EshoppyeError) as info:
            load_image(source, name=name)
    msg = str(info.value)
    assert "\n" not in msg and "Traceback" not in msg
    for w in words:
        assert w in msg, msg
    return msg


def test_missing_file(tmp_path):
    p = tmp_path / "absent.jpg"
    _assert_one_line_error(p, str(p), "introuvable")


def test_non_image(tmp_path):
    p = tmp_path / "notes.jpg"
    p.write_text("ceci n'est pas une image\n", encoding="utf-8")
    _assert_one_line_error(p, str(p), "pas une image")


def test_empty_file(tmp_path):
    p = tmp_path / "vide.png"
    p.write_bytes(b"")
    _assert_one_line_error(p, str(p), "vide")


def test_corrupt_jpeg(tmp_path):
    p = _save(_photo(256, 256), tmp_path / "broken.jpg", "JPEG")
    p.write_bytes(p.read_bytes()[:600])
    _assert_one_line_error(p, str(p), "corrompu")


def test_corrupt_png_data(tmp_path):
    p = _save(_photo(128, 128), tmp_path / "broken.png", "PNG")
    raw = bytearray(p.read_bytes())
    mid = len(raw) // 2
    raw[mid: mid + 200] = b"\xff" * 200
    p.write_bytes(bytes(raw))
    _assert_one_line_error(p, str(p), "corrompu")


def test_fifty_megapixel_photo_refused(tmp_path):
    p = tmp_path / "huge.jpg"
    rng = np.random.default_rng(0)
    tile = Image.fromarray(rng.integers(0, 255, (250, 250), dtype=np.uint8)).resize((8000, 6250))
    tile.save(p, "JPEG", quality=85)  # 50 Mpx, a real (not bomb-like) file
    msg = _assert_one_line_error(p, str(p), "trop grande", "Mpx")
    assert str(MAX_PIXELS // 1_000_000) in msg


def test_decompression_bombs_refused(tmp_path):
    # above Pillow's own hard limit (Pillow raises DecompressionBombError at open)
    _assert_one_line_error(_png_header_only(tmp_path / "bomb1.png", 100_000, 100_000), "bomb1.png", "bombe")
    # between Pillow's warning and error limits: must not leak the DecompressionBombWarning
    _assert_one_line_error(_png_header_only(tmp_path / "bomb2.png", 10_000, 10_000), "bomb2.png", "bombe")
    # in memory: the message still names the source
    _assert_one_line_error((tmp_path / "bomb2.png").read_bytes(), "upload.png", "bombe", name="upload.png")


def test_import_is_light():
    code = "import sys, eshoppye.image; assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
