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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


VIEW_TITLES = {"titles": "titles", "photo_text": "photo rows, text", "photo_both": "photo rows, text+photo",
               "photo_only": "photo only"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=str(ROOT / "models"))
    ap.add_argument("--dev", default=None, help="dev set CSV (default data/dev/dev_set.csv)")
    ap.add_argument("--per-class", action="store_true", help="per-category F1 of the decision on titles")
    args = ap.parse_args()

    from eshoppye.categories import CODES, TRAIN_COUNT
    from eshoppye.devset import load_devset
    from eshoppye.evaluate import evaluate_dev
    from eshoppye.predict import load_models

    dev = load_devset(args.dev)
    models = load_models(args.models)
    t0 = time.perf_counter()
    result = evaluate_dev(models, dev)  # the library's own dev evaluation, as written to metrics.json
    seconds = time.perf_counter() - t0
    shares = {str(c): TRAIN_COUNT[c] / sum(TRAIN_COUNT.values()) for c in CODES}
    rows = {**result["models"], "decision": result["decision"]}

    print(f"dev set: {result['set']['n_rows']} rows, {dev['prdtypecode'].nunique()} categories; "
          f"{result['set']['n_photos']} rows with a photo ({args.models}; fingerprint {result['set']['fingerprint']})")
    print("weighted F1 (share of rows the model could speak for); '-' = model cannot speak\n")
    cols = ["titles", "titles, real shares"] + list(VIEW_TITLES)[1:]
    print("| model | " + " | ".join(VIEW_TITLES.get(c, c) for c in cols) + " |")
    print("| --- |" + " --- |" * len(cols))
    for name in sorted(rows, key=lambda n: (n == "decision", n)):
        views, cells = rows[name], []
        for c in cols:
            if c == "titles, real shares":
                t = views.get("titles")
                cells.append("-" if not t else
                             f"{sum(shares[k] * f for k, f in t['per_class_f1'].items()):.3f} ({t['coverage']:.0%})")
            else:
                v = views.get(c)
                cells.append("-" if not v else f"{v['weighted_f1']:.3f} ({v['coverage']:.0%})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.per_class:
        support = dev["prdtypecode"].value_counts()
        print("\n| category | support | decision F1 (titles) |\n| --- | --- | --- |")
        for c, f in sorted(result["decision"]["titles"]["per_class_f1"].items(), key=lambda kv: kv[1]):
            print(f"| {c} | {support.get(int(c), 0)} | {f:.2f} |")
    print(f"\n{seconds:.1f} s for all views")


if __name__ == "__main__":
    main()
