"""Co-mention on scenarios with known answers: a tagging flood found, ordinary tagging not.

The flood follows the published descriptions of Operation Overload (CheckFirst and
Reset.Tech, 2024): accounts post, each in its own words, messages tagging several newsrooms
and fact-checkers at once, in waves minutes long; no link, text or hashtag is shared. The
newsrooms are tagged by ordinary people too, all the time, and a thread's replies carry the
handles of the people they answer: neither may tie anyone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from vigie.detect.config import DEFAULTS
from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder

OUTLETS = [f"newsroom{i:02d}" for i in range(24)]


class MentionBuilder(Builder):
    """The scenario builder with a ``mentions`` list per post."""

    def post(self, account: str, t: float, mentions: list[str] | None = None, **f: Any) -> str:
        pid = super().post(account, t, **f)
        self.posts[-1]["mentions"] = mentions or []
        return pid


def ordinary(b: MentionBuilder, n_accounts: int = 300, n_posts: int = 4000) -> list[str]:
    """Everyday posting over three days, a fifth of it tagging an outlet (popular ones
    more), and threads whose replies name the people they answer."""
    accs = b.organic(n_accounts, n_posts // 2)
    for _ in range(n_posts // 2):
        a = accs[int(b.rng.integers(len(accs)))]
        t = float(b.rng.uniform(0, 3 * DAY))
        k = int(b.rng.integers(1, 3))
        tagged = [OUTLETS[int(b.rng.zipf(1.4)) % len(OUTLETS)] for _ in range(k)]
        b.post(a, t, text=f"{b.random_text()} " + " ".join(f"@{h}" for h in tagged),
               mentions=tagged)  # fmt: skip
    return accs


def flood(
    b: MentionBuilder,
    n: int,
    waves: int,
    *,
    replies: bool = False,
    prefix: str = "ovl",
    platform: str = "x",
) -> list[str]:
    """``n`` accounts post in ``waves`` waves of a few minutes, each post in its own words
    tagging 3 to 6 outlets drawn from a list of 24 (mixed case, as people type them)."""
    accs = [b.account(f"{prefix}{i:03d}") for i in range(n)]
    for k in range(waves):
        start = 0.3 * DAY + k * 5 * 3600 + float(b.rng.uniform(0, 1800))
        for a in accs:
            if b.rng.random() < 0.15:  # not every account joins every wave
                continue
            tagged = list(b.rng.choice(OUTLETS, size=int(b.rng.integers(3, 7)), replace=False))
            tagged = [h.upper() if b.rng.random() < 0.3 else h for h in tagged]
            fields: dict[str, Any] = {"text": b.random_text(14) + " verify this please"}
            if replies:  # answering an ordinary post of the wave's first outlet
                fields["reply_to"] = f"outlet-post-{k}"
            b.post(a, start + float(b.rng.uniform(0, 240)), mentions=tagged, **fields)
            b.posts[-1]["platform"] = platform
    for a in accs:
        b.accounts[a]["platform"] = platform
    return accs


def _members(findings, kind: str = "co_mention") -> set[str]:
    m = findings.members().to_pylist()
    groups = {g["group_id"] for g in findings.groups().to_pylist() if kind in g["signals"]}
    return {r["account_id"] for r in m if r["group_id"] in groups}


def _all_members(findings) -> set[str]:
    return set(findings.members().column("account_id").to_pylist())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_tagging_flood_is_found_and_ordinary_tagging_is_not(tmp_path: Path, seed: int):
    b = MentionBuilder(seed)
    org = ordinary(b)
    bots = flood(b, n=14, waves=8)
    f = run_detection(b.write(tmp_path / "ds"), tmp_path / "f", progress=False)
    found = _members(f)
    assert len(found & set(bots)) >= 9, sorted(found)
    assert not (_all_members(f) & set(org)), sorted(_all_members(f) & set(org))
    st = f.manifest()["signals"]["co_mention"]
    assert st["kept"] > 0 and st["objects"] >= len(OUTLETS)


def test_handles_compare_without_case_or_at_sign(tmp_path: Path):
    b = MentionBuilder(4)
    bots = [b.account(f"case{i}") for i in range(6)]
    for k in range(6):
        t = 0.2 * DAY + k * 4 * 3600
        for i, a in enumerate(bots):
            handle = ["@Rare_Desk", "rare_desk", "RARE_DESK"][i % 3]
            b.post(a, t + i * 5, text=b.random_text(), mentions=[handle])
    ordinary(b, 100, 600)
    f = run_detection(b.write(tmp_path / "ds"), tmp_path / "f", progress=False)
    assert set(bots) <= _members(f)
    objects = pq.read_table(f.path / "group_objects.parquet").to_pylist()
    assert {o["object"] for o in objects if o["kind"] == "co_mention"} == {"rare_desk"}


def test_replies_count_only_when_asked(tmp_path: Path):
    """A reply's handles say whom it answers: left out by default, counted on request."""
    b = MentionBuilder(5)
    ordinary(b, 200, 2000)
    bots = flood(b, n=12, waves=8, replies=True)
    ds = b.write(tmp_path / "ds")
    off = {"co_reply": {"enabled": False}}
    f = run_detection(ds, tmp_path / "f", config=off, progress=False)
    assert not (_members(f) & set(bots))
    assert f.manifest()["signals"]["co_mention"]["actions"] == 0 or not _members(f)
    on = {**off, "co_mention": {"include_replies": True}}
    f2 = run_detection(ds, tmp_path / "f2", config=on, progress=False)
    assert len(_members(f2) & set(bots)) >= 10


@pytest.mark.parametrize("seed", [8, 10])
def test_replies_count_where_the_platform_writes_no_handle_itself(tmp_path: Path, seed: int):
    """On Bluesky a reply's tags are its author's own (facets): a flood of replies there is
    found with the defaults (half its accounts at least: 7 to 12 of 12 over seeds 8-12);
    the same flood on X is not (its replies' heads are X's)."""
    b = MentionBuilder(seed)
    ordinary(b, 200, 2000)
    sky = flood(b, n=12, waves=10, replies=True, prefix="sky", platform="bluesky")
    xs = flood(b, n=12, waves=10, replies=True, prefix="xrp")
    off = {"co_reply": {"enabled": False}}
    f = run_detection(b.write(tmp_path / "ds"), tmp_path / "f", config=off, progress=False)
    assert len(_members(f) & set(sky)) >= 6
    assert not (_members(f) & set(xs))


def test_reposts_do_not_carry_their_originals_tags(tmp_path: Path):
    """Reposts of one tagging post by a crowd are co-repost's business, not co-mention's."""
    b = MentionBuilder(6)
    accs = ordinary(b, 200, 2000)
    for k in range(8):
        t = 0.5 * DAY + k * 3 * 3600
        src = b.post("loud", t, text="look @newsroom00 @newsroom01", mentions=OUTLETS[:2])
        for a in accs[:30]:
            b.post(a, t + float(b.rng.uniform(1, 50)), repost_of=src, mentions=OUTLETS[:2])
    only = {k: {"enabled": False} for k in ("co_repost", "co_rare", "co_link", "co_hashtag")}
    f = run_detection(b.write(tmp_path / "ds"), tmp_path / "f", config=only, progress=False)
    assert not _members(f)


def test_defaults_leave_out_replies_reposts_and_the_week_scale():
    cfg = DEFAULTS["co_mention"]
    assert cfg["enabled"] and not cfg["include_replies"] and not cfg["include_reposts"]
    assert max(cfg["scales_s"]) < 86400
