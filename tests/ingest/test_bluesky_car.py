"""A Bluesky account's repository as a CAR file (``--format bluesky-car``).

The fixture (``tests/fixtures/ingest/make_bluesky_car.py``) is built by the atproto
repository spec: a commit, a Merkle Search Tree with subtrees, DAG-CBOR records. Known
answers: the exact rows; the same records streamed by Jetstream give the same rows; a damaged
or cut CAR stops in one line naming the byte, never a traceback; a partial export is read
with what it lacks counted."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected, run_cli
from vigie.errors import InputError
from vigie.ingest import bluesky_car
from vigie.ingest.detect_format import detect

CAR = FIX / "bluesky_car" / "repo.car"


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_bluesky_car", FIX / "make_bluesky_car.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


M = _maker()
DID = M.DID
AT = f"at://{DID}/app.bsky.feed.post/"


def _ingest(src: Path, ds: Path, fmt: str = "auto") -> tuple[int, str]:
    return run_cli(["ingest", str(src), "--into", str(ds), "--format", fmt])


def _write(tmp: Path, data: bytes, name: str = "repo.car") -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def test_the_committed_fixture_is_what_the_maker_writes() -> None:
    assert CAR.read_bytes() == M.car()


def test_detected_by_its_header_whatever_its_name(tmp_path: Path) -> None:
    assert detect(CAR) == "bluesky-car"
    assert detect(_write(tmp_path, CAR.read_bytes(), "did_plc_x.bin")) == "bluesky-car"


def test_known_rows(tmp_path: Path) -> None:
    code, out = _ingest(CAR, tmp_path / "ds")
    assert code == 0, out
    posts = posts_by_id(tmp_path / "ds")
    assert sorted(posts) == [
        *(f"{AT}3lbcar00000{c}2" for c in "abcde"),
        f"at://{DID}/app.bsky.feed.repost/3lbcar00000f2",
    ]
    first = posts[f"{AT}3lbcar00000a2"]
    assert first["account_id"] == DID and first["platform"] == "bluesky"
    assert first["text"] == M.LINK_TEXT and first["lang"] == "fr"
    assert str(first["created_at"]).startswith("2025-03-01 10:00:00")
    assert first["urls"] == ["example.com/bureaux"]  # the facet's link, utm_ dropped
    assert first["hashtags"] == ["vote2027"]
    assert first["mentions"] == ["civic.bsky.social"]
    assert posts[f"{AT}3lbcar00000b2"]["urls"] == ["news.example.org/article/42"]
    assert posts[f"{AT}3lbcar00000c2"]["quote_of"] == f"at://{M.OTHER}/{M.POST}/3lbother0001"
    assert posts[f"{AT}3lbcar00000d2"]["reply_to"] == f"at://{M.OTHER}/{M.POST}/3lbother0002"
    media = posts[f"{AT}3lbcar00000e2"]["media"]
    assert media == [
        bluesky_car.cid_text(M.cid_of(n.encode(), 0x55)) for n in ("photo-1", "photo-2")
    ]
    assert all(m.startswith("bafkrei") for m in media)  # raw blobs, as the API shows them
    repost = posts[f"at://{DID}/app.bsky.feed.repost/3lbcar00000f2"]
    assert repost["repost_of"] == f"at://{M.OTHER}/{M.POST}/3lbother0003"
    assert repost["text"] is None
    account = accounts_by_id(tmp_path / "ds")[DID]
    assert account["display_name"] == "Veille Civique"
    assert account["description"] == "Infos pratiques sur le vote."
    assert str(account["created_at"]).startswith("2024-11-02 09:00:00")
    assert account["handle"] is None
    src = manifest(tmp_path / "ds")["sources"][0]
    assert (src["format"], src["records"], src["accepted"], src["rejected"]) == (
        "bluesky-car",
        10,
        6,
        0,
    )
    assert src["skipped"] == {
        "bluesky-car: app.bsky.actor.profile (kept in accounts)": 1,
        "bluesky-car: app.bsky.feed.like (not a post, repost or profile)": 1,
        "bluesky-car: app.bsky.graph.block (not a post, repost or profile)": 1,
        "bluesky-car: app.bsky.graph.follow (not a post, repost or profile)": 1,
    }


def _jsonable(value: Any) -> Any:
    """A record as Jetstream streams it: CID links as ``{"$link": "bafy..."}``."""
    if isinstance(value, M.Link):
        return {"$link": bluesky_car.cid_text(value.cid)}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def test_same_rows_as_jetstream_for_the_same_records(tmp_path: Path) -> None:
    events = []
    for path, record in M.RECORDS.items():
        collection, rkey = path.split("/")
        commit = {"rev": "r", "operation": "create", "collection": collection, "rkey": rkey}
        commit |= {"record": _jsonable(record), "cid": "bafyreicid"}
        events.append({"did": DID, "time_us": 1740823200000000, "kind": "commit", "commit": commit})
    log = tmp_path / "events.jsonl"
    log.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    assert _ingest(log, tmp_path / "js", "jetstream")[0] == 0
    assert _ingest(CAR, tmp_path / "car")[0] == 0
    assert posts_by_id(tmp_path / "js") == posts_by_id(tmp_path / "car")
    # and the two collections of one account are one Dataset, nothing doubled (the merge
    # unions list fields, in an order of its own)
    assert _ingest(CAR, tmp_path / "js")[0] == 0
    assert _unordered(posts_by_id(tmp_path / "js")) == _unordered(posts_by_id(tmp_path / "car"))


def _unordered(posts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        k: {f: sorted(v) if isinstance(v, list) else v for f, v in row.items()}
        for k, row in posts.items()
    }


def test_a_large_tree_is_walked_in_key_order(tmp_path: Path) -> None:
    records = {
        f"{M.POST}/3lbmany{i:05d}": {
            "$type": M.POST,
            "text": f"n{i}",
            "createdAt": "2025-01-01T00:00:00Z",
        }
        for i in range(300)
    }
    nodes: dict[bytes, bytes] = {}
    M.mst(sorted((p.encode(), b"x") for p in records), nodes)
    assert len(nodes) > 20  # several levels, left links and empty intermediate nodes
    car = _write(tmp_path, M.car(records))
    keys = [k for k, _ in bluesky_car._entries(_blocks(car), bluesky_car.RowBuffer(), _tree(car))]
    assert keys == sorted(records)
    batches = list(bluesky_car.read(car))
    assert sum(b.posts.num_rows for b in batches) == 300


def _blocks(car: Path) -> bluesky_car.Blocks:
    data, size = bluesky_car._mapped(car)
    _, start = bluesky_car._header(data, size)
    return bluesky_car.Blocks(data, start, size)


def _tree(car: Path) -> bytes:
    data, size = bluesky_car._mapped(car)
    roots, _ = bluesky_car._header(data, size)
    return bluesky_car._commit(_blocks(car), roots[0])[1]


def test_records_refused_one_by_one(tmp_path: Path) -> None:
    records = dict(M.RECORDS)
    records[f"{M.POST}/3lbcar00000z2"] = {"$type": M.POST, "text": "no date"}
    records["app.bsky.feed.repost/3lbcar00000y2"] = {
        "$type": "app.bsky.feed.repost",
        "subject": {"uri": f"at://{M.OTHER}/{M.POST}/x", "cid": "bafy"},
    }
    records[f"{M.POST}/3lbcar00000x2"] = {"$type": M.POST, "text": "bad", "createdAt": "yesterday"}
    code, out = _ingest(_write(tmp_path, M.car(records)), tmp_path / "ds")
    assert code == 0, out
    refused = {r["record"]: r for r in rejected(tmp_path / "ds")}
    assert refused[f"{M.POST}/3lbcar00000z2"]["field"] == "record.createdAt"
    assert refused["app.bsky.feed.repost/3lbcar00000y2"]["field"] == "record.createdAt"
    assert refused[f"{M.POST}/3lbcar00000x2"]["reason"] == "invalid post"
    assert len(posts_by_id(tmp_path / "ds")) == 6


def test_a_damaged_record_is_refused_and_the_rest_read(tmp_path: Path) -> None:
    data = bytearray(M.car())
    i = data.index(b"Exactement")
    data[i] = ord("e")  # one byte flipped: the block no longer matches its CID
    code, out = _ingest(_write(tmp_path, bytes(data)), tmp_path / "ds")
    assert code == 0, out
    (r,) = rejected(tmp_path / "ds")
    assert (r["record"], r["reason"]) == (f"{M.POST}/3lbcar00000c2", "damaged record")
    assert len(posts_by_id(tmp_path / "ds")) == 5


def test_a_partial_export_counts_what_it_lacks(tmp_path: Path) -> None:
    drop = frozenset({f"{M.POST}/3lbcar00000d2", "app.bsky.feed.like/3lbcar00000g2"})
    car = _write(tmp_path, M.car(drop=drop))
    code, out = _ingest(car, tmp_path / "ds")
    assert code == 0, out
    src = manifest(tmp_path / "ds")["sources"][0]
    assert src["skipped"]["bluesky-car: app.bsky.feed.post record missing (a partial export)"] == 1
    assert src["skipped"]["bluesky-car: app.bsky.feed.like (not a post, repost or profile)"] == 1
    assert (src["records"], src["accepted"]) == (10, 5)


def test_a_missing_subtree_is_counted(tmp_path: Path) -> None:
    data = M.car()
    nodes: dict[bytes, bytes] = {}
    M.mst(sorted((p.encode(), M.cid_of(M.dag_cbor(r))) for p, r in M.RECORDS.items()), nodes)
    # drop the section of one subtree node (not the root: the last node written is the root)
    cid, block = next(iter(nodes.items()))
    section = M.varint(len(cid) + len(block)) + cid + block
    assert data.count(section) == 1
    code, out = _ingest(_write(tmp_path, data.replace(section, b"")), tmp_path / "ds")
    assert code == 0, out
    src = manifest(tmp_path / "ds")["sources"][0]
    assert (
        src["skipped"]["bluesky-car: tree node missing (a partial export): the records under it"]
        == 1
    )
    assert 0 < src["accepted"] < 6


@pytest.mark.parametrize(
    ("cut", "said"),
    [
        (10, "at byte 0"),  # inside the header
        (-5, "cut short"),  # inside the last section (the commit)
    ],
)
def test_a_cut_car_is_one_line_with_the_byte(tmp_path: Path, cut: int, said: str) -> None:
    data = M.car()
    car = _write(tmp_path, data[:cut], "cut.car")
    code, out = _ingest(car, tmp_path / "ds", "bluesky-car")
    assert code != 0 and "Traceback" not in out
    assert "cut.car" in out and said in out and "byte" in out, out
    with pytest.raises(InputError, match=r"at byte [\d,]+\)"):
        list(bluesky_car.read(car))


def test_not_a_repository(tmp_path: Path) -> None:
    header = M.dag_cbor({"version": 1, "roots": [M.Link(M.cid_of(b"nothing"))]})
    car = _write(tmp_path, M.varint(len(header)) + header, "empty.car")
    with pytest.raises(InputError, match="root block .* is not in the file"):
        list(bluesky_car.read(car))
    v2 = _write(
        tmp_path, M.CAR_V2 if hasattr(M, "CAR_V2") else bluesky_car.CAR_V2_PRAGMA + bytes(40)
    )
    assert detect(v2) == "bluesky-car"
    with pytest.raises(InputError, match="CAR v2"):
        list(bluesky_car.read(v2))
    text = _write(tmp_path, b'{"hello": 1}\n', "notes.car")
    with pytest.raises(InputError, match="no CAR v1 header"):
        list(bluesky_car.read(text))


def test_other_binary_formats_are_still_told(tmp_path: Path) -> None:
    import gzip

    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"a": [1]}), tmp_path / "t.data")
    assert detect(tmp_path / "t.data") == "parquet"
    book = openpyxl.Workbook()
    book.active.append(["post_id", "text"])
    book.save(tmp_path / "sheet.xlsx")
    assert detect(tmp_path / "sheet.xlsx") == "xlsx"
    assert not bluesky_car.is_car((tmp_path / "sheet.xlsx").read_bytes()[:1024])
    # a gzipped CAR is unpacked, then told by its header
    gz = _write(tmp_path, gzip.compress(CAR.read_bytes()), "repo.car.gz")
    code, out = _ingest(gz, tmp_path / "ds")
    assert code == 0, out
    assert manifest(tmp_path / "ds")["sources"][0]["format"] == "bluesky-car"


def test_fuzzed_cars_never_crash(tmp_path: Path) -> None:
    """Cut, flipped, and zeroed copies of the fixture: exit 0 (damage confined to records),
    or an error line naming the file, never a traceback; a Dataset accounts for every record."""
    data = M.car()
    rng = random.Random(20261204)
    for n in range(40):
        i = rng.randrange(len(data))
        kind = n % 3
        if kind == 0:
            bad = data[:i]
        elif kind == 1:
            bad = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
        else:
            bad = data[:i] + bytes(rng.randrange(1, 9)) + data[i:]
        car = _write(tmp_path, bad, f"f{n}.car")
        ds = tmp_path / f"ds{n}"
        code, out = _ingest(car, ds, "bluesky-car" if n % 2 else "auto")
        assert "Traceback" not in out, (n, out)
        if code == 0:
            src = manifest(ds)["sources"][0]
            assert src["records"] == src["accepted"] + src["rejected"] + sum(
                src["skipped"].values()
            ), (n, src)
        else:
            assert f"f{n}.car" in out, (n, out)
