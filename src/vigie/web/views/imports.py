"""Import wizard: upload (or point to) a file, check the format, map columns with a live
preview of the canonical fields, then ingest in the background with progress.

Why the preview runs the real ``vigie.ingest.ingest`` on the file's first rows (into a
throw-away folder): what the analyst sees is exactly what the ingest will make of those rows,
rejections and their reasons included, with no second parser to drift from the first.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from vigie.errors import VigieError, shortened
from vigie.ingest import guess_map
from vigie.ingest.detect_format import FORMATS
from vigie.ingest.epoch import EPOCH_FORMATS
from vigie.ingest.json_array import starts_with_json
from vigie.ingest.tabular import KNOWN_FIELDS
from vigie.names import safe_name
from vigie.web.deps import form, page, redirect
from vigie.web.render import render
from vigie.web.users import Role

router = APIRouter()

LINE_FORMATS = (
    "jsonl",
    "x",
    "x-v1",
    "bluesky",
    "jetstream",
    "pushshift",
    "zeeschuimer",
    "snscrape",
    "vk",
    "threads",
    "yt-dlp",
)
"""One record per line (when not saved as one ``.json`` document): cut by line. Not
``whatsapp``: a chat's first lines may not tell day from month (its reader scans on for a day
above 12), and WhatsApp caps an export at some 40,000 messages, a preview read whole. Not
``bluesky-car`` either: a repository CAR is binary, its records reached through a tree that
may sit at its end; one account's repository is previewed whole."""
CSV_FORMATS = (
    "csv",
    "mcl",
    "x-io",
    "crowdtangle",
    "twarc-csv",
    "rtweet",
    "twarc1-csv",
    "4cat",
    "minet",
    "ira-538",
    "coortweet",
    "cnt",
    "brandwatch",
    "talkwalker",
    "tags",
    "nodexl",
    "nodexl-vertices",
    "tcat",
    "ytdt",
    "academictwitter",
    "pyktok",
)
"""A header then records, whose quoted cells may hold line breaks (tweet texts do)."""
EITHER_FORMATS = ("twitwi", "twitwi-bluesky", "apify", "twint")
"""A CSV or JSON lines, told by the file's first byte."""
PREVIEW_ROWS = 50
SHOWN_ROWS = 5
CANONICAL = (
    "post_id",
    "platform",
    "account_id",
    "created_at",
    "text",
    "lang",
    "urls",
    "hashtags",
    "mentions",
    "media",
    "repost_of",
    "reply_to",
    "quote_of",
)


def _uploads(ctx: Any) -> Path:
    return ctx.state.folders.root / "uploads"


def _upload_path(ctx: Any, token: str) -> Path:
    """The uploaded file behind ``token`` (a random folder name, never a path from the user)."""
    safe_name(token, "upload")
    folder = _uploads(ctx) / token
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    if not files:
        raise HTTPException(404, "this upload is gone: upload the file again")
    return files[0]


@router.get("/import")
async def import_start(request: Request) -> Response:
    ctx = await page(request, Role.analyst)
    return render(
        ctx,
        "import_start.html",
        datasets=ctx.state.folders.datasets(),
        may_point=not ctx.state.settings.team or ctx.may("admin"),
    )


@router.post("/import/upload")
async def import_upload(request: Request) -> Response:
    ctx, fields = await form(request, Role.analyst)
    token = secrets.token_hex(8)
    folder = _uploads(ctx) / token
    folder.mkdir(parents=True)
    upload = fields.get("file")
    pointed = str(fields.get("path", "")).strip()
    if upload is not None and getattr(upload, "filename", ""):
        name = Path(upload.filename).name or "upload"
        name = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:100]
        if not name.strip("."):  # "..", ".": a folder's name, not a file's (was a 500)
            name = "upload"
        with open(folder / name, "wb") as out:
            shutil.copyfileobj(upload.file, out, 1024 * 1024)
    elif pointed:
        if ctx.state.settings.team and not ctx.may("admin"):
            raise HTTPException(403, "only an administrator may point to a file on the server")
        src = Path(pointed).expanduser()
        try:
            found = src.is_file()
        except OSError as exc:  # a path longer than the file system allows
            found, why = False, f" ({exc.strerror})"
        else:
            why = ""
        if not found:
            shutil.rmtree(folder, ignore_errors=True)
            raise VigieError(f"{shortened(pointed, 200)}: no such file on this machine{why}")
        (folder / src.name).symlink_to(src.resolve())
    else:
        shutil.rmtree(folder, ignore_errors=True)
        raise VigieError("choose a file to upload, or give the path of one")
    _unpack_upload(ctx, folder)
    ctx.audit("import.upload", token, file=str(next(folder.iterdir()).name))
    return redirect(f"/import/map?upload={token}")


