"""``vigie detect`` on a Dataset without posts: empty Findings without starting the engine.

Why: a collection that came back empty (a filter too strict, a date range with nothing in
it) should answer at once, not after importing DuckDB, NumPy's graph stack and igraph and
running a hundred queries on nothing (1.5 s, most of it start-up). When posts.parquet holds
no row, every detector has no input, so the Findings are known in advance: the same empty
tables, CSV headers and graph as the full pipeline writes, and a manifest whose signals
carry the engine's figures (all zero) and whose diagnosis says that no detector had input.
Anything else (rows present, a co-object or paraphrase detector to check, a required column
missing) goes through the full pipeline, which reports it as usual.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigie.detect.config import COACTION_KINDS
from vigie.detect.scales import ring_figures, time_scales
from vigie.schema import NOT_OBJECT_COLUMNS, Dataset, Findings

# the columns every co-action detector reads from posts (as pipeline.READS, where it counts)
_REQUIRED = ("post_id", "account_id", "created_at")


def _posts_meta(dataset: Dataset) -> tuple[int, list[str]] | None:
    """(rows, column names) of posts.parquet from its footer, or None when unreadable."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(dataset.posts_path).metadata
    except Exception:  # noqa: BLE001 - the full pipeline words the error
        return None
    return int(meta.num_rows), list(meta.schema.to_arrow_schema().names)


def _window(kind: str, c: dict[str, Any]) -> float:
    if c["window_s"] == "auto":  # what the engine's estimate gives on no data
        return 2.0 if kind == "sync_activity" else 60.0
    return max(float(c["window_s"]), 1e-3)


def _stats(kind: str, c: dict[str, Any]) -> dict[str, Any]:
    """The co-action engine's figures for a detector that read nothing."""
    window = _window(kind, c)
    scales = time_scales(c, window)
    stats = {
        "window_s": round(window, 3),
        "window_auto": c["window_s"] == "auto",
        "scales": [
            {"window_s": round(w, 3), "max_object_actions": m, "pairs": 0, "tested": 0, "kept": 0}
            for w, m in scales
        ],
        "rows": 0,
        "actions": 0,
        "accounts": 0,
        "objects": 0,
        "objects_over_cap": 0,
        "actions_over_cap": 0,
        "pairs": 0,
        "family": 0,
        "families": len(scales),
        "tested": 0,
        "kept": 0,
        "weak_core": 0,
        "observed_kept": 0,
        "expected_kept": 0.0,
    }
    if stats["scales"]:  # as run_coaction counts the weak ties of its own window
        stats["scales"][0]["weak_core"] = 0
        stats["scales"][0]["weak_p"] = 0.0
    ring = ring_figures(c) if kind == "co_repost" else None
    if ring is not None:  # as corepost._merge adds the ring test's family
        stats["scales"].append(ring)
        stats["ring"] = ring
        stats["families"] += 1
    return stats


def _csv(names: list[str] | tuple[str, ...]) -> bytes:
    return (",".join(f'"{n}"' for n in names) + "\n").encode()


