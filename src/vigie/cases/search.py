"""``vigie search``: find an account, handle, URL, domain, hashtag or text everywhere.

Where it looks: the case store (group memberships of every run, decisions and their notes,
evidence objects kept per group) and, with DuckDB, the Parquet files of every run folder
still on disk (evidence posts and objects, edges i.e. pairs, ``pairs.parquet`` when detection
wrote one, group summaries) and the accounts table of their Datasets (to turn a handle into
an account id). A run folder deleted since it was registered is skipped and counted.

And what partners sent: the objects ``vigie share import`` stored in the workspace's
``vigie-share.sqlite`` (an account a partner flagged, a URL or domain it saw, a note), each
hit naming the partner, its TLP and the day it came.

How the query is read: ``@name`` is a handle, ``#tag`` a hashtag, ``G-XXXXXX`` a stable
group, something with ``/`` or ``://`` a URL; a bare word is tried as account id, handle,
domain (``example.org`` also matches ``https://www.example.org/…``), hashtag and text.
Matching is case-insensitive; text matches are substring matches.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from vigie.cases.models import AppearanceRow, DecisionRow, MemberRow, RunRow
from vigie.cases.records import _jsonable

if TYPE_CHECKING:
    from vigie.cases.workspace import Workspace


@dataclass(frozen=True)
class Hit:
    """One place the query was found."""

    where: str  # member | decision | evidence | object | pair | edge | summary | account | group
    run_id: str | None
    group_id: str | None  # stable id when known
    local_id: str | None
    field: str
    value: str
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _pattern(text: str) -> str:
    """A LIKE pattern finding ``text`` anywhere, its own ``%``, ``_`` and ``\\`` escaped
    (with ``ESCAPE '\\'``): a query of ``%%`` or ``__`` matched every row."""
    quoted = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{quoted}%"


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


MAX_QUERY_CHARS = 2_000
"""The longest query: longer than any URL a platform keeps, far below SQLite's limit on a
LIKE pattern (50,000 bytes), past which a pasted text was a traceback."""


MAX_LIMIT = 1_000_000
"""The most hits per source one search may ask for: far more than a screen shows, and far
below SQLite's 64-bit ``LIMIT``, past which a pasted number was a traceback."""


def search(ws: Workspace, query: str, *, limit: int = 200) -> list[Hit]:
    """Every place ``query`` occurs (at most ``limit`` hits per source), runs oldest first."""
    from vigie.errors import VigieError

    if not 1 <= limit <= MAX_LIMIT:
        raise VigieError(f"search: the limit is {limit:,}; give 1 to {MAX_LIMIT:,} hits per source")
    q = query.strip()
    if not q:
        raise VigieError("search: give something to look for (account, @handle, URL, #tag…)")
    if len(q) > MAX_QUERY_CHARS:  # SQLite refuses LIKE patterns over 50,000 bytes
        raise VigieError(
            f"search: the query is {len(q):,} characters long, at most {MAX_QUERY_CHARS:,} "
            "(an account, a @handle, a URL, a #tag or a few words of a text)"
        )
    if not q.lstrip("@#").strip():  # '#' alone was LIKE '%%': every evidence post
        raise VigieError(
            f"search: {q!r} names nothing; give a handle after @ or a tag after # "
            "(e.g. @handle, #tag)"
        )
    hits: list[Hit] = []
    bare = q.lstrip("@#")
    low = bare.lower()
    runs = ws.list_runs()
    local_to_stable = {r.id: ws.local_ids(r) for r in runs}
    accounts = {low}
    accounts |= _handles_to_ids(runs, low)
    with ws.store.session() as s:
        # group ids
        if q.upper().startswith("G-"):
            for a in s.scalars(
                select(AppearanceRow).where(AppearanceRow.group_id == q.upper()).limit(limit)
            ):
                hits.append(
                    Hit(
                        "group",
                        a.run_id,
                        a.group_id,
                        a.local_id,
                        "id",
                        a.group_id,
                        f"{a.n_members} members",
                    )
                )
        # memberships
        for m in s.scalars(
            select(MemberRow)
            .where(
                or_(
                    func.lower(MemberRow.account_id).in_(sorted(accounts)),
                    func.lower(MemberRow.account).in_(sorted(accounts)),
                )
            )
            .limit(limit)
        ):
            hits.append(Hit("member", m.run_id, m.group_id, None, "account", m.account))
        # decisions (targets and notes)
        like = _pattern(low)
        for d in s.scalars(
            select(DecisionRow)
            .where(
                or_(
                    func.lower(DecisionRow.target).in_(sorted(accounts | {q.upper().lower()})),
                    func.lower(DecisionRow.target).like(like, escape="\\"),
                    func.lower(DecisionRow.note).like(like, escape="\\"),
                )
            )
            .order_by(DecisionRow.seq)
            .limit(limit)
        ):
            gid = d.target if d.target_kind == "group" else None
            hits.append(
                Hit(
                    "decision",
                    d.run_id,
                    gid,
                    None,
                    d.target_kind,
                    d.target,
                    f"{d.status} ({d.reason or '-'}) by {d.author}: {d.note or ''}",
                )
            )
        run_seq = dict(s.execute(select(RunRow.id, RunRow.seq)).all())
    hits.extend(_parquet_hits(runs, q, low, accounts, local_to_stable, limit))
    hits.extend(_partner_hits(ws, bare, limit))
    hits.sort(key=lambda h: (run_seq.get(h.run_id or "", 0), h.where, h.group_id or "", h.value))
    return hits


