"""The campaign kinds written from published descriptions of real operations, and the roles
of organic accounts that coordinate openly.

Why a table of its own (beside ``vigie.disarm.behaviours.CAMPAIGN_TECHNIQUES``): the original
six kinds and the presets built on them stay exactly as they were (same bytes for the same
seed), while the literature kinds below are used by the ``literature-*`` and ``overload-fr``
presets only. Each kind lists the DISARM techniques it enacts; ``vigie.exercise.literature``
cites, per kind, the report or paper it is modelled on.
"""

from __future__ import annotations

from vigie.disarm.behaviours import CAMPAIGN_TECHNIQUES
from vigie.errors import VigieError

LITERATURE_TECHNIQUES: dict[str, tuple[str, ...]] = {
    # a ring of accounts reposting each other's posts, minutes to hours later, each member
    # joining part of the pushes (Keller et al. 2020, NIS retweeting group)
    "retweet_ring": ("T0049.003", "T0049"),
    # volunteers posting their own lightly edited copy of a shared template over hours
    "template_astroturf": ("T0049.001", "T0084.002"),
    # articles on look-alike domains of real outlets, laundered through shorteners and images,
    # amplified by fresh accounts (EU DisinfoLab 2022, VIGINUM 2023: Doppelganger / RRN)
    "doppelganger": ("T0149.003", "T0149.004", "T0097.202", "T0150.001"),
    # many hostile replies under a candidate's post within tens of minutes, written by a
    # language model (OpenAI 2024, Bad Grammar), whose slips some posts carry
    "reply_brigade": ("T0049.005", "T0049.001", "T0085.001"),
    # campaign messages pushed into a trending debate hashtag
    "hashtag_hijack": ("T0049.002",),
    # aged, quiet accounts touching the same rare objects days apart, over weeks
    "slow_sleepers": ("T0049", "T0118"),
    # one claim, reworded or translated (fr/en/de) by separate accounts within hours, by a
    # language model (OpenAI 2024, Doppelganger's comments), whose slips some posts carry
    "paraphrase_claims": ("T0085.008", "T0084.003", "T0085.001"),
    # waves of original posts tagging several newsrooms, fact-checkers and journalists at once
    # to make them verify fabricated content (CheckFirst & Reset.Tech 2024: Operation Overload)
    "mention_bombing": ("T0039", "T0049"),
}

LITERATURE_TYPES: tuple[str, ...] = tuple(LITERATURE_TECHNIQUES)

ALL_TECHNIQUES: dict[str, tuple[str, ...]] = {**CAMPAIGN_TECHNIQUES, **LITERATURE_TECHNIQUES}
ALL_TYPES: tuple[str, ...] = tuple(ALL_TECHNIQUES)

# Organic accounts that coordinate openly and authentically. Their campaign_id stays null in
# truth.parquet; their role says which kind of authentic coordination they take part in.
AUTHENTIC_ROLES: frozenset[str] = frozenset(
    {"activist", "news_outlet", "news_feed", "fan", "follow_train", "party_account"}
)

# Named stealth levels (the numeric knob 0..1 is still accepted everywhere).
STEALTH_LEVELS: dict[str, float] = {"low": 0.2, "medium": 0.5, "high": 0.8}


def parse_stealth(value: str | float | None) -> float | None:
    """``low``/``medium``/``high`` or a number in [0, 1]; None stays None (preset default)."""
    if value is None or isinstance(value, float | int):
        return None if value is None else float(value)
    key = value.strip().lower()
    if key in STEALTH_LEVELS:
        return STEALTH_LEVELS[key]
    try:
        return float(key)
    except ValueError:
        levels = ", ".join(STEALTH_LEVELS)
        raise VigieError(
            f"--stealth must be {levels} or a number between 0 and 1 (got {value!r})"
        ) from None
