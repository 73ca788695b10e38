"""Evidence: for each group, the objects its members acted on together and example posts.

Why: an analyst (or a platform's trust-and-safety team receiving a report) must be able to
check a finding by reading the posts, not trust a score. For every signal that ties a group,
the objects acted on by at least two members are ranked by how many members acted on them;
the top ones are listed with example posts (earliest first).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from vigie.detect.coaction import Signal
from vigie.detect.engine import Engine, fetch

_EMPTY = {
    "evidence": pa.schema(
        [
            ("group_id", pa.string()),
            ("kind", pa.string()),
            ("object", pa.string()),
            ("post_id", pa.string()),
            ("aid", pa.int32()),
            ("t", pa.float64()),
            ("text", pa.string()),
        ]
    ),
}


def collect(
    engine: Engine,
    signals: list[Signal],
    members: pa.Table,
    group_kinds: dict[str, list[str]],
    graph_cfg: dict[str, Any],
) -> dict[str, pa.Table]:
    """Evidence rows and per-group / per-member activity figures.

    Returns ``evidence`` (group_id, kind, object, post_id, aid, t, text), ``group_stats``
    (group_id, n_posts, first_t, last_t), ``member_posts`` (group_id, aid, n_posts) and
    ``top_objects`` (group_id, kind, object, n_accounts, rank).
    """
    con = engine.con
    con.register("ev_members", members.select(["group_id", "aid"]))
    gk = pa.table(
        {
            "group_id": [g for g, ks in group_kinds.items() for _ in ks],
            "kind": [k for ks in group_kinds.values() for k in ks],
        },
        schema=pa.schema([("group_id", pa.string()), ("kind", pa.string())]),
    )
    con.register("ev_kinds", gk)
    parts = []
    for s in signals:
        if s.act_table is None:
            continue
        parts.append(
            f"""SELECT m.group_id, '{s.kind}' AS kind, x.oid, x.aid, x.t, x.post_id,
                   o.obj AS object
            FROM {s.act_table} x JOIN ev_members m USING (aid)
            JOIN ev_kinds k ON k.group_id = m.group_id AND k.kind = '{s.kind}'
            JOIN {s.obj_table} o USING (oid)"""
        )
    if not parts or members.num_rows == 0:
        con.unregister("ev_members")
        con.unregister("ev_kinds")
        empty = _EMPTY["evidence"].empty_table()
        return {
            "evidence": empty,
            "group_stats": pa.table(
                {
                    "group_id": pa.array([], pa.string()),
                    "n_posts": pa.array([], pa.int64()),
                    "first_t": pa.array([], pa.float64()),
                    "last_t": pa.array([], pa.float64()),
                }
            ),
            "member_posts": pa.table(
                {
                    "group_id": pa.array([], pa.string()),
                    "aid": pa.array([], pa.int32()),
                    "n_posts": pa.array([], pa.int64()),
                }
            ),
            "top_objects": pa.table(
                {
                    "group_id": pa.array([], pa.string()),
                    "kind": pa.array([], pa.string()),
                    "object": pa.array([], pa.string()),
                    "n_accounts": pa.array([], pa.int64()),
                    "rank": pa.array([], pa.int64()),
                }
            ),
        }
    con.execute("CREATE OR REPLACE TEMP TABLE ev_acts AS " + " UNION ALL ".join(parts))
    # objects acted on by at least two members of the group
    con.execute(
        """CREATE OR REPLACE TEMP TABLE ev_objs AS
        SELECT group_id, kind, oid, min(object) AS object,
               count(DISTINCT aid) AS n_accounts, min(t) AS first_t
        FROM ev_acts GROUP BY group_id, kind, oid HAVING count(DISTINCT aid) >= 2"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE ev_shared AS
        SELECT a.* FROM ev_acts a SEMI JOIN ev_objs o
        ON a.group_id = o.group_id AND a.kind = o.kind AND a.oid = o.oid"""
    )
    top = int(graph_cfg["top_objects"])
    ex = int(graph_cfg["example_posts"])
    top_objects = fetch(
        con,
        f"""SELECT group_id, kind, object, n_accounts, rank FROM (
            SELECT *, row_number() OVER (PARTITION BY group_id, kind
                                         ORDER BY n_accounts DESC, first_t, object) AS rank
            FROM ev_objs) WHERE rank <= {top} ORDER BY group_id, kind, rank""",
    )
    evidence = fetch(
        con,
        f"""WITH t AS (
            SELECT group_id, kind, oid FROM (
                SELECT *, row_number() OVER (PARTITION BY group_id, kind
                                             ORDER BY n_accounts DESC, first_t, object) AS rank
                FROM ev_objs) WHERE rank <= {top}),
        e AS (
            SELECT s.*, row_number() OVER (PARTITION BY s.group_id, s.kind, s.oid
                                           ORDER BY s.t, s.post_id) AS rk
            FROM ev_shared s SEMI JOIN t
            ON s.group_id = t.group_id AND s.kind = t.kind AND s.oid = t.oid),
        ex AS (SELECT * FROM e WHERE rk <= {ex}),
        tx AS (SELECT post_id, min(text) AS text FROM pr SEMI JOIN ex USING (post_id)
               GROUP BY post_id)
        SELECT e.group_id, e.kind, e.object, e.post_id, e.aid, e.t, tx.text
        FROM ex e LEFT JOIN tx USING (post_id)
        ORDER BY e.group_id, e.kind, e.object, e.t, e.post_id""",
    )
    group_stats = fetch(
        con,
        """SELECT group_id, count(DISTINCT post_id) AS n_posts, min(t) AS first_t,
                  max(t) AS last_t FROM ev_shared GROUP BY group_id ORDER BY group_id""",
    )
    member_posts = fetch(
        con,
        """SELECT group_id, aid, count(DISTINCT post_id) AS n_posts FROM ev_shared
        GROUP BY group_id, aid ORDER BY group_id, aid""",
    )
    for name in ("ev_acts", "ev_objs", "ev_shared"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.unregister("ev_members")
    con.unregister("ev_kinds")
    return {
        "evidence": evidence,
        "group_stats": group_stats,
        "member_posts": member_posts,
        "top_objects": top_objects,
    }
