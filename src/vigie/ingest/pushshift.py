"""Reddit as the Pushshift archive dumps it (``RS_*`` submissions, ``RC_*`` comments, one JSON
object per line once decompressed; also the Reddit API's own ``t3``/``t1`` objects, which share
the field names, and a ``{"data": [...]}`` page of the old Pushshift search API).

Fields (Baumgartner et al. 2020, "The Pushshift Reddit Dataset", and the Reddit API):
submissions ``id`` (base 36), ``author``, ``created_utc`` (POSIX seconds, number or text),
``subreddit``, ``title``, ``selftext``, ``url``, ``domain``, ``permalink``, ``is_self``;
comments ``id``, ``author``, ``created_utc``, ``body``, ``link_id`` (``t3_`` + the
submission's id), ``parent_id`` (``t3_``/``t1_`` + the parent's id), ``subreddit``.

Mapping: ``post_id`` is the Reddit *fullname* (``t3_<id>`` for a submission, ``t1_<id>`` for
a comment) so that a comment's ``parent_id`` is directly its ``reply_to``; ``account_id`` =
``author`` (Reddit usernames are unique; ``author_fullname`` is often absent from old dumps);
text = title and self text of a submission, ``body`` of a comment; URLs = the link of a link
post (not the self post's own permalink) plus the links of the text; mentions = ``u/name``
references; a crosspost is a repost of its ``crosspost_parent``. ``[removed]`` /
``[deleted]`` texts are the platform's placeholders, not what the author wrote: the text is
left empty so that identical placeholders never look like copypasta.
Reddit API answers: a listing's things, each comment's nested ``replies`` (a thread's tree:
every comment, not only the top-level ones), an ``/api/morechildren`` answer's things; a
``more`` stub and things that are no post (``t4`` messages, ``t2``, ``t5``) are skipped and
counted by kind. Posts by a ``[deleted]`` author cannot be attributed to any account: they are
skipped and counted in the manifest (one shared "[deleted]" account would tie every deleted user
together). Not mapped: subreddit (a place, not a shared object), scores. Required per item:
``id``, ``author``, ``created_utc``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import json_array
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadPage,
    Mapped,
    Skip,
    as_dict,
    as_items,
    as_list,
    need,
    profile_time,
    read_items,
    time_of,
)
from vigie.ingest.urls import canonical_urls, clean_mentions, urls_in_text

PLATFORM = "reddit"
PLACEHOLDERS = {"[removed]", "[deleted]"}
REDDIT_KEYS = {"author", "subreddit", "body", "selftext", "link_id", "parent_id"}
MORE = "reddit: 'more' stub (comments the answer did not load; fetch them with /api/morechildren)"
KINDS = {
    "t2": "account (t2)",
    "t4": "private message (t4)",
    "t5": "subreddit (t5)",
    "t6": "award (t6)",
}
"""The API's other kinds of things, named when skipped: an inbox mixes messages with replies."""
USER_RE = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")


def is_reddit(obj: Any) -> bool:
    """Does one decoded record look like a Pushshift/Reddit submission or comment?"""
    return (
        isinstance(obj, dict)
        and "created_utc" in obj
        and "author" in obj
        and "id" in obj
        and ("subreddit" in obj or "link_id" in obj or "parent_id" in obj)
    )


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name} is not a string")
    return "" if value.strip() in PLACEHOLDERS else value


def _fullname(raw: Any, prefix: str) -> str:
    s = str(raw).strip()
    return s if s.startswith(("t1_", "t3_")) else f"{prefix}{s}"


def _crosspost_of(item: dict[str, Any]) -> str | None:
    """The submission a crosspost shares (``crosspost_parent``, a ``t3_`` fullname).

    Why a repost: a crosspost puts another submission, as it is, before a new subreddit's
    readers; accounts crossposting the same submissions within minutes of one another is
    the amplification co-repost looks for (a crosspost's own ``url`` is the original's
    permalink, relative, so it gave no shared link either)."""
    parent = item.get("crosspost_parent")
    if parent is None or parent == "":
        return None
    if not isinstance(parent, str):
        raise ValueError("crosspost_parent is not a string")
    return _fullname(parent, "t3_")


