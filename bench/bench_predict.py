"""End-to-end prediction benchmark: one product (title + image) through every loaded model.

    python bench/bench_predict.py [--models models/] [--data data/sample] [--n 60]

Prints single-product latency p50/p95 with and without an image (warm: models loaded, one
warm-up call; each product is new to the models: no cached embedding or image feature), batch
throughput of ``predict_frame`` and the peak resident memory with every model loaded.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=str(ROOT / "models"))
    ap.add_argument("--data", default=str(ROOT / "data" / "sample"))
    ap.add_argument("--n", type=int, default=60)
    args = ap.parse_args()

    from eshoppye.data import load_dataset, split_dataset
    from eshoppye.models.embeddings import clear_memo
    from eshoppye.predict import classify_product, load_models, predict_frame

    t = time.perf_counter()
    models = load_models(args.models)
    load_s = time.perf_counter() - t
    ds = load_dataset(args.data)
    test = ds.frame.iloc[split_dataset(ds.labels)["test"]]
    rows = test[test["image_path"] != ""].iloc[: args.n]
    images = [Path(p).read_bytes() for p in rows["image_path"]]
    classify_product(models, rows.iloc[0]["designation"], rows.iloc[0]["description"], images[0])

    def timed(with_image: bool) -> list[float]:
        out = []
        for (_, r), img in zip(rows.iterrows(), images):
            clear_memo()
            t0 = time.perf_counter()
            classify_product(models, r["designation"], r["description"], img if with_image else None)
            out.append((time.perf_counter() - t0) * 1000)
        return out

    with_img, without = timed(True), timed(False)
    batch = test.iloc[:1000].assign(imageid=0)
    clear_memo()
    t = time.perf_counter()
    predict_frame(models, batch)
    thr = len(batch) / (time.perf_counter() - t)

    print(f"machine: {os.cpu_count()} cœurs; modèles: {', '.join(sorted(models))}")
    print(f"chargement des modèles: {load_s:.1f} s\n")
    print("| mesure | valeur |\n| --- | --- |")
    print(f"| 1 produit titre + image, p50 | {np.percentile(with_img, 50):.0f} ms |")
    print(f"| 1 produit titre + image, p95 | {np.percentile(with_img, 95):.0f} ms |")
    print(f"| 1 produit titre seul, p50 | {np.percentile(without, 50):.0f} ms |")
    print(f"| 1 produit titre seul, p95 | {np.percentile(without, 95):.0f} ms |")
    print(f"| lot de {len(batch)} produits (images comprises) | {thr:.0f} produits/s |")
    print(f"| mémoire maximale, tous modèles chargés | {rss_mb():.0f} Mo |")


if __name__ == "__main__":
    main()
