"""Exports beside the Parquet tables: a GEXF graph for Gephi and CSVs for spreadsheets.

Why: analysts explore networks in Gephi and hand tables to colleagues who use Excel; both
files are written inside the Findings folder's atomic write (``write_findings``'s
``extra_files``), so they never disagree with the Parquet tables next to them.
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv


def gexf(edges: pa.Table, members: pa.Table) -> str:
    """The account graph (merged edges, one per pair) as GEXF 1.2 text.

    Node attributes: ``group`` (empty when in no group) and ``platform``; edge attributes:
    ``weight`` (sum over signals) and ``kinds`` (the signals, ``;``-separated).
    """
    import networkx as nx

    g = nx.Graph()
    group = dict(
        zip(
            members.column("account_id").to_pylist(),
            members.column("group_id").to_pylist(),
            strict=True,
        )
    )
    merged: dict[tuple[str, str], tuple[float, set[str]]] = {}
    for s, t, k, w in zip(
        edges.column("source").to_pylist(),
        edges.column("target").to_pylist(),
        edges.column("kind").to_pylist(),
        edges.column("weight").to_pylist(),
        strict=True,
    ):
        key = (s, t) if s <= t else (t, s)
        tot, kinds = merged.get(key, (0.0, set()))
        kinds.add(k)
        merged[key] = (tot + float(w), kinds)
    for node in sorted({n for key in merged for n in key} | set(group)):
        g.add_node(node, label=node, group=group.get(node) or "")
    for (s, t), (w, kinds) in sorted(merged.items()):
        g.add_edge(s, t, weight=round(w, 6), kinds=";".join(sorted(kinds)))
    return "\n".join(nx.generate_gexf(g, prettyprint=True)) + "\n"


def _flat(table: pa.Table) -> pa.Table:
    """Lists joined with ``;`` so that every CSV cell is plain text."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_list(col.type):
            col = pc.binary_join(col, ";")
        cols.append(col)
    return pa.Table.from_arrays(cols, names=table.column_names)


def csv_bytes(table: pa.Table) -> bytes:
    """``table`` as UTF-8 CSV with a header row."""
    buf = io.BytesIO()
    pacsv.write_csv(_flat(table), buf)
    return buf.getvalue()