def cut_at_limit(hits: list[Hit], limit: int) -> list[str]:
    """The sources (``where``) whose hits reached ``limit``: each stops there, so the
    list shown may be cut, which the CLI and the workbench say."""
    per_source = Counter(h.where for h in hits)
    return sorted(w for w, n in per_source.items() if n >= limit)


def _around(text: str, low: str, width: int = 200) -> str:
    """``width`` characters of ``text`` from the word that starts a little before the
    match of ``low`` (``…`` where it was cut): a match past the first 200 characters was
    shown without the match."""
    at = text.lower().find(low)
    if at < 60 or len(text) <= width:
        return text[:width]
    start = at - 60
    space = text.find(" ", start, at)
    start = space + 1 if space >= 0 else start
    return "…" + text[start : start + width]


PARTNER_STORE = "vigie-share.sqlite"
"""Where ``vigie share import`` keeps, in a workspace, what partners sent (at its root)."""

_NOT_VALUES = frozenset({"id", "type", "spec_version", "created", "modified", "lang"})
"""STIX properties that hold no observation: a short query (an account id, a hex digest
prefix) would otherwise match objects by their uuids and timestamps."""


def _partner_hits(ws: Workspace, bare: str, limit: int) -> list[Hit]:
    """Objects partners sent whose values hold ``bare`` (any case), or its SHA-256 where the
    partner sent the hashed form: an account, a URL, a domain or a text an ally shared is
    found beside the runs' own, with who sent it, under which TLP.

    Why: an alliance shares so that each member can match what the others saw against its
    own data; the received objects sat in the store with no way to ask it anything."""
    import json

    from vigie.share.import_tables import ImportedObject

    path = partner_store(ws)
    if path is None:
        return []
    low = bare.lower()
    digests = _hashed_forms(bare)
    wanted = [func.lower(ImportedObject.json).like(_pattern(low), escape="\\")]
    wanted += [ImportedObject.json.like(_pattern(d), escape="\\") for d in digests]
    # candidates: a match in an id or a reference is left out below
    rows = _partner_rows(path, or_(*wanted), limit * 5)
    hits: list[Hit] = []
    for kind, tlp, raw, source, received in rows:
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        found = _value_holding(obj, low)
        hashed = False
        if found is None:  # the partner sent the SHA-256 (its hashed form) of what we typed
            found = next((f for f in (_value_holding(obj, d) for d in digests) if f), None)
            hashed = found is not None
        if found is not None:
            detail = f"from {source}, {tlp}, received {str(received)[:10]}"
            detail += ", as its SHA-256" if hashed else ""
            hits.append(Hit("partner", None, None, None, f"{kind}.{found[0]}", found[1], detail))
        if len(hits) >= limit:
            break
    return hits


def partner_store(ws: Workspace) -> Path | None:
    """The workspace's store of what partners sent, when it has one."""
    path = Path(ws.root) / PARTNER_STORE if ws.root is not None else None
    return path if path is not None and path.is_file() else None


