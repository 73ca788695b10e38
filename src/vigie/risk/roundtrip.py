"""Rewrite a hand-edited YAML study with a few changed fields, keeping its comments and layout.

Why: a study is a long, commented file that analysts edit by hand (see ``templates.py``); a
tool that records one accepted change must not strip the comments or reformat the rest. A plain
``yaml.dump`` loses every comment, so the update is applied to a round-trip document
(ruamel.yaml), and only where the plain data actually differs.

The differences are computed between the old and the new *plain* data (both as PyYAML reads
them, which is how the study is checked), never between the round-trip document and the new
data: scalars the two parsers read differently (``yes``, ``0777`` …) are thus left as typed.
The result is verified by reading it back; the caller falls back to a plain dump if that fails.
"""

from __future__ import annotations

import io
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from vigie.errors import VigieError


class RoundTripError(VigieError):
    """The text cannot be updated in place (the caller writes a plain dump instead)."""


def _styled(node: Any, value: Any) -> Any:
    """``value``, written with the quoting style of the string it replaces (``"1.0"``)."""
    if isinstance(node, ScalarString) and isinstance(value, str):
        return type(node)(value)
    return value


def _to_rt(value: Any) -> Any:
    """Plain data as round-trip collections, so that a comment can be attached to it."""
    if isinstance(value, dict):
        return CommentedMap((k, _to_rt(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_to_rt(v) for v in value)
    return value


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel.yaml keeps the comment that follows ``node``'s last line: the container
    holding its last entry that has no block content below it, that entry's key or index, and
    the slot in ``ca.items`` (2 for a mapping value, 0 for a list item)."""
    while True:
        if isinstance(node, CommentedMap) and node:
            last, slot = next(reversed(node)), 2
        elif isinstance(node, CommentedSeq) and node:
            last, slot = len(node) - 1, 0
        else:
            return None
        entry = node.ca.items.get(last)
        child = node[last]
        if (entry and entry[slot] is not None) or not (
            isinstance(child, CommentedMap | CommentedSeq) and child
        ):
            return node, last, slot
        node = child


def _split_comment(container: Any, last: Any, slot: int) -> str:
    """Remove and return the lines after the first one of a comment token (the first is the
    entry's own line end, with its end-of-line comment if any, and stays)."""
    entry = container.ca.items.get(last)
    token = entry[slot] if entry else None
    if token is None:
        return ""
    own_line, _, following = token.value.partition("\n")
    if own_line:
        token.value = own_line + "\n"
    else:
        entry[slot] = None
    return following


def _detach_trailing(node: Any) -> str:
    """Remove and return the blank lines and comment lines that follow ``node`` (a section
    header such as ``# --- Atelier 5``); an end-of-line comment stays where it is."""
    where = _last_slot(node)
    return _split_comment(*where) if where else ""


def _attach_trailing(node: Any, text: str) -> None:
    """Put ``text`` (from ``_detach_trailing``) after ``node``'s last line."""
    where = _last_slot(node) if text else None
    if where is None:
        return
    container, last, slot = where
    entry = container.ca.items.setdefault(last, [None, None, None, None])
    token = entry[slot]
    if token is None:
        entry[slot] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        token.value = token.value + text


def _apply(node: Any, old: Any, new: Any) -> Any:
    """``node`` (round-trip) updated from ``old`` to ``new`` (plain); untouched where equal.

    New keys and list items go after the existing ones, and the comments that followed the
    last one (typically the header of the next section) move after them.
    """
    if isinstance(node, CommentedMap) and isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            if key in node:
                del node[key]
        for key, value in new.items():
            if key in old and key in node:
                if type(old[key]) is type(value) and old[key] == value:
                    continue
                if (
                    isinstance(value, dict | list)
                    and value
                    and not isinstance(node[key], CommentedMap | CommentedSeq)
                ):  # a scalar (``notes:`` left empty) becomes a block below its own line
                    trailing = _split_comment(node, key, 2)
                    node[key] = _to_rt(value)
                    _attach_trailing(node[key], trailing)
                    continue
                node[key] = _apply(node[key], old[key], value)
            else:
                trailing = _detach_trailing(node)
                node[key] = _to_rt(value)
                _attach_trailing(node, trailing)
        return node
    if isinstance(node, CommentedSeq) and isinstance(old, list) and isinstance(new, list):
        if len(node) != len(old):
            raise RoundTripError("the round-trip and plain readings of a list differ")
        for i in range(min(len(old), len(new))):
            if not (type(old[i]) is type(new[i]) and old[i] == new[i]):
                node[i] = _apply(node[i], old[i], new[i])
        del node[len(new) :]
        if len(new) > len(old):
            trailing = _detach_trailing(node)
            node.extend(_to_rt(v) for v in new[len(old) :])
            _attach_trailing(node, trailing)
        return node
    return _styled(node, new)


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a long line the analyst wrote
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    rt.representer.ignore_aliases = lambda data: True  # no &id001 anchors in a hand-edited file
    return rt


def _dump(rt: YAML, doc: Any) -> str:
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()


def _layout(text: str) -> YAML:
    """A round-trip reader/writer set to the file's own indentation.

    ruamel.yaml applies one indentation to the whole output, so it is chosen among the usual
    ones as the one that writes the unchanged file back most faithfully (exactly, for the
    templates and for files written by PyYAML).
    """
    _, seq, off = load_yaml_guess_indent(text)
    off = off or 0
    seq = max(seq or 2, off + 2)
    best: tuple[int, YAML] | None = None
    for mapping in dict.fromkeys((2, 4, seq)):
        rt = _yaml(mapping, seq, off)
        redump = _dump(rt, rt.load(text)).splitlines()
        lines = text.splitlines()
        changed = sum(1 for a, b in zip(redump, lines, strict=False) if a != b)
        changed += abs(len(redump) - len(lines))
        if best is None or changed < best[0]:
            best = (changed, rt)
        if changed == 0:
            break
    assert best is not None
    return best[1]


def update_yaml(text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    """``text`` (whose plain reading is ``old``) rewritten so that it reads as ``new``.

    Comments, key order, quoting, indentation and unchanged values are kept; changed values
    are replaced in place and new keys or list items appended. Raises ``RoundTripError`` when
    the file cannot be updated faithfully (the result would not read back as ``new``).
    """
    try:
        rt = _layout(text)
        doc = rt.load(text)
        if not isinstance(doc, CommentedMap):
            raise RoundTripError("a study must be a mapping at the top level")
        _apply(doc, old, new)
        result = _dump(rt, doc)
    except RuamelError as exc:
        raise RoundTripError(f"ruamel.yaml cannot round-trip this file ({exc})") from None
    if yaml.safe_load(result) != new:
        raise RoundTripError("the updated file does not read back as the updated study")
    return result
