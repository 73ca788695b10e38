"""A password from the person at the keyboard, or from a script: the one way vigie asks.

Why one: ``vigie users add``, ``vigie share passwd`` and ``vigie share compare`` each asked
with ``typer.prompt``; without a terminal (cron, a script, a pipe) the prompt read an empty
input and answered "Aborted!", which said neither why nor what to do. A password typed on the
command line stays in the shell's history and the process list, so the ways offered are the
terminal, standard input (``--password-stdin``) and, where a command reads one, a variable.
"""

from __future__ import annotations

import sys

from vigie.errors import VigieError


def ask_password(
    prompt: str, *, from_stdin: bool = False, confirm: bool = True, piped: str = ""
) -> str:
    """The password: standard input's first line with ``from_stdin``, else asked on the
    terminal (twice with ``confirm``); without a terminal, an error showing ``piped``, the
    command that would pipe it in."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise VigieError("--password-stdin: standard input held no password")
        return line
    if not sys.stdin.isatty():
        raise VigieError(f"no terminal to ask the password on: {piped}")
    import typer

    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))
