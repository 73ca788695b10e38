"""Column-wise post buffer and its conversion to the canonical posts table.

Why a buffer of integer columns: the generator creates posts in batches (organic originals,
cascades, campaign actions …) that refer to each other (a repost points at its original)
before any post has its final id. Each batch is a ``Part`` of NumPy/Arrow columns with
references as global row numbers; ``materialise`` sorts everything by time once, gives X-style
snowflake ids, and derives what depends on the target (``RT @handle: text``, ``@handle``
prefixes of replies, copied URLs and hashtags) with vectorised takes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.exercise.textgen import join
from vigie.exercise.timeline import snowflake
from vigie.schema import POSTS_SCHEMA, conform

ORIGINAL, REPOST, REPLY, QUOTE = 0, 1, 2, 3


def empty_lists(n: int) -> pa.ListArray:
    return pa.ListArray.from_arrays(
        pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string())
    )


def nulls(n: int) -> pa.Array:
    return pa.nulls(n, type=pa.string())


@dataclass
class Part:
    """A batch of posts. ``target`` holds global row numbers (-1 when none); ``campaign`` the
    campaign index (-1 organic); ``text`` is null for reposts (derived at the end)."""

    author: np.ndarray
    t: np.ndarray
    kind: np.ndarray
    target: np.ndarray
    text: pa.Array
    url: pa.Array
    tags: pa.ListArray
    mention: pa.Array
    media: pa.Array
    campaign: np.ndarray
    lang: pa.Array | None = None  # per-post language where it differs from the scenario's
    # further handles a post tags, after ``mention`` (a post tagging several accounts at once)
    mentions: pa.ListArray | None = None

    def __len__(self) -> int:
        return len(self.author)

    @classmethod
    def make(
        cls,
        author: np.ndarray,
        t: np.ndarray,
        kind: int | np.ndarray,
        *,
        target: np.ndarray | None = None,
        text: pa.Array | None = None,
        url: pa.Array | None = None,
        tags: pa.ListArray | None = None,
        mention: pa.Array | None = None,
        media: pa.Array | None = None,
        campaign: int | np.ndarray = -1,
    ) -> Part:
        n = len(author)
        return cls(
            author=np.asarray(author, dtype=np.int64),
            t=np.asarray(t, dtype=np.int64),
            kind=np.broadcast_to(np.asarray(kind, dtype=np.int8), (n,)).copy(),
            target=np.full(n, -1, np.int64) if target is None else np.asarray(target, np.int64),
            text=nulls(n) if text is None else text,
            url=nulls(n) if url is None else url,
            tags=empty_lists(n) if tags is None else tags,
            mention=nulls(n) if mention is None else mention,
            media=nulls(n) if media is None else media,
            campaign=np.broadcast_to(np.asarray(campaign, dtype=np.int32), (n,)).copy(),
        )


class PostBuffer:
    """Accumulates parts; ``add`` returns the global row number of the part's first post."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.n = 0

    def add(self, part: Part) -> int:
        base = self.n
        if len(part):
            self.parts.append(part)
            self.n += len(part)
        return base

    def column(self, name: str) -> np.ndarray:
        cols = [getattr(p, name) for p in self.parts]
        return np.concatenate(cols) if cols else np.zeros(0, np.int64)

    def arrow(self, name: str) -> pa.Array:
        return pa.concat_arrays([getattr(p, name) for p in self.parts])


def _valid(arr: pa.Array) -> np.ndarray:
    return pc.is_valid(arr).to_numpy(zero_copy_only=False)


def lists_from(cols: list[pa.Array]) -> pa.ListArray:
    """list<string> per row from nullable string columns (nulls skipped, order kept)."""
    n = len(cols[0])
    k = len(cols)
    valid = np.stack([_valid(c) for c in cols], axis=1)
    pos = (np.arange(n)[:, None] + np.arange(k)[None, :] * n)[valid]
    stacked = pa.concat_arrays(cols) if k > 1 else cols[0]
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(valid.sum(axis=1), out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), stacked.take(pa.array(pos)))


