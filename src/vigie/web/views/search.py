"""Search across runs: an account, handle, URL, domain, hashtag or words of a text."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vigie.web.deps import page
from vigie.web.render import render

router = APIRouter()


@router.get("/search")
async def search(request: Request, q: str = "") -> Response:
    ctx = await page(request)
    query = q.strip()[:300]
    hits = ctx.state.ws.search(query, limit=300) if len(query) >= 2 else []
    return render(ctx, "search.html", q=query, hits=hits)
