"""Run the configured detectors on a Dataset and write a Findings folder.

Why one entry point: the CLI, the demo and the benchmarks must run exactly the same
pipeline: open DuckDB on the Dataset, run each enabled detector (kept pairs with observed
vs expected counts), add creation-burst support, merge into groups, gather evidence, and
write every table, the GEXF graph, the CSVs and the manifest in one atomic folder write.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.arrays import sorted_unique
from vigie.atomic import check_replaceable
from vigie.detect import (
    cohashtag,
    cohort,
    colink,
    copypasta,
    corepost,
    creation,
    sync,
    textreposts,
)
from vigie.detect.authenticity import annotate as annotate_authenticity
from vigie.detect.coaction import Signal
from vigie.detect.coamplify import detect as detect_co_amplify
from vigie.detect.codomain import detect as detect_co_domain
from vigie.detect.comedia import detect as detect_co_media
from vigie.detect.comention import detect as detect_co_mention
from vigie.detect.config import COACTION_KINDS, load_config, merge_config
from vigie.detect.coobject import detect as detect_co_object
from vigie.detect.corare import detect as detect_co_rare
from vigie.detect.corare import only_new_pairs
from vigie.detect.diagnosis import CROSS_KIND_RULE, diagnose
from vigie.detect.empty import detect_empty
from vigie.detect.engine import Engine, fetch, open_engine, total_rows
from vigie.detect.evidence import collect, group_objects, merged_counts, pair_coactions
from vigie.detect.lockstep import extend as extend_lockstep
from vigie.detect.network import (
    Group,
    all_edges,
    discount_shared_posts,
    find_groups,
    group_of_edges,
    kept_pairs,
    member_table,
    multi_signal_pairs,
    outside_pairs,
)
from vigie.detect.outputs import account_info, gexf_writer, pairs_table, write_with_exports
from vigie.detect.paraphrase import detect as detect_paraphrase
from vigie.errors import VigieError
from vigie.schema import GROUP_OBJECTS_SCHEMA, TS, Dataset, Findings
from vigie.warm import warm_imports

_Runner = Callable[[Engine, dict[str, Any], dict[str, Any]], Signal]

RUNNERS: dict[str, _Runner] = {
    "co_link": colink.detect,
    "co_repost": lambda e, c, g: corepost.detect(e, "co_repost", c, g),
    "co_reply": lambda e, c, g: corepost.detect(e, "co_reply", c, g),
    "co_hashtag": cohashtag.detect,
    "co_mention": detect_co_mention,
    "copypasta": copypasta.detect,
    "sync_activity": sync.detect,
    "co_media": detect_co_media,
    "co_domain": detect_co_domain,
    "co_object": detect_co_object,
    "paraphrase": detect_paraphrase,
    "co_rare": detect_co_rare,
    "co_amplify": detect_co_amplify,
}
assert set(RUNNERS) == set(COACTION_KINDS)

# The Dataset columns each detector reads, so that a mapped column no detector read is
# named in the diagnosis (a detector may also say so itself in ``Signal.reads``).
READS: dict[str, tuple[str, ...]] = {
    "co_link": ("urls",),
    "co_repost": ("repost_of", "quote_of"),
    "co_reply": ("reply_to",),
    "co_hashtag": ("hashtags",),
    "co_mention": ("mentions",),
    "copypasta": ("text",),
    "sync_activity": ("created_at",),
    "co_media": ("media",),
    "co_domain": ("urls",),
    "paraphrase": ("text",),
    "co_rare": ("urls", "hashtags", "media"),
    "co_amplify": ("repost_of",),
}


def resolve_config(config: dict[str, Any] | str | Path | None) -> dict[str, Any]:
    """A full, checked config from overrides (dict), a TOML path, or None (defaults)."""
    if config is None or isinstance(config, str | Path):
        return load_config(config)
    return merge_config(config)


@contextlib.contextmanager
def _steps(progress: bool, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar advanced once per step (no bar when ``progress`` is false).

    With ``VIGIE_DETECT_TIMINGS=1`` each step's wall time goes to stderr (benchmarks read
    it); timings never enter the Findings, which must be byte-reproducible.
    """
    timings = os.environ.get("VIGIE_DETECT_TIMINGS") not in (None, "", "0")
    last: list[Any] = [None, 0.0, 0.0]

    def note(text: str | None) -> None:
        # wall and process CPU (all threads): on a shared machine CPU is the steadier figure
        now, cpu = time.perf_counter(), time.process_time()
        if timings and last[0] is not None:
            print(
                f"[detect] {last[0]}: {now - last[1]:.1f} s (CPU {cpu - last[2]:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
        last[0], last[1], last[2] = text, now, cpu

    if not progress:
        yield note
        note(None)
        return
    from vigie.progress import make_progress

    with make_progress() as prog:
        task = prog.add_task("detect", total=total)
        started = [False]

        def step(text: str) -> None:
            note(text)
            if started[0]:
                prog.advance(task)
            started[0] = True
            prog.update(task, description=text)

        yield step
        note(None)
        prog.advance(task)


def _ts(t: np.ndarray | pa.Array | pa.ChunkedArray) -> pa.Array:
    """Seconds since the epoch (NaN = unknown) as UTC microsecond timestamps."""
    arr = np.asarray(t, dtype=np.float64)
    mask = ~np.isfinite(arr)
    us = np.round(np.where(mask, 0.0, arr) * 1e6).astype(np.int64)
    return pa.array(us, type=pa.int64(), mask=mask).cast(TS)


def _copypasta_thread(
    engine: Engine,
    cfg: dict[str, Any],
    general: dict[str, Any],
    go_on: queue.SimpleQueue[bool] | None,
) -> Signal | None:
    """Copypasta on a cursor of its own (a second connection to the same database: its
    TEMP tables stay its own; the tables it leaves for the evidence, ``raw_copypasta``'s
    included, are plain ones, shared), beside the other detectors.

    ``go_on`` None: all of it runs beside them. Otherwise only its normalisation does; the
    rest (MinHash, LSH, its co-actions) runs on the same cursor once ``go_on`` gives True
    (the others are done: every core, and the memory they freed), and nothing more on
    False (one of them failed: the run is over)."""
    cur = engine.con.cursor()
    try:
        mine = dataclasses.replace(engine, con=cur)
        counts = copypasta.normalise(mine, cfg)
        if go_on is not None and not go_on.get():
            return None
        return copypasta.detect(mine, cfg, general, beside=go_on is None, counts=counts)
    finally:
        cur.close()


def _run_detectors(
    engine: Engine,
    enabled: list[str],
    cfg: dict[str, Any],
    general: dict[str, Any],
    step: Callable[[str], None],
) -> list[Signal]:
    """Every enabled co-action detector's Signal, in ``enabled`` order.

    Why a thread: copypasta is the longest detector, and about half of it is single-threaded
    NumPy (MinHash, LSH); its text normalisation, DuckDB regexes over every text, keeps
    about one core busy too (1M posts: 1.6 s wall, 2.4 s CPU). The other detectors are
    DuckDB queries and NumPy, so they run meanwhile on the main thread, from the start:
    waiting for the normalisation before starting them cost 0.5-1.9 s at 1M posts and
    0.2-0.5 s at 200k (five alternated pairs each, docs/detect-speed.md, seventeenth round).
    Every detector is deterministic on its own: the Findings are the same bytes.

    Above ``general.minhash_beside_max_posts`` posts only copypasta's normalisation (DuckDB,
    in DuckDB's memory) runs beside the others; its MinHash and LSH wait for them to end:
    the signature matrix (256 bytes a distinct text: 1.5 GB for the 6M texts of 10M posts)
    held while co-repost's NumPy stages run made the run's peak (10M posts: 7.4 GiB beside,
    5.0 GiB after). Running the normalisation beside them saves most of its wall time
    (10M posts: 23 s alone after them); DuckDB then gives way to the matrix
    (``duckmem.duckdb_gives_way``).
    """
    done: dict[str, Signal] = {}
    others = [k for k in enabled if k != "copypasta"]
    beside = engine.n_posts <= int(general.get("minhash_beside_max_posts", 0))
    # Spark signs where the texts are: above the threshold, one detector after the other
    spark_after = not beside and getattr(engine, "cluster_texts", None) is not None
    if "copypasta" not in enabled or not others or spark_after:
        for kind in enabled:
            step(f"detecting {kind.replace('_', '-')}")
            done[kind] = RUNNERS[kind](engine, cfg[kind], general)
        return [done[k] for k in enabled]
    go_on: queue.SimpleQueue[bool] | None = None if beside else queue.SimpleQueue()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_copypasta_thread, engine, cfg["copypasta"], general, go_on)
        alongside = "copypasta alongside" if beside else "copypasta's texts alongside"
        try:
            for kind in others:
                if future.done():
                    future.result()  # copypasta failed: raise it now, not after every detector
                step(f"detecting {kind.replace('_', '-')} ({alongside})")
                done[kind] = RUNNERS[kind](engine, cfg[kind], general)
        except BaseException:
            if go_on is not None:
                go_on.put(False)  # the thread stops after its normalisation, signs nothing
            raise
        if go_on is not None:
            go_on.put(True)
        step("detecting copypasta (the rest of it)")
        signal = future.result()
    if signal is None:  # only when told to give up, after a failure raised above
        raise RuntimeError("copypasta gave up without a failure")
    done["copypasta"] = signal
    return [done[k] for k in enabled]


