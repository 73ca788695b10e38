"""Tell a source's format from its name and first bytes (``--format auto``).

Why sniff the content: ``.json``/``.jsonl`` is used by every collector (twarc2, Bluesky
scripts, Telegram Desktop, in-house tools); only the shape of the first record tells them
apart. When it cannot be told, we stop with an error that says which ``--format`` to pass
rather than guess.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from vigie.errors import InputError, VigieError
from vigie.ingest import telegram_html
from vigie.ingest.bluesky_car import is_car
from vigie.ingest.jetstream import tap_event, v2_payload
from vigie.ingest.jsonlines import MAX_RECORD_BYTES
from vigie.ingest.listening import FORMATS as LISTENING_FORMATS
from vigie.ingest.mastodon_stream import is_known_frame, is_sse
from vigie.ingest.sniff_more import csv_shape, json_shape, text_shape
from vigie.ingest.telethon import is_message
from vigie.ingest.whatsapp import is_export as is_whatsapp
from vigie.ingest.x_archive import archive_kind
from vigie.ingest.x_users import is_user
from vigie.ingest.x_v2 import is_includes

FORMATS = (
    "auto",
    "x",
    "x-users",
    "telegram",
    "telegram-html",
    "telethon",
    "bluesky",
    "jetstream",
    "bluesky-car",
    "mastodon",
    "youtube",
    "tiktok",
    "mcl",
    "x-v1",
    "x-archive",
    "x-io",
    "x-io-users",
    "pushshift",
    "crowdtangle",
    *LISTENING_FORMATS,  # brandwatch, meltwater, talkwalker
    "twarc-csv",
    "rtweet",
    "twarc1-csv",
    "4cat",
    "twitwi",
    "twitwi-bluesky",
    "zeeschuimer",
    "minet",
    "snscrape",
    "twint",
    "tcat",
    "academictwitter",
    "pyktok",
    "ira-538",
    "coortweet",
    "cnt",
    "tags",
    "nodexl",
    "nodexl-vertices",
    "vk",
    "apify",
    "threads",
    "yt-dlp",
    "instaloader",
    "ytdt",
    "whatsapp",
    "csv",
    "jsonl",
    "parquet",
    "xlsx",
    "accounts",
)
ACCOUNT_FORMATS = ("accounts", "x-io-users", "x-users", "nodexl-vertices")
"""Formats whose records are accounts, not posts: their accepted count is of accounts."""
SNIFF_BYTES = 1 << 20
MCL_COLUMNS = ("post_owner.id", "post_owner.name", "mcl_url", "statistics.reaction_count")
"""Column names only Meta Content Library exports use (flattened ``post_owner``/``statistics``)."""


_COMPLIANCE_KEYS = {"id", "action", "created_at", "reason", "redacted_at", "__twarc"}
NOT_POSTS = {
    "not:counts": "a twarc2 counts file (tweets per time period, not tweets): nothing to "
    "ingest; collect the tweets themselves (twarc2 search) and ingest that file",
    "not:lists": "a twarc2 lists file (lists' names and sizes, not tweets or users): nothing "
    "to ingest; ingest the lists' members (twarc2 members) or their tweets (twarc2 timelines)",
    "not:compliance": "an X compliance file (ids of deleted, suspended or withheld tweets or "
    "users, not tweets): nothing to ingest",
}
"""Files a collector writes beside the tweets that hold no posts or accounts: refused by name."""


UNTOLD = "cannot tell the format from the name or content"
"""How ``detect`` begins its refusal when nothing in a file's name or content tells it."""


def untold(exc: VigieError) -> bool:
    """Whether ``exc`` is ``detect``'s refusal for a file nothing tells the format of (a zip's
    document-like member is then left unread: ``compressed.document_like``)."""
    return isinstance(exc, InputError) and exc.reason.startswith(UNTOLD)