def _unpack_upload(ctx: Any, folder: Path) -> None:
    """A compressed upload (.gz, .zst, a one-file .zip, a zip of a .gz...) is replaced by its
    content, as the command line reads it (``compressed.unpack_nested``); a zip of several
    files is kept whole, its declared size checked, for ``import_map`` to list; so that
    format detection, column mapping and the preview see the plain file; unpacking stops at
    ``max_unpacked_bytes`` (a small bomb must not fill the server's disk)."""
    from vigie.ingest import compressed

    saved = next(folder.iterdir())
    kind = compressed.compression_of(saved)
    if kind is None:
        return
    limit = ctx.state.settings.max_unpacked_bytes
    try:
        several = compressed.zip_members(saved, Path(saved.name)) if kind == "zip" else None
        if several is not None:  # kept whole: the ingest reads each data file (``import_zip``)
            if compressed.declared_size(saved) > limit:
                raise VigieError(
                    f"{saved.name}: unpacks to more than {limit:,} bytes, this server's limit "
                    "(max_unpacked_bytes): unpack it and ingest it from the command line"
                )
            return
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    work = folder / ".unpacking"
    work.mkdir()
    try:
        plain = compressed.unpack_nested(
            saved,
            kind,
            work,
            shown=Path(saved.name),
            limit=limit,
        )
        saved.unlink()
        plain.rename(folder / plain.name)
        shutil.rmtree(work)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _detected_format(path: Path) -> str:
    from vigie.ingest.detect_format import detect

    try:
        return detect(path)
    except VigieError as exc:
        return f"unknown ({exc})"


def _columns(path: Path, fmt: str) -> list[str]:
    from vigie.ingest.tabular import columns_of

    if fmt not in ("csv", "jsonl", "parquet", "accounts", "xlsx"):
        return []
    try:
        real = _detected_format(path) if fmt == "accounts" else fmt
        if real == "xlsx":  # the sheet's header, as the ingest will read it
            from vigie.ingest.xlsx import header_of

            return header_of(path)
        if real == "jsonl":  # a JSON array, or a saved response wrapping its records
            from vigie.ingest.json_array import first_records

            records = first_records(path)
            if records:
                return list(dict.fromkeys(k for r in records for k in r))
        return columns_of(path, real)
    except (VigieError, OSError, ValueError):
        return []


def _zip_files(path: Path, limit: int) -> tuple[list[dict[str, str]], list[str]] | None:
    """A kept zip's data files, each with the format detected in it, and the members not
    read (``_unpack_upload`` keeps a zip of several files whole), else None."""
    from vigie.ingest import compressed
    from vigie.ingest.detect_format import detect, untold

    found = compressed.zip_members(path) if compressed.compression_of(path) == "zip" else None
    if found is None:
        return None
    rows = []
    # deleted on exit; held to the server's limit, all members together (a zip of .gz)
    with compressed.readable([path], beside=path.parent, limit=limit) as opened:
        for o in opened:
            name = str(o.shown.relative_to(path))
            try:
                fmt = detect(o.plain)
            except VigieError as exc:  # the ingest's rule for such a member (api._plans)
                fmt = f"unknown ({exc})"
                if compressed.document_like(name) and untold(exc):
                    fmt = "not read: its format cannot be told (a document?)"
            rows.append({"name": name, "format": fmt})
    return rows, found.left_out


def _upload_values(ctx: Any, upload: str, path: Path) -> dict[str, Any]:
    """What both step-2 pages show of the upload and offer as its Dataset."""
    return {
        "upload": upload,
        "filename": path.name,
        "size": path.stat().st_size,
        "datasets": [d.name for d in ctx.state.folders.datasets()],
        "default_name": Path(path.name).stem.replace(" ", "_")[:60] or "dataset",
    }


@router.get("/import/map")
async def import_map(request: Request, upload: str, format: str = "auto") -> Response:
    ctx = await page(request, Role.analyst)
    path = _upload_path(ctx, upload)
    from starlette.concurrency import run_in_threadpool

    in_zip = await run_in_threadpool(_zip_files, path, ctx.state.settings.max_unpacked_bytes)
    if in_zip is not None:  # each file read as its format says: no columns to map
        return render(
            ctx,
            "import_zip.html",
            **_upload_values(ctx, upload, path),
            members=in_zip[0],
            left_out=in_zip[1],
        )
    fmt = format if format in FORMATS else "auto"
    detected = _detected_format(path)
    use = detected if fmt == "auto" else fmt
    columns = _columns(path, use)
    # fields whose column has another name: pre-selected by name (tweet_id -> post_id), shown
    # as suggested, and read by the preview below before anything is ingested
    named = {f: f for f in KNOWN_FIELDS if f in columns}  # read without a mapping
    return render(
        ctx,
        "import_map.html",
        **_upload_values(ctx, upload, path),
        fmt=fmt,
        detected=detected,
        formats=FORMATS,
        columns=columns,
        canonical=CANONICAL,
        guessed=guess_map.suggest(columns, named) if columns else {},
        encodings=ENCODINGS,
        delimiters=list(DELIMITERS),
    )


