"""Groups and pairs: the filterable list of a run, a group's page (summary in plain words,
timeline, interactive network, evidence with true counts, members with profiles, triage and
history), and decisions on groups, accounts and pairs.

Why read Parquet with row filters here: a group page must open in well under a second on a
300k-post workspace, so it reads only its group's rows (members, edges, evidence) and counts
the true reach of at most ``MAX_OBJECTS`` objects in one DuckDB pass over the posts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from vigie.cases import decisions
from vigie.cases.identity import member_key
from vigie.detect.placements import placed_by_lockstep
from vigie.errors import VigieError, shortened
from vigie.schema import (
    AccountKeys,
    Findings,
    known_creation,
    name_pair_accounts,
    recorded_dataset,
)
from vigie.web.deps import form, page, redirect, same_site
from vigie.web.render import render
from vigie.web.users import Role

router = APIRouter()

MAX_NODES = 500
MAX_POSTS = 50
MAX_OBJECTS = 25
MAX_PAIRS = 200
MAX_MEMBER_ROWS = 500  # members listed in the table (all are counted and decided on)
EXTRA_GROUP_COLUMNS = (
    "likely_authentic",
    "authenticity_reasons",
    "inauthenticity_score",
    "inauthenticity_indicators",
)


def _read(path: Path, columns: list[str] | None = None, filters: Any = None) -> pa.Table | None:
    if not path.exists():
        return None
    try:
        have = pq.read_schema(path).names
        cols = [c for c in columns if c in have] if columns else None
        return pq.read_table(path, columns=cols, filters=filters)
    except (pa.ArrowInvalid, OSError) as exc:
        raise VigieError(f"{path}: cannot read ({exc})") from exc


def _findings(ctx: Any, run: Any) -> Findings | None:
    path = Path(run.path)
    return Findings(path) if (path / "manifest.json").exists() else None


def _extras(fnd: Findings | None) -> dict[str, dict[str, Any]]:
    """Columns other detectors may add to groups.parquet (authenticity), by local id."""
    if fnd is None:
        return {}
    t = _read(fnd.table_path("groups"), ["group_id", *EXTRA_GROUP_COLUMNS])
    if t is None:
        return {}
    return {r["group_id"]: r for r in t.to_pylist()}


def group_rows(ctx: Any, run: Any, q: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The run's groups with their review state, filtered by the query string."""
    states = ctx.state.ws.groups(run)
    extras = _extras(_findings(ctx, run))
    rows = []
    for g in states:
        ex = extras.get(g.local_id, {})
        rows.append({"g": g, **{k: ex.get(k) for k in EXTRA_GROUP_COLUMNS}})
    facets = {
        "statuses": sorted({r["g"].status for r in rows}),
        "signals": sorted({s for r in rows for s in r["g"].signals}),
        "has_authenticity": any(r["likely_authentic"] is not None for r in rows),
        "total": len(rows),
    }
    status = q.get("status") or ""
    signal = q.get("signal") or ""
    authentic = q.get("authentic") or ""
    try:
        min_score = float(q.get("min_score") or 0)
        min_size = int(q.get("min_size") or 0)
    except ValueError:
        raise VigieError("min_score and min_size must be numbers") from None
    out = [
        r
        for r in rows
        if (not status or r["g"].status == status)
        and (not signal or signal in r["g"].signals)
        and (r["g"].score or 0) >= min_score
        and r["g"].n_members >= min_size
        and (
            not authentic
            or (authentic == "yes" and r["likely_authentic"] is True)
            or (authentic == "no" and r["likely_authentic"] is not True)
        )
    ]
    return out, facets


def _pairs(ctx: Any, run: Any) -> pa.Table | None:
    """The run's strong ties outside groups (``pairs.parquet``), None when it has none."""
    fnd = _findings(ctx, run)
    if fnd is None:
        return None
    t = _read(fnd.path / "pairs.parquet")
    return t if t is not None and t.num_rows else None


def pair_rows(ctx: Any, run: Any, limit: int = MAX_PAIRS) -> list[dict[str, Any]]:
    """Strong ties outside groups (``pairs.parquet``), strongest first, when the run has it,
    each with its ``target`` as the case store names a pair (``"A B"``, sorted) and the
    decisions on it (``history``, oldest first)."""
    t = _pairs(ctx, run)
    return _pair_list(ctx, t, limit) if t is not None else []