def detect_empty(dataset: Dataset, out: Path, cfg: dict[str, Any]) -> Findings | None:
    """Write the Findings of a Dataset without posts and return them; None (write nothing)
    when the Dataset has posts or needs the full pipeline to word an error."""
    meta = _posts_meta(dataset)
    if meta is None or meta[0] != 0 or any(c not in meta[1] for c in _REQUIRED):
        return None
    if cfg["co_object"]["enabled"] or cfg["paraphrase"]["enabled"]:
        return None  # their settings (a column, an extra) are checked by the full pipeline
    from vigie.detect.diagnosis import CROSS_KIND_RULE, explain
    from vigie.detect.outputs import empty_gexf, parquet_writer
    from vigie.schema import (
        EDGES_SCHEMA,
        EVIDENCE_SCHEMA,
        GROUP_OBJECTS_SCHEMA,
        GROUPS_SCHEMA,
        MEMBERS_SCHEMA,
        PAIRS_SCHEMA,
        empty_table,
        write_findings,
    )

    enabled = [k for k in COACTION_KINDS if cfg[k]["enabled"]]
    signals: dict[str, dict[str, Any]] = {k: _stats(k, cfg[k]) for k in enabled}
    # the creation window, as ``creation.window_of`` reads it (not imported: DuckDB with it)
    w = cfg["creation_burst"]["window_s"]
    creation_window = 86400.0 if w == "auto" else max(float(w), 1.0)
    if cfg["creation_burst"]["enabled"]:
        signals["creation_burst"] = {
            "window_s": creation_window,
            "accounts_with_creation_time": 0,
        }
    if cfg["creation_cohort"]["enabled"]:  # no account, no burst: the figures it starts with
        signals["creation_cohort"] = {
            "window_s": creation_window,
            "burst_accounts": 0,
            "young_accounts": 0,
            "cohorts": 0,
            "kept": 0,
        }
    per_signal = {
        k: {"input_rows": 0, "candidate_pairs": 0, "tested": 0, "kept": 0, "weak_core": 0}
        for k in enabled
    }
    figures: dict[str, Any] = {
        "candidate_pairs": 0,
        "passed_chance": 0,
        "weak_core": 0,
        "weak_p": float(cfg["general"]["weak_p"]),
        "weak_min_degree": int(cfg["general"]["weak_min_degree"]),
        "accounts_in_kept_pairs": 0,
        "accounts_in_core": 0,
        "min_core": int(cfg["graph"]["min_core"]),
        "min_members": int(cfg["graph"]["min_members"]),
        "groups": 0,
        "accounts_in_groups": 0,
        "pairs_outside_groups": 0,
        "accounts_in_pairs_outside_groups": 0,
        "signals": per_signal,
        "detectors_without_input": enabled,
        "unread_columns": [],
        "columns_with_data": {c: 0 for c in meta[1] if c not in NOT_OBJECT_COLUMNS},
        "time_resolution": {"posts": 0, "whole_days": 0, "whole_hours": 0, "whole_minutes": 0},
        "reposts_by_text": 0,
        "reposts_by_text_matched": 0,
        "ids_on_several_platforms": 0,
        "post_ids_on_several_platforms": 0,
        "creation_dates_unread": 0,
    }
    figures["lines"] = explain(figures)
    manifest = {
        "dataset": str(dataset.path),
        "config": cfg,
        "signals": signals,
        "skipped": {},
        "graph": {},
        "posts": 0,
        "accounts": 0,
        "diagnosis": figures,
        "cross_kind_rule": CROSS_KIND_RULE,
    }
    summary = {
        "groups": 0,
        "accounts_flagged": 0,
        "posts": 0,
        "accounts": 0,
        "edges": 0,
        "signals_kept": {k: 0 for k in signals},
        "pairs_outside_groups": 0,
        "diagnosis": figures["lines"],
        "top_groups": [],
    }
    extra = {
        "graph.gexf": empty_gexf(),
        "groups.csv": _csv(GROUPS_SCHEMA.names),
        "members.csv": _csv(MEMBERS_SCHEMA.names),
        "edges.csv": _csv(EDGES_SCHEMA.names),
        "pairs.csv": _csv(PAIRS_SCHEMA.names),
        "group_objects.csv": _csv(GROUP_OBJECTS_SCHEMA.names),
        "group_objects.parquet": parquet_writer(empty_table(GROUP_OBJECTS_SCHEMA)),
    }
    return write_findings(
        out,
        groups=empty_table(GROUPS_SCHEMA),
        members=empty_table(MEMBERS_SCHEMA),
        edges=empty_table(EDGES_SCHEMA),
        evidence=empty_table(EVIDENCE_SCHEMA),
        summary=summary,
        manifest=manifest,
        extra_files=extra,
        pairs=empty_table(PAIRS_SCHEMA),
    )


def run_if_empty(
    dataset_path: str | Path, out: str | Path, config: str | Path | None
) -> Findings | None:
    """``detect_empty`` from the CLI's arguments (a TOML path or None), before the pipeline
    and its imports are loaded."""
    from vigie.detect.config import load_config

    cfg = load_config(config)
    return detect_empty(Dataset(Path(dataset_path)).check(), Path(out), cfg)
