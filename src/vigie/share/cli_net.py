"""``vigie share serve | passwd | audit | compare``: the network half of sharing.

Heavy imports (FastAPI, uvicorn, SQLAlchemy, argon2, openmined.psi) happen inside the
commands so that ``vigie --help`` stays instant. User mistakes raise ``VigieError`` (one red
line, exit 2).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import typer

from vigie.cases.runref import FINDINGS_HELP, findings_arg
from vigie.errors import VigieError
from vigie.progress import console

CONFIG_HELP = "Server configuration (YAML or TOML); see --print-example."

COMPARE_HELP = "\n\n".join(
    [
        "Compare identifiers with an ally without showing them (private set intersection).",
        "Ask a peer: vigie share compare ITEMS --peer http://127.0.0.1:8765 --user NAME. "
        "Serve yours: vigie share compare [ITEMS] --serve --config server.yaml.",
        "ITEMS: a text file (one identifier per line: CVE-2024-3094, CWE-79, "
        "vendor:product:version, URL, domain, IP, hash, T0049.003), a JSON list, or a STIX "
        "bundle; identifiers are canonicalised first and unrecognised lines are reported, "
        "not guessed.",
        "By default you learn ONLY HOW MANY identifiers you share. Which ones is revealed "
        "only when both sides consent for the run (--reveal here AND reveal: true or --reveal "
        "on the server); otherwise the server answers 403. Set sizes are padded to a power of "
        "two; the server caps set sizes and rate-limits comparisons per partner, because any "
        "PSI lets a peer probe candidates (the CVE space is small enough to enumerate slowly).",
        "Backends: 'ecdh' (openmined.psi; the peer learns nothing of your identifiers but "
        "their padded count) or the 'keyed' fallback (--backend keyed or "
        "VIGIE_PSI_BACKEND=keyed; never chosen on its own, even where the wheel is missing). The "
        "fallback is WEAKER: both sides share a key ($VIGIE_PSI_KEY), so the peer can "
        "brute-force small domains (every CVE/CWE id, known software versions) from the "
        "digests you send. Use it only with a peer you would trust with the list itself.",
    ]
)


def _config(path: Path | None):  # type: ignore[no-untyped-def]
    from vigie.share.taxii.config import example_config_path, load_config

    if path is None:
        raise VigieError(
            f"give --config (an example is at {example_config_path()}; see --print-example)"
        )
    return load_config(path)


def _server_registry(cfg, config: Path | None):  # type: ignore[no-untyped-def]
    """The partners registry the server configuration names, warning (like the other
    ``share`` commands) when it resolves to the shipped example of fictional partners."""
    from rich.markup import escape

    from vigie.progress import err_console
    from vigie.share.partners import example_warning, load_partners

    warning = example_warning(
        cfg.partners_path(),
        given_as=f"'partners' in {config}",
        hint="Set partners: in the configuration or $VIGIE_PARTNERS.",
    )
    if warning:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", markup=True, highlight=False)
    return load_partners(cfg.partners_path())


def _store(cfg):  # type: ignore[no-untyped-def]
    from vigie.share.store import Store

    return Store(cfg.resolved_db_url())


def serve(
    config: Path = typer.Option(None, "--config", "-c", help=CONFIG_HELP),
    host: str = typer.Option("127.0.0.1", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8765, min=1, max=65535, help="TCP port."),
    ssl_certfile: Path = typer.Option(None, help="TLS certificate (needed off loopback)."),
    ssl_keyfile: Path = typer.Option(None, help="TLS private key."),
    allow_plain_http: bool = typer.Option(
        False, help="Serve off loopback without TLS (only behind a TLS reverse proxy)."
    ),
    no_compare: bool = typer.Option(False, help="Do not serve /compare/v1/ even if configured."),
    print_example: bool = typer.Option(False, help="Print an example configuration and exit."),
) -> None:
    """Run the TAXII 2.1 server: each partner sees only what the sharing policy allows.

    Partners authenticate with HTTP Basic (credentials set by `vigie share passwd`, stored as
    argon2 hashes); every object served or received is written to the hash-chained audit log
    (`vigie share audit --verify`). Requests above max_content_length get 413, partners above
    their rate 429 with Retry-After. If the config has a `compare.items` file, private
    comparison is served on the same port (/compare/v1/).
    """
    from vigie.share.taxii.config import example_config_path

    if print_example:
        sys.stdout.write(example_config_path().read_text(encoding="utf-8"))
        return
    from vigie.share.compare import service_from_config
    from vigie.share.taxii.server import serve as run
    from vigie.share.taxii.server import state_from_config

    cfg = _config(config)
    state = state_from_config(cfg, _server_registry(cfg, config))
    if cfg.compare.items and not no_compare:
        state.compare = service_from_config(cfg, audit=state.audit)
    from vigie.listen import ensure_can_listen

    ensure_can_listen(host, port)
    roots = ", ".join(f"/{r.name}/ ({len(r.collections)} collections)" for r in cfg.api_roots)
    console.print(
        f"[bold]vigie TAXII 2.1[/] on http://{host}:{port}/taxii2/ — roots {roots}; "
        f"{len(state.registry)} partners; database {cfg.resolved_db_url()}"
    )
    run(
        state,
        host,
        port,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        allow_plain_http=allow_plain_http,
    )


def publish(
    findings: Path | None = typer.Argument(None, help=FINDINGS_HELP),
    collection: str = typer.Option(..., help="Collection name, id, or root/name."),
    config: Path = typer.Option(None, "--config", "-c", help=CONFIG_HELP),
    tlp: str = typer.Option(None, help="TLP 2.0 marking (default: the Findings' own, else AMBER)."),
    to: list[str] = typer.Option(
        None, "--to", help="TLP:RED: a named reader, partner/recipient (repeat for each)."
    ),
    include_unreviewed: bool = typer.Option(
        False,
        "--include-unreviewed",
        help="Also publish groups nobody confirmed; dismissed ones never (see vigie triage).",
    ),
    workspace: str = typer.Option(
        None, "--workspace", "-w", help="Workspace with the decisions (default: found from here)."
    ),
) -> None:
    """Publish our Findings into a collection, prepared once per policy form (full, redacted,
    hashed): each partner then reads only the variant and markings the policy allows it.
    TLP:RED needs --to: only those named people's credentials will read it. In a workspace,
    only confirmed groups unless --include-unreviewed."""
    from vigie.cases import downstream
    from vigie.share.taxii.publish import publish_findings
    from vigie.share.taxii.server import state_from_config

    source = findings = findings_arg(findings, workspace)
    findings, reviewed, _ = downstream.use_reviewed(findings, workspace, include_unreviewed)
    downstream.require_groups(reviewed, source)

    cfg = _config(config)
    state = state_from_config(cfg, _server_registry(cfg, config))
    report = publish_findings(state, findings, collection, tlp=tlp, recipients=to or None)
    stored = ", ".join(f"{k}: {v}" for k, v in sorted(report.stored.items())) or "nothing new"
    console.print(
        f"published {source} as {report.tlp.label} into {report.collection} — new objects "
        f"({stored}); {report.duplicates} already there"
    )
    for form, why in report.skipped_forms.items():
        console.print(f"[yellow]no {form} variant[/]: {why}")


def passwd(
    partner: str = typer.Argument(..., help="Partner name as in the registry."),
    config: Path = typer.Option(None, "--config", "-c", help=CONFIG_HELP),
    recipient: str = typer.Option(
        None, help="A named TLP:RED recipient of the partner (user 'partner/recipient')."
    ),
    password_stdin: bool = typer.Option(
        False, help="Read the password from standard input (for scripts) instead of a prompt."
    ),
    remove: bool = typer.Option(False, help="Revoke this credential instead of setting it."),
) -> None:
    """Set (or revoke) a partner's TAXII password; only its argon2 hash is stored."""
    from vigie.share.taxii.access import RECIPIENT_SEP, resolve_caller
    from vigie.share.taxii.auth import check_password_quality, remove_password, set_password

    cfg = _config(config)
    registry = _server_registry(cfg, config)
    user = partner if recipient is None else f"{partner}{RECIPIENT_SEP}{recipient}"
    caller = resolve_caller(registry, user)
    if caller is None:
        p = registry.get(partner)  # raises with the known names when the partner is unknown
        named = ", ".join(p.red_recipients) or "none"
        raise VigieError(f"{recipient!r} is not a named red_recipient of {p.name} ({named})")
    store = _store(cfg)
    if remove:
        done = remove_password(store, caller.user)
        console.print(f"credential of {caller.user} " + ("revoked" if done else "did not exist"))
        return
    from vigie.secret import ask_password

    password = ask_password(
        f"New password for {caller.user}",
        from_stdin=password_stdin,
        piped="pipe it in with --password-stdin",
    )
    check_password_quality(password)
    set_password(store, caller.user, password)
    console.print(f"password of [bold]{caller.user}[/] set (argon2id hash stored)")


