"""Mention exports of the commercial social-listening tools: Brandwatch Consumer Research,
Meltwater Explore and Talkwalker (``--format brandwatch``, ``meltwater``, ``talkwalker``, or
told from the header by ``--format auto``).

Why: election-protection agencies, NGOs and fact-checkers often collect through these tools
rather than platform APIs, and export the mentions as CSV or XLSX. vigie used to read such a
file only as a generic table, refused until the analyst wrote a ``--map`` by hand; each
tool's columns are fixed and documented enough to read them here, one table of column names
per tool (``LAYOUTS``), with the same rules for all three:

- **Reading.** The file goes through the shared CSV machinery: ``tabular.csv_dialect`` sniffs
  the encoding (a UTF-16 byte-order mark: Meltwater's tab-separated export) and the delimiter;
  the header is the first of the first ``MAX_PREAMBLE + 1`` rows that holds the tool's columns,
  so a report's preamble above it (Brandwatch's ``Report:``/``Brand:``/``From:``/``To:``/
  ``Label:`` lines) is skipped; rows come from ``csv_rows.rows``. A workbook (``.xlsx``) is
  first written as the CSV of its sheet by ``xlsx.py``, and read the same way.
- **Platform.** From the post URL's host when it is a platform's (``twitter.com``/``x.com``
  -> ``x``, ``facebook.com``, ``instagram.com``, ``tiktok.com``, ``youtube.com``/``youtu.be``,
  ``reddit.com``, ``t.me``, ``bsky.app``, ``threads.net``, ``vk.com``), else from the tool's
  type column when it names one (Brandwatch ``Page Type``, Meltwater ``Source``/``Source
  Type``, Talkwalker ``source_type`` such as ``MESSAGEBOARD_REDDIT``), else ``web``: news,
  blogs, forums, reviews.
- **Post id.** The platform's own id when the URL holds it, so that a post collected through
  a listening tool and the same post read from the platform's API are one post in the
  Dataset: an X post's ``/status/<id>``, a Reddit ``/comments/<id>/<slug>/<comment id>`` as
  its fullname (``t3_``/``t1_``, as the Pushshift reader keys it), a YouTube video's ``v=`` (a
  comment's ``lc=``), a TikTok ``/video/<id>``, a Bluesky ``/profile/<did>/post/<rkey>`` as its
  ``at://`` URI. Else the tool's column of the platform's id (Meltwater ``Tweet Id``), else
  the post's URL as written (Facebook and Instagram posts, as the CrowdTangle reader keys
  them; news articles). No URL and no id: the row is refused naming the URL column.
- **Account.** On a platform: the platform's author id when the export has it (Brandwatch
  ``X Author ID``/``Twitter Author ID``, ``Facebook Author ID``, ``Bluesky Author Id``), else
  the handle (Brandwatch ``Author``, Meltwater ``Twitter Screen Name``/``Author Handle``/
  ``Influencer``, Talkwalker ``extra_author_attributes.short_name``, else ``.name``) without
  its ``@``; neither: the row is refused naming the handle column. Talkwalker's own author ids
  (``ex:www.reddit.com-2059255041``) and Meltwater's ``Twitter Id`` (not documented as the
  author's) are not used. On the ``web``: the row is kept, and its account is the **site**
  (the URL's host without ``www.``, else the tool's domain column): a publication speaks as
  one account, and bylines are no identities shared across sites; so every news, blog and
  forum row is counted among the posts, none is dropped, and a forum's users are one account.
- **Time.** Each tool's documented form, read exactly, never guessed: Brandwatch ``Date`` in
  ISO 8601 (``2024-01-15 09:30:00.0``, UTC unless it says otherwise); Meltwater ``Date`` as
  ``15-Jan-2024 09:30AM`` (day, English month abbreviation, year; else the date with the
  ``Time`` column, else ``Alternate Date Format`` ``15-Jan-24`` with ``Time``; ISO 8601 too, as
  a workbook writes it), read as UTC: the export is in the account's time zone, which it does
  not name; Talkwalker ``published`` in epoch milliseconds (its API's documented unit) or ISO
  8601. Any other form (``01/02/2024``, where day and month cannot be told apart) refuses the
  row naming the column, as does a date without a time of day.
- **Entities.** URLs = the tool's link column (Brandwatch ``Expanded URLs``, Meltwater
  ``Links``, Talkwalker ``entity_urls``) and the links of the text (an X text's ``t.co``
  wrappers left out), keyed as the platform's own reader keys them; hashtags and mentions =
  the tool's column when filled (Brandwatch ``Hashtags``/``Mentioned Authors``, Meltwater
  ``Hashtags``), else read from the text; media = the media URL column (Brandwatch ``Media
  URLs``, Meltwater ``Image``, Talkwalker ``images.url``), an X video by its media id
  (``x_media``); lang = the language column when it holds a code (``en``, ``pt-BR``; a name
  such as ``English`` is no code and is left out).
- **Relations.** Brandwatch: ``Engagement Type`` (``RETWEET``, ``QUOTE``, ``REPLY``) or
  ``Thread Entry Type`` (``share``/``retweet``, ``reply``/``comment``, ``quote``) says which;
  the target is ``X Repost of``/``Twitter Retweet of`` (a repost, a quote) or ``X Reply to``/
  ``Twitter Reply to`` (a reply), else the thread's first post (``Thread URL``, else ``Thread
  Id``), keyed by the post-id rule above. Talkwalker: a ``parent_url`` other than the post's
  own is the post it replies to (its documented thread link). Meltwater's exports name no
  relation: none is read.

Sources followed (column names and values, not code): Brandwatch's mention field definitions
(developers.brandwatch.com/docs/mention-metadata-field-definitions) and exports' headers as
read by public analysis code (``Query Id, Query Name, Date, Title, Url, Domain, Sentiment,
Page Type, ... Author, ... Expanded URLs, ... Full Name, Full Text, ... Hashtags, ... Media
URLs, Mentioned Authors, ... Resource Id, ... Thread Author, Thread Created Date, Thread Entry
Type, Thread Id, Thread URL, ... Twitter Author ID, ... Twitter Followers, Twitter Following,
Twitter Reply Count, Twitter Reply to, Twitter Retweet of, ...``, the ``Report:``/``Brand:``/
``From:``/``To:``/``Label:`` preamble, and the 2024 renaming to ``X Author ID``, ``X Followers``,
``X Repost of``, ``X Reply to``); Meltwater Explore exports' headers (``Date, Headline, URL,
Opening Text, Hit Sentence, Source, Influencer, Country, Subregion, Language, Reach, ...,
Tweet Id, Twitter Id, Twitter Client, Twitter Screen Name, Twitter User Profile Url, Twitter
Bio, Twitter Followers, Twitter Following, Alternate Date Format, Time, State, City, Document
Tags``; the later ``Date, Time, Document ID, URL, ..., Source Type, Source Name, Source
Domain, Content Type, Author Name, Author Handle, Title, Opening Text, Hit Sentence, Image,
Hashtags, Links, ...``), read as UTF-16 tab-separated text by the code that uses them, with
dates such as ``16-Oct-2025`` and ``07:38PM``; Talkwalker's document fields
(developer.talkwalker.com: ``url``, ``published`` in epoch milliseconds, ``title``,
``content``, ``lang``, ``source_type``, ``post_type``, ``parent_url``,
``extra_author_attributes.id/name/short_name``, ``extra_source_attributes.name``) and its
exports' dotted columns (``entity_urls``, ``images.url``, ``host_url``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from vigie.errors import InputError, VigieError
from vigie.ingest import csv_rows, x_media
from vigie.ingest.csv_preamble import MAX_PREAMBLE
from vigie.ingest.csv_rows import cell
from vigie.ingest.jsonlines import MAX_RECORD_BYTES
from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, Mapped, Missing, read_items, time_of
from vigie.ingest.urls import (
    canonical_url,
    clean_hashtags,
    clean_mentions,
    hashtags_in_text,
    mentions_in_text,
    raw_urls_in_text,
)
from vigie.ingest.x_v2 import _link_key

Row = dict[str, Any]
WEB = "web"
"""The platform of a row on no platform vigie knows: news, blogs, forums, reviews."""

HOSTS = {
    "twitter.com": "x",
    "x.com": "x",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.watch": "facebook",
    "instagram.com": "instagram",
    "tiktok.com": "tiktok",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "reddit.com": "reddit",
    "redd.it": "reddit",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "bsky.app": "bluesky",
    "threads.net": "threads",
    "vk.com": "vk",
}
"""A post URL's host (or a parent domain of it: ``old.reddit.com``) -> the platform."""

