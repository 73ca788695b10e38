"""Small hand-made scenarios with known answers for the detector tests.

Why hand-made: each test needs a case where the right answer is obvious to a human (these
20 bots reposted the same 15 posts within seconds; those 400 people reposted one viral post
within minutes), small enough that the whole folder runs in seconds. Times are seconds from
an arbitrary origin; every random choice takes an explicit seed.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA, base_manifest, write_json, write_table

T0 = dt.datetime(2027, 4, 1, tzinfo=dt.UTC)
DAY = 86_400.0

WORDS = [
    "vote",
    "election",
    "candidate",
    "debate",
    "france",
    "europe",
    "economy",
    "climate",
    "health",
    "school",
    "tax",
    "work",
    "pension",
    "city",
    "village",
    "market",
    "justice",
    "police",
    "future",
    "young",
    "old",
    "family",
    "energy",
    "price",
    "rent",
    "train",
    "road",
    "farm",
    "water",
    "sea",
    "river",
    "mountain",
    "music",
    "film",
    "book",
    "sport",
    "team",
    "coffee",
    "bread",
    "wine",
    "cheese",
    "garden",
    "weather",
    "rain",
    "sun",
    "wind",
    "friday",
    "monday",
    "week",
    "morning",
    "night",
    "news",
    "radio",
    "paper",
]


class Builder:
    """Accumulate posts and accounts, then write a Dataset folder."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.posts: list[dict[str, Any]] = []
        self.accounts: dict[str, dict[str, Any]] = {}
        self._n = 0

    def account(self, aid: str, created: float | None = None) -> str:
        if aid not in self.accounts:
            self.accounts[aid] = {
                "account_id": aid,
                "platform": "x",
                "handle": aid,
                "created_at": None if created is None else T0 + dt.timedelta(seconds=created),
            }
        return aid

    def post(self, account: str, t: float, **fields: Any) -> str:
        self.account(account)
        self._n += 1
        pid = fields.pop("post_id", f"p{self._n:07d}")
        row = {
            "post_id": pid,
            "platform": "x",
            "account_id": account,
            "created_at": T0 + dt.timedelta(seconds=float(t)),
            "text": fields.pop("text", None),
            "urls": fields.pop("urls", []),
            "hashtags": fields.pop("hashtags", []),
            "mentions": fields.pop("mentions", []),
            "media": [],
            "repost_of": fields.pop("repost_of", None),
            "reply_to": fields.pop("reply_to", None),
        }
        assert not fields, fields
        self.posts.append(row)
        return pid

    def random_text(self, n: int = 12) -> str:
        return " ".join(self.rng.choice(WORDS, size=n))

    def organic(self, n_accounts: int = 300, n_posts: int = 3000, days: float = 3.0) -> list[str]:
        """Background: accounts posting texts, links from a long tail, common hashtags."""
        accs = [
            self.account(f"org{i:04d}", created=-self.rng.uniform(30, 3000) * DAY)
            for i in range(n_accounts)
        ]
        activity = self.rng.pareto(1.5, n_accounts) + 1
        activity /= activity.sum()
        who = self.rng.choice(n_accounts, size=n_posts, p=activity)
        times = np.sort(self.rng.uniform(0, days * DAY, n_posts))
        earlier: list[str] = []
        for a, t in zip(who, times, strict=True):
            kind = self.rng.random()
            if kind < 0.45 and earlier:  # repost or reply to an earlier post, recent ones more
                target = earlier[-1 - int(self.rng.zipf(1.3)) % len(earlier)]
                if kind < 0.35:
                    self.post(accs[a], t, repost_of=target)
                else:
                    self.post(accs[a], t, text=self.random_text(), reply_to=target)
            elif kind < 0.65:
                url = f"https://news.example/{int(self.rng.zipf(1.6)) % 5000}"
                self.post(accs[a], t, text=self.random_text(), urls=[url])
            elif kind < 0.8:
                tag = ["election", "vote", "debate", "france", "economy"][self.rng.integers(5)]
                self.post(accs[a], t, text=self.random_text(), hashtags=[tag])
            else:
                earlier.append(self.post(accs[a], t, text=self.random_text()))
        return accs

    def write(self, path: Path) -> Path:
        return write_dataset(path, self.posts, list(self.accounts.values()))


def write_dataset(path: Path, posts: list[dict[str, Any]], accounts: list[dict[str, Any]]) -> Path:
    """A Dataset folder at ``path`` holding these canonical post and account rows (fields
    left out are empty), with its manifest."""
    path.mkdir(parents=True, exist_ok=True)
    write_table(pa.Table.from_pylist(posts, schema=POSTS_SCHEMA), path / "posts.parquet")
    write_table(pa.Table.from_pylist(accounts, schema=ACCOUNTS_SCHEMA), path / "accounts.parquet")
    write_json(path / "manifest.json", base_manifest("dataset", posts=len(posts)))
    return path


def only(*kinds: str, creation_burst: bool = True) -> dict[str, dict[str, Any]]:
    """A detect config running only ``kinds`` of the co-action detectors (and creation
    bursts and cohorts unless ``creation_burst=False``)."""
    from vigie.detect.config import COACTION_KINDS

    cfg: dict[str, dict[str, Any]] = {
        k: {"enabled": False} for k in COACTION_KINDS if k not in kinds
    }
    if not creation_burst:
        cfg["creation_burst"] = {"enabled": False}
        cfg["creation_cohort"] = {"enabled": False}
    return cfg


