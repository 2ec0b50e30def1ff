"""Fit the static token table to e5's sentence vectors ("tokenlearn"), after
``scripts/build_static_embeddings.py`` has built it from words encoded alone.

    python3 scripts/tokenlearn_static.py        # rewrites eshoppye/resources/static_e5.{npz,json}

A word encoded alone by e5 is not what the word contributes inside a listing, so the table
built from isolated words keeps only part of e5's quality on real texts. This step encodes a
corpus of realistic texts with e5 (cached per string like the build) and corrects the table so
that the static sentence vector (SIF-weighted mean of the rows) reproduces e5's vector:

1. a global linear map of the rows (ridge towards the identity, ``--map-ridge``), which also
   moves words the corpus never shows;
2. a per-row correction ``D`` of the rows used by the corpus: min ||A (V + D) - Y||^2 +
   lambda ||D||^2 (kernel ridge, closed form, ``--lam`` chosen on a 10 % hold-out of the corpus
   by cosine to e5);
3. PCA, SIF weights and int8 as in the build.

Corpus (never the development set): the sample's training split (title + 120 characters of
description, e5's own input), the unlabelled ``X_test_update.csv``, the category prototypes,
phrases of the sample vocabulary YAML and titles expanded from its templates (seeded).
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from build_static_embeddings import encode_e5  # noqa: E402

from eshoppye.text import encoder_text  # noqa: E402
from eshoppye.text_static import META, TABLE_NAME, load_table, save_table, words_of  # noqa: E402

VOCAB = ROOT / "data" / "sample" / "vocabulary"
_N_WORDS = re.compile(r"[^\W\d_]{2,}")


def _yaml(path):
    import yaml

    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def vocabulary_phrases() -> list[str]:
    """String leaves of the vocabulary YAML, alternatives reduced to their first choice."""
    leaves: list[str] = []

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str):
            leaves.append(x)

    for f in sorted(glob.glob(str(VOCAB / "**" / "*.yaml"), recursive=True)):
        walk(_yaml(f))
    out = []
    for s in leaves:
        if len(s) < 3 or s.startswith("@"):
            continue
        s = re.sub(r"\{([^{}|]*\|[^{}]*)\}", lambda m: m.group(1).split("|")[0], s)
        s = re.sub(r"\{[^{}]*\}", "", s)
        s = encoder_text(s, "")
        if len(_N_WORDS.findall(s)) >= 2:
            out.append(s)
    return out


def template_titles(per_category: int = 110, seed: int = 12345) -> list[str]:
    """Titles expanded from each category's templates and patterns ({list}, {a|b}, {n-m}, #)."""
    rng = random.Random(seed)
    shared: dict = {}
    for f in ("lists_shared.yaml", "lists_books.yaml", "lists_games.yaml"):
        shared.update({k: v for k, v in _yaml(VOCAB / f).items() if isinstance(v, list)})

    def names(v):
        return [x.get("name", x.get("t")) if isinstance(x, dict) else x for x in v]

    def lookup(key, cat):
        for k in (key, key + "s", key + "es", key[:-1] if key.endswith("s") else key):
            for d in (cat, shared):
                if isinstance(d.get(k), list) and d[k]:
                    return [str(x) for x in names(d[k]) if x is not None]
        return None

    def expand(s, cat, depth=0):
        def rep(m):
            body = m.group(1)
            if "|" in body:
                return rng.choice(body.split("|"))
            r = re.fullmatch(r"(\d+)-(\d+)", body)
            if r:
                return str(rng.randint(int(r.group(1)), int(r.group(2))))
            opts = lookup(body, cat)
            if opts is None:
                return ""
            x = rng.choice(opts)
            return expand(x, cat, depth + 1) if depth < 4 else x

        s = re.sub(r"\{([^{}]*)\}", rep, s)
        return re.sub("#", lambda m: str(rng.randint(0, 9)), s)

    out = []
    for f in sorted(glob.glob(str(VOCAB / "categories" / "*.yaml"))):
        d = _yaml(f)
        cat = dict(d.get("lists") or {})
        cat.update({k: v for k, v in d.items() if isinstance(v, list)
                    and k not in ("templates", "patterns", "desc_patterns")})
        tpl = list(d.get("templates") or []) + [p["t"] for p in (d.get("patterns") or [])
                                                  if isinstance(p, dict) and "t" in p]
        for _ in range(per_category if tpl else 0):
            t = encoder_text(expand(rng.choice(tpl), cat), "")
            if len(_N_WORDS.findall(t)) >= 2:
                out.append(t)
    return out


def corpus_texts(data_dir: Path) -> list[str]:
    import pandas as pd

    from eshoppye.data import load_dataset, split_dataset
    from eshoppye.models.base import text_columns

    ds = load_dataset(data_dir)
    train = ds.frame.iloc[split_dataset(ds.labels)["train"]]
    texts = [encoder_text(t, d, 120) for t, d in zip(*text_columns(train))]
    xt = data_dir / "X_test_update.csv"
    if xt.is_file():
        f = pd.read_csv(xt, dtype=str).fillna("")
        texts += [encoder_text(t, d, 120) for t, d in zip(f["designation"], f["description"])]
    protos = pd.read_csv(ROOT / "eshoppye" / "resources" / "category_prototypes.csv")["prototype"]
    texts += [encoder_text(p, "") for p in protos]
    texts += vocabulary_phrases() + template_titles()
    return [t for t in dict.fromkeys(texts) if t]


