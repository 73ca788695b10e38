"""A compressed upload is unpacked once, so that the wizard sees the plain file; a bomb stops
at the server's limit and leaves nothing behind."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from vigie.errors import VigieError
from vigie.web.views.imports import _detected_format, _unpack_upload

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _ctx(limit: int) -> SimpleNamespace:
    return SimpleNamespace(
        state=SimpleNamespace(settings=SimpleNamespace(max_unpacked_bytes=limit))
    )


def test_gzip_upload_becomes_the_plain_file(tmp_path: Path) -> None:
    src = FIX / "x_v2_pages.jsonl"
    folder = tmp_path / "token"
    folder.mkdir()
    (folder / "pages.jsonl.gz").write_bytes(gzip.compress(src.read_bytes()))
    _unpack_upload(_ctx(10**9), folder)
    assert [p.name for p in folder.iterdir()] == ["pages.jsonl"]
    assert (folder / "pages.jsonl").read_bytes() == src.read_bytes()
    assert _detected_format(folder / "pages.jsonl") == "x"


def test_plain_upload_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "token"
    folder.mkdir()
    (folder / "posts.csv").write_bytes((FIX / "generic_posts.csv").read_bytes())
    _unpack_upload(_ctx(10), folder)  # a limit far below its size: it is not unpacked at all
    assert [p.name for p in folder.iterdir()] == ["posts.csv"]


@pytest.mark.parametrize("kind", ["gzip", "zip"])
def test_decompression_bomb_stops_at_the_limit(tmp_path: Path, kind: str) -> None:
    """64 MiB of zeros packs into ~64 KB: unpacking stops past the 1 MiB limit, the upload's
    folder is removed and the message names the limit."""
    folder = tmp_path / "token"
    folder.mkdir()
    zeros = b"\0" * (64 << 20)
    if kind == "gzip":
        (folder / "bomb.jsonl.gz").write_bytes(gzip.compress(zeros, compresslevel=9))
    else:
        with zipfile.ZipFile(folder / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("bomb.jsonl", zeros)
    assert sum(p.stat().st_size for p in folder.iterdir()) < 1 << 20
    with pytest.raises(VigieError, match="max_unpacked_bytes"):
        _unpack_upload(_ctx(1 << 20), folder)
    assert not folder.exists()


def test_zip_holding_a_gzip_is_read_as_the_command_line_reads_it(tmp_path: Path) -> None:
    """The web import and ``vigie ingest`` share one unpacking: a mailed export (a .zip around
    a .jsonl.gz) becomes the plain file in both, and nothing of the middle layer is left."""
    src = FIX / "x_v2_pages.jsonl"
    folder = tmp_path / "token"
    folder.mkdir()
    with zipfile.ZipFile(folder / "export.zip", "w") as zf:
        zf.writestr("pages.jsonl.gz", gzip.compress(src.read_bytes()))
    _unpack_upload(_ctx(10**9), folder)
    assert [p.name for p in folder.iterdir()] == ["pages.jsonl"]
    assert (folder / "pages.jsonl").read_bytes() == src.read_bytes()


def test_three_layers_are_refused_and_leave_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "token"
    folder.mkdir()
    inner = gzip.compress(gzip.compress((FIX / "x_v2_pages.jsonl").read_bytes()))
    with zipfile.ZipFile(folder / "export.zip", "w") as zf:
        zf.writestr("pages.jsonl.gz.gz", inner)
    with pytest.raises(VigieError, match="three times"):
        _unpack_upload(_ctx(10**9), folder)
    assert not folder.exists()


def test_bomb_in_the_inner_layer_stops_at_the_limit(tmp_path: Path) -> None:
    """The limit holds for the inner layer too: a small gzip bomb inside a zip is stopped."""
    folder = tmp_path / "token"
    folder.mkdir()
    with zipfile.ZipFile(folder / "export.zip", "w") as zf:
        zf.writestr("bomb.jsonl.gz", gzip.compress(b"\0" * (64 << 20), compresslevel=9))
    with pytest.raises(VigieError, match="max_unpacked_bytes"):
        _unpack_upload(_ctx(1 << 20), folder)
    assert not folder.exists()


def test_workbook_upload_is_told_and_its_header_listed(tmp_path: Path) -> None:
    """An .xlsx upload is no zip to unpack: the wizard names it and lists its sheet's header
    (below a report's preamble), which the ingest then reads as a CSV."""
    from openpyxl import Workbook

    from vigie.web.views.imports import _columns

    wb = Workbook()
    ws = wb.active
    for row in [["Report", "x"], [], ["post_id", "account_id", "created_at", "text"]]:
        ws.append(row)
    ws.append(["p1", "a1", "2024-05-01T10:00:00Z", "hello"])
    folder = tmp_path / "token"
    folder.mkdir()
    wb.save(folder / "export.xlsx")
    _unpack_upload(_ctx(10**9), folder)
    assert [p.name for p in folder.iterdir()] == ["export.xlsx"]
    assert _detected_format(folder / "export.xlsx") == "xlsx"
    assert _columns(folder / "export.xlsx", "xlsx") == [
        "post_id",
        "account_id",
        "created_at",
        "text",
    ]


@pytest.mark.parametrize("wrapped", [False, True])
def test_json_array_upload_lists_its_records_keys(tmp_path: Path, wrapped: bool) -> None:
    """A scraper's JSON array, or a saved response wrapping its records: the mapping form
    lists the records' keys (the line reader found no JSON object a line to list)."""
    import json

    from vigie.web.views.imports import _columns

    records = [{"id": "1", "author": {"id": "a"}}, {"id": "2", "text": "x", "author": {}}]
    doc: object = {"data": records, "paging": {"next": None}} if wrapped else records
    src = tmp_path / "export.json"
    src.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    assert _detected_format(src) == "jsonl"
    assert _columns(src, "jsonl") == ["id", "author", "text"]


def test_an_upload_of_several_files_is_kept_whole_unless_over_the_limit(tmp_path: Path) -> None:
    """A zip of several files is kept as uploaded (the ingest reads each data file); its
    declared size is checked against the server's limit first."""
    folder = tmp_path / "token"
    folder.mkdir()
    with zipfile.ZipFile(folder / "export.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("monday.jsonl", (FIX / "x_v2_pages.jsonl").read_bytes())
        zf.writestr("tuesday.jsonl", b"\0" * (2 << 20))
    _unpack_upload(_ctx(10**9), folder)
    assert [p.name for p in folder.iterdir()] == ["export.zip"]
    with pytest.raises(VigieError, match="max_unpacked_bytes"):
        _unpack_upload(_ctx(1 << 20), folder)  # 2 MiB declared: over 1 MiB
    assert not folder.exists()


def test_a_zip_of_gz_members_is_held_to_the_limit_all_members_together(tmp_path: Path) -> None:
    """A zip of several ``.gz`` members declares only their packed sizes: the map page and
    the ingest job unpacked each whole, with no bound (a 1.2 MB upload wrote 313 MB past a
    5 MB limit). Each member is unpacked under what the others left, for the wizard's
    listing and the ingest alike; under the limit, both read it."""
    from vigie.ingest.api import ingest
    from vigie.web.views.imports import _zip_files

    upload = tmp_path / "export.zip"
    with zipfile.ZipFile(upload, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.jsonl.gz", gzip.compress(b"\0" * (700 << 10), compresslevel=9))
        zf.writestr("b.jsonl.gz", gzip.compress(b"\0" * (700 << 10), compresslevel=9))
    assert upload.stat().st_size < 64 << 10
    with pytest.raises(VigieError, match="max_unpacked_bytes"):
        _zip_files(upload, 1 << 20)  # 1.4 MB in all: over 1 MiB, each under it
    with pytest.raises(VigieError, match="max_unpacked_bytes"):
        ingest([upload], tmp_path / "ds", unpacked_limit=1 << 20)
    assert not (tmp_path / "ds").exists()
    assert not [p for p in tmp_path.rglob("*") if p.suffix == ".jsonl"]  # nothing left behind
    good = tmp_path / "good.zip"
    page = (FIX / "x_v2_pages.jsonl").read_bytes()
    with zipfile.ZipFile(good, "w") as zf:
        zf.writestr("monday.jsonl.gz", gzip.compress(page))
        zf.writestr("tuesday.jsonl.gz", gzip.compress(page))
    rows, _ = _zip_files(good, 10 * len(page))
    assert [r["format"] for r in rows] == ["x", "x"]
    assert ingest([good], tmp_path / "ok", unpacked_limit=10 * len(page)).posts > 0
