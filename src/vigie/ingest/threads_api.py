"""Meta's Threads API (``graph.threads.net``): the JSON pages researchers save from its keyword
search (``GET /keyword_search``), a user's threads (``GET /{user-id}/threads``,
``/profile_posts``), a post's replies and conversation (``GET /{media-id}/replies``,
``/conversation``) and single media objects (``GET /{media-id}``).

Why: since the Threads API opened keyword search to approved apps, it is the official way to
collect public Threads posts around an election; vigie read Threads only through Zeeschuimer
browser captures, whose objects are the web app's, not the API's.

Shape, as Meta's developer documentation gives it ("Retrieve Threads Media Objects", "Keyword
and Topic Tag Search", "Retrieve Media Replies and Conversations", "Quote Posts", the oEmbed
reference), checked against public code that consumes it (the ``threads-rs`` crate's ``Post``
type, client test fixtures and saved answers in public repositories): a page is ``{"data":
[media...], "paging": {"cursors": {"before", "after"}, "next"?}}`` and a media object
``{"id", "media_product_type": "THREADS", "media_type" (TEXT_POST, IMAGE, VIDEO,
CAROUSEL_ALBUM, AUDIO, REPOST_FACADE), "permalink" (``https://www.threads.net/@user/post/
<shortcode>``, now also ``threads.com``), "owner": {"id"}, "username", "text", "timestamp"
(``2023-10-17T05:42:03+0000``), "shortcode", "media_url", "thumbnail_url", "children":
{"data": [...]}, "is_quote_post", "quoted_post": {"id"}, "reposted_post": {"id"},
"link_attachment_url", "topic_tag", "has_replies", "is_reply", "root_post": {"id"},
"replied_to": {"id"}, "hide_status", "alt_text", ...}``. Every field but ``id`` is returned
only when the collector asked for it (``fields=``), so any may be missing.

Mapping, and the choices behind it:

- **Post id: the API's media ``id``**, not the shortcode Zeeschuimer's reader keys Threads
  posts by. The API names a repost's, a quote's and a reply's target by its media id only
  (``reposted_post``, ``quoted_post``, ``replied_to``), and a media id cannot be turned into a
  shortcode: the shortcode encodes the web app's own numeric id (Zeeschuimer's ``pk``), which
  is not the API's (``18…``/``17…`` graph ids, as the published answers show). Keyed by
  media id, reposts, quotes and replies join the posts they point to within API collections
  (co-repost and reply detection read them); keyed by shortcode they never could. The cost:
  the same post collected through the API and through Zeeschuimer is two posts (their ids
  never collide: digits against a shortcode), so do not mix both for one collection.
- **Account: the ``username``**. ``owner.id`` is returned only for the token's own posts
  (keyword search never returns it), so keying by it would split one person's posts in two;
  the user name is what every endpoint gives. Zeeschuimer's reader keys by the web app's
  ``user.pk``, which the API never gives: accounts from the two do not merge. A renamed
  account becomes a new one, as for TikTok. A reply by a private profile comes without its
  ``username`` (the API gives it for public profiles only) and is refused naming the field.
- **Time**: ``timestamp`` in the documented ``+0000`` form, read exactly (``%z``: another
  offset is converted to UTC); another ISO 8601 form (a tool re-saving it) is read too.
- **Text, links, tags, mentions**: ``text``; URLs from ``link_attachment_url`` (unwrapped if
  it goes through ``l.threads.net/?u=``) and the text; hashtags are the post's ``topic_tag``
  (Threads allows one tag per post, which may hold spaces: kept whole, lower-cased), then any
  ``#word`` of the text read as every other source reads it; mentions are the text's
  ``@names`` with Threads' user-name characters (letters, digits, ``_`` and ``.``).
- **Relations**: ``reposted_post`` gives ``repost_of`` (a ``REPOST_FACADE`` has no text of
  its own: its text is null, as a Mastodon boost's; without ``reposted_post``, when the
  collector did not ask for it, it is skipped and counted: a repost of an unknown post),
  ``quoted_post`` ``quote_of``,
  ``replied_to`` (the immediate parent; ``root_post`` is the top of the conversation and is
  not used) ``reply_to``; a bare id string is read as well as ``{"id"}``.
- **Not mapped**: ``media_url``, ``thumbnail_url`` and the carousel's ``children`` (signed
  CDN addresses that expire and differ between two collections of one picture, as for
  Instagram in the Zeeschuimer and Apify readers), counts and insights.

Required: ``id``, ``username`` and ``timestamp``. An item lacking one, or holding an
unreadable one, is refused naming the field; an API error answer (``{"error": {"message",
"type", "code", ...}}``, saved in place of a page) is skipped and counted in the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from vigie.ingest import fixed_times
from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, Mapped, Row, Skip, need, read_items, text_post, time_of
from vigie.ingest.urls import (
    canonical_urls,
    clean_hashtags,
    dotted_mentions_in_text,
    hashtags_in_text,
    raw_urls_in_text,
)

PLATFORM = "threads"
"""The platform name Zeeschuimer's Threads items get, so both sit on one platform."""
WHAT = "Threads media object"
HOSTS = ("threads.net", "threads.com")
REDIRECTORS = ("l.threads.net", "l.threads.com")
"""Threads' link redirector (``?u=<target>``), as Zeeschuimer's captures show it."""
API_TIME = "%Y-%m-%dT%H:%M:%S%z"
"""The documented form of ``timestamp``: ``2023-10-17T05:42:03+0000``."""
REPOST_FACADE = "REPOST_FACADE"
NO_REPOSTED = "threads: repost without reposted_post (add reposted_post to the fields asked)"
"""Why a repost is skipped when the collector did not ask for ``reposted_post``: it is a
repost of an unknown post, and kept it read as an original post with no text."""
TEXT_HINT = re.compile(r'"media_product_type"\s*:\s*"THREADS"')


