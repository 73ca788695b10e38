"""One post id on two platforms: two posts, and what reposts them are two objects.

Why: each platform numbers its own posts, and a Dataset holding several platforms (files
written by a tool that numbers each platform's posts from 1, or two platforms' 19-digit ids)
can hold one post id for two posts. Read as one post, the X post ``p12`` and the Facebook post
``p12`` were one repost target, so X accounts reposting the one and Facebook accounts
reposting the other at the same hour co-reposted: ties and groups across platforms that no
one made. A repost, reply or quote is of a post of its own platform, so detection reads a
post as its platform and id wherever two platforms share an id.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from vigie.detect.pipeline import run_detection

from .scenario import T0, Builder, bot_amplification, only, write_dataset


def _mirrored(tmp_path: Path) -> Path:
    """An X bot net reposting its seeds within 30 s, and on Facebook a page whose posts
    have the seeds' ids (``p...``: each platform numbered from 1), posted at the same
    times and shared by ten Facebook accounts within 30 s too."""
    b = Builder(seed=71)
    b.organic(n_accounts=150, n_posts=1500)
    seeds = []
    n0 = len(b.posts)
    bot_amplification(b, n_bots=10, n_seeds=8)
    seeds = [r for r in b.posts[n0:] if r["account_id"] == "bot_seed"]
    fb = []
    for s in seeds:  # the Facebook post with the X seed's id, at the same time
        t = (s["created_at"] - T0).total_seconds()
        b.post("fbpage", t + 2.0, text=b.random_text(), post_id=s["post_id"])
        fb.append(b.posts[-1])
        for k in range(10):
            b.post(f"fb{k:02d}", t + float(b.rng.uniform(1, 30)), repost_of=s["post_id"])
            fb.append(b.posts[-1])
    for row in fb:
        row["platform"] = "facebook"
    accounts = [a for a in b.accounts.values() if not a["account_id"].startswith("fb")]
    accounts += [
        dict(b.accounts["fbpage"], account_id=a, platform="facebook", handle=a)
        for a in ["fbpage", *(f"fb{k:02d}" for k in range(10))]
    ]
    return write_dataset(tmp_path / "mirrored", b.posts, accounts)


def test_reposts_of_two_platforms_posts_of_one_id_are_two_objects(tmp_path: Path) -> None:
    f = run_detection(_mirrored(tmp_path), tmp_path / "f", config=only("co_repost"), progress=False)
    diag = f.manifest()["diagnosis"]
    assert diag["post_ids_on_several_platforms"] == 8
    members = f.members().to_pylist()
    by_group: dict[str, set[str]] = {}
    for m in members:
        by_group.setdefault(m["group_id"], set()).add(m["platform"])
    assert by_group and all(len(p) == 1 for p in by_group.values()), by_group
    bots = {m["account_id"] for m in members if m["platform"] == "x"}
    assert {f"bot{i:03d}" for i in range(10)} <= bots
    # the reposted posts are named with their platform, in the objects and the evidence
    objects = [o["object"] for o in pq.read_table(f.path / "group_objects.parquet").to_pylist()]
    assert objects and all(o.split(":")[0] in ("x", "facebook") for o in objects), objects
    evidence = f.evidence().to_pylist()
    assert evidence and all(e["post_id"].split(":")[0] in ("x", "facebook") for e in evidence)
    assert any(e["text"] for e in evidence)  # the texts found under those keys


def test_one_platform_reads_post_ids_as_they_are(tmp_path: Path) -> None:
    b = Builder(seed=72)
    b.organic(n_accounts=100, n_posts=800)
    bot_amplification(b, n_bots=8, n_seeds=6)
    f = run_detection(
        b.write(tmp_path / "one"), tmp_path / "f", config=only("co_repost"), progress=False
    )
    assert f.manifest()["diagnosis"]["post_ids_on_several_platforms"] == 0
    assert not [e for e in f.evidence().to_pylist() if ":" in e["post_id"]]


def test_a_repost_is_credited_to_its_own_platforms_author(tmp_path: Path) -> None:
    """The authenticity check reads who a member reposts on the member's platform: the
    Facebook sharers repost the Facebook page, never the X account whose posts have the
    same ids (by id alone, each shared id was credited to one of the two)."""
    from vigie.detect.authenticity import _load
    from vigie.schema import Dataset

    ds = Dataset(_mirrored(tmp_path))
    for member, author in (("fb03", "fbpage"), ("bot003", "bot_seed")):
        data = _load(ds, [member])
        targets = [r for _, _, r, _ in data["posts"][member] if r]
        assert len(targets) == 8
        assert {data["originals"][r][0] for r in targets} == {author}
