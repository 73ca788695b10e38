"""Search across runs: an account, handle, URL, domain, hashtag or words of a text."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vigie.cases.search import cut_at_limit
from vigie.errors import VigieError
from vigie.web.deps import page
from vigie.web.render import render

router = APIRouter()

LIMIT = 300
"""Hits per source shown: a page, not the whole campaign (the CLI's --json gives all)."""


@router.get("/search")
async def search(request: Request, q: str = "") -> Response:
    ctx = await page(request)
    query = q.strip()[:300]
    try:
        hits = ctx.state.ws.search(query, limit=LIMIT) if len(query) >= 2 else []
    except VigieError as exc:  # said on the page, the query left in the box to correct
        return render(ctx, "search.html", status_code=400, q=query, hits=[], error=str(exc))
    cut = cut_at_limit(hits, LIMIT)
    return render(ctx, "search.html", q=query, hits=hits, cut=cut, limit=LIMIT)
