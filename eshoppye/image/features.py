"""Backbone features of pictures and their on-disk cache.

:class:`FeatureCache` / :func:`extract_features` / :func:`features_for` compute the 1280-d pooled
EfficientNet-Lite features of a whole catalogue once, in batches, and keep them as ``.npy``
shards under ``cache_dir()/features/<backbone-version>/``, keyed by the sha256 of each picture's
bytes, for every later run; id-less images (uploads) are remembered in memory only.
:func:`image_features` computes one picture, uncached; inside :func:`uncached_features` (latency
and throughput measurements) no picture is served from the cache.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from eshoppye.config import cache_dir
from eshoppye.errors import EshoppyeError
from eshoppye.image.efficientnet_lite import FEATURE_DIM, backbone_version, load_backbone, variant_config
from eshoppye.image.io import MAX_IMAGE_BYTES, load_image, preprocess, read_image_bytes


@dataclass
class FeatureResult:
    """Features of a list of images: ``features`` is ``(n, 1280)`` float32, NaN rows for failures;
    ``row_errors[i]`` is the French reason row ``i`` has no features (None when it has, or when
    no image was given)."""

    features: np.ndarray
    failed: int = 0
    computed: int = 0
    cached: int = 0
    errors: list[str] | None = None
    row_errors: list[str | None] | None = None


def _load_and_preprocess(path: Any, size: int) -> tuple[np.ndarray | None, str | None]:
    try:
        return preprocess(load_image(path), size), None
    except EshoppyeError as exc:
        return None, str(exc)


def _valid_id(value: Any) -> int | None:
    try:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        text = str(value).strip()
        if not text.isdigit() or len(text) > 18:  # "1e30", "-3", "12abc" are not image ids
            return None
        v = int(text)
    except (TypeError, ValueError):
        return None
    return v if v > 0 else None


def content_key(data: bytes) -> bytes:
    """The cache key of a picture: sha256 of its bytes (two different pictures never share one)."""
    return hashlib.sha256(data).digest()


# Pictures per backbone call: as fast as 32 on 2 cores (85 images/s both) for 300 MB less
# resident memory (TensorFlow keeps the activations' memory of the largest batch it ran).
BATCH_SIZE = 8
# Features of id-less images (uploads) kept in memory, so that every model sharing the backbone
# within one request runs it once (5 KB each).
RECENT_UPLOADS = 2048
# Inside uncached_features(): the only features that may be read (those computed in that block).
_FRESH: ContextVar[dict | None] = ContextVar("eshoppye_uncached_features", default=None)


@contextmanager
def uncached_features():
    """A block in which every picture goes through the backbone: nothing is read from the disk
    cache or from earlier uploads, and nothing computed is kept after the block. Inside one block
    the models that share the backbone (image-effnet, fusion-concat) still run it once per
    picture, as in one real request. For honest latency and throughput measurements."""
    token = _FRESH.set({})
    try:
        yield
    finally:
        _FRESH.reset(token)


class FeatureCache:
    """On-disk cache of backbone features keyed by the sha256 of the image bytes, under
    ``cache_dir()/features/<version>/``.

    Storage: shards of two ``.npy`` files, ``<shard>.feats.npy`` (float32 ``(k, 1280)``) and
    ``<shard>.keys.npy`` (``S32`` sha256 digests). Each file is written to a temporary name then
    renamed, keys last: a shard without its keys file is ignored, so an interrupted run never
    leaves a half-written entry, and everything computed before the interruption is kept.
    Keying by content (not by image id and file size) means that a different picture under the
    same id never gets another picture's features. Images without a positive id (uploads) are
    remembered in memory only, unless ``persist_all`` is asked (batch prediction).
    """

    def __init__(self, variant: str = "lite0", root: Path | str | None = None, shard_size: int = 2048):
        self.variant = variant
        self.size = variant_config(variant)["size"]
        self.version = backbone_version(variant)
        self.root = Path(root) if root else cache_dir() / "features" / self.version
        self.shard_size = shard_size
        self.computed = 0  # images run through the backbone by this object (tests, benchmarks)
        self._index: dict[bytes, tuple[np.ndarray, int]] | None = None
        self._recent: "OrderedDict[bytes, np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()

    # -- index -------------------------------------------------------------------------------
    def _load_index(self) -> dict[bytes, tuple[np.ndarray, int]]:
        if self._index is not None:
            return self._index
        index: dict[bytes, tuple[np.ndarray, int]] = {}
        if self.root.is_dir():
            for keys_file in sorted(self.root.glob("*.keys.npy")):
                stem_name = keys_file.name[: -len(".keys.npy")]
                try:
                    keys = np.load(keys_file, allow_pickle=False)
                    feats = np.load(self.root / f"{stem_name}.feats.npy", allow_pickle=False, mmap_mode="r")
                except (OSError, ValueError):
                    continue
                if len(keys) != len(feats) or feats.ndim != 2 or keys.dtype.kind != "S":
                    continue
                for row, k in enumerate(keys.tolist()):
                    index[bytes(k)] = (feats, row)
        self._index = index
        return index

    def __len__(self) -> int:
        return len(self._load_index())

    def lookup(self, key: bytes) -> np.ndarray | None:
        """Cached features of the picture whose :func:`content_key` is ``key``, or None
        (inside :func:`uncached_features`: only those computed in that block)."""
        fresh = _FRESH.get()
        if fresh is not None:
            mine = fresh.get(key)
            return None if mine is None else mine.copy()
        hit = self._load_index().get(key)
        if hit is not None:
            feats, row = hit
            return np.asarray(feats[row], dtype=np.float32)
        with self._lock:
            mem = self._recent.get(key)
        return None if mem is None else mem.copy()

    def _remember(self, key: bytes, feats: np.ndarray) -> None:
        """Keep the features of the last id-less images (uploads) in memory only, so the models
        that share the backbone (image-effnet, fusion-concat) run it once per image."""
        with self._lock:
            self._recent[key] = np.asarray(feats, dtype=np.float32)
            self._recent.move_to_end(key)
            while len(self._recent) > RECENT_UPLOADS:
                self._recent.popitem(last=False)

    def _write_shard(self, keys: list[bytes], feats: np.ndarray) -> None:
        if not keys:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"shard-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        arrays = [("feats", np.asarray(feats, dtype=np.float32)), ("keys", np.asarray(keys, dtype="S32"))]
        for part, arr in arrays:  # keys last: their presence marks a complete shard
            tmp = self.root / f".{name}.{part}.tmp"
            with open(tmp, "wb") as f:
                np.save(f, arr, allow_pickle=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.root / f"{name}.{part}.npy")
        index = self._load_index()
        feats_arr = arrays[0][1]
        for row, k in enumerate(keys):
            index[k] = (feats_arr, row)

    # -- computing ---------------------------------------------------------------------------
    def _compute_batch(self, batch: np.ndarray) -> np.ndarray:
        """Run the backbone on a preprocessed ``(k, size, size, 3)`` batch."""
        model = load_backbone(self.variant)
        out = np.asarray(model.predict_on_batch(batch), dtype=np.float32)
        self.computed += len(batch)
        return out

    def extract(self, paths: Sequence[Any], ids: Sequence[Any] | None = None,
                batch_size: int = BATCH_SIZE,
                progress: bool = True, use_cache: bool = True, persist_all: bool = False) -> FeatureResult:
        """Features of ``paths`` (aligned with ``ids``). Every picture is looked up by the sha256
        of its bytes; new features are stored on disk for rows with a positive id (or every row
        with ``persist_all``), in memory otherwise. Unreadable pictures get a NaN row and their
        French reason in ``row_errors``."""
        n = len(paths)
        ids = list(ids) if ids is not None else [None] * n
        if len(ids) != n:
            raise EshoppyeError("extract_features : autant d'identifiants que d'images sont nécessaires")
        out = np.full((n, FEATURE_DIM), np.nan, dtype=np.float32)
        row_errors: list[str | None] = [None] * n
        todo: list[tuple[int, bytes, bool]] = []  # (row, content key, persist on disk)
        first_row: dict[bytes, int] = {}  # content key -> the row of todo that computes it
        copies: list[tuple[int, int]] = []  # (row, row whose features it takes): same picture
        cached = 0
        for row, (p, i) in enumerate(zip(paths, ids)):
            if p is None or not str(p):
                continue
            try:
                data = read_image_bytes(p) if isinstance(p, (str, os.PathLike)) else _source_bytes(p)
            except EshoppyeError as exc:
                row_errors[row] = str(exc)
                continue
            key = content_key(data)
            del data
            hit = self.lookup(key) if use_cache else None
            if hit is not None:
                out[row] = hit
                cached += 1
                continue
            if key in first_row:  # the same picture again (a catalogue reuses photos): once
                copies.append((row, first_row[key]))
                continue
            first_row[key] = row
            todo.append((row, key, use_cache and (persist_all or _valid_id(i) is not None)))

        computed = 0
        pending_keys: list[bytes] = []
        pending_feats: list[np.ndarray] = []
        bar = None
        if progress and len(todo) > 32:  # no bar for a product or a handful of pictures
            from tqdm.auto import tqdm

            bar = tqdm(total=len(todo), desc=f"features {self.variant}", unit="img")
        from concurrent.futures import ThreadPoolExecutor

        batches = [todo[i: i + batch_size] for i in range(0, len(todo), batch_size)]

        def prepare(batch):
            return [_load_and_preprocess(paths[row], self.size) for row, _, _ in batch]

        done_keys: dict[bytes, np.ndarray] = {}
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                # decode the next batch while the backbone runs on the current one
                futures = [pool.submit(prepare, b) for b in batches[:2]]
                for bi, batch in enumerate(batches):
                    prepared = futures[bi].result()
                    futures[bi] = None  # free memory
                    if bi + 2 < len(batches):
                        futures.append(pool.submit(prepare, batches[bi + 2]))
                    for (row, _, _), (arr, err) in zip(batch, prepared):
                        if arr is None:
                            row_errors[row] = err
                    ok_rows = [(k, arr) for k, (arr, _) in enumerate(prepared) if arr is not None]
                    if ok_rows:
                        feats = self._compute_batch(np.stack([arr for _, arr in ok_rows]))
                        computed += len(ok_rows)
                        for (k, _), f in zip(ok_rows, feats):
                            row, key, persist = batch[k]
                            out[row] = f
                            if not np.isfinite(f).all() or key in done_keys:
                                continue
                            done_keys[key] = f
                            fresh = _FRESH.get()
                            if fresh is not None:  # a measurement: kept for this block only
                                fresh[key] = np.asarray(f, dtype=np.float32)
                            elif persist:
                                pending_keys.append(key)
                                pending_feats.append(f)
                            elif use_cache:
                                self._remember(key, f)
                    if len(pending_keys) >= self.shard_size:
                        self._write_shard(pending_keys, np.stack(pending_feats))
                        pending_keys, pending_feats = [], []
                    if bar is not None:
                        bar.update(len(batch))
        finally:
            if pending_keys:
                self._write_shard(pending_keys, np.stack(pending_feats))
            if bar is not None:
                bar.close()
        for row, src in copies:
            out[row], row_errors[row] = out[src], row_errors[src]
        failed = int(np.isnan(out).any(axis=1).sum())
        errors = [e for e in row_errors if e]
        return FeatureResult(out, failed=failed, computed=computed, cached=cached, errors=errors,
                             row_errors=row_errors)

    def features_for(self, frame, batch_size: int = BATCH_SIZE, progress: bool = True,
                     persist_all: bool = False) -> FeatureResult:
        """Features for a DataFrame with ``image_path`` (and optionally ``imageid``) columns."""
        if "image_path" not in frame.columns:
            raise EshoppyeError("colonne 'image_path' absente : impossible de calculer les features image")
        paths = [p if isinstance(p, (str, os.PathLike)) and str(p) else None for p in frame["image_path"].tolist()]
        ids = frame["imageid"].tolist() if "imageid" in frame.columns else None
        return self.extract(paths, ids, batch_size=batch_size, progress=progress, persist_all=persist_all)


def _source_bytes(source: Any) -> bytes:
    """Bytes of an in-memory picture (bytes or a binary file-like object, rewound afterwards)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "read"):
        pos = source.tell() if hasattr(source, "tell") else None
        data = source.read(MAX_IMAGE_BYTES + 1)
        if pos is not None and hasattr(source, "seek"):
            source.seek(pos)
        if isinstance(data, (bytes, bytearray)):
            return bytes(data)
    raise EshoppyeError(f"source d'image non prise en charge ({type(source).__name__})")


