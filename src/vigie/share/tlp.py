"""The Traffic Light Protocol, version 2.0 (FIRST), as vigie's one sharing scale.

Why a module of its own: every object vigie can share carries exactly one TLP 2.0 marking,
and three outputs spell it differently (STIX marking-definition ids, MISP ``tlp:`` tags, the
human ``TLP:AMBER+STRICT`` label). Spelling it once here keeps them in step, and makes
"more restrictive than" a plain ``<`` comparison.

Public API (stable; the TAXII/audit half of ``vigie.share`` imports it):

- ``TLP`` — an ``IntEnum`` ordered from least to most restrictive:
  ``CLEAR < GREEN < AMBER < AMBER_STRICT < RED``. Attributes of each level:
  ``.label`` (``"TLP:AMBER+STRICT"``), ``.key`` (``"amber+strict"``, the STIX ``tlp_2_0``
  value), ``.misp_tag`` (``"tlp:amber+strict"``), ``.stix_id`` (the official OASIS
  marking-definition id), ``.definition`` (who may receive it, after FIRST).
- ``TLP.parse(text)`` — accepts ``amber+strict``, ``TLP:AMBER+STRICT``, ``AMBER_STRICT``,
  ``amber-strict`` …, and the TLP 1.0 ``WHITE`` (mapped to ``CLEAR``); raises ``VigieError``.
- ``TLP.from_stix_id(marking_id)`` — TLP 2.0 *and* TLP 1.0 marking-definition ids (partners
  may still send TLP 1.0 bundles; 1.0 AMBER maps to 2.0 AMBER, WHITE to CLEAR); ``None`` for
  a marking that is not TLP.
- ``strictest(levels)`` — the most restrictive of several markings (an object marked twice
  is handled by its strictest marking), ``None`` when there is none.
- ``marking_definition(tlp)`` — the marking-definition as a plain dict, exactly as OASIS
  publishes it (id, ``created`` 2022-10-01, name, the TLP 2.0 property-extension).
- ``TLP2_EXTENSION_ID`` — the OASIS extension-definition id for TLP 2.0.

Source of the ids: the STIX 2.1 TLP 2.0 extension in
``oasis-open/cti-stix-common-objects`` (``extension-definition-specifications/tlp-2.0``).
The definitions paraphrase FIRST's TLP 2.0 standard (https://www.first.org/tlp/).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from vigie.errors import VigieError

TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
"""The OASIS extension-definition that TLP 2.0 marking-definitions declare."""

TLP2_CREATED = "2022-10-01T00:00:00.000Z"
"""The ``created`` timestamp of the official TLP 2.0 marking-definitions (part of the object)."""

_STIX_IDS: dict[str, str] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

# TLP 1.0 ids predefined by STIX 2.1 (section 7.2.1.4); read on import only, never written.
_STIX1_IDS: dict[str, str] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",  # TLP:WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}

_DEFINITIONS: dict[str, str] = {
    "clear": "Disclosure is not limited: recipients may spread it to the world "
    "(standard copyright rules still apply).",
    "green": "Limited disclosure, restricted to the community: recipients may share it with "
    "peers and partner organisations in their community, not via public channels.",
    "amber": "Limited disclosure, restricted to participants' organisations and their "
    "clients, on a need-to-know basis only.",
    "amber+strict": "Limited disclosure, restricted to the participants' organisation only, "
    "on a need-to-know basis; not to its clients.",
    "red": "For the eyes and ears of individual recipients only, no further disclosure.",
}


class TLP(IntEnum):
    """A TLP 2.0 level; a larger value is more restrictive."""

    CLEAR = 0
    GREEN = 1
    AMBER = 2
    AMBER_STRICT = 3
    RED = 4

    @property
    def key(self) -> str:
        """The lower-case TLP 2.0 name (``amber+strict``), as in STIX ``tlp_2_0``."""
        return self.name.lower().replace("_", "+")

    @property
    def label(self) -> str:
        """The label FIRST prescribes on documents: ``TLP:AMBER+STRICT``."""
        return "TLP:" + self.key.upper()

    @property
    def misp_tag(self) -> str:
        """The MISP taxonomy tag: ``tlp:amber+strict``."""
        return "tlp:" + self.key

    @property
    def stix_id(self) -> str:
        """The official OASIS marking-definition id of this level."""
        return _STIX_IDS[self.key]

    @property
    def definition(self) -> str:
        """Who may receive information at this level (after FIRST's TLP 2.0)."""
        return _DEFINITIONS[self.key]

    def __str__(self) -> str:
        return self.label

    def __bool__(self) -> bool:
        # An IntEnum member of value 0 would be falsy; ``if level:`` must not treat CLEAR as
        # "no marking".
        return True

    @classmethod
    def parse(cls, text: str | TLP) -> TLP:
        """Read a TLP level written any usual way; ``WHITE`` (TLP 1.0) reads as ``CLEAR``."""
        if isinstance(text, TLP):
            return text
        raw = str(text).strip()
        norm = raw.lower().removeprefix("tlp:").removeprefix("tlp ").strip()
        norm = norm.replace("_", "+").replace("-", "+").replace(" ", "+")
        if norm == "white":
            norm = "clear"
        for level in cls:
            if level.key == norm:
                return level
        choices = ", ".join(level.key.upper() for level in cls)
        raise VigieError(f"{raw!r} is not a TLP 2.0 level (expected one of {choices})")

    @classmethod
    def from_stix_id(cls, marking_id: str) -> TLP | None:
        """The level of a TLP 2.0 or 1.0 marking-definition id, ``None`` if not TLP."""
        for key, sid in _STIX_IDS.items():
            if sid == marking_id:
                return cls.parse(key)
        key = _STIX1_IDS.get(marking_id)
        return cls.parse(key) if key else None

    @classmethod
    def from_misp_tag(cls, tag: str) -> TLP | None:
        """The level of a MISP ``tlp:`` tag (``tlp:white`` reads as CLEAR), else ``None``."""
        if not tag.lower().startswith("tlp:"):
            return None
        try:
            return cls.parse(tag)
        except VigieError:
            return None


def strictest(levels: Iterable[TLP | None]) -> TLP | None:
    """The most restrictive of ``levels`` (ignoring ``None``), or ``None`` if there is none."""
    present = [lv for lv in levels if lv is not None]
    return max(present) if present else None


def marking_definition(tlp: TLP) -> dict[str, Any]:
    """The STIX 2.1 marking-definition of ``tlp``, exactly as OASIS publishes it."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": tlp.stix_id,
        "created": TLP2_CREATED,
        "name": tlp.label,
        "extensions": {
            TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": tlp.key}
        },
    }
