"""EBIOS RM studies of the workspace: the report (maps, radar, graphs), new studies from the
templates, and likelihood proposals from a run's observed techniques, accepted by a reviewer.

Why the report is the library's own HTML in a sandboxed frame: the committee sees exactly
what ``vigie risk report`` writes, and its inline script cannot touch the workbench.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vigie.errors import VigieError
from vigie.names import safe_name
from vigie.web.deps import flag, form, page, redirect
from vigie.web.render import render
from vigie.web.users import Role

router = APIRouter()
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline';"
    " frame-ancestors 'self'"
)


def _study(ctx: Any, name: str) -> tuple[Any, Any, Any]:
    from vigie.risk.check import StudyError, load_study
    from vigie.risk.compute import compute

    path = ctx.state.folders.study_path(name)
    try:
        study, _ = load_study(path)
    except StudyError as exc:
        raise VigieError(str(exc)) from exc
    return path, study, compute(study)


@router.get("/risk")
async def studies(request: Request) -> Response:
    from vigie.risk.templates import TEMPLATES

    ctx = await page(request)
    return render(ctx, "risk.html", studies=ctx.state.folders.studies(), templates=TEMPLATES)


@router.post("/risk")
async def new_study(request: Request) -> Response:
    from vigie.risk.templates import write_template

    ctx, fields = await form(request, Role.analyst)
    name = safe_name(str(fields.get("name", "")).strip(), "study")
    path = ctx.state.folders.root / "risk" / f"{name}.yaml"
    write_template(str(fields.get("template", "")), path)
    ctx.audit("risk.new", path.name, template=str(fields.get("template", "")))
    return redirect(f"/risk/{path.name}")


def _proposals(ctx: Any, study: Any, results: Any, run: str, unreviewed: bool) -> tuple:
    """Proposals from the run's reviewed groups (confirmed only, unless ``unreviewed``), and
    the sentence saying which groups were used."""
    from vigie.cases.downstream import reviewed_copy
    from vigie.risk import evidence as ev

    rec = ctx.state.ws.run(run)
    src = ctx.state.folders.findings(rec).path
    with reviewed_copy(
        src, ctx.state.ws, include_unreviewed=unreviewed, label_unreviewed=True
    ) as rev:
        observed = ev.observed_techniques(rev.path)
        return rec, ev.propose(study, results, observed), rev.line()


@router.get("/risk/{name}")
async def study_page(request: Request, name: str, run: str = "", unreviewed: str = "") -> Response:
    ctx = await page(request)
    path, study, results = _study(ctx, name)
    runs = list(reversed(ctx.state.ws.list_runs()))
    proposals = reviewed = None
    wanted = flag(unreviewed, "unreviewed")
    if run:
        _, proposals, reviewed = _proposals(ctx, study, results, run, wanted)
    return render(
        ctx,
        "study.html",
        name=path.name,
        study=study,
        results=results,
        runs=runs,
        run=run,
        unreviewed=wanted,
        reviewed=reviewed,
        proposals=proposals,
    )


@router.get("/risk/{name}/report")
async def study_report(request: Request, name: str) -> Response:
    from vigie.risk.report_html import render as render_report

    ctx = await page(request)
    _, study, results = _study(ctx, name)
    response = HTMLResponse(render_report(study, results))
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


@router.post("/risk/{name}/accept")
async def accept(request: Request, name: str) -> Response:
    """Record the run's proposals as a new version of the study (a new file beside it)."""
    from vigie.risk import evidence as ev

    ctx, fields = await form(request, Role.reviewer)
    path, study, results = _study(ctx, name)
    unreviewed = flag(fields.get("unreviewed"), "unreviewed")
    rec, proposals, _ = _proposals(ctx, study, results, str(fields.get("run", "")), unreviewed)
    if not any(p.changed for p in proposals):
        raise VigieError("nothing to accept: no proposal raises a likelihood")
    today = dt.datetime.now(dt.UTC).date()
    written = ev.accept_file(
        path, proposals, source=f"run {rec.id}", today=today, author=ctx.user.username
    )
    target, version = written.path, written.version
    ctx.audit("risk.accept", target.name, source=path.name, run=rec.id, version=version)
    return redirect(f"/risk/{target.name}")