def concat_lists(a: pa.ListArray, b: pa.ListArray) -> pa.ListArray:
    """Row-wise ``a + b`` of two list<string> columns of the same length (null rows empty)."""
    n = len(a)
    ca = pc.fill_null(pc.list_value_length(a), 0).to_numpy(zero_copy_only=False)
    cb = pc.fill_null(pc.list_value_length(b), 0).to_numpy(zero_copy_only=False)
    rows = np.concatenate([np.repeat(np.arange(n), ca), np.repeat(np.arange(n), cb)])
    order = np.argsort(rows, kind="stable")  # a row's values of ``a`` come first
    values = pa.concat_arrays([pc.list_flatten(a), pc.list_flatten(b)]).take(pa.array(order))
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(ca + cb, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _masked(idx: np.ndarray, keep: np.ndarray) -> pa.Array:
    """Take indices that are null where ``keep`` is false (take then yields nulls)."""
    return pa.array(idx, type=pa.int64(), mask=~keep)


def materialise(
    buf: PostBuffer, handles: pa.Array, account_ids: pa.Array, lang: str
) -> tuple[pa.Table, np.ndarray, np.ndarray, pa.Array]:
    """The canonical posts table (sorted by time then id), the campaign index and the author
    index of each of its rows, and the post id of each buffer row (to resolve references).

    Everything is computed directly in the final (sorted) order so that each string column
    is gathered once; replies and reposts are patched in with ``replace_with_mask``."""
    t = buf.column("t")
    n = len(t)
    target = buf.column("target")
    has_t = target >= 0
    if np.any(t[has_t] <= t[target[has_t]]):
        raise AssertionError("a reaction precedes its target")  # generator bug, never user

    order = np.lexsort((np.arange(n), t))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    o = pa.array(order)
    ts = t[order]
    author = buf.column("author")[order]
    kind = buf.column("kind")[order]
    tgt = np.where(has_t[order], rank[np.where(has_t, target, 0)][order], np.arange(n))
    is_rep, is_reply, is_quote = kind == REPOST, kind == REPLY, kind == QUOTE
    reacts = is_rep | is_reply

    # X-style ids: milliseconds in the high bits, rank within the millisecond in the low bits
    ms = ts // 1000
    first = np.r_[True, ms[1:] != ms[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    pid = pa.array(snowflake(ms, np.arange(n) - group_start)).cast(pa.string())

    # Replies get "@handle " in front; reposts are "RT @handle: text of the target".
    tgt_handle = handles.take(_masked(author[tgt], reacts))
    text = buf.arrow("text").take(o)
    ri = np.flatnonzero(is_reply)
    if ri.size:
        h = tgt_handle.take(pa.array(ri))
        reply = join([pc.binary_join_element_wise("@", h, ""), text.take(pa.array(ri))])
        text = pc.replace_with_mask(text, pa.array(is_reply), reply)
    pi = np.flatnonzero(is_rep)
    if pi.size:
        h = tgt_handle.take(pa.array(pi))
        body = text.take(pa.array(tgt[pi]))
        rt = pc.binary_join_element_wise(
            const_arr("RT @", pi.size), h, const_arr(": ", pi.size), body, ""
        )
        text = pc.replace_with_mask(text, pa.array(is_rep), rt)

    # Reposts carry the target's entities, as X parses them from the retweet text.
    src_rows = np.where(is_rep, order[tgt], order)
    src = pa.array(src_rows)
    tags = pa.concat_arrays([p.tags for p in buf.parts]).take(src)
    # the house's canonical URL key (vigie.ingest.urls.canonical_url): no scheme, no www,
    # no tracking parameters — generated URLs are built clean, so only the scheme goes
    url = pc.replace_substring_regex(buf.arrow("url").take(src), "^https?://", "")
    media = buf.arrow("media").take(src)
    mentions = lists_from([tgt_handle, buf.arrow("mention").take(src)])
    if any(p.mentions is not None for p in buf.parts):
        more = pa.concat_arrays(
            [empty_lists(len(p)) if p.mentions is None else p.mentions for p in buf.parts]
        )
        mentions = concat_lists(mentions, more.take(src))

    table = pa.table(
        {
            "post_id": pid,
            "platform": const_arr("x", n),
            "account_id": account_ids.take(pa.array(author)),
            "created_at": pa.array(ts, type=pa.timestamp("us", tz="UTC")),
            "text": text,
            "lang": _langs(buf, o, lang, n),
            "urls": lists_from([url]),
            "hashtags": tags,
            "mentions": mentions,
            "media": lists_from([media]),
            "repost_of": pid.take(_masked(tgt, is_rep)),
            "reply_to": pid.take(_masked(tgt, is_reply)),
            "quote_of": pid.take(_masked(tgt, is_quote)),
        }
    )
    pid_by_row = pid.take(pa.array(rank))
    campaign = buf.column("campaign")[order]
    return conform(table, POSTS_SCHEMA), campaign, author, pid_by_row


def _langs(buf: PostBuffer, order: pa.Array, lang: str, n: int) -> pa.Array:
    """The scenario's language, or a post's own where its part sets one (translations)."""
    if all(p.lang is None for p in buf.parts):
        return const_arr(lang, n)
    own = pa.concat_arrays([nulls(len(p)) if p.lang is None else p.lang for p in buf.parts])
    return pc.fill_null(own.take(order), lang)


def const_arr(value: str, n: int) -> pa.Array:
    """A constant string column."""
    return pa.repeat(pa.scalar(value, pa.string()), n)
