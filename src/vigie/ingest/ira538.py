"""The Internet Research Agency tweets published by FiveThirtyEight and Clemson University
(github.com/fivethirtyeight/russian-troll-tweets, ``IRAhandle_tweets_*.csv``).

Why a reader of its own: it is the most used dataset of a state-run influence operation
against an election (2,973,371 tweets of 2,848 handles, 2012-2018), and its columns are those
of the Social Studio tool it was harvested with, not Twitter's:
``external_author_id``, ``author`` (the handle), ``content``, ``region``, ``language`` (a
name: ``English``), ``publish_date`` (``10/1/2017 19:58``: month first, UTC, to the minute),
``harvested_date``, ``following``, ``followers``, ``updates``, ``post_type`` (``RETWEET``,
``QUOTE_TWEET`` or empty), ``account_type``, ``retweet`` (0/1), ``account_category``
(``RightTroll``, ``LeftTroll``, ``NewsFeed``, ``HashtagGamer``...), ``new_june_2018``,
``alt_external_id``, ``tweet_id``, ``article_url``, ``tco1_step1``-``tco3_step1``.

Mapping: the post id is ``tweet_id`` (else the last number of ``article_url``: a cut of the
files saved by a spreadsheet holds ``9.1458E+17`` there, which merged eight different
tweets of 100, and dates as ``10/1/17 19:58``, read too). The account id is
``alt_external_id`` (else the user id of ``article_url``): the published
``external_author_id`` went through a spreadsheet and lost its last digits
(``906000000000000000``), which would merge unrelated handles, while
``alt_external_id`` is the id rebuilt from the tweet's URL; when it is missing the account is
the handle, prefixed ``handle:`` so it cannot meet a numeric id. Links are the first redirect
of each t.co link (``tco*_step1``), canonicalised; hashtags and mentions come from the text.
``language`` names are turned into ISO 639-1 codes where they are a known language (else kept
as written). The dataset gives no id for what a retweet or a quote points at: ``post_type``
says only that it is one, so ``repost_of`` and ``quote_of`` stay empty (copypasta compares a
retweet's text like any other, unless it starts with ``RT @``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows, fixed_times
from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, Mapped, Missing, text_post
from vigie.ingest.urls import canonical_urls, tweet_key
from vigie.ingest.x_csv import _count, _id, _val

FORMAT = "ira-538"
COLUMNS = ("external_author_id", "author", "content", "publish_date", "account_category")
STATUS_RE = re.compile(r"/status(?:es)?/(\d+)")
ARTICLE_RE = re.compile(r"twitter\.com/(\d+|[A-Za-z0-9_]+)/status(?:es)?/(\d+)")
"""``article_url``: ``http://twitter.com/<user id>/statuses/<tweet id>``, the exact ids where
a spreadsheet rounded the ``tweet_id`` and ``alt_external_id`` cells (``9.1458E+17``)."""
LANGUAGES = {
    "english": "en",
    "russian": "ru",
    "german": "de",
    "ukrainian": "uk",
    "italian": "it",
    "spanish": "es",
    "arabic": "ar",
    "french": "fr",
    "uzbek": "uz",
    "serbian": "sr",
    "bulgarian": "bg",
    "macedonian": "mk",
    "romanian": "ro",
    "polish": "pl",
    "dutch": "nl",
    "swedish": "sv",
    "norwegian": "no",
    "farsi (persian)": "fa",
    "turkish": "tr",
    "portuguese": "pt",
    "japanese": "ja",
    "hebrew": "he",
    "kazakh": "kk",
    "croatian": "hr",
    "finnish": "fi",
    "czech": "cs",
    "estonian": "et",
    "lithuanian": "lt",
    "latvian": "lv",
    "hungarian": "hu",
    "belarusian": "be",
    "greek": "el",
    "hindi": "hi",
    "indonesian": "id",
    "vietnamese": "vi",
    "tagalog (filipino)": "tl",
    "pushto": "ps",
    "albanian": "sq",
    "slovak": "sk",
    "slovenian": "sl",
    "danish": "da",
    "catalan": "ca",
    "icelandic": "is",
    "korean": "ko",
    "malay": "ms",
    "somali": "so",
    "urdu": "ur",
    "thai": "th",
    "bosnian": "bs",
}
"""The language names the dataset uses, as ISO 639-1 codes (``LANGUAGE UNDEFINED``: none)."""


def is_ira538(header: list[str]) -> bool:
    return set(COLUMNS) <= set(header)


def _time(value: str | None) -> datetime:
    if value is None:
        raise Missing("publish_date")
    fast = fixed_times.us_minute(value)  # the dataset's one shape, without strptime's cost
    if fast is not None:
        return fast
    for pattern in ("%m/%d/%Y %H:%M", "%m/%d/%y %H:%M"):  # the second: a spreadsheet's save
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=UTC)
        except ValueError:
            pass
    raise BadField("publish_date", f"not month/day/year hour:minute: {value[:40]!r}")


def _lang(value: str | None) -> str | None:
    if value is None or value.strip().upper() == "LANGUAGE UNDEFINED":
        return None
    return LANGUAGES.get(value.strip().lower(), value.strip())


def _exact(row: dict[str, Any], col: str) -> str | None:
    """``col``'s id when it is one; None when absent or rounded by a spreadsheet."""
    v = _id(row, col)
    return v if v is not None and v.isdigit() else None


def _one(row: Any) -> Mapped:
    row = csv_rows.whole(row)
    article = ARTICLE_RE.search(_val(row, "article_url") or "")
    post_id = _exact(row, "tweet_id") or (article.group(2) if article else None)
    if post_id is None:
        if _val(row, "tweet_id") is not None:
            raise BadField("tweet_id", f"not a tweet id: {_val(row, 'tweet_id')[:40]!r}")
        raise Missing("tweet_id")
    handle = _val(row, "author")
    account = _exact(row, "alt_external_id") or (article.group(1) if article else None)
    if account is None:
        if handle is None:
            raise Missing("alt_external_id")
        account = f"handle:{handle}"
    links = [v for v in (_val(row, f"tco{i}_step1") for i in (1, 2, 3)) if v]
    post = text_post(
        "x",
        post_id,
        account,
        _time(_val(row, "publish_date")),
        row.get("content") or "",
        lang=_lang(_val(row, "language")),
        # a link to the tweet's own photo or video (``twitter.com/<handle>/status/<own
        # id>/video/1``) is no link its author shared, as the v1.1 reader drops it
        urls=[u for u in canonical_urls(links) if u != tweet_key(post_id)],
    )
    acc = {
        "account_id": account,
        "platform": "x",
        "handle": handle,
        "followers": _count(_val(row, "followers")),
        "following": _count(_val(row, "following")),
    }
    return [post], [acc]


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from FiveThirtyEight's IRA tweets CSV."""
    return csv_rows.read_table(
        path, is_ira538, COLUMNS, "a FiveThirtyEight IRA tweets file", _one, "tweet"
    )
