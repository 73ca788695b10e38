"""``--out`` typed to a command that writes with another option names that option.

Why: ``generate``, ``detect``, ``demo`` and ``risk new`` write to ``--out``, so people type it
to every command; the others answered click's nearest spelling, an option that reads
("No such option: --out (Possible options: --truth)" for ``score``, ``--format`` for
``ingest``). Walks the whole command tree, so a command added later is held to it.
"""

from __future__ import annotations

import pytest
import typer

from ingest.helpers import run_cli
from vigie.cli import app
from vigie.cli_options import WRITERS


def _commands() -> list[tuple[list[str], object]]:
    root = typer.main.get_command(app)
    found = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        if subs:
            found += [([name, sub], c) for sub, c in subs.items()]
        else:
            found.append(([name], cmd))
    return found


def _writers(cmd: object) -> list[str]:
    return [
        o
        for p in cmd.params  # type: ignore[attr-defined]
        if p.param_type_name == "option" and not getattr(p, "is_flag", False)
        for o in p.opts
        if o in WRITERS
    ]


def test_out_names_the_options_a_command_writes_with() -> None:
    checked = 0
    for path, cmd in _commands():
        writers = _writers(cmd)
        if "--out" in writers:
            continue  # it takes --out: nothing to say
        code, out = run_cli([*path, "--out", "x"])
        text = " ".join(out.split())
        assert code == 2 and "Traceback" not in out, (path, out)
        if writers:
            assert f"No such option: --out. This command writes with {writers[0]}" in text, path
            assert all(w in text for w in writers), (path, text)
            checked += 1
        else:
            assert "writes with" not in text, (path, text)
    assert checked >= 4  # ingest, score, share export, risk export at least


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (["ingest", "a.jsonl", "--out", "ds"], "writes with --into"),
        (["score", "f", "--output=s.json"], "writes with --json"),
        (["share", "export", "f", "-o", "x.json"], "writes with --stix or --misp"),
        (["risk", "export", "s.yaml", "--to", "x.xlsx"], "writes with --xlsx or --ciso"),
        (["report", "f", "--output", "r.html"], "writes with --html, --pdf or --out"),
    ],
)
def test_each_spelling_of_out(argv: list[str], want: str) -> None:
    code, out = run_cli(argv)
    assert code == 2 and want in " ".join(out.split()), out


def test_a_flag_that_prints_is_no_output_and_detect_takes_o(tmp_path) -> None:
    # triage's --json prints to the terminal: --out there is click's own error
    code, out = run_cli(["triage", "g0001", "--out", "x"])
    assert code == 2 and "writes with" not in out
    code, out = run_cli(["generate", "--scenario", "tiny", "-o", str(tmp_path / "g")])
    assert code == 0, out
    code, out = run_cli(["detect", str(tmp_path / "g"), "-o", str(tmp_path / "f")])
    assert code == 0 and (tmp_path / "f" / "manifest.json").exists(), out
