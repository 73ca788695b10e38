"""Workbooks from outside are attacked before they are trusted: a zip bomb, an XML entity
bomb, a truncated file, an oversized one each stop with one line, nothing unpacked."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from vigie import workbook
from vigie.errors import VigieError
from vigie.risk.check import validate
from vigie.risk.ciso_import import read_ciso
from vigie.risk.compute import compute
from vigie.risk.export_xlsx import write_xlsx
from vigie.risk.import_xlsx import read_xlsx

from .helpers import study_data

READERS = [read_xlsx, read_ciso]
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    b"</worksheet>"
)


def _book(tmp_path: Path) -> Path:
    s, _ = validate(study_data())
    return write_xlsx(s, compute(s), tmp_path / "s.xlsx")


def _rewrite(src: Path, dst: Path, replace: dict[str, bytes], add: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


@pytest.mark.parametrize("reader", READERS)
def test_zip_bomb_is_not_unpacked(tmp_path: Path, reader) -> None:
    bomb = _rewrite(_book(tmp_path), tmp_path / "bomb.xlsx", {}, {"xl/pad.bin": b"\0" * 8_000_000})
    with pytest.raises(VigieError, match="zip bomb"):
        reader(bomb)


@pytest.mark.parametrize("reader", READERS)
def test_xml_entity_bomb_is_refused(tmp_path: Path, reader) -> None:
    laughs = _rewrite(_book(tmp_path), tmp_path / "lol.xlsx",
                      {"xl/worksheets/sheet1.xml": LAUGHS}, {})  # fmt: skip
    with pytest.raises(VigieError, match="declares XML entities"):
        reader(laughs)


@pytest.mark.parametrize("reader", READERS)
def test_truncated_and_oversized_workbooks(tmp_path: Path, reader, monkeypatch) -> None:
    book = _book(tmp_path)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    with pytest.raises(VigieError, match="not an Excel workbook"):
        reader(cut)
    monkeypatch.setattr(workbook, "MAX_UNPACKED", 10_000)
    with pytest.raises(VigieError, match="more than 10000: not read"):
        reader(book)


def _damage(book: Path, dst: Path) -> Path:
    """The workbook with bytes overwritten inside its largest compressed part (a broken
    download): the zip's directory is intact, the part's deflate stream is not."""
    with zipfile.ZipFile(book) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    data = bytearray(book.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + min(info.compress_size - 1, 200), 7):
        data[k] ^= 0x5A
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize("reader", READERS)
def test_a_damaged_part_is_one_line(tmp_path: Path, reader) -> None:
    """zlib's error on a damaged compressed part was a traceback in every workbook reader
    (risk import-xlsx, import-ciso, and vigie ingest of a workbook)."""
    damaged = _damage(_book(tmp_path), tmp_path / "damaged.xlsx")
    with pytest.raises(VigieError) as exc:
        reader(damaged)
    said = str(exc.value)
    assert "damaged.xlsx" in said and "\n" not in said
    assert "damaged Excel workbook" in said or "not an Excel workbook" in said


def test_ingest_of_a_damaged_workbook_is_one_line(tmp_path: Path) -> None:
    from vigie.ingest import ingest

    damaged = _damage(_book(tmp_path), tmp_path / "damaged.xlsx")
    with pytest.raises(VigieError, match="damaged"):
        ingest([damaged], tmp_path / "ds", platform="x")


PARTS = ["[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
         "xl/styles.xml", "docProps/core.xml", "xl/worksheets/sheet1.xml"]  # fmt: skip


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("body", [b"", b"garbage", b"<a>"])
def test_a_part_that_is_not_xml_is_one_line(tmp_path: Path, part: str, body: bytes) -> None:
    """A workbook part that is not XML (empty, text, cut) was lxml's XMLSyntaxError, a
    traceback, in import-xlsx, import-ciso and ingest wherever lxml is installed (the share
    extra brings it; found by ``benchmarks/file_fuzz.py``): one line naming the file now."""
    from vigie.ingest import ingest

    bad = _rewrite(_book(tmp_path), tmp_path / "bad.xlsx", {part: body}, {})
    for read in (*READERS, lambda p: ingest([p], tmp_path / "ds", platform="x")):
        with pytest.raises(VigieError) as exc:
            read(bad)
        said = str(exc.value)
        assert "bad.xlsx" in said and "\n" not in said, said
        assert "damaged Excel workbook" in said or "not an Excel workbook" in said, said


@pytest.mark.parametrize("reader", READERS)
def test_a_flipped_zip_flag_is_one_line(tmp_path: Path, reader) -> None:
    """A flipped flag bit (5: "compressed patched data") makes zipfile raise
    NotImplementedError, which was a traceback (found by ``benchmarks/file_fuzz.py``)."""
    data = bytearray(_book(tmp_path).read_bytes())
    data[data.find(b"PK\x03\x04") + 6] |= 0x20  # the first part's local header
    data[data.find(b"PK\x01\x02") + 8] |= 0x20  # and its central directory entry
    bad = tmp_path / "flag.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(VigieError, match=r"flag\.xlsx: a damaged Excel workbook"):
        reader(bad)
