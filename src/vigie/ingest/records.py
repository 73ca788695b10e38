"""The loop every JSON platform reader shares: values -> items -> canonical rows or refusals.

Why one loop: each new source (Mastodon, YouTube, TikTok, Meta Content Library) differs only in
how a page is unwrapped into items and how one item maps to canonical rows; counting records,
refusing with the record number and field, and batching must behave the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.ingest.json_array import values as json_array_values
from vigie.ingest.model import (
    BATCH_ROWS,
    Batch,
    Note,
    Rejected,
    RowBuffer,
    excerpt,
    ts_from_value,
)
from vigie.ingest.urls import (
    DOTTED_HANDLES,
    dotted_mentions_in_text,
    hashtags_in_text,
    mentions_in_text,
    urls_in_text,
    youtube_mentions_in_text,
)

Row = dict[str, Any]
Mapped = tuple[list[Row], list[Row]]


class Missing(Exception):
    """An item lacks a field the Dataset needs (``args[0]`` names it)."""


class BadField(ValueError):
    """A field holds a value that cannot be read (``field`` names it)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


class BadPage(ValueError):
    """A whole page is refused (e.g. an API error answer): ``args`` = (reason, detail)."""


class Skip(Exception):
    """An item that is not a post (``args[0]`` says what), counted in the manifest."""


def as_dict(v: Any) -> dict[str, Any]:
    """``v`` if it is an object, else an empty one: a payload's optional object, read safely."""
    return v if isinstance(v, dict) else {}


def as_items(v: Any) -> list[Any]:
    """``v`` if it is a list, else an empty one: a payload's optional list, read safely."""
    return v if isinstance(v, list) else []


YOUTUBE_HANDLES_FROM = datetime(2022, 10, 10, tzinfo=UTC)
"""When YouTube gave channels handles (blog.youtube, 10 October 2022). Before it, ``@`` in
a comment named a channel's display name (the reply box wrote ``@Carlos Azaustre``), so
the first word after it (``carlos``) was no handle and tied strangers by their first name."""


def _mentions(platform: str, text: str, created_at: Any = None) -> list[str]:
    """The handles ``text`` mentions, by its platform's user-name rule (``DOTTED_HANDLES``,
    YouTube's own); none for a YouTube text older than handles (``YOUTUBE_HANDLES_FROM``)."""
    if platform in DOTTED_HANDLES:
        return dotted_mentions_in_text(text)
    if platform == "youtube":
        if isinstance(created_at, datetime) and created_at < YOUTUBE_HANDLES_FROM:
            return []
        return youtube_mentions_in_text(text)
    return mentions_in_text(text)


def text_post(
    platform: str,
    post_id: str,
    account: str,
    created_at: Any,
    text: str,
    *,
    lang: str | None = None,
    reply_to: str | None = None,
    urls: list[str] | None = None,
    hashtags: list[str] | None = None,
    mentions: list[str] | None = None,
    media: list[str] | None = None,
) -> Row:
    """A post with no repost or quote, whose links, hashtags and mentions are read from its
    text unless the source lists them (``None``: not listed); ``media`` only as listed.

    Why one function: the video, comment and chat sources (YouTube, TikTok, Instagram, from
    their APIs, minet or Zeeschuimer; Telegram's exports; WhatsApp) give little beyond a text,
    and must read it alike for their posts to compare across sources."""
    return {
        "post_id": post_id,
        "platform": platform,
        "account_id": account,
        "created_at": created_at,
        "text": text,
        "lang": lang,
        "urls": urls_in_text(text) if urls is None else urls,
        "hashtags": hashtags_in_text(text) if hashtags is None else hashtags,
        "mentions": _mentions(platform, text, created_at) if mentions is None else mentions,
        "media": [] if media is None else media,
        "repost_of": None,
        "reply_to": reply_to,
        "quote_of": None,
    }


def need(obj: Any, *path: str) -> Any:
    """``obj[path[0]][path[1]]...``, or ``Missing`` naming the dotted path."""
    cur = obj
    for key in path:
        if not isinstance(cur, dict) or cur.get(key) in (None, ""):
            raise Missing(".".join(path))
        cur = cur[key]
    return cur


def time_of(value: Any, name: str) -> Any:
    """A post time from ISO 8601 or POSIX seconds; ``ValueError`` naming the field otherwise."""
    try:
        return ts_from_value(value)
    except ValueError as exc:
        raise BadField(name, str(exc)) from None


