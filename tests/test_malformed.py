"""A battery of malformed inputs and corrupted folders, run through the real CLI.

For every case: the exit code, no traceback, a message naming the file (and the record or
field where there is one), and nothing dropped silently: when an ingest succeeds, every
record of every source is accounted for in the manifest (accepted + rejected = records) and
the Dataset holds exactly the accepted posts less the duplicates.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.helpers import one_group_findings, run_cli

HEADER = "post_id,account_id,created_at,text"


def _rows(n: int, date: Callable[[int], str] = lambda i: f"2024-05-{1 + i % 28:02d}T10:00:00Z"):
    return [
        f"p{i},a{i % 3},{date(i)},post {i} http://site{i % 2}.fr/x #tag{i % 2}" for i in range(n)
    ]


def _csv(path: Path, lines: list[str], header: str = HEADER, sep: str = ",") -> Path:
    text = "\n".join([header.replace(",", sep)] + [ln.replace(",", sep) for ln in lines]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, objs: list[object | str]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for o in objs:
            fh.write((o if isinstance(o, str) else json.dumps(o)) + "\n")
    return path


def _post(i: int, **kw: object) -> dict[str, object]:
    d: dict[str, object] = {
        "post_id": f"p{i}",
        "account_id": f"a{i % 3}",
        "created_at": "2024-05-01T10:00:00Z",
        "text": f"post {i}",
    }
    d.update(kw)
    return d


@dataclass
class Case:
    """``setup(tmp)`` writes the inputs and returns the command line (``vigie`` excluded)."""

    id: str
    setup: Callable[[Path], list[str]]
    code: int
    says: list[str] = field(default_factory=list)  # substrings of the output
    check: Callable[[Path], None] | None = None  # more checks on the result


# --- shared folders -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good Dataset ``ds``, a Findings folder ``F``, a truth table and a study."""
    w = tmp_path_factory.mktemp("world")
    src = _csv(w / "good.csv", _rows(30))
    assert run_cli(["ingest", str(src), "--into", str(w / "ds"), "--platform", "x"])[0] == 0
    one_group_findings(w / "F")
    pq.write_table(
        pa.table({"platform": ["x"], "account_id": ["a1"], "campaign": ["c1"]}), w / "truth.parquet"
    )
    study = str(w / "study.yaml")
    assert run_cli(["risk", "new", "--template", "election-en", "--out", study])[0] == 0
    return w


_WORLD: Path | None = None


def _copy(name: str, tmp: Path) -> Path:
    assert _WORLD is not None
    src = _WORLD / name
    dst = tmp / name
    if src.is_dir():
        shutil.copytree(src, dst)
    else:
        shutil.copy(src, dst)
    return dst


def _manifest(ds: Path) -> dict:
    return json.loads((ds / "manifest.json").read_text(encoding="utf-8"))


def _accounted(ds: Path) -> None:
    """Nothing dropped silently: records = accepted + rejected for every source; the Dataset
    holds the accepted posts less the duplicates; rejected.jsonl has the rejected count."""
    m = _manifest(ds)
    for s in m["sources"]:
        assert s["records"] == s["accepted"] + s["rejected"], s
    posts = pq.read_metadata(ds / "posts.parquet").num_rows
    if all(s["format"] != "accounts" for s in m["sources"]):
        assert posts == sum(s["accepted"] - s["duplicates"] for s in m["sources"])
    assert m["counts"]["posts"] == posts
    rej = ds / "rejected.jsonl"
    n_rej = len(rej.read_text(encoding="utf-8").splitlines()) if rej.exists() else 0
    assert n_rej == m["counts"]["rejected"]


def _rejected(ds: Path) -> list[dict]:
    rej = ds / "rejected.jsonl"
    return [json.loads(x) for x in rej.read_text(encoding="utf-8").splitlines()]


def _truncate(p: Path, keep: int = 200) -> None:
    p.write_bytes(p.read_bytes()[:keep])


def _foreign(p: Path) -> None:
    pq.write_table(pa.table({"a": [1, 2]}), p)


def _ingest(tmp: Path, src: Path, *more: str, into: str = "out") -> list[str]:
    return ["ingest", str(src), "--into", str(tmp / into), *more]


# --- the cases ------------------------------------------------------------------------------


CASES: list[Case] = []


