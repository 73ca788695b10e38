"""``--map FIELD=a.b.c`` on JSON Lines: paths into nested objects (Telethon, scrapers' JSON).

Known answers: each nested file is written beside its flattened twin (the same values at the
top level); both must give the same Dataset.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ingest.helpers import assert_same_posts, posts_by_id, rejected, run_cli
from vigie.errors import InputError
from vigie.ingest import ingest
from vigie.ingest.tabular import json_path_value

DATE = "2024-05-01T10:00:00+00:00"


def _message(i: int) -> dict[str, Any]:
    """A channel message shaped as Telethon's ``Message.to_dict()`` dumped to JSON."""
    return {
        "_": "Message",
        "id": 100 + i,
        "peer_id": {"_": "PeerChannel", "channel_id": 1000 + i % 3},
        "date": DATE,
        "message": f"message {i} https://example.org/{i}",
        "fwd_from": {"from_id": {"channel_id": 77}} if i % 2 else None,
        "entities": [{"_": "MessageEntityHashtag", "tag": f"Tag{i % 4}"}, {"tag": "Vote"}],
        "views": 10 * i,
    }


def _flat(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": m["id"],
        "channel": m["peer_id"]["channel_id"],
        "date": m["date"],
        "message": m["message"],
        "fwd": (m["fwd_from"] or {}).get("from_id", {}).get("channel_id"),
        "tags": [e["tag"] for e in m["entities"]],
    }


def _write(path: Path, objs: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objs), encoding="utf-8")
    return path


NESTED_MAP = [
    "post_id=id",
    "account_id=peer_id.channel_id",
    "created_at=date",
    "text=message",
    "repost_of=fwd_from.from_id.channel_id",
    "hashtags=entities.tag",
]
FLAT_MAP = [
    "post_id=id",
    "account_id=channel",
    "created_at=date",
    "text=message",
    "repost_of=fwd",
    "hashtags=tags",
]


@pytest.mark.parametrize("fast", ["1", "0"])
def test_nested_paths_give_the_dataset_of_the_flattened_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    msgs = [_message(i) for i in range(12)]
    nested = _write(tmp_path / "nested.jsonl", msgs)
    flat = _write(tmp_path / "flat.jsonl", [_flat(m) for m in msgs])
    ingest([nested], tmp_path / "a", mapping=NESTED_MAP, platform="telegram")
    ingest([flat], tmp_path / "b", mapping=FLAT_MAP, platform="telegram")
    assert_same_posts(tmp_path / "a", tmp_path / "b")
    p = posts_by_id(tmp_path / "a")["101"]
    assert (p["account_id"], p["repost_of"], p["hashtags"]) == ("1001", "77", ["tag1", "vote"])


def test_a_dotted_top_level_key_reads_that_key(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "d.jsonl",
        [{"id": "p1", "a.b": "literal", "a": {"b": "nested"}, "date": DATE, "text": "x"}],
    )
    ingest(
        [src],
        tmp_path / "ds",
        mapping=["post_id=id", "account_id=a.b", "created_at=date"],
        platform="x",
    )
    assert posts_by_id(tmp_path / "ds")["p1"]["account_id"] == "literal"


def test_paths_that_lead_nowhere_or_to_a_list(tmp_path: Path) -> None:
    msgs = [_message(i) for i in range(3)]
    for m in msgs:
        m["meta"] = {"lang": "fr"}
    msgs[1]["meta"] = [{"lang": "fr"}, {"lang": "de"}]
    src = _write(tmp_path / "m.jsonl", msgs)
    base = ["post_id=id", "created_at=date", "text=message"]
    with pytest.raises(InputError, match=r"'peer_id\.chanel_id' \(mapped to account_id\) not"):
        ingest([src], tmp_path / "x", mapping=[*base, "account_id=peer_id.chanel_id"], platform="x")
    # a scalar field whose path crosses a list: that record refused, with the reason
    mapping = [*base, "account_id=peer_id.channel_id", "lang=meta.lang"]
    ingest([src], tmp_path / "ds", mapping=mapping, platform="telegram")
    (r,) = rejected(tmp_path / "ds")
    assert (r["record"], r["reason"]) == (2, "invalid lang")
    assert "expected a single value" in r["detail"]
    assert {p["lang"] for p in posts_by_id(tmp_path / "ds").values()} == {"fr"}


def test_the_top_level_key_read_through_a_path_is_not_called_unused(tmp_path: Path) -> None:
    src = _write(tmp_path / "m.jsonl", [_message(i) for i in range(3)])
    code, said = run_cli(
        [
            "ingest",
            str(src),
            "--into",
            str(tmp_path / "ds"),
            "--platform",
            "telegram",
            *[a for m in NESTED_MAP for a in ("--map", m)],
        ]
    )
    assert code == 0
    unused = said.split("not kept:", 1)[1].split("(", 1)[0]
    assert "'views'" in unused and "'_'" in unused
    assert "peer_id" not in unused and "entities" not in unused and "fwd_from" not in unused


@pytest.mark.parametrize(
    ("obj", "path", "value"),
    [
        ({"a": {"b": {"c": 1}}}, "a.b.c", 1),
        ({"a": {"b": None}}, "a.b.c", None),
        ({"a": "text"}, "a.b", None),
        ({"a": [{"b": 1}, {"b": [2, 3]}, {"c": 4}, "x"]}, "a.b", [1, 2, 3]),
        ({"a": [{"b": {"c": "x"}}, {"b": {"c": "y"}}]}, "a.b.c", ["x", "y"]),
        ({"a": []}, "a.b", []),
    ],
)
def test_json_path_value(obj: dict[str, Any], path: str, value: Any) -> None:
    assert json_path_value(obj, path) == value


def test_parquet_struct_columns_read_through_the_same_paths(tmp_path: Path) -> None:
    """The messages as Parquet (structs, a list of structs): the Dataset of the JSON twin."""
    import pyarrow as pa

    msgs = [_message(i) for i in range(12)]
    table = pa.Table.from_pylist(msgs)
    assert pa.types.is_struct(table.schema.field("peer_id").type)
    src = tmp_path / "messages.parquet"
    with pq.ParquetWriter(src, table.schema) as w:  # two row groups, two batches
        w.write_table(table.slice(0, 5))
        w.write_table(table.slice(5))
    flat = _write(tmp_path / "flat.jsonl", [_flat(m) for m in msgs])
    ingest([src], tmp_path / "a", mapping=NESTED_MAP, platform="telegram")
    ingest([flat], tmp_path / "b", mapping=FLAT_MAP, platform="telegram")
    assert_same_posts(tmp_path / "a", tmp_path / "b")
    with pytest.raises(InputError, match="'peer_id' holds struct|'peer_id.nope'"):
        ingest([src], tmp_path / "c", mapping=["account_id=peer_id.nope"], platform="x")
    with pytest.raises(InputError, match="column 'fwd_from.from_id' holds struct"):
        mapping = ["post_id=id", "created_at=date", "account_id=fwd_from.from_id"]
        ingest([src], tmp_path / "d", mapping=mapping, platform="x")
