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


def test_a_new_circle_in_the_real_graph_would_fail() -> None:
    """The check sees the real graph: one import from the database layer back up to the
    store (the kind of edge that used to tie ``audit`` and the TAXII store) is a circle."""
    graph = share_graph()
    graph["vigie.share.db"] = graph["vigie.share.db"] | {"vigie.share.store"}
    assert any("vigie.share.db" in c and "vigie.share.store" in c for c in cycles(graph))


# --- the shared core stays one ----------------------------------------------------------------

TABLES = ("vigie.share.db", "vigie.share.taxii.tables", "vigie.share.import_tables")
VIEWS = "vigie.share.taxii.views"


def _trees() -> dict[str, ast.AST]:
    return {_module(p): ast.parse(p.read_text("utf-8")) for p in ROOT.rglob("*.py")}


def test_views_are_one_module_per_resource_and_nothing_below_imports_them() -> None:
    graph = share_graph()
    views = {m for m in graph if m.startswith(VIEWS + ".")}
    assert {v.rsplit(".", 1)[1] for v in views} >= {
        "discovery",
        "api_root",
        "collections",
        "objects",
        "manifest",
        "versions",
        "status",
    }
    for view in views:  # a view uses the shared helpers, never another view
        assert not (graph[view] & views), (view, graph[view] & views)
    for module, deps in graph.items():
        if module.startswith(VIEWS) or module == "vigie.share.taxii.app":
            continue
        assert not {d for d in deps if d.startswith(VIEWS)}, module  # SQL/policy know no HTTP


def test_tables_import_nothing_above_the_database_layer() -> None:
    graph = share_graph()
    allowed = {*TABLES, "vigie.share.stix_common", "vigie.share.tlp"}
    for module in TABLES:
        assert graph[module] <= allowed, (module, graph[module] - allowed)


def test_one_database_layer_and_one_set_of_stix_helpers() -> None:
    """Only ``vigie.sqldb`` opens databases (no ``sqlite3``, no ``create_engine`` in share),
    and the STIX helpers are defined once, in ``stix_common``."""
    helpers = {"object_tlp", "object_version", "taxii_version", "normalise_timestamp"}
    helpers |= {"stix_time", "as_utc", "utcnow"}
    for module, tree in _trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(a.name != "sqlite3" for a in node.names), module
            elif isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                assert "create_engine" not in names, module
            elif isinstance(node, ast.FunctionDef) and node.name in helpers:
                assert module == "vigie.share.stix_common", (module, node.name)
