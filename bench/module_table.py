"""Print a table of every eshoppye module: lines, eshoppye imports out and in.

Usage: python3 bench/module_table.py [ROOT]  (ROOT defaults to the repository holding this script).
The graph is read by bench/import_graph.py (the reader tests/test_architecture.py uses too): module-level
and function-level imports alike; `from eshoppye.x import y` counts as an import of eshoppye.x.y when that
is a module, else of eshoppye.x.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_graph import graph  # noqa: E402 (beside this script)


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    paths, edges = graph(root)
    incoming = {name: sum(name in out for out in edges.values()) for name in paths}
    print(f"| {'module':32} | {'lines':>5} | {'out':>3} | {'in':>3} |")
    print(f"|{'-' * 34}|{'-' * 7}|{'-' * 5}|{'-' * 5}|")
    for name in sorted(paths):
        lines = len(paths[name].read_text(encoding="utf-8").splitlines())
        print(f"| {name:32} | {lines:5} | {len(edges[name]):3} | {incoming[name]:3} |")


if __name__ == "__main__":
    main()
