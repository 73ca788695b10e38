"""Detection settings: embedded defaults, overridden per detector by a TOML file.

Why a strict loader: a typo in ``detect.toml`` (``windw_s``) that silently fell back to a
default would make an analyst believe a window was changed when it was not. Every key is
checked against the defaults, and a bad key or value is a ``VigieError`` naming it.

Durations are seconds everywhere. ``window_s = "auto"`` asks the detector to estimate its
window from the data (see ``coaction.estimate_window``). A ``detect.toml`` looks like::

    [general]
    alpha = 0.01              # family-wise error of the chance control
    correction = "bh"         # or "bonferroni" (default)

    [co_link]
    window_s = 30             # seconds
    min_observed = 4

    [co_repost]
    window_s = "auto"         # estimated from the data, recorded in the manifest

    [sync_activity]
    enabled = true

    [graph]
    min_members = 5

Sections: ``general``, one per detector (``co_link``, ``co_repost``, ``co_reply``,
``co_hashtag``, ``co_mention``, ``copypasta``, ``sync_activity``, ``co_media``, ``co_domain``,
``co_object``, ``paraphrase``, ``co_rare``, ``creation_burst``, ``creation_cohort``) and
``graph``; the keys and their
defaults are in ``DEFAULTS`` below. Values are checked for meaning as well as
type (``_BOUNDS`` and ``merge_config``): no negative number, ``alpha`` in (0, 1], shares at
most 1, time bins of some width; a value outside is refused with what is meant.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from vigie.detect.coortweet import DEFAULTS as COORTWEET_DEFAULTS
from vigie.duckmem import check_memory_limit
from vigie.errors import VigieError

# Co-action detectors share one engine (coaction.py); each has these keys.
_COACTION = {
    "enabled": True,
    "window_s": 60.0,  # two actions on the same object at most this far apart
    "min_observed": 3,  # a pair needs at least this many co-actions
    "max_object_actions": 2000,  # objects acted on more often are viral: no pairs drawn
    "include_reposts": False,  # count the objects carried by reposts too
    "include_authors": False,  # the author of a reposted post co-acts at posting time
    "include_quotes": False,  # a quote counts as a repost of the quoted post
    # slower time scales, run on rare objects only (sleepers days apart, rings that follow
    # with minutes-to-hours delays); [] = the detector's own window only
    "scales_s": [3600.0, 604800.0],
    "slow_max_object_actions": 100,  # at slow scales, objects with more actions draw no pairs
    "mid_max_object_actions": 100,  # the same at scales under a day
}

DEFAULTS: dict[str, dict[str, Any]] = {
    "general": {
        "alpha": 0.01,  # family-wise error rate of the chance control
        "correction": "bonferroni",  # or "bh" (Benjamini-Hochberg false discovery rate)
        "seed": 0,
        "threads": 0,  # 0 = all cores
        "memory_limit": "3GB",  # DuckDB's cap (it spills to disk beyond); NumPy needs the rest
        "null_stratum_s": 0.0,  # chance control per time stratum (86400 = per day; 0 = none)
        # weak ties (p at most weak_p, uncorrected) at a detector's own window are kept when
        # they knit accounts each tied so to weak_min_degree others (chance.weak_core); 0: off
        "weak_p": 0.0003,
        "weak_min_degree": 3,
        "weak_budget": 10.0,  # weak ties chance may give per signal: weak_p <= budget / pairs
        # copypasta's MinHash runs beside the other detectors (the second core) up to this
        # many posts; above it, after them (only its texts' normalisation beside them): its
        # signatures (256 bytes a distinct text) and their NumPy stages held at once made
        # 10M posts peak at 7.4 GiB
        "minhash_beside_max_posts": 2_000_000,
        # retweets known by their "RT @x: ..." text alone (textreposts.py): "auto" when no
        # post of the Dataset names the post it reposts (TAGS, NodeXL, CSV exports), true, false
        "text_reposts": "auto",
    },
    "co_link": dict(_COACTION),
    # no slow scales for reposts by default: fans of a small account repost its posts within
    # the hour as a matter of course (65 organic accounts grouped at 300k posts otherwise)
    "co_repost": dict(
        _COACTION,
        window_s=60.0,
        include_authors=True,
        include_quotes=True,
        scales_s=[],
        # retweet rings: distinct authors co-reposted within this window, tested against an
        # author-aware null (corepost.py); 0 = off
        ring_window_s=21600.0,
        ring_max_audience=250,  # authors reposted by more accounts take no part
        # the ring's weak ties that knit a core (chance.weak_core) kept too: rings at high
        # stealth all found, but open follow-back trains of real people grouped with them
        # (rated likely authentic only where their profiles say so): off by default
        ring_weak_core=False,
    ),
    "co_reply": dict(_COACTION, window_s=120.0),
    # hashtag hijacking: campaign posts join a trending tag minutes apart, push after push;
    # the one-hour scale keeps tags used up to mid_max_object_actions times (a trending
    # debate tag) and counts co-actions per post pair, like the fast scale
    "co_hashtag": dict(
        _COACTION, window_s=60.0, max_object_actions=2000, mid_max_object_actions=5000
    ),
    # mention floods (comention.py): waves of posts tagging the same accounts minutes apart.
    # Newsrooms and candidates are tagged all day long: as for a hijacked trending tag, the
    # hour scale looks at handles tagged up to mid_max_object_actions times, its chance
    # neighbours taken from the hour around each act. No week scale: friends tagging the
    # same small accounts over days are a clique, not a campaign
    "co_mention": dict(
        _COACTION,
        window_s=300.0,
        scales_s=[3600.0],
        mid_max_object_actions=5000,
        # on X, Mastodon... a reply's head names whom it answers (co-reply weighs that);
        # Bluesky, Reddit, Telegram and WhatsApp replies count anyway (comention.py)
        include_replies=False,
    ),
    "copypasta": dict(
        _COACTION,
        window_s=900.0,
        threshold=0.5,  # estimated Jaccard similarity of word 3-shingles
        num_perm=64,  # MinHash functions
        bands=16,  # LSH bands (num_perm must be a multiple)
        min_words=6,  # shorter texts carry too little to compare
        shingle=3,
        # texts linked through each other (a template's copies, each edited its own way)
        # are one message up to this many texts; larger chains fall back to one hop (0: always)
        chain_max_texts=2000,
    ),
    "sync_activity": dict(
        _COACTION,
        enabled=False,
        window_s=2.0,  # width of the time bins two accounts must post in together
        min_observed=8,
        max_object_actions=200,
        min_posts=10,  # accounts posting less are not compared
        scales_s=[],  # time bins are the objects: a slower scale would be another bin width
    ),
    "co_media": dict(
        _COACTION,
        max_hamming=8,  # pHash/dHash (64 bits): near-identical within this many bits
        max_hamming_pdq=31,  # PDQ (256 bits): the PDQ authors' match threshold
    ),
    "co_domain": dict(
        _COACTION,
        window_s=300.0,
        max_object_actions=10000,  # a look-alike family gathers many links
        mid_max_object_actions=10000,  # the hour scale too: clone sites rotate within days
        lookalikes=True,  # pool look-alike domains of one outlet (lookalike.py)
        min_label=5,  # labels shorter than this are never edited into a family
    ),
    "co_object": dict(
        _COACTION,
        enabled=False,
        column="",  # a column of posts.parquet (list or single value) to detect co-action on
        lowercase=False,
    ),
    # sleepers: the same rare objects (links, hashtags, images) touched by the same accounts
    # over the whole collection, days or weeks apart (corare.py)
    "co_rare": dict(
        _COACTION,
        window_s=60.0,  # unused: the window is the whole collection
        scales_s=[],
        max_object_actions=50,  # an object touched by more accounts is not rare
    ),
    # networks amplifying their own members: the same small accounts reposted by the same
    # accounts over the whole collection, whichever posts and whenever (coamplify.py)
    "co_amplify": dict(
        _COACTION,
        window_s=60.0,  # unused: the window is the whole collection
        scales_s=[],
        max_object_actions=250,  # an author reposted by more accounts is not rare
        # pairs drawn at most (memory): the bound above is lowered where the small
        # audiences of a large collection would draw more (coamplify.py)
        max_pair_draws=20_000_000,
    ),
    "paraphrase": dict(
        _COACTION,
        enabled=False,  # costly: embeds every distinct text (needs vigie[semantic])
        window_s=10800.0,
        threshold=0.55,  # cosine similarity of the multilingual sentence embeddings
        min_words=5,
        bands=64,  # sign-random-projection bands
        bits=0,  # hyperplanes per band (0 = from the number of texts: ~32 a bucket)
    ),
    "creation_burst": {
        "enabled": True,
        "window_s": 86400.0,  # creation bins
        "min_accounts": 5,  # a burst holds at least this many creations
        "baseline_bins": 30,  # bins each side that give the expected creation rate
        "weight": 0.5,  # supporting edge weight between already-linked members
    },
    # accounts created in one burst (creation_burst's bursts) that act on the same objects
    # far more than the others do (cohort.py): batches of sleepers acting once or twice each
    "creation_cohort": {
        "enabled": True,
        "min_accounts": 3,  # members of one cohort on an object, at least
        "min_enrichment": 10.0,  # ... and at least this many times what chance expects
        # the accounts whose first post came within this of their creation are one more
        # cohort (throwaways need not come in bursts); 0: bursts only
        "young_s": 2592000.0,
        # the detectors whose objects are read (co-rare's are co-link's, co-hashtag's and
        # co-media's again). Not tags and texts: newcomers greet in one voice
        # (#introduction, "hello everyone, my first post"), a sign-up wave would be one
        "kinds": [
            "co_link",
            "co_repost",
            "co_reply",
            "co_mention",
            "co_media",
            "co_domain",
            "co_amplify",
        ],
    },
    "graph": {
        "min_members": 3,
        "min_core": 2,  # every member tied to at least this many others (k-core)
        "attach_periphery": True,  # then accounts tied to a core community join it
        "lockstep": True,  # then accounts on a group's own rare objects join it (lockstep.py)
        "lockstep_max_accounts": 50,  # an object touched by more accounts is not rare
        "lockstep_min_objects": 3,  # at least this many of the group's objects, as for a pair
        # posts tagging at least this many handles lend their pairs of handles as objects
        # (mass tagging, "dozens" of newsrooms: comention.tagged_together); 0: none do
        "lockstep_min_tags": 8,
        "min_score": 0.0,
        "resolution": 1.0,  # Leiden RB-configuration resolution
        "technique_min_share": 0.1,  # a signal names techniques if it carries this share
        "top_objects": 5,  # evidence: objects per group and signal kind
        "example_posts": 5,  # evidence: posts per object
    },
    "coortweet": dict(COORTWEET_DEFAULTS),  # --method coortweet (see coortweet.py)
}

COACTION_KINDS = (
    "co_link",
    "co_repost",
    "co_reply",
    "co_hashtag",
    "co_mention",
    "copypasta",
    "sync_activity",
    "co_media",
    "co_domain",
    "co_object",
    "paraphrase",
    "co_rare",
    "co_amplify",
)

_CHOICES = {("general", "correction"): ("bonferroni", "bh")}
_AUTO_OR_BOOL = {("general", "text_reposts")}


def _check_value(section: str, key: str, value: Any, default: Any, source: str) -> Any:
    name = f"{section}.{key}"
    if key == "window_s" and value == "auto":
        return value
    if (section, key) in _AUTO_OR_BOOL:
        if value == "auto" or isinstance(value, bool):
            return value
        raise VigieError(f"{source}: key '{name}' must be \"auto\", true or false, not {value!r}")
    if (section, key) in _CHOICES and value not in _CHOICES[(section, key)]:
        allowed = ", ".join(_CHOICES[(section, key)])
        raise VigieError(f"{source}: key '{name}' must be one of {allowed}, not {value!r}")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise VigieError(f"{source}: key '{name}' must be true or false, not {value!r}")
        return value
    if isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise VigieError(f"{source}: key '{name}' must be a number, not {value!r}")
        if isinstance(value, float) and not abs(value) < float("inf"):  # nan, inf, -inf
            raise VigieError(f"{source}: key '{name}' must be a finite number, not {value!r}")
        if value < 0:
            raise VigieError(f"{source}: key '{name}' must not be negative ({value})")
        if isinstance(default, int) and not isinstance(value, int):
            raise VigieError(f"{source}: key '{name}' must be a whole number, not {value!r}")
        return type(default)(value) if not isinstance(default, int) else value
    if isinstance(default, list) and not key.endswith("_s"):
        if not isinstance(value, list):
            raise VigieError(f"{source}: key '{name}' must be a list, not {value!r}")
        return value
    if isinstance(default, list):
        ok = isinstance(value, list) and all(
            isinstance(x, int | float) and not isinstance(x, bool) and x > 0 for x in value
        )
        if not ok:
            raise VigieError(
                f"{source}: key '{name}' must be a list of positive numbers (seconds), "
                f"not {value!r}"
            )
        return [float(x) for x in value]
    if isinstance(default, str) and not isinstance(value, str):
        raise VigieError(f"{source}: key '{name}' must be text, not {value!r}")
    if name == "general.memory_limit":
        check_memory_limit(value, f"{source}: key '{name}'")
    return value


def merge_config(overrides: dict[str, Any] | None, source: str = "config") -> dict[str, Any]:
    """Defaults updated with ``overrides`` ({section: {key: value}}), every key checked."""
    cfg = copy.deepcopy(DEFAULTS)
    for section, values in (overrides or {}).items():
        if section not in cfg:
            known = ", ".join(cfg)
            raise VigieError(f"{source}: unknown section '{section}' (known: {known})")
        if not isinstance(values, dict):
            raise VigieError(f"{source}: '{section}' must be a table of settings")
        for key, value in values.items():
            if key not in cfg[section]:
                known = ", ".join(cfg[section])
                raise VigieError(f"{source}: unknown key '{section}.{key}' (known: {known})")
            cfg[section][key] = _check_value(section, key, value, DEFAULTS[section][key], source)
    cp = cfg["copypasta"]
    if cp["num_perm"] < 1 or cp["bands"] < 1 or cp["num_perm"] % cp["bands"]:
        raise VigieError(
            f"{source}: key 'copypasta.bands' must divide copypasta.num_perm "
            f"({cp['bands']} does not divide {cp['num_perm']})"
        )
    if not 0 < cp["threshold"] <= 1:
        raise VigieError(f"{source}: key 'copypasta.threshold' must be in (0, 1]")
    if not 0 < cfg["paraphrase"]["threshold"] <= 1:
        raise VigieError(f"{source}: key 'paraphrase.threshold' must be in (0, 1]")
    if cfg["paraphrase"]["bits"] > 62 or cfg["paraphrase"]["bands"] < 1:
        raise VigieError(f"{source}: keys 'paraphrase.bits' (0-62) and 'paraphrase.bands' (>= 1)")
    if cfg["co_media"]["max_hamming"] > 32 or cfg["co_media"]["max_hamming_pdq"] > 128:
        raise VigieError(
            f"{source}: keys 'co_media.max_hamming' (<= 32) and 'co_media.max_hamming_pdq' "
            "(<= 128): beyond that, unrelated images match"
        )
    if cfg["graph"]["min_members"] < 2:
        raise VigieError(f"{source}: key 'graph.min_members' must be at least 2")
    for (section, key), (ok, what) in _BOUNDS.items():
        if not ok(cfg[section][key]):
            raise VigieError(
                f"{source}: key '{section}.{key}' must be {what}, not {cfg[section][key]!r}"
            )
    return cfg


_BOUNDS: dict[tuple[str, str], tuple[Any, str]] = {
    # a test at level 0 keeps nothing; above 1 it is no error rate (every pair would pass)
    ("general", "alpha"): (lambda v: 0 < v <= 1, "a share in (0, 1], e.g. 0.01"),
    # DuckDB reserves a vector per thread: 2**62 of them aborted the process (no message)
    ("general", "threads"): (lambda v: 0 <= v <= 1024, "0 (every core) up to 1024"),
    ("general", "weak_p"): (lambda v: 0 <= v <= 1, "a p-value from 0 (off) to 1, e.g. 0.001"),
    ("graph", "technique_min_share"): (lambda v: v <= 1, "a share from 0 to 1"),
    ("copypasta", "shingle"): (lambda v: v >= 1, "at least 1 (words a shingle holds)"),
    # each function is a pass over every shingle and 4 bytes a text: a million asked 27 GiB
    # at 7,000 texts; past a thousand, the estimate of a text pair's likeness gains nothing
    ("copypasta", "num_perm"): (lambda v: v <= 1024, "at most 1024 (MinHash functions)"),
    # time bins of no width: every creation or post its own bin, no rate to compare
    ("creation_burst", "window_s"): (lambda v: v > 0, "a positive number of seconds"),
    ("sync_activity", "window_s"): (lambda v: v > 0, "a positive number of seconds"),
    ("creation_burst", "baseline_bins"): (lambda v: v >= 1, "at least 1"),
    ("creation_burst", "min_accounts"): (lambda v: v >= 2, "at least 2 (a burst of accounts)"),
    ("co_amplify", "max_pair_draws"): (lambda v: v >= 1, "at least 1 (pairs drawn)"),
    ("creation_cohort", "min_accounts"): (lambda v: v >= 2, "at least 2 (accounts of a cohort)"),
    ("creation_cohort", "min_enrichment"): (lambda v: v >= 1, "at least 1 (times chance)"),
    ("creation_cohort", "kinds"): (
        lambda v: all(isinstance(x, str) and x in COACTION_KINDS for x in v),
        'a list of co-action detectors, e.g. ["co_repost", "co_link"]',
    ),
}
"""Values a key's type admits but its meaning does not: refused with what is meant, where
they used to run to an empty or meaningless result (alpha 2, a share of 3, shingles of
no words)."""


def load_config(path: str | Path | None) -> dict[str, Any]:
    """Read a TOML file of overrides (``None`` = defaults only)."""
    if path is None:
        return merge_config(None)
    from vigie.docload import read_document  # on use: pydantic stays out of detect's start-up

    path = Path(path)
    data = read_document(path, what="config file", fmt="toml")
    return merge_config(data, source=str(path))
