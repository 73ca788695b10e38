"""``vigie risk …`` sub-commands: thin wiring over the risk package (no logic here).

Heavy imports (pydantic models, Jinja2, openpyxl) happen inside the commands so that
``vigie --help`` stays instant.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from vigie.cases.runref import FINDINGS_HELP, findings_arg
from vigie.risk.pdf import OUT_HELP

app = typer.Typer(no_args_is_help=True)

STUDY_ARG = typer.Argument(..., help="Study file (YAML, or JSON by extension).")


def _load(study: Path):
    from vigie.progress import err_console
    from vigie.risk.check import load_study

    s, rep = load_study(study)
    for w in rep.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", markup=True, highlight=False)
    return s, rep


_TEMPLATE_HELP = (
    "election-fr, election-en (a campaign), agency-fr, agency-en (a national agency "
    "protecting an election), platform-fr, platform-en (a platform's election-integrity "
    "team), guide-example (the EBIOS RM guide's example, rebuilt)."
)


@app.command("new")
def new(
    name: str | None = typer.Argument(None, metavar="TEMPLATE", help=_TEMPLATE_HELP),
    template: str | None = typer.Option(
        None, "--template", "-t", help="The template, as TEMPLATE (either way)."
    ),
    out: Path = typer.Option(Path("study.yaml"), "--out", "-o", help="File to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Start a study from a template (a campaign, an agency, a platform, the guide's example):
    vigie risk new election-fr."""
    from vigie.errors import VigieError
    from vigie.risk.templates import TEMPLATES, write_template

    if name and template and name != template:
        raise VigieError(f"two templates given ({name} and --template {template}): give one")
    template = template or name
    if not template:
        raise VigieError(
            f"give a template: vigie risk new election-fr (one of {', '.join(TEMPLATES)})"
        )
    path = write_template(template, out, overwrite=force)
    typer.echo(f"wrote {path} (template {template}); edit it, then: vigie risk check {path}")


@app.command("check")
def check(study: Path = STUDY_ARG) -> None:
    """Check a study: every error is listed at once with its path; warnings do not fail."""
    s, rep = _load(study)
    typer.echo(
        f"{study}: OK — study {s.study.id} v{s.study.version} ({s.study.marking}), "
        f"{len(s.risks)} risks, {len(rep.warnings)} warning(s)"
    )


