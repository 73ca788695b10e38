"""Every ``vigie …`` command the README and ``docs/*.md`` show must parse against the real CLI.

Why: the house rule is "docs that work when pasted", yet only the README's tour is run
(``test_readme.py``); the ~200 other command lines drift silently when an option is renamed
or a command moves. Running them all would need real exports, Spark or a server, so this
test checks each one *without running it*: Click's own parser, on the command Typer builds
from ``vigie.cli.app``, must accept the sub-command path and every option, each with the
number of values it takes. Placeholders for arguments (``DATASET``, ``<file>``, ``$VAR``) are
fine; an option or sub-command that does not exist, a flag given a value, an option missing
its value, or more positional arguments than the command takes, fail, naming the file, the
line and the command.

Commands are read from fenced shell blocks (```` ```bash ````, ```` ``` ````), from 4-space
indented blocks and from inline code spans that start with ``vigie``; backslash-continued
lines are joined, trailing comments, pipes, ``&&`` chains and redirections are cut, and each
part that runs ``vigie`` is checked. Prose that merely names vigie is not a command.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer

try:  # Typer 0.2x vendors Click as typer._click; earlier Typers build on Click itself
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - depends on the installed Typer
    from click.exceptions import UsageError

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))

#: fence languages whose lines are shell commands (an untagged fence is one too: the docs
#: use it for commands and for layouts, and a layout line never starts with ``vigie``)
SHELL_FENCES = frozenset({"", "bash", "sh", "shell", "console", "zsh"})
FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
#: ``<file>``: a placeholder, not a redirection (no blank inside, unlike ``< in > out``)
ANGLE_PLACEHOLDER = re.compile(r"<([A-Za-z][^<>\s|&;]*)>")
ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
SEPARATORS = frozenset({"|", "||", "&&", ";", "&", ";;"})
ELLIPSES = frozenset({"…", "...", "[...]", "[…]"})


@dataclass(frozen=True)
class Shown:
    """One ``vigie`` command as a doc shows it: where, how, and its arguments after ``vigie``."""

    doc: str
    line: int
    kind: str  # "fenced", "indented" or "inline"
    text: str
    args: tuple[str, ...]
    unsplittable: str | None = None  # why the shell could not split the line (a lone quote)

    def where(self) -> str:
        return f"{self.doc}:{self.line}: `{self.text}`"

    def problem(self) -> str | None:
        """Why this command would not parse, or None. A line of a code block is meant to be
        pasted as it is, so it must be whole; an inline span may name a fragment."""
        if self.unsplittable is not None:
            return f"the shell cannot split it ({self.unsplittable})"
        return parse_problem(self.args, whole=self.kind != "inline")

    def message(self) -> str | None:
        """The failure as the test reports it: file, line, command and why."""
        problem = self.problem()
        return None if problem is None else f"{self.where()}: {problem}"


def vigie_calls(line: str) -> list[list[str]]:
    """The arguments of each ``vigie`` call in one shell line (continuations already joined).

    A line is cut at pipes, ``&&``, ``||`` and ``;``; redirections and their
    targets, leading ``NAME=value`` assignments, ``$ `` prompts and comments are dropped.
    Placeholders are normalised so that the parser sees one word each: ``<file>`` reads
    ``file``, an optional ``[--db URL]`` reads ``--db URL``; an ellipsis stays a word (the
    value of an option before it, or "and so on": see ``parse_problem``). Raises
    ValueError on unbalanced quotes."""
    line = ANGLE_PLACEHOLDER.sub(r"\1", line.strip())
    if line.startswith("$ "):
        line = line[2:]
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    tokens = list(lexer)
    segments: list[list[str]] = [[]]
    for tok in tokens:
        if tok in SEPARATORS:
            segments.append([])
        else:
            segments[-1].append(tok)
    calls = []
    for seg in segments:
        words = _without_redirections(seg)
        while words and ENV_ASSIGNMENT.match(words[0]):
            words = words[1:]
        if words and os.path.basename(words[0]) == "vigie":
            calls.append([_unbracket(w) for w in words[1:]])
    return calls


def _without_redirections(words: list[str]) -> list[str]:
    """``2>&1``, ``> out.txt``, ``< in.json`` removed (the lexer splits them into operators)."""
    out: list[str] = []
    skip_next = False
    for i, word in enumerate(words):
        if skip_next:
            skip_next = False
            continue
        if set(word) <= set("<>&") and word:
            skip_next = True
            continue
        if word.isdigit() and i + 1 < len(words) and set(words[i + 1]) <= set("<>&"):
            continue
        out.append(word)
    return out


def _unbracket(word: str) -> str:
    """``[--db`` -> ``--db``, ``URL]`` -> ``URL``, ``[PATH]`` -> ``PATH``; ``tags[0]`` kept."""
    word = word.lstrip("[")
    return word.rstrip("]") if "[" not in word else word


def shown_commands(text: str, doc: str) -> list[Shown]:
    """Every ``vigie`` command a markdown text shows, with the line it starts on."""
    lines = text.splitlines()
    found: list[Shown] = []
    fence: tuple[str, str] | None = None  # (marker, language) of the open fence
    paragraph: list[tuple[int, str]] = []
    previous_blank = True
    in_indented = False
    pending: tuple[int, str, str] | None = None  # (line, kind, text) of a continued command

    def add(lineno: int, kind: str, command: str) -> None:
        try:
            calls = vigie_calls(command)
        except ValueError as exc:  # unbalanced quotes: a vigie line cannot be pasted either
            if "vigie" in command:
                found.append(Shown(doc, lineno, kind, command.strip(), (), unsplittable=str(exc)))
            return
        for args in calls:
            found.append(Shown(doc, lineno, kind, command.strip(), tuple(args)))

    def code_line(lineno: int, kind: str, content: str) -> None:
        """A line of a code block: joined to the previous one if that ended with ``\\``."""
        nonlocal pending
        if pending is not None:
            start, kind, content = pending[0], pending[1], pending[2] + " " + content.strip()
        else:
            start = lineno
        if content.rstrip().endswith("\\"):
            pending = (start, kind, content.rstrip()[:-1])
        else:
            pending = None
            add(start, kind, content)

    def flush_paragraph() -> None:
        """Code spans of the paragraph just read (a span may run over a line break)."""
        if not paragraph:
            return
        first = paragraph[0][0]
        joined = "\n".join(text for _, text in paragraph)
        for match in CODE_SPAN.finditer(joined):
            content = " ".join(match.group(2).split())
            lineno = first + joined.count("\n", 0, match.start())
            words = content.split()
            while words and ENV_ASSIGNMENT.match(words[0]):
                words = words[1:]
            if words and os.path.basename(words[0]) == "vigie" and len(words) > 1:
                add(lineno, "inline", content)
        paragraph.clear()

    for lineno, line in enumerate(lines, 1):
        if fence is not None:
            marker = FENCE.match(line)
            if (
                marker
                and marker.group(1)[0] == fence[0][0]
                and len(marker.group(1)) >= len(fence[0])
            ):
                fence = None
                pending = None
            elif fence[1] in SHELL_FENCES:
                code_line(lineno, "fenced", line)
            previous_blank = False
            continue
        opened = FENCE.match(line)
        if opened:
            flush_paragraph()
            fence = (opened.group(1), opened.group(2).lower())
            in_indented = False
            continue
        if not line.strip():
            flush_paragraph()
            pending = None  # a continued command never spans a blank line
            previous_blank = True
            continue
        if line.startswith(("    ", "\t")) and (previous_blank or in_indented):
            in_indented = True  # an indented block opens after a blank line, not mid-paragraph
            code_line(lineno, "indented", line)
        else:
            in_indented = False
            pending = None
            paragraph.append((lineno, line))
        previous_blank = False
    flush_paragraph()
    return found


@cache
def vigie_command() -> Any:
    """The Click command Typer builds from the real ``vigie`` app (every area registered)."""
    from vigie.cli import app

    return typer.main.get_command(app)


def _is_group(cmd: Any) -> bool:
    """A group of commands (``vigie``, ``vigie risk``): Typer's own class or Click's."""
    return callable(getattr(cmd, "get_command", None)) and hasattr(cmd, "commands")


def parse_problem(args: tuple[str, ...] | list[str], whole: bool = False) -> str | None:
    """Why Click would refuse ``vigie ARGS`` before running anything, or None if it parses.

    Each level's parser (the root, a group such as ``risk``, then the command) parses its
    part, as Click does when it runs the command; values are not converted and callbacks
    not called, so placeholders pass. What fails: an unknown sub-command, an unknown option,
    an option without its value, a flag given ``=value``, and positional arguments beyond
    what the command takes (which is also how a flag followed by a value shows). A ``whole``
    command (a line of a code block, meant to be pasted as it is) must also give every
    required argument and option, unless it asks for ``--help`` or the value is prompted."""
    cmd = vigie_command()
    name, parent, rest = "vigie", None, list(args)
    path = ["vigie"]
    while True:
        ctx = cmd.context_class(cmd, info_name=name, parent=parent, **cmd.context_settings)
        parser = cmd.make_parser(ctx)
        try:
            given, leftover, _ = parser.parse_args(args=list(rest))
        except UsageError as exc:
            return f"`{' '.join(path)}`: {exc.format_message()}"
        if _is_group(cmd):
            if not leftover or leftover[0] in ELLIPSES:
                return None  # a group named alone prints its commands; `risk …`: any of them
            sub = cmd.get_command(ctx, leftover[0])
            if sub is None:
                known = ", ".join(sorted(cmd.list_commands(ctx)))
                return f"`{' '.join(path)}` has no command {leftover[0]!r} (it has: {known})"
            path.append(leftover[0])
            name, parent, cmd, rest = leftover[0], ctx, sub, leftover[1:]
            continue
        leftover = [word for word in leftover if word not in ELLIPSES]  # "and so on"
        if leftover and not ctx.allow_extra_args:
            return (
                f"`{' '.join(path)}` takes fewer positional arguments: "
                f"{' '.join(leftover)!r} left over (a flag given a value?)"
            )
        if whole and not any(word in ctx.help_option_names for word in rest):
            missing = [
                "/".join(param.opts) if param.param_type_name == "option" else param.name.upper()
                for param in cmd.get_params(ctx)
                if param.required and given.get(param.name) is None and not _prompted(param)
            ]
            if missing:
                return f"`{' '.join(path)}` needs {', '.join(missing)}, which the line lacks"
        return None


def _prompted(param: Any) -> bool:
    """An option the command asks for when it is not given (``users add``'s password)."""
    return bool(getattr(param, "prompt", None))


def problems_in(text: str, doc: str) -> list[str]:
    """The failure message of every command of a markdown text that would not parse."""
    return [msg for shown in shown_commands(text, doc) if (msg := shown.message()) is not None]


def all_shown() -> list[Shown]:
    """Every command of the README and docs/*.md, read once when the tests are collected."""
    return [
        shown
        for doc in DOCS
        for shown in shown_commands(
            doc.read_text(encoding="utf-8"), doc.relative_to(ROOT).as_posix()
        )
    ]


SHOWN = all_shown()


@pytest.mark.parametrize("shown", SHOWN, ids=[f"{s.doc}:{s.line}" for s in SHOWN])
def test_doc_command_parses(shown: Shown) -> None:
    message = shown.message()
    assert message is None, message


def test_the_docs_show_commands_of_every_kind() -> None:
    """The extractor still finds the docs' commands (one that found none would pass)."""
    kinds = {s.kind for s in SHOWN}
    docs = {s.doc for s in SHOWN}
    assert kinds == {"fenced", "indented", "inline"}
    assert len(SHOWN) >= 120, len(SHOWN)
    assert {"README.md", "docs/ingest.md", "docs/sources.md", "docs/risk.md"} <= docs


# --- the extractor and the checker on small documents: a broken doc must fail ---------------

BROKEN = """\
# A page

Run it:

```bash
vigie detect DATASET --no-such-option x
```
"""


def test_a_doc_with_an_unknown_option_fails_naming_file_line_and_command() -> None:
    assert problems_in(BROKEN, "docs/broken.md") == [
        "docs/broken.md:6: `vigie detect DATASET --no-such-option x`: "
        "`vigie detect`: No such option: --no-such-option"
    ]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Use `vigie risk frobnicate study.yaml`.", "has no command 'frobnicate'"),
        ("`vigie nope`", "`vigie` has no command 'nope'"),
        ("Before.\n\n    vigie report F --hide-dismissed yes\n", "'yes' left over"),
        ("Then `vigie report F --hide-dismissed=yes`.", "does not take a value"),
        ("Then `vigie ingest x.csv --into`.", "Option '--into' requires an argument"),
        ("```bash\nvigie share check findings\n```\n", "needs --partner/-p, which the line lacks"),
        ("```\nvigie ingest 'posts.csv --into d\n```\n", "the shell cannot split it"),
    ],
)
def test_broken_commands_fail(markdown: str, expected: str) -> None:
    messages = problems_in(markdown, "x.md")
    assert len(messages) == 1 and expected in messages[0], messages