NAMES = {
    "twitter": "x",
    "x": "x",
    "facebook": "facebook",
    "instagram": "instagram",
    "tiktok": "tiktok",
    "youtube": "youtube",
    "reddit": "reddit",
    "telegram": "telegram",
    "bluesky": "bluesky",
    "threads": "threads",
    "vk": "vk",
    "vkontakte": "vk",
}
"""A type column's value (or the last ``_`` part of one: ``SOCIAL_TWITTER``) -> the platform."""


@dataclass(frozen=True)
class Layout:
    """One tool's export: the columns each canonical field is read from, in order of
    preference (a tool renamed some across versions; the first filled one is read)."""

    fmt: str
    tool: str
    needs: tuple[str, ...]  # all in the header
    any_of: tuple[str, ...]  # and one of these: together they tell the export apart
    url: tuple[str, ...]
    kind: tuple[str, ...]
    time: Callable[[Row], datetime]
    text: tuple[str, ...]
    handle: tuple[str, ...]
    display_name: tuple[str, ...] = ()
    author_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    post_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    site: tuple[str, ...] = ()
    site_name: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    media: tuple[str, ...] = ()
    followers: tuple[str, ...] = ()
    following: tuple[str, ...] = ()
    posts_count: tuple[str, ...] = ()
    description: tuple[str, ...] = ()
    relations: Callable[[Row, str, str], dict[str, str | None]] | None = None

    def matches(self, header: list[str]) -> bool:
        cols = set(header)
        return set(self.needs) <= cols and bool(cols & set(self.any_of))


