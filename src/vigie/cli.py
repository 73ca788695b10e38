"""The ``vigie`` command: thin wiring, no logic.

Each area owns its commands in its own ``cli.py`` (``vigie/ingest/cli.py`` …) and this file
only registers them, so that the areas evolve independently. Area CLI modules import their
heavy libraries inside the command functions, to keep ``vigie --help`` instant.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from vigie import __version__
from vigie.errors import MissingExtraError, VigieError, extra_for
from vigie.progress import err_console


class _LazyTyper(typer.Typer):
    """The root command, whose area commands are registered (imported) on first use.

    Why: importing every area's CLI (cases, share, risk, exercise ...) and building their
    34 commands costs ~0.15 s at every start, a third of the 0.5 s that ``vigie detect`` on
    an empty Dataset may take. Typer reads ``registered_commands`` and ``registered_groups``
    when it builds the command line, so reading them is what registers the areas.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._loaded = False
        super().__init__(*args, **kwargs)

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            _register()

    @property  # type: ignore[override]
    def registered_commands(self) -> list[Any]:
        self._load()
        return self._commands

    @registered_commands.setter
    def registered_commands(self, value: list[Any]) -> None:
        self._commands = value

    @property  # type: ignore[override]
    def registered_groups(self) -> list[Any]:
        self._load()
        return self._groups

    @registered_groups.setter
    def registered_groups(self, value: list[Any]) -> None:
        self._groups = value


_SETTINGS: dict[str, Any] = dict(
    name="vigie",
    help="Protect an election's information space: detect coordination, weigh risks "
    "(EBIOS RM), share with allies by trust, and exercise on synthetic scenarios.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app = _LazyTyper(**_SETTINGS)


_AREAS: tuple[tuple[str, str, str, str | None], ...] = (
    # (name, module, attribute, help of a sub-command group or None for a command), in the
    # order the root's help lists them
    ("demo", "vigie.demo", "demo", None),
    ("ingest", "vigie.ingest.cli", "ingest", None),
    ("generate", "vigie.exercise.generate_cli", "generate", None),
    ("detect", "vigie.detect.cli", "detect", None),
    ("score", "vigie.exercise.score_cli", "score", None),
    ("report", "vigie.report.cli", "report", None),
    ("risk", "vigie.risk.cli", "app", "EBIOS Risk Manager studies for elections."),
    ("share", "vigie.share.cli", "app", "Share with allies by trust (TLP, STIX, TAXII)."),
    ("init", "vigie.cases.cli", "init", None),
    ("triage", "vigie.cases.cli", "triage", None),
    ("diff", "vigie.cases.cli", "diff", None),
    ("search", "vigie.cases.cli", "search", None),
    ("decisions", "vigie.cases.cli", "decisions", None),
    ("watch", "vigie.cases.cli", "watch", None),
    ("runs", "vigie.cases.cli", "runs_app", "Runs registered in the workspace."),
    ("serve", "vigie.web.cli", "serve", None),
    ("users", "vigie.web.cli", "users_app", "People of the web workbench (team mode)."),
)


def _add(root: typer.Typer, name: str, module: str, attr: str, group_help: str | None) -> None:
    import importlib

    from vigie.cli_options import VigieCommand

    obj = getattr(importlib.import_module(module), attr)
    if group_help is None:
        root.command(name, help=_reflow(obj.__doc__), cls=VigieCommand)(obj)
    else:
        for info in obj.registered_commands:
            if info.help is None and info.callback is not None:
                info.help = _reflow(info.callback.__doc__)
            info.cls = VigieCommand
        root.add_typer(obj, name=name, help=group_help)


def _reflow(doc: str | None) -> str | None:
    """A command's docstring as its help: each paragraph of prose on one line, which the
    terminal wraps; paragraphs holding a list, an indented example or a table keep their
    lines; rST literals (````x````) read as ```x```.

    Why: Typer's rich help keeps a docstring's source line breaks, so the lists of commands
    and each command's help showed ragged lines cut mid-sentence at the source's width."""
    if not doc:
        return None
    import inspect

    out = []
    for para in inspect.cleandoc(doc).replace("``", "`").split("\n\n"):
        lines = para.split("\n")
        laid_out = any(ln[:1].isspace() or ln.lstrip()[:2] in ("- ", "* ", "| ") for ln in lines)
        out.append(para if laid_out else " ".join(ln.strip() for ln in lines))
    return "\n\n".join(out)


def _register() -> None:
    for area in _AREAS:
        _add(app, *area)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"vigie {__version__}")
        raise typer.Exit()