def case(id_: str, code: int, says: list[str], check: Callable[[Path], None] | None = None):
    def deco(fn: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        CASES.append(Case(id_, fn, code, says, check))
        return fn

    return deco


def _ok(tmp: Path) -> None:
    _accounted(tmp / "out")


# CSV: structure and mapping
@case("csv-empty-file", 2, ["empty.csv", "empty"])
def _(t: Path) -> list[str]:
    (t / "empty.csv").write_bytes(b"")
    return _ingest(t, t / "empty.csv", "--platform", "x")


@case("csv-header-only", 0, ["h.csv", "no records in it"], _ok)
def _(t: Path) -> list[str]:
    return _ingest(t, _csv(t / "h.csv", []), "--platform", "x")


@case(
    "csv-missing-required", 2, ["nocreated.csv", "required field 'created_at'", "--map created_at="]
)
def _(t: Path) -> list[str]:
    return _ingest(
        t, _csv(t / "nocreated.csv", ["p1,a1,x"], "post_id,account_id,text"), "--platform", "x"
    )


@case("csv-mapped-column-absent", 2, ["m.csv", "column 'body'", "not found"])
def _(t: Path) -> list[str]:
    return _ingest(t, _csv(t / "m.csv", _rows(2)), "--platform", "x", "--map", "text=body")


@case("map-unknown-field", 2, ["--map colour=x", "unknown field 'colour'"])
def _(t: Path) -> list[str]:
    return _ingest(t, _csv(t / "m.csv", _rows(2)), "--platform", "x", "--map", "colour=x")


@case("map-without-equals", 2, ["--map 'text'", "expected FIELD=COLUMN"])
def _(t: Path) -> list[str]:
    return _ingest(t, _csv(t / "m.csv", _rows(2)), "--platform", "x", "--map", "text")


@case("map-scalar-twice", 2, ["--map text= given twice", "keep one --map text=COLUMN"])
def _(t: Path) -> list[str]:
    src = _csv(t / "m.csv", ["p1,a1,2024-05-01T10:00:00Z,x,y"], HEADER + ",body")
    return _ingest(t, src, "--platform", "x", "--map", "text=text", "--map", "text=body")


def _both_urls(t: Path) -> None:
    _accounted(t / "out")
    (post,) = pq.read_table(t / "out" / "posts.parquet").to_pylist()
    assert post["urls"] == ["a.fr/1", "b.fr/2"]


@case("map-list-twice-concatenates", 0, [], _both_urls)
def _(t: Path) -> list[str]:
    src = _csv(
        t / "m.csv", ["p1,a1,2024-05-01T10:00:00Z,x,http://a.fr/1,http://b.fr/2"], HEADER + ",u1,u2"
    )
    return _ingest(t, src, "--platform", "x", "--map", "urls=u1", "--map", "urls=u2")


@case("no-platform", 2, ["m.csv", "no platform", "--platform"])
def _(t: Path) -> list[str]:
    return _ingest(t, _csv(t / "m.csv", _rows(2)))


def _multiline(t: Path) -> None:
    _accounted(t / "out")
    _count(t, 2)
    texts = {r["text"] for r in pq.read_table(t / "out" / "posts.parquet").to_pylist()}
    assert "line one\nline two, with a comma" in texts


@case("csv-quoted-newlines-kept", 0, [], _multiline)
def _(t: Path) -> list[str]:
    lines = ['p1,a1,2024-05-01T10:00:00Z,"line one\nline two, with a comma"', _rows(1)[0]]
    return _ingest(t, _csv(t / "q.csv", lines), "--platform", "x")


def _long_row(t: Path) -> None:
    _accounted(t / "out")
    (r,) = _rejected(t / "out")
    assert r["reason"] == "malformed CSV row" and "expected 4 columns, got 5" in r["detail"], r


@case("csv-row-too-long", 0, ["malformed CSV row"], _long_row)
def _(t: Path) -> list[str]:
    return _ingest(
        t,
        _csv(t / "long.csv", _rows(2) + ["p9,a1,2024-05-01T10:00:00Z,x,extra"]),
        "--platform",
        "x",
    )


# dates
@case(
    "dates-dayfirst-all-rejected",
    2,
    ["d.csv", "20 of 20 records refused", "invalid created_at", "record 1", "--dayfirst"],
    lambda t: None if not (t / "out").exists() else pytest.fail("a Dataset was written"),
)
def _(t: Path) -> list[str]:
    return _ingest(
        t, _csv(t / "d.csv", _rows(20, lambda i: f"{13 + i % 15}/05/2024 10:00")), "--platform", "x"
    )


@case("dates-dayfirst-flag", 0, [], lambda t: _accounted(t / "out") or _count(t, 20))
def _(t: Path) -> list[str]:
    return _ingest(
        t,
        _csv(t / "d.csv", _rows(20, lambda i: f"{13 + i % 15}/05/2024 10:00")),
        "--platform",
        "x",
        "--dayfirst",
    )


def _count(t: Path, n: int, rejected: int = 0) -> None:
    m = _manifest(t / "out")
    assert (m["counts"]["posts"], m["counts"]["rejected"]) == (n, rejected), m["counts"]


@case("dates-date-format", 0, [], lambda t: _accounted(t / "out") or _count(t, 5))
def _(t: Path) -> list[str]:
    src = _csv(t / "d.csv", _rows(5, lambda i: f"2024.05.{i + 1:02d} 10h{i:02d}"))
    return _ingest(t, src, "--platform", "x", "--date-format", "%Y.%m.%d %Hh%M")


@case("dates-date-format-mismatch", 2, ["d.csv", "does not match --date-format '%d/%m/%Y'"])
def _(t: Path) -> list[str]:
    return _ingest(t, _csv(t / "d.csv", _rows(3)), "--platform", "x", "--date-format", "%d/%m/%Y")


@case("dates-monthfirst-hint", 2, ["mm/dd/yyyy", "--date-format '%m/%d/%Y"])
def _(t: Path) -> list[str]:
    return _ingest(
        t, _csv(t / "d.csv", _rows(3, lambda i: f"05/{13 + i}/2024 10:00")), "--platform", "x"
    )


def _ms(t: Path) -> None:
    _accounted(t / "out")
    _count(t, 2, 1)
    (r,) = _rejected(t / "out")
    assert r["field"] == "created_at" and "out of range" in r["detail"] and r["record"] == 3, r


@case("dates-milliseconds", 0, ["invalid created_at"], _ms)
def _(t: Path) -> list[str]:
    lines = _rows(2) + ["p9,a1,1714557600000,ms not s"]
    return _ingest(t, _csv(t / "d.csv", lines), "--platform", "x")


@case(
    "dates-half-bad-default-share",
    0,
    ["invalid created_at"],
    lambda t: _accounted(t / "out") or _count(t, 5, 5),
)
def _(t: Path) -> list[str]:
    lines = _rows(5) + [f"q{i},a1,yesterday,x" for i in range(5)]
    return _ingest(t, _csv(t / "d.csv", lines), "--platform", "x")


@case("dates-half-bad-max-share", 2, ["d.csv", "5 of 10 records refused", "--max-reject-share 0.1"])
def _(t: Path) -> list[str]:
    lines = _rows(5) + [f"q{i},a1,yesterday,x" for i in range(5)]
    return _ingest(t, _csv(t / "d.csv", lines), "--platform", "x", "--max-reject-share", "0.1")


@case("max-share-out-of-range", 2, ["--max-reject-share 2"])
def _(t: Path) -> list[str]:
    return _ingest(t, _csv(t / "d.csv", _rows(2)), "--platform", "x", "--max-reject-share", "2")


# CSV dialects and encodings
@case("csv-semicolon", 0, [], lambda t: _accounted(t / "out") or _count(t, 4))
def _(t: Path) -> list[str]:
    return _ingest(
        t, _csv(t / "s.csv", [r.replace(",", ";") for r in _rows(4)], sep=";"), "--platform", "x"
    )


@case("csv-tab-tsv", 0, [], lambda t: _accounted(t / "out") or _count(t, 4))
def _(t: Path) -> list[str]:
    return _ingest(
        t, _csv(t / "s.tsv", [r.replace(",", "\t") for r in _rows(4)], sep="\t"), "--platform", "x"
    )


@case("csv-utf8-bom", 0, [], lambda t: _accounted(t / "out") or _count(t, 3))
def _(t: Path) -> list[str]:
    p = t / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + ("\n".join([HEADER] + _rows(3)) + "\n").encode())
    return _ingest(t, p, "--platform", "x")