def _twarc_other(item: Any) -> str | None:
    """What a twarc2 page's first item is when it is not a tweet: users (``x-users``), tweet
    counts or lists (refused: ``NOT_POSTS``); None for a tweet or anything else."""
    if is_user(item):
        return "x-users"
    if not isinstance(item, dict) or "text" in item or "author_id" in item:
        return None
    if "tweet_count" in item and "start" in item and "end" in item:
        return "not:counts"
    if "member_count" in item or ("owner_id" in item and "follower_count" in item):
        return "not:lists"
    return None


FOREIGN_FILES: tuple[tuple[tuple[str, ...], tuple[bytes, ...], str], ...] = (
    (
        (".rds", ".rda", ".rdata"),
        (b"RDX2\n", b"RDX3\n", b"RDA2\n", b"RDA3\n"),
        'an R data file: in R, save the table as CSV, write.csv(x, "x.csv", row.names = '
        'FALSE), or as Parquet, arrow::write_parquet(x, "x.parquet"), then ingest that file',
    ),
    (
        (".pkl", ".pickle"),
        (),
        "a Python pickle (pandas' to_pickle): vigie opens no pickle (loading one can run any "
        'code); save the table with df.to_parquet("x.parquet") or df.to_csv("x.csv", '
        "index=False), then ingest that file",
    ),
    (
        (".feather", ".arrow", ".ipc"),
        (b"ARROW1",),
        "an Arrow IPC (Feather) file: save it as Parquet, pyarrow.parquet.write_table("
        'pyarrow.feather.read_table("x.feather"), "x.parquet"), then ingest that file',
    ),
    (
        (".sqlite", ".sqlite3", ".db"),
        (b"SQLite format 3\x00",),
        "an SQLite database (twint's, a scraper's): export its posts table as CSV, e.g. "
        "sqlite3 -header -csv FILE 'SELECT * FROM tweets' > tweets.csv, then ingest that file",
    ),
    (
        (".ods",),
        (),
        "an OpenDocument spreadsheet: save the sheet as .xlsx or CSV (UTF-8), then ingest that",
    ),
    (
        (".dta", ".sav", ".zsav", ".sas7bdat"),
        (),
        "a Stata, SPSS or SAS data file: export the table as CSV (UTF-8), then ingest that file",
    ),
    ((".pdf",), (b"%PDF-",), "a PDF document, not data: ingest the export it was made from"),
)
"""Files analysts hold their collections in that no reader takes (suffixes, first bytes, what
to say): refused with the one step that makes them readable, instead of "cannot tell the
format" and a list of fifty names none of which would help."""


def foreign_refusal(suffix: str, head: bytes) -> str | None:
    """What to do with a file of ``FOREIGN_FILES``, told by its suffix or its first bytes."""
    for suffixes, magics, said in FOREIGN_FILES:
        if suffix in suffixes or (magics and head.startswith(magics)):
            return said
    return None


def markup_refusal(text: str) -> str:
    """What to say of an HTML or XML file given as a source (its first bytes: ``text``).

    Why: Telegram Desktop exports chats as HTML by default (``messages.html``), and a saved
    web page is a common mistake; both used to get "cannot tell the format" or a JSON
    parser's complaint, neither saying what to do."""
    if 'class="message' in text or "<title>Exported Data</title>" in text:
        if not telegram_html.is_chat_page(text):  # the summary or a list: no messages
            return telegram_html.not_a_chat_page(text)
        return "a Telegram Desktop export in HTML: read it with --format telegram-html"
    return (
        "an HTML or XML page, not a data export: save the platform's data as JSON, CSV or "
        "Parquet (the collector's own output), then ingest that file"
    )


def _array_shape(path: Path) -> str | None:
    """The format of a JSON array by its first element: a platform's when it has one's shape
    (an array of X v2 response pages or TikTok pages, saved with ``json.dump(pages)``, read
    element by element as JSON Lines would be), ``"jsonl"`` for other records (a scraper's
    ``json.dump(list_of_dicts)``: a generic table, read through ``json_array.jsonl_copies``),
    else None (the "pass --format" error names the formats to try)."""
    from vigie.ingest.json_array import elements

    for _, first in elements(path, MAX_RECORD_BYTES):
        if not isinstance(first, dict):
            return None
        return _shape(first) or "jsonl"
    raise InputError("an empty JSON array ([]): nothing to ingest", file=str(path))


