"""``vigie init | triage | diff | search | decisions | runs``: thin wiring over ``vigie.cases``.

Every command finds its workspace with ``--workspace/-w``, else ``$VIGIE_WORKSPACE``, else
from the current folder upwards (see ``Workspace.find``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from vigie.cases.decisions import REASONS, STATUSES

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table

    from vigie.cases.decision_log import DecisionFilter, LoggedDecision
    from vigie.cases.workspace import Workspace

WS_OPT = typer.Option(
    None,
    "--workspace",
    "-w",
    help="Workspace folder or case store URL (default: $VIGIE_WORKSPACE, else the first "
    "folder with a workspace.json from here upwards).",
)
JSON_OPT = typer.Option(False, "--json", help="Print JSON instead of a table.")
REASON_HELP = "Why (required to dismiss): " + ", ".join(REASONS) + "."


def open_workspace(workspace: str | None) -> Workspace:
    """The workspace the user means, or a clear error saying how to make one."""
    from vigie.cases.workspace import Workspace
    from vigie.errors import VigieError

    ws = Workspace.find(workspace)
    if ws is None:
        raise VigieError(
            "no workspace here: run `vigie init` in a folder, or give --workspace PATH "
            "(or set VIGIE_WORKSPACE)"
        )
    return ws


def init(
    path: Path = typer.Argument(Path("."), help="Folder of the workspace (created if needed)."),
    db: str | None = typer.Option(
        None,
        "--db",
        help="Case store URL for server mode, e.g. postgresql+psycopg://user@host/vigie "
        "(default: cases.db, SQLite, inside the folder).",
    ),
) -> None:
    """Create a workspace: datasets/, runs/ and the case store (decisions, group identity)."""
    from vigie.cases.store import redact_url
    from vigie.cases.workspace import Workspace
    from vigie.progress import console

    ws = Workspace.init(path, db=db)
    console.print(
        f"workspace {ws.root} ready: datasets/, runs/, case store "
        f"{redact_url(ws.db_url)} (schema {ws.store.revision}); "
        f"{len(ws.list_runs())} run(s), {ws.count_groups()} known group(s)"
    )
    if not ws.list_runs():  # what to type next, for someone who has never run vigie
        where = path if path.name not in ("", ".") else Path(".")
        console.print(
            f"next: vigie ingest YOUR-EXPORT --into {where / 'datasets' / 'NAME'}, then "
            f"vigie detect {where / 'datasets' / 'NAME'} --out {where / 'runs' / 'NAME'} "
            f"(registered as a run), then vigie serve {where} for the workbench",
            soft_wrap=True,
        )
    ws.close()


def _status_style(status: str) -> str:
    return {
        "confirmed": "bold red",
        "dismissed": "dim",
        "needs-review": "yellow",
        "unreviewed": "cyan",
    }.get(status, "")


def triage(
    group: str | None = typer.Argument(
        None, help="Group: a stable id (G-7F3A2C) or a local id of the last run (g0003)."
    ),
    status: str | None = typer.Option(
        None, "--status", "-s", help="One of " + ", ".join(STATUSES) + ". Omit to show."
    ),
    reason: str | None = typer.Option(None, "--reason", "-r", help=REASON_HELP),
    note: str | None = typer.Option(None, "--note", "-n", help="Free text kept with it."),
    account: str | None = typer.Option(None, "--account", help="Decide on one account id."),
    pair: tuple[str, str] | None = typer.Option(
        None, "--pair", help="Decide on a pair of accounts: --pair A B."
    ),
    author: str | None = typer.Option(
        None, "--author", help="Who decides (default: $VIGIE_USER, else the OS user)."
    ),
    run: str | None = typer.Option(
        None, "--run", help="Run whose local ids GROUP refers to (default: the last)."
    ),
    workspace: str | None = WS_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Record a decision on a group, an account or a pair (append-only history), or show one.

    A decision follows its group to later runs; a group whose members changed a lot since
    (Jaccard < 0.7 with the decided membership) comes back as needs-review."""
    from vigie.errors import VigieError
    from vigie.progress import console

    targets = [t for t in (group, account, pair) if t]
    if len(targets) != 1:
        raise VigieError("name one thing to triage: GROUP, --account ID or --pair A B")
    ws = open_workspace(workspace)
    try:
        kind = "account" if account else "pair" if pair else "group"
        target: str | tuple[str, str] = account or pair or group  # type: ignore[assignment]
        if status is not None:
            d = ws.decide(
                target, status, reason=reason, note=note, author=author, kind=kind, run=run
            )
            if as_json:
                typer.echo(json.dumps(d.as_dict(), indent=2))
                return
            local = (
                f" ({group} in {'run ' + run if run else 'the last run'})"
                if kind == "group" and group.upper() != d.target
                else ""
            )
            console.print(
                f"[{_status_style(d.status)}]{d.status}[/] {d.target_kind} {d.target}{local}"
                f"{' — ' + d.reason if d.reason else ''}"
                f"{' — ' + d.note if d.note else ''}  [dim](by {d.author}, "
                f"{d.decided_at:%Y-%m-%d %H:%M} UTC, decision #{d.seq})[/]"
            )
            if kind != "group":
                for acc in ws.unknown_accounts(d.target.split(" ")):
                    console.print(
                        f"[yellow]note:[/] {acc} is a member of no group in this workspace's "
                        "runs: check the id (the decision is kept, and applies if it appears)"
                    )
            return
        if reason is not None or note is not None:
            raise VigieError("--reason and --note go with --status")
        _show(ws, kind, target, run, as_json)
    finally:
        ws.close()


