"""Compressed sources: gzip, bzip2, xz, zstandard (Pushshift's long window, several frames) and a
zip of one file read as the plain file would be, a zip of several as its data files would be;
damaged ones refused in one line, by name."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import shutil
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import zstandard

from ingest.helpers import CSV_MAP, FIX, manifest, rejected, run_cli

PUSHSHIFT = FIX / "datasets" / "RC_2018-10_sample.ndjson"
PAGES = FIX / "x_v2_pages.jsonl"  # twarc2 pages: holds two records the reader refuses
CSV = FIX / "generic_posts.csv"


def _zstd_frames(data: bytes) -> bytes:
    """Two frames, as ``pzstd`` or an appended dump writes them."""
    c = zstandard.ZstdCompressor(level=3)
    half = data.index(b"\n", len(data) // 2) + 1
    return c.compress(data[:half]) + c.compress(data[half:])


def _zstd_long(data: bytes) -> bytes:
    """A frame declaring a window over the decoder's default limit (128 MiB) and no content
    size, as ``zstd --long=31`` streams Pushshift's dumps (2 GiB; 256 MiB here: cheaper to
    make, and refused by a default decoder all the same)."""
    params = zstandard.ZstdCompressionParameters.from_level(
        3, window_log=28, enable_ldm=True, write_content_size=False
    )
    obj = zstandard.ZstdCompressor(compression_params=params).compressobj()
    return obj.compress(data) + obj.flush()


def _zip(data: bytes, name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("__MACOSX/._" + name, b"resource fork")
        zf.writestr(name, data)
    return buf.getvalue()


PACKERS: dict[str, tuple[str, Callable[[bytes, str], bytes]]] = {
    "gzip": (".gz", lambda d, n: gzip.compress(d)),
    "bzip2": (".bz2", lambda d, n: bz2.compress(d)),
    "xz": (".xz", lambda d, n: lzma.compress(d)),
    "zstd-frames": (".zst", lambda d, n: _zstd_frames(d)),
    "zstd-long": (".zst", lambda d, n: _zstd_long(d)),
    "zip": (".zip", lambda d, n: _zip(d, n)),
}


def _packed(tmp: Path, src: Path, kind: str) -> Path:
    suffix, pack = PACKERS[kind]
    name = src.stem + suffix if kind == "zip" else src.name + suffix
    out = tmp / name
    out.write_bytes(pack(src.read_bytes(), src.name))
    return out


def _ingest(src: Path, ds: Path, *extra: str) -> tuple[int, str]:
    return run_cli(["ingest", str(src), "--into", str(ds), *extra])


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".vigie-unpack")]


def test_zstd_long_window_needs_the_raised_limit() -> None:
    """The long-window frame is what a default decoder refuses: the test below means it."""
    data = _zstd_long(PUSHSHIFT.read_bytes())
    with pytest.raises(zstandard.ZstdError):
        zstandard.ZstdDecompressor().decompressobj().decompress(data)


@pytest.mark.parametrize(
    ("src", "kind"),
    [(PUSHSHIFT, k) for k in sorted(PACKERS)] + [(PAGES, "gzip"), (PAGES, "zip")],
    ids=[f"pushshift-{k}" for k in sorted(PACKERS)] + ["twarc2-pages-gzip", "twarc2-pages-zip"],
)
def test_compressed_reads_as_plain(tmp_path: Path, src: Path, kind: str) -> None:
    plain_ds, packed_ds = tmp_path / "plain", tmp_path / "packed"
    assert _ingest(src, plain_ds)[0] == 0
    packed = _packed(tmp_path, src, kind)
    code, out = _ingest(packed, packed_ds)
    assert code == 0, out
    for table in ("posts.parquet", "accounts.parquet"):
        a = pq.read_table(plain_ds / table)
        b = pq.read_table(packed_ds / table)
        assert a.equals(b), table
    want = [dict(r, file=str(packed)) for r in rejected(plain_ds)]
    assert rejected(packed_ds) == want  # same refusals, named by the source as given
    assert manifest(packed_ds)["sources"][0]["path"] == str(packed)
    assert manifest(packed_ds)["sources"][0]["format"] == manifest(plain_ds)["sources"][0]["format"]
    assert _leftovers(tmp_path) == []


def test_compression_told_by_content_not_name(tmp_path: Path) -> None:
    """A plain file named ``.gz`` is read as what it is; a gzip without the suffix too."""
    fake = tmp_path / "posts.ndjson.gz"
    shutil.copy(PUSHSHIFT, fake)
    assert _ingest(fake, tmp_path / "a")[0] == 0
    unnamed = tmp_path / "posts.ndjson"
    unnamed.write_bytes(gzip.compress(PUSHSHIFT.read_bytes()))
    assert _ingest(unnamed, tmp_path / "b")[0] == 0
    a = pq.read_table(tmp_path / "a" / "posts.parquet")
    assert a.num_rows > 0 and a.equals(pq.read_table(tmp_path / "b" / "posts.parquet"))


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "xz", "zstd-frames", "zstd-long"])
def test_truncated_stream_is_refused_whole(tmp_path: Path, kind: str) -> None:
    packed = _packed(tmp_path, PUSHSHIFT, kind)
    cut = tmp_path / ("cut-" + packed.name)
    data = packed.read_bytes()
    cut.write_bytes(data[: len(data) - 40])
    ds = tmp_path / "ds"
    code, out = _ingest(cut, ds)
    assert code == 2
    assert str(cut) in out and "truncated" in out and "Traceback" not in out
    assert not ds.exists()  # nothing half-ingested
    assert _leftovers(tmp_path) == []


def test_damaged_gzip_is_refused(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(PUSHSHIFT.read_bytes()))
    data[len(data) // 2] ^= 0xFF
    bad = tmp_path / "bad.ndjson.gz"
    bad.write_bytes(bytes(data))
    code, out = _ingest(bad, tmp_path / "ds")
    assert code == 2 and str(bad) in out and "gzip stream is" in out
    assert not (tmp_path / "ds").exists()


def test_existing_dataset_kept_when_a_compressed_source_fails(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    assert _ingest(PUSHSHIFT, ds)[0] == 0
    before = (ds / "posts.parquet").read_bytes()
    data = gzip.compress(PAGES.read_bytes())
    cut = tmp_path / "more.jsonl.gz"
    cut.write_bytes(data[:-20])
    assert _ingest(cut, ds)[0] == 2
    assert (ds / "posts.parquet").read_bytes() == before


def _zip_of(path: Path, members: dict[str, bytes | Path]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if isinstance(data, Path):
                zf.write(data, name)
            else:
                zf.writestr(name, data)
    return path


def test_zip_of_several_files_reads_each_data_file(tmp_path: Path) -> None:
    """An output folder zipped as it was made: each data file is a source of its own, named
    ``ARCHIVE.zip/MEMBER``; media, documents and macOS forks are left out and said."""
    z = _zip_of(
        tmp_path / "export.zip",
        {
            "collection/tweets.jsonl": PAGES,
            "collection/comments.ndjson": PUSHSHIFT,
            "collection/README.md": b"# how we collected",
            "collection/photos/a.jpg": b"\xff\xd8",
            "__MACOSX/collection/._tweets.jsonl": b"resource fork",
        },
    )
    code, out = _ingest(z, tmp_path / "ds")
    assert code == 0, out
    # the same Dataset as the two files given one by one, in the members' name order
    assert (
        run_cli(["ingest", str(PUSHSHIFT), str(PAGES), "--into", str(tmp_path / "plain")])[0] == 0
    )
    for table in ("posts.parquet", "accounts.parquet"):
        a = pq.read_table(tmp_path / "plain" / table)
        assert a.equals(pq.read_table(tmp_path / "ds" / table)), table
    sources = manifest(tmp_path / "ds")["sources"]
    comments, tweets = f"{z}/collection/comments.ndjson", f"{z}/collection/tweets.jsonl"
    assert [s["path"] for s in sources] == [comments, tweets]
    assert [s["format"] for s in sources] == [
        s["format"] for s in manifest(tmp_path / "plain")["sources"]
    ]
    said = " ".join(sources[0]["warnings"])
    assert "2 data file(s) read" in said and "2 member(s) not read as sources" in said
    assert "collection/README.md" in said and "collection/photos/a.jpg" in said
    # refusals name the member as the user can find it
    named = {str(PUSHSHIFT): comments, str(PAGES): tweets}
    want = [dict(r, file=named[r["file"]]) for r in rejected(tmp_path / "plain")]
    assert tweets in {r["file"] for r in want}
    assert rejected(tmp_path / "ds") == want
    assert _leftovers(tmp_path) == []


def test_zip_members_compressed_again_and_io_archive_pairs(tmp_path: Path) -> None:
    """A member gzipped inside the zip is unpacked once more; an IO archive's tweets and
    users files zipped together give posts and accounts."""
    io_dir = FIX / "datasets"
    gz = _packed(tmp_path, PUSHSHIFT, "gzip")
    z = _zip_of(
        tmp_path / "io.zip",
        {
            "io_archive_tweets_csv_hashed.csv": io_dir / "io_archive_tweets_csv_hashed.csv",
            "io_archive_users_csv_hashed.csv": io_dir / "io_archive_users_csv_hashed.csv",
            "comments/" + gz.name: gz,
        },
    )
    assert _ingest(z, tmp_path / "ds")[0] == 0
    plain = [
        str(PUSHSHIFT),
        str(io_dir / "io_archive_tweets_csv_hashed.csv"),
        str(io_dir / "io_archive_users_csv_hashed.csv"),
    ]
    assert run_cli(["ingest", *plain, "--into", str(tmp_path / "plain")])[0] == 0
    for table in ("posts.parquet", "accounts.parquet"):
        a = pq.read_table(tmp_path / "plain" / table)
        assert a.num_rows and a.equals(pq.read_table(tmp_path / "ds" / table)), table


def test_a_zips_documents_are_named_and_not_read(tmp_path: Path) -> None:
    """A README or notes beside the data (a ``.txt``, no suffix) whose format cannot be told
    is named in the report, not read: the data is ingested as from the zip without them."""
    docs = {"README": b"Collected with twarc2\n", "notes/notes.txt": b"a\n"}
    z = _zip_of(tmp_path / "mixed.zip", {"tweets.jsonl": PAGES, **docs})
    code, out = _ingest(z, tmp_path / "ds")
    flat = " ".join(out.split())
    assert code == 0, out
    assert "2 member(s) not read" in flat and "README" in flat and "notes/notes.txt" in flat
    alone = _zip_of(tmp_path / "alone.zip", {"tweets.jsonl": PAGES, "photo.jpg": b"\xff"})
    assert _ingest(alone, tmp_path / "alone")[0] == 0
    for table in ("posts.parquet", "accounts.parquet"):
        got = pq.read_table(tmp_path / "ds" / table)
        assert got.num_rows and got.equals(pq.read_table(tmp_path / "alone" / table)), table
    # the same in the dry run, which says the same of the zip
    code, out = _ingest(z, tmp_path / "dry", "--dry-run")
    assert code == 0 and "2 member(s) not read" in " ".join(out.split()), out
    # a zip of documents only is refused by the first one's name, as before
    only_docs = _zip_of(tmp_path / "docs.zip", docs)
    code, out = _ingest(only_docs, tmp_path / "none")
    said = "".join(out.split())  # spaces aside: a long path is wrapped anywhere in it
    assert code == 2 and f"{only_docs}/README:cannottelltheformat" in said


def test_zip_member_errors_name_the_member(tmp_path: Path) -> None:
    """A data file's suffix whose content cannot be told stops the ingest, by its name."""
    z = _zip_of(tmp_path / "mixed.zip", {"tweets.jsonl": PAGES, "data.json": b'{"a": 1}\n'})
    code, out = _ingest(z, tmp_path / "ds")
    assert code == 2 and f"{z}/data.json" in out, out
    assert not (tmp_path / "ds").exists()  # nothing written: the whole ingest is refused
    assert _leftovers(tmp_path) == []


