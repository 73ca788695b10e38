"""Full-size twarc2 pages, built in code (no multi-MB fixture in the repository).

A page is what ``twarc2 search`` writes on one line with its default expansions and fields
(twarc.expansions.EVERYTHING): 100 tweets in ``data`` with entities, public_metrics,
context_annotations, edit_history_tweet_ids; ``includes`` with users (profile fields and
entities), the referenced tweets, media and places; ``meta`` and ``__twarc``. Real pages weigh
120-150 KB a line; these weigh more (context annotations are generous), which is the point.
"""

from __future__ import annotations

import json
import random
from typing import Any

PAGE = 100


def _user(uid: int, rng: random.Random) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": f"user_{uid}",
        "name": f"Nutzer {uid} 🗳️",
        "created_at": f"2012-04-0{1 + uid % 9}T10:00:00.000Z",
        "description": "Politik, Wahlen, Demokratie. " * 4 + f"https://t.co/u{uid}",
        "location": "Berlin, Deutschland",
        "pinned_tweet_id": str(1_500_000_000_000_000_000 + uid),
        "profile_image_url": f"https://pbs.twimg.com/profile_images/{uid}/x_normal.jpg",
        "protected": False,
        "verified": rng.random() < 0.1,
        "verified_type": "none",
        "url": f"https://t.co/u{uid}",
        "entities": {
            "url": {
                "urls": [
                    {
                        "start": 0,
                        "end": 23,
                        "url": f"https://t.co/u{uid}",
                        "expanded_url": f"https://blog.example/{uid}",
                        "display_url": f"blog.example/{uid}",
                    }
                ]
            },
            "description": {"hashtags": [{"start": 0, "end": 7, "tag": "Politik"}]},
        },
        "public_metrics": {
            "followers_count": rng.randrange(10_000),
            "following_count": rng.randrange(2_000),
            "tweet_count": rng.randrange(50_000),
            "listed_count": rng.randrange(100),
            "like_count": rng.randrange(10_000),
        },
    }


