"""The detection report, with the workspace's decisions (``vigie report … -w``).

Why a layer over ``vigie.report.html`` rather than changes inside it: the report renders a
Findings folder on its own; when a workspace is given, this module adds to its context each
group's stable id, status, reason, note and history, a triage section with the changes since
the previous run, and can leave dismissed groups out. The base report is unchanged.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigie.cases.workspace import Workspace


def _history_rows(hist: list) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    return [
        {
            "when": f"{h.decided_at:%Y-%m-%d %H:%M}",
            "author": h.author,
            "status": h.status,
            "reason": h.reason,
            "note": h.note,
        }
        for h in hist
    ]


def annotate(ctx: dict[str, Any], ws: Workspace, findings: Path, hide_dismissed: bool) -> None:
    """Add the decisions to a report context (in place) and render the triage section."""
    from markupsafe import Markup

    from vigie.cases.store import redact_url
    from vigie.templating import package_env

    states = ws.review(findings)
    for g in ctx["overview"] + ctx["details"]:
        st = states.get(str(g["group_id"]))
        if st is not None:
            g["case"] = {
                "id": st.id,
                "status": st.status,
                "reason": st.decision.reason if st.decision else None,
                "note": st.decision.note if st.decision else None,
                "rereview": st.rereview,
            }
    _mark_partner_accounts(ctx, ws, findings)
    hidden = 0
    if hide_dismissed:  # left out of the context already (``build_context(hidden=)``)
        dismissed = {lid for lid, st in states.items() if st.status == "dismissed"}
        hidden = len(dismissed)
        ctx["overview"] = [g for g in ctx["overview"] if g["group_id"] not in dismissed]
        ctx["details"] = [g for g in ctx["details"] if g["group_id"] not in dismissed]
    order = {str(g["group_id"]): i for i, g in enumerate(ctx["overview"])}
    shown = [st for lid, st in states.items() if lid in order]
    shown.sort(key=lambda st: order[st.local_id])
    rows = [
        {
            "local_id": st.local_id,
            "id": st.id,
            "status": st.status,
            "rereview": st.rereview,
            "drift": st.drift or 0.0,
            "reason": st.decision.reason if st.decision else "",
            "note": st.decision.note if st.decision else "",
            "history": _history_rows(st.history),
        }
        for st in shown
    ]
    counts = Counter(st.status for st in states.values())
    counts_line = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + "."
    diff = None
    run = ws.find_run(findings)
    runs = ws.list_runs()
    if run is not None and run.seq > runs[0].seq:
        prev = [r for r in runs if r.seq < run.seq][-1]
        d = ws.diff(prev, run)
        diff = {
            "run_a": d.run_a,
            "run_b": d.run_b,
            "changes": [c.as_dict() for c in d.changes],
            "counts_line": ", ".join(f"{n} {k}" for k, n in d.counts().items() if n) or "no change",
        }
    env = package_env("vigie.cases")
    html = env.get_template("triage.html.j2").render(
        rows=rows,
        counts_line=counts_line,
        hidden=hidden,
        diff=diff,
        workspace=str(ws.root or redact_url(ws.db_url)),
    )
    ctx["triage_html"] = Markup(html)


def _mark_partner_accounts(ctx: dict[str, Any], ws: Workspace, findings: Path) -> None:
    """Each group's members that a partner shared too (``vigie share import``/``pull``): by
    their id, or the SHA-256 of ``platform:id`` a hashed form holds. Why: an ally who saw the
    same accounts is corroboration a reviewer weighs, and it sat unseen in the store."""
    from vigie.cases.search import partner_accounts, shared_by

    shared = partner_accounts(ws)
    if not shared:
        return
    import pyarrow.parquet as pq

    members = pq.read_table(Path(findings) / "members.parquet").to_pylist()
    by_group: dict[str, tuple[int, set[str]]] = {}
    for m in members:
        senders = shared_by(shared, m.get("platform"), str(m["account_id"]))
        if senders:
            n, who = by_group.get(str(m["group_id"]), (0, set()))
            by_group[str(m["group_id"])] = (n + 1, who | senders)
    for g in ctx["overview"] + ctx["details"]:
        found = by_group.get(str(g["group_id"]))
        if found is not None:
            g["partners"] = {"n": found[0], "by": "; ".join(sorted(found[1]))}


def write_report(
    findings: Path,
    out: Path,
    ws: Workspace,
    *,
    hide_dismissed: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    """``vigie.report.html.write_report`` with the workspace's decisions added."""
    from vigie.report.html import build_context, render_html, write_page

    hidden = None
    if hide_dismissed:  # out of every figure of the page, not only its group sections
        hidden = {lid for lid, st in ws.review(Path(findings)).items() if st.status == "dismissed"}
    ctx = build_context(findings, hidden=hidden, **kwargs)
    annotate(ctx, ws, Path(findings), hide_dismissed)
    write_page(out, render_html(ctx))
    return ctx
