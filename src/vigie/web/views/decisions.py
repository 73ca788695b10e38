"""Every decision of the workspace on one page: groups, accounts and pairs, newest first,
filtered, paged, and downloadable as CSV.

Why a page of its own: decisions were only seen where they were taken (a group page, a
run's strong ties), so "what did we dismiss last week, and why?" meant opening every group.
The case store does the filtering and the paging (``Workspace.decision_log``); this view
reads the form, and says where each decision can be seen.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from vigie.cases.decision_log import KINDS, PAGE_SIZE, DecisionFilter
from vigie.cases.decisions import STATUSES
from vigie.errors import VigieError, shortened
from vigie.web.deps import page
from vigie.web.render import render

router = APIRouter()


def _cursor(request: Request, name: str) -> int | None:
    """``before``/``after`` of a next/previous link: a decision's sequence number."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise VigieError(f"{name}: {shortened(raw, 40)!r} is not a decision number")
    return int(raw)


@router.get("/decisions")
async def decisions_page(request: Request) -> Response:
    """The filtered log, one page of ``PAGE_SIZE``; read-only for every role."""
    ctx = await page(request)
    ws = ctx.state.ws
    flt = DecisionFilter.parse(request.query_params)
    log = ws.decision_log(
        flt, before=_cursor(request, "before"), after=_cursor(request, "after"), limit=PAGE_SIZE
    )
    query = flt.as_query()
    here = "/decisions" + (f"?{urlencode(query)}" if query else "")
    return render(
        ctx,
        "decisions.html",
        log=log,
        flt=flt,
        kinds=KINDS,
        statuses=STATUSES,
        authors=ws.decision_authors(),
        filtered=bool(query),
        csv_url="/decisions.csv" + (f"?{urlencode(query)}" if query else ""),
        newer_url=("/decisions?" + urlencode({**query, "after": log.newer}) if log.newer else None),
        older_url=(
            "/decisions?" + urlencode({**query, "before": log.older}) if log.older else None
        ),
        here=here,
    )


@router.get("/decisions.csv")
async def decisions_csv(request: Request) -> Response:
    """The filtered log (every page), as the page lists it, for a spreadsheet."""
    ctx = await page(request)
    flt = DecisionFilter.parse(request.query_params)
    folder = Path(tempfile.mkdtemp(prefix="vigie-decisions-"))
    try:
        n = ctx.state.ws.write_decisions_csv(folder / "decisions.csv", flt)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    ctx.audit("decisions.download", None, rows=n, filter=flt.as_query())
    return FileResponse(
        folder / "decisions.csv",
        filename="decisions.csv",
        media_type="text/csv; charset=utf-8",
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
