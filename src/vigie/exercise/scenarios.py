"""Named scenario presets for ``vigie generate``.

Why presets: an exercise is only comparable from one run to the next if "the French
presidential scenario" means the same period, language, campaigns and difficulty every time.
A preset fixes those; the command line only chooses the size, the seed and the stealth.

Campaign sizes are given at the preset's ``reference_posts`` and scale with the number of
posts asked (``size * (posts / reference_posts) ** 0.6``, at least ``MIN_MEMBERS``), so a
small run keeps campaigns detectable and a large run keeps them a small share of accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from vigie.errors import VigieError
from vigie.exercise.kinds import ALL_TYPES

MIN_MEMBERS = 12
SIZE_EXPONENT = 0.6


@dataclass(frozen=True)
class CampaignPreset:
    """One injected campaign: its behaviour, size and active window.

    ``start``/``end`` are fractions of the scenario's span (0 = first day, 1 = election
    day); ``target`` names who or what the campaign works for or against (for the record).
    """

    type: str
    n_accounts: int
    n_actions: int
    start: float = 0.2
    end: float = 1.0
    target: str = ""

    def __post_init__(self) -> None:
        if self.type not in ALL_TYPES:
            raise ValueError(f"unknown campaign type {self.type!r}")


@dataclass(frozen=True)
class Scenario:
    """A named exercise: period, language, organic life and injected campaigns."""

    name: str
    description: str
    lang: str
    start: datetime
    end: datetime
    utc_offset_h: float
    reference_posts: int
    default_posts: int
    stealth: float
    campaigns: tuple[CampaignPreset, ...]
    posts_per_account: float = 15.0
    # authentic coordinated groups added to organic life (vigie.exercise.organic_lit)
    organic_extras: tuple[str, ...] = ()

    @property
    def start_us(self) -> int:
        return int(self.start.timestamp() * 1_000_000)

    @property
    def end_us(self) -> int:
        return int(self.end.timestamp() * 1_000_000)

    def summary(self) -> str:
        kinds = sorted({c.type for c in self.campaigns})
        return (
            f"{self.description} ({self.lang}, {self.start:%Y-%m-%d} → {self.end:%Y-%m-%d}, "
            f"{len(self.campaigns)} campaigns: {', '.join(kinds)})"
        )


def _utc(y: int, m: int, d: int, h: int = 0) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


_FR_CAMPAIGNS = (
    CampaignPreset("bot_amplification", 286, 45, 0.15, 1.0, "pro-Lefèvre"),
    CampaignPreset("copypasta", 156, 35, 0.3, 1.0, "electoral fraud narrative"),
    CampaignPreset("coordinated_link_sharing", 208, 50, 0.1, 1.0, "inauthentic news sites"),
    CampaignPreset("hashtag_flooding", 300, 30, 0.25, 0.95, "against Claire Marchand"),
    CampaignPreset("sleeper_burst", 182, 36, 0.7, 1.0, "pro-Lefèvre, created in a burst"),
    CampaignPreset("hack_and_leak", 117, 30, 0.86, 1.0, "Dossiers Marchand leak"),
    CampaignPreset("bot_amplification", 78, 30, 0.4, 1.0, "pro-Roussel"),
    CampaignPreset("copypasta", 58, 20, 0.5, 1.0, "against Nadia Benali"),
)

_EN_CAMPAIGNS = (
    CampaignPreset("bot_amplification", 300, 45, 0.15, 1.0, "pro-Dalton"),
    CampaignPreset("copypasta", 169, 35, 0.3, 1.0, "rigged-election narrative"),
    CampaignPreset("coordinated_link_sharing", 234, 50, 0.1, 1.0, "inauthentic news sites"),
    CampaignPreset("hashtag_flooding", 300, 30, 0.25, 0.95, "against Ellen Hart"),
    CampaignPreset("sleeper_burst", 195, 36, 0.7, 1.0, "pro-Dalton, created in a burst"),
    CampaignPreset("hack_and_leak", 130, 30, 0.86, 1.0, "Hart Files leak"),
    CampaignPreset("coordinated_link_sharing", 65, 25, 0.5, 1.0, "foreign outlet network"),
)

_TINY_CAMPAIGNS = (
    CampaignPreset("bot_amplification", 24, 18, 0.1, 1.0, "pro-Lefèvre"),
    CampaignPreset("copypasta", 18, 15, 0.2, 1.0, "electoral fraud narrative"),
    CampaignPreset("coordinated_link_sharing", 20, 18, 0.1, 1.0, "inauthentic news sites"),
    CampaignPreset("hashtag_flooding", 22, 15, 0.2, 1.0, "against Claire Marchand"),
    CampaignPreset("sleeper_burst", 16, 15, 0.5, 1.0, "created in a burst"),
    CampaignPreset("hack_and_leak", 16, 12, 0.6, 1.0, "Dossiers Marchand leak"),
)

# Kinds written from published descriptions of real operations (vigie.exercise.literature);
# sizes at 200k posts. Targets name the candidate the replies, claims and hijacks go after.
_LIT_FR = (
    CampaignPreset("retweet_ring", 60, 40, 0.05, 1.0, "pro-Lefèvre"),
    CampaignPreset("template_astroturf", 50, 30, 0.1, 1.0, "electoral fraud narrative"),
    CampaignPreset("doppelganger", 80, 40, 0.05, 1.0, "cloned outlets against Marchand"),
    CampaignPreset("reply_brigade", 40, 25, 0.2, 1.0, "against Claire Marchand"),
    CampaignPreset("hashtag_hijack", 60, 30, 0.1, 1.0, "debate tags, against Marchand"),
    CampaignPreset("slow_sleepers", 16, 30, 0.0, 1.0, "obscure-site narratives"),
    CampaignPreset("paraphrase_claims", 45, 24, 0.1, 1.0, "against Claire Marchand"),
)

_LIT_EN = (
    CampaignPreset("retweet_ring", 60, 40, 0.05, 1.0, "pro-Dalton"),
    CampaignPreset("template_astroturf", 50, 30, 0.1, 1.0, "rigged-election narrative"),
    CampaignPreset("doppelganger", 80, 40, 0.05, 1.0, "cloned outlets against Hart"),
    CampaignPreset("reply_brigade", 40, 25, 0.2, 1.0, "against Ellen Hart"),
    CampaignPreset("hashtag_hijack", 60, 30, 0.1, 1.0, "debate tags, against Hart"),
    CampaignPreset("slow_sleepers", 16, 30, 0.0, 1.0, "obscure-site narratives"),
    CampaignPreset("paraphrase_claims", 45, 24, 0.1, 1.0, "against Ellen Hart"),
)

_LIT_EXTRAS = ("news_feeds", "fandoms", "follow_trains", "party_networks")

# Operation Overload-style mention bombing beside three literature kinds; the press corps
# (fact-checkers, journalists and the readers who tag them) is added to the organic extras
# for the mention-bombing campaign (vigie.exercise.organic_lit.extras_for).
_OVERLOAD_FR = (
    CampaignPreset("mention_bombing", 60, 30, 0.05, 1.0, "newsrooms and fact-checkers"),
    CampaignPreset("doppelganger", 80, 40, 0.05, 1.0, "cloned outlets against Marchand"),
    CampaignPreset("retweet_ring", 60, 40, 0.05, 1.0, "pro-Lefèvre"),
    CampaignPreset("reply_brigade", 40, 25, 0.2, 1.0, "against Claire Marchand"),
)

_LITERATURE_FR = Scenario(
    name="literature-fr",
    description="French election, four weeks; campaigns modelled on published "
    "operations (retweet rings, astroturf templates, Doppelganger clones, reply "
    "brigades, hashtag hijacking, slow sleepers, fr/en/de paraphrases) among "
    "authentic coordination (newsroom feeds, fandoms, follow trains, party networks)",
    lang="fr",
    start=_utc(2027, 3, 13),
    end=_utc(2027, 4, 10, 20),
    utc_offset_h=2.0,
    reference_posts=200_000,
    default_posts=200_000,
    stealth=0.5,
    campaigns=_LIT_FR,
    organic_extras=_LIT_EXTRAS,
)

SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            name="fr-presidential",
            description="French presidential election, four weeks to the first round",
            lang="fr",
            start=_utc(2027, 3, 13),
            end=_utc(2027, 4, 10, 20),  # polls close at 20:00 Paris time
            utc_offset_h=2.0,
            reference_posts=1_000_000,
            default_posts=300_000,
            stealth=0.3,
            campaigns=_FR_CAMPAIGNS,
        ),
        Scenario(
            name="en-presidential",
            description="US-style presidential election, four weeks to election day",
            lang="en",
            start=_utc(2028, 10, 10),
            end=_utc(2028, 11, 8, 4),  # polls close on the west coast
            utc_offset_h=-5.0,
            reference_posts=1_000_000,
            default_posts=300_000,
            stealth=0.3,
            campaigns=_EN_CAMPAIGNS,
        ),
        Scenario(
            name="tiny",
            description="Small French scenario for tests and quick demos: one campaign of "
            "each type over one week",
            lang="fr",
            start=_utc(2027, 4, 3),
            end=_utc(2027, 4, 10, 20),
            utc_offset_h=2.0,
            reference_posts=20_000,
            default_posts=20_000,
            stealth=0.3,
            campaigns=_TINY_CAMPAIGNS,
        ),
        _LITERATURE_FR,
        Scenario(
            name="literature-en",
            description="US-style election, four weeks; the literature campaign kinds of "
            "literature-fr among the same kinds of authentic coordination",
            lang="en",
            start=_utc(2028, 10, 10),
            end=_utc(2028, 11, 8, 4),
            utc_offset_h=-5.0,
            reference_posts=200_000,
            default_posts=200_000,
            stealth=0.5,
            campaigns=_LIT_EN,
            organic_extras=_LIT_EXTRAS,
        ),
        # literature-fr's election, dates and authentic groups, other campaigns
        replace(
            _LITERATURE_FR,
            name="overload-fr",
            description="French election, four weeks; Operation Overload-style mention "
            "bombing (waves of posts tagging newsrooms, fact-checkers and journalists to "
            "verify fabricated content) beside Doppelganger clones, a retweet ring and a reply "
            "brigade, among authentic coordination and ordinary readers tagging the same press",
            campaigns=_OVERLOAD_FR,
        ),
    )
}


def list_scenarios() -> list[str]:
    """Names of the shipped presets, sorted."""
    return sorted(SCENARIOS)


def get_scenario(name: str) -> Scenario:
    """The preset called ``name``, or a VigieError that lists the valid names."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise VigieError(
            f"unknown scenario {name!r}; choose one of: {', '.join(list_scenarios())}"
        ) from None


def campaign_size(preset: CampaignPreset, scenario: Scenario, n_posts: int, scale: float) -> int:
    """Members of ``preset`` for a run of ``n_posts`` posts and a ``--campaign-scale``."""
    factor = (n_posts / scenario.reference_posts) ** SIZE_EXPONENT
    return max(MIN_MEMBERS, round(preset.n_accounts * factor * scale))
