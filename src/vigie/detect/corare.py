"""Co-rare: pairs of accounts that touch the same *rare* objects over the whole collection.

Why: low-and-slow networks (dormant, aged accounts reactivated to push an obscure site's
articles or a niche hashtag, Graphika on Spamouflage) touch the same objects days or weeks
apart, so no time window, however wide, sees more than a few of their co-actions at once;
split by kind (a link here, a hashtag there) each detector sees even fewer. Pacheco et al.,
"Uncovering Coordinated Networks on Social Media" (ICWSM 2021), find such networks on the
whole period's account x object matrix, weighted so that rare objects count and popular
ones do not (TF-IDF), and Weber & Neumann, "Amplifying influence through coordinated
behaviour in social networks" (SNAM 2021), merge several interaction kinds into one latent
coordination network. This detector does both, with vigie's chance control instead of a
similarity threshold:

- the objects are every URL, hashtag (lower-cased) and media value (exact) of original
  posts, each prefixed with its kind, so a pair's links, tags and images add up;
- only *rare* objects take part: those acted on by at most ``max_object_actions`` actions
  (after the per-account episodes of ``coaction.py``); the null model is computed on the
  same rare objects, so it is calibrated on what it looks at, and the rarity weight
  (an IDF) ranks the pairs;
- the window is the whole collection: two accounts touching the same rare object a month
  apart co-act once; at this scale a pair's observed count is its number of distinct
  shared objects (and never more than its distinct posts), tested against
  ``expected`` (the configuration null of ``coaction.py``, where a popular object raises
  every sharer's expectation) by a Poisson tail, Bonferroni-corrected over every pair that
  shared at least one rare object.

It finds what the windowed detectors cannot: the same few accounts, again and again, on
objects almost nobody else touches, whatever the delay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine
from vigie.detect.exploded import rows

KIND = "co_rare"
WHOLE = "whole collection"
"""The ``window`` a signal of ``whole_collection`` says in its figures (``only_new_pairs``
reads it)."""
# a window longer than any collection: every action of an object falls in one time bucket
WHOLE_S = 1e12


def _sources(engine: Engine, include_reposts: bool) -> list[str]:
    """SELECTs of (aid, obj, t, post_id) over the links, the hashtags and the images, read
    from the rows the other detectors share (``exploded.rows``; the base table ``p`` always
    has links and hashtags, null when the Dataset has none)."""
    urls = rows(engine, "urls", include_reposts)
    tags = rows(engine, "hashtags", include_reposts)  # already lower-case, without '#'
    parts = [
        f"SELECT aid, 'url:' || obj AS obj, t, post_id FROM {urls} WHERE obj <> ''",
        f"SELECT aid, 'tag:' || obj AS obj, t, post_id FROM {tags}",
    ]
    if "media" in engine.columns:  # trimmed, not empty: lower-cased here
        media = rows(engine, "media", include_reposts)
        parts.append(f"SELECT aid, 'media:' || lower(obj) AS obj, t, post_id FROM {media}")
    return parts


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that touched the same rare objects, whenever they did."""
    parts = _sources(engine, bool(cfg["include_reposts"]))
    return whole_collection(engine, KIND, " UNION ALL ".join(parts), cfg, general)


