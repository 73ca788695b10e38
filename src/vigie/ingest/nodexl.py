"""NodeXL's Twitter networks: the ``Edges`` sheet of a NodeXL workbook, as .xlsx or CSV.

Why a reader of its own: NodeXL (the Social Media Research Foundation's Excel add-in) is how
many communication scholars, newsrooms and NGOs collected election hashtags on X
(2010-2023), and its workbooks, shared on the NodeXL Graph Gallery, are a shape of X data
analysts still hold. Its ``Edges`` sheet is no table of tweets: each tweet is a row per
relationship it makes (``Relationship``: ``Replies to`` and ``Mentions`` an edge per account
replied to or mentioned, ``Retweet`` and ``MentionsInRetweet`` in NodeXL Pro, and a
self-loop ``Tweet`` for a tweet that does neither), ``Vertex 1`` its author's screen name,
``Vertex 2`` the other end; the tweet's columns (``Tweet``, ``URLs in Tweet``, ``Domains in
Tweet``, ``Hashtags in Tweet``, ``Media in Tweet``, ``Tweet Date (UTC)``, ``Twitter Page
for Tweet``, ``Imported ID``, ``In-Reply-To Tweet ID``...) repeat on each. Above the header,
the sheet has a row of column groups (``Visual Properties``, ``Labels``...): the header is
the row, among the first ones, holding ``Vertex 1``, ``Vertex 2``, ``Relationship`` and
``Tweet``.

Mapping: a tweet is read once, from its first row (its other rows are counted as skipped:
"another edge of a tweet already read"); rows with no tweet (a ``Follows`` edge) are
skipped and counted too. The post id is ``Imported ID`` (NodeXL writes it after a quote,
``'1790...``, so that Excel keeps it as text), else the number in ``Twitter Page for
Tweet``. The time is the one X's id holds (a tweet id since November 2010 carries its
millisecond: NodeXL's ``Tweet Date (UTC)``, once through Excel, often keeps the minute only),
else ``Tweet Date (UTC)`` or ``Relationship Date (UTC)`` (ISO 8601, or Excel's US
``month/day/year hour:minute``). The account is ``handle:<Vertex 1>``: the sheet names
accounts by screen name, not by X's account id. Links are ``URLs in Tweet`` (NodeXL
expanded them; space-separated), hashtags ``Hashtags in Tweet``, media ``Media in Tweet``,
mentions the handles the text names (NodeXL draws a mention edge only towards accounts of
its network). ``In-Reply-To Tweet ID`` is the reply's target; NodeXL Pro's ``Quoted Status
ID`` the quoted post; ``Language`` (X's guess of the tweet's) its language. Retweets keep X's
text ``RT @author: ...``: the detection reads them as reposts of the post they name
(``general.text_reposts``), as for TAGS.

The ``Vertices`` sheet (``--format nodexl-vertices``, or ``--sheet Vertices`` of the
workbook) gives the accounts' profiles: ``Vertex`` (the screen name, keyed ``handle:`` as
above), ``Name``, ``Followers``, ``Followed`` (following), ``Tweets``, ``Description`` and
``Joined Twitter Date (UTC)`` (the creation date the creation-burst detector reads).
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest import csv_rows
from vigie.ingest.ira538 import STATUS_RE
from vigie.ingest.jsonlines import MAX_RECORD_BYTES
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    Missing,
    Skip,
    as_int,
    profile_time,
    read_items,
    text_post,
    time_of,
)
from vigie.ingest.snowflake import time_of_id
from vigie.ingest.urls import clean_hashtags, urls_in_text
from vigie.ingest.x_csv import _media
from vigie.ingest.x_v1 import tweet_lang

FORMAT = "nodexl"
NEEDS = ("Vertex 1", "Vertex 2", "Relationship", "Tweet")
IDS = ("Imported ID", "Twitter Page for Tweet")
HEAD_ROWS = 5
"""Rows looked at for the header: NodeXL puts one row of column groups above it."""
DIGITS = re.compile(r"\d+")
PROFILE = frozenset(
    {"Followed", "Followers", "Tweets", "Description", "Joined Twitter Date (UTC)", "Location"}
)
_US_TIMES = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p")


def is_nodexl(header: list[str]) -> bool:
    return csv_rows.has_columns(header, NEEDS, IDS)


def is_vertices(header: list[str]) -> bool:
    """A NodeXL Twitter network's ``Vertices`` sheet: ``Vertex`` and two of the profile
    columns NodeXL's Twitter importers add."""
    names = csv_rows.names(header)
    return "Vertex" in names and len(PROFILE & names) >= 2 and "Vertex 1" not in names


def locate(path: Path, test: Callable[[list[str]], bool] = is_nodexl) -> int | None:
    """Rows above the header of a NodeXL sheet (``Edges`` by default) saved as CSV; None
    when none of its first ``HEAD_ROWS`` rows is one."""
    csv.field_size_limit(MAX_RECORD_BYTES)
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            for i, row in enumerate(csv.reader(fh)):
                if i >= HEAD_ROWS:
                    break
                if test(row):
                    return i
    except (OSError, csv.Error):
        return None
    return None


def _id(value: str | None) -> str | None:
    """An id cell: NodeXL writes ``'123`` so that Excel keeps it as text."""
    if value is None:
        return None
    value = value.strip().lstrip("'").strip()
    return value if DIGITS.fullmatch(value) else None