# A command named on the line is registered alone (see _one_command); these are the plain
# commands whose start-up counts. Any other name, `--help` or `app` registers every area.
_LIGHT = ("detect", "ingest", "generate", "report")


def _one_command(argv: list[str] | None) -> typer.Typer | None:
    """A root holding only the command that ``argv`` names (same settings and ``--version``
    callback, so its usage, help and errors read as the full root's); None when not light."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in _LIGHT:
        return None
    one = typer.Typer(**_SETTINGS)
    one.callback(invoke_without_command=True)(_root)
    _add(one, *next(a for a in _AREAS if a[0] == args[0]))
    return one


def _fail(message: str, code: int = 2) -> None:
    """Print one red ``error:`` line (the message is escaped: ``vigie[share]`` is no markup)."""
    from rich.markup import escape

    err_console.print(
        f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True
    )
    sys.exit(code)


def _library_error(exc: BaseException) -> str | None:
    """One line for an error raised inside Arrow or DuckDB (a corrupted file, a full disk)."""
    names = {c.__module__.split(".", 1)[0] for c in type(exc).__mro__}
    if not names & {"pyarrow", "duckdb", "_duckdb"}:
        return None
    text = " ".join(str(exc).split())[:500] or type(exc).__name__
    return f"{text} (a truncated or foreign file, or a full disk? set VIGIE_DEBUG=1 for details)"


def _not_text(args: list[str]) -> str | None:
    """The first argument holding bytes that are no UTF-8 text, unless it names a file.

    Why: Python passes such bytes on as lone surrogates (a Latin-1 terminal, a note pasted
    from a binary file), and writing them anywhere as UTF-8 (the case store, a report) was a
    ``UnicodeEncodeError`` traceback. A path that exists is left alone: Linux file names are
    bytes, and the file is read by its name."""
    import os

    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            if not os.path.lexists(arg):
                return arg
    return None


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes become one clear line and exit code 2, never a traceback."""
    import os

    args = sys.argv[1:] if argv is None else argv
    nul = next((a for a in args if "\x00" in a), None)
    if nul is not None:  # no shell passes one; a script calling main() can, and no path,
        # encoding or URL may hold it (Python's OS calls refuse it with a bare ValueError)
        _fail(f"the argument {nul[:80]!r} holds a NUL character: remove it")
    bad = _not_text(args)
    if bad is not None:
        shown = os.fsencode(bad).decode("utf-8", "backslashreplace")
        _fail(
            f"the argument '{shown[:80]}' holds bytes that are no UTF-8 text: "
            "retype it, or set the terminal to UTF-8"
        )
    try:
        (_one_command(argv) or app)(args=argv)
    except VigieError as exc:
        _fail(str(exc))
    except ModuleNotFoundError as exc:
        # an optional extra that is not installed: one line naming the pip install to run
        extra = extra_for(exc.name)
        if extra is None:
            raise
        _fail(str(MissingExtraError(exc.name.split(".", 1)[0], extra)))
    except OSError as exc:
        # a path the user named that is a folder, unwritable, missing or on a full disk:
        # say which path and why, in one line (atomic writes left the old outputs intact)
        where = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None)
        reason = exc.strerror or " ".join(str(exc).split())
        _fail(f"{where + ': ' if where else ''}{reason}")
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted[/]: previous outputs were left intact.")
        sys.exit(130)
    except Exception as exc:
        # Arrow/DuckDB failures on a damaged input or a full disk: one line, not a traceback
        line = None if os.environ.get("VIGIE_DEBUG") else _library_error(exc)
        if line is None:
            raise
        _fail(line)


if __name__ == "__main__":
    main()