def test_zip_of_media_only_too_many_files_or_encrypted_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    media = _zip_of(tmp_path / "media.zip", {"a.jpg": b"\xff\xd8", "b.mp4": b"\0"})
    code, out = _ingest(media, tmp_path / "ds")
    assert code == 2 and "none of them data" in out and "a.jpg" in out
    from vigie.ingest import compressed

    monkeypatch.setattr(compressed, "MAX_MEMBERS", 2)
    many = _zip_of(tmp_path / "many.zip", {f"day{i}.jsonl": PAGES for i in range(3)})
    code, out = _ingest(many, tmp_path / "ds")
    assert code == 2 and "3 data files, more than 2" in out and str(many) in out
    locked = _zip_of(tmp_path / "locked.zip", {"a.jsonl": PAGES, "b.jsonl": PAGES})
    data = bytearray(locked.read_bytes())
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + 7] != b"b.jsonl":  # b's central directory entry
        at = data.index(b"PK\x01\x02", at + 4)
    data[at + 8] |= 0x1  # the flag an encrypting zip tool sets (Python's zipfile cannot)
    locked.write_bytes(bytes(data))
    code, out = _ingest(locked, tmp_path / "ds")
    assert code == 2 and "encrypted" in out and f"{locked}/b.jsonl" in out
    assert not (tmp_path / "ds").exists()
    assert _leftovers(tmp_path) == []


