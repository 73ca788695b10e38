"""Mass tagging against a group: the pairs of handles a post tags together (known answers).

Operation Overload's accounts (CheckFirst and Reset.Tech, 2024) each post once or twice, each
post tagging a dozen newsrooms and fact-checkers of one list: no pair of accounts co-acts
three times, and every handle is tagged by thousands of honest readers too, so neither the
pair tests nor a rare-object test sees them. What is rare is the *combination*: here a core
of the network is found by the pair tests (it shares its own links within a minute), and
throwaway accounts, each with one or two mass-tagging posts at their own times, must be
placed beside it by the lockstep test on the pairs of handles they tag together. The honest
readers tag one to three of the same newsrooms in conversation, and some of them once tag
five to seven at a time: none of them may be placed. Each post's pairs weigh what the post
says, one less than its handles, not one each.
"""

from __future__ import annotations

from collections import Counter

from vigie.detect.pipeline import run_detection
from vigie.report.html import ReportOptions, build_context, render_html

from .scenario import DAY, Builder

NEWSROOMS = [f"newsroom{i:02d}" for i in range(30)]
NO_COHORT = {"creation_cohort": {"enabled": False}, "creation_burst": {"enabled": False}}


def _overload(seed: int) -> tuple[Builder, list[str], list[str], list[str]]:
    b = Builder(seed=seed)
    organic = b.organic(n_accounts=600, n_posts=6000, days=28.0)
    for _ in range(6000):  # the long tail of links few others share, as in any collection
        a = organic[int(b.rng.integers(len(organic)))]
        url = f"https://blog.example/{int(b.rng.zipf(1.2)) % 20000}"
        b.post(a, b.rng.uniform(0, 28 * DAY), text=b.random_text(), urls=[url])
    pop = 1.0 / (1.0 + b.rng.permutation(len(NEWSROOMS)))  # a few newsrooms tagged most
    pop /= pop.sum()

    def tags(n: int, fixed: list[str] | None = None) -> list[str]:
        picked = list(b.rng.choice(NEWSROOMS, size=n, replace=False, p=pop))
        return list(dict.fromkeys((fixed or []) + picked))

    for _ in range(3000):  # readers tag one to three newsrooms in conversation
        a = organic[int(b.rng.integers(len(organic)))]
        b.post(a, b.rng.uniform(0, 28 * DAY), text=b.random_text(), mentions=tags(
            int(b.rng.integers(1, 4))))  # fmt: skip
    bulk = organic[:40]  # and some once tag five to seven at a time (thanks, #FF...)
    for a in bulk:
        b.post(a, b.rng.uniform(0, 28 * DAY), text=b.random_text(), mentions=tags(
            int(b.rng.integers(5, 8))))  # fmt: skip
    # the network's core shares its own fresh links within a minute: the pair tests find it
    core = [b.account(f"core{i}", created=-800 * DAY) for i in range(8)]
    for k in range(12):
        t0 = 0.7 * DAY + k * 2.1 * DAY
        for a in core:
            b.post(a, t0 + b.rng.uniform(0, 40), text=b.random_text(),
                   urls=[f"https://fake-news.example/story-{k}"])  # fmt: skip
    # fourteen fakes, each pushed by tagging five item-specific newsrooms and some others:
    # the core tags them, and so do throwaway accounts, once or twice each, at their own
    # times (no window sees them together), in X replies too (their heads are not theirs)
    throwaways = [b.account(f"throw{i:02d}", created=-900 * DAY) for i in range(14)]
    items = [list(b.rng.choice(NEWSROOMS, size=5, replace=False)) for _ in range(14)]
    for i, a in enumerate(core + throwaways):
        for _ in range(3 if a in core else 1 + i % 2):
            item = items[int(b.rng.integers(len(items)))]
            b.post(a, b.rng.uniform(0, 28 * DAY), text=b.random_text(),
                   mentions=tags(int(b.rng.integers(8, 13)), item))  # fmt: skip
    return b, core, throwaways, organic


def _grouped(f) -> dict[str, str]:
    return {r["account_id"]: r["group_id"] for r in f.members().to_pylist()}