def _accents(t: Path) -> None:
    _accounted(t / "out")
    texts = {r["text"] for r in pq.read_table(t / "out" / "posts.parquet").to_pylist()}
    assert "café élysée" in texts


@case("csv-utf16-bom-tabs", 0, [], _accents)
def _(t: Path) -> list[str]:
    p = t / "excel.csv"
    lines = [HEADER.replace(",", "\t"), "p1\ta1\t2024-05-01T10:00:00Z\tcafé élysée"]
    p.write_bytes(("\n".join(lines) + "\n").encode("utf-16"))
    return _ingest(t, p, "--platform", "x")


@case("csv-latin1-fallback", 0, ["Latin-1", "--encoding"], _accents)
def _(t: Path) -> list[str]:
    p = t / "old.csv"
    p.write_bytes(f"{HEADER}\np1,a1,2024-05-01T10:00:00Z,café élysée\n".encode("latin-1"))
    return _ingest(t, p, "--platform", "x")


def _two_accounts(t: Path) -> None:
    _accounted(t / "out")
    rows = pq.read_table(t / "out" / "accounts.parquet").to_pylist()
    assert {(r["account_id"], r["handle"], r["followers"]) for r in rows} == {
        ("a1", "alice", 10),
        ("a2", "bob", 20),
    }


@case("accounts-semicolon-csv", 0, [], _two_accounts)
def _(t: Path) -> list[str]:
    (t / "acc.csv").write_text("account_id;handle;followers\na1;alice;10\na2;bob;20\n")
    return _ingest(t, t / "acc.csv", "--format", "accounts", "--platform", "x")


@case("csv-unknown-encoding", 2, ["--encoding 'klingon'", "unknown encoding"])
def _(t: Path) -> list[str]:
    return _ingest(t, _csv(t / "s.csv", _rows(2)), "--platform", "x", "--encoding", "klingon")


# guard rails on unmapped columns and merges
@case(
    "unmapped-object-columns-by-name",
    0,
    [
        "'url_id'",
        "--map urls=url_id",
        "'hashtag_id'",
        "--map hashtags=hashtag_id",
        "--map media=phash_id",
        "'domain_id'",
    ],
    _ok,
)
def _(t: Path) -> list[str]:
    lines = [f"p{i},a1,2024-05-01T10:00:00Z,x,{i},{i},{i},{i}" for i in range(3)]
    src = _csv(t / "ids.csv", lines, HEADER + ",url_id,hashtag_id,phash_id,domain_id")
    return _ingest(t, src, "--platform", "x")