def test_tar_archive_says_extract_first(tmp_path: Path) -> None:
    tgz = tmp_path / "dump.tar.gz"
    with tarfile.open(tgz, "w:gz") as tf:
        tf.add(PUSHSHIFT, "comments.ndjson")
    code, out = _ingest(tgz, tmp_path / "ds")
    assert code == 2 and "tar archive" in out and str(tgz) in out


def test_zip_holding_a_gzip_is_unpacked_twice(tmp_path: Path) -> None:
    gz = _packed(tmp_path, PUSHSHIFT, "gzip")
    z = tmp_path / "wrapped.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(gz, gz.name)
    assert _ingest(z, tmp_path / "ds")[0] == 0
    assert _ingest(PUSHSHIFT, tmp_path / "plain")[0] == 0
    a = pq.read_table(tmp_path / "ds" / "posts.parquet")
    assert a.equals(pq.read_table(tmp_path / "plain" / "posts.parquet"))


def test_csv_gz_with_mapping_errors_and_dry_run_name_the_source(tmp_path: Path) -> None:
    gz = _packed(tmp_path, CSV, "gzip")
    code, out = _ingest(gz, tmp_path / "ds")  # no --map: the required column is missing
    assert code == 2 and out.strip().startswith(f"error: {gz}") and "post_id" in out
    maps = [x for m in CSV_MAP for x in ("--map", m)]
    code, out = run_cli(["ingest", str(gz), "--dry-run", *maps])
    assert code == 0 and gz.name in "".join(out.split()) and "nothing was written" in out
    assert _ingest(gz, tmp_path / "ds", *maps)[0] == 0
    assert _ingest(CSV, tmp_path / "plain", *maps)[0] == 0
    assert rejected(tmp_path / "ds") == [
        dict(r, file=str(gz)) for r in rejected(tmp_path / "plain")
    ]
    assert _leftovers(tmp_path) == []


