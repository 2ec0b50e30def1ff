"""End-to-end prediction benchmark: one product through every loaded model, and batches.

    python bench/bench_predict.py [--models models/] [--data data/sample] [--n 60]

Prints the encoder of every text-embed / fusion-concat model, then single-product latency
p50/p95 (title + image, title only) with every model and with the final decision's models alone
(``fusion-late`` and its bases, when present), batch throughput of ``predict_frame`` with and
without images, and the peak resident memory (products one at a time, as in the app; then
with the batches). Warm: models loaded, one warm-up call. Each
product is new to the models: the embedding memo is cleared and every call runs inside
``uncached_features()`` (the image feature cache is keyed by the picture's bytes, so an image id
of 0 alone would not keep a cached feature from being served).
"""

from __future__ import annotations

import argparse
import contextlib
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


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def fresh_features():
    """A context in which no image feature comes from a cache (``uncached_features``; for a
    checkout that predates it, the process-wide cache is emptied instead)."""
    try:
        from eshoppye.image.features import uncached_features

        return uncached_features()
    except ImportError:  # older checkout: forget what the feature cache holds
        from eshoppye.image.features import feature_cache

        cache = feature_cache()
        cache._index, cache._recent = {}, type(cache._recent)()
        return contextlib.nullcontext()


def decision_models(models: dict) -> dict:
    """The models the final decision needs: fusion-late and its bases when fusion-late is there,
    else every model."""
    late = models.get("fusion-late")
    if late is None:
        return models
    names = {"fusion-late", *late.params.get("bases", [])}
    return {n: m for n, m in models.items() if n in names}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=str(ROOT / "models"))
    ap.add_argument("--data", default=str(ROOT / "data" / "sample"))
    ap.add_argument("--n", type=int, default=60)
    args = ap.parse_args()

    from eshoppye.data import load_dataset, split_dataset
    from eshoppye.models.embeddings import clear_memo
    from eshoppye.predict import classify_product, load_models, predict_frame

    load_start = os.getloadavg()[0]
    t = time.perf_counter()
    models = load_models(args.models)
    load_s = time.perf_counter() - t
    rss_loaded = current_rss_mb()
    for m in models.values():  # no per-batch progress bar of the image model in the tables
        if "progress" in m.params:
            m.params["progress"] = False
    ds = load_dataset(args.data)
    test = ds.frame.iloc[split_dataset(ds.labels)["test"]]
    rows = test[test["image_path"] != ""].iloc[: args.n]
    images = [Path(p).read_bytes() for p in rows["image_path"]]
    decision = decision_models(models)

    def timed(chosen: dict, with_image: bool) -> list[float]:
        with fresh_features():  # warm-up
            classify_product(chosen, rows.iloc[0]["designation"], rows.iloc[0]["description"], images[0])
        out = []
        for (_, r), img in zip(rows.iterrows(), images):
            clear_memo()
            with fresh_features():
                t0 = time.perf_counter()
                classify_product(chosen, r["designation"], r["description"], img if with_image else None)
                out.append((time.perf_counter() - t0) * 1000)
        return out

    def throughput(chosen: dict, batch) -> float:
        predict_frame(chosen, batch.iloc[:20])  # warm-up
        clear_memo()
        with fresh_features():
            t0 = time.perf_counter()
            predict_frame(chosen, batch)
            return len(batch) / (time.perf_counter() - t0)

    lat = {(who, img): timed(chosen, img) for who, chosen in (("tous", models), ("décision", decision))
           for img in (True, False)}
    peak_single = rss_mb()  # the app's use: products one at a time, with and without a picture
    batch = test.iloc[:1000].assign(imageid=0)
    thr_img = throughput(models, batch)
    thr_text = throughput(models, batch.assign(image_path=""))
    thr_text_decision = throughput(decision, batch.assign(image_path=""))

    print(f"machine: {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f} (début {load_start:.1f}); "
          f"modèles ({args.models}): {', '.join(sorted(models))}")
    for name, m in sorted(models.items()):
        if "encoder" in m.params:
            print(f"  {name}: encodeur {m.params['encoder']}")
    print(f"décision finale: {', '.join(sorted(decision))}")
    print(f"chargement des modèles: {load_s:.1f} s (mémoire après chargement: {rss_loaded:.0f} Mo)\n")
    print("| mesure | tous les modèles | modèles de la décision seuls |\n| --- | --- | --- |")
    for label, img in (("titre + image", True), ("titre seul", False)):
        for q in (50, 95):
            print(f"| 1 produit {label}, p{q} | {np.percentile(lat[('tous', img)], q):.1f} ms "
                  f"| {np.percentile(lat[('décision', img)], q):.1f} ms |")
    print(f"| lot de {len(batch)} produits, images comprises | {thr_img:.0f} produits/s | - |")
    print(f"| lot de {len(batch)} produits, sans images | {thr_text:.0f} produits/s "
          f"| {thr_text_decision:.0f} produits/s |")
    print(f"| mémoire maximale, produits un par un (usage de l'app) | {peak_single:.0f} Mo | - |")
    print(f"| mémoire maximale, lots compris (pic RSS du processus) | {rss_mb():.0f} Mo | - |")


if __name__ == "__main__":
    main()
