"""``vigie decisions``: the decision log on the command line, as the workbench's Decisions
page shows it (same filters, newest first), as JSON lines and as the page's CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from vigie.cli import main

from .helpers import accs, make_findings

LONG_NOTE = "Same URLs within the minute, accounts created the same week, one phone farm"
LONG_AUTHOR = "analyste.b@prefecture.example.gouv.fr"


@pytest.fixture
def decided(ws, tmp_path, monkeypatch):
    """One run, two groups and six decisions, one a day from 2026-03-01 (seq 1 to 6): a
    group, two accounts, a pair inside groups, one outside, and a note typed as a formula."""
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 5), "g2": accs("b", 5)}))
    days = iter(datetime(2026, 3, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(100))
    monkeypatch.setattr("vigie.cases.workspace.utcnow", lambda: next(days))
    ws.decide("g1", "confirmed", reason="coordinated-inauthentic", note=LONG_NOTE, author="ana")
    ws.decide("a001", "dismissed", reason="fandom", kind="account", author="bo")
    ws.decide("x:b002", "needs-review", kind="account", author=LONG_AUTHOR, note="[red]bot?[/]")
    ws.decide(("a001", "b003"), "needs-review", kind="pair", author="ana")
    ws.decide(("zz1", "zz2"), "dismissed", reason="coincidence", kind="pair", author="cy")
    ws.decide("b004", "needs-review", kind="account", author="bo", note="=HYPERLINK(1)")
    return ws


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, " ".join(out.err.split())


def _json(ws, capsys, *args: str) -> list[dict]:
    code, out, err = _run(["decisions", "-w", str(ws.root), "--json", *args], capsys)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_the_table_lists_every_kind_newest_first(decided, capsys) -> None:
    ws = decided
    g1 = ws.resolve_group("g1")
    code, out, err = _run(["decisions", "-w", str(ws.root)], capsys)
    assert code == 0, err
    assert out.splitlines()[0] == "6 decision(s), newest first"
    rows = [line.split()[0] for line in out.splitlines() if " 2026-03-" in line]
    assert rows == ["6", "5", "4", "3", "2", "1"]
    for shown in (
        "2026-03-06",
        "12:00",
        "account b004",
        "pair zz1 zz2",
        "pair a001 b003 · in",
        f"group {g1}",
        "coordinated-inauthentic — Same URLs",
        "[red]bot?[/]",  # a note is text, never Rich markup
        "needs-review",
        "#1",
    ):
        assert shown in out, shown


def test_the_table_is_readable_at_80_columns(decided) -> None:
    """Every field shows at 80 columns: the long author folds, the long note is cut."""
    from rich.console import Console

    from vigie.cases.cli import _newest_decisions, decisions_table
    from vigie.cases.decision_log import DecisionFilter

    entries, total = _newest_decisions(decided, DecisionFilter(), 0)
    assert total == 6
    con = Console(width=80, file=io.StringIO(), color_system=None)
    con.print(decisions_table(entries, 80))
    text = con.file.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    pieces = [LONG_AUTHOR[i : i + 16] for i in range(0, len(LONG_AUTHOR), 16)]
    assert all(p in text for p in pieces)  # folded over lines (16 wide at 80), whole
    assert "coordinated-inauthentic — Same URLs" in text and "…" in text
    assert LONG_NOTE not in " ".join(text.split())


def test_json_is_one_object_a_line_with_where_to_see_it(decided, capsys) -> None:
    ws = decided
    got = _json(ws, capsys)
    assert [d["seq"] for d in got] == [6, 5, 4, 3, 2, 1]
    by_seq = {d["seq"]: d for d in got}
    assert by_seq[5] | {"decided_at": None} == {
        "seq": 5,
        "target_kind": "pair",
        "target": "zz1 zz2",
        "status": "dismissed",
        "reason": "coincidence",
        "note": None,
        "author": "cy",
        "decided_at": None,
        "run_id": ws.run("last").id,
        "run_seq": 1,
        "groups": [],
    }
    assert by_seq[5]["decided_at"].startswith("2026-03-05T12:00:00")
    assert by_seq[3]["groups"] == [ws.resolve_group("g2")]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--kind", "account"], [6, 3, 2]),
        (["--kind", "group"], [1]),
        (["--kind", "pair", "--status", "dismissed"], [5]),
        (["--status", "needs-review"], [6, 4, 3]),
        (["--author", "bo"], [6, 2]),
        (["--author", "b"], []),  # a person, not a part of a name
        (["--text", "same urls"], [1]),  # any case, in the note
        (["--text", "ZZ2"], [5]),  # in the target
        (["--text", "fandom"], [2]),  # in the reason
        (["--text", "100%"], []),  # % is a character, not a wildcard
        (["--since", "2026-03-05"], [6, 5]),
        (["--until", "2026-03-02"], [2, 1]),
        (["--since", "2026-03-02", "--until", "2026-03-03"], [3, 2]),
        (["--since", "2026-03-04", "--until", "2026-03-03"], []),
        (["--kind", "account", "--author", "bo", "--since", "2026-03-03"], [6]),
    ],
)
def test_each_filter(decided, capsys, args: list[str], expected: list[int]) -> None:
    assert [d["seq"] for d in _json(decided, capsys, *args)] == expected


def test_json_lines_are_printed_as_the_pages_are_read(decided, capsys, monkeypatch) -> None:
    """``--json --limit 0`` on a long log holds one page at a time: each page's lines are
    out before the next page is read (a log of a million decisions is not collected first)."""
    import typer

    from vigie.cases.workspace import Workspace

    monkeypatch.setattr("vigie.cases.decision_log.MAX_PAGE", 2)
    pages: list[int] = []
    lines_before_page: list[int] = []
    printed: list[str] = []
    read = Workspace.decision_log

    def reading(self, *args, **kwargs):
        lines_before_page.append(len(printed))
        pages.append(1)
        return read(self, *args, **kwargs)

    echo = typer.echo
    monkeypatch.setattr(Workspace, "decision_log", reading)
    monkeypatch.setattr(
        typer, "echo", lambda line, *a, **k: (printed.append(line), echo(line, *a, **k))
    )
    assert [d["seq"] for d in _json(decided, capsys, "--limit", "0")] == [6, 5, 4, 3, 2, 1]
    assert len(pages) == 3 and lines_before_page == [0, 2, 4]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [("1", [6]), ("5", [6, 5, 4, 3, 2]), ("6", [6, 5, 4, 3, 2, 1]), ("7", [6, 5, 4, 3, 2, 1])],
)
def test_limit(decided, capsys, limit: str, expected: list[int]) -> None:
    assert [d["seq"] for d in _json(decided, capsys, "--limit", limit)] == expected


def test_limit_zero_is_all_and_the_default_is_fifty(decided, capsys, monkeypatch) -> None:
    ws = decided
    for i in range(50):
        ws.decide(f"c{i:03}", "needs-review", kind="account", author="dee")
    assert len(_json(ws, capsys)) == 50
    assert len(_json(ws, capsys, "--limit", "0")) == 56
    code, out, err = _run(["decisions", "-w", str(ws.root)], capsys)
    assert code == 0 and out.splitlines()[0] == "the newest 50 of 56 decisions (--limit 0: all)"


def test_limits_past_one_page_read_page_after_page(decided, capsys, monkeypatch) -> None:
    """The case store's pages hold at most MAX_PAGE: a longer list is read in several, in
    order, each decision once."""
    monkeypatch.setattr("vigie.cases.decision_log.MAX_PAGE", 2)
    assert [d["seq"] for d in _json(decided, capsys, "--limit", "0")] == [6, 5, 4, 3, 2, 1]
    assert [d["seq"] for d in _json(decided, capsys, "--limit", "3")] == [6, 5, 4]
    assert [d["seq"] for d in _json(decided, capsys, "--kind", "account")] == [6, 3, 2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--kind", "acount"],
            "--kind: 'acount' is not one of group, account, pair (did you mean account?)",
        ),
        (["--status", "confirm"], "(did you mean confirmed?)"),
        (["--status", "ok"], "--status: 'ok' is not one of confirmed, dismissed, needs-review"),
        (["--since", "yesterday"], "--since: 'yesterday' is not a day (YYYY-MM-DD)"),
        (["--until", "2026-02-30"], "--until: '2026-02-30' is not a day (YYYY-MM-DD)"),
        (["--limit", "-1"], "--limit: '-1'; give 0 (all) to 1,000,000 decisions"),
        (["--limit", "ten"], "--limit: 'ten'; give 0 (all) to 1,000,000 decisions"),
        (["--limit", "1000001"], "--limit: '1000001'; give 0 (all) to 1,000,000 decisions"),
        (["--limit", str(10**20)], "--limit: '100000000000000000000'; give 0 (all)"),
        (["--csv", "x.csv", "--json"], "--csv writes every decision the filters keep"),
        (["--csv", "x.csv", "--limit", "3"], "--csv writes every decision the filters keep"),
    ],
)
def test_bad_values_are_one_line_naming_the_option(
    decided, capsys, args: list[str], message: str
) -> None:
    code, out, err = _run(["decisions", "-w", str(decided.root), *args], capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_the_largest_limit_works(decided, capsys) -> None:
    assert len(_json(decided, capsys, "--limit", "1000000")) == 6


def test_csv_is_the_filtered_list_formula_guarded(decided, capsys, tmp_path) -> None:
    ws = decided
    path = tmp_path / "out" / "decisions.csv"
    path.parent.mkdir()
    code, out, err = _run(
        ["decisions", "-w", str(ws.root), "--kind", "account", "--csv", str(path)], capsys
    )
    assert code == 0, err
    # spaces aside: a long path is wrapped at the console's width, anywhere in it
    assert "".join(out.split()) == "".join(f"3 decision(s) written to {path}".split())
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["seq"], r["target"], r["author"]) for r in rows] == [
        ("6", "b004", "bo"),
        ("3", "x:b002", LONG_AUTHOR),
        ("2", "a001", "bo"),
    ]
    assert rows[0]["note"] == "'=HYPERLINK(1)"  # opened in a spreadsheet: text, no formula
    assert rows[0]["decided_at"] == "2026-03-06T12:00:00Z" and rows[0]["run"] == ws.run(1).id
    assert [p.name for p in path.parent.iterdir()] == ["decisions.csv"]  # no temporary left


def test_csv_onto_a_folder_is_one_line(decided, capsys, tmp_path) -> None:
    """A path that is a folder (a slip of the tab key) is one line, the folder untouched."""
    path = tmp_path / "exports"
    path.mkdir()
    code, out, err = _run(["decisions", "-w", str(decided.root), "--csv", str(path)], capsys)
    assert code == 2 and path.is_dir() and list(path.iterdir()) == []
    assert err.startswith(f"error: {path}") and "Traceback" not in err


def test_nothing_matches_names_the_people_who_decided(decided, capsys) -> None:
    code, out, err = _run(["decisions", "-w", str(decided.root), "--author", "zed"], capsys)
    assert code == 0, err
    assert " ".join(out.split()) == (
        f"no decision matches (nobody named 'zed' decided anything; people: ana, {LONG_AUTHOR}, "
        "bo, cy)"
    )
    code, out, err = _run(["decisions", "-w", str(decided.root), "--text", "nothing"], capsys)
    assert code == 0 and out.strip() == "no decision matches"


def test_an_empty_log(ws, capsys) -> None:
    code, out, err = _run(["decisions", "-w", str(ws.root), "--json"], capsys)
    assert code == 0 and out == "", err
    code, out, err = _run(["decisions", "-w", str(ws.root)], capsys)
    assert code == 0 and out.strip() == "no decision matches"


def test_outside_a_workspace_the_case_commands_error(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(["decisions"], capsys)
    _, _, search_err = _run(["search", "x"], capsys)
    assert code == 2 and out == ""
    assert (
        err
        == search_err
        == (
            "error: no workspace here: run `vigie init` in a folder, or give --workspace PATH "
            "(or set VIGIE_WORKSPACE)"
        )
    )
