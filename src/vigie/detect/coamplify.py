"""Co-amplify: pairs of accounts that repost the same *small* accounts, whenever they do.

Why: a network that exists to amplify its own members reposts (retweets, boosts) one
another's posts minutes to hours later, around the clock, each member joining part of the
pushes: Keller et al., "Political Astroturfing on Twitter" (Political Communication 2020)
on the South Korean NIS accounts; Yang & Menczer, "Anatomy of an AI-powered malicious
social botnet" (2023) on the fox8 botnet, whose members retweet and reply to each other
while posting texts a language model varies, so nothing they write is a copy; the IRA's
personas pushing their hub accounts (Linvill & Warren 2020). Two members seldom repost the
same post within the hour, so co-repost and its ring test (the same post of an author,
both within hours) see few of their co-actions; what they share is *whom* they amplify:
dozens of small accounts, the network's own, that hardly anyone else reposts.

So the objects here are the authors an account reposts (``author:@handle (id)``, from each
repost of a post the Dataset holds; self-reposts say nothing), tested as co-rare tests its
links (``corare.whole_collection``): over the whole collection, only authors reposted by at
most ``max_object_actions`` accounts (a celebrity's audience says nothing about who knows
whom), a pair's count its distinct shared authors, against the configuration null computed
on those authors (two heavy reposters of many small accounts expect more shared authors),
Bonferroni over every pair sharing one. The fans of one small account share one author,
not several, and a community's organiser reposted by its members is one author: the test
asks ``min_observed`` distinct authors. Pacheco et al. (ICWSM 2021) build the same kind of
whole-period account x object matrix for retweets.

Memory: the test draws every pair of accounts sharing an author, ``sum_X A_X (A_X - 1) / 2``
of them, and the small audiences of a large collection add up (10M posts of the
``fr-presidential`` preset: 58M draws under 250, 5.4 GB for this detector alone). So the
bound on an author's audience is lowered, for this collection only, to the largest that
keeps the draws within ``max_pair_draws`` (20M by default; the 2M-post presets stay under
10M at 250); the manifest gives the bound asked and the bound used
(``rare_max_accounts_asked``, ``rare_max_accounts``). Lowering it leaves out the largest
audiences first, those a ring is least likely to be alone in.

A pair a windowed detector kept keeps only that detector's edge (``corare.only_new_pairs``).
Retweets known only by their ``RT @handle:`` text (``textreposts``) count as well: matched
to their post, or else by the handle their text names. So does a retweet whose id names a
post the Dataset does not hold, where its text names the author (``RT @handle:``): Twitter's
Information Operations archives give every retweet's ``retweet_tweetid`` but seldom the
tweet, and an operation's accounts amplify one another there (the reason the archives were
released); its object is the account of that handle when the Dataset has it, the same as
its matched retweets'. A repost naming by id alone a post the Dataset does not hold, and no
author in its text (CooRTweet's and CNT's input tables), names no author and is not read.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow.parquet as pq

from vigie.detect.coaction import Signal
from vigie.detect.corare import whole_collection
from vigie.detect.engine import Engine, fetch
from vigie.detect.textreposts import TEXT_REPOST, TEXT_REPOST_HANDLE, has_handles

KIND = "co_amplify"
_TEXT_HANDLE = r"^RT @(\w+)"
"""The handle of an unmatched text repost's target (``textreposts.mark`` writes it
``RT @<handle>: <text>``, the handle lower-cased)."""


def _handles(engine: Engine) -> tuple[str | None, str]:
    """(a SELECT of ``(aid, handle)``, one handle per account, or None where accounts.parquet
    has none; the SQL naming the account ``a`` of ``acc``, its handle ``h.handle``):
    ``@handle (id)`` where it has a handle (what an analyst reads in the evidence; the id
    keeps two accounts of one handle apart), else the id, ``platform:id`` where one id names
    accounts of two platforms."""
    name = "a.account_id"
    if engine.by_platform:
        name = "coalesce(a.platform, '') || ':' || a.account_id"
    if not has_handles(engine):
        return None, name
    path = engine.dataset.accounts_path
    same = ""
    if engine.by_platform and "platform" in pq.read_schema(path).names:
        same = " AND r.platform IS NOT DISTINCT FROM ah.platform"
    # the smallest, should accounts.parquet hold several handles for one account
    handles = f"""SELECT ah.aid, min(CAST(r.handle AS VARCHAR)) AS handle
        FROM read_parquet('{path.as_posix()}') r JOIN acc ah
          ON CAST(r.account_id AS VARCHAR) = CAST(ah.account_id AS VARCHAR){same}
        WHERE r.handle IS NOT NULL AND CAST(r.handle AS VARCHAR) <> ''
        GROUP BY ah.aid"""
    return handles, f"coalesce('@' || h.handle || ' (' || {name} || ')', {name})"


def account_handles(engine: Engine) -> str | None:
    """A SELECT of ``(aid, handle)``, one handle per account, or None where accounts.parquet
    has no handles (``_handles``)."""
    return _handles(engine)[0]


def authors_sql(engine: Engine, unmatched: bool) -> str:
    """SELECT of ``(aid, obj, t, post_id)`` from the reposts ``_reposts`` wrote: each repost
    of a post the Dataset holds, its object the reposted post's author (``author:`` and
    ``_handles``' name); with ``unmatched``, each repost of a post the Dataset lacks whose
    text names its author (``RT @handle:``); and, where the Dataset knows retweets by their
    ``RT @handle:`` text alone (``textreposts``), each such retweet whose post it lacks. A
    named author's object is the account of that handle or id when the Dataset has it (the
    same object as its matched retweets), else ``author:@handle``."""
    handles, shown = _handles(engine)
    join = f"LEFT JOIN ({handles}) h ON h.aid = a.aid" if handles else ""
    by_post = f"""SELECT x.aid, 'author:' || {shown} AS obj, x.t, x.post_id
        FROM {KIND}_rp x JOIN acc a ON a.aid = x.author {join}
        WHERE x.author <> x.aid"""
    sources = []
    if unmatched:
        # a repost by id of a post the Dataset lacks (the IO archives): the author its text
        # names; only those reposts' texts are read from the Parquet
        sources.append(
            f"""SELECT x.aid, x.t, x.post_id,
                   lower(regexp_extract(r.text, '{TEXT_REPOST_HANDLE}', 1)) AS h
            FROM {KIND}_rp x JOIN pr r ON r.post_id = x.post_id AND r.aid = x.aid
            WHERE x.author IS NULL AND regexp_matches(coalesce(r.text, ''), '{TEXT_REPOST}')"""
        )
    if engine.reposts_by_text:
        # an unmatched text repost's target is its text, "RT @<handle, lower-cased>: ..."
        sources.append(
            f"""SELECT aid, t, post_id, regexp_extract(repost_of, '{_TEXT_HANDLE}', 1) AS h
            FROM p WHERE starts_with(repost_of, 'RT @')"""
        )
    if not sources:
        return by_post
    return f"{by_post} UNION ALL {_by_handle(' UNION ALL '.join(sources), handles, shown, join)}"


def _reposts(engine: Engine) -> bool:
    """Write ``<KIND>_rp(aid, t, post_id, author)``: every repost by id, with the reposted
    post's account where the Dataset holds that post (else NULL); whether any lacks it."""
    engine.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {KIND}_rp AS
        SELECT x.aid, x.t, x.post_id, o.aid AS author
        FROM p x LEFT JOIN p o ON o.post_id = x.repost_of
        WHERE x.repost_of IS NOT NULL AND x.repost_of <> ''
          AND NOT starts_with(x.repost_of, 'RT @')"""
    )
    return bool(
        engine.scalar(
            f"SELECT count(*) FROM (SELECT 1 FROM {KIND}_rp WHERE author IS NULL LIMIT 1)"
        )
    )


def _by_handle(source: str, handles: str | None, shown: str, join: str) -> str:
    """SELECT of ``(aid, obj, t, post_id)`` for ``source``'s reposts ``(aid, t, post_id, h)``,
    ``h`` the lower-cased handle or id of the author their text names: that account's object
    where the Dataset has an account of that handle or id (case aside, as ``textreposts``
    matches), else ``author:@h``; self-reposts left out."""
    keys = "SELECT aid, lower(CAST(account_id AS VARCHAR)) AS k FROM acc"
    if handles:
        keys += f" UNION SELECT aid, lower(handle) AS k FROM ({handles})"
    return f"""SELECT x.aid, 'author:' || coalesce({shown}, '@' || x.h) AS obj, x.t,
               x.post_id
        FROM ({source}) x
        LEFT JOIN (SELECT k, min(aid) AS aid FROM ({keys}) GROUP BY k) n ON n.k = x.h
        LEFT JOIN acc a ON a.aid = n.aid {join}
        WHERE x.h <> '' AND (n.aid IS NULL OR n.aid <> x.aid)"""


def audience_bound(audiences: np.ndarray, counts: np.ndarray, asked: int, budget: int) -> int:
    """The largest audience bound ``<= asked`` whose authors' pair draws,
    ``sum A (A - 1) / 2`` over the authors of audience ``A`` up to it, stay within
    ``budget``. ``audiences``: the distinct audience sizes, ascending; ``counts``: how many
    authors have each. At least 2 (no draw below it); ``asked`` when no author is reposted
    (nothing to bound: the manifest then says what was asked, as on an empty Dataset)."""
    if audiences.size == 0:
        return asked
    draws = np.cumsum(counts * audiences * (audiences - 1) / 2.0)
    fits = (audiences <= asked) & (draws <= budget)
    if not fits.any():
        return 2
    i = int(np.flatnonzero(fits)[-1])
    # every audience up to the next size that would not fit is as good as this one
    nxt = int(audiences[i + 1]) - 1 if i + 1 < audiences.size else asked
    return max(2, min(asked, nxt))


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that reposted the same small accounts, whenever they did."""
    con = engine.con
    asked = int(cfg["max_object_actions"])

    def bound(objs: str) -> int:
        """The audience bound for this collection, from the authors' audiences that
        ``whole_collection`` counts anyway (``objs``: one row per author)."""
        aud = fetch(
            con,
            f"""SELECT n_accounts::BIGINT AS a, count(*)::BIGINT AS n FROM {objs}
            GROUP BY n_accounts ORDER BY n_accounts""",
        )
        return audience_bound(
            np.asarray(aud.column("a"), dtype=np.float64),
            np.asarray(aud.column("n"), dtype=np.float64),
            asked,
            int(cfg["max_pair_draws"]),
        )

    # the reposts joined to their authors once: the test reads them twice
    unmatched = _reposts(engine)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {KIND}_src AS {authors_sql(engine, unmatched)}")
    con.execute(f"DROP TABLE IF EXISTS {KIND}_rp")
    sig = whole_collection(engine, KIND, f"SELECT * FROM {KIND}_src", cfg, general, bound)
    con.execute(f"DROP TABLE IF EXISTS {KIND}_src")
    sig.stats["rare_max_accounts_asked"] = asked
    return sig
