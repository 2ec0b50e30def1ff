"""Benchmark the image stage on this machine: EfficientNet-Lite feature extraction speed.

    python bench/bench_image.py [--n 256] [--batch-size 32] [--variant lite0] [--images DIR]

Uses the JPEGs of ``data/sample/images/image_train`` when there are enough of them, otherwise
generates ``--n`` product-like 500x500 JPEGs (white background, drawn objects, texture) in a
temporary folder. Prints a Markdown table: end-to-end extraction throughput (decode +
preprocess + backbone, batch 32), backbone-only throughput, the projected time for the 84,916
training images of the challenge, warm single-image latency p50/p95 and peak RSS.
Nothing is written to the feature cache (images are passed without ids).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eshoppye.image import (  # noqa: E402
    FeatureCache,
    VARIANTS,
    backbone_version,
    image_features,
    load_backbone,
    load_image,
    preprocess,
)

N_TRAIN_IMAGES = 84_916


def make_images(folder: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` product-like 500x500 JPEGs: an object on white with texture and shading."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        img = Image.new("RGB", (500, 500), (255, 255, 255))
        d = ImageDraw.Draw(img)
        for _ in range(int(rng.integers(1, 4))):
            x0, y0 = rng.integers(20, 250, 2)
            x1, y1 = x0 + rng.integers(100, 240), y0 + rng.integers(100, 240)
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            kind = rng.integers(0, 3)
            if kind == 0:
                d.ellipse((x0, y0, x1, y1), fill=colour, outline=(0, 0, 0), width=3)
            elif kind == 1:
                d.rectangle((x0, y0, x1, y1), fill=colour)
            else:
                d.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=colour)
        noise = rng.normal(0, 18, (500, 500, 3))
        arr = np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
        img = Image.fromarray(arr).filter(ImageFilter.GaussianBlur(0.8))
        p = folder / f"image_{i + 1}_product_{i + 1}.jpg"
        img.save(p, "JPEG", quality=85)
        paths.append(str(p))
    return paths


def sample_images(limit: int) -> list[str]:
    folder = ROOT / "data" / "sample" / "images" / "image_train"
    if not folder.is_dir():
        return []
    return sorted(str(p) for p in folder.glob("*.jpg"))[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--variant", default="lite0", choices=sorted(VARIANTS))
    ap.add_argument("--images", type=Path, default=None, help="folder of JPEGs to use instead")
    ap.add_argument("--latency-runs", type=int, default=40)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.images:
            paths = sorted(str(p) for p in args.images.glob("*.jpg"))[: args.n]
            source = str(args.images)
        else:
            paths = sample_images(args.n)
            source = "data/sample/images/image_train"
            if len(paths) < args.n:
                paths = make_images(Path(tmp) / "imgs", args.n)
                source = "generated 500x500 JPEGs"
        n = len(paths)
        size = VARIANTS[args.variant]["size"]

        t0 = time.perf_counter()
        model = load_backbone(args.variant)
        t_load = time.perf_counter() - t0

        cache = FeatureCache(args.variant, root=Path(tmp) / "features")
        warm = cache.extract(paths[: args.batch_size], None, batch_size=args.batch_size, progress=False)
        assert warm.failed == 0

        cache = FeatureCache(args.variant, root=Path(tmp) / "features")  # nothing remembered
        t0 = time.perf_counter()
        res = cache.extract(paths, None, batch_size=args.batch_size, progress=False)
        t_e2e = time.perf_counter() - t0
        assert res.failed == 0 and res.computed == n

        t0 = time.perf_counter()
        batches = [np.stack([preprocess(load_image(p), size) for p in paths[i: i + args.batch_size]])
                   for i in range(0, n, args.batch_size)]
        t_decode = time.perf_counter() - t0
        t0 = time.perf_counter()
        for b in batches:
            model.predict_on_batch(b)
        t_model = time.perf_counter() - t0

        for p in paths[:3]:  # warm the batch-of-one path
            image_features(p, args.variant)
        lat = []
        for i in range(args.latency_runs):
            t0 = time.perf_counter()
            image_features(paths[i % n], args.variant)
            lat.append((time.perf_counter() - t0) * 1000)
        p50, p95 = np.percentile(lat, [50, 95])

    e2e_ips = n / t_e2e
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    projected = N_TRAIN_IMAGES / e2e_ips
    rows = [
        ("backbone", f"{backbone_version(args.variant)}"),
        ("machine", f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"),
        ("images", f"{n} ({source})"),
        ("backbone load (TF import + build + weights)", f"{t_load:.1f} s"),
        (f"extraction end-to-end, batch {args.batch_size}", f"{e2e_ips:.1f} images/s"),
        ("  decode + preprocess only (1 thread)", f"{n / t_decode:.1f} images/s"),
        ("  backbone only", f"{n / t_model:.1f} images/s"),
        (f"projected for {N_TRAIN_IMAGES:,} training images", f"{projected / 60:.1f} min"),
        ("single image latency, warm, p50", f"{p50:.1f} ms"),
        ("single image latency, warm, p95", f"{p95:.1f} ms"),
        ("peak RSS", f"{rss_mb:.0f} MiB"),
    ]
    w = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(w)} | value |")
    print(f"| {'-' * w} | --- |")
    for k, v in rows:
        print(f"| {k.ljust(w)} | {v} |")


if __name__ == "__main__":
    main()