_CACHES: dict[tuple[str, str], FeatureCache] = {}


def feature_cache(variant: str = "lite0") -> FeatureCache:
    """The process-wide :class:`FeatureCache` for ``variant`` under the current ``cache_dir()``."""
    key = (variant, str(cache_dir()))
    if key not in _CACHES:
        _CACHES[key] = FeatureCache(variant)
    return _CACHES[key]


def extract_features(paths: Sequence[Any], ids: Sequence[Any] | None = None,
                     batch_size: int = BATCH_SIZE,
                     progress: bool = True, variant: str = "lite0") -> FeatureResult:
    """Backbone features of ``paths``; cached by content hash so a dataset is only computed once."""
    return feature_cache(variant).extract(paths, ids, batch_size=batch_size, progress=progress)


def features_for(frame, batch_size: int = BATCH_SIZE, progress: bool = True, variant: str = "lite0",
                 persist_all: bool = False) -> FeatureResult:
    """Backbone features for a DataFrame with ``imageid`` and ``image_path`` columns."""
    return feature_cache(variant).features_for(frame, batch_size=batch_size, progress=progress,
                                               persist_all=persist_all)


def image_features(source: Any, variant: str = "lite0") -> np.ndarray:
    """1280-d features of one picture (path, bytes or file-like), never cached (app uploads)."""
    cfg = variant_config(variant)
    x = preprocess(load_image(source), cfg["size"])[None]
    model = load_backbone(variant)
    return np.asarray(model.predict_on_batch(x), dtype=np.float32)[0]
