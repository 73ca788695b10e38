"""Telegram channel posts as snscrape wrote them (``snscrape --jsonl telegram-channel NAME``).

Why: snscrape read a public channel's web preview (``t.me/s/NAME``) without an account or an
API key, and collections of election-time channels are its JSON lines. Its ``TelegramPost``
(``snscrape/modules/telegram.py``) holds little: ``url`` (``https://t.me/s/NAME/ID``),
``date`` (ISO 8601 with its offset), ``content`` (the text, or null for a post of media
only), ``outlinks`` (the links in the text) and ``linkPreview`` (``{"href", ...}``, the
page Telegram previews). No author beyond the channel, no forward, no reply.

Mapping: the post id is ``NAME-ID`` and the account the channel's name (``NAME``, as
Telegram's own links write it), the form of recent 4CAT exports' Telegram ids; links are
``outlinks`` and the preview's ``href`` (links to posts of Telegram itself included: a
channel network relaying one channel's post is a co-link; a hashtag's search link is not a
link: ``SEARCH``); hashtags and mentions are read
from the text. ``Channel`` items (``telegram-channel --with-entity``) are skipped and
counted.
"""

from __future__ import annotations

import re
from typing import Any

from vigie.ingest.records import BadField, Mapped, Missing, Skip, text_post, time_of
from vigie.ingest.records import as_dict as _d
from vigie.ingest.records import as_items as _l
from vigie.ingest.urls import canonical_urls

PREFIX = "snscrape.modules.telegram."
POST = PREFIX + "TelegramPost"
URL = re.compile(r"^https?://t\.me/(?:s/)?([A-Za-z][\w]{2,63})/(\d+)(?:[?#].*)?$")

SEARCH = re.compile(r"^https?://t\.me/s/[^/?#]+/?\?q=", re.IGNORECASE)
"""The web preview's link behind a hashtag (``t.me/s/NAME?q=%23tag``), which snscrape keeps
among ``outlinks`` (it takes every ``<a>`` of the message): the hashtag already, not a link
the post shares (every post of a channel using ``#tag`` shared it)."""


def is_item(obj: Any) -> bool:
    return isinstance(obj, dict) and str(obj.get("_type", "")).startswith(PREFIX)


def one(item: dict[str, Any]) -> Mapped:
    """A ``TelegramPost`` as a post of its channel (module doc)."""
    kind = str(item.get("_type"))
    if kind != POST:
        raise Skip(f"snscrape: a telegram {kind.removeprefix(PREFIX)} item (not a post)")
    url = item.get("url")
    if not isinstance(url, str) or not url:
        raise Missing("url")
    found = URL.match(url.strip())
    if found is None:
        raise BadField("url", f"not a t.me post address: {url[:80]!r}")
    channel, number = found.group(1), found.group(2)
    date = item.get("date")
    if not date:
        raise Missing("date")
    content = item.get("content")
    if content is not None and not isinstance(content, str):
        raise BadField("content", f"not a string: {type(content).__name__}")
    links = [
        u for u in _l(item.get("outlinks")) if isinstance(u, str) and u and not SEARCH.match(u)
    ]
    preview = _d(item.get("linkPreview")).get("href")
    if isinstance(preview, str) and preview:
        links.append(preview)
    post = text_post(
        "telegram",
        f"{channel}-{number}",
        channel,
        time_of(date, "date"),
        content or "",
        urls=canonical_urls(links),
    )
    return [post], [{"account_id": channel, "platform": "telegram", "handle": channel}]
