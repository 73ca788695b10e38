"""Per-format generators for ``benchmarks/ingest.py --format``: realistic platform files.

Each writer puts ``n`` records (tweets, events, statuses, messages) in the platform's own
shape, with an explicit seed, URLs drawn from a heavy-tailed pool (so canonicalising each
distinct URL once matters, as in real collections) and the floor query that makes DuckDB parse
every field of the same file.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOMAINS = ["example.org", "nachrichten.example.de", "www.journal.example.fr", "blog.example.com"]


def _url(rng: random.Random, pool: int) -> str:
    u = int(pool * rng.random() ** 3)
    return f"https://{DOMAINS[u % len(DOMAINS)]}/a/{u}?utm_source=x"


def _tweet(i: int, rng: random.Random, n_acc: int, pool: int) -> dict[str, Any]:
    url = _url(rng, pool)
    author = rng.randrange(n_acc)
    t = {
        "id": str(1_400_000_000_000_000_000 + i),
        "text": f"Tweet {i} #wahl @u{rng.randrange(n_acc)} https://t.co/{i}",
        "author_id": str(author),
        "created_at": f"2021-09-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00.000Z",
        "lang": "de",
        "conversation_id": str(1_400_000_000_000_000_000 + i),
        "edit_history_tweet_ids": [str(1_400_000_000_000_000_000 + i)],
        "possibly_sensitive": False,
        "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 3, "quote_count": 0},
        "entities": {
            "hashtags": [{"start": 10, "end": 15, "tag": "wahl"}],
            "mentions": [{"start": 16, "end": 20, "username": f"u{author}", "id": str(author)}],
            "urls": [
                {
                    "start": 21,
                    "end": 44,
                    "url": f"https://t.co/{i}",
                    "expanded_url": url,
                    "display_url": url[8:40],
                }
            ],
        },
    }
    if rng.random() < 0.3:
        t["referenced_tweets"] = [
            {"type": "retweeted", "id": str(1_400_000_000_000_000_000 + rng.randrange(i + 1))}
        ]
    return t


def _user(a: int) -> dict[str, Any]:
    return {
        "id": str(a),
        "username": f"u{a}",
        "name": f"User {a}",
        "created_at": "2015-01-01T00:00:00.000Z",
        "description": "Bio",
        "public_metrics": {
            "followers_count": a % 1000,
            "following_count": 10,
            "tweet_count": 100,
            "listed_count": 0,
        },
    }


def _json_lines(
    path: Path, n: int, seed: int, record: Callable[[int, random.Random, int, int], dict]
) -> int:
    """``n`` JSON records, one a line, ``record(i, rng, n_acc, pool)`` each: the file every
    one-record-a-line writer shares (accounts and the link pool sized from ``n``)."""
    rng = random.Random(seed)
    n_acc, pool = max(10, n // 20), max(1000, n // 4)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(record(i, rng, n_acc, pool)) + "\n")
    return n


def write_x_pages(path: Path, n: int, seed: int) -> int:
    """twarc2 search output: 100 tweets a page with includes.users, meta and __twarc."""
    rng = random.Random(seed)
    n_acc, pool = max(10, n // 20), max(1000, n // 4)
    with open(path, "w", encoding="utf-8") as fh:
        for start in range(0, n, 100):
            data = [_tweet(i, rng, n_acc, pool) for i in range(start, min(n, start + 100))]
            users = [_user(a) for a in sorted({int(t["author_id"]) for t in data})]
            page = {
                "data": data,
                "includes": {"users": users},
                "meta": {
                    "result_count": len(data),
                    "newest_id": data[0]["id"],
                    "oldest_id": data[-1]["id"],
                },
                "__twarc": {
                    "url": "https://api.twitter.com/2/tweets/search/all",
                    "version": "2.14.0",
                    "retrieved_at": "2021-10-01T00:00:00",
                },
            }
            fh.write(json.dumps(page) + "\n")
    return n


def write_x_flat(path: Path, n: int, seed: int) -> int:
    """twarc2 flatten output: one tweet a line with its author inlined."""
    return _json_lines(path, n, seed, _x_flat_record)


def _x_flat_record(i: int, rng: random.Random, n_acc: int, pool: int) -> dict[str, Any]:
    t = _tweet(i, rng, n_acc, pool)
    t["author"] = _user(int(t["author_id"]))
    return t


def write_jetstream(path: Path, n: int, seed: int) -> int:
    """Jetstream post creations with link facets, one event a line."""
    return _json_lines(path, n, seed, _jetstream_record)


def _jetstream_record(i: int, rng: random.Random, n_acc: int, pool: int) -> dict[str, Any]:
    url = _url(rng, pool)
    text = f"Post {i} {url}"
    start = len(f"Post {i} ")
    ev = {
        "did": f"did:plc:{rng.randrange(n_acc):024d}",
        "time_us": 1725911162329308 + i,
        "kind": "commit",
        "commit": {
            "rev": "3l3",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3k{i:011d}",
            "record": {
                "$type": "app.bsky.feed.post",
                "text": text,
                "createdAt": "2024-09-09T19:46:02.102Z",
                "langs": ["de"],
                "facets": [
                    {
                        "index": {"byteStart": start, "byteEnd": start + len(url)},
                        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
                    }
                ],
            },
            "cid": f"bafyrei{i:052d}",
        },
    }
    return ev


def write_mastodon(path: Path, n: int, seed: int) -> int:
    """Mastodon statuses, one per line (as a collector appends API pages' items)."""
    return _json_lines(path, n, seed, _mastodon_record)


def _mastodon_record(i: int, rng: random.Random, n_acc: int, pool: int) -> dict[str, Any]:
    a = rng.randrange(n_acc)
    url = _url(rng, pool)
    st = {
        "id": str(110_000_000_000_000_000 + i),
        "uri": f"https://s.example/statuses/{i}",
        "created_at": "2024-06-01T10:00:00.000Z",
        "language": "de",
        "content": f'<p>Status {i} <a href="{url}" rel="nofollow">{url}</a></p>',
        "account": {
            "id": str(a),
            "acct": f"u{a}",
            "username": f"u{a}",
            "display_name": f"U {a}",
            "followers_count": a % 100,
        },
        "tags": [],
        "mentions": [],
        "media_attachments": [],
        "reblog": None,
    }
    return st


def write_apify(path: Path, n: int, seed: int) -> int:
    """Apify's Tweet Scraper V2 items, one a line (its dataset exported as JSON lines)."""
    return _json_lines(path, n, seed, _apify_record)


def _apify_record(i: int, rng: random.Random, n_acc: int, pool: int) -> dict[str, Any]:
    a = rng.randrange(n_acc)
    url = _url(rng, pool)
    tid = str(1_700_000_000_000_000_000 + i)
    text = f"Tweet {i} #wahl @u{rng.randrange(n_acc)} https://t.co/{i}"
    item = {
        "type": "tweet",
        "id": tid,
        "url": f"https://x.com/u{a}/status/{tid}",
        "text": text,
        "fullText": text,
        "createdAt": f"Fri Nov {1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:36 +0000 2023",
        "lang": "de",
        "retweetCount": 1,
        "replyCount": 0,
        "likeCount": 3,
        "quoteCount": 0,
        "isReply": False,
        "isRetweet": False,
        "isQuote": False,
        "author": {
            "type": "user",
            "userName": f"u{a}",
            "id": str(a),
            "name": f"U {a}",
            "followers": a % 1000,
            "following": 100,
            "createdAt": "Tue Mar 03 09:00:00 +0000 2015",
        },
        "entities": {
            "hashtags": [{"text": "wahl", "indices": [10, 15]}],
            "user_mentions": [{"screen_name": f"u{a}", "id_str": str(a)}],
            "urls": [{"url": f"https://t.co/{i}", "expanded_url": url}],
        },
    }
    return item


def write_threads(path: Path, n: int, seed: int) -> int:
    """Threads API keyword-search pages (``{"data": [...], "paging"}``) of 25 posts, one a line."""
    rng = random.Random(seed)
    n_acc, pool = max(10, n // 20), max(1000, n // 4)
    with open(path, "w", encoding="utf-8") as fh:
        for start in range(0, n, 25):
            data = []
            for i in range(start, min(n, start + 25)):
                a = rng.randrange(n_acc)
                data.append(
                    {
                        "id": str(18_040_000_000_000_000 + i),
                        "media_product_type": "THREADS",
                        "media_type": "TEXT_POST",
                        "permalink": f"https://www.threads.net/@u.{a}/post/C{i:010d}",
                        "username": f"u.{a}",
                        "timestamp": f"2024-06-{1 + i % 28:02d}T{i % 24:02d}:00:00+0000",
                        "shortcode": f"C{i:010d}",
                        "text": f"Post {i} #wahl @u.{rng.randrange(n_acc)} {_url(rng, pool)}",
                        "is_quote_post": False,
                    }
                )
            fh.write(json.dumps({"data": data, "paging": {"cursors": {"after": str(start)}}}))
            fh.write("\n")
    return n


def write_twint(path: Path, n: int, seed: int) -> int:
    """twint's ``--json`` lines (October 2020 and after): local times, lists of expanded links
    and hashtags, a retweet one time in three."""
    return _json_lines(path, n, seed, _twint_record)


def _twint_record(i: int, rng: random.Random, n_acc: int, pool: int) -> dict[str, Any]:
    a = rng.randrange(n_acc)
    url = _url(rng, pool)
    tid = 1_320_000_000_000_000_000 + i * 4096
    rt = rng.random() < 0.3
    tw = {
        "id": tid, "conversation_id": str(tid),
        "created_at": f"2020-11-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00 CET",
        "date": f"2020-11-{1 + i % 28:02d}", "time": f"{i % 24:02d}:{i % 60:02d}:00",
        "timezone": "+0100", "user_id": a, "username": f"u{a}", "name": f"U {a}",
        "place": "", "tweet": f"Tweet {i} #wahl @u{rng.randrange(n_acc)}  https://t.co/{i}",
        "language": "de", "mentions": [], "urls": [url], "photos": [],
        "replies_count": 0, "retweets_count": 1, "likes_count": 3, "hashtags": ["wahl"],
        "cashtags": [], "link": f"https://twitter.com/u{a}/status/{tid}", "retweet": rt,
        "quote_url": "", "video": 0, "thumbnail": "", "near": "", "geo": "", "source": "",
        "user_rt_id": str(rng.randrange(n_acc)) if rt else "", "user_rt": "",
        "retweet_id": str(tid - 4096 * rng.randrange(1, 50)) if rt else "",
        "reply_to": [], "retweet_date": "", "translate": "", "trans_src": "",
        "trans_dest": "",
    }  # fmt: skip
    return tw


FORMATS = {
    "x": (write_x_pages, "unnest(data)"),
    "x-flat": (write_x_flat, None),
    "jetstream": (write_jetstream, None),
    "mastodon": (write_mastodon, None),
    "apify": (write_apify, None),
    "threads": (write_threads, "unnest(data)"),
    "twint": (write_twint, None),
}


def floor_query(path: Path, unnest: str | None) -> str:
    """DuckDB's bare parse of every field of ``path`` (materialised, so nothing is skipped):
    ``read_json``, or ``read_csv`` for a ``.csv`` (``ingest.py --source csv``)."""
    src = (
        f"read_json('{path}', format='newline_delimited', maximum_object_size=268435456,"
        " ignore_errors=true)"
    )
    if path.suffix == ".csv":  # every column as text, as vigie reads a CSV before typing it
        src = f"read_csv('{path}', all_varchar=true)"
    if unnest:
        return f"SELECT count(*) FROM (SELECT {unnest} AS t FROM {src}) WHERE t IS NOT NULL"
    return f"SELECT count(*) FROM (SELECT * FROM {src}) AS t WHERE t IS NOT NULL"