def _bluesky_items(items: list[Any]) -> bool:
    """Whether a page's list holds Bluesky posts (an ``at://`` uri, or a feed item's
    ``post`` with one), or nothing: a generic ``{"posts": [...]}`` of another tool's records
    is no Bluesky page, and its reader refused every record as if it were."""
    first = next((x for x in items if isinstance(x, dict)), None)
    if first is None:
        return not items  # an empty page
    post = first.get("post") if isinstance(first.get("post"), dict) else first
    return str(post.get("uri", "")).startswith("at://")


# a YouTube Data API item's or page's ``kind``: comments, videos, search results, playlist items
YOUTUBE_KINDS = (
    "youtube#comment",
    "youtube#video",
    "youtube#searchResult",
    "youtube#searchListResponse",
    "youtube#playlistItem",
)


_TL_MESSAGE = re.compile(r'"_(type)?"\s*:\s*"Message(Service)?"')


def _telethon_text(head: str) -> bool:
    """A Telethon message's TL type and its chat (``peer_id``) in a document's first MiB:
    two linear scans (one pattern spanning both could backtrack over every ``peer_id``)."""
    return '"peer_id"' in head and _TL_MESSAGE.search(head) is not None


def _apify_array(path: Path, head: str) -> bool:
    """Whether a JSON array's first element is an Apify actor's item (``apify.is_item``).

    Why before the keyword scans: an exported tweet's author is ``"type": "user"`` and its
    mentions have ``screen_name`` and ``id_str``, which the scan for v1.1 tweets takes for
    theirs; the first element is decoded only when the text names an Apify item's key."""
    from vigie.ingest.apify import TEXT_HINTS, is_item
    from vigie.ingest.json_array import elements

    if not any(hint in head for hint in TEXT_HINTS):
        return False
    for _, first in elements(path, MAX_RECORD_BYTES):
        return is_item(first)
    return False


def _shape(obj: Any) -> str | None:
    """The platform format a decoded JSON value looks like, if any."""
    if isinstance(obj, list):  # a saved JSON array of statuses / videos
        return _shape(obj[0]) if obj and isinstance(obj[0], dict) else None
    if not isinstance(obj, dict):
        return None
    more = json_shape(obj)
    if more:
        return more
    if is_includes(obj):  # academictwitteR's users_*.json: X's includes, tweets among them
        return "x"
    if is_message(obj):
        return "telethon"
    if ("did" in obj and "time_us" in obj and "kind" in obj) or v2_payload(obj) is not None:
        return "jetstream"
    if tap_event(obj) is not None:  # Bluesky's Tap: Jetstream's commits under other names
        return "jetstream"
    if str(obj.get("kind", "")).startswith(YOUTUBE_KINDS):
        return "youtube"
    data = obj.get("data")
    if isinstance(data, dict) and isinstance(data.get("videos"), list):
        return "tiktok"
    if "video_description" in obj and "create_time" in obj:
        return "tiktok"
    if isinstance(obj.get("account"), dict) and "content" in obj and "uri" in obj:
        return "mastodon"
    if is_known_frame(obj):  # a streaming API message (update, delete, notification...)
        return "mastodon"
    if "post_owner" in obj and "creation_time" in obj:
        return "mcl"
    if isinstance(obj.get("messages"), list) or isinstance(obj.get("chats"), dict):
        return "telegram"
    for key in ("feed", "posts"):  # a Bluesky page: getAuthorFeed's feed, searchPosts' posts
        items = obj.get(key)
        if isinstance(items, list) and _bluesky_items(items):
            return "bluesky"
    thread = obj.get("thread")  # getPostThread: the post, its parents, its replies
    if isinstance(thread, dict) and _bluesky_items([thread]) and thread.get("post"):
        return "bluesky"
    post = obj.get("post") if isinstance(obj.get("post"), dict) else obj
    if str(post.get("uri", "")).startswith("at://") and isinstance(post.get("record"), dict):
        return "bluesky"
    if (
        "data" in obj
        and isinstance(obj["data"], list | dict)
        and ("includes" in obj or "meta" in obj or "__twarc" in obj)
    ):
        data = obj["data"]
        item = data if isinstance(data, dict) else data[0] if data else None
        return _twarc_other(item) or "x"
    if "__twarc" in obj or "public_metrics" in obj:  # one twarc2 object a line (flattened)
        other = _twarc_other(obj)
        if other:
            return other
    if "action" in obj and "id" in obj and set(obj) <= _COMPLIANCE_KEYS:
        return "not:compliance"
    if (
        "author_id" in obj
        and "id" in obj
        and "text" in obj
        and (
            "__twarc" in obj
            or "edit_history_tweet_ids" in obj
            or "public_metrics" in obj
            or "author" in obj
        )
    ):
        return "x"
    return None


