"""The URLs in a text, exactly as ural's ``urls_from_text`` finds them, in half the time.

Why: a text-only collection (a CSV of posts, a Telegram export) has its links read out of
each text, and ural's scan was most of such an ingest (1.6 s of 4 s for 300,000 posts).
Its pattern (``URL_IN_TEXT_RE``) opens with ``[a-zA-Z]{0,64}:?//``, which Python's regex
engine tries at every position of a text, each try running greedily to the end of a word
and back: the cost grows with the words, not with the links. Every match holds a ``//``
right after its letters, so this module looks for ``//`` first (``str.find``, in C) and
tries the pattern only where a match using that ``//`` could begin: the same matches,
found where the engine would have found them (the argument is in ``_candidate``).

The matched text is then handed to ural itself when it needs ural's tidying (a link in
Markdown or in brackets, trailing punctuation, links glued by a comma); a plain match is
what ural would have yielded as it is. Links repeat across posts (a campaign's link), so a
match is kept by the short run of characters it came from (``_token``): the second
occurrence costs a dictionary look-up instead of the pattern.

A test compares this with ``urls_from_text`` on random texts made of the characters that
matter to the pattern (letters that match ``[a-z]`` only when case is ignored, Unicode
digits and spaces, brackets, punctuation).
"""

from __future__ import annotations

import re

from ural import urls_from_text
from ural.patterns import URL_IN_TEXT_RE
from ural.urls_from_text import IRRELEVANT_PUNCTUATION

PROTOCOL_LETTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\u0130\u0131\u017f\u212a"
)
"""What ``[a-zA-Z]`` matches when case is ignored: the 52 ASCII letters and the four that
Python's ``re`` documentation names (İ, ı, ſ and the Kelvin sign); a test checks the set
against the engine over every code point."""

_TIDIED = frozenset(IRRELEVANT_PUNCTUATION) | {")"}
"""A match ending in one of these is trimmed by ural (a closing bracket when unbalanced)."""

_BREAK = "".join(chr(c) for c in range(0xA1) if chr(c).isspace())
_TOKEN_END = re.compile(f"[{re.escape(_BREAK)}]")
"""No match holds one of these: each part of the pattern excludes whitespace, except its host
names' ``\\u00a1-\\uffff``, where the only spaces are at or above U+1680. So a match is
decided by the characters up to the next of these (a test checks it on random texts)."""

_TOKEN_MAX = 256
"""Matches are remembered by their token only when it is this short: a long run without a
space (a hostile text of ``a//a//a//...``) is scanned once per ``//`` and never kept."""

_MATCH = URL_IN_TEXT_RE.match
_SEEN: dict[str, tuple[tuple[str, ...], int] | None] = {}
"""Each short token's links and where its match ends (None: no match), keyed by the token
after the bracket before it, if any; emptied when full (65,536 tokens of at most 256
characters: a few MB for links of the usual length, 70 MB at the very most)."""
_SEEN_MAX = 1 << 16
_MISS = object()
_COMMA_TARGET = re.compile(r"\]\(\s*,(?=https?://)")


def raw_urls(text: str) -> list[str]:
    """``list(urls_from_text(text))``: the URLs in ``text`` as written, in order."""
    out: list[str] = []
    pos = 0  # where the engine's scan resumes: the end of the last match
    find = text.find
    q = find("//", pos)
    while q != -1:
        p = _candidate(text, q, pos)
        pre = text[p - 1] if p > 0 and text[p - 1] in "[(" else ""
        end = _token(text, p)
        if end == -1:  # no short token: match here, remember nothing
            found = _tidy(pre, _MATCH(text, p))
        else:
            key = pre + text[p:end]  # unambiguous: a match never starts with a bracket
            found = _SEEN.get(key, _MISS)
            if found is _MISS:
                if len(_SEEN) >= _SEEN_MAX:
                    _SEEN.clear()
                found = _SEEN[key] = _tidy(pre, _MATCH(key, len(pre)))
            if found is not None:
                found = (found[0], p + found[1] - len(pre))
        if found is None:  # no link uses this ``//``: the next one may
            q = find("//", q + 1)
            continue
        out.extend(found[0])
        pos = found[1]
        q = find("//", pos)
    return out


def _candidate(text: str, q: int, pos: int) -> int:
    """Where a match using the ``//`` at ``q`` can start, if any can: the start of the run of
    at most 64 protocol letters that ends at ``q`` (or at a ``:`` just before it), not before
    ``pos``.

    Why no match starts elsewhere: a match starting at ``p`` has letters from ``p`` to its
    ``:?//``, so its ``//`` is the first one after ``p``'s run of letters (a ``/`` is not a
    letter), within 65 characters. Taking the ``//`` in text order, a start left of this run
    would need a longer run (or more than 64 letters), and one to its right would use a later
    ``//``; and from this start the rest of the pattern reads the same characters whichever
    letter it began at, so if it fails here it fails at every start using this ``//``."""
    r = q - 1 if q > pos and text[q - 1] == ":" else q
    p, lo = r, max(pos, r - 64)
    while p > lo and text[p - 1] in PROTOCOL_LETTERS:
        p -= 1
    return p


def _token(text: str, p: int) -> int:
    """The end of the short token starting at ``p`` (the next break), or -1 when it is long."""
    m = _TOKEN_END.search(text, p, p + _TOKEN_MAX + 1)
    if m is not None:
        return m.start()
    return len(text) if len(text) - p <= _TOKEN_MAX else -1


def _tidy(pre: str, m: re.Match[str] | None) -> tuple[tuple[str, ...], int] | None:
    """What ural yields for the match ``m`` (``pre``: the bracket before it), and its end."""
    if m is None:
        return None
    url = m.group(0)
    if not pre and url[-1] not in _TIDIED and "," not in url:
        return (url,), m.end()  # ural yields a plain match as it is
    # ural on the bracket and the match alone finds this match again, and only it: the
    # pattern reads no further than its end, and a bracket cannot start a link
    try:
        return tuple(urls_from_text(pre + url)), m.end()
    except IndexError:
        # ural 1.6 fails on a Markdown link whose target opens with a comma before another
        # link, ``[x](,http://...``: it splits the target at that comma and reads the last
        # character of the empty string before it. Without the comma it yields the same
        # links, less that empty one (the comma is inside the match's path, which the
        # pattern reads to its end either way).
        return tuple(urls_from_text(pre + _COMMA_TARGET.sub("](", url, count=1))), m.end()
