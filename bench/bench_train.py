"""Training every bundled model on a catalogue the size of the real one (84,916 rows), on this machine.

    python bench/bench_train.py                 # 84,916 rows: LONG (20 to 40 minutes on 2 cores)
    python bench/bench_train.py --rows 6000     # a quick check of the bench itself
    python bench/bench_train.py --models text-tfidf,text-embed

The sample catalogue's training rows are replicated up to ``--rows`` (each copy's titles get a
reference token, so vocabularies grow as on real data) into a temporary directory in the challenge
layout; each copy's images are symbolic links to the sample's pictures. Then ``eshoppye train``
runs for real, in a subprocess with an empty feature cache, and the table gives each model's own
training time (from the run's own metrics file), the wall time and the peak resident memory of the
whole run. The feature cache is keyed by picture content, so the replicated pictures are computed
once: the extraction of the remaining ones is measured on the distinct pictures and projected to
``--rows`` pictures (line marked "projeté"). Nothing is written outside the temporary directory.
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
TARGET_MINUTES = 30


def scaled_catalogue(data_dir: Path, out: Path, rows: int) -> tuple[int, int]:
    """Write ``rows`` training products (replicated sample) to ``out``; (rows, distinct images)."""
    import pandas as pd

    from eshoppye.data import IMAGE_DIRS, X_TRAIN, Y_TRAIN

    X = pd.read_csv(data_dir / X_TRAIN, index_col=0)
    Y = pd.read_csv(data_dir / Y_TRAIN, index_col=0)
    reps = int(np.ceil(rows / len(X)))
    rng = np.random.default_rng(0)
    copies = []
    for k in range(reps):
        c = X.copy()
        if k:
            ref = rng.integers(10_000, 99_999, size=len(c))
            c["designation"] = [f"{t} Réf {r}{k}" for t, r in zip(c["designation"], ref)]
        c["src_imageid"], c["src_productid"] = c["imageid"], c["productid"]
        c["imageid"] = c["imageid"].astype(np.int64) + k * 10**10
        c["productid"] = c["productid"].astype(np.int64) + k * 10**10
        copies.append(c)
    Xb = pd.concat(copies, ignore_index=True).iloc[:rows]
    Yb = pd.concat([Y] * reps, ignore_index=True).iloc[:rows]
    src_dir, dst_dir = data_dir / IMAGE_DIRS["train"], out / IMAGE_DIRS["train"]
    dst_dir.mkdir(parents=True)
    distinct = 0
    for src_i, src_p, i, p in zip(Xb["src_imageid"], Xb["src_productid"], Xb["imageid"], Xb["productid"]):
        src = src_dir / f"image_{src_i}_product_{src_p}.jpg"
        if src.is_file():
            (dst_dir / f"image_{i}_product_{p}.jpg").symlink_to(src.resolve())
            distinct += i == src_i
    Xb.drop(columns=["src_imageid", "src_productid"]).to_csv(out / X_TRAIN)
    Yb.to_csv(out / Y_TRAIN)
    return len(Xb), distinct


def measure_extraction(data_dir: Path, n: int) -> float:
    """Pictures per second of EfficientNet-Lite0 feature extraction on ``n`` distinct sample images."""
    import pandas as pd

    from eshoppye.data import IMAGE_DIRS
    from eshoppye.image import features_for

    paths = sorted((data_dir / IMAGE_DIRS["train"]).glob("*.jpg"))[:n]
    frame = pd.DataFrame({"image_path": [str(p) for p in paths]})
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ESHOPPYE_CACHE"] = tmp
        features_for(frame.iloc[:8], progress=False)  # graph built, weights read
        t = time.perf_counter()
        features_for(frame, progress=False)
        return len(frame) / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data" / "sample"))
    ap.add_argument("--rows", type=int, default=REAL_TRAIN_ROWS)
    ap.add_argument("--models", default="all")
    ap.add_argument("--extraction-sample", type=int, default=400,
                    help="images distinctes pour mesurer le débit d'extraction (défaut 400)")
    args = ap.parse_args()
    data_dir = Path(args.data)
    print(f"machine: {os.cpu_count()} cœurs; modèles: {args.models}; lignes: {args.rows:,}", flush=True)
    with tempfile.TemporaryDirectory(prefix="eshoppye-bench-train-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        rows, distinct = scaled_catalogue(data_dir, tmp / "data", args.rows)
        print(f"catalogue agrandi écrit en {time.perf_counter() - t:.0f} s "
              f"({rows:,} lignes, {distinct:,} images distinctes)", flush=True)
        env = {**os.environ, "ESHOPPYE_CACHE": str(tmp / "cache"), "TF_CPP_MIN_LOG_LEVEL": "3"}
        cmd = [sys.executable, "-m", "eshoppye", "train", "--data", str(tmp / "data"),
               "--models", args.models, "--out", str(tmp / "models"), "--metrics", str(tmp / "metrics.json")]
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True)
        wall = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if r.returncode:
            print(f"échec de l'entraînement (code {r.returncode}): "
                  f"{(r.stderr.strip().splitlines() or ['?'])[-1]}")
            sys.exit(1)
        entries = json.loads((tmp / "metrics.json").read_text())["models"]
        needs_images = any(e.get("kind") in ("image", "fusion") for e in entries.values())
        projected = 0.0
        if needs_images and rows > distinct:
            rate = measure_extraction(data_dir, args.extraction_sample)
            projected = (rows - distinct) / rate
    print(f"\n| modèle | temps d'entraînement ({rows:,} lignes, découpage entraînement) |\n| --- | --- |")
    for name, e in sorted(entries.items()):
        print(f"| {name} | {e.get('train_seconds', float('nan')):.0f} s |")
    total = wall + projected
    print(f"\n| mesure | valeur |\n| --- | --- |")
    print(f"| `eshoppye train` complet (lecture, entraînement, évaluation), mesuré | {wall / 60:.1f} min |")
    if projected:
        print(f"| extraction des {rows - distinct:,} images non distinctes, projeté à {rate:.0f} images/s "
              f"| {projected / 60:.1f} min |")
    print(f"| **total{' (dont projeté)' if projected else ''}** | **{total / 60:.1f} min** "
          f"(objectif ≤ {TARGET_MINUTES} min) |")
    print(f"| pic mémoire du processus d'entraînement | {peak_mb:,.0f} Mo |")


if __name__ == "__main__":
    main()