def group_ties(
    ctx: Any, run: Any, local_id: str, members: list[str], limit: int = MAX_PAIRS
) -> tuple[list[dict[str, Any]], int]:
    """The strong ties outside groups that touch a member of the group (``local_id`` in
    ``run``), strongest first, at most ``limit``, and how many there are in all.

    Why on the group page: a member's strongest ties to accounts left out of every group
    (too few to make a group of their own) are where an analyst looks for the group's
    relays; they were only listed, mixed with all others, on the run page. Read by the
    pairs' ``group_id_a``/``group_id_b`` (the run's local ids) where the run wrote them,
    else by the members' ids."""
    t = _pairs(ctx, run)
    if t is None:
        return [], 0
    if {"group_id_a", "group_id_b"} <= set(t.column_names):
        touch = pc.or_kleene(
            pc.equal(t.column("group_id_a"), local_id), pc.equal(t.column("group_id_b"), local_id)
        )
    else:
        ids = pa.array(sorted(set(members)), pa.string())
        touch = pc.or_kleene(
            *(
                pc.is_in(pc.cast(t.column(c), pa.string()), ids)
                for c in ("account_id_a", "account_id_b")
            )
        )
    t = t.filter(pc.fill_null(touch, False))
    return _pair_list(ctx, t, limit), t.num_rows


