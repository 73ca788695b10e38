"""Downstream respects decisions: what ``risk evidence`` and ``share export`` may use.

The rule (docs/triage.md): by default only **confirmed** groups are used; with
``include_unreviewed`` the unreviewed and needs-review groups are added and labelled;
**dismissed** groups, and accounts dismissed one by one, are never used. Outside a workspace
there are no decisions: the Findings are used as they are, every group unreviewed, with a
warning (so that plain ``vigie detect --out F`` pipelines keep working).

Why a filtered copy of the Findings folder rather than new code paths in risk/ and share/:
both already read a Findings folder; handing them a copy holding only the allowed groups
(with stable ids ``G-…`` in place of the run's rank ids) keeps their code unchanged and makes
it impossible for a dismissed group to slip through a path that forgot to check.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vigie.atomic import file_sha256
from vigie.cases.decisions import UNREVIEWED
from vigie.errors import VigieError
from vigie.schema import Findings, read_json, recorded_dataset, techniques_index, write_json

if TYPE_CHECKING:
    from vigie.cases.records import GroupState
    from vigie.cases.workspace import Workspace

UNREVIEWED_LABEL = " (unreviewed)"
PAIR_COLUMNS = ("account_id_a", "account_id_b", "source", "target", "account_a", "account_b")


@dataclass
class Reviewed:
    """The filtered Findings folder and what was kept or left out, and why."""

    path: Path
    workspace: bool
    kept: list[dict[str, Any]] = field(default_factory=list)  # id, local_id, status
    left_out: Counter = field(default_factory=Counter)  # status -> groups left out
    accounts_removed: int = 0

    @property
    def unreviewed(self) -> list[str]:
        return [k["id"] for k in self.kept if k["status"] != "confirmed"]

    def line(self) -> str:
        """One sentence for the console."""
        conf = sum(1 for k in self.kept if k["status"] == "confirmed")
        parts = [f"{conf} confirmed group(s) used"]
        if self.unreviewed:
            parts.append(f"{len(self.unreviewed)} unreviewed added (--include-unreviewed)")
        for st, n in sorted(self.left_out.items()):
            why = "never used" if st == "dismissed" else "add with --include-unreviewed"
            parts.append(f"{n} {st} left out ({why})")
        if self.accounts_removed:
            parts.append(f"{self.accounts_removed} dismissed account row(s) removed")
        if not self.workspace:
            parts.append("no workspace: no decision known (vigie init, vigie triage)")
        return "; ".join(parts)


def _account_keys(table: pa.Table, col: str) -> list[str]:
    plat = table.column("platform").to_pylist() if "platform" in table.column_names else None
    ids = table.column(col).to_pylist()
    if plat is None:
        return [str(a) for a in ids]
    return [f"{p}:{a}" if p else str(a) for p, a in zip(plat, ids, strict=True)]


def _not_dismissed(table: pa.Table, cols: list[str], dismissed: set[str]) -> pa.Array:
    """Boolean mask: rows where none of ``cols`` names a dismissed account."""
    keep = pa.array([True] * table.num_rows, pa.bool_())
    if not dismissed:
        return keep
    for col in cols:
        if col not in table.column_names:
            continue
        ids = [str(a) if a is not None else "" for a in table.column(col).to_pylist()]
        keys = _account_keys(table, col) if col == "account_id" else ids
        hit = pa.array(
            [a in dismissed or k in dismissed for a, k in zip(ids, keys, strict=True)], pa.bool_()
        )
        keep = pc.and_(keep, pc.invert(hit))
    return keep


def _remap(table: pa.Table, mapping: dict[str, str], col: str = "group_id") -> pa.Table:
    """Rows whose ``col`` is a key of ``mapping``, with the value replaced (null kept out)."""
    if col not in table.column_names or table.num_rows == 0:
        return table
    vals = table.column(col).to_pylist()
    mask = pa.array([v is not None and str(v) in mapping for v in vals], pa.bool_())
    t = table.filter(mask)
    new = pa.array([mapping[str(v)] for v in t.column(col).to_pylist()], pa.string())
    return t.set_column(t.column_names.index(col), col, new)


@contextmanager
def reviewed_copy(
    findings: str | Path,
    ws: Workspace | None,
    *,
    include_unreviewed: bool = False,
    label_unreviewed: bool = False,
) -> Iterator[Reviewed]:
    """A temporary Findings folder holding only the groups downstream may use (see module
    docstring), group ids replaced by stable ids; removed on exit."""
    src = Findings(Path(findings)).check()
    states: dict[str, GroupState] = ws.review(src.path) if ws is not None else {}
    dismissed = ws.dismissed_accounts() if ws is not None else set()
    groups = src.groups()
    mapping: dict[str, str] = {}
    rev = Reviewed(path=Path(), workspace=ws is not None)
    for lid in groups.column("group_id").to_pylist():
        st = states.get(str(lid))
        status = st.status if st is not None else UNREVIEWED
        gid = st.id if st is not None else str(lid)
        if status == "confirmed" or (include_unreviewed and status != "dismissed"):
            label = UNREVIEWED_LABEL if (label_unreviewed and status != "confirmed") else ""
            mapping[str(lid)] = gid + label
            rev.kept.append({"id": gid, "local_id": str(lid), "status": status})
        else:
            rev.left_out[status] += 1
    tmp = Path(tempfile.mkdtemp(prefix="vigie-reviewed-"))
    try:
        out = tmp / src.path.name
        out.mkdir()
        g = _remap(groups, mapping)
        members = _remap(src.members(), mapping)
        keep = _not_dismissed(members, ["account_id"], dismissed)
        rev.accounts_removed += (
            members.num_rows - pc.sum(pc.cast(keep, pa.int64())).as_py() if members.num_rows else 0
        )
        members = members.filter(keep)
        edges = _remap(src.edges(), mapping)
        edges = edges.filter(_not_dismissed(edges, ["source", "target"], dismissed))
        pairs_out = ws.dismissed_pairs() if ws is not None else set()
        if pairs_out and {"source", "target"} <= set(edges.column_names):
            ends = zip(
                edges.column("source").to_pylist(), edges.column("target").to_pylist(), strict=True
            )
            mask = [tuple(sorted((str(a), str(b)))) not in pairs_out for a, b in ends]
            edges = edges.filter(pa.array(mask, pa.bool_()))
        evidence = _remap(src.evidence(), mapping)
        evidence = evidence.filter(_not_dismissed(evidence, ["account_id"], dismissed))
        for name, t in (
            ("groups", g),
            ("members", members),
            ("edges", edges),
            ("evidence", evidence),
        ):
            pq.write_table(t, out / f"{name}.parquet", compression="zstd")
        pairs = src.path / "pairs.parquet"
        if pairs.exists() and include_unreviewed:
            pt = pq.read_table(pairs)
            cols = [c for c in PAIR_COLUMNS if c in pt.column_names]
            pq.write_table(pt.filter(_not_dismissed(pt, cols, dismissed)), out / pairs.name)
        manifest = src.manifest()
        ds = recorded_dataset(src.path, manifest.get("dataset"), holding="manifest.json")
        if ds is not None:  # the copy lives elsewhere: name the Dataset from anywhere
            manifest["dataset"] = str(ds.resolve())
        manifest["counts"] = {
            "groups": g.num_rows,
            "members": members.num_rows,
            "edges": edges.num_rows,
            "evidence": evidence.num_rows,
        }
        if {"group_id", "score", "techniques"} <= set(g.column_names):
            manifest["techniques"] = techniques_index(g, members)
        manifest["reviewed"] = {
            "source": str(src.path),
            "kept": rev.kept,
            "left_out": dict(rev.left_out),
        }
        write_json(out / "manifest.json", manifest)
        if (src.path / "summary.json").exists():
            shutil.copyfile(src.path / "summary.json", out / "summary.json")
        _write_notes(src, out, mapping, states, ws)
        rev.path = out
        yield rev
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_notes(
    src: Findings,
    out: Path,
    mapping: dict[str, str],
    states: dict[str, GroupState],
    ws: Workspace | None,
) -> None:
    """``notes.json`` of the kept groups, plus each kept group's decision note (private:
    the sharing policy withholds private notes from partners who must not get them)."""
    notes: list[dict[str, Any]] = []
    path = src.path / "notes.json"
    if path.exists():
        data = read_json(path)
        if isinstance(data, list):
            for rec in data:
                if not isinstance(rec, dict):
                    continue
                gid = rec.get("group_id")
                if gid is None:
                    notes.append(rec)
                elif str(gid) in mapping:
                    notes.append({**rec, "group_id": mapping[str(gid)]})
    for lid, new_id in mapping.items():
        st = states.get(lid)
        d = st.decision if st is not None else None
        if d is not None and d.note:
            notes.append(
                {
                    "group_id": new_id,
                    "text": f"{d.status} ({d.reason}): {d.note}",
                    "author": d.author,
                    "private": True,
                }
            )
    if notes:
        with open(out / "notes.json", "w", encoding="utf-8") as fh:
            json.dump(notes, fh, ensure_ascii=False, indent=2)


def find_workspace(explicit: str | None, findings: str | Path | None = None) -> Workspace | None:
    """The workspace a downstream command means: ``explicit``, ``$VIGIE_WORKSPACE``, the
    current folder upwards, then the Findings folder upwards; None when there is none."""
    from vigie.cases.workspace import Workspace

    ws = Workspace.find(explicit)
    if ws is None and findings is not None:
        ws = Workspace.find(None, start=Path(findings).resolve())
    return ws


def audit_export(
    ws: Workspace | None,
    *,
    author: str,
    partner: str | None,
    files: list[Path],
    reviewed: Reviewed,
    tlp: str | None,
    audit_db: str | None = None,
    form: str | None = None,
) -> tuple[str, int]:
    """Append one row for the written files (each with its SHA-256) to the hash-chained
    audit log: who (``actor``), what (files, groups, TLP), to whom (``collection`` = partner,
    or ``internal``). Returns the database (password hidden) and the row's seq."""
    from vigie.cases.store import redact_url
    from vigie.share.audit import AuditEntry

    beside = files[0].resolve().parent if files else Path()
    entry = AuditEntry(
        actor=author,
        action="export.written",  # the same row shape as vigie.share.audit.record_export
        object_id=(str(files[0]) if files else "")[:200] or None,
        collection=partner or "internal",
        marking=tlp,
        detail={
            "to": partner or "internal",
            "files": {str(f): file_sha256(f) for f in files},
            "form": form,
            "groups": [k["id"] for k in reviewed.kept],
            "unreviewed": reviewed.unreviewed,
            "left_out": dict(reviewed.left_out),
            "workspace": str(ws.root or redact_url(ws.db_url)) if ws else None,
        },
    )
    return append_audit(ws, entry, audit_db=audit_db, beside=beside)


