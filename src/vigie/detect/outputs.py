"""Exports beside the Parquet tables: a GEXF graph for Gephi and CSVs for spreadsheets.

Why: analysts explore networks in Gephi and hand tables to colleagues who use Excel; both
files are written inside the Findings folder's atomic write (``write_findings``'s
``extra_files``), so they never disagree with the Parquet tables next to them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.arrays import lookup_sorted, sorted_unique

# the GEXF document around the node and edge lists (pyarrow.compute and pyarrow.csv are
# imported on use: an empty Dataset's Findings are written without them, see empty.py)
_GEXF_HEAD = (
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
)
_GEXF_TAIL = ("    </edges>", "  </graph>", "</gexf>")


def empty_gexf() -> str:
    """The GEXF of a graph without nodes (what ``gexf`` writes for no edges)."""
    lines = [*_GEXF_HEAD, "    <nodes>", "    </nodes>", "    <edges>", *_GEXF_TAIL]
    return "\n".join(lines) + "\n"


def _rows_bytes(*parts: pa.Array | str) -> bytes:
    """The rows made by concatenating ``parts`` (string arrays of one length, or constant
    strings) element-wise, as UTF-8 bytes (each part ends its own line where it should).

    Why: one Python f-string per edge was most of the GEXF's cost (a million edges at 10M
    posts); Arrow joins the columns in C++ and the rows already lie end to end in the
    result's data buffer.
    """
    import pyarrow.compute as pc

    big = pa.large_string()
    args = [pa.scalar(x, big) if isinstance(x, str) else x.cast(big) for x in parts]
    rows = pc.binary_join_element_wise(*args, pa.scalar("", big))
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    if len(rows) == 0:
        return b""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset :]
    data = rows.buffers()[2]
    return data.to_pybytes()[int(offsets[0]) : int(offsets[len(rows)])]


def float_repr(values: np.ndarray) -> pa.Array:
    """Python's ``repr`` of each float64, as Arrow strings, without a Python call per value.

    Why: the GEXF has always written weights as Python wrote them (``3.0``, ``1e-05``);
    Arrow's cast writes the same shortest round-trip digits, but ``3`` for ``3.0`` and its
    own exponent thresholds. Whole numbers get their ``.0``; the values Python writes with
    an exponent (below 1e-4 or from 1e16) or Arrow does (any ``e``), and the non-finite
    ones, are few and taken from ``repr`` itself.
    """
    import pyarrow.compute as pc

    vals = np.asarray(values, dtype=np.float64)
    text = pa.array(vals, pa.float64()).cast(pa.string())
    mag = np.abs(vals)
    plain = np.isfinite(vals) & ((mag >= 1e-4) | (mag == 0.0)) & (mag < 1e16)
    plain &= ~np.asarray(pc.match_substring(text, "e").fill_null(True), dtype=bool)
    whole = plain & ~np.asarray(pc.match_substring(text, ".").fill_null(True), dtype=bool)
    text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, ".0", ""), text)
    odd = np.flatnonzero(~plain)
    if odd.size == 0:
        return text
    fixed = pa.array([repr(x) for x in vals[odd].tolist()], pa.string())
    idx = np.arange(vals.size, dtype=np.int64)
    idx[odd] = vals.size + np.arange(odd.size)
    return pa.concat_arrays([text, fixed]).take(pa.array(idx))


# merged edges per slice of the GEXF body: bounds the text held at once (~100 bytes a row)
GEXF_SLICE = 1 << 18


def gexf(edges: pa.Table, names: pa.Array, members: pa.Table) -> str:
    """The account graph (merged edges, one per pair) as GEXF 1.2 text (see ``gexf_chunks``)."""
    return b"".join(gexf_chunks(edges, names, members)).decode("utf-8")


def gexf_writer(edges: pa.Table, names: pa.Array, members: pa.Table) -> Any:
    """A callable writing ``gexf(edges, names, members)`` at the path it is given, slice by
    slice: the whole text of a 10M-post run's graph (~380 MB) is never held at once."""

    def write(path: Any) -> None:
        with open(path, "wb") as fh:
            for chunk in gexf_chunks(edges, names, members):
                fh.write(chunk)

    return write


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""The characters XML 1.0 may not hold at all, not even as a character reference."""


def xml_attr(value: str) -> str:
    """``value`` quoted as an XML attribute, each character XML may not hold written as
    its Python escape (``\\x01``, ``\\ufffe``).

    Why: account ids are whatever a platform or a file held, and one with a control
    character made the whole GEXF file unreadable (Gephi and every XML parser stop at it);
    found by a fuzz of detection on hostile ids. Only such ids change; the others are
    written as before."""
    from xml.sax.saxutils import quoteattr

    if _NOT_XML.search(value):
        value = _NOT_XML.sub(lambda m: repr(m.group(0))[1:-1], value)
    return quoteattr(value)


def gexf_chunks(edges: pa.Table, names: pa.Array, members: pa.Table) -> Iterator[bytes]:
    """The account graph (merged edges, one per pair) as GEXF 1.2, in UTF-8 pieces.

    ``edges`` holds the internal (u, v, kind, weight) rows, ``names`` the account id of each
    internal account number. Node attribute: ``group`` (empty when in no group); edge
    attributes: ``weight`` (sum over signals) and ``kinds`` (the signals, ``;``-separated).
    Pairs are merged with NumPy and the XML rows joined by Arrow (networkx's writer is ten
    times slower on the million edges of a 10M-post run); networkx and Gephi read it.
    """
    u = edges.column("u").to_numpy().astype(np.int64)
    v = edges.column("v").to_numpy().astype(np.int64)
    w = edges.column("weight").to_numpy().astype(np.float64)
    # kinds as codes into their (few) sorted names, each a bit of the pair's kind mask
    kind_enc = edges.column("kind").combine_chunks().dictionary_encode()
    names_k = kind_enc.dictionary.to_pylist()
    kinds = sorted(set(names_k)) if edges.num_rows else []
    bit = {k: 1 << i for i, k in enumerate(kinds)}
    code_bit = np.asarray([bit[k] for k in names_k], dtype=np.int64)
    kb = code_bit[np.asarray(kind_enc.indices, dtype=np.int64)] if edges.num_rows else code_bit
    a, b = np.minimum(u, v), np.maximum(u, v)
    del u, v
    n = int(max(a.max(initial=0), b.max(initial=0))) + 1
    key = a * n + b
    del a, b
    order = np.argsort(key, kind="stable")
    ks = key[order]
    del key
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]]) if ks.size else np.zeros(0, int)
    mw = np.add.reduceat(w[order], starts) if ks.size else np.zeros(0)
    mk = np.bitwise_or.reduceat(kb[order], starts) if ks.size else np.zeros(0, np.int64)
    pa_, pb_ = ks[starts] // n, ks[starts] % n
    del ks, order, starts, w, kb
    group = dict(
        zip(
            members.column("account_id").to_pylist(),
            members.column("group_id").to_pylist(),
            strict=True,
        )
    )
    node_ids = sorted_unique(np.concatenate([pa_, pb_]))
    node_names = names.take(pa.array(node_ids)).to_pylist()
    # per node (few: the accounts in kept pairs), its quoted label, by position in node_ids
    label = pa.array([xml_attr(str(nm)) for nm in node_names], pa.string())
    out = [
        *_GEXF_HEAD,
        "    <nodes>",
    ]
    for nm, i in sorted(zip(node_names, range(len(node_names)), strict=True)):
        q = label[i].as_py()
        out.append(
            f"      <node id={q} label={q}><attvalues>"
            f'<attvalue for="0" value={xml_attr(group.get(nm) or "")} />'
            "</attvalues></node>"
        )
    out.append("    </nodes>")
    out.append("    <edges>")
    yield ("\n".join(out) + "\n").encode("utf-8")
    # per merged edge, its weight as Python's repr (what the f-string wrote) of each
    # distinct value, and its kinds' text per distinct kind mask
    uw, w_inv = np.unique(np.round(mw, 6), return_inverse=True)
    w_text = float_repr(uw)
    # kind masks are small integers (one bit per signal): distinct ones by counting
    present = np.bincount(mk) > 0 if mk.size else np.zeros(0, bool)
    um = np.flatnonzero(present)
    m_inv = (np.cumsum(present) - 1)[mk] if mk.size else np.zeros(0, np.int64)
    k_text = pa.array(
        [xml_attr(";".join(k for k in kinds if m & bit[k])) for m in um.tolist()], pa.string()
    )
    src_pos = np.searchsorted(node_ids, pa_)
    dst_pos = np.searchsorted(node_ids, pb_)
    del pa_, pb_, mw, mk
    for lo in range(0, src_pos.size, GEXF_SLICE):
        hi = min(lo + GEXF_SLICE, src_pos.size)
        yield _rows_bytes(
            '      <edge id="',
            pa.array(np.arange(lo, hi, dtype=np.int64)).cast(pa.string()),
            '" source=',
            label.take(pa.array(src_pos[lo:hi])),
            " target=",
            label.take(pa.array(dst_pos[lo:hi])),
            ' weight="',
            w_text.take(pa.array(w_inv[lo:hi])),
            '"><attvalues><attvalue for="1" value=',
            k_text.take(pa.array(m_inv[lo:hi])),
            " /></attvalues></edge>\n",
        )
    yield ("\n".join(_GEXF_TAIL) + "\n").encode("utf-8")


def _flat(table: pa.Table) -> pa.Table:
    """Lists joined with ``;`` so that every CSV cell is plain text, and every text that
    starts like a spreadsheet formula behind a ``'`` (``vigie.spreadsheet``): the objects,
    handles and texts in these files were typed by the accounts under study."""
    import pyarrow.compute as pc

    from vigie.spreadsheet import guard_table

    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_list(col.type):
            col = pc.binary_join(col, ";")
        cols.append(col)
    return guard_table(pa.Table.from_arrays(cols, names=table.column_names))


def csv_writer(table: pa.Table) -> Any:
    """A callable writing ``table`` as UTF-8 CSV with a header row (lists joined with
    ``;``) at the path it is given, straight from Arrow to the file: the 430 MB of a
    10M-post run's edges.csv are never held in memory."""

    def write(path: Any) -> None:
        import pyarrow.csv as pacsv

        pacsv.write_csv(_flat(table), str(path))

    return write


