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


def lists_from(cols: list[pa.Array]) -> pa.ListArray:
    """list<string> per row from nullable string columns (nulls skipped, order kept)."""
    n = len(cols[0])
    k = len(cols)
    stacked = pa.concat_arrays(cols)
    idx = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()
    inter = stacked.take(pa.array(idx))
    valid = pc.is_valid(inter).to_numpy(zero_copy_only=False)
    counts = valid.reshape(n, k).sum(axis=1)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), inter.filter(pa.array(valid)))


def materialise(
    buf: PostBuffer, handles: pa.Array, account_ids: pa.Array, lang: str
) -> tuple[pa.Table, np.ndarray, np.ndarray, pa.Array]:
    """The canonical posts table (sorted by time then id), the campaign index and the author
    index of each of its rows, and the post id of each buffer row (to resolve references)."""
    t = buf.column("t")
    n = len(t)
    author = buf.column("author")
    kind = buf.column("kind")
    target = buf.column("target")
    campaign = buf.column("campaign")
    text = buf.arrow("text")
    url = buf.arrow("url")
    tags = pa.concat_arrays([p.tags for p in buf.parts])
    mention = buf.arrow("mention")
    media = buf.arrow("media")

    is_rep = kind == REPOST
    is_reply = kind == REPLY
    has_t = target >= 0
    tgt = np.where(has_t, target, np.arange(n))
    if np.any(t[has_t] <= t[target[has_t]]):
        raise AssertionError("a reaction precedes its target")  # generator bug, never user
    tgt_handle = handles.take(pa.array(author[tgt]))

    # Replies: "@handle " prefix; reposts: "RT @handle: text of the target".
    reply_text = join([pc.binary_join_element_wise("@", tgt_handle, ""), text])
    text = pc.if_else(pa.array(is_reply), reply_text, text)
    rt = pc.binary_join_element_wise(
        const_arr("RT @", n), tgt_handle, const_arr(": ", n), text.take(pa.array(tgt)), ""
    )
    text = pc.if_else(pa.array(is_rep), rt, text)

    # Reposts carry the target's entities, as X parses them from the retweet text.
    src = pa.array(np.where(is_rep, tgt, np.arange(n)))
    url = url.take(src)
    tags = tags.take(src)
    media = media.take(src)
    own_mention = mention.take(src)
    lead = pc.if_else(pa.array(is_rep | is_reply), tgt_handle, nulls(n))
    mentions = lists_from([lead, own_mention])

    order = np.lexsort((np.arange(n), t))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ts = t[order]
    ms = ts // 1000
    first = np.r_[True, ms[1:] != ms[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    within = np.arange(n) - group_start
    pid_sorted = snowflake(ms, within)
    pid_str = pa.array(pid_sorted).cast(pa.string())
    # id of each global row, to resolve references
    pid_by_row = pid_str.take(pa.array(rank))
    ref = pid_by_row.take(pa.array(tgt))

    def ref_col(mask: np.ndarray) -> pa.Array:
        return pc.if_else(pa.array(mask), ref, nulls(n)).take(pa.array(order))

    o = pa.array(order)
    table = pa.table(
        {
            "post_id": pid_str,
            "platform": const_arr("x", n),
            "account_id": account_ids.take(pa.array(author[order])),
            "created_at": pa.array(ts, type=pa.timestamp("us", tz="UTC")),
            "text": text.take(o),
            "lang": const_arr(lang, n),
            "urls": lists_from([url]).take(o),
            "hashtags": tags.take(o),
            "mentions": mentions.take(o),
            "media": lists_from([media]).take(o),
            "repost_of": ref_col(is_rep),
            "reply_to": ref_col(is_reply),
            "quote_of": ref_col(kind == QUOTE),
        }
    )
    return conform(table, POSTS_SCHEMA), campaign[order], author[order], pid_by_row


def const_arr(value: str, n: int) -> pa.Array:
    """A constant string column."""
    return pa.repeat(pa.scalar(value, pa.string()), n)