def audit_import(
    ws: Workspace | None,
    *,
    author: str,
    partner: str,
    origin: str,
    digest: str | None,
    result: Any,
    store: str,
    audit_db: str | None = None,
) -> tuple[str, int]:
    """Append one row for what a partner sent, taken into the store: who took it
    (``actor``), from whom (``collection`` = the partner), where from (``origin``: a file,
    with its SHA-256 ``digest``, or a TAXII collection's URL), what it added, under which TLP
    (``marking``: the strictest of its objects').

    Why: what comes in from an ally can carry a manipulation as easily as what goes out can
    leak; the log that answers "who sent this and who took it in" is the one that answers
    for the exports (``audit_export``)."""
    from vigie.cases.store import redact_url
    from vigie.share.audit import AuditEntry
    from vigie.share.tlp import TLP, strictest

    levels = [TLP.parse(k) for k in result.by_tlp]
    marking = strictest(levels)
    entry = AuditEntry(
        actor=author,
        action="import.received",
        object_id=origin[:200],
        collection=partner,
        marking=marking.label if marking is not None else None,
        detail={
            "from": partner,
            "file" if digest else "url": {origin: digest} if digest else origin,
            "bundle": result.bundle_id,
            "objects": result.n_objects,
            "added": result.added,
            "already_known": result.duplicates,
            "by_tlp": dict(result.by_tlp),
            "store": store,
            "workspace": str(ws.root or redact_url(ws.db_url)) if ws else None,
        },
    )
    return append_audit(ws, entry, audit_db=audit_db, beside=Path(store).resolve().parent)


