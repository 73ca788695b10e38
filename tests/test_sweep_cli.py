"""Every command, every option, one hostile value at a time: never a traceback or a hang.

Why a sweep beside the hand-written batteries (``test_malformed*.py``): those guard the
cases someone thought of; this one walks the command tree itself, so an option added later
is attacked the day it lands. Each command starts from an invocation that works on a small
real workspace (a Dataset, a registered run, a decision, a risk study, a STIX bundle), then
one parameter at a time is replaced by a value of the wrong kind for it: a missing path, a
folder, random bytes, a file that is no JSON/YAML at all, a 20,000-level nested JSON, a
truncated Parquet inside a Dataset; an integer with 23 digits; ``nan``; a 3,000-character
text. The run must end with a code (0, 1 or 2) and no Python traceback: a user mistake is a
line, never a stack. ``serve``, ``watch`` and ``demo`` are left out (they run until stopped,
or generate their own data).
"""

from __future__ import annotations

import os
import shutil
import signal
import types
import typing
from pathlib import Path

import pytest
import typer

from ingest.helpers import run_cli
from vigie.cli import app

pytestmark = pytest.mark.filterwarnings("ignore")

BASES = [
    ["ingest", "../gen/posts.parquet", "--into", "datasets/new"],
    ["ingest", "../gen/posts.parquet", "--into", "datasets/main", "--dry-run"],
    ["detect", "datasets/main", "--out", "f2"],
    ["score", "RUN", "--truth", "../gen/truth.parquet"],
    ["report", "RUN", "--html", "r.html", "--dataset", "datasets/main"],
    ["triage", "GROUP", "--status", "dismissed", "--reason", "other", "--note", "n"],
    ["diff", "1", "1"],
    ["search", "#vote"],
    ["decisions"],
    ["runs", "groups", "1"],
    ["risk", "compute", "s.yaml"],
    ["risk", "report", "s.yaml", "--html", "sr.html"],
    ["risk", "export", "s.yaml", "--xlsx", "s.xlsx"],
    ["risk", "evidence", "s.yaml", "RUN", "--include-unreviewed"],
    [
        "share",
        "export",
        "RUN",
        "--stix",
        "b2.json",
        "--tlp",
        "GREEN",
        "--include-unreviewed",
        "--no-validate",
    ],
    ["share", "check", "b.json", "--partner", "agence-etat"],
    ["share", "import", "b.json", "--from", "agence-etat", "--store", "st.db"],
    ["generate", "--out", "g2", "--posts", "3000", "--scenario", "tiny"],
    ["users", "add", "bob", "--password", "correct-horse-battery"],
]
GROUPS = ("risk", "share", "runs", "users")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with one Dataset, one run, a decision, a study and a bundle; the hostile
    files beside it."""
    root = tmp_path_factory.mktemp("sweep")
    here = os.getcwd()
    os.chdir(root)
    try:
        assert (
            run_cli(["generate", "--scenario", "tiny", "--posts", "4000", "--out", "gen"])[0] == 0
        )
        assert run_cli(["init", "ws"])[0] == 0
        os.chdir(root / "ws")
        steps = [
            ["ingest", "../gen/posts.parquet", "--into", "datasets/main"],
            ["detect", "datasets/main"],
            ["risk", "new", "-t", "election-fr", "-o", "s.yaml"],
        ]
        for argv in steps:
            code, out = run_cli(argv)
            assert code == 0, (argv, out)
        run = next((root / "ws" / "runs").iterdir()).name
        code, out = run_cli(["share", "export", f"runs/{run}", "--stix", "b.json",
                          "--include-unreviewed"])  # fmt: skip
        assert code == 0, out
    finally:
        os.chdir(here)
    bad = root / "bad"
    bad.mkdir()
    (bad / "dir").mkdir()
    (bad / "bin").write_bytes(bytes(range(256)) * 16)
    (bad / "deep.json").write_text("[" * 20000 + "]" * 20000)
    (bad / "nan.yaml").write_text("a: .nan\nb: [1, 2\n")
    (bad / "ds").mkdir()
    (bad / "ds" / "posts.parquet").write_bytes(b"PAR1\x00\x00PAR1")
    (bad / "ds" / "manifest.json").write_text('{"kind": "dataset"}')
    return root


def _values(param: typing.Any, bad: Path) -> list[str]:
    """Hostile values for one parameter, by the type its annotation declares."""
    ann = param.type_descriptor.annotation
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        ann = next(a for a in typing.get_args(ann) if a is not type(None))
    if typing.get_origin(ann) is list:
        ann = typing.get_args(ann)[0]
    if getattr(param, "is_flag", False) or ann is bool:
        return []
    if ann is int:
        return ["99999999999999999999999", "-1"]
    if ann is float:
        return ["nan", "1e400"]
    paths = [str(bad / n) for n in ("nope", "dir", "bin", "deep.json", "nan.yaml", "ds")]
    return [*paths, "x" * 3000] if ann is Path else ["", "x" * 3000, paths[2]]


def _command(path: list[str]) -> typing.Any:
    import typer._click.core as core  # Typer's own copy of Click (Typer >= 0.24)

    c = typer.main.get_command(app)
    for name in path:
        c = c.get_command(core.Context(c), name)
    return c


def _trials(argv: list[str], bad: Path) -> list[list[str]]:
    depth = 2 if argv[0] in GROUPS else 1
    cmd = _command(argv[:depth])
    out = []
    for i in range(depth, len(argv)):  # each positional argument
        if not argv[i].startswith("-") and not argv[i - 1].startswith("-"):
            out += [argv[:i] + [v] + argv[i + 1 :] for v in _values(cmd.params[0], bad)[:4]]
    for p in cmd.params:
        if p.param_type_name != "option" or p.name == "help":
            continue
        for v in _values(p, bad):
            t = list(argv)
            given = next((o for o in p.opts if o in t), None)
            if given is not None:
                t[t.index(given) + 1] = v
            else:
                t += [p.opts[0]] + [v] * max(1, p.nargs)
            out.append(t)
    return out


class _Hang(Exception):
    pass


def _alarm(*_: typing.Any) -> None:
    raise _Hang


@pytest.mark.parametrize("argv", BASES, ids=[" ".join(b[:2]) for b in BASES])
def test_no_option_value_gives_a_traceback(
    base: Path, argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(base / "ws", ws)
    (tmp_path / "gen").symlink_to(base / "gen")
    monkeypatch.chdir(ws)
    run = next((ws / "runs").iterdir()).name
    from vigie.schema import Findings

    group = Findings(ws / "runs" / run).groups().column("group_id")[0].as_py()
    fill = {"RUN": f"runs/{run}", "GROUP": group}
    argv = [fill.get(a, a) for a in argv]
    code, out = run_cli(argv)
    assert code == 0, (argv, out)  # the invocation each trial starts from works
    failures = []
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for trial in _trials(argv, base / "bad"):
            signal.alarm(60)
            try:
                code, out = run_cli(trial)
            except _Hang:
                failures.append(f"{trial}: still running after 60 s")
                continue
            except Exception as exc:  # noqa: BLE001 - the point: name it, keep sweeping
                failures.append(f"{trial}: {type(exc).__name__}: {exc}"[:400])
                continue
            finally:
                signal.alarm(0)
            if "Traceback" in out or code not in (0, 1, 2):
                failures.append(f"{trial}: exit {code}: {out[-300:]}")
    finally:
        signal.signal(signal.SIGALRM, old)
    assert not failures, "\n".join(failures)
