"""X/Twitter API v2 as written by twarc2: response pages or flattened tweets, one per line.

Page line (``twarc2 search``, 100 tweets a page, 120-150 KB a line): ``{"data": [tweet...],
"includes": {"users": [...], "tweets": [...], "media": [...], "places": [...]}, "meta": {...},
"__twarc": {...}}``. Flattened line (``twarc2 flatten``): one tweet with ``author``, expanded
``referenced_tweets`` and ``attachments.media`` inlined. 4CAT's X v2 data source keeps its
tweets enriched alike: the author as ``author_user``, each of ``attachments.media_keys``
replaced by its media object; read the same way.

Why our own normaliser rather than twitwi's ``normalize_tweet_v2``: the API returns only the
fields a query asked for (a tweet is ``id`` and ``text`` by default; ``public_metrics``,
``entities``, ``lang``, a user's ``profile_image_url`` or ``created_at`` are optional), while
twitwi requires all of them and refused valid minimal payloads; it is also 5-10x slower than
what we need. We keep twitwi's *conventions* so results stay those of médialab's tools: the best
URL of an entity (``unwound_url``, else ``expanded_url``) normalised with twitwi's
``custom_normalize_url`` then our canonical key, entity hashtags/mentions sorted, media = a
photo's ``url``, a video's or GIF's media id (``x_media``: ``x-media:<id>``, the same from every
reader and collection), referenced retweets and quotes found in ``includes.tweets`` become posts
of their own. Each distinct URL is canonicalised once (cache). A page's ``errors`` (tweets the
API did not return) are counted.

Required per tweet: ``id``, ``author_id`` (``account_id``) and ``created_at`` (the Dataset needs
a time); without them the tweet is refused with the missing field named. An expanded referenced
tweet lacking them is skipped and counted (the referencing tweet is kept).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from twitwi.utils import custom_normalize_url

from vigie.ingest import x_media
from vigie.ingest.json_array import values as json_array_values
from vigie.ingest.model import BATCH_ROWS, Batch, Rejected, RowBuffer, excerpt, ts_from_iso
from vigie.ingest.records import as_dict as _d
from vigie.ingest.records import as_items as _l
from vigie.ingest.records import client_name
from vigie.ingest.urls import (
    canonical_url,
    clean_hashtags,
    clean_mentions,
    hashtags_in_text,
    mentions_in_text,
    plain_url_key,
    urls_in_text,
)

PLATFORM = "x"


@lru_cache(maxsize=1 << 18)
def _link_key(url: str) -> str:
    """twitwi's URL normalisation, then our canonical key (each distinct URL once); a plain
    URL's key in one step (the same key: ``test_urls.test_plain_url_key_is_ural``)."""
    fast = plain_url_key(url)
    if fast is not None:
        return fast
    try:
        return canonical_url(custom_normalize_url(url))
    except Exception:  # ural refuses some exotic strings: keep them verbatim
        return canonical_url(url)


def _index(items: Any, key: str) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(x[key]): x for x in items if isinstance(x, dict) and key in x}


class _Includes:
    """The expansions of one page, indexed."""

    __slots__ = ("media", "tweets", "users")

    def __init__(self, includes: Any) -> None:
        inc = includes if isinstance(includes, dict) else {}
        self.users = _index(inc.get("users"), "id")
        self.tweets = _index(inc.get("tweets"), "id")
        self.media = _index(inc.get("media"), "media_key")


def _author(tweet: dict[str, Any]) -> Any:
    """A flattened tweet's author: twarc's ``author``, or 4CAT's ``author_user``."""
    return tweet.get("author") if "author" in tweet else tweet.get("author_user")


def _inline_media(tweet: dict[str, Any]) -> list[Any]:
    """Media objects inlined in a tweet: twarc's ``attachments.media``, or 4CAT's media keys
    each replaced by its object (``attachments.media_keys`` holding objects)."""
    att = _d(tweet.get("attachments"))
    return _l(att.get("media")) + [m for m in _l(att.get("media_keys")) if isinstance(m, dict)]


def _flat_includes(tweet: dict[str, Any]) -> _Includes:
    """Rebuild the includes of a page around one flattened tweet (twarc2 ``flatten``, or
    4CAT's X v2 data source, which keeps its tweets enriched alike under other names)."""
    users, tweets, media = [], [], []
    if isinstance(_author(tweet), dict):
        users.append(_author(tweet))
    for ref in _l(tweet.get("referenced_tweets")):
        if isinstance(ref, dict) and "text" in ref:
            tweets.append(ref)
            if isinstance(_author(ref), dict):
                users.append(_author(ref))
            media.extend(_inline_media(ref))
    media.extend(_inline_media(tweet))
    if isinstance(tweet.get("in_reply_to_user"), dict):
        users.append(tweet["in_reply_to_user"])
    return _Includes({"users": users, "tweets": tweets, "media": media})