def test_an_inline_span_may_name_a_fragment_a_code_line_may_not() -> None:
    assert problems_in("`vigie share check FINDINGS`", "x.md") == []
    assert len(problems_in("    vigie share check FINDINGS\n", "x.md")) == 1


def test_shell_lines_are_joined_cut_and_stripped() -> None:
    text = """\
```bash
# a comment that names vigie detect
VIGIE_USER=ana vigie detect DS \\
    --out F   # detect, then score
vigie score F --truth T | tee out.txt && .venv/bin/vigie report F --html r.html 2>&1 > log
$ vigie init <folder> ; echo vigie done
```
"""
    found = [(s.line, s.kind, s.args) for s in shown_commands(text, "x.md")]
    assert found == [
        (3, "fenced", ("detect", "DS", "--out", "F")),
        (5, "fenced", ("score", "F", "--truth", "T")),
        (5, "fenced", ("report", "F", "--html", "r.html")),
        (6, "fenced", ("init", "folder")),
    ]
    assert problems_in(text, "x.md") == []


def test_prose_layouts_and_other_languages_are_no_commands() -> None:
    text = """\
vigie detects coordination; the `vigie` command and vigie detect are named in prose.

```toml
vigie detect = "not a shell line"
```

```
workspace/    the analyst's folder
  datasets/   Datasets (vigie ingest … --into ws/datasets/NAME)
```

```python
from vigie.cases import Workspace
```
"""
    assert shown_commands(text, "x.md") == []


def test_placeholders_optional_parts_and_ellipses_parse() -> None:
    text = """\
`vigie init [PATH] [--db URL]`, `vigie ingest <file> --into DIR`, `vigie share export …
--audit-db FILE`, `vigie ingest --map ...`, `vigie risk …` and

```bash
vigie ingest "$FILES" --into "$OUT" --map created_at=date
```
"""
    shown = shown_commands(text, "x.md")
    assert [s.line for s in shown] == [1, 1, 1, 2, 2, 5]
    assert shown[2].args == ("share", "export", "…", "--audit-db", "FILE")
    assert problems_in(text, "x.md") == []
