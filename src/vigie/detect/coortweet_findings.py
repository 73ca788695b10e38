"""The Findings folder of ``--method coortweet`` and its CLI lines.

Why a module of its own: ``coortweet.py`` is CooRTweet's algorithm, step for step; this one
turns its result (the pairs of shares, the network, the components) into the Findings every
other vigie stage reads (groups, members, edges, evidence, GEXF, CSVs, a manifest saying
``method = coortweet`` and ``chance_control = none``) plus CooRTweet's own two tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from vigie.detect.coortweet import (
    DEFAULTS,
    RESULT_COLUMNS,
    _posts_columns,
    fetch,
    parse_kinds,
    run_coortweet,
)
from vigie.detect.outputs import gexf, write_with_exports
from vigie.errors import VigieError
from vigie.schema import TS, Dataset, Findings

_VERBS = {
    "co_link": "shared the same links",
    "co_hashtag": "used the same hashtags",
    "co_media": "posted the same images",
    "co_repost": "reposted the same posts",
}


def _ts(seconds: list[float | None]) -> pa.Array:
    us = [None if s is None else int(round(s * 1e6)) for s in seconds]
    return pa.array(us, pa.int64()).cast(TS)


def write(
    con: duckdb.DuckDBPyConnection,
    dataset: Dataset,
    out: Path,
    p: dict[str, Any],
    kinds: list[str],
    stacked: bool,
    per_kind: dict[str, dict[str, Any]],
    skipped: dict[str, int],
    network: pa.Table,
    threshold: float | None,
    groups: list[list[str]],
    config: dict[str, Any],
) -> Findings:
    graph_cfg = config.get("graph", {})
    top_n = int(graph_cfg.get("top_objects", 5))
    per_object = int(graph_cfg.get("example_posts", 5))
    gids = [f"g{i:04d}" for i in range(1, len(groups) + 1)]
    rows = [(g, a) for g, members in zip(gids, groups, strict=True) for a in members]
    con.register(
        "gm_arrow",
        pa.table(
            {
                "group_id": pa.array([g for g, _ in rows], pa.string()),
                "account_id": pa.array([a for _, a in rows], pa.string()),
            }
        ),
    )
    con.execute("CREATE TABLE gm AS SELECT * FROM gm_arrow")
    con.register("net", network)
    # detect_groups rows between two members of one group
    con.execute(
        """CREATE TABLE gr AS SELECT g1.group_id, r.* FROM res r
           JOIN gm g1 ON g1.account_id = r.account_id
           JOIN gm g2 ON g2.account_id = r.account_id_y AND g2.group_id = g1.group_id"""
    )
    # strength: weighted degree over the thresholded edges inside the group
    strength = {
        (g, a): s
        for g, a, s in con.execute(
            """WITH inner_edges AS (
                 SELECT a.group_id, n."from" AS u, n."to" AS v, n.weight FROM net n
                 JOIN gm a ON a.account_id = n."from"
                 JOIN gm b ON b.account_id = n."to" AND b.group_id = a.group_id
                 WHERE n.weight_threshold = 1)
               SELECT group_id, x, sum(weight)::DOUBLE FROM (
                 SELECT group_id, u AS x, weight FROM inner_edges
                 UNION ALL SELECT group_id, v, weight FROM inner_edges)
               GROUP BY 1, 2"""
        ).fetchall()
    }
    posts_of = {
        (g, a): int(n)
        for g, a, n in con.execute(
            """SELECT group_id, account_id, count(DISTINCT content_id) FROM (
                 SELECT group_id, account_id, content_id FROM gr
                 UNION ALL SELECT group_id, account_id_y, content_id_y FROM gr) GROUP BY 1, 2"""
        ).fetchall()
    }
    platform_of = _platforms(con, dataset)
    members_out = pa.table(
        {
            "group_id": pa.array([g for g, _ in rows], pa.string()),
            "account_id": pa.array([a for _, a in rows], pa.string()),
            "platform": pa.array([platform_of.get(a) for _, a in rows], pa.string()),
            "strength": pa.array([strength.get(r, 0.0) for r in rows], pa.float64()),
            "n_posts": pa.array([posts_of.get(r, 0) for r in rows], pa.int64()),
        }
    )
    # edges: one row per pair and object kind (all of CooRTweet's edges, subgraph = 0)
    edges_out = fetch(
        con,
        """SELECT least(r.account_id, r.account_id_y) AS source,
                  greatest(r.account_id, r.account_id_y) AS target, kind,
                  count(*)::DOUBLE AS weight, count(*)::BIGINT AS observed,
                  CAST(NULL AS DOUBLE) AS expected, CAST(NULL AS DOUBLE) AS p_value,
                  min(g1.group_id) FILTER (WHERE g1.group_id = g2.group_id) AS group_id
           FROM res r LEFT JOIN gm g1 ON g1.account_id = r.account_id
                      LEFT JOIN gm g2 ON g2.account_id = r.account_id_y
           GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
    )
    edges_out = _with_platforms(edges_out, platform_of, source="source", target="target")
    weights = np.asarray(network.column("weight"), dtype=np.float64)
    group_rows = _group_rows(con, gids, groups, weights, p, threshold)
    evidence_out = _with_platforms(_evidence(con, top_n, per_object), platform_of)
    groups_out = pa.table(
        {
            "group_id": pa.array([r["group_id"] for r in group_rows], pa.string()),
            "score": pa.array([r["score"] for r in group_rows], pa.float64()),
            "n_members": pa.array([r["n_members"] for r in group_rows], pa.int64()),
            "n_posts": pa.array([r["n_posts"] for r in group_rows], pa.int64()),
            "signals": pa.array([r["signals"] for r in group_rows], pa.list_(pa.string())),
            "first_seen": _ts([r["first_seen"] for r in group_rows]),
            "last_seen": _ts([r["last_seen"] for r in group_rows]),
            "techniques": pa.array([r["techniques"] for r in group_rows], pa.list_(pa.string())),
            "top_objects": pa.array([r["top_objects"] for r in group_rows], pa.list_(pa.string())),
            "summary": pa.array([r["summary"] for r in group_rows], pa.string()),
        }
    )
    from vigie.detect import authenticity

    groups_out = authenticity.annotate(dataset, groups_out, members_out)
    result_csv = fetch(
        con,
        f"""SELECT {", ".join(RESULT_COLUMNS)}, kind, timestamp_share, timestamp_share_y
            FROM res ORDER BY kind, least(rn_a, rn_b), greatest(rn_a, rn_b)""",
    )
    n_accounts = int(con.execute("SELECT count(DISTINCT account_id) FROM cp").fetchall()[0][0])
    n_posts = int(con.execute("SELECT count(*) FROM cp").fetchall()[0][0])
    params = {
        "time_window": p["time_window"],
        "min_participation": p["min_participation"],
        "edge_weight": p["edge_weight"],
        "remove_loops": p["remove_loops"],
        "subgraph": 1,
    }
    manifest = {
        "dataset": str(dataset.path),
        "method": "coortweet",
        "chance_control": "none",
        "coortweet": {
            "reproduces": "CooRTweet 2.1.3 detect_groups + generate_coordinated_network",
            "parameters": params,
            "kinds": kinds,
            "stacked": stacked,
            "weight_threshold": threshold,
            "network_edges": network.num_rows,
            "edges_above_threshold": int(np.sum(np.asarray(network.column("weight_threshold")))),
        },
        "config": {"coortweet": params, **({"graph": graph_cfg} if graph_cfg else {})},
        "signals": {
            k: {
                "window_s": p["time_window"],
                "actions": st["rows"],
                "pairs": st["pairs_in_window"],
                "kept": st["coordinated_pairs"],
                **st,
            }
            for k, st in per_kind.items()
        },
        "skipped": skipped,
        "posts": n_posts,
        "accounts": n_accounts,
    }
    if not groups:
        manifest["why_no_group"] = _why_none(per_kind, network.num_rows, threshold)
    summary = {
        "method": "coortweet",
        "groups": len(groups),
        "accounts_flagged": members_out.num_rows,
        "posts": n_posts,
        "accounts": n_accounts,
        "edges": edges_out.num_rows,
        "signals_kept": {k: st["coordinated_pairs"] for k, st in per_kind.items()},
        "top_groups": [
            {k: r[k] for k in ("group_id", "score", "n_members", "signals", "summary")}
            for r in group_rows[:10]
        ],
    }
    return write_with_exports(
        out,
        groups=groups_out,
        members=members_out,
        edges=edges_out,
        evidence=evidence_out,
        summary=summary,
        manifest=manifest,
        graph=_gexf(edges_out, members_out),
        more_csv={"coortweet_detect_groups.csv": result_csv, "coortweet_network.csv": network},
    )


