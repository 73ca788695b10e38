"""``generate``: a synthetic election Dataset with injected campaigns and its ground truth.

Why a generator: detectors can only be trusted once measured on data where the answer is
known. The output folder is an ordinary vigie Dataset (``posts.parquet``, ``accounts.parquet``,
``manifest.json``) that every stage reads like ingested data, plus the answer key:
``truth.parquet`` (every account → campaign id, type and role), ``truth_posts.parquet``
(every post → campaign id, null when organic) and ``campaigns.json`` (what each campaign did).

Same scenario, size, seed, stealth and scale → byte-identical files (no wall-clock time is
written anywhere, every random draw comes from a stream derived from the seed).

What the answer key says:
- ``truth.parquet``: one row per account of ``accounts.parquet``; ``campaign_id`` (``C01`` …)
  and ``campaign_type`` are null for organic accounts; ``role`` is ``organic``, ``activist``
  (genuine groups: organic, campaign_id null), ``seed``, ``bot``, ``sockpuppet``,
  ``amplifier`` or ``sleeper``.
- ``truth_posts.parquet``: one row per post; ``campaign_id`` is set on the coordinated posts
  only. Camouflage posts by campaign accounts and organic pick-up of campaign content are
  null (they enact no coordination).
- ``campaigns.json``: per campaign ``id``, ``type``, ``techniques`` (DISARM ids from
  ``CAMPAIGN_TECHNIQUES``), ``target``, ``n_accounts``, ``roles``, ``n_actions``, ``n_posts``
  (coordinated), ``n_ordinary_posts`` (camouflage), ``window``, ``stealth`` (jitter_s,
  participation, paraphrase_rate, ordinary_share) and ``objects`` (canonical ``urls``,
  ``domains``, ``hashtags``, base ``messages``, ``seed_posts`` and ``reply_targets`` ids).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.atomic import atomic_dir, check_replaceable
from vigie.errors import VigieError
from vigie.exercise.campaigns import CampaignRun, attach_replies, inject, ordinary_count
from vigie.exercise.context import Context
from vigie.exercise.kinds import ALL_TECHNIQUES
from vigie.exercise.organic import OrganicStats, TooFewPosts, generate_organic, ordinary_posts
from vigie.exercise.organic_lit import ExtraStats, extras_for, generate_extras
from vigie.exercise.population import Population, assign_ids, organic_population
from vigie.exercise.posts import PostBuffer, materialise
from vigie.exercise.scenarios import MIN_MEMBERS, Scenario, campaign_size, get_scenario
from vigie.exercise.textgen import bank
from vigie.exercise.timeline import DAY, rng_for
from vigie.progress import make_progress
from vigie.schema import (
    ACCOUNTS_SCHEMA,
    POSTS_SCHEMA,
    TRUTH_ACCOUNTS_SCHEMA,
    TRUTH_POSTS_SCHEMA,
    Dataset,
    base_manifest,
    write_json,
    write_table,
)

PLATFORM = "x"
MAX_CAMPAIGN_SHARE = 0.5
MAX_POSTS = 50_000_000


@dataclass(frozen=True)
class GenerateResult:
    """Where the exercise was written and what it holds."""

    out: Path
    scenario: str
    seed: int
    stealth: float
    n_posts: int
    n_accounts: int
    n_campaigns: int
    n_campaign_accounts: int
    n_campaign_posts: int

    @property
    def dataset(self) -> Dataset:
        return Dataset(self.out)

    @property
    def posts_path(self) -> Path:
        return self.out / "posts.parquet"

    @property
    def accounts_path(self) -> Path:
        return self.out / "accounts.parquet"

    @property
    def manifest_path(self) -> Path:
        return self.out / "manifest.json"

    @property
    def truth_path(self) -> Path:
        return self.out / "truth.parquet"

    @property
    def truth_posts_path(self) -> Path:
        return self.out / "truth_posts.parquet"

    @property
    def campaigns_path(self) -> Path:
        return self.out / "campaigns.json"


def _check_args(n_posts: int, seed: int, stealth: float, campaign_scale: float) -> None:
    if not isinstance(n_posts, int | np.integer) or n_posts <= 0:
        raise VigieError(f"--posts must be a positive number of posts (got {n_posts})")
    if n_posts > MAX_POSTS:
        raise VigieError(f"--posts {n_posts:,} is above the supported {MAX_POSTS:,}")
    if not 0.0 <= stealth <= 1.0:
        raise VigieError(f"--stealth must be between 0 and 1 (got {stealth})")
    if not 0.0 < campaign_scale <= 20.0:
        raise VigieError(f"--campaign-scale must be in (0, 20] (got {campaign_scale})")
    if seed < 0:
        raise VigieError(f"--seed must be a non-negative integer (got {seed})")


def _posts_needed(sc: Scenario, n_posts: int, campaign_scale: float, per_run: list[int]) -> int:
    """The fewest posts (a round number) whose campaigns fit ``MAX_CAMPAIGN_SHARE``.

    Why not the closed-form bound: campaigns grow as n ** SIZE_EXPONENT but no smaller than
    MIN_MEMBERS, and a bound true whatever the floors told a user of 50 posts to generate
    11.5 million. Each campaign's posts are taken proportional to its members (as the
    presets write them), scaled from this run's, with a 10 % margin; the smallest run they
    fit in is found by doubling, then halving the interval."""
    base = [campaign_size(p, sc, n_posts, campaign_scale) for p in sc.campaigns]

    def fits(n: int) -> bool:
        sizes = [campaign_size(p, sc, n, campaign_scale) for p in sc.campaigns]
        total = sum(t * m / b for t, m, b in zip(per_run, sizes, base, strict=True))
        return total * 1.1 <= MAX_CAMPAIGN_SHARE * n

    lo, hi = n_posts, max(n_posts, 100) * 2
    while not fits(hi):
        lo, hi = hi, hi * 2
    while hi - lo > max(100, hi // 100):
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if fits(mid) else (mid, hi)
    step = 10 ** max(2, len(str(hi)) - 2)  # two significant digits, at least hundreds
    return -(-hi // step) * step


def generate(
    scenario: str,
    n_posts: int,
    seed: int,
    out: Path,
    *,
    stealth: float | None = None,
    progress: bool = True,
    campaign_scale: float = 1.0,
) -> GenerateResult:
    """Generate the ``scenario`` preset with ``n_posts`` posts into the folder ``out``."""
    sc = get_scenario(scenario)
    stealth = sc.stealth if stealth is None else float(stealth)
    _check_args(n_posts, seed, stealth, campaign_scale)
    out = Path(out)
    check_replaceable(out, "generated exercise", Dataset.KIND, "truth.parquet")  # before the work
    steps = ["accounts", "campaigns", "organic life", "camouflage", "assembling", "writing"]
    bar = make_progress()
    if not progress:
        bar.disable = True
    with bar:
        task = bar.add_task(f"generate {scenario}", total=len(steps))

        def step(name: str) -> None:
            bar.update(task, description=f"generate {scenario}: {name}")

        step(steps[0])
        b = bank(sc.lang)
        n_org = max(200, round(n_posts / sc.posts_per_account))
        pop = organic_population(b, rng_for(seed, "population"), n_org, sc.start_us)
        ctx = Context(sc, b, pop, PostBuffer(), seed, stealth)
        bar.advance(task)

        step(steps[1])
        runs = [
            inject(ctx, i, p, campaign_size(p, sc, n_posts, campaign_scale))
            for i, p in enumerate(sc.campaigns)
        ]
        coordinated = sum(r.n_posts for r in runs)
        camouflage = [ordinary_count(r) for r in runs]
        campaign_total = coordinated + sum(camouflage)
        if campaign_total > MAX_CAMPAIGN_SHARE * n_posts:
            per_run = [r.n_posts + c for r, c in zip(runs, camouflage, strict=True)]
            need = _posts_needed(sc, n_posts, campaign_scale, per_run)
            # a smaller scale only helps while some campaign is above its smallest size
            sizes = [campaign_size(p, sc, n_posts, campaign_scale) for p in sc.campaigns]
            smaller = (
                " or a smaller --campaign-scale"
                if max(sizes) > MIN_MEMBERS
                else f" (every campaign is at its smallest, {MIN_MEMBERS} accounts)"
            )
            raise VigieError(
                f"--posts {n_posts:,} is too small for the campaigns of '{scenario}' "
                f"({campaign_total:,} campaign posts); use at least {need:,} posts{smaller}"
            )
        bar.advance(task)

        step(steps[2])
        leak_runs = [r for r in runs if r.type == "hack_and_leak"]
        leak_rows = np.array([x for r in leak_runs for x in r.seed_rows], dtype=np.int64)
        leak_urls = [u for r in leak_runs for u in r.leak_urls]
        # seed posts of the other campaigns: a few ordinary users fall for them
        others = [x for r in runs if r.type != "hack_and_leak" for x in r.seed_rows]
        extras = generate_extras(ctx, extras_for(sc))
        try:
            stats = generate_organic(
                ctx,
                n_posts - campaign_total - extras.posts,
                leak_rows,
                leak_urls,
                np.array(others, np.int64),
            )
        except TooFewPosts as exc:
            raise VigieError(
                f"--posts {n_posts:,} is too small for '{scenario}': its campaigns take "
                f"{campaign_total:,} posts and its authentic groups (news feeds, fans, party "
                f"accounts...) {extras.posts:,}, so {exc}; use more posts (the preset's "
                f"default is {sc.default_posts:,})"
            ) from None
        bar.advance(task)

        step(steps[3])
        for r in runs:
            attach_replies(ctx, r)
            if r.finish is not None:
                r.finish(ctx)
        for r, n in zip(runs, camouflage, strict=True):
            fresh = ("sleeper_burst", "doppelganger", "mention_bombing")  # made before the window
            lo = r.window[0] if r.type in fresh else sc.start_us
            ordinary_posts(ctx, r.members, n, (lo, sc.end_us), r.index)
            r.n_ordinary_posts = n
        bar.advance(task)

        step(steps[4])
        assign_ids(pop, rng_for(seed, "ids"))
        posts, camp_of_post, author_of_post, pid_by_row = materialise(
            ctx.buf, pop.handle, pop.account_id, sc.lang
        )
        if posts.num_rows != n_posts:  # a generator bug, never a user mistake
            raise AssertionError(f"generated {posts.num_rows} posts instead of {n_posts}")
        accounts, truth = _accounts_tables(pop, runs, author_of_post, rng_for(seed, "counts"))
        truth_posts = _truth_posts(posts, camp_of_post, runs)
        truth_claims = _truth_claims(runs, pid_by_row)
        bar.advance(task)

        step(steps[5])
        records = [r.record(pid_by_row) for r in runs]
        manifest = _manifest(
            sc, n_posts, seed, stealth, campaign_scale, posts, accounts, runs, stats
        )
        extra_json: dict[str, Any] = {}
        if sc.organic_extras:
            extra_json["organic_groups"] = _organic_groups(extras, pop, author_of_post)
            manifest["organic"]["authentic_groups"] = len(extras.groups)
            manifest["organic"]["authentic_group_posts"] = extras.posts
        if truth_claims is not None:
            manifest["truth_files"].append("truth_claims.parquet")
        try:
            _write_all(
                out, posts, accounts, truth, truth_posts, sc, seed, stealth, records, manifest,
                truth_claims, extra_json,
            )  # fmt: skip
        except OSError as exc:
            raise VigieError(f"{out}: cannot write the exercise ({exc.strerror or exc})") from exc
        bar.advance(task)
    return GenerateResult(
        out=out,
        scenario=sc.name,
        seed=seed,
        stealth=stealth,
        n_posts=posts.num_rows,
        n_accounts=accounts.num_rows,
        n_campaigns=len(runs),
        n_campaign_accounts=int(sum(len(r.members) for r in runs)),
        n_campaign_posts=int(sum(r.n_posts for r in runs)),
    )


def _write_all(
    out: Path,
    posts: pa.Table,
    accounts: pa.Table,
    truth: pa.Table,
    truth_posts: pa.Table,
    sc: Scenario,
    seed: int,
    stealth: float,
    records: list[dict[str, Any]],
    manifest: dict[str, Any],
    truth_claims: pa.Table | None = None,
    extra_json: dict[str, Any] | None = None,
) -> None:
    """Every file of the exercise, in one atomic folder swap."""
    with atomic_dir(out, "exercise", kind=Dataset.KIND, marker="truth.parquet") as tmp:
        write_table(posts, tmp / "posts.parquet", POSTS_SCHEMA)
        write_table(accounts, tmp / "accounts.parquet", ACCOUNTS_SCHEMA)
        write_table(truth, tmp / "truth.parquet", TRUTH_ACCOUNTS_SCHEMA)
        write_table(truth_posts, tmp / "truth_posts.parquet", TRUTH_POSTS_SCHEMA)
        if truth_claims is not None:
            write_table(truth_claims, tmp / "truth_claims.parquet")
        write_json(
            tmp / "campaigns.json",
            {
                "scenario": sc.name,
                "seed": seed,
                "stealth": stealth,
                "campaigns": records,
                **(extra_json or {}),
            },
        )
        write_json(tmp / "manifest.json", manifest)


def _accounts_tables(
    pop: Population, runs: list[CampaignRun], author_of_post: np.ndarray, rng: np.random.Generator
) -> tuple[pa.Table, pa.Table]:
    """Accounts that posted (every campaign account does) and the account truth."""
    in_data = np.bincount(author_of_post, minlength=pop.n)
    keep = in_data > 0
    keep[pop.n_organic :] = True
    age_days = np.maximum(1.0, (pop_now(pop) - pop.created_at) / DAY)
    daily = pop.activity * rng.lognormal(0.0, 0.6, pop.n) * 0.8
    history = (age_days * daily).astype(np.int64)
    roles = np.array(pop.role, dtype=object)
    history[roles == "sleeper"] = rng.integers(0, 4, int((roles == "sleeper").sum()))
    posts_count = in_data + history
    idx = np.flatnonzero(keep)
    ids = pop.account_id.take(pa.array(idx))
    order = np.asarray(pc.sort_indices(ids))
    sel = pa.array(idx[order])
    n = len(idx)
    platform = pa.array([PLATFORM] * n, type=pa.string())
    accounts = pa.table(
        {
            "account_id": pop.account_id.take(sel),
            "platform": platform,
            "handle": pop.handle.take(sel),
            "display_name": pop.display_name.take(sel),
            "created_at": pa.array(pop.created_at[idx[order]], type=pa.timestamp("us", tz="UTC")),
            "followers": pa.array(pop.followers[idx[order]], type=pa.int64()),
            "following": pa.array(pop.following[idx[order]], type=pa.int64()),
            "posts_count": pa.array(posts_count[idx[order]], type=pa.int64()),
            "description": pop.description.take(sel),
        }
    )
    camp_ids = np.array([None] + [r.id for r in runs], dtype=object)
    camp_types = np.array([None] + [r.type for r in runs], dtype=object)
    c = pop.campaign[idx[order]] + 1
    truth = pa.table(
        {
            "account_id": pop.account_id.take(sel),
            "platform": platform,
            "campaign_id": pa.array(camp_ids[c], type=pa.string()),
            "campaign_type": pa.array(camp_types[c], type=pa.string()),
            "role": pa.array(roles[idx[order]].tolist(), type=pa.string()),
        }
    )
    return accounts, truth


def _truth_claims(runs: list[CampaignRun], pid_by_row: pa.Array) -> pa.Table | None:
    """Per paraphrased post: its claim id, language and wording variant (None when the
    scenario has no paraphrase campaign)."""
    rows = [(r.id, *c) for r in runs for c in r.claim_rows]
    if not rows:
        return None
    rows.sort(key=lambda x: x[1])
    return pa.table(
        {
            "post_id": pid_by_row.take(pa.array([x[1] for x in rows], pa.int64())),
            "platform": pa.array([PLATFORM] * len(rows), pa.string()),
            "campaign_id": pa.array([x[0] for x in rows], pa.string()),
            "claim_id": pa.array([x[2] for x in rows], pa.string()),
            "lang": pa.array([x[3] for x in rows], pa.string()),
            "variant": pa.array([x[4] for x in rows], pa.int32()),
        }
    )


def _organic_groups(
    extras: ExtraStats, pop: Population, author_of_post: np.ndarray
) -> list[dict[str, Any]]:
    """The authentic coordinated groups (ids O01…), with the ids of their accounts that
    posted (the others are in neither accounts.parquet nor the truth)."""
    posted = np.bincount(author_of_post, minlength=pop.n) > 0
    out = []
    for i, g in enumerate(extras.groups):
        rows = [a for a in g["accounts"] if posted[a]]
        ids = pop.account_id.take(pa.array(rows, pa.int64())).to_pylist()
        out.append(
            {
                "id": f"O{i + 1:02d}",
                "kind": g["kind"],
                "authentic": True,
                "n_accounts": len(ids),
                "n_objects": int(g["objects"]),
                "accounts": ids,
            }
        )
    return out


def pop_now(pop: Population) -> int:
    """Accounts' statistics are as of the end of the collection (latest creation + a day)."""
    return int(pop.created_at.max()) + DAY