def test_a_telegram_export_zipped_finds_its_photos(tmp_path: Path) -> None:
    """Telegram Desktop's export folder zipped: its photos are unpacked beside result.json,
    so the posts carry the same media keys (content hashes) as from the folder."""
    export = FIX / "telegram"
    z = _zip_of(
        tmp_path / "ChatExport.zip",
        {str(p.relative_to(export)): p for p in sorted(export.rglob("*")) if p.is_file()},
    )
    assert _ingest(z, tmp_path / "ds")[0] == 0
    assert _ingest(export / "result.json", tmp_path / "plain")[0] == 0
    a = pq.read_table(tmp_path / "plain" / "posts.parquet")
    assert any(a.column("media").to_pylist())  # the fixture has a photo
    assert a.equals(pq.read_table(tmp_path / "ds" / "posts.parquet"))


def test_zip_member_paths_stay_inside_the_unpacking_folder(tmp_path: Path) -> None:
    """A crafted zip naming ``../`` paths or one path twice writes nothing outside vigie's
    temporary folder and is refused or read by name, never a traceback."""
    from vigie.ingest.compressed import safe_parts

    assert safe_parts("../../etc/passwd") == ["etc", "passwd"]
    assert safe_parts("/abs/x.jsonl") == ["abs", "x.jsonl"]
    assert safe_parts("C:\\data\\x.jsonl") == ["data", "x.jsonl"]
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../escaped.jsonl", PAGES.read_bytes())
        zf.writestr("escaped.jsonl", PAGES.read_bytes())
    work = tmp_path / "work"
    work.mkdir()
    code, out = _ingest(evil, work / "ds")
    assert code == 2 and "same path" in out and str(evil) in out
    assert sorted(p.name for p in tmp_path.rglob("escaped*")) == []
    assert _leftovers(work) == []
    fine = tmp_path / "fine.zip"
    with zipfile.ZipFile(fine, "w") as zf:
        zf.writestr("../../escaped.jsonl", PAGES.read_bytes())
        zf.writestr("b.jsonl", PAGES.read_bytes())
    assert _ingest(fine, work / "ds")[0] == 0
    assert [s["path"] for s in manifest(work / "ds")["sources"]] == [
        f"{fine}/../../escaped.jsonl",
        f"{fine}/b.jsonl",
    ]
    assert sorted(p.name for p in tmp_path.rglob("escaped*")) == []


@pytest.mark.parametrize("members", [1, 2])
def test_a_zip_naming_an_unknown_compression_method_is_one_line(
    tmp_path: Path, members: int
) -> None:
    """Found by ``benchmarks/ingest_fuzz.py --zipped`` (seed 3): a flipped byte made a
    member's compression method one no reader knows; zipfile raised NotImplementedError."""
    z = _zip_of(tmp_path / "odd.zip", {f"m{i}.jsonl": PAGES for i in range(members)})
    data = bytearray(z.read_bytes())
    for sig, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # local and central headers
        i = data.find(sig)
        while i >= 0:
            data[i + at : i + at + 2] = (99).to_bytes(2, "little")
            i = data.find(sig, i + 4)
    z.write_bytes(bytes(data))
    code, out = _ingest(z, tmp_path / "ds")
    assert code == 2 and "not a readable zip archive" in out and str(z) in out, out
    assert _leftovers(tmp_path) == []