def _partner_rows(path: Path, where: Any, limit: int | None) -> list[Any]:
    """(type, tlp, json, source, received) of the stored objects ``where`` selects, oldest
    reception first; one line naming the store when it cannot be read."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from vigie.errors import VigieError
    from vigie.share.import_tables import ImportedObject
    from vigie.share.store import sqlite_url

    o = ImportedObject
    query = select(o.type, o.tlp, o.json, o.first_source, o.first_received).where(where)
    query = query.order_by(o.first_received)
    engine = create_engine(sqlite_url(path))
    try:
        with engine.connect() as con:
            return list(con.execute(query if limit is None else query.limit(limit)).all())
    except SQLAlchemyError as exc:
        from vigie.sqldb import db_error

        raise VigieError(f"{path}: the partners' store cannot be read ({db_error(exc)})") from exc
    finally:
        engine.dispose()


def partner_accounts(ws: Workspace) -> dict[str, set[str]]:
    """Every account id partners sent (a ``user-account``'s ``user_id``, as written: the id,
    or its SHA-256 in a hashed form) -> who sent it ("partner, TLP:AMBER"). Empty without a
    store. The report marks the members a partner shared too (``cases.report``)."""
    import json

    from vigie.share.import_tables import ImportedObject

    path = partner_store(ws)
    if path is None:
        return {}
    found: dict[str, set[str]] = {}
    for _, tlp, raw, source, _ in _partner_rows(path, ImportedObject.type == "user-account", None):
        try:
            user = json.loads(raw).get("user_id")
        except (ValueError, RecursionError, AttributeError):
            continue
        if isinstance(user, str) and user:
            found.setdefault(user, set()).add(f"{source}, {tlp}")
    return found


def shared_by(shared: dict[str, set[str]], platform: str | None, account: str) -> set[str]:
    """Who sent ``account`` among ``partner_accounts``' ids: as written, or as the SHA-256 of
    ``platform:id`` a partner's hashed form holds."""
    from vigie.share.policy import hash_account

    return shared.get(account) or shared.get(hash_account(platform or "", account)) or set()


def _hashed_forms(bare: str) -> set[str]:
    """The SHA-256 a partner's hashed form would hold for the query: of an account
    (``platform:id``, on each platform vigie reads) or of a link (its canonical URI), as
    ``share.policy.hash_account`` and the exports hash them (unsalted: a salted export can be
    matched only by those given its salt)."""
    from vigie.ingest.urls import canonical_url
    from vigie.share.fimi import PLATFORM_NAMES
    from vigie.share.policy import hash_value
    from vigie.share.shareable import as_uri

    forms = {bare} | {f"{p}:{bare}" for p in PLATFORM_NAMES}
    if "." in bare or "/" in bare:
        forms.add(as_uri(canonical_url(bare)))
    return {hash_value(v) for v in forms}


def _value_holding(obj: Any, low: str, key: str = "") -> tuple[str, str] | None:
    """The first property (its name, its text) whose text holds ``low``, leaving out ids,
    references, timestamps and markings."""
    if isinstance(obj, str):
        return (key, obj) if low in obj.lower() else None
    if isinstance(obj, dict):
        items: Any = (
            (k, v)
            for k, v in obj.items()
            if k not in _NOT_VALUES and not k.endswith(("_ref", "_refs"))
        )
    elif isinstance(obj, list):
        items = ((key, v) for v in obj)
    else:
        return None
    for k, v in items:
        found = _value_holding(v, low, k)
        if found is not None:
            return found
    return None


def _handles_to_ids(runs: list[Any], low: str) -> set[str]:
    """Account ids whose handle is ``low`` in the Datasets of the registered runs."""
    from vigie.schema import recorded_dataset

    found = (recorded_dataset(r.path, r.dataset, holding="accounts.parquet") for r in runs)
    paths = sorted({str((ds / "accounts.parquet").resolve()) for ds in found if ds is not None})
    if not paths:
        return set()
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT DISTINCT account_id FROM read_parquet(?, union_by_name=true) "
            "WHERE lower(handle) = ?",
            [paths, low],
        ).fetchall()
    except duckdb.Error:
        return set()
    finally:
        con.close()
    return {str(r[0]).lower() for r in rows if r[0] is not None}


def _existing(runs: list[Any], name: str) -> dict[str, str]:
    out = {}
    for r in runs:
        p = r.path / name
        if p.exists():
            out[str(p.resolve())] = r.id
    return out