def _annotations(rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for k in range(8):
        out.append(
            {
                "domain": {
                    "id": str(10 + k),
                    "name": "Politician" if k % 2 else "Political Race",
                    "description": "Politicians in the world, like Joe Biden" * 2,
                },
                "entity": {
                    "id": str(rng.randrange(10**18)),
                    "name": "Bundestagswahl 2021",
                    "description": "German federal election held on 26 September 2021",
                },
            }
        )
    return out


def tweet(tid: int, author: int, page_no: int, rng: random.Random, **extra: Any) -> dict:
    url = f"https://t.co/p{tid}"
    article = f"https://www.nachrichten.example/artikel/{tid % 37}?utm_source=tw"
    text = f"Tweet {tid} zur #Wahl2021 mit @user_{author + 1} {url}"
    t = {
        "id": str(tid),
        "text": text,
        "author_id": str(author),
        "created_at": f"2021-09-{1 + page_no % 28:02d}T{tid % 24:02d}:{tid % 60:02d}:"
        f"{(tid * 7) % 60:02d}.000Z",
        "conversation_id": str(tid),
        "lang": "de",
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "source": "Twitter for iPhone",
        "edit_history_tweet_ids": [str(tid)],
        "edit_controls": {
            "edits_remaining": 5,
            "is_edit_eligible": True,
            "editable_until": "2021-09-20T09:00:00.000Z",
        },
        "public_metrics": {
            "retweet_count": rng.randrange(100),
            "reply_count": rng.randrange(10),
            "like_count": rng.randrange(500),
            "quote_count": rng.randrange(5),
            "impression_count": rng.randrange(10_000),
        },
        "context_annotations": _annotations(rng),
        "entities": {
            "hashtags": [
                {"start": 14 + len(str(tid)), "end": 23 + len(str(tid)), "tag": "Wahl2021"}
            ],
            "mentions": [
                {"start": 0, "end": 0, "username": f"user_{author + 1}", "id": str(author + 1)}
            ],
            "urls": [
                {
                    "start": 0,
                    "end": 0,
                    "url": url,
                    "expanded_url": article,
                    "display_url": f"nachrichten.example/artikel/{tid % 37}",
                    "status": 200,
                    "title": "Ein Artikel",
                    "description": "Beschreibung " * 5,
                    "unwound_url": article,
                }
            ],
        },
        "attachments": {"media_keys": [f"3_{tid}"]},
    }
    t.update(extra)
    return t


def page(page_no: int, seed: int = 7, per_page: int = PAGE) -> tuple[dict[str, Any], dict]:
    """One twarc2 page and what it must give (posts, reposts, accounts)."""
    rng = random.Random(seed * 1000 + page_no)
    base = 1_440_000_000_000_000_000 + page_no * 10_000
    data, users, ref_tweets, media = [], {}, [], []
    reposts = 0
    for i in range(per_page):
        tid, author = base + i, 1000 + (i % 40)
        users[author] = _user(author, rng)
        users[author + 1] = _user(author + 1, rng)
        if i % 10 == 9:  # a retweet of an expanded original by another account
            orig_id, orig_author = base + 5000 + i, 5000 + i
            users[orig_author] = _user(orig_author, rng)
            ref_tweets.append(tweet(orig_id, orig_author, page_no, rng))
            media.append(
                {
                    "media_key": f"3_{orig_id}",
                    "type": "photo",
                    "url": f"https://pbs.twimg.com/media/O{orig_id}.jpg",
                    "width": 1200,
                    "height": 800,
                }
            )
            data.append(
                tweet(
                    tid,
                    author,
                    page_no,
                    rng,
                    referenced_tweets=[{"type": "retweeted", "id": str(orig_id)}],
                )
            )
            reposts += 1
        else:
            data.append(tweet(tid, author, page_no, rng))
        media.append(
            {
                "media_key": f"3_{tid}",
                "type": "photo",
                "url": f"https://pbs.twimg.com/media/F{tid}.jpg",
                "width": 1200,
                "height": 800,
                "public_metrics": {},
            }
        )
    payload = {
        "data": data,
        "includes": {
            "users": list(users.values()),
            "tweets": ref_tweets,
            "media": media,
            "places": [
                {
                    "id": "01fbe706f872cb32",
                    "full_name": "Berlin, Deutschland",
                    "country_code": "DE",
                    "place_type": "city",
                    "geo": {"type": "Feature", "bbox": [13.08, 52.33, 13.76, 52.67]},
                }
            ],
        },
        "meta": {
            "newest_id": data[0]["id"],
            "oldest_id": data[-1]["id"],
            "result_count": len(data),
            "next_token": f"b26v89c19zqg8o3f{page_no}",
        },
        "__twarc": {
            "url": "https://api.twitter.com/2/tweets/search/all?max_results=100",
            "version": "2.14.0",
            "retrieved_at": "2021-09-27T10:00:00+00:00",
        },
    }
    authors = {t["author_id"] for t in data + ref_tweets}
    expect = {"posts": len(data) + len(ref_tweets), "reposts": reposts, "accounts": authors}
    return payload, expect


def write_pages(path: Any, n_pages: int, seed: int = 7) -> dict[str, Any]:
    """Write ``n_pages`` page lines; returns totals to check and the longest line's size."""
    posts, reposts, accounts, longest = 0, 0, set(), 0
    with open(path, "w", encoding="utf-8") as fh:
        for p in range(n_pages):
            payload, exp = page(p, seed)
            line = json.dumps(payload, ensure_ascii=False)
            longest = max(longest, len(line.encode()))
            fh.write(line + "\n")
            posts += exp["posts"]
            reposts += exp["reposts"]
            accounts |= {str(a) for a in exp["accounts"]}
    return {"posts": posts, "reposts": reposts, "accounts": accounts, "longest": longest}
