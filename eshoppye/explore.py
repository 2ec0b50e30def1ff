"""Exploring the catalogue (no Streamlit import here): :func:`compute_aggregates` computes the
figures of the data page (class distribution, text lengths, missing descriptions, most telling
words per category, image sizes, mean image per category) once per data fingerprint with a
progress callback and keeps them on disk as JSON + NPZ (nothing is pickled) under
``cache_dir()/explore``; the gallery helpers search, page and thumbnail products.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from eshoppye import config
from eshoppye.categories import CODES, label
from eshoppye.errors import EshoppyeError

ProgressFn = Callable[[float, str], None]
AGGREGATES_VERSION = 1
MEAN_IMAGE_SIZE = 64
MEAN_IMAGES_PER_CLASS = 40
IMAGE_SIZES_PER_CLASS = 150
TOP_WORDS = 12


def no_progress(fraction: float, message: str) -> None:  # pragma: no cover - trivial
    """A progress callback that shows nothing."""


def _quantiles(values: np.ndarray) -> dict[str, float]:
    if len(values) == 0:
        return {k: 0.0 for k in ("min", "q1", "median", "q3", "max", "mean", "p95")}
    q = np.percentile(values, [0, 25, 50, 75, 100, 95])
    return {"min": float(q[0]), "q1": float(q[1]), "median": float(q[2]), "q3": float(q[3]),
            "max": float(q[4]), "p95": float(q[5]), "mean": float(np.mean(values))}


def _histogram(values: np.ndarray, bins: int = 40, upper: float | None = None) -> dict[str, list]:
    values = np.asarray(values, dtype=float)
    top = upper if upper is not None else (float(np.percentile(values, 99)) if len(values) else 1.0)
    top = max(top, 1.0)
    counts, edges = np.histogram(np.clip(values, 0, top), bins=bins, range=(0, top))
    return {"counts": counts.tolist(), "edges": edges.tolist()}


def telling_words(titles: list[str], labels: np.ndarray, k: int = TOP_WORDS,
                  min_count: int | None = None) -> dict[int, list[tuple[str, float, int]]]:
    """The ``k`` words most specific to each class: ``(word, score, products)``.

    A word's score for a class is ``P(word | class) * log(P(word | class) / P(word))`` over
    document frequencies of cleaned title tokens (stop words and 1-character tokens removed),
    so frequent *and* specific words rank first.
    """
    from eshoppye.text import clean_title, tokens

    labels = np.asarray(labels)
    n = len(titles)
    if min_count is None:
        min_count = 3 if n >= 2000 else 2
    per_class: dict[int, Counter] = {int(c): Counter() for c in np.unique(labels)}
    overall: Counter = Counter()
    for title, code in zip(titles, labels):
        toks = {t for t in tokens(clean_title(title)) if len(t) > 1 and not t.isdigit()}
        per_class[int(code)].update(toks)
        overall.update(toks)
    sizes = Counter(int(c) for c in labels)
    out: dict[int, list[tuple[str, float, int]]] = {}
    for code, counter in per_class.items():
        nc = sizes[code]
        scored = []
        for word, dfc in counter.items():
            if dfc < min_count:
                continue
            p_c = dfc / nc
            p = overall[word] / n
            scored.append((word, p_c * math.log(p_c / p), dfc))
        scored.sort(key=lambda t: -t[1])
        out[code] = [(w, round(float(s), 5), int(c)) for w, s, c in scored[:k]]
    return out


def _image_header(path: str) -> tuple[int, int, int] | None:
    """(width, height, bytes) of an image file from its header only; None when unreadable."""
    from PIL import Image

    try:
        with Image.open(path) as img:
            w, h = img.size
        return int(w), int(h), int(os.path.getsize(path))
    except Exception:  # noqa: BLE001 - a broken file is just skipped in the statistics
        return None


def _small_image(path: str, size: int = MEAN_IMAGE_SIZE) -> np.ndarray | None:
    """A ``size`` x ``size`` RGB float array of an image (letterboxed on white), or None."""
    canvas = thumbnail(path, size)
    return None if canvas is None else np.asarray(canvas, dtype=np.float32)


def _sample_positions(labels: np.ndarray, per_class: int, has_image: np.ndarray, seed: int = 0) -> dict[int, np.ndarray]:
    out = {}
    for code in np.unique(labels):
        pos = np.flatnonzero((labels == code) & has_image)
        rng = np.random.default_rng([seed, int(code)])
        out[int(code)] = np.sort(rng.permutation(pos)[:per_class])
    return out


def aggregates_cache_path(fingerprint: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", str(fingerprint))
    return config.cache_dir() / "explore" / f"v{AGGREGATES_VERSION}-{safe}"


def compute_aggregates(frame: pd.DataFrame, fingerprint: str | None = None,
                       progress: ProgressFn | None = None, use_cache: bool = True) -> dict[str, Any]:
    """Every figure of the data page for a labelled frame (see module docstring).

    With a ``fingerprint``, the result is read from / written to ``cache_dir()/explore`` so an
    85,000-row catalogue is summarised once. The mean images are returned under
    ``"mean_images"`` as ``{code: uint8 array (64, 64, 3)}``.
    """
    progress = progress or no_progress
    cache = aggregates_cache_path(fingerprint) if fingerprint and use_cache else None
    if cache is not None:
        cached = _read_cache(cache)
        if cached is not None:
            progress(1.0, "statistiques lues dans le cache")
            return cached
    t0 = time.perf_counter()
    labels = frame["prdtypecode"].to_numpy(dtype=np.int64)
    titles = frame["designation"].fillna("").astype(str)
    descs = frame["description"].fillna("").astype(str)
    progress(0.02, "répartition des catégories")
    counts = pd.Series(labels).value_counts()
    classes = {str(c): int(counts.get(c, 0)) for c in CODES}

    progress(0.05, "longueur des textes")
    title_chars = titles.str.len().to_numpy()
    title_words = titles.str.split().str.len().fillna(0).to_numpy()
    has_desc = (descs.str.strip() != "").to_numpy()
    desc_chars = descs.str.len().to_numpy()
    desc_html = descs.str.contains(r"<[a-zA-Z/][^>]*>", regex=True).to_numpy()
    lengths: dict[str, Any] = {"per_class": {}, "overall": {}}
    for key, values in (("title_chars", title_chars), ("title_words", title_words),
                        ("description_chars", desc_chars[has_desc])):
        lengths["overall"][key] = {**_quantiles(values), "hist": _histogram(values)}
    for code in CODES:
        m = labels == code
        lengths["per_class"][str(code)] = {
            "title_chars": _quantiles(title_chars[m]),
            "title_words": _quantiles(title_words[m]),
            "description_chars": _quantiles(desc_chars[m & has_desc]),
        }
    missing = {str(c): {"products": int((labels == c).sum()),
                        "without_description": int(((labels == c) & ~has_desc).sum())} for c in CODES}
    missing_overall = {"products": int(len(labels)), "without_description": int((~has_desc).sum()),
                       "with_html": int(desc_html.sum())}

    progress(0.12, "mots les plus caractéristiques de chaque catégorie")
    words = telling_words(titles.tolist(), labels)
    words = {str(c): v for c, v in words.items()}

    paths = frame["image_path"].fillna("").astype(str).to_numpy() if "image_path" in frame \
        else np.array([""] * len(frame))
    has_image = paths != ""
    sizes_pos = _sample_positions(labels, IMAGE_SIZES_PER_CLASS, has_image, seed=1)
    mean_pos = _sample_positions(labels, MEAN_IMAGES_PER_CLASS, has_image, seed=2)
    n_sizes = sum(len(v) for v in sizes_pos.values())
    n_mean = sum(len(v) for v in mean_pos.values())
    total_work = max(n_sizes * 0.1 + n_mean, 1)
    done = 0.0
    sizes_rows = []
    for code, pos in sizes_pos.items():
        for p in pos:
            hdr = _image_header(paths[p])
            if hdr:
                sizes_rows.append((code, *hdr))
            done += 0.1
        progress(0.3 + 0.7 * done / total_work, f"taille des images ({label(code)})")
    image_sizes = {"rows": sizes_rows, "sampled_per_class": IMAGE_SIZES_PER_CLASS,
                   "with_image": int(has_image.sum()), "without_image": int((~has_image).sum())}
    mean_images: dict[int, np.ndarray] = {}
    mean_counts: dict[str, int] = {}
    for code, pos in mean_pos.items():
        acc, k = np.zeros((MEAN_IMAGE_SIZE, MEAN_IMAGE_SIZE, 3), dtype=np.float64), 0
        for p in pos:
            arr = _small_image(paths[p])
            if arr is not None:
                acc += arr
                k += 1
            done += 1
        if k:
            mean_images[code] = np.clip(acc / k, 0, 255).astype(np.uint8)
        mean_counts[str(code)] = k
        progress(0.3 + 0.7 * done / total_work, f"image moyenne ({label(code)})")
    result = {
        "version": AGGREGATES_VERSION, "fingerprint": fingerprint, "n_rows": int(len(frame)),
        "classes": classes, "lengths": lengths, "missing": missing, "missing_overall": missing_overall,
        "words": words, "image_sizes": image_sizes, "mean_counts": mean_counts,
        "seconds": round(time.perf_counter() - t0, 2), "mean_images": mean_images,
    }
    if cache is not None:
        _write_cache(cache, result)
    progress(1.0, "statistiques prêtes")
    return result


def _write_cache(cache: Path, result: dict[str, Any]) -> None:
    try:
        cache.mkdir(parents=True, exist_ok=True)
        body = {k: v for k, v in result.items() if k != "mean_images"}
        tmp = cache / "aggregates.json.tmp"
        tmp.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        arrays = {str(c): a for c, a in result["mean_images"].items()}
        with open(cache / "mean_images.tmp.npy", "wb") as f:  # np.savez adds .npz to other names
            np.savez_compressed(f, **arrays)
        (cache / "mean_images.tmp.npy").replace(cache / "mean_images.npz")
        tmp.replace(cache / "aggregates.json")
    except OSError:  # a read-only cache only costs a recomputation
        pass


def _read_cache(cache: Path) -> dict[str, Any] | None:
    try:
        body = json.loads((cache / "aggregates.json").read_text(encoding="utf-8"))
        with np.load(cache / "mean_images.npz", allow_pickle=False) as z:
            body["mean_images"] = {int(k): z[k] for k in z.files}
    except (OSError, ValueError, KeyError):
        return None
    if body.get("version") != AGGREGATES_VERSION:
        return None
    body["image_sizes"]["rows"] = [tuple(r) for r in body["image_sizes"]["rows"]]
    return body


def search_key(text: str) -> str:
    """Lower-case, accent-free form of a text, for searching."""
    from eshoppye.text import strip_accents, strip_html

    return strip_accents(strip_html(str(text))).casefold()


def search_index(frame: pd.DataFrame) -> pd.Series:
    """One searchable string per row (title and the start of the description)."""
    return pd.Series([search_key(f"{t} {str(d)[:300]}") for t, d in
                      zip(frame["designation"].fillna(""), frame["description"].fillna(""))],
                     index=frame.index)


def gallery_page(frame: pd.DataFrame, index: pd.Series | None = None, code: int | None = None,
                 query: str = "", page: int = 1, per_page: int = 12) -> tuple[pd.DataFrame, int, int]:
    """Rows of one gallery page: ``(rows, matching products, number of pages)``.

    ``code`` filters one category, ``query`` keeps products whose title or description contains
    every word of it (case and accents ignored).
    """
    mask = np.ones(len(frame), dtype=bool)
    if code is not None:
        mask &= frame["prdtypecode"].to_numpy() == int(code)
    words = search_key(query).split()
    if words:
        idx = index if index is not None else search_index(frame)
        values = idx.to_numpy()
        for w in words:
            mask &= np.fromiter((w in v for v in values), dtype=bool, count=len(values))
    hits = frame[mask]
    if code is None and not words:  # every category: a fixed shuffle rather than code order
        hits = hits.sample(frac=1.0, random_state=0)
    pages = max(1, math.ceil(len(hits) / per_page))
    page = min(max(1, int(page)), pages)
    return hits.iloc[(page - 1) * per_page: page * per_page], int(len(hits)), pages


def thumbnail(path: str | Path, size: int = 220):
    """A ``size`` x ``size`` RGB PIL image of a product photo (letterboxed on white), or None when
    missing or unreadable."""
    from PIL import Image

    from eshoppye.image import load_image

    if not path:
        return None
    try:
        img = load_image(path)
    except EshoppyeError:
        return None
    img.thumbnail((size, size), Image.Resampling.BILINEAR)
    canvas = Image.new("RGB", (size, size), (255, 255, 255))
    canvas.paste(img, ((size - img.width) // 2, (size - img.height) // 2))
    return canvas


SYMBOL_NOTE = "symbole du type de produit, pas une photo"


def symbol_images(data_dir: str | Path) -> frozenset[int]:
    """``imageid`` s whose picture is only a symbol (a glyph standing for the product type, not a
    photo of the product), read from ``image_subjects.csv`` of the sample catalogue (its ``symbol``
    column); empty for data without that file (the real challenge photos)."""
    path = Path(data_dir) / "image_subjects.csv"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return frozenset()
    return _symbol_images(str(path), stamp)


_SYMBOLS: dict[tuple[str, int], frozenset[int]] = {}


def _symbol_images(path: str, stamp: int) -> frozenset[int]:
    key = (path, stamp)
    if key not in _SYMBOLS:
        try:
            table = pd.read_csv(path, usecols=["imageid", "symbol"], dtype={"imageid": "int64"})
            ids = frozenset(int(i) for i in table.loc[table["symbol"].astype(int) == 1, "imageid"])
        except (OSError, ValueError, KeyError):
            ids = frozenset()
        _SYMBOLS.clear()
        _SYMBOLS[key] = ids
    return _SYMBOLS[key]
