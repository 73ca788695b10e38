"""The shared vocabulary that ties behaviours to DISARM techniques.

Why here: the generator labels each injected campaign with the techniques it enacts, the
detectors label each group with the techniques its *observed* behaviour matches, and EBIOS RM
operational scenarios reference the same ids. One table keeps the three consistent. A group's
techniques are derived from the signals that tie it, never from who we think is behind it.
"""

from __future__ import annotations

# Campaign types the generator injects -> techniques they enact.
CAMPAIGN_TECHNIQUES: dict[str, tuple[str, ...]] = {
    # co-reposts within seconds by automated accounts
    "bot_amplification": ("T0049.003", "T0049"),
    # the same text with small edits across sockpuppets
    "copypasta": ("T0084.001", "T0049.001"),
    # coordinated link sharing towards inauthentic news sites
    "coordinated_link_sharing": ("T0098.002", "T0119"),
    # many accounts pushing the same hashtag(s) in a short time
    "hashtag_flooding": ("T0049.002", "T0015"),
    # accounts created in a burst, dormant, then activated together
    "sleeper_burst": ("T0150.001", "T0150.002", "T0092"),
    # links to a leak archive pushed by a seeded network
    "hack_and_leak": ("T0089.001", "T0118"),
}

CAMPAIGN_TYPES: tuple[str, ...] = tuple(CAMPAIGN_TECHNIQUES)

# Detector signal kinds -> techniques the observed behaviour matches.
SIGNAL_TECHNIQUES: dict[str, tuple[str, ...]] = {
    "co_repost": ("T0049.003",),
    "co_reply": ("T0049.001",),
    "copypasta": ("T0084.001",),
    "co_link": ("T0119",),
    "co_hashtag": ("T0049.002",),
    # tagging the same newsrooms, fact-checkers or people in waves: baiting them into
    # relaying (Operation Overload) or harassing them
    "co_mention": ("T0039", "T0048"),
    "sync_activity": ("T0049",),
    "creation_burst": ("T0150.001",),
    "creation_cohort": ("T0150.001",),
    "co_media": ("T0084", "T0049"),
    "co_domain": ("T0119", "T0149.001"),
    "co_object": ("T0049",),
    "co_rare": ("T0049",),
    # a network reposting its own members' accounts (fox8, the NIS accounts)
    "co_amplify": ("T0049.003",),
    "paraphrase": ("T0084.002", "T0085.008"),
}

SIGNAL_KINDS: tuple[str, ...] = tuple(SIGNAL_TECHNIQUES)
