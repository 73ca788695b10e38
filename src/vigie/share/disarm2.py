"""DISARM 2.0 observation ids, emitted beside the DISARM 1.x technique ids.

Why both: allies still file incidents against DISARM 1.x techniques (MISP's galaxy, the
DISARM STIX bundle), while the DISARM Foundation's 2.0 Observations framework (beta) lets an
analyst codify *what was observed* (assets, behaviours, content) rather than a kill-chain
technique. A coordinated group found by vigie is exactly an observation of that kind, so each
export names both.

The ids are the official list (``data/disarm2_observations.csv``, CC BY-SA 4.0, see
``data/DISARM2-SOURCE.md``). No official 1.x → 2.0 mapping exists, so the mapping below is
vigie's own, from the *signal* that tied a group (what was measured) to the 2.0 observations
that describe it, never via the 1.x ids (2.0 is not a re-numbering of 1.x). It is
deliberately narrow: an observation is listed only when the signal itself establishes it.

- Every co-action signal ties user accounts (``T2001.001`` Account Asset), several of them
  (``T2006`` Multiple Assets), each pair at least ``min_observed`` times (``T3800`` Repeated
  Action); then the action itself: a repost (``T2202.001``), a comment (``T2201.005``), a
  publication (``T2201.001``: the same text, paraphrases, posts in the same seconds), a link
  (``T4602``: URLs and domains, ``T2004.001`` Website Asset for shared domains), a hashtag
  (``T4008.002``), the same image (``T4002.003`` Image Content).
- ``creation_burst`` establishes bulk creation (``T2026.006`` Bulk Created Asset), not a
  repeated action.
- Not claimed: automation (``T2045``), look-alike domains or ids (``T2021.*``), newly created
  assets (``T2026.001``: "created as part of the incident" is a judgement on intent) and any
  content or narrative observation: the detectors do not measure them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SOURCE_NAME = "DISARM 2.0 Observations"
"""``source_name`` of the STIX external references (beside ``DISARM`` for 1.x)."""

PAGE_URL = (
    "https://github.com/DISARMFoundation/DISARMframeworks-20-observable/blob/main/"
    "generated_pages/techniques/{id}.md"
)
MISP_NAMESPACE = "disarm-2.0"
"""MISP machine-tag namespace: ``disarm-2.0:observation="T2202.001 Repost"``."""

_ACCOUNTS_REPEATED = ("T2001.001", "T2006", "T3800")

SIGNAL_OBSERVATIONS: dict[str, tuple[str, ...]] = {
    "co_repost": (*_ACCOUNTS_REPEATED, "T2202.001"),
    "co_reply": (*_ACCOUNTS_REPEATED, "T2201.005"),
    "copypasta": (*_ACCOUNTS_REPEATED, "T2201.001"),
    "paraphrase": (*_ACCOUNTS_REPEATED, "T2201.001"),
    "sync_activity": (*_ACCOUNTS_REPEATED, "T2201.001"),
    "co_link": (*_ACCOUNTS_REPEATED, "T4602"),
    "co_domain": (*_ACCOUNTS_REPEATED, "T4602", "T2004.001"),
    "co_hashtag": (*_ACCOUNTS_REPEATED, "T4008.002"),
    "co_mention": (*_ACCOUNTS_REPEATED, "T4008"),
    "co_media": (*_ACCOUNTS_REPEATED, "T4002.003"),
    "co_object": _ACCOUNTS_REPEATED,
    "co_rare": _ACCOUNTS_REPEATED,
    "co_amplify": (*_ACCOUNTS_REPEATED, "T2202.001"),
    "creation_burst": ("T2001.001", "T2006", "T2026.006"),
    "creation_cohort": ("T2001.001", "T2006", "T2026.006"),
}
"""vigie's mapping: detector signal kind → the 2.0 observations it establishes."""


@dataclass(frozen=True)
class Observation:
    """One DISARM 2.0 observation (``category``/``group`` are 1.x's tactic/phase)."""

    id: str
    name: str
    summary: str
    category_id: str
    category: str
    group_id: str
    group: str

    @property
    def url(self) -> str:
        return PAGE_URL.format(id=self.id)


@cache
def observations() -> dict[str, Observation]:
    """The official 2.0 observations by id (read once from the package data)."""
    path = resources.files("vigie.share").joinpath("data/disarm2_observations.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            row["disarm_id"]: Observation(
                id=row["disarm_id"],
                name=row["name"],
                summary=row["summary"],
                category_id=row["category_id"],
                category=row["category"],
                group_id=row["group_id"],
                group=row["group"],
            )
            for row in csv.DictReader(fh)
        }


def _key(oid: str) -> list[int]:
    return [int(part) for part in oid[1:].split(".")]


def group_observations(signals: list[str]) -> list[Observation]:
    """The 2.0 observations a group's signals establish, in id order (unknown signal kinds
    establish nothing)."""
    known = observations()
    ids = {oid for kind in signals for oid in SIGNAL_OBSERVATIONS.get(kind, ())}
    return [known[oid] for oid in sorted(ids, key=_key)]


def external_reference(obs: Observation) -> dict[str, Any]:
    """The STIX external reference naming ``obs`` (as ``DISARM`` names a 1.x technique)."""
    return {
        "source_name": SOURCE_NAME,
        "external_id": obs.id,
        "description": obs.name,
        "url": obs.url,
    }


def misp_tag(obs: Observation) -> str:
    """The MISP tag naming ``obs`` (no MISP galaxy covers DISARM 2.0 yet)."""
    return f'{MISP_NAMESPACE}:observation="{obs.id} {obs.name}"'
