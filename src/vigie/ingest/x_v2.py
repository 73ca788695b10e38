"""X/Twitter API v2 as written by twarc2: response pages or flattened tweets, one per line.

Why twitwi: médialab's normaliser already knows the v2 payload (expansions, referenced
tweets, media, entities) and is what analysts cross-check against; we only map its flat
output to the canonical columns. The reply/repost/quote ids are read from the tweet's own
``referenced_tweets`` (present even when the referenced tweet is not expanded).

Page line (``twarc2 search``): ``{"data": [tweet...], "includes": {"users": [...],
"tweets": [...], "media": [...]}, "meta": {...}, "__twarc": {...}}``.
Flattened line (``twarc2 flatten``): one tweet with ``author``, expanded
``referenced_tweets`` and ``attachments.media`` inlined.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from twitwi.normalizers import includes_index, normalize_tweet_v2

from vigie.ingest.jsonlines import json_values
from vigie.ingest.model import BATCH_ROWS, Batch, Rejected, RowBuffer, excerpt, ts_from_iso
from vigie.ingest.urls import (
    canonical_urls,
    clean_hashtags,
    clean_mentions,
    hashtags_in_text,
    mentions_in_text,
    urls_in_text,
)

PLATFORM = "x"


def _indexes(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "users_by_id": includes_index(payload, "users"),
        "users_by_screen_name": includes_index(payload, "users", index_key="username"),
        "places_by_id": includes_index(payload, "places"),
        "tweets_by_id": includes_index(payload, "tweets"),
        "media_by_key": includes_index(payload, "media", index_key="media_key"),
    }


def _flat_payload(tweet: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rebuild a v2 page (data + includes) around one flattened tweet."""
    users, tweets, media = [], [], []
    if isinstance(tweet.get("author"), dict):
        users.append(tweet["author"])
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and "text" in ref:
            tweets.append(ref)
            if isinstance(ref.get("author"), dict):
                users.append(ref["author"])
            for m in (ref.get("attachments") or {}).get("media") or []:
                media.append(m)
    for m in (tweet.get("attachments") or {}).get("media") or []:
        media.append(m)
    if isinstance(tweet.get("in_reply_to_user"), dict):
        users.append(tweet["in_reply_to_user"])
    includes = {"users": users, "tweets": tweets, "media": media}
    return tweet, {"includes": includes}


def _own_text(raw: dict[str, Any]) -> str:
    """The author's own words with t.co links expanded.

    twitwi inlines a quoted tweet's text into the quoting tweet; copy-paste detection must
    not see the quoted words as the quoter's, so we rebuild the text from the payload.
    """
    text = raw.get("text") or ""
    for u in (raw.get("entities") or {}).get("urls") or []:
        if isinstance(u, dict) and u.get("url"):
            best = u.get("unwound_url") or u.get("expanded_url")
            if best:
                text = text.replace(u["url"], best)
    return html.unescape(text)


def _post(nt: dict[str, Any], raw: dict[str, Any] | None) -> dict[str, Any]:
    refs = {
        r.get("type"): str(r.get("id"))
        for r in (raw or {}).get("referenced_tweets") or []
        if isinstance(r, dict)
    }
    if raw is not None and raw.get("created_at"):
        created = ts_from_iso(raw["created_at"])
    else:
        created = datetime.fromtimestamp(nt["timestamp_utc"], tz=UTC)
    has_entities = raw is None or bool(raw.get("entities"))
    raw_text = (raw or {}).get("text", nt.get("text"))
    text = _own_text(raw) if raw is not None else nt.get("text")
    if has_entities:
        urls = canonical_urls(nt.get("links"))
        hashtags = clean_hashtags(nt.get("hashtags"))
        mentions = clean_mentions(nt.get("mentioned_names"))
    else:  # no entities in the payload: read them from the text
        urls, hashtags, mentions = (
            urls_in_text(raw_text),
            hashtags_in_text(raw_text),
            mentions_in_text(raw_text),
        )
    return {
        "post_id": str(nt["id"]),
        "platform": PLATFORM,
        "account_id": str(nt["user_id"]),
        "created_at": created,
        "text": text,
        "lang": nt.get("lang") or None,
        "urls": urls,
        "hashtags": hashtags,
        "mentions": mentions,
        "media": canonical_urls(nt.get("media_urls")),
        "repost_of": refs.get("retweeted") or nt.get("retweeted_id") or None,
        "reply_to": refs.get("replied_to") or nt.get("to_tweetid") or None,
        "quote_of": refs.get("quoted") or nt.get("quoted_id") or None,
    }


def _account(nt: dict[str, Any]) -> dict[str, Any]:
    ts = nt.get("user_timestamp_utc")
    return {
        "account_id": str(nt["user_id"]),
        "platform": PLATFORM,
        "handle": nt.get("user_screen_name"),
        "display_name": nt.get("user_name"),
        "created_at": datetime.fromtimestamp(ts, tz=UTC) if ts is not None else None,
        "followers": nt.get("user_followers"),
        "following": nt.get("user_friends"),
        "posts_count": nt.get("user_tweets"),
        "description": nt.get("user_description"),
    }


def _normalize(
    buf: RowBuffer, path: Path, record: str, item: Any, idx: dict[str, dict[str, Any]]
) -> None:
    buf.records += 1
    if not isinstance(item, dict):
        buf.rejected.append(
            Rejected(
                str(path), record, "not a tweet object", None, type(item).__name__, excerpt(item)
            )
        )
        return
    try:
        normalized = normalize_tweet_v2(item, extract_referenced_tweets=True, **idx)
        rows = []
        for k, nt in enumerate(normalized):
            raw = item if k == 0 else idx["tweets_by_id"].get(str(nt["id"]))
            rows.append((_post(nt, raw), _account(nt)))
    except KeyError as exc:
        key = exc.args[0] if exc.args else "?"
        buf.rejected.append(
            Rejected(
                str(path),
                record,
                "missing tweet field",
                str(key),
                f"key {key!r} missing",
                excerpt(item),
            )
        )
        return
    except Exception as exc:  # twitwi raises its own payload errors, ValueError on bad dates
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
    for post, account in rows:
        buf.posts.append(post)
        buf.accounts.append(account)


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches from a twarc2 file (pages or flattened tweets)."""
    buf = RowBuffer()
    for lineno, value in json_values(path):
        if isinstance(value, Rejected):
            buf.records += 1
            buf.rejected.append(value)
        elif isinstance(value, dict) and "data" in value:
            data = value["data"]
            items = [data] if isinstance(data, dict) else data if isinstance(data, list) else None
            if items is None:
                buf.records += 1
                buf.rejected.append(
                    Rejected(
                        str(path),
                        lineno,
                        "invalid page",
                        "data",
                        "data is neither a tweet nor a list",
                        excerpt(value),
                    )
                )
                continue
            idx = _indexes(value)
            for k, item in enumerate(items, start=1):
                _normalize(buf, path, f"{lineno}:{k}", item, idx)
        elif isinstance(value, dict) and "meta" in value and "data" not in value:
            buf.skip("x: empty response page")
        elif isinstance(value, dict) and "id" in value:
            tweet, page = _flat_payload(value)
            _normalize(buf, path, lineno, tweet, _indexes(page))
        else:
            buf.records += 1
            buf.rejected.append(
                Rejected(str(path), lineno, "not an X v2 page or tweet", None, None, excerpt(value))
            )
        if len(buf) >= BATCH_ROWS:
            yield buf.flush()
    if len(buf) or buf.records or buf.skipped:
        yield buf.flush()