MEDIA_HOSTS = ("pic.twitter.com/", "pic.x.com/")
TRAILING = " \t\n\r\x0b\x0c"
"""Whitespace left at the end of a text by its removed photo link (the SQL path's too)."""


def is_media_link(u: dict[str, Any]) -> bool:
    """Whether an entity URL is the link to the tweet's own photo or video.

    Why: API v2 lists the ``pic.twitter.com`` link of attached media among
    ``entities.urls`` (with a ``media_key``, or only its ``display_url`` in older
    answers); its expanded URL is the tweet's own ``/status/<id>/photo/1`` page, a new URL
    for every tweet. v1.1 keeps it under ``entities.media`` and vigie's v1.1 reader drops
    it from the text, so the same tweet collected both ways differed, and 40% of the URLs
    of twarc's real test collections were such links, shared by nothing."""
    display = u.get("display_url")
    return bool(u.get("media_key")) or (
        isinstance(display, str) and display.startswith(MEDIA_HOSTS)
    )


class MissingField(Exception):
    """A tweet lacks a field the Dataset needs."""


def _refs(tweet: dict[str, Any]) -> dict[str, str]:
    refs = tweet.get("referenced_tweets") or []
    if not isinstance(refs, list):
        raise ValueError("referenced_tweets is not a list")
    return {r.get("type"): str(r.get("id")) for r in refs if isinstance(r, dict)}


def _text_entities(tweet: dict[str, Any]) -> tuple[str, Any]:
    """The text of a tweet and the entities found in it: a long post's note when it has one.

    Why: since 2023 a post longer than 280 characters comes with ``text`` cut (and a link to
    the post) and its whole text in ``note_tweet: {"text", "entities"}`` (``tweet.fields=
    note_tweet``). The API indexes each entities object on its own text: ``entities`` on the
    cut ``text``, ``note_tweet.entities`` on the whole one, so the note's entities hold every
    link, hashtag and mention of the post and the tweet's own add only the cut text's link to
    the post itself (new for every post, shared by none). So the note's entities replace the
    tweet's, as the v1.1 reader takes ``extended_tweet``'s; a note without ``entities`` is
    read from its text, as a tweet without them."""
    note = tweet.get("note_tweet")
    if note is not None:
        if not isinstance(note, dict):
            raise ValueError("note_tweet is not an object")
        text = note.get("text")
        if not isinstance(text, str):
            raise ValueError("note_tweet.text is not a string")
        entities = note.get("entities") or {}
    else:
        text = tweet.get("text")
        if text is not None and not isinstance(text, str):
            raise ValueError("text is not a string")
        text = text or ""
        entities = tweet.get("entities") or {}
    return text, entities


def media_value(m: dict[str, Any]) -> str | None:
    """A v2 media object's ``media`` value: a video's or GIF's ``x_media`` key (from its
    ``media_key``, which every v2 media object has, else its URLs), so that the video matches
    itself whatever variants X served at collection time and whichever reader read it; else a
    photo's ``url``; else, for a video shape not recognised, the best-bitrate variant or the
    preview (a video asked for without ``variants`` has only ``preview_image_url``: the v1.1
    reader's ``media_url_https`` of a video without ``video_info``), keyed like a link."""
    variants = m.get("variants")
    urls = [v.get("url") for v in variants if isinstance(v, dict)] if variants else []
    key = x_media.key_of_object(m, [*urls, m.get("url"), m.get("preview_image_url")])
    if key is not None:
        return key
    url = (
        max(variants, key=lambda v: v.get("bit_rate", 0)).get("url")
        if variants
        else m.get("url") or m.get("preview_image_url")
    )
    return _link_key(url) if url else None


