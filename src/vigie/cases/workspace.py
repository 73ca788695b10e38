"""A workspace: a folder holding Datasets, runs of Findings and the case store.

Layout (``vigie init PATH``)::

    PATH/workspace.json   {"kind": "vigie-workspace", "db": "sqlite:///cases.db" | URL}
    PATH/datasets/        Datasets (vigie ingest … --into PATH/datasets/NAME)
    PATH/runs/<run id>/   Findings written by vigie detect --workspace PATH
    PATH/cases.db         the case store (SQLite), unless ``db`` names a PostgreSQL server

Why a folder found like git finds its repository: analysts run commands from wherever they
are in it; ``--workspace``/``$VIGIE_WORKSPACE`` name it explicitly. The case store keeps
the memberships of every run, so diffs and decisions survive a deleted run folder.

The Python API (also what the web workbench calls): ``Workspace.init``, ``Workspace.open``,
``Workspace.find``, then ``register_run``, ``list_runs``, ``run``, ``groups``, ``group``,
``members``, ``decide``, ``history``, ``decision_log``, ``lineage``, ``diff``, ``search``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from vigie.atomic import atomic_file
from vigie.cases import decisions as dec
from vigie.cases.findings_io import read_run
from vigie.cases.identity import Membership, jaccard, match, member_key
from vigie.cases.models import (
    AppearanceRow,
    DecisionRow,
    GroupRow,
    LineageRow,
    MemberRow,
    RunRow,
)
from vigie.cases.records import Decision, GroupState, LineageEvent, Run
from vigie.cases.store import CaseStore, as_utc, redact_url, utcnow
from vigie.errors import NotFound, VigieError, shortened
from vigie.json_guard import UNREADABLE, why

if TYPE_CHECKING:
    from vigie.cases.decision_log import DecisionFilter, DecisionPage
    from vigie.cases.diff import RunDiff
    from vigie.cases.search import Hit

MARKER = "workspace.json"
KIND = "vigie-workspace"
ENV = "VIGIE_WORKSPACE"
DB_ENV = "VIGIE_DB"
DEFAULT_DB = "sqlite:///cases.db"  # relative to the workspace folder


def _group_ref(text: str) -> bool:
    return text.upper().startswith("G-")


class Workspace:
    """One workspace (folder + case store). Open with ``Workspace.open`` or ``find``."""

    def __init__(self, root: Path | None, db_url: str) -> None:
        self.root = root.resolve() if root is not None else None
        self.db_url = db_url
        self.store = CaseStore(db_url)

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def init(cls, path: str | Path, db: str | None = None) -> Workspace:
        """Create (or re-open) the workspace folder ``path``; ``db``: a database URL for
        server mode (PostgreSQL), default a ``cases.db`` SQLite file inside it."""
        root = Path(path)
        if root.exists() and not root.is_dir():
            raise VigieError(f"{root}: is a file, not a folder")
        marker = root / MARKER
        if marker.exists():
            ws = cls.open(root)
            if db is not None and db != ws._configured_db():
                raise VigieError(
                    f"{root}: already a workspace with another database "
                    f"({redact_url(ws._configured_db())})"
                )
            return ws
        for sub in ("datasets", "runs"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        config = {"kind": KIND, "db": db or DEFAULT_DB, "version": 1}
        ws = cls(root, _resolve_db(root, config["db"]))  # migrate first: a bad URL fails here
        with atomic_file(marker) as fh:
            json.dump(config, fh, indent=2, sort_keys=True)
            fh.write("\n")
        return ws

    @classmethod
    def open(cls, target: str | Path) -> Workspace:
        """Open a workspace folder, or a bare case store by database URL (server mode)."""
        text = str(target)
        if "://" in text:
            return cls(None, text)
        root = Path(target)
        marker = root / MARKER
        if not marker.exists():
            raise VigieError(f"{root}: not a vigie workspace ({MARKER} missing; run vigie init)")
        try:
            config = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, *UNREADABLE) as exc:  # ValueError: also a too long integer
            raise VigieError(f"{marker}: not readable ({why(exc)})") from None
        if not isinstance(config, dict) or config.get("kind") != KIND:
            raise VigieError(f"{marker}: not a vigie workspace file (kind is not {KIND!r})")
        db = os.environ.get(DB_ENV) or config.get("db") or DEFAULT_DB
        return cls(root, _resolve_db(root, str(db)))

    @classmethod
    def find(
        cls, explicit: str | Path | None = None, start: str | Path | None = None
    ) -> Workspace | None:
        """The workspace named by ``explicit``, else ``$VIGIE_WORKSPACE``, else the first
        folder holding ``workspace.json`` from ``start`` (default: the current folder)
        upwards; None when there is none."""
        named = explicit if explicit is not None else os.environ.get(ENV) or None
        if named is not None:
            return cls.open(named)
        here = Path(start if start is not None else Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / MARKER).exists():
                return cls.open(folder)
        return None

    def _configured_db(self) -> str:
        if self.root is None:
            return self.db_url
        cfg = json.loads((self.root / MARKER).read_text(encoding="utf-8"))
        return str(cfg.get("db") or DEFAULT_DB)

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({self.root or redact_url(self.db_url)!s})"

    @property
    def runs_dir(self) -> Path:
        if self.root is None:
            raise VigieError("this case store has no workspace folder (opened by URL)")
        return self.root / "runs"

    @property
    def datasets_dir(self) -> Path:
        if self.root is None:
            raise VigieError("this case store has no workspace folder (opened by URL)")
        return self.root / "datasets"

    def new_run_dir(self) -> Path:
        """A fresh ``runs/<UTC time>`` folder name (not created) for the next detection."""
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        path = self.runs_dir / stamp
        n = 1
        while path.exists():
            n += 1
            path = self.runs_dir / f"{stamp}-{n}"
        return path

    # --- runs ----------------------------------------------------------------------------

    def _stored_path(self, path: Path) -> str:
        p = path.resolve()
        if self.root is not None and p.is_relative_to(self.root):
            return str(p.relative_to(self.root))
        return str(p)

    def _run_record(self, r: RunRow) -> Run:
        p = Path(r.path)
        if not p.is_absolute() and self.root is not None:
            p = self.root / p
        return Run(
            id=r.id,
            seq=r.seq,
            path=p,
            registered_at=as_utc(r.registered_at),  # type: ignore[arg-type]
            registered_by=r.registered_by,
            n_groups=r.n_groups,
            n_members=r.n_members,
            dataset=r.dataset,
            label=r.label,
            data_first=as_utc(r.data_first),
            data_last=as_utc(r.data_last),
        )

    def list_runs(self) -> list[Run]:
        """Every registered run, oldest first."""
        with self.store.session() as s:
            return [self._run_record(r) for r in s.scalars(select(RunRow).order_by(RunRow.seq))]

    def run(self, ref: str | int | Run | None = None) -> Run:
        """A run by id, sequence number (``3``, ``#3``), ``last``/``previous``, negative
        index (``-1`` last) or Findings path; None: the last run."""
        if isinstance(ref, Run):
            return ref
        runs = self.list_runs()
        if not runs:
            raise NotFound(
                "no run registered in this workspace yet (vigie detect -w …)", str(ref or "")
            )
        if ref is None or str(ref) in ("last", "latest"):
            return runs[-1]
        text = str(ref).strip()
        if text == "previous":
            if len(runs) < 2:
                raise NotFound("only one run registered: there is no previous run", text)
            return runs[-2]
        for r in runs:
            if r.id == text:
                return r
        num = text.lstrip("#")
        if num.lstrip("-").isdigit():
            n = int(num)
            if n < 0 and -n <= len(runs):
                return runs[n]
            for r in runs:
                if r.seq == n:
                    return r
        p = Path(text)
        try:
            is_path = p.exists()
        except OSError:  # a name longer than the file system allows: no such run either
            is_path = False
        if is_path:
            rp = p.resolve()
            for r in reversed(runs):
                if r.path.resolve() == rp:
                    return r
        known = ", ".join(f"#{r.seq} {r.id}" for r in runs[-5:])
        raise NotFound(f"no run {shortened(text, 80)!r} in this workspace (latest: {known})", text)

    def register_run(
        self, findings: str | Path, *, label: str | None = None, author: str | None = None
    ) -> Run:
        """Register a Findings folder as the next run: match its groups to the known ones
        (see ``vigie.cases.identity``), record memberships and lineage. Registering the same
        unchanged folder again returns the existing run."""
        from sqlalchemy.exc import IntegrityError

        content = read_run(findings)
        for attempt in range(5):
            try:
                return self._register(content, label, author)
            except IntegrityError as exc:  # another process registered a run meanwhile
                if attempt == 4:
                    raise VigieError(
                        f"{content.path}: could not register (the case store kept changing "
                        f"under us: {exc.orig})"
                    ) from exc
        raise AssertionError("unreachable")

    def _register(self, content: Any, label: str | None, author: str | None) -> Run:
        stored_path = self._stored_path(content.path)
        with self.store.session() as s:
            same = s.scalars(
                select(RunRow).where(
                    RunRow.fingerprint == content.fingerprint, RunRow.path == stored_path
                )
            ).first()
            if same is not None:
                return self._run_record(same)
            last = s.scalars(select(RunRow).order_by(RunRow.seq.desc()).limit(1)).first()
            seq = (last.seq + 1) if last else 1
            known = self._latest_memberships(s)
            previous = set(self._run_group_ids(s, last.id)) if last else set()
            taken = set(s.scalars(select(GroupRow.id)))
            new = {lid: content.membership(lid) for lid in content.groups}
            result = match(known, new, previous=previous, taken=taken)
            now = utcnow()
            run_id = _run_id(content.path, now, {r for r in s.scalars(select(RunRow.id))})
            n_members = len({k for m in new.values() for k in m})
            s.add(
                RunRow(
                    id=run_id,
                    seq=seq,
                    path=stored_path,
                    fingerprint=content.fingerprint,
                    dataset=content.dataset,
                    label=label,
                    registered_at=now,
                    registered_by=dec.current_author(author),
                    n_groups=len(content.groups),
                    n_members=n_members,
                    data_first=content.data_first,
                    data_last=content.data_last,
                )
            )
            s.flush()
            # bulk statements (Core): a run of thousands of groups registers in seconds
            ids = sorted(set(result.ids.values()))
            existing = set(taken) & set(ids)
            new_ids = [g for g in ids if g not in existing]
            if new_ids:
                s.execute(
                    GroupRow.__table__.insert(),
                    [{"id": g, "born_run": run_id, "last_run": run_id} for g in new_ids],
                )
            old_ids = sorted(existing)
            for i in range(0, len(old_ids), 500):
                s.execute(
                    update(GroupRow)
                    .where(GroupRow.id.in_(old_ids[i : i + 500]))
                    .values(last_run=run_id)
                )
            appearances, member_rows = [], []
            for lid, row in content.groups.items():
                gid = result.ids[lid]
                mem = content.members.get(lid, {})
                appearances.append(
                    {
                        "run_id": run_id,
                        "local_id": lid,
                        "group_id": gid,
                        "n_members": len(mem) or int(row.get("n_members") or 0),
                        "score": _float(row.get("score")),
                        "n_posts": _int(row.get("n_posts")),
                        "signals": [str(x) for x in row.get("signals") or []],
                        "techniques": [str(x) for x in row.get("techniques") or []],
                        "objects": content.objects.get(lid, []),
                        "summary": row.get("summary"),
                        "match": "born" if lid in result.born else "matched",
                        "jaccard": result.jaccard.get(lid),
                    }
                )
                member_rows.extend(
                    {
                        "run_id": run_id,
                        "group_id": gid,
                        "account": key,
                        "platform": plat,
                        "account_id": acc,
                    }
                    for key, (plat, acc) in sorted(mem.items())
                )
            if appearances:
                s.execute(AppearanceRow.__table__.insert(), appearances)
            if member_rows:
                s.execute(MemberRow.__table__.insert(), member_rows)
            lineage = [
                {"run_id": run_id, "event": e, "parent": p, "child": c, "overlap": o, "jaccard": j}
                for e, p, c, o, j in result.events
            ]
            if lineage:
                s.execute(LineageRow.__table__.insert(), lineage)
            s.flush()
            return self._run_record(s.get(RunRow, run_id))  # type: ignore[arg-type]

    def _run_group_ids(self, s: Any, run_id: str) -> list[str]:
        return list(s.scalars(select(AppearanceRow.group_id).where(AppearanceRow.run_id == run_id)))

    def _latest_memberships(self, s: Any) -> dict[str, Membership]:
        """Every known group's membership in the last run it appeared in."""
        rows = s.execute(
            select(MemberRow.group_id, MemberRow.account)
            .join(GroupRow, GroupRow.id == MemberRow.group_id)
            .where(MemberRow.run_id == GroupRow.last_run)
        ).all()
        out: dict[str, set[str]] = {}
        for gid, acc in rows:
            out.setdefault(gid, set()).add(acc)
        for gid in s.scalars(select(GroupRow.id)):
            out.setdefault(gid, set())
        return {k: frozenset(v) for k, v in out.items()}

    # --- groups --------------------------------------------------------------------------

    def members(self, group: str, run: str | int | Run | None = None) -> list[str]:
        """Member keys (``platform:account_id``) of ``group`` in ``run`` (default: the last
        run the group appeared in)."""
        gid = self.resolve_group(group, run)
        wanted = self.run(run).id if run is not None else None
        with self.store.session() as s:
            run_id = wanted or s.get(GroupRow, gid).last_run  # type: ignore[union-attr]
            return sorted(
                s.scalars(
                    select(MemberRow.account).where(
                        MemberRow.group_id == gid, MemberRow.run_id == run_id
                    )
                )
            )

    def unknown_accounts(self, ids: Iterable[str]) -> list[str]:
        """Those of ``ids`` that no group of any run holds as a member, by ``platform:id``
        or by the id alone.

        Why: a decision on an account or a pair is kept as typed, so a mistyped id is
        recorded without complaint and never applies; the command line says so."""
        out = []
        with self.store.session() as s:
            for i in ids:
                hit = s.scalars(
                    select(MemberRow.account)
                    .where(
                        (MemberRow.account == i)
                        | MemberRow.account.endswith(f":{i}", autoescape=True)
                    )
                    .limit(1)
                ).first()
                if hit is None:
                    out.append(i)
        return out

    def unseen_accounts(self, ids: Iterable[str]) -> list[str]:
        """Those of ``ids`` that no run has seen: a member of no group (``unknown_accounts``)
        and named in no registered run's strong ties outside groups (``pairs.parquet``, read
        while the run's folder is still on disk).

        Why both: the pairs a run lists are, by definition, mostly of accounts in no group;
        a decision on such a pair is about accounts the workspace knows. The web workbench
        refuses ids seen nowhere (its forms only offer seen ones, so such an id is a typo or
        a forged post); the command line keeps them with a warning."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        left = self.unknown_accounts(ids)
        for run in self.list_runs() if left else []:
            path = run.path / "pairs.parquet"
            if not left or not path.exists():
                continue
            try:
                names = pq.read_schema(path).names
                cols = [c for c in ("account_id_a", "account_id_b") if c in names]
                table = pq.read_table(path, columns=cols) if cols else None
            except (OSError, ValueError):  # an unreadable file names nobody
                continue
            if table is None:
                continue
            wanted = pa.array(sorted({f for i in left for f in (i, i.split(":", 1)[-1])}))
            seen: set[str] = set()
            for c in cols:
                col = pc.cast(table.column(c), pa.string())
                seen.update(x for x in col.filter(pc.is_in(col, wanted)).to_pylist() if x)
            left = [i for i in left if i not in seen and i.split(":", 1)[-1] not in seen]
        return left

    def decision_histories(
        self, kind: str, targets: Iterable[str | tuple[str, str] | list[str]]
    ) -> dict[str, list[Decision]]:
        """Every decision on each of ``targets`` (accounts or pairs), oldest first (the last
        is in force), keyed by the target as given (a pair: ``"A B"``, sorted).

        Why one call: a group page shows the decision on each of hundreds of members, and a
        run page on each of its pairs, in one query rather than one per row. An account
        given as ``platform:id`` also gathers the decisions typed as the bare id, since the
        exports and the risk evidence apply both (``vigie.cases.downstream``)."""
        if kind not in ("account", "pair"):
            raise VigieError(f"unknown target kind {kind!r} (account or pair)")
        asked: dict[str, list[str]] = {}
        for t in targets:
            _, key = self._target(t, kind, None)
            forms = [key]
            if kind == "account" and ":" in key:
                forms.append(key.split(":", 1)[1])
            asked[key] = forms
        with self.store.session() as s:
            found = self._histories(s, kind, {f for fs in asked.values() for f in fs}, until=None)
        out: dict[str, list[Decision]] = {}
        for key, forms in asked.items():
            hist = sorted((d for f in forms for d in found.get(f, [])), key=lambda d: d.seq)
            if hist:
                out[key] = hist
        return out

    def resolve_group(self, ref: str, run: str | int | Run | None = None) -> str:
        """A stable id from ``G-…`` (case-insensitive) or a run's local id (``g0003``,
        in ``run``, default the last run)."""
        text = str(ref).strip()
        with self.store.session() as s:
            if _group_ref(text):
                gid = text.upper()
                if s.get(GroupRow, gid) is None:
                    raise NotFound(f"no group {shortened(gid, 80)} in this workspace", text)
                return gid
            r = self.run(run)
            app = s.get(AppearanceRow, (r.id, text))
            if app is None:
                raise NotFound(
                    f"no group {shortened(text, 80)!r} in run #{r.seq} {r.id} (give a stable "
                    "id like G-7F3A2C)",
                    text,
                )
            return app.group_id

    def groups(self, run: str | int | Run | None = None) -> list[GroupState]:
        """The groups of ``run`` (default: the last) with stable ids and review state,
        strongest first."""
        r = self.run(run)
        with self.store.session() as s:
            apps = list(s.scalars(select(AppearanceRow).where(AppearanceRow.run_id == r.id)))
            mems: dict[str, set[str]] = {}
            for gid, acc in s.execute(
                select(MemberRow.group_id, MemberRow.account).where(MemberRow.run_id == r.id)
            ):
                mems.setdefault(gid, set()).add(acc)
            born = dict(
                s.execute(
                    select(GroupRow.id, GroupRow.born_run).where(
                        GroupRow.id.in_([a.group_id for a in apps])
                    )
                ).all()
            )
            hist = self._histories(s, "group", [a.group_id for a in apps], until=None)
            inh = self._inherited(s, r.id, [a.group_id for a in apps])
        out = [
            self._state(
                a, mems.get(a.group_id, set()), hist.get(a.group_id, []), born, inh.get(a.group_id)
            )
            for a in apps
        ]
        out.sort(key=lambda g: (-(g.score or 0.0), g.id))
        return out

    def group(self, ref: str, run: str | int | Run | None = None) -> GroupState:
        """One group's state in ``run`` (default: the last run it appeared in)."""
        gid = self.resolve_group(ref, run)
        wanted = self.run(run).id if run is not None else None
        with self.store.session() as s:
            run_id = wanted or s.get(GroupRow, gid).last_run  # type: ignore[union-attr]
            a = s.scalars(
                select(AppearanceRow).where(
                    AppearanceRow.run_id == run_id, AppearanceRow.group_id == gid
                )
            ).first()
            if a is None:
                raise NotFound(f"group {gid} is not in run {run_id}", gid)
            mem = set(
                s.scalars(
                    select(MemberRow.account).where(
                        MemberRow.run_id == run_id, MemberRow.group_id == gid
                    )
                )
            )
            born = {gid: s.get(GroupRow, gid).born_run}  # type: ignore[union-attr]
            hist = self._histories(s, "group", [gid], until=None)
            inh = self._inherited(s, run_id, [gid])
        return self._state(a, mem, hist.get(gid, []), born, inh.get(gid))

    def _inherited(self, s: Any, run_id: str, gids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Decided groups that split into or merged into ``gids`` when ``run_id`` came in."""
        rows = s.execute(
            select(LineageRow.child, LineageRow.parent, LineageRow.event).where(
                LineageRow.run_id == run_id, LineageRow.event.in_(["split", "merged"])
            )
        ).all()
        wanted = set(gids)
        links = [(c, p, e) for c, p, e in rows if c in wanted and p is not None]
        hist = self._histories(s, "group", sorted({p for _, p, _ in links}), until=None)
        out: dict[str, list[dict[str, Any]]] = {}
        for child, parent, event in links:
            if hist.get(parent):
                d = hist[parent][-1]
                out.setdefault(child, []).append(
                    {"parent": parent, "event": event, "status": d.status, "reason": d.reason}
                )
        return out

    def find_run(self, findings: str | Path) -> Run | None:
        """The registered run whose folder is ``findings`` with the same content, if any."""
        from vigie.cases.findings_io import fingerprint

        path = Path(findings)
        stored = self._stored_path(path)
        fp = fingerprint(path)
        with self.store.session() as s:
            row = s.scalars(
                select(RunRow)
                .where(RunRow.path == stored, RunRow.fingerprint == fp)
                .order_by(RunRow.seq.desc())
            ).first()
            return self._run_record(row) if row is not None else None

    def review(self, findings: str | Path) -> dict[str, GroupState]:
        """Local id -> GroupState for any Findings folder, registered or not.

        Why: ``report``, ``risk evidence`` and ``share export`` are given a Findings folder;
        when it is a registered run its states are read back, otherwise its groups are
        matched to the known ones by the same rule without registering anything (a group
        that matches none is ``unreviewed`` under a provisional ``G-`` id)."""
        run = self.find_run(findings)
        if run is not None:
            return {g.local_id: g for g in self.groups(run)}
        content = read_run(findings)
        new = {lid: content.membership(lid) for lid in content.groups}
        with self.store.session() as s:
            known = self._latest_memberships(s)
            result = match(known, new, taken=set(known))
            hist = self._histories(s, "group", sorted(set(result.ids.values())), until=None)
            born = dict(s.execute(select(GroupRow.id, GroupRow.born_run)).all())
        out = {}
        for lid, row in content.groups.items():
            gid = result.ids[lid]
            app = AppearanceRow(
                run_id="(not registered)",
                local_id=lid,
                group_id=gid,
                n_members=len(new[lid]) or int(row.get("n_members") or 0),
                score=_float(row.get("score")),
                n_posts=_int(row.get("n_posts")),
                signals=[str(x) for x in row.get("signals") or []],
                techniques=[str(x) for x in row.get("techniques") or []],
                objects=content.objects.get(lid, []),
                summary=row.get("summary"),
                match="born" if lid in result.born else "matched",
                jaccard=result.jaccard.get(lid),
            )
            out[lid] = self._state(app, set(new[lid]), hist.get(gid, []), born)
        return out

    def dismissed_pairs(self) -> set[tuple[str, str]]:
        """Pairs (sorted) whose decision in force is ``dismissed``."""
        latest: dict[str, str] = {}
        for d in self.decisions("pair"):
            latest[d.target] = d.status
        return {tuple(t.split(" ", 1)) for t, st in latest.items() if st == "dismissed"}  # type: ignore[misc]

    def dismissed_accounts(self) -> set[str]:
        """Accounts whose decision in force is ``dismissed`` (as typed: id or platform:id)."""
        latest: dict[str, str] = {}
        for d in self.decisions("account"):
            latest[d.target] = d.status
        return {t for t, st in latest.items() if st == "dismissed"}

    def _state(
        self,
        a: AppearanceRow,
        mem: set[str],
        hist: list[Decision],
        born: dict[str, str],
        inherited: list[dict[str, Any]] | None = None,
    ) -> GroupState:
        last = hist[-1] if hist else None
        status, rereview, drift = dec.UNREVIEWED, False, None
        if last is None and inherited:
            status, rereview = "needs-review", True
        if last is not None:
            status = last.status
            snap = self._snapshot(last)
            if snap is not None:
                drift = round(jaccard(snap, mem), 6)
                if drift < dec.REREVIEW_JACCARD:
                    rereview = True
                    status = "needs-review"
        return GroupState(
            id=a.group_id,
            run_id=a.run_id,
            local_id=a.local_id,
            n_members=a.n_members,
            score=a.score,
            n_posts=a.n_posts,
            signals=list(a.signals or []),
            techniques=list(a.techniques or []),
            objects=list(a.objects or []),
            summary=a.summary,
            match=a.match,
            jaccard=a.jaccard,
            status=status,
            decision=last,
            rereview=rereview,
            drift=drift,
            born_run=born.get(a.group_id),
            history=hist,
            inherited=list(inherited or []),
        )

    def _snapshot(self, d: Decision) -> frozenset[str] | None:
        with self.store.session() as s:
            row = s.get(DecisionRow, d.seq)
            return frozenset(row.membership) if row and row.membership is not None else None

    def lineage(self, group: str) -> list[LineageEvent]:
        """Every lineage event naming ``group`` (as parent or child), oldest run first."""
        gid = self.resolve_group(group)
        with self.store.session() as s:
            rows = s.execute(
                select(LineageRow, RunRow.seq)
                .join(RunRow, RunRow.id == LineageRow.run_id)
                .where((LineageRow.parent == gid) | (LineageRow.child == gid))
                .order_by(RunRow.seq, LineageRow.rowid)
            ).all()
            return [
                LineageEvent(r.run_id, r.event, r.parent, r.child, r.overlap, r.jaccard)
                for r, _ in rows
            ]

    def lineage_of_run(self, run: str | int | Run | None = None) -> list[LineageEvent]:
        """The lineage events recorded when ``run`` was registered."""
        r = self.run(run)
        with self.store.session() as s:
            rows = s.scalars(
                select(LineageRow).where(LineageRow.run_id == r.id).order_by(LineageRow.rowid)
            )
            return [
                LineageEvent(x.run_id, x.event, x.parent, x.child, x.overlap, x.jaccard)
                for x in rows
            ]

    # --- decisions -----------------------------------------------------------------------

    def decide(
        self,
        target: str | tuple[str, str] | list[str],
        status: str,
        *,
        reason: str | None = None,
        note: str | None = None,
        author: str | None = None,
        kind: str | None = None,
        run: str | int | Run | None = None,
    ) -> Decision:
        """Record a decision on a group (``G-…`` or a local id of ``run``), an account
        (``kind="account"``) or a pair (a 2-tuple, or ``kind="pair"`` with ``"A B"``).
        Appends to the history; nothing is ever overwritten."""
        st, rs = dec.check(status, reason, note)
        who = dec.current_author(author)
        tkind, tvalue = self._target(target, kind, run)
        membership = None
        run_id = None
        wanted = self.run(run).id if run is not None else None
        with self.store.session() as s:
            last = s.scalars(select(RunRow).order_by(RunRow.seq.desc()).limit(1)).first()
            run_id = wanted or (last.id if last else None)
            if tkind == "group":
                g = s.get(GroupRow, tvalue)
                run_id = wanted or g.last_run  # type: ignore[union-attr]
                membership = sorted(
                    s.scalars(
                        select(MemberRow.account).where(
                            MemberRow.group_id == tvalue, MemberRow.run_id == run_id
                        )
                    )
                )
            row = DecisionRow(
                target_kind=tkind,
                target=tvalue,
                status=st,
                reason=rs,
                note=(note or "").strip() or None,
                author=who,
                decided_at=utcnow(),
                run_id=run_id,
                membership=membership,
            )
            s.add(row)
            s.flush()
            return _decision(row)

    def _target(
        self, target: str | tuple[str, str] | list[str], kind: str | None, run: Any
    ) -> tuple[str, str]:
        if isinstance(target, tuple | list):
            if len(target) != 2 or not all(str(t).strip() for t in target):
                raise VigieError("a pair is two account ids")
            a, b = sorted(str(t).strip() for t in target)
            if a == b:
                raise VigieError(f"a pair needs two different accounts (got {a} twice)")
            return "pair", f"{a} {b}"
        text = str(target).strip()
        if not text:
            raise VigieError("nothing to decide on: give a group, --account or --pair")
        if kind == "pair":
            parts = text.split()
            return self._target((parts[0], parts[-1]) if len(parts) == 2 else parts, None, run)
        if kind == "account":
            return "account", text
        if kind not in (None, "group"):
            raise VigieError(f"unknown target kind {kind!r} (group, account or pair)")
        return "group", self.resolve_group(text, run)

    def history(
        self, target: str | tuple[str, str] | list[str], *, kind: str | None = None
    ) -> list[Decision]:
        """Every decision on ``target``, oldest first (the last one is in force)."""
        tkind, tvalue = self._target(target, kind, None)
        with self.store.session() as s:
            return self._histories(s, tkind, [tvalue], until=None).get(tvalue, [])

    def decisions(self, kind: str | None = None) -> list[Decision]:
        """All decisions (optionally of one kind), oldest first."""
        with self.store.session() as s:
            q = select(DecisionRow).order_by(DecisionRow.seq)
            if kind is not None:
                q = q.where(DecisionRow.target_kind == kind)
            return [_decision(r) for r in s.scalars(q)]

    def decision_log(
        self,
        flt: DecisionFilter | None = None,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = 100,
    ) -> DecisionPage:
        """One page of every decision (groups, accounts, pairs), newest first, narrowed by
        ``flt``, with where each can be seen; paged in SQL by sequence number (``before``:
        older than, ``after``: newer than), so deciding meanwhile shifts nothing.

        Why beside ``decisions``: that one reads the whole log, which the CLI's exports
        need; a page of the workbench must read only its hundred rows."""
        from vigie.cases import decision_log as log

        return log.page(self, flt or log.DecisionFilter(), before=before, after=after, limit=limit)

    def decision_authors(self) -> list[str]:
        """Everyone who decided something, sorted (a filter's choices)."""
        from vigie.cases import decision_log as log

        return log.authors(self)

    def write_decisions_csv(self, path: str | Path, flt: DecisionFilter | None = None) -> int:
        """The decisions ``flt`` keeps, newest first, as a CSV file written atomically, its
        cells guarded against formula injection; returns how many rows."""
        from vigie.cases import decision_log as log

        return log.write_csv(self, flt or log.DecisionFilter(), path)

    def status_of(self, target: str, kind: str = "account") -> str:
        """The status in force for an account or pair (``unreviewed`` when none)."""
        h = self.history(target, kind=kind)
        return h[-1].status if h else dec.UNREVIEWED

    def _histories(
        self, s: Any, kind: str, targets: Iterable[str], until: datetime | None
    ) -> dict[str, list[Decision]]:
        ids = list(targets)
        out: dict[str, list[Decision]] = {}
        for i in range(0, len(ids), 500):
            q = (
                select(DecisionRow)
                .where(DecisionRow.target_kind == kind, DecisionRow.target.in_(ids[i : i + 500]))
                .order_by(DecisionRow.seq)
            )
            for r in s.scalars(q):
                out.setdefault(r.target, []).append(_decision(r))
        return out

    # --- comparison and search -------------------------------------------------------------

    def diff(
        self, run_a: str | int | Run | None = None, run_b: str | int | Run | None = None
    ) -> RunDiff:
        """What changed between two runs (default: the previous and the last)."""
        from vigie.cases.diff import diff_runs

        if run_a is None and run_b is None:
            runs = self.list_runs()
            if len(runs) < 2:
                raise VigieError(f"a diff needs two registered runs (only {len(runs)} so far)")
            run_a, run_b = runs[-2], runs[-1]
        return diff_runs(self, self.run(run_a), self.run(run_b))

    def search(self, query: str, *, limit: int = 200) -> list[Hit]:
        """Accounts, handles, URLs, domains, hashtags or text across runs, groups, pairs
        and decisions (see ``vigie.cases.search``)."""
        from vigie.cases.search import search

        return search(self, query, limit=limit)

    def memberships(self, run: str | int | Run) -> dict[str, frozenset[str]]:
        """Stable id -> member keys for every group of ``run``."""
        r = self.run(run)
        out: dict[str, set[str]] = {}
        with self.store.session() as s:
            for gid in self._run_group_ids(s, r.id):
                out.setdefault(gid, set())
            for gid, acc in s.execute(
                select(MemberRow.group_id, MemberRow.account).where(MemberRow.run_id == r.id)
            ):
                out[gid].add(acc)
        return {k: frozenset(v) for k, v in out.items()}

    def local_ids(self, run: str | int | Run) -> dict[str, str]:
        """Local (rank) id -> stable id in ``run``."""
        r = self.run(run)
        with self.store.session() as s:
            return dict(
                s.execute(
                    select(AppearanceRow.local_id, AppearanceRow.group_id).where(
                        AppearanceRow.run_id == r.id
                    )
                ).all()
            )

    def count_groups(self) -> int:
        with self.store.session() as s:
            return int(s.scalar(select(func.count()).select_from(GroupRow)) or 0)


def _resolve_db(root: Path, db: str) -> str:
    """``sqlite:///relative.db`` is relative to the workspace folder, not the current one."""
    prefix = "sqlite:///"
    if db.startswith(prefix) and not db.startswith(prefix + "/") and db != "sqlite:///:memory:":
        return prefix + str((root / db[len(prefix) :]).resolve())
    return db


def _run_id(path: Path, now: datetime, taken: set[str]) -> str:
    """The run folder's name when it is a ``runs/<stamp>`` folder, else a UTC stamp."""
    base = path.name if path.parent.name == "runs" else now.strftime("%Y%m%dT%H%M%SZ")
    rid, n = base, 1
    while rid in taken:
        n += 1
        rid = f"{base}-{n}"
    return rid


def _decision(r: DecisionRow) -> Decision:
    return Decision(
        seq=r.seq,
        target_kind=r.target_kind,
        target=r.target,
        status=r.status,
        reason=r.reason,
        note=r.note,
        author=r.author,
        decided_at=as_utc(r.decided_at),  # type: ignore[arg-type]
        run_id=r.run_id,
    )


def _float(v: Any) -> float | None:
    return None if v is None else float(v)


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


__all__ = ["Workspace", "member_key"]
