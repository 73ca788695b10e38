"""An X account's own archive ("Settings" > "Your account" > "Download an archive of your
data"): the tweets of its ``data/tweets.js``.

Why: an account's archive is how its owner can give researchers everything they posted (data
donation studies), and how a leaked or seized account's history reaches analysts; X's API
serves none of it any more. The file is one JavaScript assignment,
``window.YTD.tweets.part0 = [{"tweet": {...}}, ...]`` (``tweet.js``/``window.YTD.tweet``
before 2022; a large archive splits it into ``part1``, ``part2``...), each tweet an API v1.1
tweet without its ``user`` (every number written as a string), and the author is the
archive's owner, named in ``data/account.js`` beside it (``window.YTD.account.part0 =
[{"account": {"accountId", "username", "accountDisplayName", "createdAt"}}]``).

Each tweet is read by the v1.1 reader with the owner as its ``user``: the same ids, links
(``t.co`` replaced by the expanded URL), hashtags, mentions, media and replies as every other
X source, so an archive and an API collection of the same account merge. A retweet is only
its ``RT @name: ...`` text (the archive keeps no retweeted id): ``vigie detect`` reads such
texts as reposts of that account (``textreposts``). The array is streamed (ijson): memory is
bounded by a tweet, not by the archive. Without ``account.js`` beside it the file is refused
in one line (no author can be told); the archive's other files (likes, followers, direct
messages...) are refused as no posts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest import x_v1
from vigie.ingest.model import Batch, Rejected
from vigie.ingest.records import Mapped, read_items
from vigie.json_guard import guarded

PREFIX_RE = re.compile(rb"\s*window\.YTD\.([A-Za-z_]+)\.part\d+\s*=\s*")
TWEET_KINDS = ("tweets", "tweet")
"""``window.YTD.<kind>`` of the files that hold the owner's tweets (since 2022 / before)."""


def archive_kind(head: bytes) -> str | None:
    """The ``<kind>`` of a file of an X archive (``window.YTD.<kind>.partN = ...``), else
    None."""
    m = PREFIX_RE.match(head.removeprefix(b"\xef\xbb\xbf"))
    return m.group(1).decode("ascii") if m else None


def _array(path: Path) -> tuple[bytes, int]:
    """The file's ``window.YTD.<kind>`` and where the JSON array after it begins."""
    with open(path, "rb") as fh:
        head = fh.read(256)
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    m = PREFIX_RE.match(head, bom)
    if m is None:
        raise InputError("not an X archive file (no 'window.YTD.<name>.partN = ')", file=str(path))
    return m.group(1), m.end()


def _items(path: Path, start: int) -> Iterator[tuple[int, Any]]:
    """``(n, item)`` of the array from ``start``; a file broken part-way ends with one
    ``Rejected`` for the rest (the tweets before the break are kept)."""
    import ijson

    n = 0
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            for item in ijson.items(guarded(fh), "item", use_float=True):
                n += 1
                yield n, item
    except (ijson.JSONError, UnicodeDecodeError, RecursionError) as exc:
        detail = f"the file breaks after tweet {n} ({exc})"
        yield n + 1, Rejected(str(path), n + 1, "malformed JSON", None, detail)


def _owner(path: Path) -> dict[str, Any]:
    """The archive's owner as a v1.1 ``user`` (from ``account.js`` beside ``path``)."""
    account = path.with_name("account.js")
    if not account.is_file():
        raise InputError(
            "an X archive's tweets name no author: its data/account.js (the archive's owner) "
            "must sit beside this file; ingest the file from the unzipped archive's data folder",
            file=str(path),
        )
    try:
        _, start = _array(account)
        text = account.read_bytes()[start:].decode("utf-8-sig")
        acc = json.loads(text)[0]["account"]
        owner = {
            "id_str": str(acc["accountId"]),
            "screen_name": acc.get("username"),
            "name": acc.get("accountDisplayName"),
        }
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise InputError(f"not an X archive's account file ({exc})", file=str(account)) from None
    created = acc.get("createdAt")
    if isinstance(created, str):
        try:
            when = datetime.fromisoformat(created.replace("Z", "+00:00"))
            owner["created_at"] = when.strftime("%a %b %d %H:%M:%S +0000 %Y")
        except ValueError:
            pass  # no creation date: the account row holds none
    return owner


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from an X archive's ``tweets.js`` (see the module doc)."""
    kind, start = _array(path)
    if kind.decode("ascii") not in TWEET_KINDS:
        raise InputError(
            f"an X archive's {kind.decode('ascii')}.js holds no posts: ingest its "
            "data/tweets.js (tweet.js in archives before 2022)",
            file=str(path),
        )
    owner = _owner(path)

    def one(item: Any) -> Mapped:
        tweet = item.get("tweet") if isinstance(item, dict) and "tweet" in item else item
        if not isinstance(tweet, dict):
            raise ValueError("not a tweet object")
        return x_v1._one({**tweet, "user": owner})

    return read_items(path, lambda v: [v], one, "tweet", values=_items(path, start))