def viral_cascade(b: Builder, accounts: list[str], start: float, minutes: float = 5.0) -> str:
    """One popular post reposted by every one of ``accounts`` within a few minutes."""
    seed = b.post("celebrity", start, text="Breaking: the debate is tonight at nine")
    for a in accounts:
        b.post(a, start + b.rng.exponential(minutes * 60 / 3), repost_of=seed)
    return seed


def bot_amplification(
    b: Builder, n_bots: int = 20, n_seeds: int = 15, start: float = 0.5 * DAY, prefix: str = "bot"
) -> list[str]:
    """``n_bots`` accounts repost each of ``n_seeds`` posts within 30 s of it; returns the
    bots and the seed account whose posts they amplify."""
    bots = [b.account(f"{prefix}{i:03d}") for i in range(n_bots)]
    for s in range(n_seeds):
        t = start + s * 3 * 3600 + b.rng.uniform(0, 600)
        seed = b.post(f"{prefix}_seed", t, text=b.random_text())
        for bot in bots:
            b.post(bot, t + b.rng.uniform(1, 30), repost_of=seed)
    return [*bots, f"{prefix}_seed"]


def link_campaign(
    b: Builder, n: int = 15, n_urls: int = 10, start: float = 0.8 * DAY, prefix: str = "lnk"
) -> list[str]:
    """``n`` accounts each share every one of ``n_urls`` fresh links within a minute."""
    accs = [b.account(f"{prefix}{i:03d}") for i in range(n)]
    for k in range(n_urls):
        t = start + k * 4 * 3600 + b.rng.uniform(0, 900)
        url = f"https://fake-news.example/{prefix}/{k}"
        for a in accs:
            b.post(a, t + b.rng.uniform(0, 50), text=b.random_text(), urls=[url])
    return accs


def petition(b: Builder, accounts: list[str], start: float, hours: float = 6.0) -> str:
    """One petition link shared once by each of ``accounts`` over several hours."""
    url = "https://petition.example/save-the-hospital"
    for a in accounts:
        b.post(a, start + b.rng.uniform(0, hours * 3600), text=b.random_text(), urls=[url])
    return url


def hashtag_flood(
    b: Builder,
    n: int = 15,
    tags: tuple[str, ...] = ("stopmarchand", "marchandment"),
    bursts: int = 6,
    start: float = 1.1 * DAY,
    prefix: str = "tag",
) -> list[str]:
    """``n`` accounts post rare hashtags together in ``bursts`` bursts of a minute."""
    accs = [b.account(f"{prefix}{i:03d}") for i in range(n)]
    for k in range(bursts):
        t = start + k * 2 * 3600 + b.rng.uniform(0, 600)
        for a in accs:
            b.post(a, t + b.rng.uniform(0, 40), text=b.random_text(), hashtags=list(tags))
    return accs


def mutate(b: Builder, text: str) -> str:
    """A small edit: one word replaced, punctuation and case changed."""
    words = text.split()
    i = int(b.rng.integers(len(words)))
    words[i] = str(b.rng.choice(WORDS))
    out = " ".join(words)
    return out.upper() + " !!" if b.rng.random() < 0.3 else out + "."


def copypasta_campaign(
    b: Builder, n: int = 12, n_texts: int = 5, start: float = 1.5 * DAY, prefix: str = "cp"
) -> list[str]:
    """``n`` accounts each post a lightly edited copy of ``n_texts`` 40-word messages within
    ten minutes of one another."""
    accs = [b.account(f"{prefix}{i:03d}") for i in range(n)]
    for k in range(n_texts):
        base = b.random_text(40)
        t = start + k * 5 * 3600 + b.rng.uniform(0, 600)
        for a in accs:
            b.post(a, t + b.rng.uniform(0, 600), text=mutate(b, base))
    return accs


def slogan(b: Builder, accounts: list[str], text: str, days: float = 3.0) -> None:
    """A popular slogan posted verbatim by many accounts spread over days (not coordination)."""
    for a in accounts:
        b.post(a, b.rng.uniform(0, days * DAY), text=text)


def as_text_archive(src: Path, dst: Path, keep_ids: bool = False) -> Path:
    """A copy of the Dataset ``src`` as an archive without retweet ids keeps it (TAGS,
    NodeXL): every repost's ``repost_of`` dropped, its text ``RT @<author's handle>: <the
    post's text>`` (the account id where the author has no handle). ``keep_ids``: the ids
    kept beside those texts, as Twitter's Information Operations archives write retweets."""
    shutil.copytree(src, dst)
    posts = pq.read_table(src / "posts.parquet")
    handles: dict[str, str] = {}
    if (src / "accounts.parquet").exists():
        accounts = pq.read_table(src / "accounts.parquet")
        if "handle" in accounts.column_names:
            for a, h in zip(
                accounts.column("account_id").to_pylist(),
                accounts.column("handle").to_pylist(),
                strict=True,
            ):
                if h:
                    handles[a] = h
    rows = posts.to_pylist()
    by_id = {(r["platform"], r["post_id"]): r for r in rows}
    n = 0
    for r in rows:
        target = r.get("repost_of")
        if target:
            orig = by_id[(r["platform"], target)]
            author = handles.get(orig["account_id"], orig["account_id"])
            r["text"] = f"RT @{author}: {orig['text']}"
            if not keep_ids:
                r["repost_of"] = None
            n += 1
    assert n > 0
    pq.write_table(pa.Table.from_pylist(rows, schema=posts.schema), dst / "posts.parquet")
    return dst