# --- platforms, hosts and ids -----------------------------------------------------------------


def host_of(value: str | None) -> str | None:
    """The host of a URL or a bare domain, lower-case, without ``www.``; None for neither."""
    if not value or not value.strip():
        return None
    v = value.strip()
    try:
        host = urlsplit(v if "://" in v else "//" + v).hostname
    except ValueError:  # an unbalanced IPv6 bracket
        return None
    return host.removeprefix("www.") if host and "." in host else None


def platform_of_host(host: str | None) -> str | None:
    """The platform whose domain ``host`` is, or is under (``m.facebook.com``)."""
    while host:
        if host in HOSTS:
            return HOSTS[host]
        host = host.partition(".")[2]
    return None


def platform_of_kind(value: str | None) -> str | None:
    """The platform a type column names: ``twitter``, ``Twitter``, ``SOCIAL_TWITTER``, or a
    list of such (``[MESSAGEBOARD, MESSAGEBOARD_REDDIT]``); a multi-word name (a publication
    called "X Factor News") is no platform."""
    for token in re.split(r"[,;|\[\]\"']+", value or ""):
        word = token.strip().lower()
        if not word:
            continue
        found = NAMES.get(word) or NAMES.get(word.rpartition("_")[2])
        if found:
            return found
    return None


_X_STATUS = re.compile(r"/status(?:es)?/(\d{1,20})(?:[/?#]|$)")
_REDDIT = re.compile(r"/comments/([a-z0-9]+)(?:/[^/?#]*(?:/([a-z0-9]+))?)?", re.I)
_TIKTOK = re.compile(r"/video/(\d{1,20})(?:[/?#]|$)")
_YOUTUBE_PATH = re.compile(r"^/(?:shorts|embed|live)/([A-Za-z0-9_-]{11})(?:[/?#]|$)")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_BLUESKY = re.compile(r"^/profile/(did:[a-z]+:[A-Za-z0-9._:%-]+)/post/([A-Za-z0-9]+)/?$")