ENCODINGS = ("utf-8", "utf-16", "latin-1", "cp1252")
"""The text encodings the form offers (``--encoding``): what exports are saved in besides
UTF-8 (Excel's "Unicode text" is UTF-16, older Windows tools write Latin-1 or cp1252)."""
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "tab", "pipe": "|"}
"""The CSV separators the form offers (``--delimiter``), by name."""
FORM_WORDS = (
    ("--date-format", 'the "Times written as" choice'),
    ("--dayfirst", 'the "Times written as" choice'),
    ("--encoding", 'the "Text encoding" choice'),
    ("--delimiter", 'the "Column separator" choice'),
    ("--platform", 'the "Platform" field'),
    ("--format", 'the "Format" choice'),
    ("--map", "the column mapping"),
)
"""A refusal names the command line's options; on this page, the fields that set them."""


def in_form_words(message: str) -> str:
    """``message`` with each option of ``vigie ingest`` it names replaced by the wizard's
    field that sets it: "pass --encoding utf-16" meant nothing to a person using the form."""
    for option, field in FORM_WORDS:
        message = re.sub(rf"{re.escape(option)}(?![\w-])", field, message)
    return message


def _read_options(fields: dict[str, Any]) -> dict[str, Any]:
    """How the file writes its times, its text and its columns, from the form's choices
    (``--dayfirst``, ``--date-format``, ``--encoding``, ``--delimiter``): a refusal of a
    day-first column or of a UTF-16 file names those options, which the browser must offer
    too. Values not offered are ignored (the default: detected)."""
    out: dict[str, Any] = {}
    choice = str(fields.get("dates", "")).strip()
    if choice == "dayfirst":
        out["dayfirst"] = True
    elif choice == "pattern":
        pattern = str(fields.get("date_pattern", "")).strip()
        if pattern:
            out["date_format"] = pattern
    elif choice in EPOCH_FORMATS:
        out["date_format"] = choice
    encoding = str(fields.get("encoding", "")).strip()
    if encoding in ENCODINGS:
        out["encoding"] = encoding
    delimiter = DELIMITERS.get(str(fields.get("delimiter", "")).strip())
    if delimiter is not None:
        out["delimiter"] = delimiter
    return out


def _mapping(fields: dict[str, Any]) -> list[str]:
    out = []
    for field in CANONICAL + ("handle", "display_name", "followers", "account_created_at"):
        col = str(fields.get(f"map_{field}", "")).strip()
        if col:
            out.append(f"{field}={col}")
    return out


def _head(path: Path, fmt: str, tmp: Path, encoding: str | None = None) -> Path:
    """The first rows of ``path`` as a small file of the same format (whole file for JSON
    documents, whose records cannot be cut by line, and for workbooks: a listening tool's or
    the Meta Content Library's export, forced to its CSV format, may be an ``.xlsx``, a zip
    that a cut by line would break). A UTF-16 file (chosen, or told by its byte-order mark)
    is cut by its decoded lines: a cut at the byte ``\\n`` would split the character after it."""
    from vigie.ingest.xlsx import is_xlsx

    cut = fmt in CSV_FORMATS + LINE_FORMATS + EITHER_FORMATS and path.suffix.lower() != ".json"
    if cut and not is_xlsx(path):
        out = tmp / path.name
        quoted = fmt in CSV_FORMATS or (fmt in EITHER_FORMATS and not starts_with_json(path))
        wide = _utf16(path, encoding)
        if wide is not None:
            with (
                open(path, encoding=wide, errors="replace", newline="") as src,
                open(out, "w", encoding=wide, newline="") as dst,
            ):
                _first_records(src, dst.write, quoted, '"')
        else:
            with open(path, "rb") as src, open(out, "wb") as dst:
                _first_records(src, dst.write, quoted, b'"')
        return out
    if fmt == "parquet" or path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        batch = next(pf.iter_batches(batch_size=PREVIEW_ROWS), None)
        out = tmp / path.name
        if batch is not None:
            import pyarrow as pa

            pq.write_table(pa.Table.from_batches([batch]), out)
            return out
    return path