def _show(
    ws: Workspace, kind: str, target: str | tuple[str, str], run: str | None, as_json: bool
) -> None:
    from rich.table import Table

    from vigie.progress import console

    if kind != "group":
        hist = ws.history(target, kind=kind)
        if as_json:
            typer.echo(json.dumps([h.as_dict() for h in hist], indent=2))
            return
        _print_history(hist, f"{kind} {' '.join(target) if kind == 'pair' else target}")
        return
    gid = ws.resolve_group(str(target), run)
    g = ws.group(gid)
    lineage = ws.lineage(gid)
    members = ws.members(gid)
    if as_json:
        out = g.as_dict() | {
            "members": members,
            "lineage": [e.as_dict() for e in lineage],
        }
        typer.echo(json.dumps(out, indent=2))
        return
    flag = (
        f" [yellow](changed since decided: Jaccard {g.drift:.2f} with the decided members)[/]"
        if g.rereview
        else ""
    )
    console.print(
        f"[bold]{g.id}[/] — [{_status_style(g.status)}]{g.status}[/]{flag}\n"
        f"  last seen in run {g.run_id} as {g.local_id}: {g.n_members} members, score "
        f"{(g.score or 0):.2f}, signals {', '.join(g.signals) or '—'}\n"
        f"  {g.summary or ''}"
    )
    more = len(members) - 20
    console.print(
        f"  members: {', '.join(members[:20])}"
        + (f" … and {more} more (--json lists all)" if more > 0 else ""),
        highlight=False,
    )
    for i in g.inherited:
        console.print(
            f"  [yellow]{i['event']}[/] from {i['parent']}, which was {i['status']}"
            f"{' (' + i['reason'] + ')' if i['reason'] else ''}: review it"
        )
    _print_history(g.history, g.id)
    if lineage:
        t = Table(title="Lineage", title_justify="left")
        for col in ("run", "event", "from", "to", "overlap", "Jaccard"):
            t.add_column(col)
        for e in lineage:
            t.add_row(
                e.run_id,
                e.event,
                e.parent or "—",
                e.child or "—",
                "" if e.overlap is None else str(e.overlap),
                "" if e.jaccard is None else f"{e.jaccard:.2f}",
            )
        console.print(t)


def _print_history(hist: list, what: str) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    from vigie.progress import console

    if not hist:
        console.print(f"  no decision on {what} yet (unreviewed)")
        return
    t = Table(title=f"Decisions on {what} (latest in force)", title_justify="left")
    for col in ("#", "when (UTC)", "who", "status", "reason", "note"):
        t.add_column(col)
    for h in hist:
        t.add_row(
            str(h.seq),
            f"{h.decided_at:%Y-%m-%d %H:%M}",
            h.author,
            f"[{_status_style(h.status)}]{h.status}[/]",
            h.reason or "",
            h.note or "",
        )
    console.print(t)