def parquet_writer(table: pa.Table) -> Any:
    """A callable writing ``table`` as zstd Parquet at the path it is given."""

    def write(path: Any) -> None:
        import pyarrow.parquet as pq

        pq.write_table(table, str(path), compression="zstd")

    return write


def write_with_exports(
    out: Any,
    *,
    groups: pa.Table,
    members: pa.Table,
    edges: pa.Table,
    evidence: pa.Table,
    summary: dict[str, Any],
    manifest: dict[str, Any],
    graph: str | Any,
    more_csv: dict[str, pa.Table],
    pairs: pa.Table | None = None,
    more_parquet: dict[str, pa.Table] | None = None,
) -> Any:
    """``write_findings`` with what every detection method writes beside the tables: the
    GEXF ``graph`` (its text, or a callable writing it, see ``gexf_writer``), CSVs of
    groups, members and edges, and ``more_csv`` (file name: table), all inside the same
    atomic folder write, each file streamed to disk. Returns the Findings. ``more_parquet``
    (file name: table) keeps a table as it is for the commands that read it back: a CSV's
    texts are guarded for spreadsheets, so they are not the values any more.

    Why a thread: edges.csv (430 MB at 10M posts) is Arrow's CSV writer, which runs
    without the GIL; it is written while the GEXF is built and written (2.7 s of CPU
    beside 3.8 s). Every export waits for it before returning, so the folder is complete
    before it replaces the old one, and a failure anywhere is raised after it has ended.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    from vigie.schema import write_findings

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: list[Future] = []

        def beside(writer: Any) -> Any:
            def start(path: Any) -> None:
                pending.append(pool.submit(writer, path))

            return start

        def waited(writer: Any, last: bool = False) -> Any:
            def write(path: Any) -> None:
                try:
                    if isinstance(writer, str):
                        with open(path, "w", encoding="utf-8") as fh:
                            fh.write(writer)
                    else:
                        writer(path)
                except BaseException:  # never leave the folder's removal to a running thread
                    for f in pending:
                        f.exception()
                    raise
                if last:
                    for f in pending:
                        f.result()

            return write

        extra: dict[str, Any] = {
            "edges.csv": beside(csv_writer(edges)),
            "groups.csv": waited(csv_writer(groups)),
            "members.csv": waited(csv_writer(members)),
        }
        extra.update({name: waited(csv_writer(t)) for name, t in more_csv.items()})
        extra.update({name: waited(parquet_writer(t)) for name, t in (more_parquet or {}).items()})
        extra["graph.gexf"] = waited(graph, last=True)
        return write_findings(
            out,
            groups=groups,
            members=members,
            edges=edges,
            evidence=evidence,
            summary=summary,
            manifest=manifest,
            extra_files=extra,
            pairs=pairs,
        )


def account_info(engine: Any) -> pa.Table:
    """(handle, created_at, followers) per internal account number (row = aid).

    Why: an analyst judges an account by who it is (a handle, how old it is, how many
    follow it), not by an opaque id. Null where the Dataset has no ``accounts.parquet`` or
    the field is unknown (a placeholder creation date included).
    """
    from vigie.detect.engine import acc_join, creation_known_sql, fetch
    from vigie.schema import TS

    path = engine.dataset.accounts_path
    cols: set[str] = set()
    if path.exists():
        cols = {
            r[0]
            for r in engine.con.execute(
                f"DESCRIBE SELECT * FROM read_parquet('{path.as_posix()}')"
            ).fetchall()
        }
    if "account_id" not in cols:
        n = int(engine.n_accounts)
        return pa.table(
            {
                "handle": pa.nulls(n, pa.string()),
                "created_at": pa.nulls(n, TS),
                "followers": pa.nulls(n, pa.int64()),
            }
        )

    def pick(name: str, agg: str, typ: str) -> str:
        return f"{agg}({name})::{typ}" if name in cols else f"CAST(NULL AS {typ})"

    # a placeholder creation date (``schema.EARLIEST_CREATION``) is unknown, not the
    # earliest: an account collected twice, once without its date, keeps the real one
    created = (
        f"min(CASE WHEN {creation_known_sql('created_at')} THEN created_at END)::TIMESTAMPTZ"
        if "created_at" in cols
        else "CAST(NULL AS TIMESTAMPTZ)"
    )

    # an account is (platform, id) where some id names two platforms' accounts (``acc``)
    two = engine.by_platform and "platform" in cols
    key = "account_id, platform" if two else "account_id"
    t = fetch(
        engine.con,
        f"""SELECT r.handle, r.created_at, r.followers FROM acc a LEFT JOIN (
            SELECT {key}, {pick("handle", "min", "VARCHAR")} AS handle,
                   {created} AS created_at,
                   {pick("followers", "max", "BIGINT")} AS followers
            FROM read_parquet('{path.as_posix()}') GROUP BY {key}) r {acc_join(two)}
        ORDER BY a.aid""",
    )
    return pa.table(
        {
            "handle": t.column("handle").cast(pa.string()),
            "created_at": t.column("created_at").cast(TS),
            "followers": t.column("followers").cast(pa.int64()),
        }
    )


def pairs_table(
    edges: pa.Table,
    merged: pa.Table,
    groups: list[Any],
    names: pa.Array,
    handles: pa.Array,
    platforms: pa.Array,
) -> pa.Table:
    """Every kept pair that lies inside no single group, strongest first.

    One row per pair, all signals merged: the reported test (``kind``, ``window_s``,
    ``observed``, ``expected``, ``p_value``) is the pair's most significant one; ``kinds``
    lists every signal that kept it; ``n_coactions`` counts its co-actions once per post
    across signals; ``weight`` is its merged edge weight. Ranked by p-value, then weight.
    """
    from vigie.schema import PAIRS_SCHEMA, TS, empty_table

    if edges.num_rows == 0:
        return empty_table(PAIRS_SCHEMA)
    u = edges.column("u").to_numpy().astype(np.int64)
    v = edges.column("v").to_numpy().astype(np.int64)
    a, b = np.minimum(u, v), np.maximum(u, v)
    p = edges.column("p_value").to_numpy().astype(np.float64)
    w = edges.column("weight").to_numpy().astype(np.float64)
    # kinds as codes into their (few) names: a Python string per edge, and a sorted set per
    # pair when only the few pairs outside groups are reported, were most of this function
    kind_enc = edges.column("kind").combine_chunks().dictionary_encode()
    kind_names = np.asarray(kind_enc.dictionary.to_pylist(), dtype=object)
    kinds = np.asarray(kind_enc.indices, dtype=np.int64)
    burst = np.isin(kinds, np.flatnonzero(kind_names == "creation_burst"))
    top = int(b.max()) + 1
    group_of = np.full(top, -1, dtype=np.int64)
    for i, gr in enumerate(groups):
        group_of[gr.members[gr.members < top]] = i
    outside = ~((group_of[a] == group_of[b]) & (group_of[a] >= 0))
    # creation bursts only support co-action ties: a pair tied by nothing else is no tie
    key = a * top + b
    # only the edges of pairs outside every group are sorted (a pair's edges are all outside
    # or all inside): at 10M posts, 3.6M kept edges lie inside groups and a few hundred
    # pairs outside; the stable sort of the rest keeps each pair's order, sums and best test
    sel = np.flatnonzero(outside)
    order = sel[np.lexsort((p[sel], burst[sel], key[sel]))]
    key_s = key[order]
    first = np.r_[True, key_s[1:] != key_s[:-1]] if order.size else np.zeros(0, bool)
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], order.size][: starts.size]
    best = order[starts]
    wsum = np.add.reduceat(w[order], starts) if order.size else np.zeros(0)
    keep = ~burst[best]
    best, wsum = best[keep], wsum[keep]
    kinds_o = kinds[order]
    kind_lists = [
        sorted({kind_names[c] for c in kinds_o[s:e].tolist()})
        for s, e in zip(starts[keep].tolist(), ends[keep].tolist(), strict=True)
    ]
    # merged co-action figures (per pair, once per post)
    mu = merged.column("u").to_numpy().astype(np.int64)
    mv = merged.column("v").to_numpy().astype(np.int64)
    mkey = mu * top + mv
    morder = np.argsort(mkey, kind="stable")
    mkey = mkey[morder]
    hit, pos_c = lookup_sorted(key[best], mkey)
    midx = pa.array(np.where(hit, morder[pos_c] if mkey.size else 0, 0), mask=~hit)

    def mcol(name: str, typ: pa.DataType) -> pa.Array:
        if not mkey.size:
            return pa.nulls(best.size, typ)
        return merged.column(name).take(midx).cast(typ)

    e_first = edges.column("first_t").to_numpy(zero_copy_only=False)
    e_last = edges.column("last_t").to_numpy(zero_copy_only=False)
    m_first = np.asarray(mcol("first_t", pa.float64()).to_numpy(zero_copy_only=False), float)
    m_last = np.asarray(mcol("last_t", pa.float64()).to_numpy(zero_copy_only=False), float)
    first_t = np.where(np.isfinite(m_first), m_first, np.asarray(e_first[best], float))
    last_t = np.where(np.isfinite(m_last), m_last, np.asarray(e_last[best], float))
    rank = np.lexsort((-wsum, p[best]))
    best, wsum, first_t, last_t = best[rank], wsum[rank], first_t[rank], last_t[rank]
    kind_lists = [kind_lists[i] for i in rank.tolist()]
    n_co = mcol("n_coactions", pa.int64()).take(pa.array(rank))
    post_ids = mcol("post_ids", pa.list_(pa.string())).take(pa.array(rank))
    objects = mcol("objects", pa.list_(pa.string())).take(pa.array(rank))
    gids = pa.array([gr.gid for gr in groups] + [None], pa.string())
    ga, gb = group_of[a[best]], group_of[b[best]]
    ba, bb = pa.array(a[best]), pa.array(b[best])

    def ts(x: np.ndarray) -> pa.Array:
        bad = ~np.isfinite(x)
        us = np.round(np.where(bad, 0.0, x) * 1e6).astype(np.int64)
        return pa.array(us, pa.int64(), mask=bad).cast(TS)

    return pa.table(
        {
            "rank": pa.array(np.arange(1, best.size + 1), pa.int64()),
            "account_id_a": names.take(ba),
            "account_id_b": names.take(bb),
            "kinds": pa.array(kind_lists, pa.list_(pa.string())),
            "kind": pa.array(kind_names[kinds[best]].tolist(), pa.string()),
            "window_s": edges.column("window_s").take(pa.array(best)),
            "observed": edges.column("observed").take(pa.array(best)),
            "expected": edges.column("expected").take(pa.array(best)),
            "p_value": edges.column("p_value").take(pa.array(best)),
            "n_coactions": n_co,
            "weight": pa.array(np.round(wsum, 6), pa.float64()),
            "first_seen": ts(first_t),
            "last_seen": ts(last_t),
            "post_ids": post_ids,
            "objects": objects,
            "group_id_a": gids.take(pa.array(np.where(ga >= 0, ga, len(groups)))),
            "group_id_b": gids.take(pa.array(np.where(gb >= 0, gb, len(groups)))),
            "handle_a": handles.take(ba),
            "handle_b": handles.take(bb),
            "platform_a": platforms.take(ba),
            "platform_b": platforms.take(bb),
        },
        schema=PAIRS_SCHEMA,
    )
