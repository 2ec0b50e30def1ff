"""The import graph of the library: every module imports, no cycle, layers point one way.

The graph is read from the sources with ``ast`` by ``bench/import_graph.py`` (module-level and
function-level imports alike), so a lazy import inside a function counts as much as one at the top
of a file. A package ``__init__`` may import its own submodules (it is their public face); a
submodule must import its siblings directly, never its package ``__init__``, or the graph has a
cycle.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom. A module may import modules of its own layer or of a lower one, never a higher one.
LAYERS = [
    ("entry points", ["eshoppye.cli", "eshoppye.cli_models", "eshoppye.cli_reviews", "eshoppye.__main__"]),
    ("stages", ["eshoppye.train", "eshoppye.evaluate", "eshoppye.predict", "eshoppye.explore",
                "eshoppye.app_state", "eshoppye.app_models", "eshoppye.app_views", "eshoppye.model_views", "eshoppye.batch", "eshoppye.explain"]),
    ("registry", ["eshoppye.registry"]),
    ("storage", ["eshoppye.review"]),
    ("models", ["eshoppye.models"]),
    ("primitives", ["eshoppye.data", "eshoppye.products", "eshoppye.output", "eshoppye.partitions", "eshoppye.cluster",
                    "eshoppye.extra", "eshoppye.devset", "eshoppye.prototypes", "eshoppye.text", "eshoppye.text_static", "eshoppye.image", "eshoppye.categories",
                    "eshoppye.keras_runtime"]),
    ("foundation", ["eshoppye.config", "eshoppye.errors", "eshoppye.fmt", "eshoppye"]),
]


def _load_import_graph():
    """bench/import_graph.py, the one reader of the graph (bench/module_table.py prints it)."""
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "bench" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MODULES, GRAPH = _load_import_graph().graph(ROOT)


def layer_of(module: str) -> int:
    """Index in LAYERS of the longest prefix naming ``module`` (``eshoppye.image.io`` -> primitives)."""
    best = None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            # the root package names only itself: a new top-level module must be placed explicitly
            if module == prefix or (prefix != "eshoppye" and module.startswith(prefix + ".")):
                if best is None or len(prefix) > best[1]:
                    best = (i, len(prefix))
    if best is None:
        raise AssertionError(f"{module}: in no layer of tests/test_architecture.py, add it to LAYERS")
    return best[0]


def test_graph_sees_function_level_imports():
    # cli imports the stages inside its command functions only: the graph must still see them
    assert {"eshoppye.train", "eshoppye.evaluate", "eshoppye.batch"} <= GRAPH["eshoppye.cli"]
    assert "eshoppye.image.efficientnet_lite" in GRAPH["eshoppye.image.features"]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "eshoppye.__main__"))  # __main__ runs the CLI
def test_every_module_imports(module):
    importlib.import_module(module)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_find_cycle_detects_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_layers_point_one_way():
    upward = [f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})"
              for m, targets in GRAPH.items() for t in sorted(targets) if layer_of(t) < layer_of(m)]
    assert not upward, "\n".join(upward)


def test_every_module_opens_with_a_docstring():
    missing = [m for m, p in MODULES.items()
               if p.name != "__main__.py" and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert not missing, f"modules without a docstring: {missing}"


def test_cli_does_not_import_tensorflow():
    code = ("import sys, eshoppye.cli; import eshoppye.models, eshoppye.predict, eshoppye.registry; "
            "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
