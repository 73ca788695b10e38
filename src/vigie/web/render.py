"""Server-rendered pages: one Jinja2 environment, one ``render`` for every view.

Why server-rendered HTML with a little vanilla JavaScript: the workbench must work offline,
in an air-gapped room, years from now, with no Node build step; every asset is vendored.
Autoescaping is on: account names and post texts are attacker-controlled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def _num(x: Any, digits: int = 3) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _when(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, datetime):
        return x.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return str(x)


templates.env.filters["num"] = _num
templates.env.filters["when"] = _when


def render(ctx: Any, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """The page ``template`` with ``ctx`` (user, CSRF token, role checks) and ``values``."""
    return templates.TemplateResponse(
        ctx.request, template, {"ctx": ctx, **values}, status_code=status_code
    )