def platform_id(platform: str, url: str) -> str | None:
    """The platform's own id of the post at ``url``, in the form vigie's reader of that
    platform keys it; None when the URL holds none (a Facebook post, an article)."""
    try:
        parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    except ValueError:
        return None
    path = parts.path
    if platform == "x":
        m = _X_STATUS.search(path)
        return m.group(1) if m else None
    if platform == "reddit":
        if (parts.hostname or "").endswith("redd.it") and path.strip("/").isalnum():
            return "t3_" + path.strip("/").lower()
        m = _REDDIT.search(path)
        if not m:
            return None
        return f"t1_{m.group(2).lower()}" if m.group(2) else f"t3_{m.group(1).lower()}"
    if platform == "youtube":
        return _youtube_id(parts.hostname or "", path, parts.query)
    if platform == "tiktok":
        m = _TIKTOK.search(path)
        return m.group(1) if m else None
    if platform == "bluesky":
        m = _BLUESKY.match(path)
        return f"at://{m.group(1)}/app.bsky.feed.post/{m.group(2)}" if m else None
    return None


def _youtube_id(host: str, path: str, query: str) -> str | None:
    """A comment's id (``lc=``), else the video's (``v=``, ``youtu.be/<id>``, ``/shorts/``)."""
    q = parse_qs(query)
    if q.get("lc"):
        return q["lc"][0]
    if q.get("v") and _YOUTUBE_ID.fullmatch(q["v"][0]):
        return q["v"][0]
    if host.endswith("youtu.be") and _YOUTUBE_ID.fullmatch(path.strip("/")):
        return path.strip("/")
    m = _YOUTUBE_PATH.match(path)
    return m.group(1) if m else None


def ref_id(platform: str, value: str | None) -> str | None:
    """The post id of a referenced post (a URL, or an id as the export writes it), by the
    same rule as a row's own post id, so that a reply points at its parent's row."""
    if not value:
        return None
    v = value.strip()
    if "/" not in v:
        return v
    return platform_id(platform_of_host(host_of(v)) or platform, v) or v


# --- cells ------------------------------------------------------------------------------------

_LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,4})?")
_LIST_SPLIT = re.compile(r"[\s,;|\[\]\"']+")


def _items(row: Row, cols: tuple[str, ...]) -> list[str]:
    """The words of the list cells ``cols`` (``#a, #b``, ``[a; b]``, ``a b``)."""
    out: list[str] = []
    for c in cols:
        out += [w for w in _LIST_SPLIT.split(row.get(c) or "") if w]
    return out


def _links(row: Row, cols: tuple[str, ...]) -> list[str]:
    """The URLs written in the cells ``cols``, whatever separates them (ural finds them)."""
    return [u for c in cols for u in raw_urls_in_text(row.get(c) or "")]


def _count(value: str | None) -> int | None:
    """A count as the tools write it: ``1234``, ``1,234``, ``1234.0`` (a workbook's)."""
    if not value:
        return None
    v = value.replace(",", "").replace(" ", "").replace("\u202f", "")
    if v.isdigit():
        return int(v)
    m = re.fullmatch(r"(\d+)\.0*", v)
    return int(m.group(1)) if m else None


def _name(row: Row, cols: tuple[str, ...]) -> str:
    """The column a refusal names: the first of ``cols`` the header has."""
    return next((c for c in cols if c in row), cols[0])


def _handle(value: str | None) -> str | None:
    return (value or "").strip().lstrip("@").strip() or None


# --- times ------------------------------------------------------------------------------------