def _gexf(edges_out: pa.Table, members_out: pa.Table) -> str:
    """The network (every edge, kinds merged per pair) as GEXF, for Gephi."""
    src = edges_out.column("source").to_pylist()
    dst = edges_out.column("target").to_pylist()
    names = sorted(set(src) | set(dst))
    index = {n: i for i, n in enumerate(names)}
    internal = pa.table(
        {
            "u": pa.array([index[x] for x in src], pa.int64()),
            "v": pa.array([index[x] for x in dst], pa.int64()),
            "kind": edges_out.column("kind"),
            "weight": edges_out.column("weight"),
        }
    )
    return gexf(internal, pa.array(names, pa.string()), members_out)


def _why_none(per_kind: dict[str, dict[str, Any]], n_edges: int, threshold: float | None) -> str:
    if not any(st["rows"] for st in per_kind.values()):
        return "no post carries an object of the kinds asked for"
    if n_edges == 0:
        return (
            "no two accounts shared one object within the time window "
            "(after min_participation and loop removal)"
        )
    return (
        f"no edge weight is above the edge_weight quantile ({threshold:g}): "
        "every pair co-shared equally often"
    )


def _platforms(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> dict[str, str]:
    """The platform of every account of a co-action (CooRTweet keys accounts by id alone,
    so one id is one account here: its first platform by name, as its member row says)."""
    posts = dataset.posts_path.as_posix()
    if "platform" not in _posts_columns(con, posts):
        return {}
    return dict(
        con.execute(
            f"""SELECT account_id::VARCHAR, min(platform) FROM read_parquet('{posts}')
                WHERE account_id::VARCHAR IN (SELECT account_id FROM res
                                              UNION SELECT account_id_y FROM res)
                GROUP BY 1"""
        ).fetchall()
    )


def _with_platforms(table: pa.Table, platform_of: dict[str, str], **sides: str) -> pa.Table:
    """``table`` with each account column's platform beside it, as vigie's own detection
    writes them (``SIDE_platform`` for the ``sides`` given, else ``platform`` for
    ``account_id``): the report, the workbench and the exports name accounts by them."""
    for name, col in (sides or {"": "account_id"}).items():
        values = [platform_of.get(a) for a in table.column(col).to_pylist()]
        table = table.append_column(
            f"{name}_platform" if name else "platform", pa.array(values, pa.string())
        )
    return table


def _group_rows(
    con: duckdb.DuckDBPyConnection,
    gids: list[str],
    groups: list[list[str]],
    weights: np.ndarray,
    p: dict[str, Any],
    threshold: float | None,
) -> list[dict[str, Any]]:
    """One row per group (a few grouped queries, not a few per group). The score is the
    mean percentile of the group's thresholded edge weights among all of the network's
    edges: CooRTweet has no score; this one ranks groups by how far their ties stand above
    the rest, in [0, 1]."""
    from vigie.disarm.behaviours import SIGNAL_TECHNIQUES

    gw: dict[str, list[float]] = {}
    for g, w in con.execute(
        """SELECT a.group_id, n.weight FROM net n
           JOIN gm a ON a.account_id = n."from"
           JOIN gm b ON b.account_id = n."to" AND b.group_id = a.group_id
           WHERE n.weight_threshold = 1"""
    ).fetchall():
        gw.setdefault(g, []).append(float(w))
    kinds: dict[str, list[str]] = {}
    for g, k, _ in con.execute(
        "SELECT group_id, kind, count(*) AS n FROM gr GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2"
    ).fetchall():
        kinds.setdefault(g, []).append(k)
    stats = {
        r[0]: r[1:]
        for r in con.execute(
            """SELECT group_id, count(DISTINCT c), min(t), max(t), count(*) // 2 FROM (
                 SELECT group_id, content_id AS c, timestamp_share AS t FROM gr
                 UNION ALL SELECT group_id, content_id_y, timestamp_share_y FROM gr)
               GROUP BY 1"""
        ).fetchall()
    }
    tops: dict[str, list[str]] = {}
    for g, o in con.execute(
        """SELECT group_id, object_id FROM (
             SELECT group_id, object_id, row_number() OVER (
                 PARTITION BY group_id ORDER BY count(DISTINCT a) DESC, object_id) AS r
             FROM (SELECT group_id, object_id, account_id AS a FROM gr
                   UNION ALL SELECT group_id, object_id, account_id_y FROM gr)
             GROUP BY 1, 2)
           WHERE r <= 10 ORDER BY group_id, r"""
    ).fetchall():
        tops.setdefault(g, []).append(o)
    ranked = np.sort(weights)
    rows = []
    for gid, members in zip(gids, groups, strict=True):
        w = np.asarray(gw.get(gid, []), dtype=np.float64)
        pct = np.searchsorted(ranked, w, side="right") / max(ranked.size, 1)
        n_posts, first, last, n_pairs = stats.get(gid, (0, None, None, 0))
        signals = kinds.get(gid, [])
        techniques: list[str] = []
        for k in signals:
            techniques.extend(t for t in SIGNAL_TECHNIQUES.get(k, ()) if t not in techniques)
        verb = " and ".join(_VERBS.get(k, k) for k in signals) or "shared the same objects"
        rows.append(
            {
                "group_id": gid,
                "score": round(float(pct.mean()) if pct.size else 0.0, 6),
                "n_members": len(members),
                "n_posts": int(n_posts or 0),
                "signals": signals,
                "first_seen": first,
                "last_seen": last,
                "techniques": techniques,
                "top_objects": tops.get(gid, []),
                "summary": (
                    f"{len(members)} accounts {verb} within {p['time_window']:g} s "
                    f"(CooRTweet: {n_pairs} coordinated shares, edges above the "
                    f"{p['edge_weight']:g} quantile of weights, {threshold:g}; "
                    "no chance control)."
                ),
            }
        )
    return rows


def _evidence(con: duckdb.DuckDBPyConnection, top_n: int, per_object: int) -> pa.Table:
    """The coordinated posts of each group: its ``top_n`` objects per kind (most accounts)
    and up to ``per_object`` posts each, earliest first."""
    return fetch(
        con,
        f"""WITH shares AS (
              SELECT DISTINCT group_id, kind, object_id, content_id AS post_id,
                     account_id, timestamp_share AS t FROM gr
              UNION SELECT group_id, kind, object_id, content_id_y, account_id_y,
                     timestamp_share_y FROM gr),
            ranked AS (
              SELECT group_id, kind, object_id,
                     row_number() OVER (PARTITION BY group_id, kind
                                        ORDER BY count(DISTINCT account_id) DESC, object_id) AS r
              FROM shares GROUP BY 1, 2, 3),
            picked AS (
              SELECT s.*, row_number() OVER (PARTITION BY s.group_id, s.kind, s.object_id
                                             ORDER BY s.t, s.post_id) AS k
              FROM shares s JOIN ranked USING (group_id, kind, object_id) WHERE r <= {top_n})
            SELECT p.group_id, p.kind, p.object_id AS object, p.post_id, p.account_id,
                   make_timestamptz((p.t * 1e6)::BIGINT) AS created_at, cp.text
            FROM picked p LEFT JOIN cp ON cp.post_id = p.post_id
            WHERE k <= {per_object}
            ORDER BY p.group_id, p.kind, p.object_id, p.t, p.post_id""",
    )


def run_cli(
    dataset: Path,
    out: Path,
    config: Path | None,
    method: str,
    window: float | None,
    only: list[str] | None,
    started: float,
) -> None:
    """``vigie detect --method coortweet``: settings from ``[coortweet]`` in ``--config``,
    ``--window`` over them; prints what CooRTweet found and that chance was not controlled."""
    import time

    from vigie.detect.pipeline import resolve_config
    from vigie.progress import console

    if method != "coortweet":
        if method == "vigie":
            raise VigieError("--window and --only apply to --method coortweet only")
        raise VigieError(f"--method must be vigie or coortweet, not {method!r}")
    cfg = resolve_config(config)
    params = dict(cfg.get("coortweet", DEFAULTS))
    if window is not None:
        params["time_window"] = window
    findings = run_coortweet(dataset, out, params, parse_kinds(only), cfg)
    m = findings.manifest()
    ct = m["coortweet"]
    for kind, st in m["signals"].items():
        console.print(
            f"{kind}: {st['rows']} shares -> {st['pairs_in_window']} pairs within "
            f"{st['window_s']:g} s -> {st['coordinated_pairs']} coordinated pairs of shares"
        )
    thr = ct["weight_threshold"]
    console.print(
        f"network: {ct['network_edges']} edges, {ct['edges_above_threshold']} above the "
        f"{ct['parameters']['edge_weight']:g} quantile of weights"
        + (f" ({thr:g})" if thr is not None else "")
    )
    counts = m.get("counts", {})
    why = f" ({m['why_no_group']})" if "why_no_group" in m else ""
    console.print(
        f"[bold green]{counts.get('groups', 0)} groups[/] (connected components), "
        f"{counts.get('members', 0)} members, no chance control{why}; "
        f"{time.perf_counter() - started:.1f} s -> {out}/ "
        "(coortweet_detect_groups.csv, coortweet_network.csv)"
    )