def _truth_posts(posts: pa.Table, camp_of_post: np.ndarray, runs: list[CampaignRun]) -> pa.Table:
    camp_ids = np.array([None] + [r.id for r in runs], dtype=object)
    return pa.table(
        {
            "post_id": posts.column("post_id"),
            "platform": posts.column("platform"),
            "campaign_id": pa.array(camp_ids[camp_of_post + 1], type=pa.string()),
        }
    )


def _manifest(
    sc: Scenario,
    n_posts: int,
    seed: int,
    stealth: float,
    campaign_scale: float,
    posts: pa.Table,
    accounts: pa.Table,
    runs: list[CampaignRun],
    stats: OrganicStats,
) -> dict[str, Any]:
    kinds = {
        "reposts": int(pc.sum(pc.is_valid(posts.column("repost_of"))).as_py() or 0),
        "replies": int(pc.sum(pc.is_valid(posts.column("reply_to"))).as_py() or 0),
        "quotes": int(pc.sum(pc.is_valid(posts.column("quote_of"))).as_py() or 0),
    }
    cascades = sorted(stats.cascade_sizes, reverse=True)
    return base_manifest(
        "dataset",
        source="vigie generate",
        platform=PLATFORM,
        scenario=sc.name,
        scenario_description=sc.description,
        lang=sc.lang,
        seed=seed,
        stealth=stealth,
        campaign_scale=campaign_scale,
        period={"start": sc.start.isoformat(), "end": sc.end.isoformat()},
        counts={"posts": posts.num_rows, "accounts": accounts.num_rows, "rejected": 0, **kinds},
        sources=[{"generator": "vigie generate", "scenario": sc.name, "seed": seed}],
        skipped={},
        duplicates=0,
        campaigns={
            "n": len(runs),
            "accounts": int(sum(len(r.members) for r in runs)),
            "coordinated_posts": int(sum(r.n_posts for r in runs)),
            "ordinary_posts": int(sum(r.n_ordinary_posts for r in runs)),
            "types": sorted({r.type for r in runs}),
            "techniques": sorted({t for r in runs for t in ALL_TECHNIQUES[r.type]}),
        },
        organic={
            "cascades": len(cascades),
            "cascade_posts": int(sum(cascades) + len(cascades)),
            "largest_cascades": cascades[:5],
            "quote_bursts": stats.quote_burst_sizes,
            "slogan_posts": stats.slogan_posts,
            "activist_groups": len(stats.activist_groups),
            "activist_posts": stats.activist_posts,
            "leak_pickup_posts": stats.leak_pickup_posts,
            "campaign_pickup_posts": stats.campaign_pickup_posts,
            "superfan_posts": stats.superfan_posts,
        },
        truth_files=["truth.parquet", "truth_posts.parquet", "campaigns.json"],
        requested_posts=n_posts,
    )