MONTH_ABBREVIATIONS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
"""English, as Meltwater writes them whatever the reader's locale (not ``calendar``'s, which
follows the locale)."""
MONTHS = {m: i for i, m in enumerate(MONTH_ABBREVIATIONS, 1)}
_DAY = r"(\d{1,2})-([A-Za-z]{3})-(\d{4}|\d{2})"
_CLOCK = r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?"
_TEXT_DAY = re.compile(_DAY + r"(?:\s+" + _CLOCK + ")?")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_CLOCK_ONLY = re.compile(_CLOCK)


def _clock(groups: tuple[str | None, ...], name: str, value: str) -> tuple[int, int, int]:
    """Hours, minutes, seconds of a clock match (12-hour when it says AM/PM)."""
    hour, minute, second = int(groups[0] or 0), int(groups[1] or 0), int(groups[2] or 0)
    meridiem = (groups[3] or "").upper()
    if meridiem:
        if not 1 <= hour <= 12:
            raise BadField(name, f"not a 12-hour time: {value!r}")
        hour = hour % 12 + (12 if meridiem == "PM" else 0)
    return hour, minute, second


def _utc(y: int, mo: int, d: int, clock: tuple[int, int, int], name: str, value: str) -> Any:
    try:
        return time_of(datetime(y, mo, d, *clock, tzinfo=UTC), name)
    except ValueError as exc:  # 31-Feb, 25:00
        raise BadField(name, f"not a date: {value!r} ({exc})") from None


def _day_and_time(day: str, time: str | None, name: str) -> Any:
    """A Meltwater day (``15-Jan-2024``, ``15-Jan-24``, ``2024-01-15``) with the time of day
    written with it or in ``time``; refused when there is no time of day at all."""
    m = _TEXT_DAY.fullmatch(day)
    iso = _ISO_DAY.fullmatch(day)
    if m:
        month = MONTHS.get(m.group(2).lower())
        if month is None:
            raise BadField(name, f"unknown month {m.group(2)!r} in {day!r}")
        y, d = int(m.group(3)), int(m.group(1))
        y += 2000 if y < 100 else 0
        clock_groups: tuple[str | None, ...] | None = m.groups()[3:] if m.group(4) else None
    elif iso:
        y, month, d = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
        clock_groups = None
    elif day[4:5] == "-" and day[:4].isdigit():
        return time_of(day, name)  # ISO 8601 with its time (a workbook's cell)
    else:
        raise BadField(
            name,
            f"not a Meltwater date (15-Jan-2024 09:30AM) nor ISO 8601: {day!r}; a date such "
            "as 01/02/2024 cannot be read without guessing which of day and month comes first",
        )
    if clock_groups is None:
        c = _CLOCK_ONLY.fullmatch(time or "")
        if c is None:
            said = f"nor in 'Time' ({time!r})" if time else "and no 'Time' column holds it"
            raise BadField(name, f"no time of day in {day!r} {said}")
        clock_groups = c.groups()
    return _utc(y, month, d, _clock(clock_groups, name, day), name, day)


def meltwater_time(row: Row) -> Any:
    """``Date`` (with ``Time`` when it holds no time), else ``Alternate Date Format`` with
    ``Time``; read as UTC (the export names no zone)."""
    day = cell(row, "Date")
    if day is not None:
        return _day_and_time(day, cell(row, "Time"), "Date")
    alt = cell(row, "Alternate Date Format")
    if alt is not None:
        return _day_and_time(alt, cell(row, "Time"), "Alternate Date Format")
    raise Missing("Date")


def brandwatch_time(row: Row) -> Any:
    """``Date`` in ISO 8601 (``2024-01-15 09:30:00.0``); naive times are UTC."""
    v = cell(row, "Date")
    if v is None:
        raise Missing("Date")
    if not (v[4:5] == "-" and v[:4].isdigit()):
        raise BadField(
            "Date",
            f"not an ISO 8601 time as Brandwatch writes it (2024-01-15 09:30:00.0): {v!r}; "
            "a spreadsheet that re-saved the export may have rewritten it (15/01/2024, "
            "1/15/24), which cannot be read without guessing: export it again",
        )
    return time_of(v, "Date")


