"""The DISARM red framework (tactics and techniques of disinformation), shipped as data.

Data: DISARM Foundation, CC BY-SA 4.0 (see ``data/LICENSE-DISARM.md``), 2025-02-10 release:
16 tactics, 103 techniques, 288 sub-techniques. French names come from VIGINUM's translation,
which covers DISARM v1.3 and is matched by identifier (and checked against the English name):
all 16 tactics, 89 of 103 techniques and 160 of 288 sub-techniques have a French name (249 of
391; the counts are also in the catalogue's ``french_coverage``). The others are techniques
added to DISARM after v1.3 (T0143-T0155, the T0097.1xx/2xx personas, …), one whose meaning
changed (T0097) and three VIGINUM left untranslated (T0049.005, T0084.003, T0084.004): their
``name_fr`` is None and ``label(…, "fr")`` falls back to the English name. Rebuild with
``scripts/build_disarm.py``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from vigie.errors import VigieError

ATTRIBUTION = (
    "DISARM Framework © DISARM Foundation, CC BY-SA 4.0 "
    "(https://www.disarm.foundation/); French labels: VIGINUM."
)


@dataclass(frozen=True)
class Technique:
    """A DISARM technique or sub-technique (e.g. T0049.003)."""

    id: str
    name: str
    name_fr: str | None
    description: str
    tactics: tuple[str, ...]
    parent: str | None
    stix_id: str
    url: str | None

    def label(self, lang: str = "en") -> str:
        return (self.name_fr or self.name) if lang == "fr" else self.name


@dataclass(frozen=True)
class Tactic:
    """A DISARM tactic (TA01 … TA18)."""

    id: str
    name: str
    name_fr: str | None
    shortname: str
    description: str

    def label(self, lang: str = "en") -> str:
        return (self.name_fr or self.name) if lang == "fr" else self.name


@lru_cache(maxsize=1)
def _raw() -> dict:
    text = resources.files("vigie.disarm").joinpath("data/disarm.json").read_text("utf-8")
    return json.loads(text)


def french_coverage() -> dict[str, tuple[int, int]]:
    """(with a French name, total) per kind, as recorded by the build script."""
    return {k: (v[0], v[1]) for k, v in _raw()["french_coverage"].items()}


@lru_cache(maxsize=1)
def techniques() -> dict[str, Technique]:
    """All techniques and sub-techniques, keyed by id."""
    out = {}
    for tid, t in _raw()["techniques"].items():
        out[tid] = Technique(
            id=tid,
            name=t["name"],
            name_fr=t.get("name_fr"),
            description=t.get("description", ""),
            tactics=tuple(t.get("tactics", [])),
            parent=t.get("parent"),
            stix_id=t["stix_id"],
            url=t.get("url"),
        )
    return out


@lru_cache(maxsize=1)
def tactics() -> dict[str, Tactic]:
    """The 16 tactics, keyed by id."""
    return {
        k: Tactic(
            id=k,
            name=t["name"],
            name_fr=t.get("name_fr"),
            shortname=t["shortname"],
            description=t.get("description", ""),
        )
        for k, t in _raw()["tactics"].items()
    }


def technique(tid: str) -> Technique:
    """Look up a technique id, with a clear error for an unknown one."""
    try:
        return techniques()[tid]
    except KeyError:
        raise VigieError(f"unknown DISARM technique id {tid!r}") from None


def is_technique(tid: str) -> bool:
    return tid in techniques()