def audit(
    what: str = typer.Argument(
        None,
        help="Optional: 'verify' (= --verify) or 'checkpoint' (write the head to keep outside "
        "the database).",
    ),
    config: Path = typer.Option(None, "--config", "-c", help=CONFIG_HELP),
    verify: bool = typer.Option(False, "--verify", help="Check the hash chain end to end."),
    head: Path = typer.Option(
        None,
        "--head",
        help="verify: a checkpoint file written earlier (detects truncation "
        "and a rewritten, re-chained log).",
    ),
    key: Path = typer.Option(
        None,
        "--key",
        help="HMAC key file signing/checking checkpoints (kept away from the "
        "database; created by 'checkpoint' if missing). Default: checkpoint_key in the config.",
    ),
    out: Path = typer.Option(None, "--out", help="checkpoint: write it here (default: stdout)."),
    expect_head: str = typer.Option(
        None, help="With --verify: the head hash recorded earlier (detects a truncated tail)."
    ),
    actor: str = typer.Option(None, help="Only rows of this partner/user."),
    action: str = typer.Option(None, help="Only this action (object.served, auth.refused …)."),
    last: int = typer.Option(50, help="Show the last N matching rows (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    db: str = typer.Option(
        None,
        "--db",
        help="Audit log database URL instead of the server's (default without --config: the "
        "workspace's, which records file exports).",
    ),
) -> None:
    """Show or verify the append-only audit log (who received what, when, under which TLP).

    'checkpoint' writes the log's head (HMAC-signed with --key) for a partner or a ticket to
    keep; 'verify --head FILE' later proves the log still passes through it.
    """
    from vigie.share import audit as audit_mod
    from vigie.share.audit import AuditLog

    if what not in (None, "verify", "checkpoint"):
        raise VigieError(f"unknown audit action {what!r}: use verify or checkpoint")
    if db is None and config is None:
        from vigie.cases.downstream import find_workspace

        ws = find_workspace(None)
        db = ws.db_url if ws is not None else None
    # a server configuration is needed only for the server's log (or its checkpoint key):
    # the workspace's log and --db are read without one
    cfg = _config(config) if config is not None or db is None else None
    if db is not None:
        from vigie.share.store import Store

        log = AuditLog(Store(db))
    else:
        log = AuditLog(_store(cfg))
    key_path = key or (cfg.checkpoint_key_path() if cfg is not None else None)
    if what == "checkpoint":
        secret = None
        if key_path is not None:
            secret = audit_mod.load_checkpoint_key(key_path, create=True)
        text = json.dumps(audit_mod.make_checkpoint(log, secret), indent=2) + "\n"
        if out is None:
            sys.stdout.write(text)
        else:
            from vigie.atomic import atomic_file

            with atomic_file(out) as fh:
                fh.write(text)
            console.print(f"checkpoint written to {out}: keep it outside this machine")
        return
    if what == "verify" or verify or head is not None:
        if head is not None:
            secret = audit_mod.load_checkpoint_key(key_path) if key_path is not None else None
            report = audit_mod.verify_checkpoint(log, audit_mod.read_checkpoint(head), secret)
        else:
            report = log.verify(expect_head=expect_head)
        if as_json:
            sys.stdout.write(json.dumps(report.__dict__) + "\n")
        else:
            console.print(("[green]" if report.ok else "[bold red]") + str(report) + "[/]")
        if not report.ok:
            raise typer.Exit(1)
        return
    rows = list(log.rows(actor=actor, action=action))
    if last:
        rows = rows[-last:]
    if as_json:
        for r in rows:
            sys.stdout.write(json.dumps(r.as_dict(), ensure_ascii=False) + "\n")
        return
    console.print(audit_table(rows, console.width))