def main(argv=None) -> int:
    from scipy import sparse

    from eshoppye.config import cache_dir

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table", default=str(ROOT / "eshoppye" / "resources"),
                    help="directory of the table built from isolated words (rewritten in place)")
    ap.add_argument("--data", default=str(ROOT / "data" / "sample"))
    ap.add_argument("--lam", type=float, nargs="+", default=[0.1, 0.3, 1.0])
    ap.add_argument("--map-ridge", type=float, default=10.0)
    ap.add_argument("--cache", default="")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    table = load_table(args.table)
    if "tokenlearn" in table.meta:
        raise SystemExit("table déjà ajustée: reconstruisez-la d'abord (build_static_embeddings.py)")
    cache = Path(args.cache) if args.cache else cache_dir() / "static-build" / "e5_query.npz"
    with np.load(Path(args.table) / f"{TABLE_NAME}.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    is_piece = arrays["is_piece"].astype(bool)
    strings = [str(k).lstrip(META) if p else str(k) for k, p in zip(arrays["keys"], is_piece)]
    raw = encode_e5(strings, cache).astype(np.float64)  # all cached by the build
    mu = raw.mean(axis=0)
    # SIF weights of the build: |row| / |PCA projection of the centred e5 vector|
    _, _, vt = np.linalg.svd(raw - mu, full_matrices=False)
    proj = np.linalg.norm((raw - mu) @ vt[:table.dim].T, axis=1)
    w = np.linalg.norm(table.vectors.astype(np.float64), axis=1) / np.maximum(proj, 1e-9)
    corpus = corpus_texts(Path(args.data))
    print(f"corpus: {len(corpus)} textes", flush=True)
    Y = encode_e5(corpus, cache).astype(np.float64)
    indptr, ind = [0], []
    for t in corpus:
        for word in words_of(t):
            ind.extend(table.rows_of_word(word))
        indptr.append(len(ind))
    A = sparse.csr_matrix((np.ones(len(ind)), np.asarray(ind, np.int64), np.asarray(indptr)),
                          shape=(len(corpus), len(raw))) @ sparse.diags(w)
    rs = np.asarray(A.sum(axis=1)).ravel()
    rs[rs == 0] = 1.0
    A = (sparse.diags(1.0 / rs) @ A).tocsr()  # weighted mean of the rows
    S = A @ raw - mu
    M = np.linalg.solve(S.T @ S + args.map_ridge * np.eye(raw.shape[1]),
                        S.T @ (Y - mu) + args.map_ridge * np.eye(raw.shape[1]))
    raw = (raw - mu) @ M + mu
    R = Y - A @ raw

    def solve(Aa, Rr, lam):
        K = (Aa @ Aa.T).toarray()
        return Aa.T @ np.linalg.solve(K + lam * np.eye(K.shape[0]), Rr)

    def cosine(P, T):
        P, T = P - mu, T - mu
        return float(np.mean((P * T).sum(1) / np.linalg.norm(P, axis=1).clip(1e-9)
                             / np.linalg.norm(T, axis=1)))

    perm = np.random.RandomState(0).permutation(len(corpus))
    ho, tr = perm[:len(corpus) // 10], perm[len(corpus) // 10:]
    before = cosine(A[ho] @ raw, Y[ho])
    scores = {lam: cosine(A[ho] @ (raw + solve(A[tr], R[tr], lam)), Y[ho]) for lam in args.lam}
    lam = max(args.lam, key=lambda x: (scores[x], -x))
    print(f"cosinus à e5 (hold-out): {before:.4f} -> "
          + ", ".join(f"lambda {k}: {v:.4f}" for k, v in scores.items()), flush=True)
    V = raw + solve(A, R, lam)
    # PCA (uncentred: mu is already removed) to the table's dims, SIF weights, int8 per row
    X = V - mu
    _, _, vt = np.linalg.svd(X, full_matrices=False)
    signs = np.sign(vt[:, np.argmax(np.abs(vt), axis=1)].diagonal())
    rows = (X @ (vt[:table.dim] * signs[:table.dim, None]).T) * w[:, None]
    scales = np.abs(rows).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    arrays["vectors"] = np.clip(np.round(rows / scales[:, None]), -127, 127).astype(np.int8)
    arrays["scales"] = scales.astype(np.float32)
    meta = {k: v for k, v in table.meta.items() if k not in ("format", "file", "sha256", "size")}
    meta["tokenlearn"] = {"corpus_texts": len(corpus), "map_ridge": args.map_ridge, "lambda": lam,
                          "holdout_cosine_to_e5": {"before": round(before, 4),
                                                   "after": round(scores[lam], 4)},
                          "seconds": round(time.perf_counter() - t0, 1)}
    npz, js = save_table(args.table, arrays, meta)
    print(f"table écrite: {npz} ({npz.stat().st_size / 1e6:.1f} Mo); {meta['tokenlearn']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