@case("unmapped-urls-by-content", 0, ["column 'c7'", "by its content", "--map urls=c7"], _ok)
def _(t: Path) -> list[str]:
    lines = [f"p{i},a1,2024-05-01T10:00:00Z,x,https://news{i}.fr/a" for i in range(3)]
    return _ingest(t, _csv(t / "c.csv", lines, HEADER + ",c7"), "--platform", "x")


@case("unmapped-mentions-by-content", 0, ["column 'who'", "--map mentions=who"], _ok)
def _(t: Path) -> list[str]:
    lines = [f"p{i},a1,2024-05-01T10:00:00Z,x,@user{i}" for i in range(3)]
    return _ingest(t, _csv(t / "c.csv", lines, HEADER + ",who"), "--platform", "x")


@case("unmapped-fullwidth-hashtags-by-content", 0, ["column 'c8'", "--map hashtags=c8"], _ok)
def _(t: Path) -> list[str]:
    lines = [f"p{i},a1,2024-05-01T10:00:00Z,x,＃選挙{i}" for i in range(3)]
    return _ingest(t, _csv(t / "c.csv", lines, HEADER + ",c8"), "--platform", "x")


def _flags_not_hinted(t: Path) -> None:
    _accounted(t / "out")
    warnings = _manifest(t / "out")["sources"][0]["warnings"]
    assert not [w for w in warnings if "media_unread" in w and "looks like" in w], warnings
    assert not [w for w in warnings if "'mentioned'" in w and "looks like" in w], warnings
    (listed,) = [w for w in warnings if "mapped to no field" in w]
    assert "'media_unread'" in listed and "'mentioned'" in listed


# yes/no columns named after an object (Telethon's media_unread, mentioned) are no object:
# listed among the columns not kept, never sent to a --map every row would refuse
@case(
    "unmapped-yes-no-columns-not-hinted",
    0,
    ["column 'photo_url' looks like", "--map media=photo_url", "2 column(s) mapped"],
    _flags_not_hinted,
)
def _(t: Path) -> list[str]:
    flags = ["True,false", "False,FALSE", ",yes", "true,no"]
    lines = [f"p{i},a1,2024-05-01T10:00:00Z,x,{f},{i}.jpg" for i, f in enumerate(flags)]
    header = HEADER + ",media_unread,mentioned,photo_url"
    return _ingest(t, _csv(t / "f.csv", lines, header), "--platform", "x")


def _ignored_listed(t: Path) -> None:
    _accounted(t / "out")
    (warning,) = [
        w for w in _manifest(t / "out")["sources"][0]["warnings"] if "mapped to no field" in w
    ]
    assert "'score'" in warning and "'lang_code'" in warning and "'link'" not in warning


# any other column left out is named too (never a silent drop), once, with how to keep it
@case(
    "unmapped-plain-columns-named",
    0,
    ["2 column(s) mapped to no field", "'score'", "'lang_code'", "--map FIELD=COLUMN"],
    _ignored_listed,
)
def _(t: Path) -> list[str]:
    lines = [f"p{i},a1,2024-05-01T10:00:00Z,x,{i},fr,https://n{i}.fr/a" for i in range(3)]
    return _ingest(t, _csv(t / "c.csv", lines, HEADER + ",score,lang_code,link"), "--platform", "x")


def _conflict(t: Path) -> None:
    _accounted(t / "out")
    assert _manifest(t / "out")["merge_conflicts"] == {"repost_of": 2}


@case("merge-two-repost-targets", 0, ["disagreed", "repost_of: 2"], _conflict)
def _(t: Path) -> list[str]:
    lines = [
        "p1,a1,2024-05-01T10:00:00Z,x,r1",
        "p1,a1,2024-05-01T10:00:00Z,x,r2",
        "p2,a1,2024-05-01T10:00:00Z,x,r3",
        "p2,a1,2024-05-01T10:00:00Z,x,r4",
        "p3,a1,2024-05-01T10:00:00Z,x,r5",
    ]
    return _ingest(t, _csv(t / "c.csv", lines, HEADER + ",repost_of"), "--platform", "x")


@case(
    "dry-run-writes-nothing",
    0,
    ["dry run", "url_id", "--map urls=url_id", "nothing was written"],
    lambda t: None if not (t / "out").exists() else pytest.fail("dry run wrote"),
)
def _(t: Path) -> list[str]:
    lines = [f"p{i},a1,2024-05-01T10:00:00Z,x,{i}" for i in range(3)]
    return _ingest(
        t, _csv(t / "ids.csv", lines, HEADER + ",url_id"), "--platform", "x", "--dry-run"
    )


@case("dry-run-shows-refusals", 0, ["0 would be accepted", "--dayfirst", "raw: 13/05/2024"])
def _(t: Path) -> list[str]:
    return _ingest(
        t,
        _csv(t / "d.csv", _rows(3, lambda i: f"{13 + i}/05/2024 10:00")),
        "--platform",
        "x",
        "--dry-run",
    )


# JSONL records
def _one_rejected(reason: str, fld: str | None) -> Callable[[Path], None]:
    def check(t: Path) -> None:
        _accounted(t / "out")
        (r,) = _rejected(t / "out")
        assert (r["reason"], r["field"], r["record"]) == (reason, fld, 2), r

    return check


