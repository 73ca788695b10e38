"""Render a Findings folder as one self-contained HTML page.

Why one file with everything inline: the report travels (mail, USB key, air-gapped room) and
must open years later without a network. So: no CDN, no web fonts, no external script; CSS,
a few lines of vanilla JavaScript (table sorting) and SVG drawings are written into the page.
Big Findings stay readable because only the ``max_groups`` strongest groups get a detailed
section (timeline, network, evidence); the page says so when it caps.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vigie import __version__
from vigie.atomic import atomic_file, check_overwrite
from vigie.detect.authenticity import authenticity_rankings, plain_words
from vigie.disarm.behaviours import SIGNAL_TECHNIQUES
from vigie.errors import VigieError
from vigie.schema import (
    FINDINGS_TABLES,
    OPTIONAL_POSTS_COLUMNS,
    POSTS_SCHEMA,
    AccountKeys,
    Findings,
    check_parquet,
    empty_table,
    name_pair_accounts,
    recorded_dataset,
    techniques_index,
)

MAX_TEXT = 280
MAX_EVIDENCE_SCAN = 20_000  # beyond this, example posts are drawn from the top objects only


@dataclass(frozen=True)
class ReportOptions:
    """What to render. ``max_groups`` caps detailed sections, ``max_nodes`` the members drawn
    in one network, ``max_overview`` the rows of the all-groups table."""

    max_groups: int = 50
    max_nodes: int = 150
    max_overview: int = 1000
    max_objects: int = 15
    max_posts: int = 15
    max_members: int = 25
    seed: int = 0
    open_all: bool = False  # every group section open (a printed page cannot open one)


def _ts(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _cut(text: str | None, n: int = MAX_TEXT) -> str:
    if not text:
        return ""
    return text if len(text) <= n else text[: n - 1] + "…"


def _read_for_groups(fnd: Findings, name: str, group_ids: list[str]) -> pa.Table:
    """Rows of a Findings table that belong to ``group_ids`` (reads only those row groups)."""
    path = fnd.table_path(name)
    if not path.exists() or not group_ids:
        return empty_table(FINDINGS_TABLES[name])
    try:
        return pq.read_table(path, filters=[("group_id", "in", group_ids)])
    except (pa.ArrowInvalid, OSError) as exc:
        raise VigieError(f"{path}: cannot read ({exc})") from exc


def _rows(fnd: Findings, name: str, hidden: set[str] | None = None) -> int:
    """Row count of a Findings table from the Parquet footer (no data read); without the
    rows of the ``hidden`` groups (their ``group_id`` column read)."""
    path = fnd.table_path(name)
    if not path.exists():
        return 0
    if not hidden:
        return pq.ParquetFile(path).metadata.num_rows
    ids = pq.read_table(path, columns=["group_id"]).column("group_id")
    return int(pc.sum(_kept(ids, hidden)).as_py() or 0)


def _kept(group_ids: Any, hidden: set[str]) -> Any:
    """The mask of the rows whose ``group_ids`` are not ``hidden``."""
    return pc.invert(pc.is_in(group_ids, pa.array(sorted(hidden), pa.string())))


def _find_dataset(fnd: Findings, given: str | Path | None, manifest: dict[str, Any]) -> Path | None:
    """The Dataset the Findings came from: ``given``, else the manifest's path (as written,
    then relative to the Findings folder); None when it cannot be found."""
    if given is not None:
        p = Path(given)
        if not (p / "posts.parquet").exists():
            raise VigieError(f"{p}: not a vigie Dataset (posts.parquet is missing)")
        # a truncated or edited posts.parquet: one line naming it, not DuckDB's SQL excerpt
        check_parquet(p / "posts.parquet", POSTS_SCHEMA, OPTIONAL_POSTS_COLUMNS)
        return p
    return recorded_dataset(fnd.path, manifest.get("dataset"))


def _member_activity(
    dataset: Path, members: list[dict[str, Any]]
) -> dict[str, list[tuple[int, int]]]:
    """Per group, all posts of its members per minute (UTC µs of the minute, count).

    Why: evidence rows are a sample (top objects, a few posts each); the members' whole
    activity shows whether a burst stands out from their usual rhythm. Aggregated in DuckDB
    so that a big Dataset is never loaded into Python.
    """
    import duckdb

    if not members:
        return {}
    pairs = pa.table(
        {
            "group_id": [m["group_id"] for m in members],
            "account_id": [m["account_id"] for m in members],
        }
    )
    con = duckdb.connect()
    try:
        con.register("pairs", pairs)
        rows = con.execute(
            """
            SELECT m.group_id, (epoch_us(p.created_at) // 60000000) * 60000000 AS minute,
                   count(*) AS n
            FROM read_parquet(?) AS p
            JOIN (SELECT DISTINCT group_id, account_id FROM pairs) AS m USING (account_id)
            WHERE p.created_at IS NOT NULL
            GROUP BY ALL ORDER BY 1, 2
            """,
            [str(dataset / "posts.parquet")],
        ).fetchall()
    except duckdb.Error as exc:
        raise VigieError(f"{dataset}: cannot read posts for the timelines ({exc})") from exc
    finally:
        con.close()
    out: dict[str, list[tuple[int, int]]] = {}
    for g, minute, n in rows:
        out.setdefault(g, []).append((int(minute), int(n)))
    return out


def _technique_rows(index: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    from vigie import disarm

    cat = disarm.techniques()
    rows = []
    for tid, entry in sorted(index.items()):
        t = cat.get(tid)
        rows.append(
            {
                "id": tid,
                "name": t.name if t else "(not in the DISARM catalogue)",
                "name_fr": t.name_fr if t and t.name_fr else "",
                "tactics": ", ".join(t.tactics) if t else "",
                "groups": len(entry.get("groups", [])),
                "accounts": entry.get("accounts", ""),
                "max_score": entry.get("max_score", ""),
            }
        )
    return rows


def _technique_names(ids: list[str] | None) -> list[dict[str, str]]:
    from vigie import disarm

    cat = disarm.techniques()
    return [{"id": t, "name": cat[t].name if t in cat else "?"} for t in ids or []]


def _signal_rows(signals: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for kind, params in sorted(signals.items()):
        first = ("window_s", "kept", "pairs", "tested", "accounts")
        detail = (
            ", ".join(
                f"{k}={v}"
                for k, v in sorted(
                    params.items(),
                    key=lambda kv: (first.index(kv[0]) if kv[0] in first else 99, kv[0]),
                )
            )
            if isinstance(params, dict)
            else str(params)
        )
        rows.append(
            {
                "kind": kind,
                "techniques": ", ".join(SIGNAL_TECHNIQUES.get(kind, ())),
                "detail": detail,
            }
        )
    return rows


class _TruthLabels:
    """Truth colouring of members in exercise mode (labels from ``vigie.exercise.score``)."""

    def __init__(self, truth_path: Path | None) -> None:
        self.truth = None
        if truth_path is not None:
            from vigie.exercise.score import load_truth

            self.truth = load_truth(truth_path)

    def label(self, platform: str | None, account_id: str) -> str | None:
        return None if self.truth is None else self.truth.label_of(platform, account_id)


def _recorded_objects(fnd: Any) -> pa.Table | None:
    """``group_objects.parquet`` of the Findings (runs before it wrote none: None)."""
    path = fnd.path / "group_objects.parquet"
    if not path.exists():
        return None
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise VigieError(f"{path}: cannot read it ({exc})") from exc


def _group_detail(
    g: dict[str, Any],
    members: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    evidence: pa.Table,
    truth: _TruthLabels,
    opts: ReportOptions,
    activity: list[tuple[int, int]],
    recorded: pa.Table | None = None,
) -> dict[str, Any]:
    """Everything one detailed group section shows (timeline, network, evidence tables).

    ``recorded``: the group's rows of ``group_objects.parquet`` (each object's true counts,
    members' and the Dataset's); the shared objects are shown with them. Counted from the
    evidence instead, a hashtag 50 members used 1,223 times over three weeks read "5 posts,
    5 accounts, 14 s": the few example posts evidence keeps per object."""
    from vigie.report.layout import layout_positions
    from vigie.report.svg import Link, Node, label_colour, network_svg, timeline_svg

    gid = g["group_id"]
    # --- timeline over all evidence posts of the group
    times = evidence.column("created_at")
    valid = pc.is_valid(times)
    timed = evidence.filter(valid)
    times_us = pc.cast(timed.column("created_at"), pa.int64()).to_pylist()
    timeline = timeline_svg(times_us, timed.column("kind").to_pylist(), background=activity)

    # --- members: the strongest ones are drawn and listed
    members = sorted(members, key=lambda m: (-(m["strength"] or 0.0), m["account_id"]))
    drawn = members[: opts.max_nodes]
    keys = AccountKeys(members)
    drawn_ids = [keys.member(m) for m in drawn]
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    drawn_set = set(drawn_ids)
    for e in edges:
        s, t = sorted((keys.edge(e, "source"), keys.edge(e, "target")))
        if s not in drawn_set or t not in drawn_set or s == t:
            continue
        p = pairs.setdefault((s, t), {"weight": 0.0, "kinds": Counter()})
        p["weight"] += e["weight"]
        p["kinds"][e["kind"]] += e["weight"]
    pos = layout_positions(
        drawn_ids, [(s, t, p["weight"]) for (s, t), p in pairs.items()], seed=opts.seed
    )
    labels = {keys.member(m): truth.label(m["platform"], m["account_id"]) for m in members}
    nodes = [
        Node(
            id=k,
            x=pos[k][0],
            y=pos[k][1],
            strength=float(m["strength"] or 0.0),
            colour=label_colour(labels[k]) if truth.truth else "#0072B2",
            title=f"{k} — strength {m['strength'] or 0:.2f}, "
            f"{m['n_posts'] if m['n_posts'] is not None else '?'} post(s)"
            + (f", truth: {labels[k] or 'not in truth'}" if truth.truth else ""),
        )
        for k, m in zip(drawn_ids, drawn, strict=True)
    ]
    links = []
    for (s, t), p in sorted(pairs.items()):
        kind = min(p["kinds"].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        kinds = ", ".join(f"{k} {w:g}" for k, w in sorted(p["kinds"].items()))
        links.append(Link(s, t, kind, p["weight"], f"{s} — {t}: {kinds}"))
    network = network_svg(nodes, links)

    # --- shared objects
    objects: list[dict[str, Any]] = []
    top_keys: list[tuple[str, str | None]] = []
    n_objects = 0
    if evidence.num_rows:
        agg = evidence.group_by(["kind", "object"]).aggregate(
            [
                ("post_id", "count"),
                ("account_id", "count_distinct"),
                ("created_at", "min"),
                ("created_at", "max"),
            ]
        )
        n_objects = agg.num_rows
        rows = agg.to_pylist()
        rows.sort(key=lambda r: (-r["post_id_count"], r["kind"], r["object"] or ""))
        rows = rows[: opts.max_objects]
        top_keys = [(r["kind"], r["object"]) for r in rows]
        objects = [
            {
                "kind": r["kind"],
                "object": _cut(r["object"], 160),
                "posts": r["post_id_count"],
                "accounts": r["account_id_count_distinct"],
                "first": _ts(r["created_at_min"]),
                "last": _ts(r["created_at_max"]),
                "span": _span(r["created_at_min"], r["created_at_max"]),
            }
            for r in rows
        ]
    if recorded is not None and recorded.num_rows:
        rec = recorded.to_pylist()
        rec.sort(key=lambda r: (-(r["group_posts"] or 0), r["kind"] or "", r["object"] or ""))
        n_objects = len(rec)
        objects = [
            {
                "kind": r["kind"],
                "object": _cut(r["object"], 160),
                "posts": r["group_posts"],
                "accounts": r["n_members"],
                "reach_posts": r["reach_posts"],
                "reach_accounts": r["reach_accounts"],
                "first": _ts(r["first_seen"]),
                "last": _ts(r["last_seen"]),
                "span": _span(r["first_seen"], r["last_seen"]),
            }
            for r in rec[: opts.max_objects]
        ]

    # --- example posts: those sharing the most shared objects first, in time order
    posts: list[dict[str, Any]] = []
    if evidence.num_rows:
        ev = evidence.select(["kind", "object", "post_id", "account_id", "created_at", "text"])
        if ev.num_rows > MAX_EVIDENCE_SCAN:  # only the top objects' posts can be shown
            wanted = pa.array([o for _, o in top_keys if o is not None], pa.string())
            ev = ev.filter(pc.is_in(ev.column("object"), value_set=wanted))
        rank = {key: i for i, key in enumerate(top_keys)}
        big = len(rank) + 1
        rows = ev.to_pylist()
        rows.sort(
            key=lambda r: (
                rank.get((r["kind"], r["object"]), big),
                r["created_at"] or datetime.max.replace(tzinfo=UTC),
                r["post_id"],
            )
        )
        posts = [
            {
                "time": _ts(r["created_at"]),
                "account": r["account_id"],
                "label": labels.get(r["account_id"], truth.label(None, r["account_id"]))
                if truth.truth
                else None,
                "kind": r["kind"],
                "object": _cut(r["object"], 80),
                "post_id": r["post_id"],
                "text": _cut(r["text"]),
            }
            for r in rows[: opts.max_posts]
        ]

    mix = Counter(labels.values()) if truth.truth else Counter()
    return {
        **g,
        "timeline_svg": timeline,
        "n_member_posts": sum(n for _, n in activity),
        "network_svg": network,
        "n_drawn": len(drawn),
        "n_links": len(links),
        "objects": objects,
        "objects_recorded": recorded is not None and recorded.num_rows > 0,
        "n_objects": n_objects,
        "posts": posts,
        "n_evidence": evidence.num_rows,
        "members": [
            {
                **m,
                "label": labels[m["account_id"]] if truth.truth else None,
            }
            for m in members[: opts.max_members]
        ],
        "n_member_rows": len(members),
        "truth_mix": [
            {"label": lbl or "not in truth", "n": n, "colour": label_colour(lbl)}
            for lbl, n in sorted(mix.items(), key=lambda kv: (-kv[1], kv[0] or ""))
        ],
        "anchor": f"group-{gid}",
    }


def _span(a: datetime | None, b: datetime | None) -> str:
    if a is None or b is None:
        return ""
    s = int((b - a).total_seconds())
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{s // 60} min"
    if s < 172800:
        return f"{s // 3600} h"
    return f"{s // 86400} d"


def build_context(
    findings: Findings | str | Path,
    *,
    truth_path: str | Path | None = None,
    dataset_path: str | Path | None = None,
    options: ReportOptions | None = None,
    hidden: set[str] | None = None,
) -> dict[str, Any]:
    """Everything the template needs, as plain Python values (tests read this too).

    ``hidden``: groups left out of the page (``--hide-dismissed``), out of every figure too:
    left out after the page was built, a dismissed group stayed in the ranking by score and
    in the summary's accounts, edges and evidence and the DISARM table's counts, though the
    report said it hidden (and such a report is the one passed on)."""
    from vigie.disarm import ATTRIBUTION
    from vigie.progress import make_progress
    from vigie.report.svg import kind_colour, label_colour

    opts = options or ReportOptions()
    if opts.max_groups < 0:
        raise VigieError("--max-groups must be 0 or more")
    fnd = findings if isinstance(findings, Findings) else Findings(Path(findings))
    fnd.check()
    manifest = fnd.manifest()
    try:
        groups = fnd.groups()
        members_all = fnd.members()
    except (pa.ArrowInvalid, OSError) as exc:
        raise VigieError(f"{fnd.path}: cannot read the Findings tables ({exc})") from exc
    if hidden:
        groups = groups.filter(_kept(groups.column("group_id"), hidden))
        members_all = members_all.filter(_kept(members_all.column("group_id"), hidden))
        manifest = {**manifest, "techniques": None, "counts": {}}  # counted again, below
    truth = _TruthLabels(Path(truth_path) if truth_path is not None else None)

    grows = groups.to_pylist()
    grows.sort(key=lambda g: (-(g["score"] or 0.0), g["group_id"]))
    for g in grows:
        g["first"] = _ts(g["first_seen"])
        g["last"] = _ts(g["last_seen"])
        g["technique_names"] = _technique_names(g["techniques"])
        g["anchor"] = f"group-{g['group_id']}"
        g["authenticity_text"] = plain_words(g) if g.get("inauthenticity_score") is not None else ""
    detailed = grows[: opts.max_groups]
    ids = [g["group_id"] for g in detailed]
    for g in grows:
        g["detailed"] = False
    for g in detailed:
        g["detailed"] = True

    mem = _read_for_groups(fnd, "members", ids).to_pylist()
    edg = _read_for_groups(fnd, "edges", ids).to_pylist()
    ev = _read_for_groups(fnd, "evidence", ids)
    by_group_m: dict[str, list[dict[str, Any]]] = {}
    from vigie.detect.placements import placed_by_lockstep

    placed = placed_by_lockstep(manifest)
    for m in mem:
        # a member the lockstep test placed (strength 0): the table says so, and how often
        m["lockstep"] = placed.get((str(m["group_id"]), str(m["account_id"])))
        by_group_m.setdefault(m["group_id"], []).append(m)
    by_group_e: dict[str, list[dict[str, Any]]] = {}
    for e in edg:
        by_group_e.setdefault(e["group_id"], []).append(e)

    dataset = _find_dataset(fnd, dataset_path, manifest)
    activity = _member_activity(dataset, mem) if dataset is not None else {}

    recorded = _recorded_objects(fnd)
    details = []
    with make_progress(transient=True) as progress:
        task = progress.add_task("rendering groups", total=len(detailed))
        for g in detailed:
            gev = ev.filter(pc.equal(ev.column("group_id"), g["group_id"]))
            details.append(
                _group_detail(
                    g,
                    by_group_m.get(g["group_id"], []),
                    by_group_e.get(g["group_id"], []),
                    gev,
                    truth,
                    opts,
                    activity.get(g["group_id"], []),
                    recorded.filter(pc.equal(recorded.column("group_id"), g["group_id"]))
                    if recorded is not None
                    else None,
                )
            )
            progress.advance(task)

    tech_index = manifest.get("techniques") or techniques_index(groups, members_all)
    first = [g["first_seen"] for g in grows if g["first_seen"] is not None]
    last = [g["last_seen"] for g in grows if g["last_seen"] is not None]
    counts = manifest.get("counts", {})
    signal_kinds = sorted({s for g in grows for s in (g["signals"] or [])})

    score = None
    if truth_path is not None:
        from vigie.exercise.score import score_findings

        score = score_findings(fnd, truth_path).to_dict()

    return {
        "title": f"vigie report — {fnd.path.name}",
        "vigie_version": __version__,
        "findings_path": str(fnd.path),
        "dataset": manifest.get("dataset", ""),
        "dataset_found": dataset is not None,
        "findings_version": manifest.get("vigie_version", ""),
        "n_groups": len(grows),
        "n_accounts": pc.count_distinct(members_all.column("account_id")).as_py()
        if members_all.num_rows
        else 0,
        "n_edges": counts.get("edges", _rows(fnd, "edges", hidden)),
        "n_evidence": counts.get("evidence", _rows(fnd, "evidence", hidden)),
        "first_seen": _ts(min(first)) if first else "",
        "last_seen": _ts(max(last)) if last else "",
        "signals": _signal_rows(manifest.get("signals") or {}),
        "signal_kinds": [{"kind": k, "colour": kind_colour(k)} for k in signal_kinds],
        "skipped": sorted((manifest.get("skipped") or {}).items()),
        "config": manifest.get("config") or {},
        "techniques": _technique_rows(tech_index),
        "overview": grows[: opts.max_overview],
        "overview_capped": len(grows) > opts.max_overview,
        "details": details,
        "max_groups": opts.max_groups,
        "capped": len(grows) > len(detailed),
        "max_nodes": opts.max_nodes,
        "open_all": opts.open_all,
        "exercise": truth.truth is not None,
        "truth_path": str(truth.truth.path) if truth.truth else "",
        "truth_legend": _truth_legend(label_colour) if truth.truth else [],
        "score": score,
        "disarm_attribution": ATTRIBUTION,
        "method": manifest.get("method", "vigie"),
        **authenticity_rankings(grows),
        "diagnosis": (manifest.get("diagnosis") or {}).get("lines", []),
        **_pairs_context(fnd, opts.max_overview),
        **_slips_context(dataset, members_all, grows, opts.max_overview),
    }


def _pairs_context(fnd: Findings, limit: int) -> dict[str, Any]:
    """The strongest ties outside groups (``pairs.parquet``), ranked, for the report."""
    try:
        pairs = fnd.pairs()
    except (pa.ArrowInvalid, OSError) as exc:
        raise VigieError(f"{fnd.path}: cannot read pairs.parquet ({exc})") from exc
    rows = pairs.slice(0, max(limit, 0)).to_pylist()
    for r in rows:
        r["first"] = _ts(r.get("first_seen"))
        r["last"] = _ts(r.get("last_seen"))
        p = r.get("p_value")
        r["p_text"] = "" if p is None else f"{p:.1e}"
    name_pair_accounts(rows)  # platform:id where the ties span several platforms
    return {"pairs": rows, "n_pairs": pairs.num_rows, "pairs_capped": pairs.num_rows > len(rows)}


def _slips_context(
    dataset: Path | None, members: pa.Table, groups: list[dict[str, Any]], limit: int
) -> dict[str, Any]:
    """The accounts whose posts hold a language model's own words ("As an AI language
    model, ..."; ``detect.machinetext``), in the whole Dataset, each with its group if any:
    leads outside the groups, and what wrote a group's posts inside one."""
    if dataset is None:
        return {
            "slips_read": False,
            "slips": [],
            "n_slip_accounts": 0,
            "n_slip_posts": 0,
            "n_own_texts": None,
        }
    from vigie.detect.machinetext import slipped_accounts, with_groups

    rows, n_accounts, n_posts, n_texts = slipped_accounts(dataset / "posts.parquet", limit)
    with_groups(rows, members)
    detailed = {g["group_id"]: g["anchor"] for g in groups if g["detailed"]}
    for r in rows:
        r["anchor"] = detailed.get(r["group_id"], "")
        r["first"] = _ts(r["first"])
        r["text"] = _cut(r["text"])
    return {
        "slips_read": True,
        "slips": rows,
        "n_slip_accounts": n_accounts,
        "n_slip_posts": n_posts,
        "n_own_texts": n_texts,  # counted when none slipped: was there anything to read?
    }


def _truth_legend(label_colour) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    from vigie.disarm.behaviours import CAMPAIGN_TYPES

    labels: list[str | None] = ["organic", *CAMPAIGN_TYPES, None]
    return [{"label": lbl or "not in truth", "colour": label_colour(lbl)} for lbl in labels]


def render_html(context: dict[str, Any]) -> str:
    """Fill the Jinja2 template (autoescaped; the SVG built here is already escaped)."""
    from markupsafe import Markup

    from vigie.templating import package_env

    env = package_env("vigie.report")
    env.filters["svg"] = Markup
    env.filters["num"] = _num
    from vigie.report.svg import kind_colour, label_colour

    env.globals["signal_colour"] = kind_colour
    env.globals["label_colour"] = label_colour
    return env.get_template("report.html.j2").render(**context)


def _num(x: Any, digits: int = 3) -> str:
    if x is None or x == "":
        return "—"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    if isinstance(x, int):
        return f"{x:,}".replace(",", " ")
    return str(x)


def write_report(
    findings: Findings | str | Path,
    out: str | Path,
    *,
    truth_path: str | Path | None = None,
    dataset_path: str | Path | None = None,
    options: ReportOptions | None = None,
) -> dict[str, Any]:
    """Render ``findings`` to the HTML file ``out`` (atomically); returns the context used."""
    ctx = build_context(findings, truth_path=truth_path, dataset_path=dataset_path, options=options)
    write_page(out, render_html(ctx))
    return ctx


def write_page(out: str | Path, page: str) -> None:
    """Write an HTML page atomically, readable as the umask allows."""
    check_overwrite(Path(out), "an HTML page", (".html", ".htm"))
    with atomic_file(out) as fh:
        fh.write(page)
    # the temporary file was private (0600); a report is meant to be read, so honour the umask
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(out, 0o666 & ~umask)
