"""One module per resource of the workbench (as OASIS medallion has one per TAXII resource)."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from vigie.web.views import (
        audit,
        auth,
        decisions,
        groups,
        home,
        imports,
        people,
        risk,
        runs,
        search,
        share,
        slips,
    )

    return [
        auth.router,
        home.router,
        imports.router,
        runs.router,
        slips.router,
        groups.router,
        decisions.router,
        search.router,
        risk.router,
        share.router,
        audit.router,
        people.router,
    ]