def talkwalker_time(row: Row) -> Any:
    """``published`` in epoch milliseconds (Talkwalker's documented unit) or ISO 8601."""
    v = cell(row, "published")
    if v is None:
        raise Missing("published")
    if v.isdigit():
        try:  # more digits than any time in milliseconds: refused before the float overflows
            return time_of(int(v) / 1000 if len(v) <= 16 else -1, "published")
        except BadField:
            raise BadField("published", f"milliseconds out of range 1990-2100: {v!r}") from None
    if v[4:5] == "-" and v[:4].isdigit():
        return time_of(v, "published")
    raise BadField("published", f"not epoch milliseconds (Talkwalker's unit) nor ISO 8601: {v!r}")


# --- relations --------------------------------------------------------------------------------

REPOST_WORDS = frozenset({"share", "retweet", "repost", "reshare"})
REPLY_WORDS = frozenset({"reply", "comment"})
QUOTE_WORDS = frozenset({"quote"})


def brandwatch_relations(row: Row, platform: str, post_id: str) -> dict[str, str | None]:
    """``repost_of``, ``reply_to``, ``quote_of`` from the entry's type and its targets."""
    words = {(row.get(c) or "").strip().lower() for c in ("Engagement Type", "Thread Entry Type")}
    shared = cell(row, "X Repost of", "Twitter Retweet of")
    replied = cell(row, "X Reply to", "Twitter Reply to")
    thread = cell(row, "Thread URL", "Thread Id")
    out: dict[str, str | None] = {"repost_of": None, "reply_to": None, "quote_of": None}
    if words & QUOTE_WORDS:
        out["quote_of"] = ref_id(platform, shared or thread)
    elif words & REPOST_WORDS or (shared and not words & REPLY_WORDS):
        out["repost_of"] = ref_id(platform, shared or thread)
    elif words & REPLY_WORDS or replied:
        out["reply_to"] = ref_id(platform, replied or thread)
    return {k: (None if v == post_id else v) for k, v in out.items()}


def talkwalker_relations(row: Row, platform: str, post_id: str) -> dict[str, str | None]:
    """A ``parent_url`` other than the post's own: the post it replies to."""
    parent = ref_id(platform, cell(row, "parent_url"))
    own = cell(row, "url")
    if parent in (None, post_id) or cell(row, "parent_url") == own:
        return {}
    return {"reply_to": parent}


# --- the tools --------------------------------------------------------------------------------

BRANDWATCH = Layout(
    fmt="brandwatch",
    tool="Brandwatch",
    needs=("Date", "Url", "Page Type"),
    any_of=("Query Id", "Query Name", "Full Text", "Resource Id"),
    url=("Url",),
    kind=("Page Type", "Content Source Name"),
    time=brandwatch_time,
    text=("Full Text", "Snippet", "Title"),
    handle=("Author",),
    display_name=("Full Name",),
    author_ids={
        "x": ("X Author ID", "Twitter Author ID"),
        "facebook": ("Facebook Author ID",),
        "bluesky": ("Bluesky Author Id",),
    },
    site=("Domain",),
    lang=("Language",),
    urls=("Expanded URLs",),
    hashtags=("Hashtags",),
    mentions=("Mentioned Authors",),
    media=("Media URLs",),
    followers=("X Followers", "Twitter Followers", "Instagram Followers"),
    following=("X Following", "Twitter Following", "Instagram Following"),
    posts_count=("Twitter Tweets", "Instagram Posts"),
    relations=brandwatch_relations,
)
MELTWATER = Layout(
    fmt="meltwater",
    tool="Meltwater",
    needs=("Date", "URL", "Hit Sentence"),
    any_of=("Influencer", "Author Handle", "Opening Text"),
    url=("URL",),
    kind=("Source Type", "Source"),
    time=meltwater_time,
    text=("Hit Sentence", "Opening Text", "Headline", "Title"),
    handle=("Twitter Screen Name", "Author Handle", "Influencer"),
    display_name=("Author Name",),
    post_ids={"x": ("Tweet Id",)},
    site=("Source Domain",),
    site_name=("Source Name", "Source"),
    lang=("Language",),
    urls=("Links",),
    hashtags=("Hashtags",),
    media=("Image",),
    followers=("Twitter Followers",),
    following=("Twitter Following",),
    description=("Twitter Bio",),
)
TALKWALKER = Layout(
    fmt="talkwalker",
    tool="Talkwalker",
    needs=("url", "published", "content"),
    any_of=(
        "source_type",
        "post_type",
        "extra_author_attributes.name",
        "extra_source_attributes.name",
    ),
    url=("url",),
    kind=("source_type",),
    time=talkwalker_time,
    text=("content", "title"),
    handle=("extra_author_attributes.short_name", "extra_author_attributes.name"),
    display_name=("extra_author_attributes.name",),
    site=("host_url", "domain_url"),
    site_name=("extra_source_attributes.name",),
    lang=("lang",),
    urls=("entity_urls",),
    media=("images.url",),
    relations=talkwalker_relations,
)
LAYOUTS = {layout.fmt: layout for layout in (BRANDWATCH, MELTWATER, TALKWALKER)}
FORMATS = tuple(LAYOUTS)