@app.command("compute")
def compute_cmd(
    study: Path = STUDY_ARG,
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Compute relevance, threat levels, severities, likelihoods and risk levels."""
    from vigie.risk.compute import compute
    from vigie.risk.tables import print_results, results_json

    s, _ = _load(study)
    res = compute(s)
    if as_json:
        typer.echo(results_json(res))
    else:
        print_results(s, res)


@app.command("diff")
def diff_cmd(
    old: Path = typer.Argument(..., help="Earlier version of the study."),
    new: Path = typer.Argument(..., help="Later version of the study."),
    as_json: bool = typer.Option(False, "--json", help="Print the changes as JSON."),
) -> None:
    """What changed between two versions: ids added/removed, computed values that moved."""
    import json

    from vigie.risk.diff import as_dicts, diff

    a, _ = _load(old)
    b, _ = _load(new)
    changes = diff(a, b)
    if as_json:
        typer.echo(json.dumps(as_dicts(changes), ensure_ascii=False, default=str, indent=2))
        return
    for c in changes:
        typer.echo(c.line())
    typer.echo(f"{len(changes)} change(s) from {old} to {new}")


@app.command("report")
def report(
    study: Path = STUDY_ARG,
    html: Path | None = typer.Option(
        None,
        "--html",
        help="HTML file to write (self-contained); with neither option: STUDY.html beside it.",
    ),
    pdf: Path | None = typer.Option(
        None, "--pdf", help="PDF file to write (printed by headless Chromium)."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help=OUT_HELP),
    previous: Path | None = typer.Option(
        None, "--previous", help="Earlier version of the study: its changes go in the summary."
    ),
) -> None:
    """Write the steering-committee report (one-page summary, risk maps, radars, graphs…)."""
    import tempfile

    from vigie.risk.compute import compute
    from vigie.risk.pdf import html_to_pdf, page_outputs, require_chromium
    from vigie.risk.report_html import write_report

    html, pdf = page_outputs(out, html, pdf)
    if pdf is not None:
        require_chromium()  # before the HTML is written, as vigie report does
    if html is None and pdf is None:
        html = study.with_suffix(".html")
    s, _ = _load(study)
    old = _load(previous)[0] if previous is not None else None
    res = compute(s)
    flagged = f"{len(res.forced)} forced value(s) flagged"
    if html is not None:
        write_report(s, res, html, old)
        typer.echo(f"wrote {html} ({flagged})")
    if pdf is not None:
        with tempfile.TemporaryDirectory(prefix="vigie-report-") as tmp:
            page = html if html is not None else write_report(s, res, Path(tmp) / "r.html", old)
            html_to_pdf(page, pdf)
        typer.echo(f"wrote {pdf} ({flagged})")


@app.command("export")
def export(
    study: Path = STUDY_ARG,
    xlsx: Path | None = typer.Option(
        None,
        "--xlsx",
        help="Excel workbook to write; with neither option: STUDY.xlsx beside it, if new.",
    ),
    ciso: Path | None = typer.Option(
        None, "--ciso", help="CISO Assistant EBIOS RM study workbook (.xlsx) to write."
    ),
) -> None:
    """Export the study as an Excel workbook (one sheet per table), or for CISO Assistant."""
    from vigie.errors import VigieError
    from vigie.progress import err_console
    from vigie.risk.compute import compute

    if xlsx is None and ciso is None:
        xlsx = study.with_suffix(".xlsx")
        if xlsx.exists():  # maybe the workbook the user edits (import-xlsx reads it back)
            raise VigieError(
                f"{xlsx} exists (a workbook you edit, or a CISO Assistant export?): name the "
                "file to write with --xlsx FILE, which replaces it"
            )
    s, _ = _load(study)
    res = compute(s)
    if xlsx is not None:
        from vigie.risk.export_xlsx import write_xlsx

        write_xlsx(s, res, xlsx)
        typer.echo(f"wrote {xlsx}")
    if ciso is not None:
        from vigie.risk.ciso_export import write_ciso

        _, notes = write_ciso(s, res, ciso)
        for n in notes:
            err_console.print(f"[yellow]not in the file:[/] {n}", markup=True, highlight=False)
        typer.echo(f"wrote {ciso} (CISO Assistant: Data wizard, EBIOS RM study Excel export)")


@app.command("import-xlsx")
def import_xlsx(
    workbook: Path = typer.Argument(..., help="Workbook written by vigie risk export --xlsx."),
    out: Path = typer.Option(Path("study.yaml"), "--out", "-o", help="Study file to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Read back a workbook written by ``vigie risk export --xlsx`` (edited or not) as a study."""
    from vigie.errors import VigieError
    from vigie.risk.import_xlsx import read_xlsx
    from vigie.risk.tables import write_study

    data = read_xlsx(workbook)  # a wrong workbook is the mistake to say first
    if out.exists() and not force:
        raise VigieError(f"{out}: already exists (use --force to overwrite it)")
    write_study(data, out)
    typer.echo(f"wrote {out} (study {data['study']['id']} v{data['study']['version']})")


@app.command("import-ciso")
def import_ciso(
    workbook: Path = typer.Argument(..., help="CISO Assistant's EBIOS RM study export (.xlsx)."),
    out: Path = typer.Option(Path("study.yaml"), "--out", "-o", help="Study file to write."),
    lang: str | None = typer.Option(
        None, "--lang", help="fr or en (default: guessed from the file's level names)."
    ),
    marking: str = typer.Option(
        "TLP:AMBER", "--marking", help="TLP marking of the study (CISO Assistant has none)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Read a CISO Assistant EBIOS RM study (its Excel export) into a vigie study file."""
    from vigie.errors import VigieError
    from vigie.progress import err_console
    from vigie.risk.ciso_import import read_ciso
    from vigie.risk.scales import TLP_LEVELS
    from vigie.risk.tables import write_study

    if lang not in (None, "fr", "en"):
        raise VigieError(f"--lang: {lang!r} is not fr or en")
    if marking not in TLP_LEVELS:
        raise VigieError(f"--marking: {marking!r} is not one of {', '.join(TLP_LEVELS)}")
    data, notes = read_ciso(workbook, lang=lang, marking=marking)
    if out.exists() and not force:
        raise VigieError(f"{out}: already exists (use --force to overwrite it)")
    for n in notes:
        err_console.print(f"[yellow]note:[/] {n}", markup=True, highlight=False)
    write_study(data, out)
    typer.echo(
        f"wrote {out} ({len(data['operational_scenarios'])} operational scenarios, express "
        f"method; {len(notes)} note(s)); review it, then: vigie risk check {out}"
    )


@app.command("evidence")
def evidence(
    study: Path = STUDY_ARG,
    findings: Path | None = typer.Argument(None, help=FINDINGS_HELP),
    min_score: float = typer.Option(0.5, help="Ignore techniques whose best group scores less."),
    accept: bool = typer.Option(False, "--accept", help="Write an updated study with the changes."),
    only: list[str] = typer.Option([], "--only", help="Accept only these scenario ids."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Updated study (default: <study>-v<new version>.<ext>)."
    ),
    author: str | None = typer.Option(None, help="Who accepts (recorded in the study)."),
    date: str | None = typer.Option(None, help="Date recorded (YYYY-MM-DD; default today UTC)."),
    include_unreviewed: bool = typer.Option(
        False,
        "--include-unreviewed",
        help="Also use groups nobody confirmed, labelled '(unreviewed)' in the justification; "
        "dismissed groups never count. Default: confirmed groups only (vigie triage).",
    ),
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Workspace with the decisions (default: found from here)."
    ),
) -> None:
    """Propose likelihood changes from the DISARM techniques observed in a Findings folder.

    Only groups a person confirmed count (vigie triage), cited by stable id (G-…)."""
    from vigie.errors import VigieError
    from vigie.risk import evidence as ev
    from vigie.risk.compute import compute
    from vigie.risk.tables import print_proposals

    s, _ = _load(study)
    res = compute(s)
    findings = findings_arg(findings, workspace)
    observed = ev.observed_techniques(findings)  # checks the folder as given
    from vigie.cases.downstream import use_reviewed

    used, _, _ = use_reviewed(findings, workspace, include_unreviewed, label=True)
    observed = ev.observed_techniques(used)
    proposals = ev.propose(s, res, observed, min_score=min_score)
    print_proposals(proposals, findings, len(observed))
    if not accept:
        if any(p.changed for p in proposals):
            typer.echo("nothing written: re-run with --accept to record these changes")
        return
    if only:
        unknown = set(only) - {p.scenario for p in proposals}
        if unknown:
            raise VigieError(f"--only: no proposal for {', '.join(sorted(unknown))}")
        proposals = [p for p in proposals if p.scenario in only]
    if not any(p.changed for p in proposals):
        typer.echo("nothing to accept: no proposal raises a likelihood; the study is unchanged")
        return
    try:
        today = dt.date.fromisoformat(date) if date else dt.datetime.now(dt.UTC).date()
    except ValueError:
        raise VigieError(f"--date: {date!r} is not YYYY-MM-DD") from None
    written = ev.accept_file(
        study, proposals, source=str(findings), today=today, author=author, out=out
    )
    target, version = written.path, written.version
    if written.warning:
        from vigie.progress import err_console

        err_console.print(f"[yellow]warning:[/] {written.warning}", markup=True, highlight=False)
    typer.echo(f"wrote {target} (version {version}); the changes are flagged as forced values")
