"""Text models benchmark: training time and peak memory, prediction latency and throughput.

    python bench/bench_text.py                      # quick (a few minutes): the sample catalogue only
    python bench/bench_text.py --full               # + scale-up to 85,000 rows: LONG, 15 to 30 minutes
    python bench/bench_text.py --scale 20000        # scale-up to a chosen size
    python bench/bench_text.py --models text-tfidf  # one model

Each training runs in a fresh subprocess so its peak resident memory (ru_maxrss) is its own.
The scale-up replicates the sample's training split to the real training size (84,916 rows)
with per-copy reference tokens, so vocabularies grow as they would on real data. For
``text-embed`` at scale, the sentence encoder's throughput is measured on 1,000 texts and the
encoding time for 84,916 texts is projected (marked "projeté"); the head is trained for real.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL_TRAIN_ROWS = 84_916


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _train_frame(data_dir: Path, rows: int):
    import pandas as pd

    from eshoppye.data import load_dataset, split_dataset

    ds = load_dataset(data_dir)
    parts = split_dataset(ds.labels)
    train = ds.frame.iloc[parts["train"]]
    if rows <= len(train):
        return train
    rng = np.random.default_rng(0)
    copies = []
    for k in range(int(np.ceil(rows / len(train)))):
        c = train.copy()
        ref = rng.integers(10_000, 99_999, size=len(c))
        c["designation"] = [f"{t} Réf {r}{k}" for t, r in zip(c["designation"], ref)]
        copies.append(c)
    return pd.concat(copies, ignore_index=True).iloc[:rows]


def child(name: str, data_dir: str, rows: int) -> None:
    """Train one model on ``rows`` rows and print seconds + peak memory as JSON."""
    from eshoppye.models import create

    frame = _train_frame(Path(data_dir), rows)
    y = frame["prdtypecode"].to_numpy()
    projected = None
    if name == "text-embed" and rows > 5000:
        from eshoppye.models.embeddings import embed_frame

        sample = frame.iloc[:1000]
        t = time.perf_counter()
        E = embed_frame(sample)
        per_text = (time.perf_counter() - t) / len(sample)
        projected = per_text * len(frame)
        reps = int(np.ceil(len(frame) / len(E)))
        E = np.tile(E, (reps, 1))[: len(frame)]
        E += np.random.default_rng(0).normal(0, 0.01, E.shape).astype(np.float32)
        model = create(name)
        t = time.perf_counter()
        model.fit_embeddings(E, y)
        seconds = time.perf_counter() - t + projected
    else:
        model = create(name)
        t = time.perf_counter()
        model.fit(frame, y, progress=False)
        seconds = time.perf_counter() - t
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "rows": len(frame),
                      "projected_encoding_s": projected}))


def run_child(name: str, data_dir: Path, rows: int) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3",
           "ESHOPPYE_CACHE": tempfile.mkdtemp(prefix="eshoppye-bench-")}
    r = subprocess.run([sys.executable, __file__, "--child", name, str(data_dir), str(rows)],
                       capture_output=True, text=True, env=env)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode or not lines:
        return {"error": (r.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(lines[-1])


def latency(models_dir: Path, data_dir: Path, names: list[str]) -> list[tuple]:
    from eshoppye.data import load_dataset, split_dataset
    from eshoppye.predict import load_models

    ds = load_dataset(data_dir)
    test = ds.frame.iloc[split_dataset(ds.labels)["test"]]
    from eshoppye.models.embeddings import clear_memo

    models = load_models(models_dir, only=[n for n in names if (models_dir / n).is_dir()])
    rows = []
    for name, m in models.items():
        m.predict_proba(test.iloc[:1])
        times = []
        for i in range(min(100, len(test))):
            clear_memo()  # every product is new to the encoder
            t = time.perf_counter()
            m.predict_proba(test.iloc[[i]])
            times.append((time.perf_counter() - t) * 1000)
        batch = test.iloc[:1000]
        clear_memo()
        t = time.perf_counter()
        m.predict_proba(batch)
        thr = len(batch) / (time.perf_counter() - t)
        rows.append((name, np.percentile(times, 50), np.percentile(times, 95), thr))
    return rows


def reader_timing(data_dir: Path, rows: int) -> tuple[int, float]:
    """Seconds to read and validate a challenge directory scaled up to ``rows`` products."""
    import pandas as pd

    from eshoppye.data import X_TRAIN, Y_TRAIN, load_dataset

    X = pd.read_csv(data_dir / X_TRAIN, index_col=0)
    Y = pd.read_csv(data_dir / Y_TRAIN, index_col=0)
    reps = int(np.ceil(rows / len(X)))
    Xb = pd.concat([X] * reps, ignore_index=True).iloc[:rows]
    Xb["productid"] = np.arange(len(Xb)) + 10**9
    Xb["imageid"] = np.arange(len(Xb)) + 2 * 10**9
    Yb = pd.concat([Y] * reps, ignore_index=True).iloc[:rows]
    with tempfile.TemporaryDirectory() as tmp:
        Xb.to_csv(Path(tmp) / X_TRAIN)
        Yb.to_csv(Path(tmp) / Y_TRAIN)
        t = time.perf_counter()
        ds = load_dataset(tmp)  # images absent: counted and reported, as with a CSV-only copy
        return len(ds), time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data" / "sample"))
    ap.add_argument("--models-dir", default=str(ROOT / "models"))
    ap.add_argument("--models", default="text-tfidf,text-bilstm,text-embed")
    ap.add_argument("--scale", type=int, default=0,
                    help="lignes de la mise à l'échelle (défaut 0 : échantillon seul, quelques minutes)")
    ap.add_argument("--full", action="store_true",
                    help=f"mise à l'échelle à {REAL_TRAIN_ROWS:,} lignes : LONG, 15 à 30 minutes sur 2 cœurs")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    names = args.models.split(",")
    if args.full:
        args.scale = REAL_TRAIN_ROWS
    print(f"machine: {os.cpu_count()} cœurs; données: {args.data}\n")
    if args.scale:
        print(f"attention : mise à l'échelle à {args.scale:,} lignes, compter 15 à 30 minutes (Ctrl-C pour arrêter)\n",
              flush=True)
    else:
        print("mode rapide (échantillon seul) ; --full pour la mise à l'échelle à 84 916 lignes (long)\n")
    if args.scale:
        n, secs = reader_timing(Path(args.data), args.scale)
        print(f"lecture + validation de {n:,} lignes (X + Y, au format du challenge): {secs:.1f} s\n")
    print("## Entraînement (sous-processus, mémoire = pic RSS)\n")
    print("| modèle | lignes | temps | pic mémoire |\n| --- | --- | --- | --- |")
    for rows in [0] + ([args.scale] if args.scale else []):
        for name in names:
            r = run_child(name, Path(args.data), rows)
            if "error" in r:
                print(f"| {name} | {rows or 'échantillon'} | erreur: {r['error']} | - |")
                continue
            note = f" (dont encodage projeté {r['projected_encoding_s']:.0f} s)" if r.get("projected_encoding_s") else ""
            print(f"| {name} | {r['rows']:,} | {r['seconds']:.1f} s{note} | {r['peak_mb']:.0f} Mo |", flush=True)
    print("\n## Prédiction (modèles de models/, à chaud)\n")
    print("| modèle | 1 produit p50 | 1 produit p95 | débit (lot de 1000) |\n| --- | --- | --- | --- |")
    for name, p50, p95, thr in latency(Path(args.models_dir), Path(args.data), names):
        print(f"| {name} | {p50:.1f} ms | {p95:.1f} ms | {thr:.0f} produits/s |")


if __name__ == "__main__":
    main()