def whole_collection(
    engine: Engine,
    kind: str,
    src: str,
    cfg: dict[str, Any],
    general: dict[str, Any],
    bound: Callable[[str], int] | None = None,
) -> Signal:
    """The co-action test of ``kind`` over the whole collection (module doc) on the rows
    ``src`` (a SELECT of ``aid, obj, t, post_id``): only objects touched by at most
    ``max_object_actions`` accounts take part, each pair's count is its distinct shared
    objects, and its edges say the collection's span. Co-amplify runs the same test on
    the authors accounts repost (``coamplify.py``), its bound on accounts read from the
    objects' own figures: ``bound`` is given the table of those figures (``obj``,
    ``n_accounts``) and returns the bound to use."""
    con = engine.con
    cap = int(cfg["max_object_actions"])
    # each object's figures in one grouping (it was two, over a copy of every row): which
    # objects are rare, what the others weigh, the collection's span. The rows are read
    # from the shared tables again rather than copied (10M posts: 1.8 -> 1.0 s CPU).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {kind}_objs AS
        SELECT obj, count(*) AS n, count(DISTINCT aid) AS n_accounts, min(t) AS t0, max(t) AS t1
        FROM ({src}) GROUP BY obj"""
    )
    if bound is not None:
        cap = bound(f"{kind}_objs")
    # rare objects only, by accounts (an account's repeats are one episode at this scale):
    # the null model then sees only what the pairs are drawn from
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {kind}_rows AS
        SELECT r.* FROM ({src}) r SEMI JOIN (
            SELECT obj FROM {kind}_objs WHERE n_accounts <= {cap}) k USING (obj)"""
    )
    span = engine.scalar(f"SELECT coalesce(max(t1) - min(t0), 0) FROM {kind}_objs")
    over = con.execute(
        f"SELECT count(*), coalesce(sum(n), 0) FROM {kind}_objs WHERE n_accounts > {cap}"
    ).fetchall()[0]
    con.execute(f"DROP TABLE {kind}_objs")
    run_cfg = dict(cfg, window_s=WHOLE_S, scales_s=[], max_object_actions=cap)
    sig = run_coaction(engine, kind, f"{kind}_rows", run_cfg, general)
    # on an empty Dataset there is no span: the configured window stands in (as the
    # empty-Dataset fast path writes it)
    placeholder = 60.0 if cfg["window_s"] == "auto" else float(cfg["window_s"])
    span_s = round(float(span) if sig.stats["actions"] else placeholder, 3)
    # the edges say the scale they were kept at: here the collection's span, not 1e12
    w = np.full(sig.edges.num_rows, span_s, dtype=np.float64)
    i = sig.edges.column_names.index("window_s")
    sig.edges = sig.edges.set_column(i, "window_s", pa.array(w, pa.float64()))
    for st in sig.stats.get("scales", []):
        st["window_s"] = span_s
    sig.stats.update(
        {
            "window_s": span_s,
            "window": WHOLE,
            "rare_max_accounts": cap,
            "objects_over_cap": int(over[0]),
            "actions_over_cap": int(over[1]),
        }
    )
    return sig


def _pair_keys(edges: pa.Table) -> np.ndarray:
    """One int64 per unordered account pair (the smaller index in the high bits)."""
    u = edges.column("u").to_numpy().astype(np.int64)
    v = edges.column("v").to_numpy().astype(np.int64)
    return (np.minimum(u, v) << 32) | np.maximum(u, v)


def only_new_pairs(signals: list[Signal]) -> list[Signal]:
    """``signals`` with co-rare's and co-amplify's edges cut to the pairs no windowed
    co-action signal kept.

    Why: a campaign sharing rare links within seconds is also a whole-collection pair, and
    its co-rare edge would repeat the co-link evidence under a vaguer name (and outweigh it:
    co-rare's rarity is computed among rare objects only). Co-rare exists for the pairs the
    windowed detectors cannot see; the pairs it shares with them keep their windowed edges.
    Dropping kept pairs never adds a false one, so the chance control is untouched. The
    manifest counts the dropped pairs (``kept_by_other_signals``).
    """
    whole = [s.stats.get("window") == WHOLE for s in signals]
    windowed = [_pair_keys(s.edges) for s, w in zip(signals, whole, strict=True) if not w]
    seen = np.concatenate([np.empty(0, np.int64), *windowed])
    for sig, w in zip(signals, whole, strict=True):
        if not w or sig.edges.num_rows == 0:
            continue
        keep = ~np.isin(_pair_keys(sig.edges), seen)
        sig.edges = sig.edges.filter(pa.array(keep))
        sig.stats["kept_by_other_signals"] = int((~keep).sum())
        sig.stats["kept"] = int(sig.edges.num_rows)
        sig.stats["observed_kept"] = int(np.asarray(sig.edges.column("observed")).sum())
        exp = round(float(np.asarray(sig.edges.column("expected")).sum()), 6)
        sig.stats["expected_kept"] = exp
        for st in sig.stats.get("scales", []):
            st["kept"] = int(sig.edges.num_rows)
    return signals