def _parquet_hits(
    runs: list[Any],
    q: str,
    low: str,
    accounts: set[str],
    local_to_stable: dict[str, dict[str, str]],
    limit: int,
) -> list[Hit]:
    import duckdb

    hits: list[Hit] = []
    con = duckdb.connect()
    like = f"{_sql_str(_pattern(low))} ESCAPE '\\'"
    # a #tag matches the hashtag object exactly, and the text only where it is written #tag
    obj_cond = (
        f"lower(object) = {_sql_str(low)}"
        if q.startswith("#")
        else (f"lower(coalesce(object, '')) LIKE {like}")
    )
    text_like = f"{_sql_str(_pattern(q.lower()))} ESCAPE '\\'" if q.startswith("#") else like
    accs = "[" + ", ".join(_sql_str(a) for a in sorted(accounts)) + "]"
    try:
        ev = _existing(runs, "evidence.parquet")
        if ev:
            rows = con.execute(
                f"""
                SELECT filename, group_id, kind, object, post_id, account_id, text
                FROM read_parquet(?, union_by_name=true, filename=true)
                WHERE {obj_cond}
                   OR lower(coalesce(text, '')) LIKE {text_like}
                   OR list_contains({accs}, lower(account_id))
                LIMIT {int(limit)}
                """,
                [sorted(ev)],
            ).fetchall()
            for fn, gid, kind, obj, post, acc, text in rows:
                rid = ev[str(Path(fn).resolve())]
                stable = local_to_stable.get(rid, {}).get(str(gid))
                if acc is not None and str(acc).lower() in accounts:
                    fld, val = "account_id", str(acc)
                elif obj is not None and low in str(obj).lower():
                    fld, val = f"object ({kind})", str(obj)
                else:
                    fld, val = "text", _around(text or "", low)
                hits.append(Hit("evidence", rid, stable, str(gid), fld, val, f"post {post}"))
        ed = _existing(runs, "edges.parquet")
        if ed:
            rows = con.execute(
                f"""
                SELECT filename, source, target, kind, weight, group_id
                FROM read_parquet(?, union_by_name=true, filename=true)
                WHERE list_contains({accs}, lower(source)) OR list_contains({accs}, lower(target))
                LIMIT {int(limit)}
                """,
                [sorted(ed)],
            ).fetchall()
            for fn, src, tgt, kind, w, gid in rows:
                rid = ed[str(Path(fn).resolve())]
                stable = local_to_stable.get(rid, {}).get(str(gid)) if gid else None
                hits.append(Hit("edge", rid, stable, gid, kind, f"{src} {tgt}", f"weight {w}"))
        hits.extend(_pairs_hits(con, runs, accs, limit))
        gr = _existing(runs, "groups.parquet")
        if gr:
            rows = con.execute(
                f"""
                SELECT filename, group_id, summary
                FROM read_parquet(?, union_by_name=true, filename=true)
                WHERE lower(coalesce(summary, '')) LIKE {like}
                   OR lower(coalesce(array_to_string(top_objects, ' '), '')) LIKE {like}
                LIMIT {int(limit)}
                """,
                [sorted(gr)],
            ).fetchall()
            for fn, gid, summary in rows:
                rid = gr[str(Path(fn).resolve())]
                stable = local_to_stable.get(rid, {}).get(str(gid))
                hits.append(Hit("summary", rid, stable, str(gid), "summary", summary or ""))
    except duckdb.Error as exc:
        from vigie.errors import VigieError

        raise VigieError(f"search: cannot read the runs' Parquet files ({exc})") from exc
    finally:
        con.close()
    return hits


def _pairs_hits(con: Any, runs: list[Any], accs: str, limit: int) -> list[Hit]:
    """``pairs.parquet`` (written by newer detectors): any two account columns."""
    hits: list[Hit] = []
    for path, rid in _existing(runs, "pairs.parquet").items():
        cols = [
            c[0] for c in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
        ]
        pair_cols = [
            c
            for c in ("account_id_a", "account_id_b", "source", "target", "account_a", "account_b")
            if c in cols
        ][:2]
        if len(pair_cols) < 2:
            continue
        x, y = pair_cols
        cond = (
            f"list_contains({accs}, lower(CAST({x} AS VARCHAR))) OR "
            f"list_contains({accs}, lower(CAST({y} AS VARCHAR)))"
        )
        for a, b in con.execute(
            f"SELECT {x}, {y} FROM read_parquet(?) WHERE {cond} LIMIT {int(limit)}", [path]
        ).fetchall():
            hits.append(Hit("pair", rid, None, None, "pair", f"{a} {b}"))
    return hits