# --- one row ----------------------------------------------------------------------------------


def _platform(row: Row, layout: Layout) -> str:
    by_host = platform_of_host(host_of(cell(row, *layout.url)))
    return by_host or platform_of_kind(cell(row, *layout.kind)) or WEB


def _post_id(row: Row, layout: Layout, platform: str) -> str:
    url = cell(row, *layout.url)
    own = platform_id(platform, url) if url else None
    pid = own or cell(row, *layout.post_ids.get(platform, ())) or url
    if pid is None:
        raise Missing(_name(row, layout.url))
    return pid


def _account(row: Row, layout: Layout, platform: str) -> Row:
    """The account row: the author on a platform, the site on the web (see the module)."""
    if platform == WEB:
        site = host_of(cell(row, *layout.url)) or host_of(cell(row, *layout.site))
        if site is None:
            raise Missing(_name(row, layout.site or layout.url))
        return {"account_id": site, "platform": WEB, "display_name": cell(row, *layout.site_name)}
    handle = _handle(cell(row, *layout.handle))
    account = cell(row, *layout.author_ids.get(platform, ())) or handle
    if account is None:
        raise Missing(_name(row, layout.handle))
    return {
        "account_id": account,
        "platform": platform,
        "handle": handle,
        "display_name": cell(row, *layout.display_name),
        "followers": _count(cell(row, *layout.followers)),
        "following": _count(cell(row, *layout.following)),
        "posts_count": _count(cell(row, *layout.posts_count)),
        "description": cell(row, *layout.description),
    }


def _entities(row: Row, layout: Layout, platform: str, text: str) -> Row:
    """urls, hashtags, mentions and media of a row (see the module)."""
    key = _link_key if platform == "x" else canonical_url
    in_text = raw_urls_in_text(text)
    if platform == "x":  # X's t.co wrappers of the links, which the link column expands
        in_text = [u for u in in_text if host_of(u) != "t.co"]
    links = _links(row, layout.urls) + in_text
    tags = _items(row, layout.hashtags)
    named = _items(row, layout.mentions)
    media = [x_media.key_of_url(u) or canonical_url(u) for u in _links(row, layout.media)]
    return {
        "urls": list(dict.fromkeys(k for k in map(key, links) if k)),
        "hashtags": clean_hashtags(tags) if tags else hashtags_in_text(text),
        "mentions": clean_mentions(named) if named else mentions_in_text(text),
        "media": list(dict.fromkeys(m for m in media if m)),
    }


def _lang(row: Row, layout: Layout) -> str | None:
    v = cell(row, *layout.lang)
    return v if v and _LANG.fullmatch(v) else None


