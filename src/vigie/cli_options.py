"""The command class of every ``vigie`` command: click's parsing, with a hint for the
option people type to say where output goes.

Why: ``--out`` is what ``generate``, ``detect``, ``demo`` and ``risk new`` take, so people
type it everywhere; a command that writes with another option (``ingest --into``,
``share export --stix``, ``score --json``) answered click's nearest spelling, which named an
option that reads ("No such option: --out (Possible options: --truth)"). The hint names the
options the command writes with instead; any other unknown option is click's own error.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand

OUT_WORDS = frozenset({"--out", "-o", "--output", "--output-file", "--outfile", "--dest", "--to"})
"""What people type for "write it here"."""

WRITERS = ("--into", "--out", "--html", "--pdf", "--stix", "--misp", "--json", "--xlsx", "--ciso")
"""The options through which vigie's commands write a file or folder."""


def output_hint(command: Any, typed: str) -> str | None:
    """The sentence naming ``command``'s output options when ``typed`` means "write to";
    None when it does not, or the command writes with none of them."""
    if typed.split("=", 1)[0] not in OUT_WORDS:
        return None
    names = [
        name
        for param in command.params
        if getattr(param, "param_type_name", "") == "option"
        and not getattr(param, "is_flag", False)  # ``--json`` that prints is no file
        for name in param.opts
        if name in WRITERS
    ]
    if not names:
        return None
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"This command writes with {listed} (see --help)."


class VigieCommand(TyperCommand):
    """Typer's command, whose unknown ``--out`` names the options it writes with."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            # by name: Typer 0.2x raises its own copy of click's class, older ones click's
            if type(exc).__name__ != "NoSuchOption":
                raise
            name = exc.option_name  # type: ignore[attr-defined]
            hint = output_hint(self, name)
            if hint is None:
                raise
            message = f"No such option: {name}. {hint}"
            raise type(exc)(name, message=message, ctx=ctx) from None


def current_context() -> Any | None:
    """The context of the command running now, None outside one (Python calling a function).

    Why not ``click.get_current_context``: Typer 0.2x carries its own copy of click, whose
    contexts the installed click (when one is: uvicorn brings it, a base install has none)
    never sees; the copy's ``globals`` module is found beside the class Typer's context
    extends."""
    import importlib

    import typer

    core = typer.Context.__mro__[1].__module__  # click.core, or typer._click.core
    return importlib.import_module(core.rsplit(".", 1)[0] + ".globals").get_current_context(
        silent=True
    )