def profile_time(value: Any, name: str, parse: Callable[[Any, str], Any] = time_of) -> Any:
    """An account's creation time by ``parse``, or None when absent or unreadable.

    Why lenient, unlike a post's own time: a profile field is context for the post, so an
    odd value there must not refuse the post it came with."""
    if not value:
        return None
    try:
        return parse(value, name)
    except ValueError:
        return None


def as_int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v)
    return None


def read_items(
    path: Path,
    unwrap: Callable[[Any], list[Any] | None],
    one: Callable[[Any], Mapped],
    what: str,
    values: Iterable[tuple[int, Any]] | None = None,
    keys: tuple[str, ...] = (),
) -> Iterator[Batch]:
    """Map every item of ``path`` with ``one``; refuse what cannot be mapped, by record.

    ``keys``: where a page holds its items (``json_array.values``), so that one document
    over the record limit is streamed item by item instead of refused whole."""
    buf = RowBuffer()
    for lineno, value in values if values is not None else json_array_values(path, keys=keys):
        yield from read_value(buf, path, lineno, value, unwrap, one, what, BATCH_ROWS)
    if len(buf) or buf.records or buf.skipped:
        yield buf.flush()


def read_value(
    buf: RowBuffer,
    path: Path,
    lineno: int,
    value: Any,
    unwrap: Callable[[Any], list[Any] | None],
    one: Callable[[Any], Mapped],
    what: str,
    batch_rows: int | None = None,
) -> Iterator[Batch]:
    """Map the items of one decoded value (a line, or a whole file) into ``buf``; a batch is
    flushed whenever ``buf`` reaches ``batch_rows`` rows (``None``: never).

    Why a function of its own: the SQL paths (``mastodon_sql``) hand the lines they do not
    map back to exactly this, one by one, so refusals stay those of the Python reader."""
    if isinstance(value, Rejected):
        buf.refuse(value)
        return
    if isinstance(value, Note):
        buf.skip(value.reason, value.n)
        return
    try:
        items = unwrap(value)
    except BadPage as exc:
        buf.refuse(
            Rejected(
                str(path),
                lineno,
                str(exc.args[0]),
                None,
                "; ".join(exc.args[1:]) or None,
                excerpt(value),
            )
        )
        return
    if items is None:
        buf.refuse(Rejected(str(path), lineno, f"not a {what} or page", None, None, excerpt(value)))
        return
    for k, item in enumerate(items, start=1):
        rec: int | str = f"{lineno}:{k}" if len(items) > 1 else lineno
        buf.records += 1
        try:
            posts, accounts = one(item)
        except Skip as exc:
            buf.skip(str(exc.args[0]))
            continue
        except Missing as exc:
            f = str(exc.args[0])
            buf.rejected.append(
                Rejected(
                    str(path), rec, f"missing {what} field", f, f"{f!r} missing", excerpt(item)
                )
            )
            continue
        except BadField as exc:
            buf.rejected.append(
                Rejected(
                    str(path), rec, f"invalid {exc.field}", exc.field, exc.detail, excerpt(item)
                )
            )
            continue
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            buf.rejected.append(
                Rejected(
                    str(path),
                    rec,
                    f"invalid {what}",
                    None,
                    f"{type(exc).__name__}: {exc}"[:300],
                    excerpt(item),
                )
            )
            continue
        buf.posts.extend(posts)
        buf.accounts.extend(accounts)
        if batch_rows is not None and len(buf) >= batch_rows:
            yield buf.flush()


def as_list(value: Any, keys: tuple[str, ...], single: Callable[[dict[str, Any]], bool]) -> Any:
    """Items of a page (``value[key]`` for the first list-valued key), a bare JSON array, or
    ``[value]`` when ``single(value)`` says it is one item; ``None`` otherwise."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    for k in keys:
        cur: Any = value
        for part in k.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        if isinstance(cur, list):
            return cur
    return [value] if single(value) else None


CLIENT_CHARS = 200
"""A posting app's name is short; anything longer is not a name (cut, not refused)."""


def client_name(value: Any) -> str | None:
    """The posting app's name from a platform's ``source`` field, or None.

    Why strip the markup: X API v1.1 (and the twarc/rtweet CSVs made from it) give the app
    as an HTML link, ``<a href="…">Twitter for iPhone</a>``, while v2, the IO archive and
    Mastodon give the bare name; the authenticity indicator compares names across all of
    them, so one app must read the same whichever export it came from.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("<") and ">" in text:
        text = text.split(">", 1)[1].rsplit("</", 1)[0].strip()
    return text[:CLIENT_CHARS] or None
