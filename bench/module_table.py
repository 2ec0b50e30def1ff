"""Print a table of every eshoppye module: lines, eshoppye imports out and in.

Usage: python3 bench/module_table.py [ROOT]  (ROOT defaults to the repository holding this script).
Imports are read with ast (module level and function level alike); `from eshoppye.x import y` counts as an
import of eshoppye.x.y when that is a module, else of eshoppye.x.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in modules else prefix
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph(root: Path) -> tuple[dict[str, Path], dict[str, set[str]]]:
    files = sorted((root / "eshoppye").rglob("*.py"))
    paths = {module_name(root, p): p for p in files}
    modules = set(paths)
    return paths, {name: imports_of(path, name, modules) for name, path in paths.items()}


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
