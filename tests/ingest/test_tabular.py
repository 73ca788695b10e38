"""Generic CSV, JSONL and Parquet with a column mapping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.helpers import CSV_MAP, FIX, accounts_by_id, manifest, posts_by_id, rejected
from vigie.errors import InputError, VigieError
from vigie.ingest import ingest
from vigie.ingest.model import UNIT_NAMES
from vigie.schema import POSTS_SCHEMA


def test_csv_with_mapping(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    # the ``followers`` column is named like the field: it needs no mapping
    report = ingest([FIX / "generic_posts.csv"], ds, mapping=CSV_MAP)
    posts = posts_by_id(ds)
    assert set(posts) == {"p1", "p2"}
    p1 = posts["p1"]
    assert p1["platform"] == "facebook" and p1["account_id"] == "u1"
    assert p1["urls"] == ["example.org/a"]
    assert p1["hashtags"] == ["wahl2021", "btw"]
    assert p1["mentions"] == []  # no mentions column: extracted from the text (none there)
    p2 = posts["p2"]
    assert p2["created_at"] == datetime(2021, 9, 20, 8, 5, tzinfo=UTC)  # POSIX seconds
    assert p2["text"] == "Zweiter Post, mit Komma"
    assert p2["urls"] == [] and p2["media"] is None  # empty cell vs. no column at all
    acc = accounts_by_id(ds)
    assert acc["u1"]["display_name"] == "Anna" and acc["u1"]["followers"] == 120
    assert acc["u2"]["followers"] is None  # unknown is null, never 0
    rej = {r["record"]: r for r in rejected(ds)}
    assert set(rej) == {3, 4, 5}
    assert rej[3]["reason"] == "invalid created_at" and "yesterday" in rej[3]["detail"]
    assert rej[4]["reason"] == "missing post_id"
    assert rej[5]["reason"] == "invalid followers" and "many" in rej[5]["detail"]
    assert report.sources[0].records == 5 and report.sources[0].rejected == 3
    m = manifest(ds)
    assert m["counts"]["rejected"] == 3
    assert m["skipped"]["rejected: missing post_id"] == 1


def test_csv_json_array_and_space_separated_cells(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text(
        "id,user,ts,links,tags\n"
        'p4,u3,2021-09-20T09:00:00+02:00,"[""https://t.example/x"", ""https://www.example.org/a""]",'
        "#a #B\n",
        encoding="utf-8",
    )
    ds = tmp_path / "ds"
    ingest(
        [src],
        ds,
        mapping=["post_id=id", "account_id=user", "created_at=ts", "urls=links", "hashtags=tags"],
        platform="facebook",
    )
    p4 = posts_by_id(ds)["p4"]
    assert p4["urls"] == ["t.example/x", "example.org/a"]
    assert p4["hashtags"] == ["a", "b"]
    assert p4["created_at"] == datetime(2021, 9, 20, 7, 0, tzinfo=UTC)  # +02:00 -> UTC
    assert p4["text"] is None and p4["mentions"] is None  # no text: nothing to extract from


def test_jsonl_with_mapping_and_text_extraction(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest(
        [FIX / "generic_posts.jsonl"],
        ds,
        mapping={"post_id": "uid", "account_id": "account", "created_at": "ts", "text": "content"},
        platform="Twitter",  # house name: x
    )
    posts = posts_by_id(ds)
    assert set(posts) == {"10", "11", "13"}
    p = posts["10"]
    assert p["platform"] == "x"
    assert p["urls"] == ["example.org/z"] and p["hashtags"] == ["wahl"]
    assert p["mentions"] == ["ben"]
    assert posts["11"]["created_at"] == datetime(2021, 9, 20, 8, 20, 0, 500000, tzinfo=UTC)
    assert posts["13"]["text"] is None and posts["13"]["urls"] is None
    rej = {r["record"]: r for r in rejected(ds)}
    assert rej[3]["reason"] == "malformed JSON"
    assert rej[4]["reason"] == "not a JSON object"
    assert rej[5]["reason"] == "invalid post_id" and rej[5]["field"] == "post_id"
    assert rej[6]["reason"] == "invalid created_at" and "out of range" in rej[6]["detail"]
    assert len(rej) == 4


def test_parquet_in_canonical_schema_needs_no_mapping(tmp_path: Path) -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        {
            "post_id": str(i),
            "platform": "x",
            "account_id": f"a{i % 3}",
            "created_at": t0.replace(minute=i),
            "text": f"post {i}",
            "urls": ["example.org/p"],
            "hashtags": ["wahl"],
            "mentions": [],
            "media": [],
            "repost_of": "0" if i else None,
        }
        for i in range(6)
    ]
    src = tmp_path / "posts.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=POSTS_SCHEMA), src)
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    assert report.sources[0].format == "parquet" and report.posts == 6
    got = pq.read_table(ds / "posts.parquet")
    assert got.column_names == POSTS_SCHEMA.names
    assert got.schema.field("created_at").type == POSTS_SCHEMA.field("created_at").type
    assert posts_by_id(ds)["3"]["repost_of"] == "0"
    assert sorted(accounts_by_id(ds)) == ["a0", "a1", "a2"]


def test_long_format_rows_merge_into_one_post(tmp_path: Path) -> None:
    src = tmp_path / "long.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["fb_1", "fb_1", "fb_1", "tw_2", "fb_1"],
                "post_id": [100, 100, 100, 100, 101],
                "url_id": [7, 8, None, 7, None],
                "hashtag_id": [None, None, 5, None, None],
                "timestamp": [1632125000.0] * 5,
            }
        ),
        src,
    )
    ds = tmp_path / "ds"
    report = ingest(
        [src],
        ds,
        mapping=[
            "urls=url_id",
            "hashtags=hashtag_id",
            "platform=prefix:account_id",
            "created_at=timestamp",
        ],
    )
    posts = {
        (r["platform"], r["post_id"]): r for r in pq.read_table(ds / "posts.parquet").to_pylist()
    }
    assert set(posts) == {("facebook", "100"), ("x", "100"), ("facebook", "101")}
    assert posts[("facebook", "100")]["urls"] == ["7", "8"]  # ids kept verbatim, not URLs
    assert posts[("facebook", "100")]["hashtags"] == ["5"]
    assert posts[("x", "100")]["urls"] == ["7"]
    assert posts[("facebook", "101")]["urls"] == []
    assert report.sources[0].duplicates == 2


def test_missing_required_column_is_a_clear_error(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    with pytest.raises(InputError) as exc:
        ingest([FIX / "generic_posts.csv"], ds, mapping=["post_id=id", "account_id=user"])
    msg = str(exc.value)
    assert "generic_posts.csv" in msg and "'created_at'" in msg and "--map created_at=" in msg
    assert not ds.exists()


def test_mapped_column_absent(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"column 'corps' \(mapped to text\) not found") as exc:
        mapping = [m for m in CSV_MAP if not m.startswith("text=")] + ["text=corps"]
        ingest([FIX / "generic_posts.csv"], tmp_path / "ds", mapping=mapping)
    assert exc.value.field == "text" and exc.value.file.endswith("generic_posts.csv")


def test_no_platform_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--platform"):
        ingest(
            [FIX / "generic_posts.jsonl"],
            tmp_path / "ds",
            mapping={"post_id": "uid", "account_id": "account", "created_at": "ts"},
        )


def test_unknown_field_in_mapping(tmp_path: Path) -> None:
    with pytest.raises(VigieError, match="unknown field 'body'"):
        ingest([FIX / "generic_posts.csv"], tmp_path / "ds", mapping=["body=text"])


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file") as exc:
        ingest([tmp_path / "nope.csv"], tmp_path / "ds")
    assert "nope.csv" in str(exc.value)
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes('{"id": "1", "text": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text.*--encoding latin-1") as exc:
        ingest(
            [bad],
            tmp_path / "ds",
            mapping={"post_id": "id", "account_id": "id", "created_at": "id"},
            platform="x",
        )
    assert "latin1.jsonl" in str(exc.value)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 definitely not parquet")
    with pytest.raises(InputError, match="broken.parquet"):
        ingest([broken], tmp_path / "ds")
    assert not (tmp_path / "ds").exists()


def test_ambiguous_format_asks_for_format(tmp_path: Path) -> None:
    odd = tmp_path / "dump.txt"
    odd.write_text("hello\nworld\n")
    with pytest.raises(InputError, match="--format") as exc:
        ingest([odd], tmp_path / "ds")
    assert "dump.txt" in str(exc.value)


def test_accounts_table_fills_account_information(tmp_path: Path) -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    posts = pa.Table.from_pylist(
        [
            {"post_id": "1", "platform": "x", "account_id": "a1", "created_at": t0},
            {"post_id": "2", "platform": "x", "account_id": "a2", "created_at": t0},
        ],
        schema=POSTS_SCHEMA,
    )
    pq.write_table(posts, tmp_path / "posts.parquet")
    accounts = pa.table(
        {
            "account_id": ["a1", "a2", "a1", None],
            "platform": ["x", "x", "x", "x"],
            "handle": ["anna", "ben", "anna_new", "ghost"],
            "followers": [10, None, 12, 1],
            "created_at": [t0, t0, None, t0],
        }
    )
    pq.write_table(accounts, tmp_path / "accounts.parquet")
    ds = tmp_path / "ds"
    ingest([tmp_path / "posts.parquet"], ds, fmt="parquet")
    report = ingest([tmp_path / "accounts.parquet"], ds, fmt="accounts")
    acc = accounts_by_id(ds)
    assert sorted(acc) == ["a1", "a2"]
    assert acc["a1"]["handle"] == "anna_new" and acc["a1"]["followers"] == 12
    assert acc["a1"]["created_at"] == t0  # a null later value does not erase a known one
    assert acc["a2"]["followers"] is None
    s = report.sources[0]
    assert (s.format, s.records, s.accepted, s.rejected) == ("accounts", 4, 3, 1)
    assert s.duplicates == 3  # every accepted row updated an account already known
    assert manifest(ds)["counts"] == {"posts": 2, "accounts": 2, "rejected": 1}
    assert rejected(ds)[0]["reason"] == "missing account_id"


def test_accounts_table_into_new_dataset(tmp_path: Path) -> None:
    src = tmp_path / "acc.csv"
    src.write_text("id,name,net\nu1,Anna,facebook\n", encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds, fmt="accounts", mapping=["account_id=id", "handle=name", "platform=net"])
    assert accounts_by_id(ds)["u1"]["handle"] == "Anna"
    assert manifest(ds)["counts"]["posts"] == 0


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        (1_714_557_600_000, "milliseconds"),
        (1_714_557_600_000_000, "microseconds"),
        (1_714_557_600_000_000_000, "nanoseconds"),
        (-86_400, None),  # before 1970: no unit makes it a time
        (10**25, None),
    ],
)
def test_epoch_in_a_finer_unit_is_refused_with_what_to_do(
    tmp_path: Path, value: int, unit: str | None
) -> None:
    """vigie reads POSIX seconds; a column of milliseconds (JavaScript, Java exports) is
    refused row by row, and the reason says the unit it looks like and how to convert."""
    src = tmp_path / "posts.csv"
    src.write_text(
        "post_id,account_id,created_at,text\n"
        f"1,a,{value},x\n2,a,1714557600,y\n",  # the Arrow CSV reader types the column int
        encoding="utf-8",
    )
    ingest([src], tmp_path / "ds", platform="x")
    (r,) = rejected(tmp_path / "ds")
    assert r["record"] == 1 and r["field"] == "created_at", r
    assert "out of range 1990-2100" in r["detail"]
    if unit is None:
        assert "looks like" not in r["detail"]
    else:
        assert f"looks like {unit} since 1970" in r["detail"]
        abbr = {name: abbr for abbr, name in UNIT_NAMES.items()}[unit]
        assert f"pass --date-format epoch-{abbr}" in r["detail"]
    assert list(posts_by_id(tmp_path / "ds")) == ["2"]


T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
PER = {"epoch": 1, "epoch-s": 1, "epoch-ms": 10**3, "epoch-us": 10**6, "epoch-ns": 10**9}


def _epoch_source(tmp_path: Path, kind: str, values: list[object]) -> Path:
    """posts 1..n whose created_at is ``values``, as a CSV (text), JSON Lines or Parquet."""
    rows = [
        {"post_id": str(i), "account_id": "a", "created_at": v, "text": "t"}
        for i, v in enumerate(values, 1)
    ]
    if kind == "parquet":
        src = tmp_path / "p.parquet"
        pq.write_table(pa.Table.from_pylist(rows), src)
    elif kind == "jsonl":
        src = tmp_path / "p.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        src = tmp_path / "p.csv"
        lines = ["post_id,account_id,created_at,text"]
        lines += [
            f"{r['post_id']},a,{'' if r['created_at'] is None else r['created_at']},t" for r in rows
        ]
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("fmt", sorted(PER))
@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_date_format_epoch_reads_each_unit_exactly(tmp_path: Path, fmt: str, kind: str) -> None:
    """--date-format epoch-ms (and -us, -ns, seconds) reads integer counts exactly, a
    nanosecond count included (past a float's 53 bits), and truncates below the microsecond."""
    per = PER[fmt]
    base = int(T0.timestamp()) * per
    # + one unit, and (where the unit is finer than a microsecond) a remainder to truncate
    values: list[object] = [base, base + 1, base + per // 2]
    src = _epoch_source(tmp_path, kind, values)
    ingest([src], tmp_path / "ds", platform="x", date_format=fmt)
    got = {k: v["created_at"] for k, v in posts_by_id(tmp_path / "ds").items()}
    us_per_unit = 10**6 / per
    want = {
        str(i): T0 + timedelta(microseconds=int((v - base) * us_per_unit))
        for i, v in enumerate(values, 1)
    }
    assert got == want
    assert rejected(tmp_path / "ds") == []


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_date_format_epoch_refuses_each_bad_row_alone(tmp_path: Path, kind: str) -> None:
    """A fraction is read (rounded to the microsecond); text that is no number, a missing
    value and a count outside 1990-2100 are refused row by row, naming the unit."""
    ms = int(T0.timestamp()) * 1000
    values: list[object] = [ms, ms + 0.25, "soon", None, ms * 10**6, -5]
    if kind == "jsonl":
        values[1] = ms + 0.25  # a JSON number with a fraction
    src = _epoch_source(tmp_path, kind, values)
    ingest([src], tmp_path / "ds", platform="x", date_format="epoch-ms")
    got = {k: v["created_at"] for k, v in posts_by_id(tmp_path / "ds").items()}
    assert got == {"1": T0, "2": T0 + timedelta(microseconds=250)}
    details = {r["record"]: r["detail"] for r in rejected(tmp_path / "ds")}
    assert set(details) == {3, 4, 5, 6}, details
    if kind == "csv":  # a JSON column with text in it is read as text too, but the value differs
        assert "not a number of milliseconds since 1970 (--date-format epoch-ms)" in details[3]
    assert details[4] == "missing"
    assert "out of range 1990-2100" in details[5] and "milliseconds since 1970" in details[5]
    assert "out of range 1990-2100" in details[6]


@pytest.mark.parametrize("bad", ["epoch-sec", "dd/mm/yyyy", "unix"])
def test_date_format_without_a_directive_is_refused_before_reading(
    tmp_path: Path, bad: str
) -> None:
    """A --date-format no time can match (a typo of epoch-ms, a pattern written as a person
    would) is one error before any file is read, listing what is accepted."""
    src = _epoch_source(tmp_path, "csv", [1714557600])
    with pytest.raises(VigieError, match="epoch-ms") as exc:
        ingest([src], tmp_path / "ds", platform="x", date_format=bad)
    assert repr(bad) in str(exc.value)
    assert not (tmp_path / "ds").exists()


def test_date_format_epoch_on_a_timestamp_column_keeps_its_unit(tmp_path: Path) -> None:
    """A Parquet timestamp column carries its own unit: --date-format epoch-ms does not
    rescale it."""
    src = tmp_path / "p.parquet"
    cols = {"post_id": ["1"], "account_id": ["a"], "text": ["t"]}
    pq.write_table(pa.table({**cols, "created_at": pa.array([T0], pa.timestamp("ms"))}), src)
    ingest([src], tmp_path / "ds", platform="x", date_format="epoch-ms")
    assert posts_by_id(tmp_path / "ds")["1"]["created_at"] == T0
