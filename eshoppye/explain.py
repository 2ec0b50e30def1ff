"""What the image model looked at: an occlusion map of one photo for one category.

:func:`occlusion_map` hides one square of the (letterboxed, normalised) picture at a time with a
grey patch, runs the backbone and the image model's head on every hidden version in one batch, and
records how much the probability of the category drops: the squares whose loss hurts most are what
the model relied on. :func:`overlay` draws that map in red over the photo for a person to see. No
Streamlit here; TensorFlow is only reached through the image backbone, inside the call.
"""

from __future__ import annotations

from typing import Any

import numpy as np

GRID = 7  # 7 x 7 squares: 50 backbone passes, a few seconds on a CPU


def occlusion_map(model: Any, image: Any, code: int, grid: int = GRID) -> np.ndarray:
    """``(grid, grid)`` drop of ``P(code)`` when each square is hidden (0 = no effect, clipped at 0).

    ``model`` is an image model with ``proba_from_features`` and ``params['variant']``; ``image`` a
    path, bytes or file-like (read and checked by :func:`eshoppye.image.load_image`)."""
    from eshoppye.image import load_backbone, load_image, preprocess, variant_config

    variant = model.params.get("variant", "lite0")
    size = variant_config(variant)["size"]
    x = preprocess(load_image(image), size)
    classes = [int(c) for c in model.classes_]
    if int(code) not in classes:
        return np.zeros((grid, grid), dtype=np.float32)
    k = classes.index(int(code))
    edges = np.linspace(0, size, grid + 1).round().astype(int)
    batch = [x]
    for i in range(grid):
        for j in range(grid):
            hidden = x.copy()
            hidden[edges[i]:edges[i + 1], edges[j]:edges[j + 1], :] = 0.0  # mid-grey after normalisation
            batch.append(hidden)
    backbone = load_backbone(variant)
    feats = np.concatenate([np.asarray(backbone.predict_on_batch(np.stack(batch[s:s + 16])), dtype=np.float32)
                            for s in range(0, len(batch), 16)])
    p = model.proba_from_features(feats)[:, k]
    drop = np.clip(p[0] - p[1:], 0.0, None).reshape(grid, grid)
    return drop.astype(np.float32)


def overlay(image: Any, heat: np.ndarray, size: int = 320, alpha: float = 0.55):
    """The photo (letterboxed to ``size``) with ``heat`` drawn in red on top: a PIL image."""
    from PIL import Image

    from eshoppye.image import load_image

    img = load_image(image).convert("RGB")
    img.thumbnail((size, size), Image.Resampling.BILINEAR)
    base = Image.new("RGB", (size, size), (255, 255, 255))
    base.paste(img, ((size - img.width) // 2, (size - img.height) // 2))
    h = np.asarray(heat, dtype=np.float32)
    h = h / h.max() if h.max() > 0 else h
    mask = Image.fromarray((h * 255).astype(np.uint8)).resize((size, size), Image.Resampling.BILINEAR)
    red = Image.new("RGB", (size, size), (191, 0, 0))
    a = np.asarray(mask, dtype=np.float32) / 255.0 * alpha
    out = np.asarray(base, dtype=np.float32) * (1 - a[..., None]) + np.asarray(red, dtype=np.float32) * a[..., None]
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))
