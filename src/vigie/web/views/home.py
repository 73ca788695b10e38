"""The workspace at a glance, and the state of background jobs."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from vigie.web.deps import page
from vigie.web.render import render

router = APIRouter()


@router.get("/")
async def home(request: Request) -> Response:
    ctx = await page(request)
    f = ctx.state.folders
    return render(
        ctx,
        "home.html",
        datasets=f.datasets(),
        studies=f.studies(),
        jobs=ctx.state.jobs.recent(10),
    )


@router.get("/jobs/{job_id}")
async def job_state(request: Request, job_id: str) -> Response:
    ctx = await page(request)
    job = ctx.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(job.as_dict())
    return render(ctx, "job.html", job=job)