def _pair_list(ctx: Any, t: pa.Table, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` strongest pairs of ``t`` with their target and decisions."""
    rows = t.to_pylist()
    rows.sort(key=lambda r: (r.get("p_value") or 1.0, -(r.get("observed") or 0)))
    rows = [r for r in rows[:limit] if r.get("account_id_a") and r.get("account_id_b")]
    name_pair_accounts(rows)  # shown with their platforms where several; decided by ids
    for r in rows:
        r["target"] = " ".join(sorted((str(r["account_id_a"]), str(r["account_id_b"]))))
    histories = ctx.state.ws.decision_histories("pair", [r["target"] for r in rows])
    for r in rows:
        r["history"] = histories.get(r["target"], [])
    return rows


def _dataset(fnd: Findings, ctx: Any) -> Path | None:
    return recorded_dataset(fnd.path, fnd.manifest().get("dataset"), ctx.state.folders.root)


def _profiles(ds: Path | None, ids: list[str]) -> dict[Any, dict[str, Any]]:
    """Profiles of ``ids``, by id and by (platform, id): one id can name accounts of two
    platforms (detection keeps them apart), and a member is shown its own platform's."""
    if ds is None or not ids:
        return {}
    t = _read(
        ds / "accounts.parquet",
        ["account_id", "platform", "handle", "display_name", "created_at", "followers"]
        + ["description"],
        filters=[("account_id", "in", ids)],
    )
    out: dict[Any, dict[str, Any]] = {}
    for r in t.to_pylist() if t is not None else []:
        plat = r.pop("platform", None)
        r["created_at"] = known_creation(r.get("created_at"))  # an epoch is no date
        out.setdefault(r["account_id"], r)
        out[(plat, r["account_id"])] = r
    return out


def _profile_of(profiles: dict[Any, dict[str, Any]], member: dict[str, Any]) -> dict[str, Any]:
    """A member's profile: its own platform's, else any of its id's."""
    own = profiles.get((member.get("platform"), member["account_id"]))
    return own if own is not None else profiles.get(member["account_id"], {})


def _true_reach(ds: Path | None, objects: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """(posts, accounts) in the whole Dataset for each (kind, object) we can look up, in one
    DuckDB pass over the posts (used when the run did not record its objects' reach)."""
    if ds is None or not objects:
        return {}
    import duckdb

    lists = {"co_link": "urls", "co_hashtag": "hashtags", "co_media": "media"}
    wanted = {col: [o for k, o in objects if k == kind] for kind, col in lists.items()}
    wanted = {c: v for c, v in wanted.items() if v}
    targets = [o for k, o in objects if k in ("co_repost", "co_reply")]
    parts, params = [], [str(ds / "posts.parquet")]
    for col, objs in wanted.items():
        parts.append(
            f"SELECT unnest(list_intersect({col}, ?::VARCHAR[])) AS o, account_id FROM p "
            f"WHERE list_has_any({col}, ?::VARCHAR[])"
        )
        params += [objs, objs]
    if targets:
        parts.append(
            "SELECT coalesce(repost_of, reply_to) AS o, account_id FROM p "
            "WHERE coalesce(repost_of, reply_to) IN (SELECT unnest(?::VARCHAR[]))"
        )
        params.append(targets)
    if not parts:
        return {}
    sql = (
        "WITH p AS (SELECT * FROM read_parquet(?)) SELECT o, count(*), count(DISTINCT "
        f"account_id) FROM ({' UNION ALL '.join(parts)}) GROUP BY o"
    )
    con = duckdb.connect()
    try:
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    return {o: (int(n), int(a)) for o, n, a in rows}


def _recorded_objects(fnd: Findings, local_id: str) -> list[dict[str, Any]] | None:
    """The group's objects with their true reach as detection recorded them (runs write
    ``group_objects.parquet``; earlier ones only ``.csv``, whose texts were not yet guarded
    for spreadsheets, so read as they are); None for runs that did not."""
    path = fnd.path / "group_objects.parquet"
    if path.exists():
        t = _read(path, filters=[("group_id", "=", local_id)])
    elif (fnd.path / "group_objects.csv").exists():
        import pyarrow.csv as pacsv

        t = pacsv.read_csv(
            fnd.path / "group_objects.csv",
            convert_options=pacsv.ConvertOptions(
                column_types={"group_id": pa.string(), "object": pa.string(), "kind": pa.string()}
            ),
        )
        t = t.filter(pc.equal(t.column("group_id"), local_id))
    else:
        return None
    if t is None:
        return None
    rows = t.to_pylist()
    rows.sort(key=lambda r: (-(r.get("n_members") or 0), str(r.get("object"))))
    return [
        {
            "kind": r.get("kind"),
            "object": str(r.get("object") or ""),
            "group_accounts": r.get("n_members"),
            "group_posts": r.get("group_posts"),
            "all_posts": r.get("reach_posts"),
            "all_accounts": r.get("reach_accounts"),
        }
        for r in rows[:MAX_OBJECTS]
    ]


def _group_tables(fnd: Findings, local_id: str) -> dict[str, pa.Table | None]:
    flt = [("group_id", "=", local_id)]
    return {
        "members": _read(fnd.table_path("members"), filters=flt),
        "edges": _read(fnd.table_path("edges"), filters=flt),
        "evidence": _read(fnd.table_path("evidence"), filters=flt),
    }


@router.get("/groups/{gid}")
async def group_page(request: Request, gid: str, run: str = "") -> Response:
    from starlette.concurrency import run_in_threadpool

    ctx = await page(request)
    values = await run_in_threadpool(_group_values, ctx, gid, run)
    return render(ctx, "group.html", **values)


def _group_values(ctx: Any, gid: str, run: str) -> dict[str, Any]:
    """Everything the group page shows (reads Parquet: run off the event loop)."""
    from vigie.cases.decisions import REASONS

    ws = ctx.state.ws
    state = ws.group(gid, run or None)
    run_rec = ws.run(state.run_id)
    fnd = _findings(ctx, run_rec)
    members: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    timeline = ""
    extras = _extras(fnd).get(state.local_id, {})
    if fnd is not None:
        from vigie.report.svg import timeline_svg

        tables = _group_tables(fnd, state.local_id)
        ds = _dataset(fnd, ctx)
        mem = tables["members"].to_pylist() if tables["members"] is not None else []
        mem.sort(key=lambda m: (-(m.get("strength") or 0.0), m["account_id"]))
        profiles = _profiles(ds, [m["account_id"] for m in mem[:MAX_NODES]])
        members = [{**m, **_profile_of(profiles, m)} for m in mem]
        ev = tables["evidence"]
        if ev is not None and ev.num_rows:
            timed = ev.filter(pc.is_valid(ev.column("created_at")))
            timeline = timeline_svg(
                pc.cast(timed.column("created_at"), pa.int64()).to_pylist(),
                timed.column("kind").to_pylist(),
            )
            posts = ev.sort_by([("created_at", "ascending")]).slice(0, MAX_POSTS).to_pylist()
            objects = _recorded_objects(fnd, state.local_id) or []
        if ev is not None and ev.num_rows and not objects:
            counts: dict[tuple[str, str], set[str]] = {}
            n_posts: dict[tuple[str, str], int] = {}
            for r in ev.select(["kind", "object", "account_id"]).to_pylist():
                key = (r["kind"], r["object"] or "")
                counts.setdefault(key, set()).add(r["account_id"])
                n_posts[key] = n_posts.get(key, 0) + 1
            top = sorted(counts, key=lambda k: (-len(counts[k]), k))[:MAX_OBJECTS]
            reach = _true_reach(ds, top)
            objects = [
                {
                    "kind": k,
                    "object": o,
                    "group_accounts": len(counts[(k, o)]),
                    "group_posts": n_posts[(k, o)],
                    "all_posts": reach.get(o, (None, None))[0],
                    "all_accounts": reach.get(o, (None, None))[1],
                }
                for k, o in top
            ]
    # a member as the case store names it (``platform:id``); its decisions gathered include
    # those typed as the bare id
    keys = [member_key(m.get("platform"), m["account_id"]) for m in members]
    histories = ws.decision_histories("account", keys)
    from vigie.cases.search import partner_accounts, shared_by

    shared = partner_accounts(ws)  # what partners sent: members they shared too
    for m in members:
        m["partners"] = sorted(shared_by(shared, m.get("platform"), str(m["account_id"])))
    for i, (m, key) in enumerate(zip(members, keys, strict=True)):
        m["history"] = histories.get(key, [])
        m["in_table"] = i < MAX_MEMBER_ROWS
    # a member the lockstep test placed (no tie, strength 0): its row says why it is here
    placed = placed_by_lockstep(fnd.manifest()) if fnd is not None else {}
    for m in members:
        m["lockstep"] = placed.get((state.local_id, str(m["account_id"])))
    ties, n_ties = group_ties(ctx, run_rec, state.local_id, [str(m["account_id"]) for m in members])
    return {
        "g": state,
        "run": run_rec,
        "here": f"/groups/{state.id}?run={run_rec.id}",
        "decided": [m for m in members if m["history"]],
        "by_partners": [m for m in members if m["partners"]],
        "extras": extras,
        "members": members,
        "placed": [m for m in members if m["lockstep"]],
        "ties": ties,
        "n_ties": n_ties,
        "posts": posts,
        "objects": objects,
        "timeline": timeline,
        "lineage": ws.lineage(state.id),
        "reasons": REASONS,
        "has_findings": fnd is not None,
    }


@router.get("/groups/{gid}/network.json")
async def group_network(request: Request, gid: str, run: str = "") -> Response:
    """Nodes (handle labels, strength, k-core number) and edges (kinds, weight) for the
    interactive graph; the page filters to the core on the client."""
    import igraph as ig

    ctx = await page(request)
    ws = ctx.state.ws
    state = ws.group(gid, run or None)
    fnd = _findings(ctx, ws.run(state.run_id))
    if fnd is None:
        return JSONResponse({"nodes": [], "edges": [], "capped": False})
    tables = _group_tables(fnd, state.local_id)
    mem = tables["members"].to_pylist() if tables["members"] is not None else []
    mem.sort(key=lambda m: (-(m.get("strength") or 0.0), m["account_id"]))
    drawn = mem[:MAX_NODES]
    keys = AccountKeys(mem)  # platform:id where the group spans platforms
    ids = [keys.member(m) for m in drawn]
    index = {a: i for i, a in enumerate(ids)}
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for e in tables["edges"].to_pylist() if tables["edges"] is not None else []:
        s, t = sorted((keys.edge(e, "source"), keys.edge(e, "target")))
        if s in index and t in index and s != t:
            p = pairs.setdefault((s, t), {"weight": 0.0, "kinds": set()})
            p["weight"] += float(e["weight"] or 0.0)
            p["kinds"].add(e["kind"])
    graph = ig.Graph(n=len(ids), edges=[(index[s], index[t]) for s, t in pairs])
    core = graph.coreness() if ids else []
    profiles = _profiles(_dataset(fnd, ctx), [m["account_id"] for m in drawn])
    nodes = [
        {
            "id": a,
            "label": (_profile_of(profiles, m).get("handle") or a)[:40],
            "strength": round(float(m.get("strength") or 0.0), 3),
            "core": int(core[i]) if core else 0,
            "followers": _profile_of(profiles, m).get("followers"),
        }
        for i, (a, m) in enumerate(zip(ids, drawn, strict=True))
    ]
    edges = [
        {"source": s, "target": t, "weight": round(p["weight"], 3), "kinds": sorted(p["kinds"])}
        for (s, t), p in sorted(pairs.items())
    ]
    return JSONResponse({"nodes": nodes, "edges": edges, "capped": len(mem) > MAX_NODES})


@router.post("/groups/{gid}/triage")
async def triage(request: Request, gid: str) -> Response:
    """A decision on a group: analysts may ask for review, reviewers confirm or dismiss."""
    ctx, fields = await form(request, Role.analyst)
    status, said = _decision_fields(fields)
    if status in ("confirmed", "dismissed") and not ctx.may("reviewer"):
        return _forbidden(ctx, "only a reviewer may confirm or dismiss a group")
    run = str(fields.get("run", "")) or None
    d = ctx.state.ws.decide(gid, status, **said, author=ctx.user.username, run=run)
    ctx.audit("triage", d.target, status=d.status, reason=d.reason, run=d.run_id)
    return redirect(f"/groups/{d.target}" + (f"?run={run}" if run else ""))


@router.post("/decisions")
async def decide_other(request: Request) -> Response:
    """A decision on one account or one pair of accounts (the member rows of a group page,
    the pairs of a run page): analysts may ask for review, reviewers confirm or dismiss.

    An id no run has seen is refused, naming it: the pages only offer seen ones, and the
    case store would keep a mistyped id as a decision that never applies."""
    ctx, fields = await form(request, Role.analyst)
    status, said = _decision_fields(fields)
    if status in ("confirmed", "dismissed") and not ctx.may("reviewer"):
        return _forbidden(ctx, "only a reviewer may confirm or dismiss")
    kind = str(fields.get("kind", "account"))
    if kind not in ("account", "pair"):  # was: recorded as an account decision, silently
        raise VigieError(f"kind: {kind[:40]!r} is neither account nor pair")
    ids = str(fields.get("target", "")).split()
    if len(ids) != (2 if kind == "pair" else 1):
        raise VigieError(
            f"target: give {'two account ids' if kind == 'pair' else 'one account id'}"
        )
    ws = ctx.state.ws
    unseen = ws.unseen_accounts(ids)
    if unseen:
        names = ", ".join(repr(shortened(a, 60)) for a in unseen)
        raise VigieError(
            f"target: {names}: no run of this workspace has seen this account (a member of "
            "no group, in no strong tie); check the id"
        )
    target: Any = ids if kind == "pair" else ids[0]
    run = str(fields.get("run", "")) or None
    d = ws.decide(target, status, **said, author=ctx.user.username, kind=kind, run=run)
    ctx.audit(
        "triage", d.target, kind=d.target_kind, status=d.status, reason=d.reason, run=d.run_id
    )
    return redirect(same_site(str(fields.get("back", "/"))))


def _decision_fields(fields: Any) -> tuple[str, dict[str, str | None]]:
    """A decision form's status, and its reason and note (the note capped at 4,000
    characters), read the same way for a group, an account or a pair.

    The status is normalised here, as the case store will store it, before any role is
    checked against it: an analyst's ``Confirmed`` or `` dismissed`` passed a test of the
    raw words and was stored as ``confirmed``/``dismissed``, a decision only reviewers take."""
    return decisions.slug(str(fields.get("status", ""))), {
        "reason": str(fields.get("reason", "")) or None,
        "note": str(fields.get("note", ""))[:4000] or None,
    }


def _forbidden(ctx: Any, message: str) -> Response:
    from fastapi import HTTPException

    raise HTTPException(403, message)
