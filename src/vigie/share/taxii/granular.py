"""Granular TLP markings: parts of an object marked stricter than the object itself.

Why: STIX 2.1 lets a producer mark one property (``granular_markings`` with ``selectors``),
e.g. a TLP:GREEN report whose ``description`` is TLP:RED. Filtering objects by their
object-level marking alone would hand that RED text to every GREEN reader. So before an object
is served, every part under a marking the reader may not receive is removed; when the object
cannot stand without it (a required property such as ``name`` or ``pattern``), the whole
object is withheld.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from vigie.share.tlp import TLP

_NEVER_REMOVED = {"id", "type", "spec_version", "created", "modified", "granular_markings"}


def _top(selector: str) -> str:
    return selector.split(".", 1)[0].split("[", 1)[0]


def withhold_granular(obj: dict[str, Any], allowed: Callable[[TLP], bool]) -> dict[str, Any] | None:
    """``obj`` without the properties under a granular TLP marking ``allowed`` refuses.

    A selector reaching inside a property (``external_references.[0].url``) removes the whole
    top-level property: withholding more than asked never leaks. Returns ``None`` when a
    removed property is one STIX requires for the type (checked with ``stix2``).
    """
    marks = obj.get("granular_markings")
    if not isinstance(marks, list) or not marks:
        return obj
    drop: set[str] = set()
    for gm in marks:
        if not isinstance(gm, dict):
            return None  # malformed: refuse rather than guess
        tlp = TLP.from_stix_id(str(gm.get("marking_ref", "")))
        if tlp is None or allowed(tlp):
            continue
        for sel in gm.get("selectors") or []:
            top = _top(str(sel))
            if top in _NEVER_REMOVED:
                return None
            drop.add(top)
    if not drop:
        return obj
    out = copy.deepcopy(obj)
    for key in drop:
        out.pop(key, None)
    kept = [
        gm
        for gm in out["granular_markings"]
        if not any(_top(str(s)) in drop for s in gm.get("selectors") or [])
    ]
    if kept:
        out["granular_markings"] = kept
    else:
        del out["granular_markings"]
    import stix2
    from stix2.exceptions import STIXError

    try:
        stix2.parse(out, allow_custom=True, version="2.1")
    except (STIXError, ValueError, TypeError, KeyError):
        return None
    return out
