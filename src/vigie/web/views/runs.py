"""Runs of detection: start one with its settings (defaults shown and explained), follow its
progress, list the runs kept in the workspace, and compare two of them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vigie.errors import VigieError
from vigie.web.deps import flag, form, page, redirect
from vigie.web.render import render
from vigie.web.users import Role

router = APIRouter()

# What an analyst may set from the page, with the sentence that explains each setting.
EXPLAINED: list[tuple[str, str, str]] = [
    (
        "general",
        "alpha",
        "Family-wise error rate of the chance control: lower keeps fewer, surer ties.",
    ),
    (
        "general",
        "weak_p",
        "Ties too weak alone (p at most this) kept when they knit a cluster; 0 turns it off.",
    ),
    (
        "graph",
        "min_members",
        "Smallest group reported; ties of smaller sets stay in the pairs table.",
    ),
    ("co_link", "window_s", "Seconds within which two accounts sharing one link co-act."),
    ("co_link", "min_observed", "Co-shared links a pair needs before chance control."),
    ("co_repost", "window_s", "Seconds within which two reposts of one post co-act."),
    ("co_repost", "min_observed", "Co-reposts a pair needs before chance control."),
    ("co_hashtag", "window_s", "Seconds within which two uses of one hashtag co-act."),
    ("co_mention", "window_s", "Seconds within which two posts tagging one account co-act."),
    (
        "co_mention",
        "include_replies",
        "Count the handles at the head of X, Mastodon... replies (whom they answer).",
    ),
    ("copypasta", "window_s", "Seconds within which two near-identical texts co-act."),
    ("copypasta", "threshold", "Estimated word-shingle similarity two texts need (0-1)."),
    (
        "copypasta",
        "chain_max_texts",
        "Texts linked through one another are one message up to this many; 0: direct links only.",
    ),
]


def _defaults() -> dict[str, dict[str, Any]]:
    from vigie.detect.config import DEFAULTS

    return DEFAULTS


def settings_rows() -> list[dict[str, Any]]:
    d = _defaults()
    rows = []
    for section, key, why in EXPLAINED:
        if section in d and key in d[section]:
            rows.append({"section": section, "key": key, "default": d[section][key], "why": why})
    kinds = [s for s, v in d.items() if isinstance(v, dict) and "enabled" in v]
    return rows + [
        {
            "section": k,
            "key": "enabled",
            "default": d[k]["enabled"],
            "why": f"Run the {k.replace('_', '-')} detector.",
        }
        for k in kinds
    ]


FORM_MARK = "settings_form"
"""A hidden field of the runs page's form: its checkboxes are all there, so an unchecked
one (absent, as browsers send them) means off."""


def overrides(fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Settings that differ from the defaults, typed as the defaults are.

    A switch (a detector's ``enabled``) follows the page's checkboxes when the page's form
    sent them (``FORM_MARK``): absent is off. Without that mark (a script posting only the
    fields it changes), an absent switch keeps its default and a present one is read as
    on/true/1/yes or off/false/0/no: before, a POST naming only the Dataset turned every
    detector off and the run found "0 groups" in a third of a second."""
    out: dict[str, dict[str, Any]] = {}
    from_page = FORM_MARK in fields
    for row in settings_rows():
        name = f"{row['section']}.{row['key']}"
        default = row["default"]
        if isinstance(default, bool):
            if from_page:
                value: Any = name in fields
            elif name not in fields:
                continue
            else:
                value = flag(fields[name], name)
        else:
            raw = str(fields.get(name, "")).strip()
            if raw == "" or raw == str(default):
                continue
            try:
                value = type(default)(raw) if not isinstance(default, str) else raw
            except ValueError:
                raise VigieError(f"{name}: {raw!r} is not a {type(default).__name__}") from None
        if value != default:
            out.setdefault(row["section"], {})[row["key"]] = value
    return out


@router.get("/runs")
async def runs(request: Request) -> Response:
    ctx = await page(request)
    return render(
        ctx,
        "runs.html",
        runs=list(reversed(ctx.state.ws.list_runs())),
        datasets=ctx.state.folders.datasets(),
        settings=settings_rows(),
        jobs=[j for j in ctx.state.jobs.recent(20) if j.kind == "detect"],
    )


@router.post("/runs")
async def start_run(request: Request) -> Response:
    ctx, fields = await form(request, Role.analyst)
    ws = ctx.state.ws
    dataset = ctx.state.folders.dataset_path(str(fields.get("dataset", "")))
    if not dataset.is_dir():
        raise VigieError(f"no Dataset {dataset.name!r} in this workspace: import one first")
    config = overrides(fields)
    label = str(fields.get("label", "")).strip()[:200] or None
    out = ws.new_run_dir()
    who = ctx.user.username

    def work(job: Any) -> str:
        from vigie.detect.pipeline import run_detection

        job.stage = f"detecting in {dataset.name}"
        findings = run_detection(dataset, out, config=config, progress=False)
        job.stage = "matching groups to the known ones"
        run = ws.register_run(findings.path, label=label, author=who)
        job.message = f"run #{run.seq}: {run.n_groups} groups, {run.n_members} accounts"
        return f"/runs/{run.id}"

    job = ctx.state.jobs.submit("detect", f"detect in {dataset.name}", who, work)
    ctx.audit("run.start", out.name, dataset=dataset.name, config=config, job=job.id)
    return redirect(f"/jobs/{job.id}")


@router.get("/runs/{run_id}")
async def run_page(request: Request, run_id: str) -> Response:
    from vigie.cases.decisions import REASONS
    from vigie.web.views.groups import group_rows, pair_rows

    ctx = await page(request)
    run = ctx.state.ws.run(run_id)
    q = request.query_params
    rows, facets = group_rows(ctx, run, q)
    query = request.url.query
    return render(
        ctx,
        "run.html",
        run=run,
        groups=rows,
        facets=facets,
        q=q,
        pairs=pair_rows(ctx, run, limit=100),
        reasons=REASONS,
        here=f"/runs/{run.id}" + (f"?{query}" if query else ""),  # back here, filters kept
    )


@router.get("/diff")
async def diff(request: Request, a: str = "", b: str = "") -> Response:
    ctx = await page(request)
    ws = ctx.state.ws
    runs = list(reversed(ws.list_runs()))
    result = None
    if a and b:
        result = ws.diff(a, b)
    elif len(runs) >= 2:
        result = ws.diff()
        a, b = result.run_a.id, result.run_b.id
    return render(ctx, "diff.html", runs=runs, a=a, b=b, result=result)
