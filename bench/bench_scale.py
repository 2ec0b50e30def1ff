"""Throughput of ``eshoppye predict`` on a large synthetic catalogue: in-process, 1 and 2 Dask workers.

    python bench/bench_scale.py [--rows 1000000] [--only text-tfidf] [--partition-rows 20000]
                                [--modes inproc,1,2] [--format csv|parquet]

The catalogue is generated on the fly in a temporary directory (deleted at the end, never
committed): titles and descriptions of the sample catalogue recombined with random suffixes
(sizes, colours, references), seeded. Each mode classifies the same file through
``eshoppye.batch.predict_catalogue`` into partitioned output (``inproc``: partitions one after the
other in this process; ``N``: a LocalCluster of N processes), and the table gives wall time
(cluster start included), products per second, the cluster start alone, the sum of the
partitions' own times (read + classify + write), and the peak RSS of every process that classified
partitions (``ru_maxrss`` measured inside the partition task).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUFFIXES = ["noir", "blanc", "rouge", "XL", "taille M", "lot de 2", "lot de 3", "neuf", "occasion", "édition limitée",
            "32 Go", "1,5 m", "pour enfant", "en bois", "inox", "vintage", "PS4", "A4", "100 ml", "coton bio"]


def make_catalogue(path: Path, rows: int, fmt: str, seed: int = 42, chunk: int = 100_000) -> float:
    """Write ``rows`` synthetic products to ``path`` (CSV or Parquet parts); returns the seconds."""
    t = time.perf_counter()
    base = pd.read_csv(ROOT / "data" / "sample" / "X_train_update.csv", index_col=0, dtype=str,
                       keep_default_na=False)
    titles = base["designation"].to_numpy()
    descs = base["description"].to_numpy()
    rng = np.random.default_rng(seed)
    suffixes = np.array(SUFFIXES)
    if fmt == "parquet":
        path.mkdir()
    for k, start in enumerate(range(0, rows, chunk)):
        n = min(chunk, rows - start)
        pick = rng.integers(0, len(titles), n)
        extra = suffixes[rng.integers(0, len(suffixes), n)]
        ref = rng.integers(100, 99999, n)
        frame = pd.DataFrame({
            "designation": [f"{t} {e} réf. {r}" for t, e, r in zip(titles[pick], extra, ref)],
            "description": np.where(rng.random(n) < 0.6, descs[rng.integers(0, len(descs), n)], ""),
            "productid": np.arange(start, start + n) + 10_000_000,
            "imageid": np.arange(start, start + n) + 20_000_000,
        }, index=pd.RangeIndex(start, start + n))
        if fmt == "parquet":
            frame.to_parquet(path / f"part-{k:03d}.parquet")
        else:
            frame.to_csv(path, mode="a" if k else "w", header=not k)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--models", default=str(ROOT / "models"))
    ap.add_argument("--only", default="text-tfidf", help="models, comma-separated (default: text-tfidf)")
    ap.add_argument("--partition-rows", type=int, default=20_000)
    ap.add_argument("--modes", default="inproc,1,2", help="inproc and/or worker counts, comma-separated")
    ap.add_argument("--format", default="csv", choices=("csv", "parquet"), help="input format")
    ap.add_argument("--memory-limit", default="2GB")
    args = ap.parse_args(argv)

    from eshoppye.batch import predict_catalogue

    only = [m.strip() for m in args.only.split(",") if m.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="eshoppye-bench-scale-"))
    rows_out = []
    try:
        src = tmp / ("catalogue.csv" if args.format == "csv" else "catalogue")
        gen = make_catalogue(src, args.rows, args.format)
        size = sum(f.stat().st_size for f in ([src] if src.is_file() else src.iterdir())) / 1e6
        print(f"catalogue: {args.rows} products, {size:.0f} MB {args.format}, generated in {gen:.1f} s; "
              f"models: {', '.join(only)}; partitions of {args.partition_rows}", flush=True)
        pattern = str(src if args.format == "csv" else src / "*.parquet")
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            workers = None if mode == "inproc" else int(mode)
            out = tmp / f"out-{mode}.parquet"
            t = time.perf_counter()
            result = predict_catalogue(args.models, pattern, out, only=only, workers=workers,
                                       partition_rows=args.partition_rows, memory_limit=args.memory_limit,
                                       progress=False)
            wall = time.perf_counter() - t
            rss = [w["peak_rss_mb"] for w in result.workers.values()]
            rows_out.append({"mode": "in-process" if workers is None else f"{workers} worker(s)",
                             "rows": result.rows, "wall_s": wall, "rows_per_s": result.rows / wall,
                             "start_s": result.start_seconds, "part_s": result.partition_seconds,
                             "rss": " / ".join(f"{r:.0f}" for r in sorted(rss))})
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print("| mode | products | wall (s) | products/s | cluster start (s) | partition time, sum (s) "
          "| peak RSS per classifying process (MB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows_out:
        print(f"| {r['mode']} | {r['rows']} | {r['wall_s']:.1f} | {r['rows_per_s']:.0f} | {r['start_s']:.1f} "
              f"| {r['part_s']:.1f} | {r['rss']} |")
    print(f"\nload average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    print(f"\ndriver peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
