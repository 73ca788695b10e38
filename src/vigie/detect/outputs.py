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

    Node attributes: ``group`` (empty when in no group); edge attributes: ``weight`` (sum
    over signals) and ``kinds`` (the signals, ``;``-separated). Written directly rather than
    through networkx (ten times faster on a million edges); networkx and Gephi read it.
    """
    from xml.sax.saxutils import quoteattr

    group = dict(
        zip(
            members.column("account_id").to_pylist(),
            members.column("group_id").to_pylist(),
            strict=True,
        )
    )
    merged: dict[tuple[str, str], list] = {}
    for s, t, k, w in zip(
        edges.column("source").to_pylist(),
        edges.column("target").to_pylist(),
        edges.column("kind").to_pylist(),
        edges.column("weight").to_pylist(),
        strict=True,
    ):
        key = (s, t) if s <= t else (t, s)
        entry = merged.get(key)
        if entry is None:
            merged[key] = [float(w), {k}]
        else:
            entry[0] += float(w)
            entry[1].add(k)
    nodes = sorted({n for key in merged for n in key} | set(group))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">',
        "  <meta><creator>vigie detect</creator></meta>",
        '  <graph defaultedgetype="undirected" mode="static">',
        '    <attributes class="node" mode="static">',
        '      <attribute id="0" title="group" type="string" />',
        "    </attributes>",
        '    <attributes class="edge" mode="static">',
        '      <attribute id="1" title="kinds" type="string" />',
        "    </attributes>",
        "    <nodes>",
    ]
    for node in nodes:
        q = quoteattr(node)
        out.append(
            f"      <node id={q} label={q}><attvalues>"
            f'<attvalue for="0" value={quoteattr(group.get(node) or "")} />'
            "</attvalues></node>"
        )
    out.append("    </nodes>")
    out.append("    <edges>")
    for i, ((s, t), (w, kinds)) in enumerate(sorted(merged.items())):
        out.append(
            f'      <edge id="{i}" source={quoteattr(s)} target={quoteattr(t)} '
            f'weight="{round(w, 6)!r}"><attvalues>'
            f'<attvalue for="1" value={quoteattr(";".join(sorted(kinds)))} />'
            "</attvalues></edge>"
        )
    out.extend(["    </edges>", "  </graph>", "</gexf>"])
    return "\n".join(out) + "\n"


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
