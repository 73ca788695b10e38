"""Registered domains, URL shorteners and look-alike domain families.

Why: influence operations launder links through domains that impersonate real outlets
(the "Doppelganger" operation used ``spiegel.ltd``, ``bild.work``, ``lemonde.ltd``,
``washingtonpost.pm``: the outlet's name on another TLD, or with a letter changed), rotating
to a fresh domain as each is blocked. Each fake domain is short-lived, so accounts rarely
share the same domain twice, but they keep sharing *look-alikes of the same outlet*.
This module groups domains into families: the same second-level label on another public
suffix, or a label one edit away (insertion, deletion, substitution, two adjacent letters
swapped) after folding common homoglyphs (``0``→``o``, ``1``→``l``, ``rn``→``m``,
``vv``→``w``, hyphens dropped; letters of other scripts drawn like Latin ones, in Unicode or
punycode: ``lеmоnde.fr``, ``xn--lmnde-...``). Edits are only allowed on labels of at least
``min_label`` characters: ``bbc`` and ``abc`` are different outlets. A third rule catches
the outlet's name used as a **brand token** beside a filler word (``lemonde-info.com``,
``spiegel-news.net``, ``news-welt24.de``... reported among Doppelganger and RRN clones): a
hyphenated label whose longest part has at least ``min_label`` characters, and is strictly
the longest, joins the family of a domain whose whole label is that part. Only one part
may link, so ``politik-magazin.de`` cannot chain the ``politik`` and ``magazin`` families,
and a label already matching another domain once its hyphens are dropped (``le-monde.fr``)
is not linked by its parts (``monde.fr`` is another outlet).

A family's **anchor** is its most-shared domain (by accounts): usually the real outlet. The
anchor stays its own object; every other member becomes the object "look-alike of the
anchor", so organic sharing of ``spiegel.de`` never pools with the impostors, while accounts
rotating through ``spiegel.ltd``, ``spiegel.work`` and ``spiegeI.de`` act on one object.
Registered domains come from ``ural`` (Public Suffix List); shorteners from ural's list.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict

import numpy as np

from vigie.detect.confusables import fold as fold_confusables
from vigie.detect.nearhash import components

_ALL_PAIRS_MAX = 64  # larger deletion buckets (generic labels) are linked as a star only
_FOLD = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("3", "e"), ("5", "s"), ("-", ""))


def registered_domain(host: str) -> str | None:
    """The registered domain (eTLD+1) of a host name, or ``None`` when there is none."""
    from ural import get_domain_name  # imported on use: it costs ~0.4 s at start-up

    try:
        dom = get_domain_name("http://" + host + "/")
    except Exception:  # ural raises on malformed hosts; such a URL has no domain object
        return None
    return dom.lower() if dom else None


def is_shortener(host: str) -> bool:
    """Whether ``host`` is a known URL shortener (its links hide their destination)."""
    from ural import is_shortened_url

    try:
        return bool(is_shortened_url("http://" + host + "/x"))
    except Exception:
        return False


def label(domain: str) -> str:
    """The second-level label of a registered domain (``spiegel`` for ``spiegel.co.uk``)."""
    from ural import split_suffix

    parts = split_suffix(domain)
    head = parts[0] if parts and parts[0] else domain.split(".")[0]
    return head.rsplit(".", 1)[-1]


def fold(text: str) -> str:
    """The label with common homoglyph substitutions undone: a punycode label decoded
    (``xn--lemnde-yqf``), look-alike letters of other scripts read as the Latin letters they
    are drawn like (``lеmоnde`` with a Cyrillic ``е`` and ``о``: the IDN homograph attack,
    ``confusables``), then the ASCII tricks (``0``, ``rn``...)."""
    out = text.lower()
    if out.startswith("xn--"):
        with contextlib.suppress(UnicodeError):  # not valid punycode: compared as written
            out = out.encode("ascii").decode("idna")
    out = fold_confusables(out)
    for a, b in _FOLD:
        out = out.replace(a, b)
    return out


def _osa(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent swaps), capped."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if (
                prev2 is not None
                and i > 1
                and j > 1
                and a[i - 1] == b[j - 2]
                and a[i - 2] == b[j - 1]
            ):
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def brand_token(domain: str, min_label: int) -> str | None:
    """The folded brand part of a hyphenated label (``lemonde`` for ``lemonde-info.com``):
    its strictly longest part, when it has at least ``min_label`` characters; else None."""
    parts = [fold(x) for x in label(domain).split("-") if x]
    if len(parts) < 2:
        return None
    parts.sort(key=len, reverse=True)
    if len(parts[0]) < min_label or len(parts[0]) == len(parts[1]):
        return None
    return parts[0]


def families(domains: list[str], min_label: int) -> np.ndarray:
    """Family label per domain (index of the family's first domain): same folded label,
    labels one edit apart when both have at least ``min_label`` characters, or a hyphenated
    label whose brand part (``brand_token``) is another domain's whole label.

    Candidates come from a deletion index (each label and its one-letter deletions), so the
    work grows with the number of domains, not its square; every candidate is checked.
    """
    n = len(domains)
    folded = [fold(label(d)) for d in domains]
    keys: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(folded):
        if not f:
            continue
        keys["=" + f].append(i)
        if len(f) >= min_label:
            keys["~" + f].append(i)
            for k in range(len(f)):
                keys["~" + f[:k] + f[k + 1 :]].append(i)
    a: list[int] = []
    b: list[int] = []
    for i, d in enumerate(domains):
        tok = brand_token(d, min_label)
        whole = keys.get("=" + tok) if tok else None
        # a split outlet name (``le-monde.fr``, ``washington-post.com``) is already linked
        # by its folded label: its parts must not pull in ``monde.fr`` or ``washington.edu``
        if whole and len(keys["=" + folded[i]]) < 2:
            a.append(i)
            b.append(whole[0])
    for key, members in keys.items():
        if len(members) < 2:
            continue
        first = members[0]
        exact = key.startswith("=")
        for other in members[1:]:
            if other == first:
                continue
            if exact or _osa(folded[first], folded[other], 1) <= 1:
                a.append(first)
                b.append(other)
        if not exact and 2 < len(members) <= _ALL_PAIRS_MAX:
            # the star from ``first`` misses pairs whose distance to ``first`` is 2 but 1
            # to each other: check them too (buckets are small: labels one deletion apart)
            for i in range(1, len(members)):
                for j in range(i + 1, len(members)):
                    x, y = members[i], members[j]
                    if x != y and _osa(folded[x], folded[y], 1) <= 1:
                        a.append(x)
                        b.append(y)
    return components(n, np.array(a, dtype=np.int64), np.array(b, dtype=np.int64))


def family_objects(domains: list[str], accounts: list[int], min_label: int) -> list[str]:
    """The object each domain stands for: itself, or ``lookalike:<anchor>`` for a member of
    a family that is not its anchor (the family's most-shared domain, ties by name)."""
    fam = families(domains, min_label)
    anchor: dict[int, int] = {}
    for i in range(len(domains)):
        f = int(fam[i])
        j = anchor.get(f)
        if j is None or (accounts[i], domains[j]) > (accounts[j], domains[i]):
            anchor[f] = i
    out = []
    for i, d in enumerate(domains):
        j = anchor[int(fam[i])]
        out.append(d if j == i else f"lookalike:{domains[j]}")
    return out