# --- telling a Threads API answer -----------------------------------------------------------


def _on_threads(url: Any) -> bool:
    """Whether ``url`` is a post's address on threads.net or threads.com."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return False
    try:
        host = (urlparse(url).hostname or "").removeprefix("www.")
    except ValueError:  # e.g. an unclosed "[": no address at all
        return False
    return host in HOSTS


def is_media(obj: Any) -> bool:
    """A Threads API media object: an ``id`` with the surface ``THREADS``, or a permalink on
    Threads beside ``media_product_type`` or ``username`` and ``timestamp`` (keys the web
    app's items, read by Zeeschuimer's reader, do not have: they have ``code``/``taken_at``)."""
    if not isinstance(obj, dict) or "id" not in obj:
        return False
    if obj.get("media_product_type") == "THREADS" and ("timestamp" in obj or "username" in obj):
        return True
    return _on_threads(obj.get("permalink")) and (
        "media_product_type" in obj or ("username" in obj and "timestamp" in obj)
    )


def is_value(obj: Any) -> bool:
    """For ``--format auto``: a media object, or a page whose first item is one."""
    if is_media(obj):
        return True
    data = obj.get("data") if isinstance(obj, dict) else None
    return isinstance(data, list) and bool(data) and is_media(data[0])


def is_text(head: str) -> bool:
    """An indented answer too big to decode for sniffing: its surface named ``THREADS``."""
    return TEXT_HINT.search(head) is not None


# --- one media object -----------------------------------------------------------------------


def _error_reason(page: dict[str, Any]) -> str:
    """What the manifest counts an API error answer under (its type and code, not its
    message: one reason per kind of error, however many pages failed)."""
    err = page["error"]
    kind = err.get("type") if isinstance(err.get("type"), str) else "error"
    code = err.get("code")
    where = f"{kind}, code {code}" if isinstance(code, int | str) and code != "" else kind
    return f"threads: an API error answer ({where}), no posts"


def _is_error(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("error"), dict)


def _id(value: Any, name: str) -> str:
    """An id as text (the API writes strings; a number re-saved by a tool is kept)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadField(name, f"not an id: {type(value).__name__}")
    return str(value).strip()