def _utf16(path: Path, encoding: str | None) -> str | None:
    """The UTF-16 codec to cut ``path`` with: the one chosen, else ``utf-16`` when the file
    starts with a UTF-16 byte-order mark; None for a file read byte by byte."""
    if encoding is not None:
        return encoding if encoding.lower().replace("_", "-").startswith("utf-16") else None
    with open(path, "rb") as fh:
        return "utf-16" if fh.read(2) in (b"\xff\xfe", b"\xfe\xff") else None


def _first_records(src: Any, write: Any, quoted: bool, quote: Any) -> None:
    """Copy the lines of ``src`` through ``write`` until ``PREVIEW_ROWS`` records are out;
    ``quoted``: a record ends only where its quotes balance (RFC 4180 doubles them)."""
    records, open_quote = 0, False
    for line in src:
        if records > PREVIEW_ROWS:
            break
        write(line)
        if quoted:
            open_quote ^= line.count(quote) % 2 == 1
        if not open_quote:
            records += 1


@router.post("/import/preview")
async def import_preview(request: Request) -> Response:
    """The canonical fields of the first rows under the chosen mapping (an HTML fragment)."""
    ctx, fields = await form(request, Role.analyst)
    path = _upload_path(ctx, str(fields.get("upload", "")))
    fmt = str(fields.get("format", "auto"))
    fmt = fmt if fmt in FORMATS else "auto"
    use = _detected_format(path) if fmt == "auto" else fmt
    mapping = _mapping(fields)
    platform = str(fields.get("platform", "")).strip() or None
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    error = None
    with tempfile.TemporaryDirectory(prefix="vigie-preview-") as tmp:
        try:
            from vigie.ingest.api import ingest
            from vigie.schema import Dataset

            options = _read_options(fields)
            head = _head(path, use, Path(tmp), options.get("encoding"))
            ingest(
                [head],
                Path(tmp) / "ds",
                fmt=fmt,
                mapping=mapping,
                platform=platform,
                **options,
            )
            ds = Dataset(Path(tmp) / "ds")
            table = ds.posts().slice(0, SHOWN_ROWS)
            rows = table.to_pylist()
            if ds.rejected_path.exists():
                with open(ds.rejected_path, encoding="utf-8") as fh:
                    for line in list(fh)[:SHOWN_ROWS]:
                        rejected.append(json.loads(line))
        except VigieError as exc:  # the preview's own copy named as the upload, not by path
            error = in_form_words(str(exc).replace(str(Path(tmp)) + "/", ""))
    cols = _columns(path, use)
    used = {m.split("=", 1)[1] for m in mapping}
    unmapped = [c for c in cols if c not in used and c not in CANONICAL]
    return render(
        ctx,
        "import_preview.html",
        rows=rows,
        rejected=rejected,
        error=error,
        canonical=CANONICAL,
        unmapped=unmapped,
    )


@router.post("/import/run")
async def import_run(request: Request) -> Response:
    ctx, fields = await form(request, Role.analyst)
    token = str(fields.get("upload", ""))
    path = _upload_path(ctx, token)
    name = safe_name(str(fields.get("dataset", "")).strip(), "dataset")
    fmt = str(fields.get("format", "auto"))
    fmt = fmt if fmt in FORMATS else "auto"
    mapping = _mapping(fields)
    platform = str(fields.get("platform", "")).strip() or None
    options = _read_options(fields)
    into = ctx.state.folders.dataset_path(name)
    user = ctx.user.username
    limit = ctx.state.settings.max_unpacked_bytes

    def work(job: Any) -> str:
        from vigie.ingest.api import ingest

        job.stage = f"reading {path.name}"
        try:
            report = ingest(
                [path],
                into,
                fmt=fmt,
                mapping=mapping,
                platform=platform,
                unpacked_limit=limit,
                **options,
            )
        except VigieError as exc:  # the same refusal, naming the form's fields
            raise VigieError(in_form_words(str(exc))) from None
        job.message = _report_line(report)
        job.stage = "done"
        return f"/?dataset={name}"

    job = ctx.state.jobs.submit("ingest", f"ingest {path.name} into {name}", user, work)
    ctx.audit("import.run", name, upload=token, format=fmt, mapping=mapping, job=job.id, **options)
    return redirect(f"/jobs/{job.id}")


def _report_line(report: Any) -> str:
    """One line of what an ingest did (counts per source), from its report object."""
    parts = []
    for src in getattr(report, "sources", []) or []:
        parts.append(
            f"{Path(str(getattr(src, 'path', ''))).name}: {getattr(src, 'accepted', 0):,} "
            f"accepted, {getattr(src, 'rejected', 0):,} rejected, "
            f"{getattr(src, 'duplicates', 0):,} duplicates"
        )
    return "; ".join(parts) or "ingested"