@case("jsonl-malformed-line", 0, ["malformed JSON"], _one_rejected("malformed JSON", None))
def _(t: Path) -> list[str]:
    return _ingest(
        t, _jsonl(t / "a.jsonl", [_post(1), '{"post_id": "p2", oops', _post(3)]), "--platform", "x"
    )


@case("jsonl-deeply-nested", 0, ["malformed JSON"], _one_rejected("malformed JSON", None))
def _(t: Path) -> list[str]:
    deep = '{"post_id": "p2", "text": ' + "[" * 200_000 + "]" * 200_000 + "}"
    return _ingest(t, _jsonl(t / "a.jsonl", [_post(1), deep, _post(3)]), "--platform", "x")


@case("jsonl-lone-surrogate", 0, ["invalid text"], _one_rejected("invalid text", "text"))
def _(t: Path) -> list[str]:
    bad = json.dumps(_post(2)).replace('"post 2"', '"bad \\ud800 text"')
    return _ingest(t, _jsonl(t / "a.jsonl", [_post(1), bad, _post(3)]), "--platform", "x")


@case("jsonl-nan-post-id", 0, ["invalid post_id"], _one_rejected("invalid post_id", "post_id"))
def _(t: Path) -> list[str]:
    bad = json.dumps(_post(2)).replace('"p2"', "NaN")
    return _ingest(t, _jsonl(t / "a.jsonl", [_post(1), bad, _post(3)]), "--platform", "x")


@case(
    "jsonl-infinity-created-at",
    0,
    ["invalid created_at"],
    _one_rejected("invalid created_at", "created_at"),
)
def _(t: Path) -> list[str]:
    bad = json.dumps(_post(2)).replace('"2024-05-01T10:00:00Z"', "Infinity")
    return _ingest(t, _jsonl(t / "a.jsonl", [_post(1), bad, _post(3)]), "--platform", "x")


@case("jsonl-not-an-object", 0, ["not a JSON object"], _one_rejected("not a JSON object", None))
def _(t: Path) -> list[str]:
    return _ingest(t, _jsonl(t / "a.jsonl", [_post(1), "[1, 2]", _post(3)]), "--platform", "x")


@case("jsonl-object-for-text", 0, ["invalid text"], _one_rejected("invalid text", "text"))
def _(t: Path) -> list[str]:
    return _ingest(
        t, _jsonl(t / "a.jsonl", [_post(1), _post(2, text={"a": 1}), _post(3)]), "--platform", "x"
    )


@case("jsonl-missing-post-id", 0, ["missing post_id"], _one_rejected("missing post_id", "post_id"))
def _(t: Path) -> list[str]:
    return _ingest(
        t, _jsonl(t / "a.jsonl", [_post(1), _post(2, post_id=None), _post(3)]), "--platform", "x"
    )


@case("jsonl-all-malformed", 2, ["a.jsonl", "no JSON object", "line 1"])
def _(t: Path) -> list[str]:
    return _ingest(t, _jsonl(t / "a.jsonl", ["{oops", "{oops", "{oops"]), "--platform", "x")


@case("jsonl-binary-garbage", 2, ["g.jsonl", "not UTF-8 text"])
def _(t: Path) -> list[str]:
    (t / "g.jsonl").write_bytes(
        bytes(range(256)) * 4 + b"\n" + bytes(range(255, -1, -1)) * 4 + b"\n"
    )
    return _ingest(t, t / "g.jsonl", "--platform", "x")


def _long_text(t: Path) -> None:
    _accounted(t / "out")
    notes = _manifest(t / "out")["sources"][0]["notes"]
    assert list(notes.values()) == [1], notes


@case("text-2mb-extraction-capped", 0, ["read from its head only"], _long_text)
def _(t: Path) -> list[str]:
    huge = "http://a.fr/x " + "word " * 400_000
    return _ingest(t, _jsonl(t / "a.jsonl", [_post(1, text=huge), _post(2)]), "--platform", "x")


# Parquet sources
@case("parquet-source-truncated", 2, ["src.parquet", "cannot read parquet file"])
def _(t: Path) -> list[str]:
    p = _copy("ds", t) / "posts.parquet"
    _truncate(p)
    return _ingest(t, p.rename(t / "src.parquet"))


@case("parquet-source-foreign", 2, ["src.parquet", "required field 'post_id'"])
def _(t: Path) -> list[str]:
    _foreign(t / "src.parquet")
    return _ingest(t, t / "src.parquet", "--platform", "x")


def _nan_ids(t: Path) -> None:
    _accounted(t / "out")
    assert [r["reason"] for r in _rejected(t / "out")] == ["missing post_id"]


@case("parquet-nan-float-id", 0, ["missing post_id"], _nan_ids)
def _(t: Path) -> list[str]:
    pq.write_table(
        pa.table(
            {
                "post_id": [1.0, float("nan"), 3.0],
                "account_id": ["a", "b", "c"],
                "created_at": ["2024-05-01T10:00:00Z"] * 3,
            }
        ),
        t / "f.parquet",
    )
    return _ingest(t, t / "f.parquet", "--platform", "x")