def one(item: Any) -> Mapped:
    """Map one submission or comment (bare, or an API thing) to its post and its author."""
    if not isinstance(item, dict):
        raise ValueError("an item is not an object")
    if isinstance(item.get("data"), dict) and "kind" in item:  # an API thing
        kind = item["kind"]
        if kind == "more":
            raise Skip(MORE)
        if kind not in ("t1", "t3"):
            raise Skip(f"reddit: {KINDS.get(kind, str(kind))}, not a post or comment")
        item = item["data"]
    author = need(item, "author")
    if not isinstance(author, str):
        raise ValueError("author is not a string")
    if author.strip() in PLACEHOLDERS:
        raise Skip("reddit: item whose author was deleted (no account to attribute it to)")
    comment = "body" in item or "parent_id" in item or "link_id" in item
    if comment:
        repost_of = None
        text = _text(item.get("body"), "body")
        links = urls_in_text(text)
        parent = item.get("parent_id") or item.get("link_id")
        reply_to = _fullname(parent, "t3_") if parent else None
    else:
        title = _text(item.get("title"), "title")
        body = _text(item.get("selftext"), "selftext")
        text = "\n\n".join(t for t in (title, body) if t)
        links = urls_in_text(body)
        url = item.get("url")
        is_self = item.get("is_self") is True or str(item.get("domain", "")).startswith("self.")
        if isinstance(url, str) and url.startswith("http") and not is_self:
            links = canonical_urls([url]) + links
        reply_to = None
        repost_of = _crosspost_of(item)
    post = {
        "post_id": _fullname(need(item, "id"), "t1_" if comment else "t3_"),
        "platform": PLATFORM,
        "account_id": author,
        "created_at": time_of(need(item, "created_utc"), "created_utc"),
        "text": text or None,
        "lang": None,
        "urls": list(dict.fromkeys(links)),
        "hashtags": [],
        "mentions": clean_mentions(sorted({m.lower() for m in USER_RE.findall(text)})),
        "media": [],
        "repost_of": repost_of,
        "reply_to": reply_to,
        "quote_of": None,
    }
    created = item.get("author_created_utc")
    acc_created = profile_time(created, "author_created_utc")
    account = {
        "account_id": author,
        "platform": PLATFORM,
        "handle": author,
        "created_at": acc_created,
    }
    return [post], [account]


def _tree(children: list[Any]) -> list[Any]:
    """The things of a listing, each followed by the replies nested in it (a thread's comment
    tree), depth first: iteratively, as a thread can nest hundreds of levels."""
    out: list[Any] = []
    stack = list(reversed(children))
    while stack:
        thing = stack.pop()
        out.append(thing)
        data = thing.get("data") if isinstance(thing, dict) else None
        replies = data.get("replies") if isinstance(data, dict) else None
        if isinstance(replies, dict) and isinstance(replies.get("data"), dict):
            stack.extend(reversed(as_items(replies["data"].get("children"))))
    return out


def _unwrap(value: Any) -> list[Any] | None:
    """The items of one decoded value: Reddit API things (kept wrapped, ``one`` reads the
    kind), a listing's tree, a morechildren answer, or Pushshift's bare items."""
    answer = value.get("json") if isinstance(value, dict) else None
    if isinstance(answer, dict) and ("errors" in answer or "data" in answer):  # /api/...
        if answer.get("errors"):
            raise BadPage("Reddit API error answer", json.dumps(answer["errors"])[:300])
        return as_items(as_dict(answer.get("data")).get("things"))
    if isinstance(value, dict) and isinstance(value.get("data"), dict) and "kind" in value:
        children = value["data"].get("children")
        if isinstance(children, list):  # a Listing
            return _tree(children)
        return _tree([value])  # one thing: {"kind": "t3", "data": {...}}
    # one item per line: any object with an id and a Reddit field (the item's own checks then
    # name what it lacks, e.g. created_utc)
    return as_list(value, ("data",), lambda v: "id" in v and bool(REDDIT_KEYS & v.keys()))


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from Pushshift/Reddit submissions and comments."""
    return read_items(path, _unwrap, one, "Reddit item", values=json_array.values(path))
