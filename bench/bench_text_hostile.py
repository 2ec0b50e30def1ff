"""Time of the text cleaning steps on adversarial markup (issue 11, item 13): must grow linearly.

    python3 bench/bench_text_hostile.py            # sizes 20 KB, 100 KB, 400 KB, 1 MB
    python3 bench/bench_text_hostile.py --old PATH # also time another text.py (e.g. git show main:eshoppye/text.py)

Each cell is the best of 3 runs of strip_html + clean_description + encoder_text on the text.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PATTERNS = ["<script ", "<a ", "<!--", "<b>x</b>", "&amp;", "<style", "<<>", "plain words "]
SIZES = [20_000, 100_000, 400_000, 1_000_000]


def load(path: str | None):
    if path is None:
        import eshoppye.text as mod

        return mod
    spec = importlib.util.spec_from_file_location("text_under_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seconds(mod, text: str, limit: float) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        mod.strip_html(text), mod.clean_description(text), mod.encoder_text(text, text)
        best = min(best, time.perf_counter() - t)
        if best > limit:
            break
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", default=None, help="another text.py to compare with")
    ap.add_argument("--limit", type=float, default=20.0, help="stop a pattern once a size takes longer")
    args = ap.parse_args()
    mods = [("actuel", load(None))] + ([("ancien", load(args.old))] if args.old else [])
    print("| version | motif | " + " | ".join(f"{s // 1000} Ko" for s in SIZES) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in SIZES) + " |")
    for label, mod in mods:
        for pat in PATTERNS:
            cells, skip = [], False
            for size in SIZES:
                if skip:
                    cells.append("-")
                    continue
                s = seconds(mod, pat * (size // len(pat)), args.limit)
                cells.append(f"{s:.3f} s")
                skip = s > args.limit
            print(f"| {label} | `{pat.strip() or pat!r}` | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
