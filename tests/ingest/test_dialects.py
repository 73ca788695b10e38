"""CSV rows Arrow refuses, Excel's ``sep=`` line, and JSON in another encoding than UTF-8.

Known answers: each file is written here with its malformed rows on known lines (after
multi-line values, so that lines and rows differ), and each encoded file holds known texts.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ingest.helpers import assert_no_temp_left, posts_by_id, rejected, run_cli
from vigie.ingest import csv_locate, ingest
from vigie.ingest.api import preview
from vigie.ingest.csv_locate import RowLocator, open_quote_column

DATE = "2024-05-01T10:00:00Z"
HEADER = "post_id,account_id,created_at,text"


def _row(i: int, text: str | None = None) -> str:
    return f"p{i},a{i % 3},{DATE},{text if text is not None else f'post {i}'}"


# --- Excel's sep= line ----------------------------------------------------------------------


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_excel_sep_line_names_the_delimiter(tmp_path: Path, sep: str, nl: str) -> None:
    rows = [HEADER.replace(",", sep)] + [
        _row(i, f"mot {i}, encore").replace(",", sep, 3) for i in range(1, 5)
    ]
    if sep == ",":  # the text's own comma must then be quoted
        rows = [HEADER] + [_row(i, f'"mot {i}, encore"') for i in range(1, 5)]
    src = tmp_path / "export.csv"
    src.write_text(f"sep={sep}{nl}" + nl.join(rows) + nl, encoding="utf-8")
    report = ingest([src], tmp_path / "ds", platform="x")
    posts = posts_by_id(tmp_path / "ds")
    assert report.rejected == 0 and sorted(posts) == ["p1", "p2", "p3", "p4"]
    assert posts["p3"]["text"] == "mot 3, encore" and posts["p3"]["account_id"] == "a0"


def test_excel_sep_line_in_dry_run_and_latin1(tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    body = "sep=;\r\n" + HEADER.replace(",", ";") + "\r\n" + _row(1, "idée").replace(",", ";")
    src.write_bytes((body + "\r\n").encode("latin-1"))
    (only,) = preview([src], platform="x")
    assert only.accepted == 1 and only.records == 1
    ingest([src], tmp_path / "ds", platform="x")
    assert posts_by_id(tmp_path / "ds")["p1"]["text"] == "idée"


# --- rows Arrow refuses: their lines --------------------------------------------------------


def test_refused_rows_name_their_lines(tmp_path: Path) -> None:
    lines = [
        HEADER,  # line 1
        _row(1),  # 2
        _row(2, '"two\nlines"'),  # 3-4: a good row over two lines
        "p3,a0,too,many,fields",  # 5
        _row(4),  # 6
        _row(5, '"three\nmore\nlines"'),  # 7-9
        "p6,a0",  # 10: too few
        "p3,a0,too,many,fields",  # 11: the same text again, later
        _row(7),  # 12
    ]
    src = tmp_path / "posts.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest([src], tmp_path / "ds", platform="x")
    bad = [r for r in rejected(tmp_path / "ds") if r["reason"] == "malformed CSV row"]
    assert [r["record"] for r in bad] == ["line 5", "line 10", "line 11"]
    assert "expected 4 columns, got 5" in bad[0]["detail"]
    assert sorted(posts_by_id(tmp_path / "ds")) == ["p1", "p2", "p4", "p5", "p7"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "utf-16"])
def test_refused_rows_lines_in_other_encodings_and_crlf(tmp_path: Path, encoding: str) -> None:
    lines = [HEADER, _row(1, "été"), _row(2, '"deux\r\nlignes"'), "p3,à,trop,de,champs", _row(4)]
    src = tmp_path / "posts.csv"
    src.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    ingest([src], tmp_path / "ds", platform="x", encoding=encoding)
    bad = rejected(tmp_path / "ds")
    assert [(r["reason"], r["record"]) for r in bad] == [("malformed CSV row", "line 5")]
    assert posts_by_id(tmp_path / "ds")["p1"]["text"] == "été"


def test_a_row_that_cannot_be_found_keeps_no_number() -> None:
    loc = RowLocator(Path("/nonexistent/file.csv"), "utf-8")
    assert loc.line_of("a,b") is None and not loc.runs_to_end()


def test_locator_stops_searching_after_a_few_misses(tmp_path: Path) -> None:
    """Each miss reads to the end of the file: many unfindable rows must not each cost that."""
    src = tmp_path / "f.csv"
    src.write_text("h\nr1\nr2\nr3\n", encoding="utf-8")
    loc = RowLocator(src, "utf-8")
    assert loc.line_of("r2") == 3
    assert [loc.line_of(f"absent{i}") for i in range(3)] == [None, None, None]
    assert loc.line_of("r3") is None  # found in the file, but no longer searched for


def test_line_counts_over_many_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Line breaks are counted a slice at a time: the count must not depend on the slice."""
    src = tmp_path / "f.csv"
    lines = [f"r{i}," + "x" * (i % 7) for i in range(500)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-16")
    for size in (3, 4, 64, 1 << 20):
        monkeypatch.setattr(csv_locate, "_SLICE", size)
        loc = RowLocator(src, "utf-16")
        assert [loc.line_of(lines[k]) for k in (7, 8, 250, 499)] == [8, 9, 251, 500]
        loc.close()


# --- quotes left open -----------------------------------------------------------------------


def test_quote_open_in_a_middle_column_announces_the_rows_it_took(tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    lines = [HEADER, _row(1), _row(2), 'p3,a0,"2024-05-01T10:00:00Z,oops', _row(4), _row(5)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "ds"
    code, text = run_cli(["ingest", str(src), "--into", str(out), "--platform", "x"])
    assert code == 0 and "Traceback" not in text
    (r,) = rejected(out)
    assert r["reason"] == "unterminated quote" and r["field"] == "created_at"
    assert r["record"] == "line 4" and "over 2 more line(s)" in r["detail"]
    assert sorted(posts_by_id(out)) == ["p1", "p2"]


def test_quote_open_on_the_first_row_fails_the_source_naming_the_line(tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    src.write_text(HEADER + '\np1,a1,"' + DATE + ",x\n" + _row(2) + "\n", encoding="utf-8")
    code, text = run_cli(["ingest", str(src), "--into", str(tmp_path / "ds"), "--platform", "x"])
    assert code != 0 and "Traceback" not in text
    assert "posts.csv" in text and "unterminated quote" in text and "line 2" in text
    assert not (tmp_path / "ds").exists()


def test_quote_closed_rows_later_says_the_lines_it_joined(tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    lines = [HEADER, _row(1), 'p2,a2,"' + DATE + ",stray", _row(3), 'p4,a1,x",y,z', _row(5)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest([src], tmp_path / "ds", platform="x")
    (r,) = rejected(tmp_path / "ds")
    assert r["reason"] == "malformed CSV row" and r["record"] == "line 3"
    assert "spans lines 3-5" in r["detail"]
    assert sorted(posts_by_id(tmp_path / "ds")) == ["p1", "p5"]


@pytest.mark.parametrize(
    ("text", "col"),
    [
        ('a,"b', 1),
        ('"a,b', 0),
        ('a,b,"c""d', 2),  # an escaped quote keeps it open
        ('a,"b""",c', None),  # closed after an escaped quote
        ('a,b"c,d', None),  # a quote inside a field opens nothing
        ('a,"b\nc",d\ne,"f', 1),  # the second record's second column
        ("a,b", None),
    ],
)
def test_open_quote_column(text: str, col: int | None) -> None:
    assert open_quote_column(text, ",") == col


# --- JSON in another encoding ---------------------------------------------------------------


def _posts_json(texts: list[str]) -> str:
    return "".join(
        json.dumps(
            {"post_id": f"p{i}", "account_id": "a", "created_at": DATE, "text": t},
            ensure_ascii=False,
        )
        + "\n"
        for i, t in enumerate(texts, 1)
    )


def test_latin1_jsonl_without_encoding_says_which_to_pass(tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_bytes(_posts_json(["idée", "ça"]).encode("latin-1"))
    code, text = run_cli(["ingest", str(src), "--into", str(tmp_path / "ds"), "--platform", "x"])
    assert code != 0 and "Traceback" not in text
    assert "posts.jsonl" in text and "line 1" in text and "--encoding latin-1" in text


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le"])
def test_jsonl_read_in_the_encoding_given(tmp_path: Path, encoding: str) -> None:
    texts = ["idée reçue", "ça va", "« guillemets »"]
    body = _posts_json(texts[:2]) + "{not json\n" + _posts_json(texts[2:]).replace("p1", "p4")
    src = tmp_path / "posts.jsonl"
    src.write_bytes(body.encode(encoding))
    ds = tmp_path / "ds"
    report = ingest([src], ds, platform="x", encoding=encoding)
    posts = posts_by_id(ds)
    assert [posts[p]["text"] for p in ("p1", "p2", "p4")] == texts
    (r,) = rejected(ds)  # the source's line number, its name, not the copy's
    assert (r["record"], r["reason"], r["file"]) == (3, "malformed JSON", str(src))
    assert report.rejected == 1
    assert_no_temp_left(tmp_path)


def test_compressed_utf16_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl.gz"
    src.write_bytes(gzip.compress(_posts_json(["Grüße"]).encode("utf-16")))
    ingest([src], tmp_path / "ds", platform="x", encoding="utf-16")
    assert posts_by_id(tmp_path / "ds")["p1"]["text"] == "Grüße"
    assert_no_temp_left(tmp_path)


def test_byte_the_encoding_cannot_read_names_the_line(tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_bytes(
        _posts_json(["ok"]).encode() + _posts_json(["bad"]).encode().replace(b"bad", b"b\x81d")
    )
    code, text = run_cli(
        [
            "ingest",
            str(src),
            "--into",
            str(tmp_path / "ds"),
            "--platform",
            "x",
            "--encoding",
            "cp1252",
        ]
    )
    assert code != 0 and "Traceback" not in text
    assert "posts.jsonl" in text and "line 2" in text and "cp1252" in text
    assert not (tmp_path / "ds").exists()
    assert_no_temp_left(tmp_path)


def test_utf16_tweets_with_encoding(tmp_path: Path) -> None:
    """A platform's JSON (X API v2, one tweet a line) in UTF-16: read once re-encoded."""
    tweet = {
        "id": "1001",
        "text": "Ça commence #vote",
        "author_id": "7",
        "created_at": "2021-09-20T08:15:30.000Z",
    }
    src = tmp_path / "tweets.jsonl"
    src.write_bytes((json.dumps(tweet, ensure_ascii=False) + "\n").encode("utf-16"))
    code, text = run_cli(["ingest", str(src), "--into", str(tmp_path / "a")])
    assert code != 0 and "--encoding utf-16" in text  # the refusal says what to pass
    ingest([src], tmp_path / "ds", fmt="x", encoding="utf-16")
    assert posts_by_id(tmp_path / "ds")["1001"]["text"] == "Ça commence #vote"


def test_dialect_flags_that_do_not_apply_are_said(tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text(_posts_json(["x"]), encoding="utf-8")
    code, text = run_cli(
        ["ingest", str(src), "--into", str(tmp_path / "ds"), "--platform", "x", "--delimiter", ";"]
    )
    assert code == 0 and "--delimiter is for CSV sources" in text


# --- a report's preamble above the header ---------------------------------------------------

PREAMBLE = 'Report:,Election monitoring\nQuery:,"candidat OR élection"\nDate range:,01/05/2024\n\n'


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_preamble_above_the_header_is_skipped_and_said(tmp_path: Path, sep: str) -> None:
    body = [HEADER, _row(1), _row(2, '"two\nlines"'), "p3,a0,too,many,fields", _row(4)]
    src = tmp_path / "export.csv"
    text = PREAMBLE + "\n".join(body) + "\n"
    src.write_text(text.replace(",", sep), encoding="utf-8")
    out = tmp_path / "ds"
    code, said = run_cli(["ingest", str(src), "--into", str(out), "--platform", "x"])
    assert code == 0 and "the header is row 5: the 4 row(s) above it" in said
    assert sorted(posts_by_id(out)) == ["p1", "p2", "p4"]
    assert posts_by_id(out)["p2"]["text"] == "two\nlines"
    (r,) = rejected(out)  # lines count from the file's first, preamble included
    assert r["record"] == "line 9"
    (only,) = preview([src], platform="x", delimiter=sep)  # the same with --delimiter
    assert only.accepted == 3


@pytest.mark.parametrize(
    "first_lines",
    [
        [HEADER],  # a plain CSV
        ["post_id,text", "p1,hello", "p2,world"],  # two columns only: nothing wider to find
        [HEADER + ",", _row(1) + ",", _row(2) + ","],  # a trailing delimiter everywhere
        ["a,b", "1,2,3", "1,2,3"],  # a narrow header over wide rows: no header-like row
    ],
)
def test_no_preamble_where_there_is_none(tmp_path: Path, first_lines: list[str]) -> None:
    from vigie.ingest.tabular import csv_dialect

    src = tmp_path / "plain.csv"
    src.write_text("\n".join([*first_lines, _row(3), _row(4)]) + "\n", encoding="utf-8")
    d = csv_dialect(src)
    assert (d.skip, d.delimiter, d.note) == (1, ",", None)


@pytest.mark.parametrize("codec", ["rot13", "hex", "base64", "zlib", "no-such-codec"])
@pytest.mark.parametrize("name", ["posts.jsonl", "posts.csv"])
def test_codecs_that_are_no_text_encoding_are_one_line(
    tmp_path: Path, codec: str, name: str
) -> None:
    """Python's bytes-to-bytes and text-to-text codecs passed the JSON sniff and failed deep
    in the copy (a TypeError, an AssertionError)."""
    src = tmp_path / name
    body = _posts_json(["x"]) if name.endswith(".jsonl") else HEADER + "\n" + _row(1) + "\n"
    src.write_text(body, encoding="utf-8")
    code, text = run_cli(
        ["ingest", str(src), "--into", str(tmp_path / "ds"), "--platform", "x", "--encoding", codec]
    )
    assert code != 0 and "Traceback" not in text
    assert f"--encoding '{codec}': unknown encoding" in text
    assert not (tmp_path / "ds").exists()
