"""The word meant, for a refusal of one that is not among the choices.

Why one rule: ``--format csvv``, ``--status confirm`` and ``vigie risk new campagne`` are the
same mistake (a typo, a word cut short, what people call the thing that vigie names
otherwise), and each refusal wrote its own guess. A suggestion is never taken for the user:
a format read wrong or a decision recorded wrong costs more than typing it again.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence


def fold(word: str) -> str:
    """``Needs_Review`` / ``needs review`` / ``plateforme`` -> ``needs-review`` /
    ``plateforme``: lower case, accents removed, spaces and ``_`` made ``-``."""
    key = unicodedata.normalize("NFKD", word.strip().lower())
    key = "".join(c for c in key if not unicodedata.combining(c))
    return "-".join(key.replace("_", " ").split())


def nearest(
    word: str,
    choices: Iterable[str],
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    n: int = 1,
) -> list[str]:
    """The choices ``word`` most likely means, at most ``n``: those ``aliases`` give for it
    (``twitter`` -> ``x``), else those it starts (``confirm`` -> ``confirmed``; not when
    it starts more than ``n``), else those spelt close to it (``fandum`` -> ``fandom``)."""
    key = fold(word)
    if aliases and key in aliases:
        return list(aliases[key])
    words = list(choices)
    starts = [c for c in words if key and c.startswith(key)]
    if 1 <= len(starts) <= n:
        return starts
    return difflib.get_close_matches(key, words, n=n, cutoff=0.6)


def meant(
    word: str,
    choices: Iterable[str],
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    n: int = 1,
) -> str:
    """`` (did you mean X?)``, to end a refusal's sentence, or empty."""
    hint = did_you_mean(word, choices, aliases=aliases, n=n)
    return f" ({hint})" if hint else ""


def did_you_mean(
    word: str,
    choices: Iterable[str],
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    n: int = 1,
) -> str:
    """``did you mean X?`` (``X or Y``), or empty when nothing is near."""
    near = nearest(word, choices, aliases=aliases, n=n)
    return f"did you mean {' or '.join(near)}?" if near else ""