def run_detection(
    dataset_path: str | Path,
    out_path: str | Path,
    config: dict[str, Any] | str | Path | None = None,
    progress: bool = True,
    spark: Any = None,
) -> Findings:
    """Detect coordinated groups in ``dataset_path`` and write Findings to ``out_path``.

    ``config``: overrides as ``{section: {key: value}}``, a TOML file, or None (defaults).
    ``spark``: a ``spark_engine.SparkOptions`` to run the same SQL on Apache Spark.
    """
    cfg = resolve_config(config)
    # before minutes of work: an --out that is a Dataset or the user's own folder is refused
    check_replaceable(Path(out_path), "Findings folder", Findings.KIND)
    if spark is not None:  # imported on use: the default install needs neither Java nor Spark
        from vigie.detect import spark_engine

        dataset = spark_engine.spark_dataset(dataset_path, cfg, spark)
    else:
        dataset = Dataset(Path(dataset_path)).check()
        empty = detect_empty(dataset, Path(out_path), cfg)  # no posts: nothing to run
        if empty is not None:
            return empty
    # pyarrow imports pandas on its first conversion, co-domain imports ural: off the main
    # thread, while the posts load (``vigie.warm``)
    warm_imports("pandas", *(["ural"] if cfg["co_domain"]["enabled"] else []))
    general, graph_cfg = cfg["general"], cfg["graph"]
    enabled = [k for k in COACTION_KINDS if cfg[k]["enabled"]]
    n_steps = 2 + len(enabled) + 1 + 2
    engine: Engine | None = None
    try:
        with _steps(progress, n_steps) as step:
            step("loading posts")
            engine = (
                open_engine(dataset, general)
                if spark is None
                else spark_engine.open_spark_engine(dataset, general, spark)
            )
            # before any detector reads ``p``: retweets known by their "RT @x:" text alone
            read = textreposts.mark(engine, general["text_reposts"])
            engine.reposts_by_text, engine.reposts_by_text_matched = read
            skipped: dict[str, int] = {}
            dropped = total_rows(engine) - engine.n_posts
            if dropped:
                skipped["posts_without_id_or_time"] = int(dropped)
            signals = _run_detectors(engine, enabled, cfg, general, step)
            signals = only_new_pairs(signals)  # co-rare, co-amplify: the pairs no window saw
            step("account-creation bursts")
            found = None  # the bursts, computed once for the cohorts and their support
            if cfg["creation_cohort"]["enabled"] or cfg["creation_burst"]["enabled"]:
                found = creation.bursts(engine, cfg["creation_burst"], general)
            if cfg["creation_cohort"]["enabled"]:  # before the bursts support its pairs
                signals.append(
                    cohort.detect(
                        engine,
                        cfg["creation_cohort"],
                        cfg["creation_burst"],
                        general,
                        signals,
                        kept_pairs(signals),
                        found,
                    )
                )
            if cfg["creation_burst"]["enabled"]:
                linked = kept_pairs(signals)
                signals.append(
                    creation.detect(engine, cfg["creation_burst"], general, linked, found)
                )
            step("grouping accounts (Leiden)")
            edges = all_edges(signals)
            # pairs kept by two or more signals: their co-actions merged once per post
            merged = merged_counts(engine, signals, multi_signal_pairs(edges))
            edges = discount_shared_posts(edges, merged)
            graph_stats: dict[str, Any] = {}
            groups = find_groups(edges, graph_cfg, general["seed"], graph_stats)
            groups = extend_lockstep(engine, groups, graph_cfg, general, graph_stats)
            step("gathering evidence")
            members = member_table(groups)
            ev = collect(engine, signals, members, {g.gid: g.signals for g in groups}, graph_cfg)
            # ties outside groups: their evidence posts (gathered for those pairs only)
            ev["merged"] = pair_coactions(engine, signals, outside_pairs(edges, groups))
            ev["group_objects"] = group_objects(engine, signals, members)
            step("writing findings")
            findings = _write(
                engine,
                dataset,
                Path(out_path),
                cfg,
                signals,
                edges,
                groups,
                members,
                ev,
                skipped,
                graph_stats,
            )
    except Exception as exc:
        # Spark's own failures (a driver too small for what comes back to it) carry the JVM's
        # stack: one line naming the setting to raise instead
        line = spark_engine.failure_line(exc) if spark is not None else None
        if line is None or os.environ.get("VIGIE_DEBUG"):
            raise
        raise VigieError(line) from exc
    finally:
        if engine is not None:
            engine.close()
    return findings


