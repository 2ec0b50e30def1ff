"""Data and model helpers for the Streamlit demonstrator (no Streamlit import here).

* where the app takes its models and metrics from (``ESHOPPYE_MODELS_DIR``,
  ``ESHOPPYE_METRICS``, ``ESHOPPYE_MANIFEST``), and :func:`load_app_models` which resolves every
  model of the manifest through :mod:`eshoppye.registry` and loads it;
* :func:`compute_aggregates`: the figures of the data page (class distribution, text lengths,
  missing descriptions, most telling words per category, image sizes, mean image per category),
  computed once per data fingerprint with a progress callback and kept on disk as JSON + NPZ
  (nothing is pickled) under ``cache_dir()/explore``;
* gallery helpers (search, paging, thumbnails) and the most confused pairs of a confusion matrix.

TensorFlow is never imported here; :func:`load_app_models` imports the model modules, which
import Keras only when a Keras model is loaded or used.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from eshoppye import config
from eshoppye.categories import CODES, label, name_of
from eshoppye.errors import EshoppyeError

ProgressFn = Callable[[float, str], None]
AGGREGATES_VERSION = 1
MEAN_IMAGE_SIZE = 64
MEAN_IMAGES_PER_CLASS = 40
IMAGE_SIZES_PER_CLASS = 150
TOP_WORDS = 12
MAX_DESCRIPTION_CHARS = 5000


def _noop(fraction: float, message: str) -> None:  # pragma: no cover - trivial
    pass


# ------------------------------------------------------------------------------------------------
# where things come from
# ------------------------------------------------------------------------------------------------

def models_dir() -> Path:
    """``ESHOPPYE_MODELS_DIR`` when set, else the bundled ``models/`` directory."""
    env = os.environ.get("ESHOPPYE_MODELS_DIR", "").strip()
    return Path(env).expanduser() if env else config.BUNDLED_MODELS_DIR


def metrics_path() -> Path:
    """``ESHOPPYE_METRICS`` when set, else ``reports/metrics.json``."""
    env = os.environ.get("ESHOPPYE_METRICS", "").strip()
    return Path(env).expanduser() if env else config.METRICS_PATH


def data_description(data_dir: Path | str | None = None) -> dict[str, Any]:
    """What the app shows about the data in use: path, synthetic or real, how it was chosen."""
    data_dir = Path(data_dir or config.default_data_dir())
    sample = config.is_sample(data_dir)
    from_env = bool(os.environ.get("ESHOPPYE_DATA_DIR", "").strip())
    try:
        shown = str(data_dir.resolve().relative_to(config.ROOT))
    except (ValueError, OSError):
        shown = str(data_dir)
    return {"dir": data_dir, "shown": shown, "synthetic": sample, "from_env": from_env,
            "exists": (data_dir / "X_train_update.csv").is_file()}


@dataclass
class LoadedModels:
    """The models of the app and where each came from."""

    models: dict[str, Any]
    info: list[dict[str, Any]]  # name, kind, version, origin, path, data_fingerprint
    source: str  # manifest origin or models directory
    problems: list[str] = field(default_factory=list)  # models that could not be loaded
    seconds: float = 0.0


ORIGIN_LABELS = {"cached": "cache local", "bundled": "dépôt (models/)", "remote": "téléchargé",
                 "dir": "dossier local"}


def _manifest_for_app():
    """The registry manifest the app uses: ``ESHOPPYE_MANIFEST``, else ``<models dir>/manifest.json``
    (built from the model directories when absent). None when the registry is unavailable."""
    try:
        from eshoppye import registry
    except ImportError:  # pragma: no cover - registry module missing
        return None, None
    if os.environ.get("ESHOPPYE_MANIFEST", "").strip():
        return registry, registry.load_manifest()
    mdir = models_dir()
    path = mdir / registry.MANIFEST_NAME
    if path.is_file():
        return registry, registry.load_manifest(path)
    if mdir.resolve() == config.BUNDLED_MODELS_DIR.resolve():
        return registry, registry.load_manifest()
    return None, None


def load_app_models(progress: ProgressFn | None = None) -> LoadedModels:
    """Resolve every model of the manifest (cache, bundled copy or download) and load it.

    ``progress(fraction, message)`` is called while models download and load. A model that
    cannot be resolved or loaded is left out and reported in ``problems``; fusion models are
    attached to their base models (and left out when a base is missing). Raises
    :class:`EshoppyeError` when no model at all could be loaded.
    """
    from eshoppye.models import load_model, read_meta

    progress = progress or _noop
    t0 = time.perf_counter()
    registry, manifest = None, None
    try:
        registry, manifest = _manifest_for_app()
    except EshoppyeError as exc:
        problems = [f"manifeste: {exc}"]
    else:
        problems = []
    entries: list[tuple[str, str, Path | None, dict]] = []  # name, origin, dir, entry
    if manifest is not None and manifest.get("models"):
        source = str(manifest.get("_origin") or "manifeste")
        items = manifest["models"]
        for i, entry in enumerate(items):
            name = entry["name"]
            try:
                origin = registry.status(name, manifest)
            except EshoppyeError:
                origin = "missing"
            base = 0.5 * i / len(items)

            def on_bytes(done: int, total: int, _name=name, _base=base) -> None:
                frac = (done / total) if total else 0.0
                progress(min(0.5, _base + 0.5 * frac / len(items)),
                         f"téléchargement de {_name} : {done / 1e6:.1f} / {(total or 0) / 1e6:.1f} Mo")

            progress(base, f"modèle {name} ({ORIGIN_LABELS.get(origin, origin)})")
            try:
                path = registry.resolve(name, manifest, progress=on_bytes)
            except EshoppyeError as exc:
                problems.append(f"{name}: {exc}")
                continue
            entries.append((name, origin, Path(path), entry))
    else:
        mdir = models_dir()
        source = str(mdir)
        if not mdir.is_dir():
            raise EshoppyeError(f"{mdir}: dossier de modèles introuvable (lancez d'abord eshoppye train)")
        for sub in sorted(mdir.iterdir()):
            if (sub / "model.json").is_file():
                try:
                    meta = read_meta(sub)
                except EshoppyeError as exc:
                    problems.append(str(exc))
                    continue
                entries.append((meta["name"], "dir", sub, {"version": meta.get("version")}))
    models, info = {}, []
    ordered = sorted(entries, key=lambda e: e[0].startswith("fusion-"))
    for i, (name, origin, path, entry) in enumerate(ordered):
        progress(0.5 + 0.5 * i / max(len(ordered), 1), f"chargement de {name}")
        try:
            model = load_model(path)
        except EshoppyeError as exc:
            problems.append(f"{name}: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - a broken model must not take the app down
            problems.append(f"{name}: chargement impossible ({exc.__class__.__name__})")
            continue
        if hasattr(model, "attach"):
            bases = model.params.get("bases", [])
            absent = [b for b in bases if b not in models]
            if absent:
                problems.append(f"{name}: modèle(s) de base absent(s): {', '.join(absent)}")
                continue
            model.attach({b: models[b] for b in bases})
        models[name] = model
        info.append({"name": name, "kind": model.kind, "version": entry.get("version") or model.version,
                     "origin": origin, "origin_label": ORIGIN_LABELS.get(origin, origin),
                     "path": str(path), "data_fingerprint": model.info.get("data_fingerprint")})
    if not models:
        detail = "; ".join(problems) or f"aucun modèle dans {source}"
        raise EshoppyeError(f"aucun modèle chargé ({detail}); lancez d'abord eshoppye train")
    progress(0.97, "préchauffage des modèles")
    try:
        from eshoppye.predict import warm_up

        warm_up(models)  # graph tracing and backbone loading now, not on the first click
    except EshoppyeError as exc:
        problems.append(f"préchauffage: {exc}")
    progress(1.0, "modèles prêts")
    return LoadedModels(models=models, info=info, source=source, problems=problems,
                        seconds=time.perf_counter() - t0)


def manifest_rows() -> list[dict[str, Any]]:
    """Manifest rows (name, kind, version, status) without loading any model; [] when none."""
    try:
        registry, manifest = _manifest_for_app()
        if manifest is None:
            return []
        return registry.list_models(manifest)
    except EshoppyeError:
        return []


# ------------------------------------------------------------------------------------------------
# data aggregates
# ------------------------------------------------------------------------------------------------

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
    progress = progress or _noop
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


# ------------------------------------------------------------------------------------------------
# gallery
# ------------------------------------------------------------------------------------------------

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


# ------------------------------------------------------------------------------------------------
# models page helpers
# ------------------------------------------------------------------------------------------------

def confused_pairs(confusion: list[list[int]], classes=CODES, k: int = 10) -> list[dict[str, Any]]:
    """The ``k`` largest off-diagonal cells: true class, predicted class, count, share of the class."""
    cm = np.asarray(confusion, dtype=np.int64)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] != len(classes):
        return []
    off = cm.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None)
    rows = []
    for flat in order[:k]:
        i, j = np.unravel_index(flat, off.shape)
        n = int(off[i, j])
        if n <= 0:
            break
        support = int(cm[i].sum())
        rows.append({"true": int(classes[i]), "pred": int(classes[j]), "count": n,
                     "share": n / support if support else 0.0})
    return rows


def models_table(metrics: dict[str, Any]) -> pd.DataFrame:
    """One row per model of ``reports/metrics.json`` with the headline numbers."""
    rows = []
    for name, e in metrics.get("models", {}).items():
        lat = e.get("latency") or {}
        rows.append({
            "modèle": name, "type": {"text": "texte", "image": "image", "fusion": "fusion"}.get(e.get("kind"), e.get("kind") or "?"),
            "version": e.get("version", ""),
            "F1 pondéré": e.get("weighted_f1"), "F1 macro": e.get("macro_f1"), "exactitude": e.get("accuracy"),
            "couverture": e.get("coverage"),
            "taille (Mo)": (e["size_bytes"] / 1e6) if e.get("size_bytes") is not None else None,
            "latence p50 (ms)": lat.get("p50_ms"), "latence p95 (ms)": lat.get("p95_ms"),
            "débit (produits/s)": e.get("throughput_per_s"),
            "entraînement (s)": e.get("train_seconds"),
        })
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values("F1 pondéré", ascending=False, na_position="last").reset_index(drop=True)
    return df


def per_class_f1(metrics: dict[str, Any]) -> pd.DataFrame:
    """Models x classes table of F1 scores (columns are ``label(code)``)."""
    data = {}
    for name, e in metrics.get("models", {}).items():
        pc = e.get("per_class") or {}
        data[name] = {label(c): (pc.get(str(c)) or {}).get("f1", np.nan) for c in CODES}
    return pd.DataFrame(data).T


# ------------------------------------------------------------------------------------------------
# user input checks for the classifier page
# ------------------------------------------------------------------------------------------------

_HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_SCRIPT_RE = re.compile(r"<\s*(script|iframe|object|embed|style)\b|javascript:|on\w+\s*=", re.I)


def input_notes(designation: str, description: str) -> list[tuple[str, str]]:
    """Notes about typed text, as ``(level, French message)`` with level ``info``/``warning``."""
    from eshoppye.text import MAX_DESCRIPTION_CHARS as DESC_MAX
    from eshoppye.text import MAX_TITLE_CHARS

    notes = []
    designation, description = designation or "", description or ""
    if len(description) > DESC_MAX:
        notes.append(("warning", f"Description très longue ({len(description):,} caractères) : seuls les "
                                 f"{DESC_MAX:,} premiers sont lus par les modèles.".replace(",", "\u202f")))
    if len(designation) > MAX_TITLE_CHARS:
        notes.append(("warning", f"Titre très long ({len(designation):,} caractères) : seuls les "
                                 f"{MAX_TITLE_CHARS:,} premiers sont lus.".replace(",", "\u202f")))
    both = f"{designation}\n{description}"
    if _SCRIPT_RE.search(both):
        notes.append(("warning", "Le texte contient des balises de script ou du code HTML actif : il est "
                                 "affiché comme du texte inerte et n'est jamais exécuté ; les modèles ne "
                                 "lisent que le texte débarrassé des balises."))
    elif _HTML_RE.search(both):
        notes.append(("info", "Le texte contient des balises HTML : elles sont retirées avant la "
                              "classification (comme dans les descriptions du catalogue)."))
    return notes


def describe_models_source(info: list[dict[str, Any]]) -> str:
    """One line: how many models, of which kinds."""
    kinds = Counter(i["kind"] for i in info)
    parts = [f"{n} {k}" for k, n in sorted(kinds.items())]
    return f"{len(info)} modèle(s) : " + ", ".join(parts)


__all__ = [
    "LoadedModels", "aggregates_cache_path", "compute_aggregates", "confused_pairs", "data_description",
    "describe_models_source", "gallery_page", "input_notes", "load_app_models", "manifest_rows",
    "metrics_path", "models_dir", "models_table", "name_of", "per_class_f1", "search_index",
    "search_key", "telling_words", "thumbnail",
]
