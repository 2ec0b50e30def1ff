"""The import graph of the ``eshoppye`` package, read from its sources with ``ast``: every module
(file under ``eshoppye/``) and the ``eshoppye`` modules it imports, module-level and
function-level imports alike, so a lazy import inside a function counts as much as one at the top.

``from eshoppye.x import y`` counts as an import of ``eshoppye.x.y`` when that is a module, else of
``eshoppye.x``; a relative import is resolved against the importing module's package. One reader
for both users: ``tests/test_architecture.py`` (no cycle, layers point one way) and
``bench/module_table.py`` (lines, imports out and in, per module).
"""

from __future__ import annotations

import ast
from pathlib import Path


def module_name(root: Path, path: Path) -> str:
    """``root/eshoppye/image/io.py`` -> ``eshoppye.image.io``; a package ``__init__`` names the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, name: str, modules: set[str] | dict[str, Path]) -> set[str]:
    """The modules of ``modules`` that the module ``name`` (source ``path``) imports, itself excepted."""
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
    """({module: source path}, {module: modules it imports}) for every module under ``root/eshoppye``."""
    files = sorted((Path(root) / "eshoppye").rglob("*.py"))
    paths = {module_name(Path(root), p): p for p in files}
    return paths, {name: imports_of(path, name, paths) for name, path in paths.items()}