def _whole_shape(text: str) -> str | None:
    """The platform shape of ``text`` read as one JSON document, if it is one."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return _shape(doc) if isinstance(doc, dict) else None


def folder_refusal(path: Path, shown: int = 5) -> str:
    """Why a folder is refused as a source, and the command that would read its files.

    A folder is not read whole: it may hold a Dataset, Findings or files of other kinds,
    and an ingest must say exactly which files it took (the manifest lists each)."""
    try:
        files = sorted(p.name for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    except OSError:
        files = []
    if (path / "manifest.json").is_file():
        from vigie.atomic import manifest_kind

        kind = manifest_kind(path)
        if kind == "dataset" and (path / "posts.parquet").is_file():
            # a generated exercise or another Dataset: its posts file is a source like any
            return (
                "is a vigie Dataset, not a source file: detect in it as it is, or ingest its "
                f"posts: {path / 'posts.parquet'}"
            )
        if kind == "findings":
            return "is a Findings folder (what vigie detect writes), not a source file"
        return "is a vigie output folder (it holds a manifest.json), not a source file"
    if (path / "result.json").is_file():  # a Telegram Desktop export: its JSON is one file
        return f"is a folder; pass the export file {path / 'result.json'}"
    if not files:
        return "is a folder with no files in it: pass the files to ingest"
    exts = sorted({Path(f).suffix for f in files if Path(f).suffix})
    pattern = f"{path}/*{exts[0]}" if len(exts) == 1 else f"{path}/*"
    more = len(files) - shown
    listed = ", ".join(files[:shown]) + (f" and {more} more" if more > 0 else "")
    return f"is a folder, not a file: pass its files, e.g. {pattern} (it holds {listed})"


def detect(path: Path) -> str:
    """The format of ``path`` (one of ``FORMATS`` but auto and accounts)."""
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if path.is_dir():
        raise InputError(folder_refusal(path), file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    from vigie.ingest.xlsx import is_xlsx

    if is_xlsx(path):  # told by content: a zip holding xl/workbook.xml
        return "xlsx"
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
            first_raw = head.split(b"\n", 1)[0] if b"\n" in head else None
            if first_raw is None and len(head) == SNIFF_BYTES:
                # a first line longer than the sniff window (a twarc2 page is 120-150 KB; some
                # collectors write bigger): read that line whole, within the record limit
                fh.seek(0)
                first_raw = fh.readline(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    foreign = foreign_refusal(suffix, head)
    if foreign is not None:
        raise InputError(foreign, file=str(path))
    if is_car(head) or (suffix == ".car" and head):
        # binary, told before any text sniffing: a CAR v1 header (a varint, then a DAG-CBOR
        # map of ``version`` and ``roots``); a .car without one gets its reader's refusal,
        # which names the byte where the header fails, rather than "cannot tell the format"
        return "bluesky-car"
    if suffix in (".csv", ".tsv", ".tab"):
        header = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        if sum(c in header for c in MCL_COLUMNS) >= 2:
            return "mcl"
        more = csv_shape(path)
        if more:
            return more
        return "csv"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, an encrypted .xlsx, Word 97...
        what = (
            "a password-protected workbook (Excel encrypts it whole)"
            if suffix in (".xlsx", ".xlsm")
            else "an Excel 97-2003 workbook (.xls) or another old Office file"
        )
        raise InputError(
            f"{what}: open it and save the sheet as .xlsx (without a password) or CSV "
            "(UTF-8), then ingest that file",
            file=str(path),
        )
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if not text:
        raise InputError("empty file: nothing to ingest", file=str(path))
    if archive_kind(head) is not None:  # window.YTD.<name>.partN = [...]: an account's archive
        return "x-archive"
    if text.startswith("<"):
        if telegram_html.is_chat_page(text):
            return "telegram-html"  # Telegram Desktop's default export: messages*.html
        raise InputError(markup_refusal(text), file=str(path))
    if is_sse(head):  # Mastodon's streaming API saved raw: event: / data: lines
        return "mastodon"
    first_line = (head if first_raw is None else first_raw).removeprefix(b"\xef\xbb\xbf").strip()
    if not first_line:  # blank lines before the first record (some exports start so)
        first_line = next((ln.strip() for ln in head.splitlines() if ln.strip()), b"")
    try:
        first = json.loads(first_line)
    except (ValueError, RecursionError):  # ValueError: also an integer too long for Python
        first = None
    if first is None and is_whatsapp(text):  # a chat export: lines that start with a time
        return "whatsapp"
    if first is not None:
        shape = _shape(first)
        if shape in NOT_POSTS:
            raise InputError(NOT_POSTS[shape], file=str(path))
        if shape:
            return shape
        if isinstance(first, dict) and (suffix in (".jsonl", ".ndjson") or "\n" in text.strip()):
            return "jsonl"
    if text.startswith("{") and len(head) < SNIFF_BYTES:
        # a whole small document over many lines (one API object saved with indent=2, as
        # a Mastodon status or a TikTok page is when fetched alone): its shape is told
        # from the document itself, as a one-line one's is; the keyword scans below only
        # know some platforms' pages and refused a lone Mastodon status
        shape = _whole_shape(text)
        if shape in NOT_POSTS:
            raise InputError(NOT_POSTS[shape], file=str(path))
        if shape:
            return shape
    if text.startswith("{"):
        # one JSON document over many lines (Telegram result.json, a saved API page):
        # look for the telltale keys in the first MiB instead of parsing it whole
        if path.name == "result.json" or '"messages"' in text[:SNIFF_BYTES]:
            return "telegram"
        if '"feed"' in text or (('"posts"' in text or '"thread"' in text) and '"at://' in text):
            return "bluesky"
        if '"data"' in text and ('"includes"' in text or '"author_id"' in text):
            return "x"
        if any(f'"{kind}' in text for kind in YOUTUBE_KINDS):
            return "youtube"
        if '"videos"' in text and '"create_time"' in text:
            return "tiktok"
        if '"result"' in text and '"posts"' in text and '"platformId"' in text:
            return "crowdtangle"  # a CrowdTangle API page, saved with indent
    if text.startswith("[") and _apify_array(path, text[:SNIFF_BYTES]):
        return "apify"  # Apify's "Export dataset" JSON: one indented array
    if text.startswith(("[", "{")) and _telethon_text(text[:SNIFF_BYTES]):
        return "telethon"  # Telethon messages, as a pretty-printed array
    if text.startswith(("[", "{")) and text_shape(text):
        return text_shape(text)
    if text.startswith("["):
        if '"account"' in text and '"content"' in text and '"uri"' in text:
            return "mastodon"
        if '"video_description"' in text:
            return "tiktok"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if text.startswith("["):
        shape = _array_shape(path)
        if shape is not None:
            return shape
    if text.startswith("{"):
        from vigie.ingest.json_array import wrapped_key

        if wrapped_key(path) is not None:  # {"data": [records], ...}: a saved API response
            return "jsonl"
    raise InputError(
        f"{UNTOLD}; pass --format "
        f"({', '.join(f for f in FORMATS if f not in ('auto', 'accounts'))})",
        file=str(path),
    )
