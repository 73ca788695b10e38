"""No import circle inside ``vigie.share``, counting imports inside functions too.

Why count lazy imports: a circle hidden in a function still ties two modules together (each
needs the other to work) and breaks as soon as someone moves the import to the top. Only
``if TYPE_CHECKING:`` blocks are left out (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import vigie.share

ROOT = Path(vigie.share.__file__).parent


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def _imports(tree: ast.AST, known: set[str]) -> set[str]:
    out: set[str] = set()
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            out.update(n for n in names if n in known)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        todo.extend(ast.iter_child_nodes(node))
    return out


def share_graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in ROOT.rglob("*.py")}
    known = set(files)
    return {m: _imports(ast.parse(p.read_text("utf-8")), known) - {m} for m, p in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                found.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


def test_the_detector_finds_a_planted_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_import_circle_in_share() -> None:
    graph = share_graph()
    assert "vigie.share.taxii.app" in graph and graph["vigie.share.audit"]
    assert cycles(graph) == []
