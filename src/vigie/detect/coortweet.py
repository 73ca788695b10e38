"""A CooRTweet-compatible mode: ``vigie detect DATASET --out F --method coortweet``.

Why: published studies of coordinated sharing (Giglietto et al. 2020; Righetti & Balluff
2025) used CooRTweet 2.x. An analyst who wants to reproduce one, or to compare vigie's
chance-controlled method with the field's usual recipe, needs that recipe exactly, on the
same Dataset, with the columns the R package prints. This module re-implements, step by
step, what CooRTweet 2.1.3's R source does (``R/detect_groups.R``,
``R/calc_group_combinations.R``, ``R/generate_coordinated_network.R``,
``R/reshape_tweets.r``, and the multi-modal recipe of its vignette):

``detect_groups(x, time_window = 10, min_participation = 2, remove_loops = TRUE)``
  1. keep only accounts with at least ``min_participation`` rows in ``x`` (any object);
  2. per ``object_id``, every pair of rows (each unordered pair once) whose
     ``timestamp_share`` differ by at most ``time_window`` seconds, inclusive: pairwise,
     not measured from the object's first share;
  3. ``remove_loops``: drop pairs where the object is one of the two contents (an
     original post paired with its own reposts), where both contents are the same, or
     where both shares are by the same account (an account re-sharing one object);
  4. keep accounts whose rows in ``x`` whose ``content_id`` appears in a remaining pair
     number at least ``min_participation``; keep a pair when *either* of its contents
     belongs to such an account (CooRTweet's ``|``). Repeated shares of one object by one
     account therefore count once per share here, although their own pair was removed;
  5. orient each pair so that ``content_id`` is the older share; ``time_delta`` = |dt|.

``generate_coordinated_network(x, edge_weight = 0.5, subgraph = 1)``
  one undirected edge per account pair, ``weight`` = the number of coordinated pairs of
  shares (not of distinct objects), ``avg_time_delta``, ``n_content_id``,
  ``n_content_id_y`` (distinct older / newer contents), ``edge_symmetry_score`` = their
  min / max, and ``weight_threshold`` = 1 when ``weight`` is strictly above the
  ``edge_weight`` quantile of all edge weights (R's default type-7 quantile = NumPy's
  ``linear``). The groups are the connected components of the graph kept by
  ``subgraph = 1`` (edges with ``weight_threshold == 1``), as in the package's papers.

How vigie's Dataset becomes CooRTweet's ``x`` (one object kind at a time, like
``reshape_tweets``/``prep_data``): ``co_link`` = each URL of a post, ``co_hashtag`` = each
hashtag, ``co_media`` = each media hash, ``co_repost`` = the reposted post id, plus the
reposted originals present in the data as rows of their own (object = own id), exactly as
``reshape_tweets(intent = "retweets")`` binds them. Rows are made unique on (object,
account, content, time) and rows with no object are dropped, as the vignette does;
``timestamp_share`` is seconds since the epoch with microseconds kept. Stacked kinds are
detected separately and bound together (``rbindlist``) before the network, with the
vignette's object prefixes (``url_``, ``hashtag_``, ``hash_``, ``tweet_``) so that a
hashtag and a URL spelled alike stay two objects.

No chance control: a pair above the median weight is "coordinated" whatever chance
predicts; see docs/coortweet.md for what that means next to vigie's own method.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from vigie.errors import VigieError
from vigie.schema import Dataset, Findings

if TYPE_CHECKING:  # imported on use: the detection config reads DEFAULTS at every start
    import duckdb
    import numpy as np

# kind -> (posts column holding its objects, object prefix used when kinds are stacked)
KINDS: dict[str, tuple[str, str]] = {
    "co_link": ("urls", "url_"),
    "co_hashtag": ("hashtags", "hashtag_"),
    "co_media": ("media", "hash_"),
    "co_repost": ("repost_of", "tweet_"),
}

DEFAULTS: dict[str, Any] = {
    "time_window": 10.0,  # detect_groups(time_window = 10)
    "min_participation": 2,  # detect_groups(min_participation = 2)
    "edge_weight": 0.5,  # generate_coordinated_network(edge_weight = 0.5)
    "remove_loops": True,  # detect_groups(remove_loops = TRUE)
}

RESULT_COLUMNS = (
    "object_id",
    "content_id",
    "content_id_y",
    "time_delta",
    "account_id",
    "account_id_y",
)
"""detect_groups' columns, in the order the R function returns them."""