def _post(tweet: dict[str, Any], inc: _Includes) -> dict[str, Any]:
    for key in ("id", "author_id", "created_at"):
        if tweet.get(key) in (None, ""):
            raise MissingField(key)
    text, entities = _text_entities(tweet)
    if not isinstance(entities, dict):
        raise ValueError("entities is not an object")
    if entities:
        links: set[str] = set()
        pictures = False
        for u in entities.get("urls") or []:
            if isinstance(u, dict) and u.get("url") and is_media_link(u):
                text = text.replace(u["url"], "")
                pictures = True
            elif isinstance(u, dict) and u.get("url"):
                best = u.get("unwound_url") or u.get("expanded_url")
                if best:
                    text = text.replace(u["url"], best)
                links.add(_link_key(best or u["url"]))
        urls = [u for u in dict.fromkeys(sorted(links)) if u]
        if pictures:
            text = text.rstrip(TRAILING)
        hashtags = clean_hashtags(
            sorted({h["tag"] for h in entities.get("hashtags") or [] if "tag" in h})
        )
        mentions = clean_mentions(
            sorted({m["username"] for m in entities.get("mentions") or [] if "username" in m})
        )
    else:  # no entities asked for: read them from the text
        urls, hashtags, mentions = (
            urls_in_text(text),
            hashtags_in_text(text),
            mentions_in_text(text),
        )
    media: dict[str, None] = {}
    for key in (tweet.get("attachments") or {}).get("media_keys") or []:
        if isinstance(key, dict):  # 4CAT: the key replaced by its media object
            key = key.get("media_key")
        m = inc.media.get(str(key))
        if m is None:
            continue
        value = media_value(m)
        if value:
            media[value] = None
    refs = _refs(tweet)
    lang = tweet.get("lang")
    return {
        "post_id": str(tweet["id"]),
        "platform": PLATFORM,
        "account_id": str(tweet["author_id"]),
        "created_at": ts_from_iso(str(tweet["created_at"])),
        "text": html.unescape(text),
        "lang": lang if lang and lang != "und" else None,  # X's "und": undetermined
        "urls": urls,
        "hashtags": hashtags,
        "mentions": mentions,
        "media": list(media),
        "repost_of": refs.get("retweeted"),
        "reply_to": refs.get("replied_to"),
        "quote_of": refs.get("quoted"),
        "client": client_name(tweet.get("source")),
    }


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def account_row(author_id: str, user: dict[str, Any] | None) -> dict[str, Any]:
    """The account row of an X v2 user object (only its id when the page had no profile)."""
    if user is None:
        return {"account_id": author_id, "platform": PLATFORM}
    metrics = user.get("public_metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    created = user.get("created_at")
    try:
        created_at = ts_from_iso(created).replace(microsecond=0) if created else None
    except (ValueError, AttributeError, TypeError):
        created_at = None
    return {
        "account_id": author_id,
        "platform": PLATFORM,
        "handle": _str(user.get("username")),
        "display_name": _str(user.get("name")),
        "created_at": created_at,
        "followers": _int(metrics.get("followers_count")),
        "following": _int(metrics.get("following_count")),
        "posts_count": _int(metrics.get("tweet_count")),
        "description": _str(user.get("description")) or None,
    }


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _normalize(buf: RowBuffer, path: Path, record: str | int, item: Any, inc: _Includes) -> None:
    buf.records += 1
    if not isinstance(item, dict):
        buf.rejected.append(
            Rejected(
                str(path), record, "not a tweet object", None, type(item).__name__, excerpt(item)
            )
        )
        return
    try:
        rows = [_post(item, inc)]
        refs = _refs(item)
        for kind in ("retweeted", "quoted"):  # expanded referenced tweets are posts too
            ref = inc.tweets.get(refs.get(kind, ""))
            if ref is None:
                continue
            try:
                rows.append(_post(ref, inc))
            except MissingField as exc:
                buf.skip(f"x: expanded {kind} tweet without {exc.args[0]}")
    except MissingField as exc:
        key = exc.args[0]
        buf.rejected.append(
            Rejected(
                str(path),
                record,
                "missing tweet field",
                key,
                f"key {key!r} missing",
                excerpt(item),
            )
        )
        return
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        buf.rejected.append(
            Rejected(
                str(path),
                record,
                "invalid tweet",
                None,
                f"{type(exc).__name__}: {exc}",
                excerpt(item),
            )
        )
        return
    for post in rows:
        buf.posts.append(post)
        buf.accounts.append(account_row(post["account_id"], inc.users.get(post["account_id"])))


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches from a twarc2 file (pages or flattened tweets).

    Flattened tweets are mapped in SQL (``x_sql``); pages and every line SQL sets aside go
    through ``read_value``, the Python path."""
    from vigie.ingest import x_sql

    return x_sql.read(path)


UNRETURNED = ("resource-not-found", "not-authorized-for-resource", "resource-unavailable")
"""The API's problem types for a tweet (or user) it could not return: deleted, protected or
suspended. Any other type is counted as ``other``, so the skip reasons stay a short list."""


def _count_errors(buf: RowBuffer, errors: Any) -> None:
    """Count each entry of a page's ``errors`` as a skipped object, by kind.

    Why: the API answers a tweet it cannot return (a deleted or protected post looked up by
    ``twarc2 hydrate``, or a referenced tweet missing from ``includes``) with an ``errors``
    entry instead; twarc2 writes such pages, some with no ``data`` at all. They hold no post,
    but how many tweets a collection lost is worth telling (they were refused as "not an X v2
    page" when the page had no ``data``, and not counted when it had)."""
    for e in _l(errors):
        e = _d(e)
        kind = str(e.get("type") or "").rsplit("/", 1)[-1]
        if kind == "not-authorized-for-field":
            # the object came back without one of its fields (a video's private play counts
            # asked with a public token): nothing of the collection is missing
            res = e.get("resource_type") if isinstance(e.get("resource_type"), str) else "object"
            buf.skip(f"x: a field of a {res[:20]} withheld by the API ({kind})")
            continue
        what = e.get("resource_type") if e.get("resource_type") in ("tweet", "user") else "object"
        buf.skip(f"x: {what} not returned by the API ({kind if kind in UNRETURNED else 'other'})")


INCLUDES_KEYS = frozenset({"users", "tweets", "places", "media", "polls", "topics"})


def is_includes(value: Any) -> bool:
    """An API v2 ``includes`` object saved on its own, holding tweets: academictwitteR's
    ``users_*.json`` (the ``users``, ``tweets``, ``places`` of each query, beside the
    ``data_*.json`` of its tweets)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= INCLUDES_KEYS
        and isinstance(value.get("tweets"), list)
        and isinstance(value.get("users", []), list)
    )


def _includes_doc(buf: RowBuffer, path: Path, lineno: int | str, value: dict[str, Any]) -> None:
    """Every user of a saved ``includes`` object an account, every tweet a post (with its
    author's profile from the same object), as a page whose ``data`` they were.

    Why: read as a generic document wrapping a list, only its ``users`` were kept and the
    tweets (the originals the collected tweets retweet, quote or answer) were dropped
    unsaid."""
    for user in value.get("users") or []:
        if isinstance(user, dict) and user.get("id") not in (None, ""):
            buf.accounts.append(account_row(str(user["id"]), user))
    inc = _Includes(value)
    for k, item in enumerate(value["tweets"], start=1):
        _normalize(buf, path, f"{lineno}:{k}", item, inc)


def read_value(buf: RowBuffer, path: Path, lineno: int | str, value: Any) -> None:
    """Read one decoded line (a page, a tweet, or a refusal) into ``buf``.

    A line holding a JSON array is read element by element (record ``line:element``):
    academictwitteR saves each query's ``data`` as one array on one line (``data_*.json``,
    R's ``jsonlite::write_json``), which was refused whole as "not an X v2 page or tweet"."""
    if isinstance(value, list):
        for k, item in enumerate(value, start=1):
            read_value(buf, path, f"{lineno}:{k}", item)
        return
    if isinstance(value, dict) and "id" not in value and "errors" in value:
        _count_errors(buf, value["errors"])
        if "data" not in value:
            return
    if isinstance(value, Rejected):
        buf.refuse(value)
    elif isinstance(value, dict) and "data" in value:
        data = value["data"]
        items = [data] if isinstance(data, dict) else data if isinstance(data, list) else None
        if items is None:
            buf.refuse(
                Rejected(
                    str(path),
                    lineno,
                    "invalid page",
                    "data",
                    "data is neither a tweet nor a list",
                    excerpt(value),
                )
            )
            return
        inc = _Includes(value.get("includes"))
        for k, item in enumerate(items, start=1):
            _normalize(buf, path, f"{lineno}:{k}", item, inc)
    elif is_includes(value):
        _includes_doc(buf, path, lineno, value)
    elif isinstance(value, dict) and "meta" in value and "data" not in value:
        buf.skip("x: empty response page")
    elif isinstance(value, dict) and "id" in value:
        _normalize(buf, path, lineno, value, _flat_includes(value))
    else:
        buf.refuse(
            Rejected(str(path), lineno, "not an X v2 page or tweet", None, None, excerpt(value))
        )


def read_python(path: Path) -> Iterator[Batch]:
    """The Python path of ``read``: every line decoded and mapped here."""
    buf = RowBuffer()
    for lineno, value in json_array_values(path):
        read_value(buf, path, lineno, value)
        if len(buf) >= BATCH_ROWS:
            yield buf.flush()
    if len(buf) or buf.records or buf.skipped:
        yield buf.flush()