@case("source-missing", 2, ["nope.csv", "no such file"])
def _(t: Path) -> list[str]:
    return _ingest(t, t / "nope.csv", "--platform", "x")


@case("source-is-empty-folder", 2, ["dir.csv", "is a folder with no files"])
def _(t: Path) -> list[str]:
    (t / "dir.csv").mkdir()
    return _ingest(t, t / "dir.csv", "--platform", "x")


# a folder of collection files: refused (an ingest names each file it took), with the glob
@case("source-is-folder-of-files", 2, ["coll", "is a folder, not a file", "coll/*.csv", "a.csv"])
def _(t: Path) -> list[str]:
    (t / "coll").mkdir()
    _csv(t / "coll" / "a.csv", ["p1,a1,2024-05-01T10:00:00Z,x"])
    _csv(t / "coll" / "b.csv", ["p2,a1,2024-05-01T10:00:00Z,x"])
    return _ingest(t, t / "coll", "--platform", "x")


# a Telegram Desktop export folder: its one JSON file is named
@case("source-is-telegram-export-folder", 2, ["pass the export file", "result.json"])
def _(t: Path) -> list[str]:
    (t / "export" / "photos").mkdir(parents=True)
    (t / "export" / "result.json").write_text('{"name": "c", "messages": []}', encoding="utf-8")
    return _ingest(t, t / "export")


# a Dataset (a generated exercise): its posts file is what can be ingested, and is named
@case("source-is-a-dataset", 2, ["is a vigie Dataset", "not a source file", "ds/posts.parquet"])
def _(t: Path) -> list[str]:
    return _ingest(t, _copy("ds", t), "--platform", "x")


@case("source-is-findings", 2, ["is a Findings folder", "not a source file"])
def _(t: Path) -> list[str]:
    return _ingest(t, _copy("F", t), "--platform", "x")


@case("source-is-another-output", 2, ["vigie output folder", "not a source file"])
def _(t: Path) -> list[str]:
    (t / "study").mkdir()
    (t / "study" / "manifest.json").write_text('{"kind": "other"}', encoding="utf-8")
    return _ingest(t, t / "study", "--platform", "x")


# the Dataset's own table given as a source: every post was merged with itself, a no-op
# that looked like an ingest
@case("source-is-the-datasets-own-posts", 2, ["ds/posts.parquet", "own posts.parquet"])
def _(t: Path) -> list[str]:
    ds = _copy("ds", t)
    return ["ingest", str(ds / "posts.parquet"), "--into", str(ds)]


# files analysts keep collections in that no reader takes: the one step that makes them
# readable, not "cannot tell the format" and fifty format names
def _foreign_file(name: str, data: bytes) -> Callable[[Path], list[str]]:
    def setup(t: Path) -> list[str]:
        (t / name).write_bytes(data)
        return _ingest(t, t / name)

    return setup


for _name, _data, _said in (
    # saveRDS: R's serialisation ("X\n", version 3), gzip-compressed
    (
        "russian_coord_tweets.rds",
        gzip.compress(b"X\n\x00\x00\x00\x03" + bytes(40)),
        ["an R data file", "write.csv"],
    ),
    ("tweets.RData", b"RDX3\nX\n" + bytes(40), ["an R data file", "write_parquet"]),
    ("tweets.pkl", b"\x80\x04\x95" + bytes(40), ["a Python pickle", "to_parquet"]),
    ("tweets.bin", b"ARROW1\x00\x00" + bytes(40), ["an Arrow IPC (Feather) file"]),
    ("twint.db", b"SQLite format 3\x00" + bytes(80), ["an SQLite database", "-csv"]),
    ("report.pdf", b"%PDF-1.7\n" + bytes(40), ["a PDF document, not data"]),
):
    case(f"source-is-{_name}", 2, [_name, *_said])(_foreign_file(_name, _data))


# corrupted Dataset and Findings folders, in every command
def _append(t: Path) -> list[str]:
    return [
        "ingest",
        str(_csv(t / "more.csv", [r.replace("p", "new", 1) for r in _rows(3)])),
        "--into",
        str(t / "ds"),
        "--platform",
        "x",
    ]


def _unchanged(name: str) -> Callable[[Path], None]:
    def check(t: Path) -> None:
        assert _WORLD is not None
        assert (t / "ds" / name).read_bytes() != (_WORLD / "ds" / name).read_bytes()  # still broken
        assert _manifest(t / "ds") == _manifest(_WORLD / "ds")  # nothing appended

    return check


@case("append-truncated-posts", 2, ["posts.parquet", "cannot be read"], _unchanged("posts.parquet"))
def _(t: Path) -> list[str]:
    _truncate(_copy("ds", t) / "posts.parquet")
    return _append(t)


@case("append-foreign-posts", 2, ["posts.parquet", "lacks a column"], _unchanged("posts.parquet"))
def _(t: Path) -> list[str]:
    _foreign(_copy("ds", t) / "posts.parquet")
    return _append(t)


@case("append-truncated-accounts", 2, ["accounts.parquet", "cannot be read"])
def _(t: Path) -> list[str]:
    _truncate(_copy("ds", t) / "accounts.parquet")
    return _append(t)