def audit_table(rows: list[Any], width: int):  # type: ignore[no-untyped-def]
    """The audit rows as a table that stays readable at ``width`` columns (80 and up).

    Why this layout: seven bordered columns with a no-wrap detail left every column but
    "detail" zero characters wide at 80 columns. Here each entry takes two lines: the date
    over the time, the actor over the action, the object over the detail; short columns get
    the width of their content, and the object and detail are cut with an ellipsis to what
    is left (the full rows are in ``--json``).
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    entries = [r.as_dict() for r in rows]
    seq_w = max([3, *(len(str(d["seq"])) for d in entries)])
    longest_who = max([6, *(len(d[k]) for d in entries for k in ("actor", "action"))])
    who_w = min(max(20, width // 4), longest_who)  # a longer actor folds onto more lines
    tlp_w = max([3, *(len(d["marking"] or "-") for d in entries)])
    # 5 columns: 4 boundaries of 3 characters (padding, rule, padding)
    last_w = max(16, width - (seq_w + 10 + who_w + tlp_w) - 4 * 3)

    def cut(text: str, style: str = "") -> Text:
        t = Text(text, style=style)
        t.truncate(last_w, overflow="ellipsis")
        return t

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("seq", justify="right", no_wrap=True, width=seq_w)
    table.add_column("time (UTC)", no_wrap=True, width=10)
    table.add_column("actor / action", overflow="fold", width=who_w)
    table.add_column("TLP", no_wrap=True, width=tlp_w)
    table.add_column("object / detail", no_wrap=True, width=last_w)
    for d in entries:
        date, _, clock = d["ts"][:19].partition("T")
        what = cut(d["object_id"] or d["collection"] or "-")
        if d["detail"]:
            what.append("\n")
            what.append(cut(json.dumps(d["detail"], ensure_ascii=False), "dim"))
        table.add_row(
            str(d["seq"]),
            f"{date}\n{clock}",
            Text(f"{d['actor']}\n{d['action']}"),
            (d["marking"] or "-").upper(),
            what,
        )
    return table


def compare(
    items: Path = typer.Argument(None, help="Identifiers to compare (txt, JSON list, STIX)."),
    peer: str = typer.Option(None, help="The peer's base URL, e.g. http://127.0.0.1:8765."),
    user: str = typer.Option(None, help="Our partner name on the peer."),
    password_env: str = typer.Option(
        "VIGIE_PEER_PASSWORD", help="Environment variable holding the password (else prompt)."
    ),
    reveal: bool = typer.Option(
        False, help="Consent to (and ask for) the shared identifiers, not just their number."
    ),
    backend: str = typer.Option("auto", help="auto | ecdh | keyed (weaker fallback)."),
    key_env: str = typer.Option("VIGIE_PSI_KEY", help="Shared key variable (keyed fallback)."),
    strict: bool = typer.Option(False, help="Fail on an unrecognised identifier."),
    allow_plain_http: bool = typer.Option(
        False, help="Allow http:// to a non-loopback peer (only inside an encrypted tunnel)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    serve_mode: bool = typer.Option(False, "--serve", help="Serve our identifiers instead."),
    config: Path = typer.Option(None, "--config", "-c", help=CONFIG_HELP + " (with --serve)"),
    host: str = typer.Option("127.0.0.1", help="With --serve: address to bind."),
    port: int = typer.Option(8766, min=1, max=65535, help="With --serve: TCP port."),
) -> None:
    from vigie.share import compare as cmp
    from vigie.share.psi import keyed
    from vigie.share.psi.canon import load_items

    if backend not in ("auto", "ecdh", "keyed"):  # before any prompt or connection
        raise VigieError(f"--backend {backend!r}: expected auto, ecdh or keyed")
    if serve_mode:
        from vigie.share.taxii.app import create_app
        from vigie.share.taxii.server import is_loopback, state_from_config

        if not is_loopback(host):
            raise VigieError("compare --serve binds loopback only; use `share serve` with TLS")
        cfg = _config(config)
        state = state_from_config(cfg, _server_registry(cfg, config))
        state.compare = cmp.service_from_config(
            cfg,
            audit=state.audit,
            items_path=items,
            reveal=reveal or None,
            backend=None if backend == "auto" else backend,
        )
        svc = state.compare
        from vigie.listen import ensure_can_listen

        ensure_can_listen(host, port)
        console.print(
            f"comparison service on http://{host}:{port}/compare/v1/ — "
            f"{svc.items.summary()}; backends {', '.join(svc.backends)}; "
            f"reveal consent: {'yes' if svc.reveal else 'no'}"
        )
        if "keyed" in svc.backends:
            console.print("[yellow]warning:[/] " + cmp.GUARANTEES["keyed"])
        import uvicorn

        uvicorn.run(create_app(state, taxii=False), host=host, port=port, log_level="info")
        return
    if items is None or peer is None or user is None:
        raise VigieError("give ITEMS, --peer and --user (or --serve to serve our identifiers)")
    cmp.check_peer(peer, allow_plain_http)  # before the password is asked for
    mine = load_items(items, strict=strict)
    from vigie.secret import ask_password

    password = os.environ.get(password_env) or ask_password(
        f"Password of {user} on {peer}",
        confirm=False,
        piped=f"set it in the variable {password_env} (--password-env names another)",
    )
    key = keyed.load_key(key_env) if os.environ.get(key_env) or backend == "keyed" else None
    result = cmp.compare_with_peer(
        peer,
        mine,
        user=user,
        password=password,
        reveal=reveal,
        backend=backend,
        key=key,
        allow_plain_http=allow_plain_http,
    )
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return
    console.print(mine.summary())
    console.print(
        f"[bold]{result.size}[/] of our {result.ours} identifiers are also held by the peer "
        f"(backend {result.backend}; sets padded to {result.our_padded} / {result.peer_padded})"
    )
    if result.matches is not None:
        for m in result.matches:
            console.print(f"  {m}")
    colour = "yellow" if result.backend == "keyed" else "green"
    console.print(f"[{colour}]{result.guarantee}[/]")


compare.__doc__ = COMPARE_HELP


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``vigie share``."""
    app.command("serve")(serve)
    app.command("publish")(publish)
    app.command("passwd")(passwd)
    app.command("audit")(audit)
    app.command("compare", help=COMPARE_HELP)(compare)