def diff(
    run_a: str | None = typer.Argument(None, help="Earlier run (default: the previous run)."),
    run_b: str | None = typer.Argument(None, help="Later run (default: the last run)."),
    workspace: str | None = WS_OPT,
    as_json: bool = JSON_OPT,
    show_members: int = typer.Option(5, "--members", help="Member ids listed per change."),
) -> None:
    """What changed between two runs: new, grown, shrunk, merged, split and gone groups,
    members in and out, new evidence."""
    from vigie.errors import VigieError

    ws = open_workspace(workspace)
    try:
        if (run_a is None) != (run_b is None):
            raise VigieError("give two runs (RUN_A RUN_B) or none (the last two)")
        d = ws.diff(run_a, run_b)
    finally:
        ws.close()
    if as_json:
        typer.echo(json.dumps(d.as_dict(), indent=2, ensure_ascii=False))
        return
    print_diff(d, show_members)


def print_diff(d, show_members: int = 5) -> None:  # type: ignore[no-untyped-def]
    """The diff as a Rich table of counts (one line a group, readable on 80 columns), then
    who came and went in the groups that changed, and one line of counts.

    Why the members below the table: four columns of account ids in an 80-column table
    were cut to "faceb…" and "x:tw_…", naming nobody."""
    from rich.table import Table

    from vigie.progress import console

    def cut(items: list[str]) -> str:
        return ", ".join(items[:show_members]) + (
            f" … (+{len(items) - show_members})" if len(items) > show_members else ""
        )

    t = Table(
        title=f"Run #{d.run_a.seq} {d.run_a.id} → run #{d.run_b.seq} {d.run_b.id}",
        title_justify="left",
    )
    for col in ("change", "group", "status", "size", "in", "out", "new evid."):
        t.add_column(col, no_wrap=True)
    t.add_column("related", overflow="fold")
    for c in d.changes:
        t.add_row(
            c.change,
            c.id,
            f"[{_status_style(c.status)}]{c.status}[/]",
            f"{c.size_a} → {c.size_b}",
            f"+{len(c.members_in)}" if c.members_in else "",
            f"−{len(c.members_out)}" if c.members_out else "",
            str(len(c.new_evidence)) if c.new_evidence else "",
            ", ".join(c.related),
        )
    if d.changes:
        console.print(t)
    # a new group's members are all "in", a gone one's all "out": the table says how many
    for c in d.changes:
        if c.change in ("new", "gone"):
            continue
        said = [
            f"{what}: {cut(items)}"
            for what, items in (
                ("in", c.members_in),
                ("out", c.members_out),
                ("new evidence", c.new_evidence),
            )
            if items
        ]
        if said:
            console.print(f"{c.id} ({c.change}) " + "; ".join(said), highlight=False)
    counts = d.counts()
    console.print(
        ", ".join(f"{n} {k}" for k, n in counts.items() if n or k in ("new", "gone")) or "no change"
    )