@case("append-corrupt-manifest", 2, ["manifest.json", "not valid JSON"])
def _(t: Path) -> list[str]:
    (_copy("ds", t) / "manifest.json").write_text('{"kind": "dataset", ', encoding="utf-8")
    return _append(t)


@case("append-into-foreign-folder", 2, ["exists and is not a vigie Dataset"])
def _(t: Path) -> list[str]:
    (t / "ds").mkdir()
    (t / "ds" / "notes.txt").write_text("mine", encoding="utf-8")
    return _append(t)


@case("append-into-findings", 2, ["is not a vigie Dataset", "Findings folder", "written by"])
def _(t: Path) -> list[str]:
    shutil.copytree(_copy("F", t), t / "ds")  # ingest --into a run's folder, by mistake
    return _append(t)


@case("append-into-workspace", 2, ["is not a vigie Dataset", "it is a workspace", "datasets"])
def _(t: Path) -> list[str]:
    (t / "ds").mkdir()
    (t / "ds" / "workspace.json").write_text("{}", encoding="utf-8")
    return _append(t)


@case("detect-truncated-posts", 2, ["posts.parquet", "cannot be read"])
def _(t: Path) -> list[str]:
    _truncate(_copy("ds", t) / "posts.parquet")
    return ["detect", str(t / "ds"), "--out", str(t / "F2")]


@case("detect-foreign-posts", 2, ["posts.parquet", "lacks a column"])
def _(t: Path) -> list[str]:
    _foreign(_copy("ds", t) / "posts.parquet")
    return ["detect", str(t / "ds"), "--out", str(t / "F2")]


