"""Weighted F1 of every model on the hand-written dev set (real-looking listings and photos).

    python bench/bench_devset.py [--models models/] [--dev data/dev/dev_set.csv]

Three views, each row a model (``decision`` is the library's final decision, ``decide``):

- ``titles``: every dev row, title + description, no image;
- ``photo rows, text``: the rows with a photo, title + description only (the baseline for fusion);
- ``photo rows, text+photo``: the same rows with their photo (image-effnet sees only the photo);
- ``photo only``: the same rows, photo without any text;
- ``titles, real shares``: the ``titles`` per-class F1 weighted by the class shares of the real
  challenge training set (``categories.TRAIN_COUNT``) instead of the dev set's near-uniform counts,
  a closer stand-in for the official weighted F1 on real data (2583 alone weighs 12 %).

``--per-class`` adds the per-category F1 of the final decision on ``titles``.

A row a model cannot speak for counts as an error (``scores`` in eshoppye.evaluate). Read-only:
the models are loaded and run, nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def predictions(models: dict, frame) -> dict[str, np.ndarray]:
    """Predicted code per model (-1 where it cannot speak) plus the final ``decision``."""
    from eshoppye.predict import decide, model_probas

    probas, _ = model_probas(models, frame)
    out = {}
    for name, p in probas.items():
        ok = ~np.isnan(p).any(axis=1)
        pred = np.full(len(frame), -1, dtype=np.int64)
        pred[ok] = models[name].classes_[p[ok].argmax(axis=1)]
        out[name] = pred
    out["decision"], _, _ = decide(models, probas)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=str(ROOT / "models"))
    ap.add_argument("--dev", default=None, help="dev set CSV (default data/dev/dev_set.csv)")
    ap.add_argument("--per-class", action="store_true", help="per-category F1 of the decision on titles")
    args = ap.parse_args()

    from eshoppye.categories import CODES, TRAIN_COUNT
    from eshoppye.devset import load_devset
    from eshoppye.evaluate import scores
    from eshoppye.predict import load_models

    dev = load_devset(args.dev)
    models = load_models(args.models)
    photo = dev[dev["image_path"] != ""].reset_index(drop=True)
    views = {
        "titles": dev.assign(image_path=""),
        "photo rows, text": photo.assign(image_path=""),
        "photo rows, text+photo": photo,
        "photo only": photo.assign(designation="", description=""),
    }
    table: dict[str, dict[str, str]] = {}
    cover: dict[str, dict[str, str]] = {}
    per_class: dict[str, dict] = {}
    shares = {str(c): TRAIN_COUNT[c] / sum(TRAIN_COUNT.values()) for c in CODES}
    t0 = time.perf_counter()
    for view, frame in views.items():
        y = frame["prdtypecode"].to_numpy()
        for name, pred in predictions(models, frame).items():
            s = scores(y, pred)
            table.setdefault(name, {})[view] = f"{s['weighted_f1']:.3f}"
            cover.setdefault(name, {})[view] = f"{(pred >= 0).mean():.0%}"
            if view == "titles":
                per_class[name] = s["per_class"]
                real = sum(shares[c] * v["f1"] for c, v in s["per_class"].items())
                table[name]["titles, real shares"] = f"{real:.3f}"
                cover[name]["titles, real shares"] = cover[name][view]
    seconds = time.perf_counter() - t0

    n_codes = photo["prdtypecode"].nunique()
    print(f"dev set: {len(dev)} rows, {dev['prdtypecode'].nunique()} categories; "
          f"{len(photo)} rows with a photo in {n_codes} categories ({args.models})")
    print("weighted F1 (share of rows the model could speak for); '-' = model cannot speak\n")
    cols = ["titles", "titles, real shares"] + list(views)[1:]
    print("| model | " + " | ".join(cols) + " |")
    print("| --- |" + " --- |" * len(cols))
    order = sorted(table, key=lambda n: (n == "decision", n))
    for name in order:
        cells = []
        for v in cols:
            cells.append("-" if cover[name].get(v, "0%") == "0%" else f"{table[name][v]} ({cover[name][v]})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.per_class:
        print("\n| category | support | decision F1 (titles) |\n| --- | --- | --- |")
        for c, v in sorted(per_class["decision"].items(), key=lambda kv: kv[1]["f1"]):
            print(f"| {c} | {v['support']} | {v['f1']:.2f} |")
    print(f"\n{seconds:.1f} s for all views")


if __name__ == "__main__":
    main()