def append_audit(
    ws: Workspace | None, entry: Any, *, audit_db: str | None, beside: Path
) -> tuple[str, int]:
    """Append ``entry`` to the audit log a command means: ``audit_db`` (a URL or an SQLite
    file), ``$VIGIE_AUDIT_DB``, the workspace's database, else ``vigie-audit.sqlite`` in
    ``beside``. Returns the database (password hidden) and the row's seq."""
    from vigie.cases.store import redact_url
    from vigie.share.audit import AuditLog
    from vigie.share.taxii.store import Store

    if audit_db is not None and "://" not in audit_db:
        audit_db = f"sqlite:///{Path(audit_db).resolve()}"
    url = (
        audit_db
        or os.environ.get("VIGIE_AUDIT_DB")
        or (ws.db_url if ws is not None else f"sqlite:///{beside / 'vigie-audit.sqlite'}")
    )
    store = Store(url)
    try:
        rows = AuditLog(store).append_many([entry])
    except VigieError:
        raise
    except Exception as exc:
        from vigie.sqldb import db_error

        raise VigieError(f"audit log {redact_url(url)}: cannot write ({db_error(exc)})") from exc
    finally:
        store.dispose()
    return redact_url(url), rows[-1].seq if rows else 0


def use_reviewed(
    findings: Path, workspace: str | None, include_unreviewed: bool, *, label: bool = False
) -> tuple[Path, Reviewed, Workspace | None]:
    """For a CLI command: the filtered Findings folder to use instead of ``findings``.

    The temporary copy (and the workspace) are released when the command's click context
    closes, whatever happens, so the calling command needs no extra indentation."""
    from vigie.cli_options import current_context
    from vigie.progress import console

    ws = find_workspace(workspace, findings)
    if ws is None:  # nobody could have decided anything: the Findings as they are
        f = Findings(Path(findings)).check()
        n = f.groups().num_rows
        rev = Reviewed(path=f.path, workspace=False)
        lids = f.groups().column("group_id").to_pylist()
        rev.kept = [{"id": str(g), "local_id": str(g), "status": UNREVIEWED} for g in lids]
        console.print(
            f"warning: no workspace, so no decision is known: all {n} group(s) used, "
            "unreviewed (vigie init and vigie triage to use confirmed groups only)",
            highlight=False,
            markup=False,
        )
        return f.path, rev, None
    cm = reviewed_copy(findings, ws, include_unreviewed=include_unreviewed, label_unreviewed=label)
    rev = cm.__enter__()

    def _close() -> None:
        cm.__exit__(None, None, None)
        if ws is not None:
            ws.close()

    ctx = current_context()
    if ctx is not None:
        ctx.call_on_close(_close)
    else:  # called from Python without a CLI context: clean up at exit
        import atexit

        atexit.register(_close)
    console.print(f"decisions: {rev.line()}", highlight=False, markup=False)
    return rev.path, rev, ws


def require_groups(rev: Reviewed, findings: Path) -> None:
    """Refuse to export nothing silently: say which groups were left out and how to add them."""
    if not rev.kept:
        raise VigieError(f"{findings}: no group to share — {rev.line()}")