def mapper(layout: Layout) -> Callable[[Any], Mapped]:
    """The function mapping one row of ``layout``'s export to a post and its account."""

    def one(row: Any) -> Mapped:
        row = csv_rows.whole(row)
        platform = _platform(row, layout)
        post_id = _post_id(row, layout, platform)
        created = layout.time(row)
        account = _account(row, layout, platform)
        text = cell(row, *layout.text) or ""
        post: Row = {
            "post_id": post_id,
            "platform": platform,
            "account_id": account["account_id"],
            "created_at": created,
            "text": text or None,
            "lang": _lang(row, layout),
            **_entities(row, layout, platform, text),
            "repost_of": None,
            "reply_to": None,
            "quote_of": None,
        }
        if layout.relations is not None:
            post.update(layout.relations(row, platform, post_id))
        return [post], [account]

    return one


# --- files ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """Where a listening export's header is: its layout, dialect and the rows above it."""

    layout: Layout
    encoding: str
    delimiter: str
    above: int
    header: list[str]


def locate(path: Path) -> Located | None:
    """The tool whose columns a row among the first ``MAX_PREAMBLE + 1`` of ``path`` holds,
    read in its sniffed dialect (the sniffed delimiter first, then the others); None when
    none does or the file cannot be read as text."""
    from vigie.ingest.tabular import DELIMITERS, csv_dialect

    try:
        d = csv_dialect(path)
        enc = "utf-8-sig" if d.encoding == "utf-8" else d.encoding
        csv.field_size_limit(MAX_RECORD_BYTES)
        for delim in dict.fromkeys((d.delimiter, *DELIMITERS)):
            with open(path, encoding=enc, errors="replace", newline="") as fh:
                for i, row in enumerate(csv.reader(fh, delimiter=delim)):
                    if i > MAX_PREAMBLE:
                        break
                    names = [c.strip().lstrip("\ufeff").strip() for c in row]
                    layout = next((lay for lay in LAYOUTS.values() if lay.matches(names)), None)
                    if layout is not None:
                        return Located(layout, enc, delim, i, names)
    except (VigieError, OSError, UnicodeError, csv.Error):
        return None
    return None


def shape(path: Path) -> str | None:
    """``brandwatch``, ``meltwater`` or ``talkwalker`` when ``path`` is such an export (for
    ``--format auto``), else None."""
    found = locate(path)
    return found.layout.fmt if found else None


def _refusal(path: Path, layout: Layout, found: Located | None) -> InputError:
    if found is not None:
        return InputError(
            f"not a {layout.tool} export: its header is a {found.layout.tool} export's; pass "
            f"--format {found.layout.fmt} (or --format auto)",
            file=str(path),
        )
    return InputError(
        f"not a {layout.tool} export: none of its first {MAX_PREAMBLE + 1} rows holds the "
        f"columns {', '.join(layout.needs)} and one of {', '.join(layout.any_of)}; read it as "
        "a generic table with --format csv and --map",
        file=str(path),
    )


def read(path: Path, fmt: str) -> Iterator[Batch]:
    """Yield canonical batches from the ``fmt`` tool's mention export at ``path``."""
    layout = LAYOUTS[fmt]
    found = locate(path)
    if found is None or found.layout is not layout:
        raise _refusal(path, layout, found)
    values = csv_rows.rows(
        path,
        encoding=found.encoding,
        delimiter=found.delimiter,
        above=found.above,
        strip=True,
    )
    return read_items(path, lambda v: [v], mapper(layout), f"{layout.tool} mention", values=values)


def _reader(fmt: str) -> Callable[[Path, str | None], Iterator[Batch]]:
    """``read`` for ``fmt``, as ``sources.READERS`` calls it (``--platform`` is not used:
    each row says its platform)."""

    def read_fmt(path: Path, platform: str | None = None) -> Iterator[Batch]:
        return read(path, fmt)

    return read_fmt


READERS = {fmt: _reader(fmt) for fmt in FORMATS}
"""``--format`` name -> reader, merged into ``sources.READERS``."""