def test_mass_tagging_throwaways_join_the_core_and_no_reader_does(tmp_path) -> None:
    b, core, throwaways, organic = _overload(3)
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", NO_COHORT, False)
    grouped = _grouped(f)
    core_groups = {grouped[a] for a in core if a in grouped}
    assert len(core_groups) == 1 and sum(a in grouped for a in core) >= 7
    placed = {a for a in throwaways if grouped.get(a) in core_groups}
    assert len(placed) >= 12, sorted(set(throwaways) - placed)
    assert not set(grouped) & set(organic)  # no reader, whether it tagged 1-3 or 5-7
    info = f.manifest()["graph"]["lockstep"]
    assert {r["account_id"] for r in info["members"]} == placed
    # a post tagging n handles makes n (n - 1) / 2 pairs and weighs n - 1 hits, not more
    said = {a: sum(len(p["mentions"]) - 1 for p in b.posts if p["account_id"] == a)
            for a in placed}  # fmt: skip
    assert all(3 <= r["observed"] <= said[r["account_id"]] for r in info["members"])
    # each names what it touched of the group's set: pairs of newsrooms tagged together
    assert all(
        0 < len(r["objects"]) <= 5 and all(o.startswith("at:newsroom") for o in r["objects"])
        for r in info["members"]
    )
    # the report's members table says why they are there (strength 0, no tie of their own)
    ctx = build_context(f, options=ReportOptions(max_members=200))
    rows = [m for g in ctx["details"] for m in g["members"] if m["account_id"] in placed]
    assert len(rows) == len(placed) and all(m["lockstep"]["objects"] for m in rows)
    html = render_html(ctx)
    assert all(f"lockstep {m['lockstep']['observed']} vs" in html for m in rows)
    # the pair tests alone tie none of the throwaways: the handles are tagged by hundreds
    pairs = f.pairs().to_pylist()
    tied = {r["account_id_a"] for r in pairs} | {r["account_id_b"] for r in pairs}
    assert not tied & set(throwaways)
    # handles left out (lockstep_min_tags = 0): nobody places them
    off_cfg = dict(NO_COHORT, graph={"lockstep_min_tags": 0})
    off = run_detection(ds, tmp_path / "off", off_cfg, False)
    assert not set(_grouped(off)) & set(throwaways)


def _placed(f, core: list[str], accounts: list[str]) -> set[str]:
    grouped = _grouped(f)
    core_groups = {grouped[a] for a in core if a in grouped}
    return {a for a in accounts if grouped.get(a) in core_groups}


def test_a_reply_counts_what_its_author_typed(tmp_path) -> None:
    """On X the platform writes a reply's head: the answered post's author and the handles
    that post mentions. Throwaways answering a newsroom's post, tagging a dozen others, are
    placed as if they had posted; readers answering a thread that tags twelve newsrooms carry
    those twelve handles without typing them and are not; a reply to a post the Dataset
    lacks cannot be told apart and counts nothing."""
    b, core, throwaways, organic = _overload(5)
    # a thread tagging the twelve newsrooms the network's core tags most
    by_core = Counter(h for r in b.posts if r["account_id"] in core for h in r["mentions"])
    top = [h for h, _ in by_core.most_common(12)]
    thread = b.post("newsroom00", 0.2 * DAY, text="our partners", mentions=top)
    morning = b.post("newsroom01", 0.1 * DAY, text="our morning edition")
    readers = organic[100:115]
    for a in readers:  # the head X wrote, and at most one handle of their own
        own = [str(b.rng.choice(NEWSROOMS))] if b.rng.random() < 0.5 else []
        b.post(a, b.rng.uniform(DAY, 28 * DAY), text=b.random_text(), reply_to=thread,
               mentions=list(dict.fromkeys(["newsroom00", *top, *own])))  # fmt: skip
    tagging = [r for r in b.posts if r["account_id"] in throwaways and r["mentions"]]
    for row in tagging:
        row["reply_to"] = morning
        row["mentions"] = ["newsroom01", *row["mentions"]]  # the head: the answered author
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", NO_COHORT, False)
    assert len(_placed(f, core, throwaways)) >= 12
    assert not _placed(f, core, readers)
    for row in tagging:
        row["reply_to"] = "p9999999"  # a post the Dataset lacks
    ds = b.write(tmp_path / "ds2")
    f2 = run_detection(ds, tmp_path / "f2", NO_COHORT, False)
    assert not _placed(f2, core, throwaways)


def test_a_reply_head_is_removed_whatever_the_answered_post_lists(tmp_path) -> None:
    """Posts listing fewer handles than the bound are left out before the pairs are made,
    but a reply's head is still read from the post it answers, however few handles that
    lists: a reply carrying an answered post's five handles and typing four more tags four
    (no pair), an original tagging nine tags nine (36 pairs of weight 2/9)."""
    from pathlib import Path

    from vigie.detect import textreposts
    from vigie.detect.comention import tagged_together
    from vigie.detect.config import DEFAULTS
    from vigie.detect.engine import open_engine
    from vigie.schema import Dataset

    b = Builder(seed=3)
    head = NEWSROOMS[:5]
    answered = b.post("anchor", DAY, text="five partners", mentions=head)
    b.post("reader", 2 * DAY, text="and four more", reply_to=answered,
           mentions=["anchor", *head, *NEWSROOMS[5:9]])  # fmt: skip
    b.post("tagger", 3 * DAY, text="nine at once", mentions=NEWSROOMS[10:19])
    general = dict(DEFAULTS["general"])
    engine = open_engine(Dataset(Path(b.write(tmp_path / "ds"))), general)
    engine.reposts_by_text, engine.reposts_by_text_matched = textreposts.mark(
        engine, general["text_reposts"]
    )
    rows = engine.con.execute(
        f"""SELECT a.account_id, count(*), min(t.w), max(t.w)
        FROM ({tagged_together(engine, 8)}) t JOIN acc a USING (aid) GROUP BY 1"""
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("tagger", 36)]
    assert rows[0][2] == rows[0][3] == 2 / 9
