"""A run's accounts whose posts hold a language model's own words ("As an AI language model,
I cannot..."; ``detect.machinetext``), as the report lists them, each linked to its group.

Why a page of its own and a cache: the list reads every text of the run's Dataset (2 s for 2M
posts), too slow for each view of the run page; the result is kept per posts file, keyed by
its size and modification time, so a Dataset imported again is read again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vigie.web.deps import page
from vigie.web.render import render

if TYPE_CHECKING:
    from vigie.detect.machinetext import Slips

router = APIRouter()

LIMIT = 1000
"""Accounts listed, most slips first (the report's cap on its long tables)."""
KEPT = 8
"""Posts files whose lists are remembered (each at most ``LIMIT`` short rows)."""

_lock = threading.Lock()
_kept: OrderedDict[tuple[str, int, int], Slips] = OrderedDict()


def slips_of(posts: Path) -> Slips:
    """``machinetext.slipped_accounts(posts, LIMIT)``, read once per version of the file."""
    from vigie.detect.machinetext import slipped_accounts

    st = posts.stat()
    key = (str(posts.resolve()), st.st_size, st.st_mtime_ns)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    found = slipped_accounts(posts, LIMIT)  # outside the lock: other pages go on meanwhile
    with _lock:
        _kept[key] = found
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return found


def _values(ctx: Any, run_id: str) -> dict[str, Any]:
    """What the page shows (reads Parquet: run off the event loop)."""
    from vigie.detect.machinetext import with_groups
    from vigie.web.views.groups import _dataset, _findings, _read

    ws = ctx.state.ws
    run = ws.run(run_id)
    fnd = _findings(ctx, run)
    ds = _dataset(fnd, ctx) if fnd is not None else None
    posts = ds / "posts.parquet" if ds is not None else None
    if posts is None or not posts.exists():
        return {
            "run": run,
            "read": False,
            "slips": [],
            "n_accounts": 0,
            "n_posts": 0,
            "n_texts": None,
        }
    kept, n_accounts, n_posts, n_texts = slips_of(posts)
    rows = [{**r, "group_id": ""} for r in kept]  # copies: the kept list serves every run
    mem = _read(fnd.table_path("members"), ["group_id", "account_id", "platform"])  # type: ignore[union-attr]
    if mem is not None:
        with_groups(rows, mem, ws.local_ids(run))
    return {
        "run": run,
        "read": True,
        "slips": rows,
        "n_accounts": n_accounts,
        "n_posts": n_posts,
        "n_texts": n_texts,  # counted when none slipped: was there anything to read?
    }


@router.get("/runs/{run_id}/machine-text")
async def machine_text(request: Request, run_id: str) -> Response:
    from starlette.concurrency import run_in_threadpool

    ctx = await page(request)
    values = await run_in_threadpool(_values, ctx, run_id)
    return render(ctx, "machine_text.html", **values)