def _ref(item: dict[str, Any], key: str) -> str | None:
    """The media id a relation field names: ``{"id": ...}`` as documented, or a bare id;
    None when absent (the collector did not ask for the field, or the post has none)."""
    value = item.get(key)
    if isinstance(value, dict):
        value = value.get("id")
    if value in (None, ""):
        return None
    return _id(value, f"{key}.id" if isinstance(item.get(key), dict) else key) or None


def api_time(value: Any, name: str = "timestamp") -> Any:
    """A post time in the documented ``+0000`` form, parsed exactly; another ISO 8601 form
    or POSIX seconds as every reader reads them (``BadField`` naming ``name`` otherwise)."""
    if isinstance(value, str):
        # the documented shape read without strptime's cost (a time out of range is refused
        # below, by the value as written, as before)
        fast = fixed_times.meta_api(value)
        try:
            return time_of(fast or datetime.strptime(value.strip(), API_TIME), name)
        except ValueError:
            pass
    return time_of(value, name)


def _target(url: str) -> str:
    """A link through Threads' redirector (``l.threads.net/?u=...``) read as its target."""
    try:
        parsed = urlparse(url)
    except ValueError:  # not parseable: kept as written, as canonical_url keeps it
        return url
    if parsed.hostname in REDIRECTORS:
        target = parse_qs(parsed.query).get("u")
        if target:
            return target[0]
    return url


def _urls(item: dict[str, Any], text: str) -> list[str]:
    links = raw_urls_in_text(text)
    attached = item.get("link_attachment_url")
    if isinstance(attached, str) and attached.strip():
        links.append(_target(attached.strip()))
    return canonical_urls(links)


def _hashtags(item: dict[str, Any], text: str) -> list[str]:
    """The topic tag (one a post on Threads), then the text's ``#words``."""
    tag = item.get("topic_tag")
    tags = [tag] if isinstance(tag, str) else []
    return clean_hashtags([*tags, *hashtags_in_text(text)])


def _username(item: dict[str, Any]) -> str:
    name = need(item, "username")
    if not isinstance(name, str) or not name.strip():
        raise BadField("username", f"not a user name: {type(name).__name__}")
    return name.strip().lstrip("@")


def _text(item: dict[str, Any]) -> str:
    text = item.get("text") or ""
    if not isinstance(text, str):
        raise BadField("text", f"not a string: {type(text).__name__}")
    return text


def _post(item: dict[str, Any]) -> Row:
    """The canonical post of one media object (its relations by media id)."""
    post_id = _id(need(item, "id"), "id")
    if not post_id:
        raise BadField("id", "blank")
    account = _username(item)
    created = api_time(need(item, "timestamp"))
    text = _text(item)
    post = text_post(
        PLATFORM,
        post_id,
        account,
        created,
        text,
        urls=_urls(item, text),
        hashtags=_hashtags(item, text),
        mentions=dotted_mentions_in_text(text),
        reply_to=_ref(item, "replied_to"),
    )
    post["repost_of"] = _ref(item, "reposted_post")
    post["quote_of"] = _ref(item, "quoted_post")
    if item.get("media_type") == REPOST_FACADE:
        if post["repost_of"] is None:
            raise Skip(NO_REPOSTED)
        if not text:
            post["text"] = None  # a repost says nothing of its own
    return post


def _one(item: Any) -> Mapped:
    if _is_error(item):
        raise Skip(_error_reason(item))
    if not isinstance(item, dict):
        raise ValueError("an item is not an object")
    post = _post(item)
    account = {
        "account_id": post["account_id"],
        "platform": PLATFORM,
        "handle": post["account_id"],
        "display_name": None,
    }
    return [post], [account]


# --- pages ----------------------------------------------------------------------------------


def _items(value: Any) -> list[Any] | None:
    """The media objects of one decoded value: a page's ``data``, one object, an error
    answer (skipped by ``_one``), or a JSON array of any of these (``json.dump(pages)``)."""
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            inner = _items(v)
            out.extend([v] if inner is None else inner)
        return out
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("data"), list):
        return value["data"]
    return [value]


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from saved Threads API answers (a page or a media object a
    line, one indented page, or a JSON array of them)."""
    return read_items(path, _items, _one, WHAT, keys=("data",))
