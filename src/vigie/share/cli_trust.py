"""``vigie share partners | check | export | import``: thin wiring over the trust modules.

Heavy imports (stix2, PyMISP, the validator) happen inside the commands so that
``vigie --help`` stays instant. ``check`` exits 0 when the object may go, 1 when it may not,
and 2 on a user error (like every vigie command).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from vigie.cases.runref import FINDINGS_HELP, findings_arg

PARTNERS_OPT = typer.Option(
    None,
    "--partners",
    help="Partners registry (YAML). Default: $VIGIE_PARTNERS, ./partners.yaml, else the "
    "shipped example (fictional partners).",
)
TLP_HELP = "TLP 2.0 marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED."
# what share import and share pull take in through: one store, one audit log (take_in)
STORE_OPT = typer.Option(
    None,
    "--store",
    help="Local store (SQLite). Default: $VIGIE_STORE, else vigie-share.sqlite at the "
    "workspace's root, else ./vigie-share.sqlite.",
)
TAKE_IN_WORKSPACE_OPT = typer.Option(
    None, "--workspace", "-w", help="Workspace whose audit log records what is taken in."
)
TAKE_IN_AUTHOR_OPT = typer.Option(
    None, "--author", help="Who takes it in, for the audit log (default: $VIGIE_USER, OS user)."
)
TAKE_IN_AUDIT_OPT = typer.Option(
    None,
    "--audit-db",
    help="Audit log database (URL or SQLite file; default: $VIGIE_AUDIT_DB, else the "
    "workspace's, else vigie-audit.sqlite beside the store).",
)


def _registry(path: Path | None):
    from rich.markup import escape

    from vigie.progress import err_console
    from vigie.share.partners import example_warning, load_partners

    warning = example_warning(path)
    if warning:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", markup=True, highlight=False)
    return load_partners(path)


def _print_decision(decision) -> None:
    from vigie.share.policy import Redaction

    typer.echo(decision.summary())
    for r in decision.reasons:
        typer.echo(f"  - {r}")
    if decision.redactions:
        typer.echo("  redactions:")
        for r in decision.redactions:
            typer.echo(f"    * {Redaction(r).description}")


def partners(
    partners_file: Path | None = PARTNERS_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print the registry as JSON."),
) -> None:
    """List the partners registry: sector, trust, highest TLP, TLP:RED recipients."""
    from rich.table import Table

    from vigie.progress import console

    reg = _registry(partners_file)
    if as_json:
        rows = [
            {
                "name": p.name,
                "organisation": p.organisation,
                "sector": p.sector.value,
                "trust": p.trust,
                "max_tlp": p.max_tlp.label,
                "red_recipients": list(p.red_recipients),
                "contact": p.contact,
                "misp_sharing_group": p.misp_sharing_group,
            }
            for p in reg
        ]
        typer.echo(json.dumps({"source": reg.source, "partners": rows}, indent=2))
        return
    # the name is what --partner takes, the TLP what it may receive: whole, never cut
    # ("agence-e…", "TLP:AMBE…" on 80 columns); the free texts fold beside them
    table = Table(title=f"Partners ({reg.source})")
    for col in ("name", "trust", "max TLP"):
        table.add_column(col, no_wrap=True)
    table.add_column("sector, organisation, contact", overflow="fold", ratio=3)
    table.add_column("TLP:RED to", overflow="fold", ratio=2)
    for p in reg:
        table.add_row(
            p.name,
            str(p.trust),
            p.max_tlp.label,
            "\n".join(x for x in (p.sector.value, p.organisation, p.contact) if x),
            "\n".join(p.red_recipients) or "-",
        )
    console.print(table)


def check(
    obj: Path = typer.Argument(
        ...,
        help="A Findings folder or a STIX 2.1 bundle file; in a workspace, also a run "
        "(last, 2, #2...).",
    ),
    partner: str = typer.Option(..., "--partner", "-p", help="Partner name in the registry."),
    partners_file: Path | None = PARTNERS_OPT,
    tlp: str | None = typer.Option(
        None, "--tlp", help=TLP_HELP + " Findings default: its manifest's, else AMBER."
    ),
    recipient: str | None = typer.Option(
        None, "--recipient", help="Named person who would receive it (checked for TLP:RED)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
) -> None:
    """May OBJECT go to PARTNER, and in what form? Prints the decision and its reasons."""
    from vigie.errors import VigieError
    from vigie.share.policy import decide
    from vigie.share.tlp import TLP

    reg = _registry(partners_file)
    p = reg.get(partner)
    obj = findings_arg(obj)
    if obj.is_dir():
        from vigie.schema import Findings
        from vigie.share.shareable import choose_tlp

        level = choose_tlp(Findings(obj).check(), tlp)
        decision = decide(p, level, recipient=recipient)
        if as_json:
            typer.echo(json.dumps({"object": str(obj), **decision.to_dict()}, indent=2))
        else:
            typer.echo(f"{obj}: Findings folder marked {level.label}")
            _print_decision(decision)
    elif obj.is_file():
        from vigie.share.stix_common import object_tlp
        from vigie.share.stix_import import UNMARKED_DEFAULT, load_bundle

        if tlp is not None:
            raise VigieError("--tlp applies to Findings folders; a bundle carries its markings")
        bundle = load_bundle(obj, validate=False)
        per_level: dict[TLP, int] = {}
        for o in bundle.get("objects", []):
            lv = object_tlp(o, UNMARKED_DEFAULT)
            per_level[lv] = per_level.get(lv, 0) + 1
        decisions = {lv: decide(p, lv, recipient=recipient) for lv in sorted(per_level)}
        may = sum(n for lv, n in per_level.items() if decisions[lv].allowed)
        total = sum(per_level.values())
        level = max(per_level) if per_level else TLP.CLEAR
        decision = decide(p, level, recipient=recipient)
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "object": str(obj),
                        "objects": total,
                        "objects_allowed": may,
                        "by_marking": {
                            lv.label: {"objects": per_level[lv], **d.to_dict()}
                            for lv, d in decisions.items()
                        },
                        **decision.to_dict(),
                    },
                    indent=2,
                )
            )
        else:
            typer.echo(f"{obj}: STIX bundle, {total} objects, strictest marking {level.label}")
            for lv, d in decisions.items():
                verdict = f"allowed, {d.form.value}" if d.allowed else "DENIED"
                typer.echo(f"  {per_level[lv]:>5} objects {lv.label:<17} {verdict}")
            typer.echo(f"{may} of {total} objects may go to {p.name}; whole bundle:")
            _print_decision(decision)
            if decision.allowed and decision.redactions:
                typer.echo(
                    "  note: vigie redacts when it exports Findings; a bundle received or "
                    "written earlier is not redacted again — re-export it for this partner."
                )
    else:
        raise VigieError(f"{obj}: no such Findings folder or bundle file")
    if not decision.allowed:
        raise typer.Exit(1)


def export(
    findings: Path | None = typer.Argument(None, help=FINDINGS_HELP),
    stix: Path | None = typer.Option(None, "--stix", help="Write a STIX 2.1 bundle here."),
    misp: Path | None = typer.Option(None, "--misp", help="Write a MISP event (JSON) here."),
    partner: str | None = typer.Option(
        None, "--partner", "-p", help="Redact for this partner. Without it: internal, full."
    ),
    partners_file: Path | None = PARTNERS_OPT,
    tlp: str | None = typer.Option(None, "--tlp", help=TLP_HELP),
    recipient: str | None = typer.Option(None, "--recipient", help="Named TLP:RED recipient."),
    salt: str | None = typer.Option(
        None,
        "--salt",
        help="Key the indicator hashes (HMAC-SHA256) for unlinkable exports; the partner "
        "then cannot match them against its own data unless given the salt.",
    ),
    no_validate: bool = typer.Option(
        False,
        "--no-validate",
        help="Skip stix2-validator on the bundle (it costs ~5-15 ms per object; stix2 still "
        "type-checks every object as it is built). For very large exports only.",
    ),
    include_unreviewed: bool = typer.Option(
        False,
        "--include-unreviewed",
        help="Also share groups nobody confirmed (unreviewed, needs-review); dismissed groups "
        "and accounts are never shared. Default: confirmed groups only (vigie triage).",
    ),
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Workspace with the decisions (default: found from here)."
    ),
    author: str | None = typer.Option(
        None, "--author", help="Who exports, for the audit log (default: $VIGIE_USER, OS user)."
    ),
    audit_db: str | None = typer.Option(
        None,
        "--audit-db",
        help="Audit log database (URL or SQLite file; default: $VIGIE_AUDIT_DB, else the "
        "workspace's, else vigie-audit.sqlite beside the exported file).",
    ),
) -> None:
    """Export FINDINGS as STIX 2.1 and/or MISP, already redacted for --partner per policy.

    Only confirmed groups are shared unless --include-unreviewed; dismissed ones never.
    Every file written is recorded in the audit log (who, what, to whom)."""
    from vigie.cases import downstream
    from vigie.errors import VigieError
    from vigie.share.partners import Producer

    if stix is None and misp is None:
        raise VigieError("give --stix OUT.json and/or --misp OUT.json")
    if stix is not None and misp is not None and stix.resolve() == misp.resolve():
        # the MISP event would silently replace the STIX bundle just written
        raise VigieError(f"{stix}: given to both --stix and --misp; give each its own file")
    source = findings = findings_arg(findings, workspace)
    findings, reviewed, ws = downstream.use_reviewed(findings, workspace, include_unreviewed)
    downstream.require_groups(reviewed, source)
    p = None
    producer = Producer()
    if partner is not None or partners_file is not None:
        reg = _registry(partners_file)
        producer = reg.producer
        p = reg.get(partner) if partner is not None else None
    from vigie.progress import make_progress

    progress = make_progress(transient=True)
    task = progress.add_task("exporting", total=None)

    def step(msg: str) -> None:
        progress.update(task, description=msg)

    if stix is not None:
        from vigie.share.stix_export import export_stix, write_stix

        with progress:
            exp = export_stix(
                findings,
                tlp=tlp,
                partner=p,
                recipient=recipient,
                producer=producer,
                salt=salt,
                validate=not no_validate,
                step=step,
            )
        write_stix(exp, stix)
        counts = ", ".join(f"{n} {k}" for k, n in exp.counts().items())
        state = "not validated (--no-validate)" if no_validate else "validator-clean"
        typer.echo(f"wrote {stix}: STIX 2.1 bundle, {state} ({counts})")
        view = exp.view
    if misp is not None:
        from vigie.share.misp_export import export_misp, write_misp

        with progress:
            mexp = export_misp(
                findings,
                tlp=tlp,
                partner=p,
                recipient=recipient,
                producer=producer,
                salt=salt,
                step=step,
            )
        write_misp(mexp, misp)
        ev = mexp.event
        typer.echo(
            f"wrote {misp}: MISP event, {len(ev.objects)} objects, {len(ev.attributes)} "
            f"attributes, distribution {ev.distribution}"
        )
        view = mexp.view
    if view.decision is not None:
        _print_decision(view.decision)
    else:
        typer.echo(f"{view.tlp.label}, internal export (no partner): full form")
    withheld = view.counts.get("notes_withheld", 0)
    if withheld:
        typer.echo(f"  {withheld} private analyst note(s) withheld")
    from vigie.cases.decisions import current_author

    db, seq = downstream.audit_export(
        ws,
        author=current_author(author),
        partner=p.name if p is not None else None,
        files=[f for f in (stix, misp) if f is not None],
        reviewed=reviewed,
        tlp=view.tlp.label,
        audit_db=audit_db,
        form=view.form.value,
    )
    typer.echo(f"  audit log: recorded as row {seq} in {db}")


def import_(
    bundle: Path = typer.Argument(
        ..., help="STIX 2.1 bundle received from a partner, or a MISP event (converted)."
    ),
    source: str = typer.Option(..., "--from", help="Partner who sent it (in the registry)."),
    partners_file: Path | None = PARTNERS_OPT,
    store: Path | None = STORE_OPT,
    workspace: str | None = TAKE_IN_WORKSPACE_OPT,
    author: str | None = TAKE_IN_AUTHOR_OPT,
    audit_db: str | None = TAKE_IN_AUDIT_OPT,
) -> None:
    """Import a partner's bundle into the local store, with provenance, de-duplicated.

    A MISP event (MISP's JSON export) is converted to STIX 2.1 first, by the MISP project's
    own converter (misp-stix), its TLP tags becoming markings. Every import is a row of the
    audit log (who took what in, from whom), as every export is."""
    from vigie.atomic import file_sha256

    sender = _registry(partners_file).get(source)
    digest = file_sha256(bundle) if bundle.is_file() else None
    take_in(
        bundle,
        origin=str(bundle),
        digest=digest,
        sender=sender.name,
        store=store,
        workspace=workspace,
        author=author,
        audit_db=audit_db,
    )


def pull(
    url: str = typer.Argument(
        ..., help="The partner's TAXII 2.1 collection (https://HOST/ROOT/collections/ID/)."
    ),
    source: str = typer.Option(..., "--from", help="Partner whose server it is (in the registry)."),
    user: str | None = typer.Option(
        None, "--user", help="Your account on the partner's server (with its password)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input's first line."
    ),
    token_stdin: bool = typer.Option(
        False,
        "--token-stdin",
        help="Read an API token from standard input's first line, sent as a bearer token "
        "(OpenCTI's TAXII endpoints), instead of --user and a password.",
    ),
    insecure: bool = typer.Option(
        False, "--insecure", help="Do not check the server's TLS certificate (a test server)."
    ),
    whole: bool = typer.Option(
        False,
        "--all",
        help="Read the whole collection, not only what it received since the last pull.",
    ),
    partners_file: Path | None = PARTNERS_OPT,
    store: Path | None = STORE_OPT,
    workspace: str | None = TAKE_IN_WORKSPACE_OPT,
    author: str | None = TAKE_IN_AUTHOR_OPT,
    audit_db: str | None = TAKE_IN_AUDIT_OPT,
) -> None:
    """Read a partner's TAXII 2.1 collection into the local store, as share import stores a
    file: validated, with provenance and markings, de-duplicated, and a row of the audit
    log. After the first pull, only what the collection received since the last one is
    read (--all reads it whole). vigie search then finds what the partner shared."""
    from vigie.errors import VigieError
    from vigie.secret import ask_password
    from vigie.share.pull import collection_url, pull_objects
    from vigie.share.stix_import import as_bundle

    sender = _registry(partners_file).get(source)
    if token_stdin == (user is not None):
        raise VigieError("give --user NAME (and its password) or --token-stdin, one of them")
    if token_stdin:
        import sys

        secret = sys.stdin.readline().strip()
        if not secret:
            raise VigieError("--token-stdin: standard input held no token")
    else:
        secret = ask_password(
            f"{user}'s password on {sender.name}'s server",
            from_stdin=password_stdin,
            confirm=False,
            piped=f"printf '%s\\n' \"$PASSWORD\" | vigie share pull {url} --from "
            f"{sender.name} --user {user} --password-stdin",
        )
    where = collection_url(url)  # one collection, one bookmark
    since = None if whole else _bookmark(where, sender.name, store, workspace)
    if since is not None:
        typer.echo(
            f"reading what {url} received after {since} (the newest object of the last pull; "
            "--all reads the whole collection)"
        )
    from vigie.progress import make_progress

    with make_progress(transient=True) as bar:
        task = bar.add_task(f"reading {sender.name}'s collection (objects)", total=None)
        got = pull_objects(
            url,
            user,
            secret,
            verify=not insecure,
            token=token_stdin,
            added_after=since,
            on_page=lambda n: bar.update(task, completed=n),
        )
    take_in(
        as_bundle(got.objects),
        origin=url,
        digest=None,
        sender=sender.name,
        store=store,
        workspace=workspace,
        author=author,
        audit_db=audit_db,
        pulled=(where, got.added_last) if got.added_last else None,
    )
    if got.objects and got.added_last is None:
        typer.echo(
            "  the server dated none of these objects (no X-TAXII-Date-Added-Last header): "
            "the next pull reads the whole collection again"
        )


def _bookmark(url: str, sender: str, store: Path | None, workspace: str | None) -> str | None:
    """Where the last pull of ``sender``'s collection at ``url`` stopped, in the store this
    pull writes to (``take_in``'s); None when it was never pulled there."""
    from vigie.cases import downstream
    from vigie.share.stix_import import BundleStore, default_store_path

    ws = downstream.find_workspace(workspace)
    try:
        where = _receiving_store(store, ws) or default_store_path()
    finally:
        if ws is not None:
            ws.close()
    if not Path(where).is_file():  # never pulled into it (a first pull makes it)
        return None
    with BundleStore(where) as st:
        return st.bookmark(url, sender)


def _receiving_store(store: Path | None, ws: Any) -> Path | None:
    """The store what is taken in goes to: ``--store``, else ``$VIGIE_STORE``, else the
    workspace's ``vigie-share.sqlite`` at its root (what ``vigie search`` reads), else
    None (the default store: ``./vigie-share.sqlite``)."""
    import os

    from vigie.share.stix_import import STORE_ENV

    if store is None and not os.environ.get(STORE_ENV) and ws is not None and ws.root:
        return Path(ws.root) / "vigie-share.sqlite"
    return store


def take_in(
    bundle: Path | dict,
    *,
    origin: str,
    digest: str | None,
    sender: str,
    store: Path | None,
    workspace: str | None,
    author: str | None,
    audit_db: str | None,
    pulled: tuple[str, str] | None = None,
) -> None:
    """Store what ``sender`` sent (a bundle file or the objects of a pull) and write its row
    of the audit log: the one path of ``share import`` and ``share pull``. In a workspace
    the store is ``vigie-share.sqlite`` at its root (what ``vigie search`` reads), wherever
    the command runs. ``pulled``: the pull's collection URL and newest object's date (its
    bookmark, saved with the objects)."""
    from vigie.cases import downstream
    from vigie.cases.decisions import current_author
    from vigie.share.stix_import import BundleStore

    ws = downstream.find_workspace(workspace)
    try:
        store = _receiving_store(store, ws)
        with BundleStore(store) as st:
            r = st.import_bundle(bundle, source=sender, pulled=pulled)
            marks = ", ".join(f"{n} {k}" for k, n in r.by_tlp.items())
            typer.echo(
                f"imported {origin} from {sender} into {st.path}: {r.n_objects} objects, "
                f"{r.added} new, {r.duplicates} already known"
                + (f" ({marks})" if marks else " (it held none)")
            )
            where = str(st.path)
        db, seq = downstream.audit_import(
            ws,
            author=current_author(author),
            partner=sender,
            origin=origin,
            digest=digest,
            result=r,
            store=where,
            audit_db=audit_db,
        )
    finally:
        if ws is not None:
            ws.close()
    typer.echo(f"  audit log: recorded as row {seq} in {db}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``vigie share``."""
    app.command("partners")(partners)
    app.command("check")(check)
    app.command("export")(export)
    app.command("import")(import_)
    app.command("pull")(pull)