def _write(
    engine: Engine,
    dataset: Dataset,
    out: Path,
    cfg: dict[str, Any],
    signals: list[Signal],
    edges: pa.Table,
    groups: list[Group],
    members: pa.Table,
    ev: dict[str, pa.Table],
    skipped: dict[str, int],
    graph_stats: dict[str, Any],
) -> Findings:
    acc = fetch(engine.con, "SELECT aid, account_id, platform FROM acc ORDER BY aid")
    ids = acc.column("account_id").combine_chunks()
    plats = acc.column("platform").combine_chunks()
    info = account_info(engine)

    def names(aids: pa.Array | pa.ChunkedArray) -> pa.Array:
        return ids.take(pa.array(np.asarray(aids, dtype=np.int64)))

    def on_platform(aids: pa.Array | pa.ChunkedArray) -> pa.Array:
        return plats.take(pa.array(np.asarray(aids, dtype=np.int64)))

    # member activity
    mp = {
        (g, a): n
        for g, a, n in zip(
            ev["member_posts"].column("group_id").to_pylist(),
            ev["member_posts"].column("aid").to_pylist(),
            ev["member_posts"].column("n_posts").to_pylist(),
            strict=True,
        )
    }
    m_aid = np.asarray(members.column("aid"), dtype=np.int64)
    members_out = pa.table(
        {
            "group_id": members.column("group_id"),
            "account_id": names(m_aid),
            "platform": plats.take(pa.array(m_aid)),
            "strength": pa.array(np.round(np.asarray(members.column("strength")), 6)),
            "n_posts": pa.array(
                [
                    mp.get((g, a), 0)
                    for g, a in zip(
                        members.column("group_id").to_pylist(), m_aid.tolist(), strict=True
                    )
                ],
                pa.int64(),
            ),
            "handle": info.column("handle").take(pa.array(m_aid)),
            "account_created_at": info.column("created_at").take(pa.array(m_aid)),
            "followers": info.column("followers").take(pa.array(m_aid)),
        }
    )
    gs = {
        g: (n, f, last)
        for g, n, f, last in zip(
            *(
                ev["group_stats"].column(c).to_pylist()
                for c in ("group_id", "n_posts", "first_t", "last_t")
            ),
            strict=True,
        )
    }
    tops: dict[str, list[tuple[int, str]]] = {}
    for g, obj, n in zip(
        *(ev["top_objects"].column(c).to_pylist() for c in ("group_id", "object", "n_accounts")),
        strict=True,
    ):
        tops.setdefault(g, []).append((-int(n), str(obj)))
    windows = {s.kind: s.stats.get("window_s") for s in signals}
    rows = []
    for gr in groups:
        n_posts, first_t, last_t = gs.get(gr.gid, (0, None, None))
        top = [o for _, o in sorted(tops.get(gr.gid, []))[:10]]
        rows.append(
            {
                "group_id": gr.gid,
                "score": gr.score,
                "n_members": int(gr.members.size),
                "n_posts": int(n_posts),
                "signals": gr.signals,
                "first_seen": first_t,
                "last_seen": last_t,
                "techniques": gr.techniques,
                "top_objects": top,
                "summary": _sentence(gr, int(n_posts), windows),
            }
        )
    groups_out = pa.table(
        {
            "group_id": pa.array([r["group_id"] for r in rows], pa.string()),
            "score": pa.array([r["score"] for r in rows], pa.float64()),
            "n_members": pa.array([r["n_members"] for r in rows], pa.int64()),
            "n_posts": pa.array([r["n_posts"] for r in rows], pa.int64()),
            "signals": pa.array([r["signals"] for r in rows], pa.list_(pa.string())),
            "first_seen": _ts(
                [np.nan if r["first_seen"] is None else r["first_seen"] for r in rows]
            )
            if rows
            else pa.array([], TS),
            "last_seen": _ts([np.nan if r["last_seen"] is None else r["last_seen"] for r in rows])
            if rows
            else pa.array([], TS),
            "techniques": pa.array([r["techniques"] for r in rows], pa.list_(pa.string())),
            "top_objects": pa.array([r["top_objects"] for r in rows], pa.list_(pa.string())),
            "summary": pa.array([r["summary"] for r in rows], pa.string()),
        }
    )
    local = getattr(engine, "authenticity_dataset", None)  # Spark: the members' rows only
    # the authenticity check reads the Dataset on a DuckDB connection of its own and needs
    # nothing computed below: it runs beside the pairs, the objects and the diagnosis (its
    # scans on one core while their NumPy runs on the other) and is joined before writing
    with ThreadPoolExecutor(max_workers=1) as pool:
        authenticity = pool.submit(
            annotate_authenticity,
            local(members_out) if local else dataset,
            groups_out,
            members_out,
            engine.reposts_by_text > 0,
            engine.by_platform,
        )
        edge_groups = group_of_edges(edges, groups)
        edges_out = pa.table(
            {
                "source": names(edges.column("u")),
                "target": names(edges.column("v")),
                "kind": edges.column("kind"),
                "weight": edges.column("weight"),
                "observed": edges.column("observed"),
                "expected": edges.column("expected"),
                "p_value": edges.column("p_value"),
                "group_id": edge_groups,
                "source_platform": on_platform(edges.column("u")),
                "target_platform": on_platform(edges.column("v")),
            }
        )
        e = ev["evidence"]
        evidence_out = pa.table(
            {
                "group_id": e.column("group_id"),
                "kind": e.column("kind"),
                "object": e.column("object"),
                "post_id": e.column("post_id"),
                "account_id": names(e.column("aid")),
                "created_at": _ts(e.column("t")),
                "text": e.column("text"),
                "platform": on_platform(e.column("aid")),
            }
        )
        for s in signals:
            for key in ("objects_over_cap", "actions_over_cap", "texts_too_short"):
                if s.stats.get(key):
                    skipped[f"{s.kind}.{key}"] = int(s.stats[key])
        flagged = int(sorted_unique(m_aid).size)
        pairs_out = pairs_table(
            edges, ev["merged"], groups, ids, info.column("handle").combine_chunks(), plats
        )
        go = ev["group_objects"]
        objects_out = pa.table(
            {
                "group_id": go.column("group_id"),
                "kind": go.column("kind"),
                "object": go.column("object"),
                "n_members": go.column("n_members"),
                "group_posts": go.column("group_posts"),
                "reach_posts": go.column("reach_posts"),
                "reach_accounts": go.column("reach_accounts"),
                "first_seen": _ts(go.column("first_t")),
                "last_seen": _ts(go.column("last_t")),
            },
            schema=GROUP_OBJECTS_SCHEMA,
        )
        diagnosis = diagnose(
            engine, signals, cfg, edges, groups, graph_stats, pairs_out, READS, flagged
        )
        groups_out = authenticity.result()
    manifest = {
        "dataset": str(dataset.path),
        "config": cfg,
        "signals": {s.kind: s.stats for s in signals},
        "skipped": skipped,
        "graph": graph_stats,
        "posts": engine.n_posts,
        "accounts": engine.n_accounts,
        "diagnosis": diagnosis,
        **getattr(engine, "manifest_notes", {}),
        "cross_kind_rule": CROSS_KIND_RULE,
    }
    summary = {
        "groups": len(groups),
        "accounts_flagged": flagged,
        "posts": engine.n_posts,
        "accounts": engine.n_accounts,
        "edges": edges_out.num_rows,
        "signals_kept": {s.kind: s.stats.get("kept", 0) for s in signals},
        "pairs_outside_groups": pairs_out.num_rows,
        "diagnosis": diagnosis["lines"],
        "top_groups": [
            {
                k: r[k]
                for k in ("group_id", "score", "n_members", "signals", "techniques", "summary")
            }
            for r in rows[:10]
        ],
    }
    node_names, node_members = _graph_names(engine, ids, plats, members_out)
    return write_with_exports(
        out,
        groups=groups_out,
        members=members_out,
        edges=edges_out,
        evidence=evidence_out,
        summary=summary,
        manifest=manifest,
        graph=gexf_writer(edges, node_names, node_members),
        more_csv={"pairs.csv": pairs_out, "group_objects.csv": objects_out},
        pairs=pairs_out,
        more_parquet={"group_objects.parquet": objects_out},
    )