NETWORK_COLUMNS = (
    "from",
    "to",
    "weight",
    "avg_time_delta",
    "n_content_id",
    "n_content_id_y",
    "edge_symmetry_score",
    "weight_threshold",
)
"""``igraph::as_data_frame(generate_coordinated_network(result))``'s edge columns."""


def parse_kinds(only: list[str] | str | None) -> list[str]:
    """The object kinds to run (``None`` = all four, stacked), checked and in fixed order."""
    if only is None:
        return list(KINDS)
    items = [only] if isinstance(only, str) else list(only)
    kinds: list[str] = []
    for item in items:
        for k in str(item).split(","):
            k = k.strip().replace("-", "_")
            if not k:
                continue
            if k not in KINDS:
                known = ", ".join(KINDS)
                raise VigieError(f"--only: unknown object kind '{k}' (known: {known})")
            if k not in kinds:
                kinds.append(k)
    if not kinds:
        raise VigieError("--only: no object kind given")
    return [k for k in KINDS if k in kinds]


MAX_TIME_WINDOW_S = 100 * 365.25 * 86_400
"""The widest ``time_window`` taken: a century, beyond any collection."""


def check_params(params: dict[str, Any], source: str = "coortweet") -> dict[str, Any]:
    """CooRTweet's own argument checks, as one-line errors naming the key."""
    p = dict(DEFAULTS)
    p.update({k: v for k, v in params.items() if v is not None})
    for key in ("time_window", "edge_weight"):
        v = p[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise VigieError(f"{source}: '{key}' must be a number, not {v!r}")
    if p["time_window"] < 0:
        raise VigieError(f"{source}: 'time_window' must not be negative ({p['time_window']})")
    if p["time_window"] > MAX_TIME_WINDOW_S:
        # microseconds of 1e308 s overflow (a traceback); no data spans a century anyway
        raise VigieError(
            f"{source}: 'time_window' must be at most {MAX_TIME_WINDOW_S:,.0f} seconds "
            f"(100 years), not {p['time_window']!r}"
        )
    if not 0 <= p["edge_weight"] <= 1:
        raise VigieError(f"{source}: 'edge_weight' must be between 0 and 1 ({p['edge_weight']})")
    mp = p["min_participation"]
    if isinstance(mp, bool) or not isinstance(mp, int) or mp < 0:
        raise VigieError(f"{source}: 'min_participation' must be a whole number >= 0, not {mp!r}")
    if not isinstance(p["remove_loops"], bool):
        raise VigieError(f"{source}: 'remove_loops' must be true or false")
    p["time_window"] = float(p["time_window"])
    p["edge_weight"] = float(p["edge_weight"])
    return p


# --- reshape: vigie posts -> CooRTweet's x ------------------------------------------------


def _posts_columns(con: duckdb.DuckDBPyConnection, posts: str) -> set[str]:
    import duckdb

    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{posts}')").fetchall()
    except duckdb.Error as exc:
        raise VigieError(f"{posts}: cannot be read as Parquet ({exc})") from exc
    return {r[0] for r in rows}


def load_posts(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> dict[str, int]:
    """Table ``cp(post_id, account_id, ts, text, urls, hashtags, media, repost_of)`` of the
    usable posts; returns what was skipped (rows without id, account or time)."""
    posts = dataset.posts_path.as_posix()
    cols = _posts_columns(con, posts)
    missing = [c for c in ("post_id", "account_id", "created_at") if c not in cols]
    if missing:
        raise VigieError(f"{dataset.posts_path}: missing column(s) {', '.join(missing)}")

    def col(name: str, typ: str) -> str:
        return f"{name}" if name in cols else f"CAST(NULL AS {typ}) AS {name}"

    con.execute(
        f"""CREATE TABLE cp AS
        SELECT post_id::VARCHAR AS post_id, account_id::VARCHAR AS account_id,
               epoch_us(created_at::TIMESTAMPTZ) / 1e6 AS ts,
               {col("text", "VARCHAR")}, {col("urls", "VARCHAR[]")},
               {col("hashtags", "VARCHAR[]")}, {col("media", "VARCHAR[]")},
               {col("repost_of", "VARCHAR")}
        FROM read_parquet('{posts}')
        WHERE post_id IS NOT NULL AND account_id IS NOT NULL AND created_at IS NOT NULL"""
    )
    total = con.execute(f"SELECT count(*) FROM read_parquet('{posts}')").fetchall()[0][0]
    kept = con.execute("SELECT count(*) FROM cp").fetchall()[0][0]
    return {"posts_without_id_account_or_time": int(total - kept)} if total > kept else {}


def reshape(con: duckdb.DuckDBPyConnection, kind: str, table: str) -> int:
    """Create ``table(object_id, account_id, content_id, timestamp_share, rn)`` for ``kind``;
    ``rn`` is CooRTweet's row order (time, then content id, then object). Returns rows."""
    column, _ = KINDS[kind]
    if kind == "co_repost":
        # reshape_tweets(intent = "retweets"): the retweets, bound with the retweeted
        # originals found in the data, whose object is their own id
        body = """SELECT repost_of AS object_id, account_id, post_id AS content_id,
                         ts AS timestamp_share
                  FROM cp WHERE repost_of IS NOT NULL AND repost_of <> ''
                  UNION ALL
                  SELECT post_id, account_id, post_id, ts FROM cp
                  WHERE post_id IN (SELECT repost_of FROM cp WHERE repost_of IS NOT NULL)"""
    else:
        body = f"""SELECT o AS object_id, account_id, post_id AS content_id,
                          ts AS timestamp_share
                   FROM (SELECT account_id, post_id, ts, unnest({column}) AS o FROM cp
                         WHERE {column} IS NOT NULL)
                   WHERE o IS NOT NULL AND o <> ''"""
    con.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
        SELECT object_id, account_id, content_id, timestamp_share,
               row_number() OVER (ORDER BY timestamp_share, content_id, object_id) AS rn
        FROM (SELECT DISTINCT * FROM ({body}))"""
    )
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


# --- detect_groups -----------------------------------------------------------------------


def detect_groups(
    con: duckdb.DuckDBPyConnection,
    x: str,
    out: str,
    time_window: float = 10.0,
    min_participation: int = 2,
    remove_loops: bool = True,
) -> dict[str, int]:
    """CooRTweet's ``detect_groups`` on table ``x``; the result goes to table ``out`` with
    ``RESULT_COLUMNS`` plus ``timestamp_share``/``timestamp_share_y`` (older/newer share).
    Returns the row count after each step (for the manifest)."""
    stats: dict[str, int] = {"rows": _count(con, x)}
    # 1. pre-filter: an account must have at least min_participation rows in x
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ct_x AS
        SELECT * FROM {x} WHERE account_id IN (
            SELECT account_id FROM {x} GROUP BY account_id
            HAVING count(*) >= {int(min_participation)})"""
    )
    stats["rows_after_min_participation"] = _count(con, "ct_x")
    # 2. calc_group_combinations: every pair of rows of one object (x row before i row),
    # |t_x - t_i| <= time_window, time_delta = t_x - t_i. Candidates come from equi-joins on
    # (object, time bucket) with the bucket next door, so a popular object spread over days
    # is not compared share by share (the filter below is CooRTweet's, unchanged). Buckets
    # are 2 us wider than the window, on integer microseconds: any pair within the window
    # lies in the same or adjacent buckets, whatever the rounding of the seconds.
    width = int(round(time_window * 1e6)) + 2
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ct_xb AS
        SELECT *, (round(timestamp_share * 1e6)::BIGINT // {width}) AS bk FROM ct_x"""
    )
    pairs = " UNION ALL ".join(
        f"""SELECT a.object_id, a.content_id, b.content_id AS content_id_y,
               a.timestamp_share - b.timestamp_share AS time_delta,
               a.account_id, b.account_id AS account_id_y,
               a.timestamp_share AS ts_a, b.timestamp_share AS ts_b, a.rn AS rn_a, b.rn AS rn_b
        FROM ct_xb a JOIN ct_xb b ON a.object_id = b.object_id AND b.bk = a.bk + ({d})
        WHERE a.rn < b.rn AND abs(a.timestamp_share - b.timestamp_share) <= {time_window}"""
        for d in (-1, 0, 1)
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE ct_r AS {pairs}")
    stats["pairs_in_window"] = _count(con, "ct_r")
    # 3. do_remove_loops
    if remove_loops:
        con.execute(
            """DELETE FROM ct_r WHERE object_id = content_id OR object_id = content_id_y
               OR content_id = content_id_y OR account_id = account_id_y"""
        )
        stats["pairs_after_remove_loops"] = _count(con, "ct_r")
    # 4. filter_min_participation: accounts with >= min_participation rows of x whose
    # content is in the result; keep a pair when either content belongs to one of them
    if min_participation >= 1:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE ct_keep AS
            WITH ids AS (SELECT content_id AS c FROM ct_r UNION SELECT content_id_y FROM ct_r),
                 rows AS (SELECT account_id, content_id FROM ct_x WHERE content_id IN
                          (SELECT c FROM ids)),
                 ok AS (SELECT account_id FROM rows GROUP BY account_id
                        HAVING count(*) >= {int(min_participation)})
            SELECT DISTINCT content_id FROM rows WHERE account_id IN (SELECT account_id FROM ok)"""
        )
        con.execute(
            """DELETE FROM ct_r WHERE content_id NOT IN (SELECT content_id FROM ct_keep)
               AND content_id_y NOT IN (SELECT content_id FROM ct_keep)"""
        )
        stats["pairs_after_min_participation"] = _count(con, "ct_r")
    # 5. the older share first; time_delta as an absolute value
    con.execute(
        f"""CREATE OR REPLACE TABLE {out} AS
        SELECT object_id,
               CASE WHEN time_delta > 0 THEN content_id_y ELSE content_id END AS content_id,
               CASE WHEN time_delta > 0 THEN content_id ELSE content_id_y END AS content_id_y,
               abs(time_delta) AS time_delta,
               CASE WHEN time_delta > 0 THEN account_id_y ELSE account_id END AS account_id,
               CASE WHEN time_delta > 0 THEN account_id ELSE account_id_y END AS account_id_y,
               CASE WHEN time_delta > 0 THEN ts_b ELSE ts_a END AS timestamp_share,
               CASE WHEN time_delta > 0 THEN ts_a ELSE ts_b END AS timestamp_share_y,
               rn_a, rn_b
        FROM ct_r"""
    )
    stats["coordinated_pairs"] = _count(con, out)
    return stats


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


# --- generate_coordinated_network ----------------------------------------------------------


def quantile_type7(values: np.ndarray, p: float) -> float:
    """R's ``quantile(x, p)`` (type 7, the default): linear between order statistics."""
    import numpy as np

    return float(np.quantile(np.asarray(values, dtype=np.float64), p, method="linear"))


def coordinated_network(
    con: duckdb.DuckDBPyConnection, result: str, edge_weight: float = 0.5
) -> tuple[pa.Table, float | None]:
    """CooRTweet's ``generate_coordinated_network`` (``subgraph = 0``) as an edge table with
    ``NETWORK_COLUMNS``; ``from`` < ``to`` (byte order: R's ``pmin`` follows the locale).
    Returns the edges (sorted) and the weight threshold (None when there is no edge)."""
    import numpy as np

    edges = fetch(
        con,
        f"""SELECT least(account_id, account_id_y) AS "from",
                   greatest(account_id, account_id_y) AS "to",
                   count(*)::BIGINT AS weight, avg(time_delta) AS avg_time_delta,
                   count(DISTINCT content_id)::BIGINT AS n_content_id,
                   count(DISTINCT content_id_y)::BIGINT AS n_content_id_y
            FROM {result} GROUP BY 1, 2 ORDER BY 1, 2""",
    )
    n1 = np.asarray(edges.column("n_content_id"), dtype=np.float64)
    n2 = np.asarray(edges.column("n_content_id_y"), dtype=np.float64)
    sym = np.minimum(n1, n2) / np.maximum(n1, n2) if n1.size else np.zeros(0)
    w = np.asarray(edges.column("weight"), dtype=np.float64)
    threshold = quantile_type7(w, edge_weight) if w.size else None
    flag = (w > threshold).astype(np.int64) if threshold is not None else np.zeros(0, np.int64)
    edges = edges.append_column("edge_symmetry_score", pa.array(sym, pa.float64()))
    edges = edges.append_column("weight_threshold", pa.array(flag, pa.int64()))
    return edges.select(list(NETWORK_COLUMNS)), threshold


def fetch(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> pa.Table:
    """Rows of ``query`` as Arrow (DuckDB 1.x and 2.x name the method differently)."""
    rel = con.sql(query, params=params) if params else con.sql(query)
    method = getattr(rel, "to_arrow_table", None) or rel.arrow
    return method()


def components(edges: pa.Table) -> list[list[str]]:
    """Connected components of the edges with ``weight_threshold == 1`` (``subgraph = 1``),
    each a sorted list of accounts, largest first (ties: more weight, then first account)."""
    import igraph as ig
    import numpy as np

    keep = np.asarray(edges.column("weight_threshold"), dtype=np.int64) == 1
    a = np.asarray(edges.column("from").to_pylist(), dtype=object)[keep]
    b = np.asarray(edges.column("to").to_pylist(), dtype=object)[keep]
    w = np.asarray(edges.column("weight"), dtype=np.float64)[keep]
    if a.size == 0:
        return []
    names = sorted(set(a.tolist()) | set(b.tolist()))
    index = {n: i for i, n in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(index[x], index[y]) for x, y in zip(a, b, strict=True)])
    memb = np.asarray(g.connected_components().membership, dtype=np.int64)
    node_w = np.zeros(len(names))
    np.add.at(node_w, [index[x] for x in a], w)
    comps: dict[int, list[str]] = {}
    for n, c in zip(names, memb.tolist(), strict=True):
        comps.setdefault(c, []).append(n)
    weight = {c: float(node_w[memb == c].sum()) for c in comps}
    order = sorted(comps, key=lambda c: (-len(comps[c]), -weight[c], comps[c][0]))
    return [comps[c] for c in order]


# --- the whole run -------------------------------------------------------------------------


def run_coortweet(
    dataset_path: str | Path,
    out_path: str | Path,
    params: dict[str, Any] | None = None,
    kinds: list[str] | None = None,
    config: dict[str, Any] | None = None,
) -> Findings:
    """CooRTweet on ``dataset_path``: the usual Findings folder (groups = connected
    components of the thresholded network) plus ``coortweet_detect_groups.csv`` and
    ``coortweet_network.csv`` in CooRTweet's own columns. ``config`` is vigie's full
    detect config (its ``graph`` section sizes the evidence, ``general`` caps DuckDB's
    memory and threads as for vigie's own method)."""
    import os
    import tempfile

    p = check_params(params or {})
    kinds = kinds or list(KINDS)
    dataset = Dataset(Path(dataset_path)).check()
    stacked = len(kinds) > 1
    general = (config or {}).get("general", {})
    tmp = tempfile.TemporaryDirectory(prefix="vigie-coortweet-")
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        threads = int(general.get("threads") or 0) or (os.cpu_count() or 1)
        con.execute(f"SET threads = {threads}")
        con.execute(f"SET memory_limit = '{general.get('memory_limit', '3GB')}'")
        con.execute(f"SET temp_directory = '{Path(tmp.name).as_posix()}'")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        skipped = load_posts(con, dataset)
        per_kind: dict[str, dict[str, Any]] = {}
        parts = []
        for k in kinds:
            n = reshape(con, k, f"x_{k}")
            st = detect_groups(
                con,
                f"x_{k}",
                f"r_{k}",
                p["time_window"],
                p["min_participation"],
                p["remove_loops"],
            )
            st["rows"] = n
            per_kind[k] = st
            prefix = KINDS[k][1] if stacked else ""
            parts.append(
                f"SELECT '{prefix}' || object_id AS object_id, * EXCLUDE (object_id), "
                f"'{k}' AS kind FROM r_{k}"
            )
        con.execute(f"CREATE TABLE res AS {' UNION ALL '.join(parts)}")
        network, threshold = coordinated_network(con, "res", p["edge_weight"])
        groups = components(network)
        from vigie.detect.coortweet_findings import write

        return write(
            con,
            dataset,
            Path(out_path),
            p,
            kinds,
            stacked,
            per_kind,
            skipped,
            network,
            threshold,
            groups,
            config or {},
        )
    finally:
        con.close()
        tmp.cleanup()
