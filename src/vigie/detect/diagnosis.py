"""Why a result is what it is: the funnel from candidate pairs to groups, in plain words.

Why: "0 groups" on a real collection leaves an analyst unable to tell a clean dataset from
a misconfigured run. Every run records, per signal, how many pairs co-acted, how many beat
chance and were kept; then how many accounts the kept ties touch, how many survived the
graph's k-core, how many ended in groups and how many are reported only as pairs; which
detectors had nothing to read; and which columns of the Dataset carry data that no
detector read (an image-hash column mapped at ingest but read by nothing says so here).
The CLI, the manifest (``diagnosis``) and the HTML report show the same lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from vigie.schema import EARLIEST_CREATION, NOT_OBJECT_COLUMNS

if TYPE_CHECKING:  # light imports: an empty Dataset's diagnosis starts no engine (empty.py)
    from vigie.detect.coaction import Signal
    from vigie.detect.engine import Engine

CROSS_KIND_RULE = (
    "a pair's co-actions are counted once per post across signals: each co-action "
    "edge's weight is scaled by n_coactions / sum of per-signal observed counts"
)

# Columns that identify or place a post rather than carry an object a detector compares.


def columns_with_data(engine: Engine) -> dict[str, int]:
    """Non-empty values per object-carrying column of posts.parquet (one scan, of the
    columns whose count the Parquet statistics do not already give)."""
    path = engine.dataset.posts_path.as_posix()
    desc = engine.con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    text_cols = [n for n, t, *_ in desc if n not in NOT_OBJECT_COLUMNS and str(t) == "VARCHAR"]
    known = _from_statistics(engine.dataset.posts_path, text_cols)
    exprs, names = [], []
    for name, typ, *_ in desc:
        if name in NOT_OBJECT_COLUMNS or name in known:
            continue
        q = '"' + name.replace('"', '""') + '"'
        if str(typ).endswith("[]"):
            exprs.append(f"count(*) FILTER (len({q}) > 0)")
        elif str(typ).upper() == "VARCHAR":
            exprs.append(f"count(*) FILTER ({q} IS NOT NULL AND {q} <> '')")
        else:
            exprs.append(f"count({q})")
        names.append(name)
    counts = dict(known)
    if exprs:
        row = engine.con.execute(
            f"SELECT {', '.join(exprs)} FROM read_parquet('{path}')"
        ).fetchall()
        counts.update({n: int(c) for n, c in zip(names, row[0], strict=True)})
    return {n: counts[n] for n, *_ in desc if n in counts}


def _from_statistics(path: Any, names: list[str]) -> dict[str, int]:
    """Non-empty values of the string columns ``names`` read from the Parquet footer alone,
    for the columns where it can tell: in every row group, the null count is recorded and
    the column is either all null or its minimum is not the empty string (the empty string
    sorts before every other, so a non-empty minimum, even a truncated one, means there is
    none). Why: the text column is the largest of a Dataset; decoding a million texts only
    to count the non-empty ones cost a third of a second per million posts, every run.
    Other columns, and files the footer cannot answer for, are left to the scan."""
    from pathlib import Path

    if not isinstance(path, Path) or not names:  # a Spark URI: read by Spark only
        return {}
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, ValueError):
        return {}
    index = {meta.schema.column(i).path: i for i in range(meta.num_columns)}
    out: dict[str, int] = {}
    for name in names:
        i = index.get(name)
        if i is None or meta.schema.column(i).physical_type != "BYTE_ARRAY":
            continue
        total = 0
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            st = rg.column(i).statistics
            if st is None or not st.has_null_count:
                break
            if st.null_count == rg.num_rows:
                continue
            if not st.has_min_max or st.min in ("", b""):
                break
            total += rg.num_rows - st.null_count
        else:
            out[name] = total
    return out


def diagnose(
    engine: Engine,
    signals: list[Signal],
    cfg: dict[str, Any],
    edges: pa.Table,
    groups: list[Any],
    graph_stats: dict[str, Any],
    pairs: pa.Table,
    reads: dict[str, tuple[str, ...]],
    accounts_in_groups: int,
) -> dict[str, Any]:
    """The funnel figures and the sentences that explain them."""
    import numpy as np

    from vigie.arrays import dense_ids, sort_runs

    per_signal: dict[str, dict[str, int]] = {}
    no_input: list[str] = []
    read: set[str] = set()
    for s in signals:
        read |= set(reads.get(s.kind, ())) | set(s.reads) | set(s.stats.get("reads", ()))
        if s.kind in ("creation_burst", "creation_cohort"):  # they read the others' input
            continue
        rows = int(s.stats.get("rows", s.stats.get("actions", 0)) or 0)
        per_signal[s.kind] = {
            "input_rows": rows,
            "candidate_pairs": int(s.stats.get("family", s.stats.get("pairs", 0)) or 0),
            "tested": int(s.stats.get("tested", 0) or 0),
            "kept": int(s.stats.get("kept", 0) or 0),
            "weak_core": int(s.stats.get("weak_core", 0) or 0),
        }
        if rows == 0:
            no_input.append(s.kind)
    data = columns_with_data(engine)
    unread = sorted(c for c, n in data.items() if n > 0 and c not in read)
    co = edges.filter(pa.compute.not_equal(edges.column("kind"), "creation_burst"))
    u = co.column("u").to_numpy().astype(np.int64)
    v = co.column("v").to_numpy().astype(np.int64)
    # sorted, not np.unique: NumPy 2's hashing path took 7 s here on the 3.6M kept edges of
    # a 10M-post run; each signal's edges come by (u, v), runs the stable sort merges
    key = np.minimum(u, v) * (int(max(u.max(initial=0), v.max(initial=0))) + 1) + np.maximum(u, v)
    sort_runs(key)
    passed = int(np.count_nonzero(key[1:] != key[:-1]) + 1) if key.size else 0
    tied = int(dense_ids(u, v)[0].size)
    in_pairs = set(pairs.column("account_id_a").to_pylist()) | set(
        pairs.column("account_id_b").to_pylist()
    )
    in_groups_ids: set[int] = set()
    for gr in groups:
        in_groups_ids |= set(gr.members.tolist())
    graph_cfg = cfg["graph"]
    figures = {
        "candidate_pairs": sum(x["candidate_pairs"] for x in per_signal.values()),
        "passed_chance": passed,
        "weak_core": sum(x["weak_core"] for x in per_signal.values()),
        "weak_p": float(cfg["general"]["weak_p"]),
        "weak_min_degree": int(cfg["general"]["weak_min_degree"]),
        "accounts_in_kept_pairs": tied,
        "accounts_in_core": int(graph_stats.get("nodes_in_core", 0)),
        "min_core": int(graph_cfg["min_core"]),
        "min_members": int(graph_cfg["min_members"]),
        "groups": len(groups),
        "accounts_in_groups": int(accounts_in_groups),
        "pairs_outside_groups": int(pairs.num_rows),
        "accounts_in_pairs_outside_groups": len(in_pairs),
        "signals": per_signal,
        "detectors_without_input": no_input,
        "unread_columns": unread,
        "columns_with_data": data,
    }
    if "attached" in graph_stats:  # accounts joined to a core community by their strongest tie
        figures["accounts_attached"] = int(graph_stats["attached"])
    lock = graph_stats.get("lockstep")
    if isinstance(lock, dict) and lock.get("added"):  # joined by the lockstep test (lockstep.py)
        figures["accounts_lockstep"] = int(lock["added"])
    figures["time_resolution"] = time_resolution(engine)
    figures["reposts_by_text"] = int(engine.reposts_by_text)
    figures["reposts_by_text_matched"] = int(engine.reposts_by_text_matched)
    figures["ids_on_several_platforms"] = int(engine.ids_on_several_platforms)
    figures["post_ids_on_several_platforms"] = int(engine.post_ids_on_several_platforms)
    figures["creation_dates_unread"] = int(engine.creation_dates_unread)
    figures["lines"] = _lines(figures)
    return figures


COARSE_SHARE = 0.9
"""The share of posts whose times fall on whole days (or hours) above which the run says so."""
COARSE_MIN_POSTS = 20
"""Below this many posts, whole-hour times are as likely to be chance as a coarse export."""


def time_resolution(engine: Engine) -> dict[str, int]:
    """How many posts carry a time on a whole day (00:00:00 UTC), a whole hour or a whole
    minute.

    Why: a day-only export (a spreadsheet's date column, a CSV read with ``--date-format
    %d/%m/%Y``, yt-dlp's ``upload_date``, YouTube comment times estimated from "3 days ago")
    gives every post of a day the same instant. The windows then cannot order them: every
    co-action of a day is "within 60 s". Chance control counts the same coarse times (on a
    generated election with its times cut to the day, no ordinary account was flagged outside
    groups rated likely authentic), but the analyst must know that the timing evidence is by
    day, not by second. Minutes too: Android's WhatsApp chat export and X's
    information-operations archive (``tweet_time``) give no seconds, so a 60 s window there
    holds posts up to two minutes apart. One scan of the posts' times, already in memory."""
    row = engine.con.execute(
        """SELECT count(*),
                  sum(CASE WHEN t % 86400 = 0 THEN 1 ELSE 0 END),
                  sum(CASE WHEN t % 3600 = 0 THEN 1 ELSE 0 END),
                  sum(CASE WHEN t % 60 = 0 THEN 1 ELSE 0 END)
           FROM p"""
    ).fetchall()[0]
    return {
        "posts": int(row[0] or 0),
        "whole_days": int(row[1] or 0),
        "whole_hours": int(row[2] or 0),
        "whole_minutes": int(row[3] or 0),
    }


def _coarse_line(res: dict[str, int] | None) -> str | None:
    """The sentence saying the posts' times are days, hours or minutes only, when they
    mostly are (the coarsest unit that holds). Findings written before minutes were
    counted have no ``whole_minutes``: nothing is said of minutes there."""
    if not res or res["posts"] < COARSE_MIN_POSTS:
        return None
    for key, unit, span, example in (
        ("whole_days", "day", "a day", "a day-only date column"),
        ("whole_hours", "hour", "an hour", "times rounded to the hour"),
    ):
        share = res[key] / res["posts"]
        if share >= COARSE_SHARE:
            return (
                f"Post times are whole {unit}s for {share:.0%} of posts ({example}): every "
                f"window shorter than {span} sees the posts of one {unit} as simultaneous. "
                "Chance control counts the same coarse times, so kept ties still beat chance, "
                f"but their timing is known to the {unit} only."
            )
    share = res.get("whole_minutes", 0) / res["posts"]
    if share >= COARSE_SHARE:
        return (
            f"Post times are whole minutes for {share:.0%} of posts (a WhatsApp chat or an "
            "archive export without seconds): the posts of one minute share one instant, so "
            "every window reaches up to a minute further than it says (60 s holds posts up "
            "to two minutes apart). Chance control counts the same coarse times, so kept "
            "ties still beat chance, but their timing is known to the minute only."
        )
    return None


def explain(f: dict[str, Any]) -> list[str]:
    """The sentences for funnel figures shaped as ``diagnose`` returns them."""
    return _lines(f)


def _lines(f: dict[str, Any]) -> list[str]:
    """Plain sentences, most important first."""
    out = [
        f"{f['candidate_pairs']:,} account pairs co-acted at least once; "
        f"{f['passed_chance']:,} beat chance (corrected over every co-occurring pair) and are "
        f"kept, touching {f['accounts_in_kept_pairs']:,} accounts."
    ]
    if f.get("weak_core"):
        out[0] = out[0][:-1] + (
            f"; of the kept ties, counted per signal, {f['weak_core']:,} beat chance as a "
            f"cluster rather than alone (weak ties, p <= {f['weak_p']:g} each, lower in "
            "large collections so that chance gives at most general.weak_budget of them, "
            f"knitting accounts each so tied to at least {f['weak_min_degree']} others)."
        )
    if f["passed_chance"]:
        out.append(
            f"{f['accounts_in_core']:,} of those accounts are tied to at least "
            f"{f['min_core']} others (graph.min_core)"
            + (
                f", {f['accounts_attached']:,} more hang on them by their strongest tie "
                "(graph.attach_periphery)"
                if f.get("accounts_attached")
                else ""
            )
            + (
                f", {f['accounts_lockstep']:,} more act on their group's own rare objects "
                "too often for chance (graph.lockstep)"
                if f.get("accounts_lockstep")
                else ""
            )
            + f"; {f['groups']} group(s) of at least "
            f"{f['min_members']} accounts hold {f['accounts_in_groups']:,} accounts."
        )
        if f["pairs_outside_groups"]:
            out.append(
                f"{f['pairs_outside_groups']:,} kept tie(s) lie outside any single group "
                f"({f['accounts_in_pairs_outside_groups']:,} accounts): they are in "
                "pairs.parquet, strongest first, with their evidence posts."
            )
    elif f["candidate_pairs"]:
        out.append(
            "No pair co-acted more often than chance allows: no group can form. Longer "
            "windows (window_s, scales_s) or a looser alpha would test other hypotheses."
        )
    else:
        out.append("No two accounts acted on the same object within any window: nothing to test.")
    if f["groups"] == 0 and f["passed_chance"]:
        if f["accounts_in_core"] < f["min_members"]:
            out.append(
                "No group because the kept ties do not form a web: groups need every member "
                f"tied to {f['min_core']} others (set graph.min_core = 1 and "
                "graph.min_members = 2 to make groups of pairs)."
            )
        else:
            out.append(
                f"No group because no community reached {f['min_members']} members "
                "(graph.min_members) or graph.min_score."
            )
    coarse = _coarse_line(f.get("time_resolution"))
    if coarse:
        out.append(coarse)
    if f.get("reposts_by_text"):
        out.append(
            f"{f['reposts_by_text']:,} posts were read as reposts from their text alone "
            '("RT @author: ...", as TAGS sheets and CSV exports of tweets keep retweets), '
            f"{f.get('reposts_by_text_matched', 0):,} of them matched to the reposted post "
            "in the Dataset (its author's handle and text); the others' text is the object "
            "co-repost compares. Every detector counts them as reposts "
            "(general.text_reposts)."
        )
    if f.get("creation_dates_unread"):
        out.append(
            f"{f['creation_dates_unread']:,} account(s) have a creation date before "
            f"{EARLIEST_CREATION}, the placeholder tools write for a missing date (the Unix "
            "epoch, year 1): creation bursts, creation cohorts and the authenticity "
            "indicators read them as unknown."
        )
    if f.get("ids_on_several_platforms"):
        out.append(
            f"{f['ids_on_several_platforms']:,} account id(s) name accounts of two or more "
            "platforms in this Dataset: detection kept them apart (an account is its platform "
            "and id): read such an id with its platform (members.parquet's platform, "
            "edges' source_platform and target_platform, pairs' platform_a and platform_b, "
            "evidence's platform) before acting on it."
        )
    if f.get("post_ids_on_several_platforms"):
        out.append(
            f"{f['post_ids_on_several_platforms']:,} post id(s) name posts of two or more "
            "platforms in this Dataset (each platform numbers its own): detection read each "
            "post as its platform and id, and what reposts, replies to or quotes it as a post "
            "of the same platform, so evidence and pairs name posts as platform:id."
        )
    if f["detectors_without_input"]:
        out.append(
            "Detectors with no input in this Dataset: "
            + ", ".join(k.replace("_", "-") for k in f["detectors_without_input"])
            + "."
        )
    if f["unread_columns"]:
        out.append(
            "Columns with data that no detector read: "
            + ", ".join(f["unread_columns"])
            + " (their co-actions are not in these findings)."
        )
    return out
