"""Sharing from the workbench: per partner, a preview of exactly what it would receive (full,
redacted or hashed, by the same policy as ``vigie share export``), then the export files.

Why the preview is the exporter's own view: ``vigie.share.shareable.prepare`` builds what
every exporter writes, already redacted; showing that object means the analyst reviews the
very thing that leaves, not an approximation of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from vigie.errors import VigieError
from vigie.names import safe_name
from vigie.web.deps import flag, form, page, redirect
from vigie.web.render import render
from vigie.web.users import Role

router = APIRouter()


def _registry(ctx: Any) -> Any:
    from vigie.share.partners import load_partners

    own = ctx.state.folders.root / "partners.yaml"
    path = ctx.state.settings.partners_path or (own if own.exists() else None)
    return load_partners(path)


def _partner(registry: Any, name: str) -> Any:
    if not name or name == "internal":
        return None
    for p in registry.partners:
        if p.name == name:
            return p
    raise VigieError(f"no partner {name!r} in the registry")


@router.get("/share")
async def share_page(
    request: Request, run: str = "", partner: str = "", unreviewed: str = ""
) -> Response:
    from vigie.cases.downstream import reviewed_copy
    from vigie.share.shareable import prepare

    ctx = await page(request, Role.analyst)
    registry = _registry(ctx)
    runs = list(reversed(ctx.state.ws.list_runs()))
    view = error = reviewed = None
    wanted = flag(unreviewed, "unreviewed")
    if run:
        rec = ctx.state.ws.run(run)
        src = ctx.state.folders.findings(rec).path
        try:
            with reviewed_copy(src, ctx.state.ws, include_unreviewed=wanted) as rev:
                reviewed = rev.line()
                view = prepare(rev.path, partner=_partner(registry, partner))
        except VigieError as exc:
            error = str(exc)
    exports = sorted((ctx.state.folders.root / "exports").glob("*"), reverse=True)[:20]
    taxii = _taxii(ctx)
    return render(
        ctx,
        "share.html",
        registry=registry,
        runs=runs,
        run=run,
        partner=partner,
        unreviewed=wanted,
        reviewed=reviewed,
        view=view,
        error=error,
        exports=[p.name for p in exports],
        collections=taxii[1] if taxii else [],
    )


@router.post("/share/export")
async def share_export(request: Request) -> Response:
    from vigie.cases.downstream import reviewed_copy
    from vigie.share.misp_export import export_misp, write_misp
    from vigie.share.stix_export import export_stix, write_stix

    ctx, fields = await form(request, Role.reviewer)
    registry = _registry(ctx)
    partner_name = str(fields.get("partner", ""))
    partner = _partner(registry, partner_name)
    rec = ctx.state.ws.run(str(fields.get("run", "")))
    src = ctx.state.folders.findings(rec).path
    unreviewed = flag(fields.get("unreviewed"), "unreviewed")
    stem = safe_name(f"{rec.id}-{partner_name or 'internal'}", "export")
    out = ctx.state.folders.root / "exports"
    with reviewed_copy(src, ctx.state.ws, include_unreviewed=unreviewed) as rev:
        stix = export_stix(rev.path, partner=partner)
        write_stix(stix, out / f"{stem}.stix.json")
        misp = export_misp(rev.path, partner=partner)
        write_misp(misp, out / f"{stem}.misp.json")
        shared = [k["id"] for k in rev.kept]
    ctx.audit(
        "share.export",
        rec.id,
        partner=partner_name or "internal",
        form=str(stix.view.form),
        tlp=str(stix.view.tlp),
        groups=shared,
        unreviewed=unreviewed,
        files=[f"{stem}.stix.json", f"{stem}.misp.json"],
    )
    also = "&unreviewed=1" if unreviewed else ""
    return redirect(f"/share?run={rec.id}&partner={partner_name}{also}&exported={stem}")


def _taxii(ctx: Any) -> tuple[Any, list[str]] | None:
    """The TAXII server's state and its collections (``root/name``), when configured."""
    path = ctx.state.settings.taxii_config
    if path is None:
        return None
    from vigie.share.taxii.config import load_config
    from vigie.share.taxii.server import state_from_config

    cfg = load_config(path)
    state = state_from_config(cfg)
    names = [f"{r.name}/{c.name}" for r in cfg.api_roots for c in r.collections]
    return state, names


@router.post("/share/publish")
async def share_publish(request: Request) -> Response:
    """Publish the run's reviewed groups into a TAXII collection (once per policy form)."""
    from vigie.cases.downstream import reviewed_copy
    from vigie.share.taxii.publish import publish_findings

    ctx, fields = await form(request, Role.reviewer)
    taxii = _taxii(ctx)
    if taxii is None:
        raise VigieError("no TAXII server configured: start vigie serve with --taxii-config")
    state, names = taxii
    collection = str(fields.get("collection", ""))
    if collection not in names:
        raise VigieError(f"unknown collection {collection!r} (known: {', '.join(names)})")
    rec = ctx.state.ws.run(str(fields.get("run", "")))
    unreviewed = flag(fields.get("unreviewed"), "unreviewed")
    to = [t.strip() for t in str(fields.get("to", "")).split(",") if t.strip()]
    src = ctx.state.folders.findings(rec).path
    with reviewed_copy(src, ctx.state.ws, include_unreviewed=unreviewed) as rev:
        report = publish_findings(
            state, rev.path, collection, actor=f"web:{ctx.user.username}", recipients=to or None
        )
        shared = [k["id"] for k in rev.kept]
    ctx.audit(
        "share.publish",
        rec.id,
        collection=collection,
        tlp=report.tlp.label,
        stored=report.stored,
        groups=shared,
        to=to,
    )
    return redirect(f"/share?run={rec.id}&published={collection}")


@router.get("/share/files/{name}")
async def share_file(request: Request, name: str) -> Response:
    ctx = await page(request, Role.reviewer)
    path = ctx.state.folders.root / "exports" / safe_name(name, "file")
    if not path.is_file():
        raise HTTPException(404, f"no export {name!r}")
    ctx.audit("share.download", name)
    return FileResponse(path, filename=Path(name).name, media_type="application/json")
