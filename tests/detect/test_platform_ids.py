"""One account id on two platforms: detection keys an account by its id, so the run says so.

Why: a Dataset may hold several platforms (X JSON appended to a Telegram export, Mastodon
beside Bluesky), and their account ids are strings of each platform's own: a 9-digit X id
and a 9-digit Telegram id can be the same string. Detection reads such an id as one account
(its posts on both platforms together, shown under one platform); an analyst must be told
before acting on it. The diagnosis counts those ids and says what to do.
"""

from __future__ import annotations

from pathlib import Path

from vigie.detect.pipeline import run_detection

from .scenario import Builder, bot_amplification


def _two_platforms(tmp_path: Path, shared: int) -> Path:
    b = Builder(seed=53)
    org = b.organic(n_accounts=150, n_posts=1200)
    bot_amplification(b, n_bots=10, n_seeds=8)
    for k in range(shared):  # a Mastodon account whose id is an X account's
        acc = str(org[k])
        for i in range(3):
            b.posts.append(
                dict(
                    b.posts[0],
                    post_id=f"m{k}-{i}",
                    platform="mastodon",
                    account_id=acc,
                    text=b.random_text(),
                    urls=[],
                    hashtags=[],
                    repost_of=None,
                    reply_to=None,
                )
            )
    return b.write(tmp_path / f"ds{shared}")


def test_ids_on_two_platforms_are_counted_and_said(tmp_path: Path) -> None:
    f = run_detection(_two_platforms(tmp_path, 3), tmp_path / "f", progress=False)
    diag = f.manifest()["diagnosis"]
    assert diag["ids_on_several_platforms"] == 3
    (line,) = [s for s in diag["lines"] if "two or more platforms" in s]
    assert line.startswith("3 account id(s)") and "Dataset of its own" in line


def test_one_platform_says_nothing(tmp_path: Path) -> None:
    f = run_detection(_two_platforms(tmp_path, 0), tmp_path / "f", progress=False)
    diag = f.manifest()["diagnosis"]
    assert diag["ids_on_several_platforms"] == 0
    assert not [s for s in diag["lines"] if "platforms" in s]