def search(
    query: str = typer.Argument(..., help="Account id, @handle, URL, domain, #hashtag or text."),
    workspace: str | None = WS_OPT,
    as_json: bool = JSON_OPT,
    limit: int = typer.Option(200, "--limit", min=1, help="Hits per source at most."),
) -> None:
    """Find an account, handle, URL, domain, hashtag or text across runs, groups, pairs
    and decisions."""
    from rich.table import Table

    from vigie.cases.search import cut_at_limit
    from vigie.progress import console

    ws = open_workspace(workspace)
    try:
        hits = ws.search(query, limit=limit)
        runs = ws.list_runs()
    finally:
        ws.close()
    if as_json:
        typer.echo(json.dumps([h.as_dict() for h in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        console.print(f"nothing found for {query!r}")
        return
    # one row per place: the same value in many evidence posts of one group is one row
    seq = {r.id: f"#{r.seq}" for r in runs}
    low = query.strip().lstrip("@#").lower()
    rows: dict[tuple[str, ...], list[str]] = {}
    texts: dict[tuple[str, ...], str] = {}  # a text place shows its first post's match
    for h in hits:
        value = "" if h.field == "text" else _snippet(h.value, low)
        group = " ".join(x for x in (h.group_id, h.local_id and f"({h.local_id})") if x)
        key = (h.where, seq.get(h.run_id or "", ""), group, h.field, value)
        rows.setdefault(key, []).append(h.detail)
        if h.field == "text":
            texts.setdefault(key, _snippet(h.value, low))
    t = Table(
        title=f"{len(hits)} hit(s) for {query!r} in {len(rows)} place(s)", title_justify="left"
    )
    for col in ("where", "run", "group"):
        t.add_column(col, no_wrap=True)
    for col in ("field", "value", "detail"):
        t.add_column(col)
    for key, details in rows.items():
        detail = details[0][:60] if len(details) == 1 else f"{len(details)} posts"
        shown = (*key[:4], texts[key]) if key in texts else key
        t.add_row(*shown, detail)
    console.print(t)
    full = cut_at_limit(hits, limit)
    if full:  # each source stops at --limit: say the list may be cut
        console.print(
            f"[yellow]{', '.join(full)}: the first {limit:,} hits only; "
            "--limit N for more, --json for every field[/]"
        )


def _snippet(text: str, low: str, width: int = 50) -> str:
    """``text`` around the first match of ``low`` (long summaries and texts)."""
    if len(text) <= width:
        return text
    at = max(0, text.lower().find(low) - width // 3)
    return ("…" if at else "") + text[at : at + width] + "…"


DECISIONS_LIMIT = 50
"""Decisions ``vigie decisions`` shows by default: a screenful, the newest."""

MAX_DECISIONS_LIMIT = 1_000_000
"""The largest ``--limit`` (0 asks for all): a pasted number past it is a clear error, never
an overflow of SQLite's 64-bit LIMIT."""


def decisions(
    kind: str | None = typer.Option(None, "--kind", help="group, account or pair."),
    status: str | None = typer.Option(
        None, "--status", "-s", help="One of " + ", ".join(STATUSES) + "."
    ),
    author: str | None = typer.Option(None, "--author", help="Who decided (as recorded)."),
    text: str | None = typer.Option(
        None, "--text", help="Words in the target, the reason or the note (any case)."
    ),
    since: str | None = typer.Option(
        None, "--since", metavar="DAY", help="From this day on (YYYY-MM-DD, UTC, included)."
    ),
    until: str | None = typer.Option(
        None, "--until", metavar="DAY", help="Up to this day (YYYY-MM-DD, UTC, included)."
    ),
    limit: str | None = typer.Option(
        None,
        "--limit",
        metavar="N",
        help=f"Show the newest N (default {DECISIONS_LIMIT}; 0: all; at most "
        f"{MAX_DECISIONS_LIMIT:,}).",
    ),
    csv_path: Path | None = typer.Option(
        None,
        "--csv",
        metavar="FILE",
        help="Write every decision the filters keep to FILE (CSV, cells guarded against "
        "formulas) instead of showing them.",
    ),
    workspace: str | None = WS_OPT,
    as_json: bool = typer.Option(
        False, "--json", help="One JSON object per line (newest first) instead of a table."
    ),
) -> None:
    """The decision log: every decision on a group, an account or a pair, newest first,
    with who took it, when, why and on which run (the workbench's Decisions page).

    The case store filters and pages it (``Workspace.decision_log``); ``--csv`` is the
    page's download (``Workspace.write_decisions_csv``)."""
    from vigie.errors import VigieError
    from vigie.progress import console

    flt = _decision_filter(kind, status, author, text, since, until)
    if csv_path is not None and (as_json or limit is not None):
        raise VigieError(
            "--csv writes every decision the filters keep: give it without --json or --limit"
        )
    n = _decisions_limit(limit)
    ws = open_workspace(workspace)
    try:
        if csv_path is not None:
            written = ws.write_decisions_csv(csv_path, flt)
            console.print(f"{written} decision(s) written to {csv_path}", highlight=False)
            return
        if as_json:  # printed page by page: --limit 0 on a long log holds one page at once
            for entries, _ in _decision_pages(ws, flt, n):
                for e in entries:
                    typer.echo(json.dumps(_logged_dict(e), ensure_ascii=False))
            return
        shown, total = _newest_decisions(ws, flt, n)
        if not shown:
            known = ws.decision_authors()
            hint = (
                f" (nobody named {author!r} decided anything; people: {', '.join(known)})"
                if author and known and author not in known
                else ""
            )
            console.print(f"no decision matches{hint}", highlight=False, markup=False)
            return
    finally:
        ws.close()
    head = (
        f"the newest {len(shown)} of {total} decisions (--limit 0: all)"
        if len(shown) < total
        else f"{total} decision(s), newest first"
    )
    console.print(head, highlight=False, markup=False, soft_wrap=True)
    console.print(decisions_table(shown, console.width))


def _decision_filter(
    kind: str | None,
    status: str | None,
    author: str | None,
    text: str | None,
    since: str | None,
    until: str | None,
) -> DecisionFilter:
    """The options as the case store's filter; its one-line error names the option."""
    from vigie.cases.decision_log import DecisionFilter
    from vigie.errors import VigieError

    values = {"kind": kind, "status": status, "author": author, "q": text}
    try:
        return DecisionFilter.parse(values | {"since": since, "until": until})
    except VigieError as exc:  # "kind: 'x' is not one of …" -> "--kind: …"
        raise VigieError(f"--{exc}") from None


def _decisions_limit(raw: str | None) -> int:
    """``--limit`` as a number of decisions (0: all), or a one-line error with the range.

    Why text, not an int option: Typer's own refusal of ``--limit x`` is a boxed usage
    message; every other bad value of this command is one red line."""
    from vigie.errors import VigieError, shortened

    if raw is None:
        return DECISIONS_LIMIT
    try:
        n = int(raw.strip())
    except ValueError:
        n = -1
    if not 0 <= n <= MAX_DECISIONS_LIMIT:
        raise VigieError(
            f"--limit: {shortened(raw, 40)!r}; give 0 (all) to {MAX_DECISIONS_LIMIT:,} decisions"
        )
    return n


def _newest_decisions(
    ws: Workspace, flt: DecisionFilter, limit: int
) -> tuple[list[LoggedDecision], int]:
    """The ``limit`` newest decisions ``flt`` keeps (0: all) and how many it keeps in all."""
    shown: list[LoggedDecision] = []
    total = 0
    for entries, of in _decision_pages(ws, flt, limit):
        shown.extend(entries)
        total = of
    return shown, total


def _decision_pages(
    ws: Workspace, flt: DecisionFilter, limit: int
) -> Iterator[tuple[list[LoggedDecision], int]]:
    """The ``limit`` newest decisions ``flt`` keeps (0: all), page after page, each with how
    many the filter keeps in all (counted once, at the first page).

    Read through the case store's keyset paging (a page holds at most ``MAX_PAGE``): a
    decision taken meanwhile shifts nothing from one page to the next."""
    from vigie.cases.decision_log import MAX_PAGE

    total: int | None = None
    before: int | None = None
    seen = 0
    while True:
        want = MAX_PAGE if limit == 0 else min(MAX_PAGE, limit - seen)
        page = ws.decision_log(flt, before=before, limit=want)
        total = page.total if total is None else total
        seen += len(page.entries)
        yield page.entries, total
        if page.older is None or (limit and seen >= limit):
            return
        before = page.older


def _logged_dict(e: LoggedDecision) -> dict[str, object]:
    """One decision of the log as ``--json`` prints it: the decision, its run's number and
    the groups of that run that show it (where to look in the workbench)."""
    return e.decision.as_dict() | {"run_seq": e.run_seq, "groups": e.groups}


def decisions_table(entries: list[LoggedDecision], width: int) -> Table:
    """The decision log as a table that stays readable at ``width`` columns (80 and up).

    Why this layout (``audit_table``'s): one column per field left the reason and the note
    a few characters wide at 80 columns. Each decision takes two lines: the day over the
    time, the author over the status, what was decided over why (reason, note); short
    columns get the width of their content, and the last one is cut with an ellipsis to
    what is left (the full rows are in ``--json`` and ``--csv``)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    seq_w = max([1, *(len(str(e.decision.seq)) for e in entries)])
    longest_who = max([12, *(len(e.decision.author) for e in entries)])
    who_w = min(max(16, width // 5), longest_who)  # a longer name folds onto more lines
    run_w = max([3, *(len(f"#{e.run_seq}") for e in entries if e.run_seq is not None)])
    # 5 columns: 4 boundaries of 3 characters (padding, rule, padding)
    last_w = max(16, width - (seq_w + 10 + who_w + run_w) - 4 * 3)

    def cut(text: str, style: str = "") -> Text:
        t = Text(" ".join(text.split()), style=style)  # a note's line breaks: one line
        t.truncate(last_w, overflow="ellipsis")
        return t

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True, width=seq_w)
    table.add_column("when (UTC)", no_wrap=True, width=10)
    table.add_column("who / status", overflow="fold", width=who_w)
    table.add_column("run", no_wrap=True, width=run_w)
    table.add_column("decided on / why", no_wrap=True, width=last_w)
    for e in entries:
        d = e.decision
        who = Text(d.author + "\n")
        who.append(d.status, style=_status_style(d.status))
        seen = e.groups if d.target_kind != "group" else []  # where the workbench shows it
        place = f" · in {seen[0]}" + (f" +{len(seen) - 1}" if len(seen) > 1 else "") if seen else ""
        what = cut(f"{d.target_kind} {d.target}{place}")
        why = " — ".join(x for x in (d.reason, d.note) if x)
        if why:
            what.append("\n")
            what.append(cut(why, "dim"))
        table.add_row(
            str(d.seq),
            f"{d.decided_at:%Y-%m-%d}\n{d.decided_at:%H:%M}",
            who,
            "" if e.run_seq is None else f"#{e.run_seq}",
            what,
        )
    return table


runs_app = typer.Typer(no_args_is_help=False, help="Runs registered in the workspace.")


@runs_app.callback(invoke_without_command=True)
def runs_list(
    ctx: typer.Context,
    workspace: str | None = WS_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """List the runs (oldest first). Sub-commands: add, groups."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from vigie.progress import console

    ws = open_workspace(workspace)
    try:
        runs = ws.list_runs()
        root = ws.root
    finally:
        ws.close()
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in runs], indent=2))
        return
    # the run id is what people type (whole, never cut with "…"); a folder inside the
    # workspace is shown from it, and a long one folds rather than losing its end
    t = Table(title=f"{len(runs)} run(s)", title_justify="left")
    for col in ("#", "run"):
        t.add_column(col, no_wrap=True)
    for col in ("registered (UTC)", "by", "groups", "accounts"):
        t.add_column(col)
    t.add_column("folder", overflow="fold")
    for r in runs:
        t.add_row(
            str(r.seq),
            r.id,
            f"{r.registered_at:%Y-%m-%d %H:%M}",
            r.registered_by,
            str(r.n_groups),
            str(r.n_members),
            _shown_path(r.path, root) + ("" if r.path.exists() else " (deleted)"),
        )
    console.print(t)


def _shown_path(path: Path, root: Path | None) -> str:
    """``path`` from the workspace's folder when it lies inside it (``runs/2026…``)."""
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


@runs_app.command("add")
def runs_add(
    findings: Path = typer.Argument(..., help="Findings folder written by vigie detect."),
    label: str | None = typer.Option(None, "--label", help="A short label for this run."),
    workspace: str | None = WS_OPT,
) -> None:
    """Register a Findings folder as the next run (its groups get stable ids)."""
    ws = open_workspace(workspace)
    try:
        report_registration(ws, ws.register_run(findings, label=label))
    finally:
        ws.close()


def report_registration(ws: Workspace, run) -> None:  # type: ignore[no-untyped-def]
    """One line: the run, its groups, and what the identity matching found."""
    from collections import Counter

    from vigie.progress import console

    events = Counter(e.event for e in ws.lineage_of_run(run))
    desc = ", ".join(f"{n} {k}" for k, n in sorted(events.items())) or "no group"
    console.print(
        f"registered run #{run.seq} {run.id}: {run.n_groups} group(s), {run.n_members} "
        f"account(s) — {desc}"
    )


@runs_app.command("groups")
def runs_groups(
    run: str | None = typer.Argument(None, help="Run (default: the last)."),
    workspace: str | None = WS_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """The groups of a run with their stable ids and review status."""
    from rich.table import Table

    from vigie.progress import console

    ws = open_workspace(workspace)
    try:
        r = ws.run(run)
        groups = ws.groups(r)
        seq = {x.id: f"#{x.seq}" for x in ws.list_runs()}
    finally:
        ws.close()
    if as_json:
        typer.echo(json.dumps([g.as_dict() for g in groups], indent=2, ensure_ascii=False))
        return
    # in the run's own order (g0001 is its strongest group), signals folded whole rather
    # than cut ("co_lin…"), and the run a group was first seen in by its number
    groups = sorted(groups, key=lambda g: (len(g.local_id or ""), g.local_id or "", g.id))
    t = Table(title=f"Run #{r.seq} {r.id}: {len(groups)} group(s)", title_justify="left")
    for col in ("group", "local", "status"):
        t.add_column(col, no_wrap=True)
    for col in ("reason", "members", "score"):
        t.add_column(col)
    t.add_column("signals", overflow="fold")
    t.add_column("since", no_wrap=True)
    for g in groups:
        st = g.status + (" (changed)" if g.rereview else "")
        t.add_row(
            g.id,
            g.local_id,
            f"[{_status_style(g.status)}]{st}[/]",
            g.decision.reason or "" if g.decision else "",
            str(g.n_members),
            f"{(g.score or 0):.2f}",
            ", ".join(g.signals),
            seq.get(g.born_run or "", g.born_run or ""),
        )
    console.print(t)


def watch(
    folder: Path = typer.Argument(..., help="Folder where new export files are dropped."),
    every: float = typer.Option(300.0, "--every", min=1.0, help="Seconds between two looks."),
    once: bool = typer.Option(False, "--once", help="Look once, then stop (for cron and tests)."),
    dataset: str = typer.Option(
        "watched", "--dataset", help="Dataset of the workspace to ingest into (datasets/NAME)."
    ),
    fmt: str = typer.Option(
        "auto",
        "--format",
        help="Format of the files (auto: by content; *accounts* files as accounts tables).",
    ),
    config: Path | None = typer.Option(None, "--config", help="Detection settings (TOML)."),
    webhook: str | None = typer.Option(
        None, "--webhook", help="POST a JSON alert here on new or grown groups (http/https)."
    ),
    settle: float = typer.Option(
        5.0, "--settle", min=0.0, help="Leave files modified in the last SECONDS for later."
    ),
    author: str | None = typer.Option(None, "--author", help="Who watches (audit log)."),
    workspace: str | None = WS_OPT,
) -> None:
    """Ingest new files from FOLDER on a schedule, re-detect, diff against the last run and
    alert on new or grown groups (console, --webhook, audit log)."""
    import time

    from vigie.cases.watch import Watcher
    from vigie.errors import VigieError
    from vigie.progress import console

    ws = open_workspace(workspace)
    try:
        w = Watcher(
            ws,
            folder,
            dataset=dataset,
            fmt=fmt,
            config=config,
            webhook=webhook,
            settle=settle,
            author=author,
        )
        while True:
            try:
                t = w.tick()
            except VigieError as exc:
                if once:
                    raise
                # a watch runs for days: one failed look is said, and the next one tries
                # again (what was ingested is still detected on then)
                stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
                console.print(
                    f"{stamp} [red]this look failed[/]: {exc}; next look in {every:g} s",
                    highlight=False,
                )
                time.sleep(every)
                continue
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
            for name, why in t.failed.items():
                console.print(f"{stamp} [red]not ingested[/] {name}: {why}", highlight=False)
            if t.waiting:
                console.print(
                    f"{stamp} {len(t.waiting)} file(s) changed in the last {settle:g} s "
                    f"(--settle), perhaps still being written, left for the next look: "
                    + ", ".join(t.waiting[:5])
                    + (f" and {len(t.waiting) - 5} more" if len(t.waiting) > 5 else ""),
                    highlight=False,
                )
            if t.run is None:
                console.print(f"{stamp} nothing {'else ' if t.waiting else ''}new in {folder}")
            else:
                what = f"ingested {', '.join(t.ingested)}" if t.ingested else "detected again"
                console.print(
                    f"{stamp} {what}; run #{t.run.seq} {t.run.id}: {t.run.n_groups} group(s)"
                )
                for a in t.alerts:
                    size = (
                        f"{a['size_a']} → {a['size_b']}"
                        if a["change"] != "new"
                        else f"{a['size_b']}"
                    )
                    console.print(
                        f"{stamp} [bold red]ALERT[/] {a['change']} group {a['id']} "
                        f"({size} accounts, {a['status']})",
                        highlight=False,
                    )
                if not t.alerts:
                    console.print(f"{stamp} no new or grown group")
                if t.webhook is not None:
                    console.print(f"{stamp} webhook: {t.webhook}")
            if once:
                return
            time.sleep(every)
    finally:
        ws.close()
