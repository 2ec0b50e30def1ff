"""Backbone features of pictures and their on-disk cache.

:class:`FeatureCache` / :func:`extract_features` / :func:`features_for` compute the 1280-d pooled
EfficientNet-Lite features of a whole catalogue once, in batches, and keep them as ``.npy``
shards under ``cache_dir()/features/<backbone-version>/`` for every later run; id-less images
(uploads) are remembered in memory only. :func:`image_features` computes one picture, uncached.
"""

from __future__ import annotations

from collections import OrderedDict

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from eshoppye.config import cache_dir
from eshoppye.errors import EshoppyeError
from eshoppye.image.efficientnet_lite import FEATURE_DIM, backbone_version, load_backbone, variant_config
from eshoppye.image.io import load_image, preprocess


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
        self.size = variant_config(variant)["size"]
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
    cfg = variant_config(variant)
    x = preprocess(load_image(source), cfg["size"])[None]
    model = load_backbone(variant)
    return np.asarray(model.predict_on_batch(x), dtype=np.float32)[0]
