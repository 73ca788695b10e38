"""Mastodon statuses as the REST API returns them (``GET /api/v1/timelines/...``,
``/api/v1/accounts/:id/statuses``, ``/api/v2/search``): a JSON array per page, one status per
line, or a search result ``{"statuses": [...]}``.

Status entity (docs.joinmastodon.org/entities/Status): ``id`` (string, of the instance that
answered), ``uri``, ``created_at`` (ISO 8601), ``account`` (``id``, ``acct``, ``display_name``,
``created_at``, ``followers_count``, ``following_count``, ``statuses_count``, ``note``),
``content`` (HTML), ``language``, ``in_reply_to_id``, ``reblog`` (the boosted Status or null),
``quote`` (4.4+: ``{"state", "quoted_status"}``, or a ShallowQuote ``{"state",
"quoted_status_id"}``), ``media_attachments`` (``url``,
``remote_url``), ``mentions`` (``acct``), ``tags`` (``name``), ``card`` (``url``).

Mapping, said plainly: ids are those of the instance collected from (``in_reply_to_id`` and
``reblog.id`` are in that numbering too), so replies and boosts join within one instance's
collection; mix instances in one Dataset and their ids may collide. A boost is a repost row
(``repost_of`` = the boosted status's id) and the boosted status is also kept as a post. URLs are
the links of ``content`` that are not mention or hashtag links, plus the preview ``card``.
The streaming API's messages and saved SSE streams are read too (``mastodon_stream``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import mastodon_stream
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    Mapped,
    Row,
    as_int,
    as_list,
    client_name,
    need,
    profile_time,
    read_items,
    time_of,
)
from vigie.ingest.urls import canonical_urls, clean_hashtags, clean_mentions

PLATFORM = "mastodon"
FORKS = {"truthsocial.com": "truthsocial", "gab.com": "gab"}
"""Mastodon forks whose statuses are read as their own platform, told by the status's
``url`` (else ``uri``) host: Truth Social's API, as ``truthbrush`` saves it, and Gab's are
Mastodon's, but their ids and accounts are not those of any Mastodon instance."""
FORK_RE = re.compile(r"https?://(?:www\.)?(truthsocial\.com|gab\.com)/", re.IGNORECASE)
"""The same test as ``mastodon_sql``'s (``FORK_SQL``): keep the two alike."""
A_RE = re.compile(r"<a\s[^>]*>", re.IGNORECASE)
HREF_RE = re.compile(r'href="([^"]+)"', re.IGNORECASE)
CLASS_RE = re.compile(r'class="([^"]*)"', re.IGNORECASE)
BREAK_RE = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]+>")
QUOTE_INLINE_RE = re.compile(
    r"<(p|span|div)\b[^>]*\bclass=\"[^\"]*\bquote-inline\b[^\"]*\"[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
"""The fallback a Mastodon server (4.4+) prepends to a quote's HTML for older clients
(``<p class="quote-inline">RE: <a href="...">...</a></p>``): its docs (``client/quotes.md``)
tell clients to remove any element of that class from a status that has a ``quote``."""


def html_text(content: str) -> str:
    """Plain text of a status's HTML (line breaks kept, entities decoded)."""
    return html.unescape(TAG_RE.sub("", BREAK_RE.sub("\n", content))).strip()


def _links(content: str) -> list[str]:
    out = []
    for tag in A_RE.findall(content):
        cls = CLASS_RE.search(tag)
        if cls and ("mention" in cls.group(1) or "hashtag" in cls.group(1)):
            continue
        href = HREF_RE.search(tag)
        if href:
            out.append(html.unescape(href.group(1)))
    return out


def _account(acc: Any, platform: str = PLATFORM) -> Row:
    created = acc.get("created_at")
    created_at = profile_time(created, "account.created_at")
    note = acc.get("note")
    return {
        "account_id": str(need(acc, "id")),
        "platform": platform,
        "handle": acc.get("acct") or acc.get("username"),
        "display_name": acc.get("display_name") or None,
        "created_at": created_at,
        "followers": as_int(acc.get("followers_count")),
        "following": as_int(acc.get("following_count")),
        "posts_count": as_int(acc.get("statuses_count")),
        "description": html_text(note) if isinstance(note, str) and note else None,
    }


def _status(st: Any, platform: str = PLATFORM) -> Row:
    if not isinstance(st, dict):
        raise ValueError("a status is not an object")
    content = st.get("content") or ""
    if not isinstance(content, str):
        raise ValueError("content is not a string")
    if st.get("quote") and "quote-inline" in content:
        # the quote's fallback link is no text or link of the author's: every quote of one
        # status would otherwise share it (a co-link tie and a copied prefix for nothing);
        # the quoted status is ``quote_of``
        content = QUOTE_INLINE_RE.sub("", content)
    links = _links(content)
    card = st.get("card")
    if isinstance(card, dict) and card.get("url"):
        links.append(card["url"])
    media = [
        m.get("remote_url") or m.get("url")
        for m in st.get("media_attachments") or []
        if isinstance(m, dict)
    ]
    quote = st.get("quote")
    quoted = quote.get("quoted_status") if isinstance(quote, dict) else None
    # a ShallowQuote (4.4+, where the quoted post is not embedded) names it by id only
    quoted_id = quoted.get("id") if isinstance(quoted, dict) else None
    if not quoted_id and isinstance(quote, dict) and isinstance(quote.get("quoted_status_id"), str):
        quoted_id = quote["quoted_status_id"]
    reblog = st.get("reblog")
    return {
        "post_id": str(need(st, "id")),
        "platform": platform,
        "account_id": str(need(st, "account", "id")),
        "created_at": time_of(need(st, "created_at"), "created_at"),
        "text": None if reblog else html_text(content),
        "lang": st.get("language") or None,
        "urls": canonical_urls(links),
        "hashtags": clean_hashtags(
            [t.get("name") for t in st.get("tags") or [] if isinstance(t, dict)]
        ),
        "mentions": clean_mentions(
            [m.get("acct") for m in st.get("mentions") or [] if isinstance(m, dict)]
        ),
        "media": canonical_urls([m for m in media if m]),
        "repost_of": str(need(reblog, "id")) if isinstance(reblog, dict) else None,
        "reply_to": str(st["in_reply_to_id"]) if st.get("in_reply_to_id") else None,
        "quote_of": str(quoted_id) if quoted_id else None,
        "client": client_name(
            st["application"].get("name") if isinstance(st.get("application"), dict) else None
        ),
    }


def fork_of(st: dict[str, Any]) -> str | None:
    """The Mastodon fork a status comes from (``FORKS``), by its link's host; else ``None``."""
    link = st.get("url") or st.get("uri")
    found = FORK_RE.match(link) if isinstance(link, str) else None
    return FORKS[found.group(1).lower()] if found else None


def truth_status(st: dict[str, Any]) -> dict[str, Any]:
    """A Truth Social status with its quote as Mastodon 4.4 writes one: Truth Social puts the
    quoted status itself under ``quote`` (or only its id, ``quote_id``), where Mastodon wraps
    it as ``{"quoted_status": ...}`` (or ``{"quoted_status_id": ...}``). Idempotent."""
    quote = st.get("quote")
    if isinstance(quote, dict) and "account" in quote:  # the quoted status itself
        return {**st, "quote": {"quoted_status": quote}}
    if not isinstance(quote, dict) and st.get("quote_id") not in (None, ""):
        return {**st, "quote": {"quoted_status_id": str(st["quote_id"])}}
    return st


def _one(st: Any, platform: str | None = None) -> Mapped:
    """A status, its boosted and quoted statuses, and their accounts. ``platform``: a Mastodon
    fork's name (Truth Social, Gab), whose statuses are Mastodon's; by default the status's
    own link tells it (``fork_of``), else ``mastodon``."""
    if mastodon_stream.is_frame(st):  # a streaming message: its status, or a counted skip
        st = mastodon_stream.status_of(st)
    if platform is None:
        platform = (fork_of(st) if isinstance(st, dict) else None) or PLATFORM
    if platform == "truthsocial" and isinstance(st, dict):
        st = truth_status(st)
    posts, accounts = [_status(st, platform)], [_account(need(st, "account"), platform)]
    for inner in (st.get("reblog"), (st.get("quote") or {}).get("quoted_status")):
        if isinstance(inner, dict) and inner.get("account"):
            posts.append(_status(inner, platform))
            accounts.append(_account(inner["account"], platform))
    return posts, accounts


def _unwrap(value: Any) -> list[Any] | None:
    return as_list(
        value,
        ("statuses",),
        lambda v: ("account" in v and "content" in v) or mastodon_stream.is_frame(v),
    )


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from Mastodon API statuses (one a line: mapped in SQL, see
    ``mastodon_sql``; pages and whole-file arrays: ``read_python``)."""
    from vigie.ingest import mastodon_sql  # it imports this module

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if mastodon_stream.is_sse(head):  # a saved Server-Sent Events stream
        values = mastodon_stream.sse_values(path)
        return read_items(path, _unwrap, _one, "status", values=values)
    return mastodon_sql.read(path, platform)


def read_python(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from Mastodon API statuses, every record mapped in Python."""
    return read_items(path, _unwrap, _one, "status")
