"""Intake checks for objects a partner adds: structure first, then STIX 2.1 semantics.

Why two passes: a partner's script needs to know *which* object and *which* field is wrong
(``objects[3].id: …``) to fix it; the structural pass says that precisely, then ``stix2.parse``
(with custom properties allowed, since allies extend STIX with ``x_`` fields) catches the
rest of the STIX 2.1 rules (timestamps, required properties per type) and its message is
passed on with the object's index.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from vigie.json_guard import too_long
from vigie.share.stix_common import not_unicode_path

# STIX 2.1 cyber-observable types: spec_version is optional for them.
SCO_TYPES = frozenset(
    {
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "email-addr",
        "email-message",
        "file",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "user-account",
        "windows-registry-key",
        "x509-certificate",
    }
)
_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$")


def _check_id(obj_type: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a text like '<type>--<uuid>'"
    prefix, sep, rest = value.partition("--")
    if not sep or prefix != obj_type:
        return f"{value!r} must start with '{obj_type}--' (the object's type)"
    try:
        uuid.UUID(rest)
    except ValueError:
        return f"{value!r}: the part after '--' is not a UUID"
    return None


def structural_problems(obj: Any, index: int) -> list[str]:
    """What is wrong with ``obj`` at the level of type / id / spec_version."""
    where = f"objects[{index}]"
    if not isinstance(obj, dict):
        return [f"{where}: expected a JSON object, got {type(obj).__name__}"]
    problems = []
    obj_type = obj.get("type")
    if not isinstance(obj_type, str) or not _TYPE_RE.match(obj_type):
        problems.append(f"{where}.type: missing or not a STIX type name (got {obj_type!r})")
        return problems
    bad_id = _check_id(obj_type, obj.get("id"))
    if bad_id:
        problems.append(f"{where}.id: {bad_id}")
    spec = obj.get("spec_version")
    if spec is None and obj_type not in SCO_TYPES:
        problems.append(f"{where}.spec_version: missing (must be '2.1')")
    elif spec is not None and spec != "2.1":
        problems.append(f"{where}.spec_version: {spec!r} is not '2.1'")
    bad = not_unicode_path(obj)
    if bad is not None:  # the store keeps UTF-8 text: it failed inside the database (a 500)
        problems.append(f"{where}.{bad}: text that is not Unicode (a lone surrogate)")
    return problems


def stix_problem(obj: dict[str, Any], index: int) -> str | None:
    """``stix2``'s verdict on one object (STIX 2.1 rules), located by index."""
    import stix2
    from stix2.exceptions import STIXError

    try:
        stix2.parse(obj, allow_custom=True, version="2.1")
    except (STIXError, ValueError, TypeError, KeyError) as exc:
        msg = " ".join(str(exc).split())
        return f"objects[{index}] ({obj.get('id')}): {msg}"
    except Exception as exc:  # noqa: BLE001 - stix2's own failure on a malformed object
        # stix2 raises AttributeError on extensions that are not objects and
        # UnboundLocalError on an empty pattern, where it should report them: such an
        # object is invalid all the same (found by a fuzz of the intake: a 500 before)
        return f"objects[{index}] ({obj.get('id')}): stix2 could not read it ({type(exc).__name__})"
    return None


def validate_objects(objects: list[Any]) -> list[str]:
    """Every problem in ``objects``; empty when all are valid STIX 2.1."""
    problems: list[str] = []
    for i, obj in enumerate(objects):
        found = structural_problems(obj, i)
        if found:
            problems.extend(found)
            continue
        msg = stix_problem(obj, i)
        if msg:
            problems.append(msg)
    return problems


MAX_JSON_DEPTH = 64
"""Deepest nesting accepted in a request body: STIX objects need a handful of levels; a
200,000-deep body is an attack on the parser (it was a 500)."""


def _too_deep(node: Any, limit: int) -> bool:
    stack = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def load_json_body(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse a request body, raising ``TaxiiError`` 400 (never a 500) for text that is not
    JSON, or nested deeper than ``max_depth``."""
    import json

    from vigie.share.taxii.media import TaxiiError

    try:
        data = json.loads(raw)
    except RecursionError:
        raise TaxiiError(
            400, "Bad Request", f"body is nested too deeply (at most {max_depth} levels)"
        ) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a too long integer
        raise TaxiiError(
            400, "Bad Request", f"body is not valid JSON ({too_long(exc) or exc})"
        ) from None
    if _too_deep(data, max_depth):
        raise TaxiiError(
            400, "Bad Request", f"body is nested too deeply (at most {max_depth} levels)"
        )
    return data