def _graph_names(
    engine: Engine, ids: pa.Array, plats: pa.Array, members: pa.Table
) -> tuple[pa.Array, pa.Table]:
    """The GEXF's node names (one per internal account number) and the members keyed by
    them: the account ids, but ``platform:id`` for an id naming accounts of two platforms
    (``Engine.by_platform``). Why: a GEXF node is its id, so two accounts of one id were
    one node (Gephi merges them, with one group); the tables keep the plain id beside
    ``platform``, which a node has no room for."""
    if not engine.by_platform:
        return ids, members
    import pyarrow.compute as pc

    counts = pc.value_counts(ids)
    shared = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if len(shared) == 0:
        return ids, members

    def named(i: pa.Array, p: pa.Array) -> pa.Array:
        both = pc.binary_join_element_wise(p.cast(pa.string()), i.cast(pa.string()), ":")
        return pc.if_else(pc.is_in(i, value_set=shared), both, i)

    m_ids = members.column("account_id").combine_chunks()
    m_plat = members.column("platform").combine_chunks()
    k = members.column_names.index("account_id")
    return named(ids, plats), members.set_column(k, "account_id", named(m_ids, m_plat))


_VERBS = {
    "co_link": "shared the same links",
    "co_repost": "reposted the same posts",
    "co_reply": "replied to the same posts",
    "co_hashtag": "used the same rare hashtags",
    "co_mention": "tagged the same accounts",
    "copypasta": "posted near-identical texts",
    "sync_activity": "posted in the same seconds",
    "creation_burst": "were created in the same burst",
    "creation_cohort": "were created together or just before acting, and acted alike",
    "co_media": "posted the same or near-identical images",
    "co_domain": "linked to the same rare sites or look-alike domains",
    "co_object": "acted on the same objects",
    "paraphrase": "posted the same claims, reworded or translated",
    "co_rare": "touched the same rare links, hashtags or images, days or weeks apart",
    "co_amplify": "reposted the same small accounts, whenever each did",
}


def _sentence(gr: Group, n_posts: int, windows: dict[str, Any]) -> str:
    """One human sentence: who, doing what, how far beyond chance."""
    main = gr.signals[0]
    ks = gr.kind_stats[main]
    window = windows.get(main)
    within = (
        f" within {window:g} s"
        if isinstance(window, int | float) and main not in ("creation_burst", "creation_cohort")
        else ""
    )
    others = [s.replace("_", "-") for s in gr.signals[1:]]
    more = f"; also {', '.join(others)}" if others else ""
    return (
        f"{gr.members.size} accounts {_VERBS.get(main, main)}{within}: "
        f"{int(ks['observed'])} co-actions where chance expects {ks['expected']:.1f}"
        f"{more} ({n_posts} posts)."
    )