@case("detect-corrupt-page", 2, ["error:"])
def _(t: Path) -> list[str]:
    p = _copy("ds", t) / "posts.parquet"
    b = bytearray(p.read_bytes())
    for i in range(8, len(b) // 2):  # keep the header magic and the footer: damage the data
        b[i] ^= 0x5A
    p.write_bytes(bytes(b))
    return ["detect", str(t / "ds"), "--out", str(t / "F2")]


for _cmd, _argv in {
    "report": lambda t: ["report", str(t / "F"), "--html", str(t / "r.html")],
    "score": lambda t: ["score", str(t / "F"), "--truth", str(_copy("truth.parquet", t))],
    "share-export": lambda t: [
        "share",
        "export",
        str(t / "F"),
        "--stix",
        str(t / "b.json"),
        "--partner",
        "observatoire",
    ],
    "risk-evidence": lambda t: ["risk", "evidence", str(_copy("study.yaml", t)), str(t / "F")],
}.items():

    def _trunc(t: Path, argv: Callable = _argv) -> list[str]:
        _truncate(_copy("F", t) / "groups.parquet", 50)
        return argv(t)

    def _foreign_f(t: Path, argv: Callable = _argv) -> list[str]:
        _foreign(_copy("F", t) / "members.parquet")
        return argv(t)

    def _null_ids(t: Path, argv: Callable = _argv) -> list[str]:
        # a members table whose account ids were lost (a null where vigie writes none)
        p = _copy("F", t) / "members.parquet"
        m = pq.read_table(p)
        i = m.column_names.index("account_id")
        pq.write_table(m.set_column(i, "account_id", pa.nulls(m.num_rows, pa.string())), p)
        return argv(t)

    def _no_object(t: Path, argv: Callable = _argv) -> list[str]:
        # an evidence table without the column every reader of evidence reads
        p = _copy("F", t) / "evidence.parquet"
        pq.write_table(pq.read_table(p).drop_columns(["object"]), p)
        return argv(t)

    CASES.append(Case(f"{_cmd}-truncated-groups", _trunc, 2, ["groups.parquet", "cannot be read"]))
    CASES.append(
        Case(f"{_cmd}-foreign-members", _foreign_f, 2, ["members.parquet", "lacks a column"])
    )
    CASES.append(
        Case(f"{_cmd}-null-member-ids", _null_ids, 2, ["members.parquet", "'account_id'", "null"])
    )
    CASES.append(
        Case(f"{_cmd}-evidence-without-object", _no_object, 2, ["evidence.parquet", "(object)"])
    )


def _recovered(t: Path) -> None:
    assert _WORLD is not None
    m = _manifest(t / "ds")
    assert m["counts"]["posts"] == _manifest(_WORLD / "ds")["counts"]["posts"] + 3
    assert not [p for p in t.iterdir() if p.name.endswith(".old")]


@case("crash-between-renames-append-recovers", 0, ["recovered the previous Dataset"], _recovered)
def _(t: Path) -> list[str]:
    _copy("ds", t).rename(t / ".ds.abcd1234.old")  # the state a crash between the renames leaves
    (t / ".ds.efgh5678.tmp").mkdir()  # and the half-written new folder
    return _append(t)


@case("crash-between-renames-detect-recovers", 0, ["recovered the previous Dataset"])
def _(t: Path) -> list[str]:
    _copy("ds", t).rename(t / ".ds.abcd1234.old")
    return ["detect", str(t / "ds"), "--out", str(t / "F2")]


@case("crash-two-old-copies-refused", 2, ["ds: missing", "2 copies", "by hand"])
def _(t: Path) -> list[str]:
    _copy("ds", t).rename(t / ".ds.abcd1234.old")
    _copy("ds", t).rename(t / ".ds.wxyz0000.old")
    return _append(t)


@case("findings-crash-report-recovers", 0, ["recovered the previous Findings folder"])
def _(t: Path) -> list[str]:
    _copy("F", t).rename(t / ".F.abcd1234.old")
    return ["report", str(t / "F"), "--html", str(t / "r.html")]


# configuration files
@case("detect-config-nan", 2, ["c.toml", "co_link.window_s", "finite number"])
def _(t: Path) -> list[str]:
    (t / "c.toml").write_text("[co_link]\nwindow_s = nan\n", encoding="utf-8")
    return ["detect", str(_copy("ds", t)), "--out", str(t / "F2"), "--config", str(t / "c.toml")]


@case("detect-config-deep", 2, ["c.toml", "nested too deeply"])
def _(t: Path) -> list[str]:
    (t / "c.toml").write_text("[general]\nalpha = " + "[" * 100_000 + "\n", encoding="utf-8")
    return ["detect", str(_copy("ds", t)), "--out", str(t / "F2"), "--config", str(t / "c.toml")]


@case("detect-config-not-utf8", 2, ["c.toml", "not UTF-8"])
def _(t: Path) -> list[str]:
    (t / "c.toml").write_bytes(b"[general]\nalpha = 0.01 # caf\xe9\n")
    return ["detect", str(_copy("ds", t)), "--out", str(t / "F2"), "--config", str(t / "c.toml")]


LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@case("risk-check-billion-laughs", 2, ["laughs.yaml", "billion laughs"])
def _(t: Path) -> list[str]:
    (t / "laughs.yaml").write_text(LAUGHS, encoding="utf-8")
    return ["risk", "check", str(t / "laughs.yaml")]


@case("risk-check-deep-yaml", 2, ["deep.yaml", "nested more than"])
def _(t: Path) -> list[str]:
    (t / "deep.yaml").write_text("a: " + "[" * 50_000 + "\n", encoding="utf-8")
    return ["risk", "check", str(t / "deep.yaml")]


@case("risk-check-deep-block-yaml", 2, ["deep.yaml", "nested more than"])
def _(t: Path) -> list[str]:
    (t / "deep.yaml").write_text(
        "\n".join("  " * i + "k:" for i in range(2000)) + "\n", encoding="utf-8"
    )
    return ["risk", "check", str(t / "deep.yaml")]


@case("risk-check-deep-json", 2, ["deep.json", "nested too deeply"])
def _(t: Path) -> list[str]:
    (t / "deep.json").write_text('{"a": ' + "[" * 100_000, encoding="utf-8")
    return ["risk", "check", str(t / "deep.json")]


# --- the runner -------------------------------------------------------------------------------


def test_battery_is_large_enough() -> None:
    assert len(CASES) >= 50, len(CASES)
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_malformed(c: Case, world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    global _WORLD
    _WORLD = world
    monkeypatch.chdir(tmp_path)
    argv = c.setup(tmp_path)
    code, out = run_cli(argv)
    assert "Traceback" not in out, out
    assert code == c.code, out
    if c.code:
        errors = [ln for ln in out.splitlines() if ln.startswith("error:")]
        assert len(errors) == 1, out  # one line
    for s in c.says:
        assert s in out, f"{s!r} not in:\n{out}"
    if c.check is not None:
        c.check(tmp_path)


def test_csv_row_longer_than_a_block_mid_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row that does not fit Arrow's parse block, after rows already delivered: blocks grow
    and reading resumes where it was, nothing repeated or dropped; past the bound, one line."""
    from vigie.ingest import tabular

    monkeypatch.setattr(tabular, "CSV_BLOCK", 1 << 16)
    monkeypatch.setattr(tabular, "MAX_CSV_BLOCK", 1 << 22)
    rows = _rows(3000)
    big = "q1,a1,2024-05-01T10:00:00Z,http://big.fr/x " + "w " * 300_000  # 600 kB in one row
    src = _csv(tmp_path / "mid.csv", [*rows[:2000], big, *rows[2000:], "z1,a1,x,y,extra"])
    code, out = run_cli(["ingest", str(src), "--into", str(tmp_path / "out"), "--platform", "x"])
    assert code == 0 and "Traceback" not in out, out
    _accounted(tmp_path / "out")
    ids = pq.read_table(tmp_path / "out" / "posts.parquet", columns=["post_id"]).column(0)
    assert sorted(ids.to_pylist()) == sorted([f"p{i}" for i in range(3000)] + ["q1"])
    assert [r["reason"] for r in _rejected(tmp_path / "out")] == ["malformed CSV row"]
    huge = _csv(
        tmp_path / "huge.csv",
        [*rows[:10], "q2,a1,2024-05-01T10:00:00Z," + "w " * (6 << 20), *rows[10:20]],
    )
    code, out = run_cli(["ingest", str(huge), "--into", str(tmp_path / "out2"), "--platform", "x"])
    assert code == 2 and "Traceback" not in out
    assert "huge.csv" in out and "a row longer than 4 MiB" in out, out