def _post_id(row: dict[str, Any]) -> str:
    found = _id(csv_rows.cell(row, "Imported ID"))
    if found is not None:
        return found
    page = STATUS_RE.search(csv_rows.cell(row, "Twitter Page for Tweet") or "")
    if page is not None:
        return page.group(1)
    given = csv_rows.cell(row, "Imported ID")
    if given is None:
        raise Missing("Imported ID")
    raise BadField("Imported ID", f"not a tweet id (rounded by a spreadsheet?): {given[:40]!r}")


def _time(row: dict[str, Any], post_id: str) -> datetime:
    """The time X's id holds, else the sheet's date (module doc)."""
    exact = time_of_id(post_id)
    if exact is not None:
        return exact
    name = next(
        (c for c in ("Tweet Date (UTC)", "Relationship Date (UTC)") if csv_rows.cell(row, c)),
        None,
    )
    if name is None:
        raise Missing("Tweet Date (UTC)")
    return _date(csv_rows.cell(row, name) or "", name)


def _date(value: str, name: str) -> datetime:
    """A NodeXL date: ISO 8601, or Excel's US ``month/day/year hour:minute``."""
    for fmt in _US_TIMES:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return time_of(value, name)


def _words(row: dict[str, Any], name: str) -> list[str]:
    return (csv_rows.cell(row, name) or "").split()


class _Reader:
    """Maps rows; remembers the tweets read, whose further rows are other edges of them."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def one(self, row: Any) -> Mapped:
        row = csv_rows.whole(row)
        text = row.get("Tweet")
        if not isinstance(text, str) or not text.strip():
            kind = csv_rows.cell(row, "Relationship") or "an edge"
            raise Skip(f"nodexl: a {kind!r} edge with no tweet")
        post_id = _post_id(row)
        if post_id in self.seen:
            raise Skip("nodexl: another edge of a tweet already read")
        handle = csv_rows.cell(row, "Vertex 1")
        if handle is None:
            raise Missing("Vertex 1")
        handle = handle.lstrip("@")
        urls = csv_rows.cell(row, "URLs in Tweet")
        post = text_post(
            "x",
            post_id,
            f"handle:{handle}",
            _time(row, post_id),
            html.unescape(text),  # X's API text: &amp; &lt; &gt; escaped, as x_v1 reads it
            reply_to=_id(csv_rows.cell(row, "In-Reply-To Tweet ID")),
            urls=urls_in_text(urls) if urls else None,
            hashtags=clean_hashtags([h.lstrip("#") for h in _words(row, "Hashtags in Tweet")])
            if csv_rows.cell(row, "Hashtags in Tweet")
            else None,
            media=_media(_words(row, "Media in Tweet")),
        )
        post["quote_of"] = _id(csv_rows.cell(row, "Quoted Status ID"))
        post["lang"] = tweet_lang(csv_rows.cell(row, "Language"))
        self.seen.add(post_id)
        account = {"account_id": f"handle:{handle}", "platform": "x", "handle": handle}
        return [post], [account]


def _vertex(row: Any) -> Mapped:
    """A ``Vertices`` row: the account's profile, keyed as the ``Edges`` sheet's posts are."""
    row = csv_rows.whole(row)
    handle = csv_rows.cell(row, "Vertex")
    if handle is None:
        raise Missing("Vertex")
    handle = handle.lstrip("@")
    joined = csv_rows.cell(row, "Joined Twitter Date (UTC)")
    account = {
        "account_id": f"handle:{handle}",
        "platform": "x",
        "handle": handle,
        "display_name": csv_rows.cell(row, "Name"),
        "created_at": profile_time(joined, "Joined Twitter Date (UTC)", _date),
        "followers": as_int(csv_rows.cell(row, "Followers")),
        "following": as_int(csv_rows.cell(row, "Followed")),
        "posts_count": as_int(csv_rows.cell(row, "Tweets")),
        "description": csv_rows.cell(row, "Description"),
    }
    return [], [account]


def read_vertices(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield the accounts of a NodeXL ``Vertices`` sheet saved as CSV (or the CSV ``xlsx.py``
    wrote of it): accounts only, like an X users file."""
    above = locate(path, is_vertices)
    if above is None:
        raise InputError(
            f"not a NodeXL vertices sheet: none of its first {HEAD_ROWS} rows holds the column "
            f"Vertex and two of {', '.join(sorted(PROFILE))}",
            file=str(path),
        )
    values = csv_rows.rows(path, above=above, strip=True)
    return read_items(path, lambda v: [v], _vertex, "NodeXL vertex", values=values)


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a NodeXL ``Edges`` sheet saved as CSV (or the CSV
    ``xlsx.py`` wrote of it)."""
    above = locate(path)
    if above is None:
        raise InputError(
            f"not a NodeXL edges sheet: none of its first {HEAD_ROWS} rows holds the columns "
            f"{', '.join(NEEDS)} and one of {', '.join(IDS)}; read it as a generic table with "
            "--format csv and --map",
            file=str(path),
        )
    values = csv_rows.rows(path, above=above, strip=True)
    return read_items(path, lambda v: [v], _Reader().one, "NodeXL edge", values=values)
