"""Look-alike letters and invisible characters, folded before texts are compared.

Why: the cheapest way to keep near-duplicate detection (and moderation filters) from seeing
that two posts are the same text is to write some letters with look-alikes from another
script (Cyrillic ``о`` for Latin ``o``, Greek ``ρ`` for ``p``), with "styled" letters
(mathematical bold ``𝐯𝐨𝐭𝐞``, fullwidth ``ｖｏｔｅ``, small capitals ``ᴠᴏᴛᴇ``), or to slip
invisible characters (zero-width spaces, joiners, bidirectional controls, Unicode tag
characters) inside words: Boucher, Shumailov, Anderson and Papernot, "Bad Characters:
Imperceptible NLP Attacks" (IEEE S&P 2022) evade commercial content filters this way. Each
copy then has other words, so other shingles: a 10 % substitution took copypasta's recall
on a hand-made campaign from 12 of 12 accounts to none (``tests/detect/test_confusables.py``).

What is folded (after ``lower()``), in the spirit of Unicode TR39's confusable skeletons but
limited to what leaves real text in other scripts comparable:

- Cyrillic and Greek letters whose capital or small form is drawn like a Latin letter, to that
  letter. The map is one-to-one within each script but for ``н``/``һ`` (both ``h``), so two
  genuine Russian or Greek texts differ after folding exactly where they differed before;
- mathematical alphanumeric letters and digits (U+1D400-U+1D7FF, with the letter-like
  symbols filling their gaps, ``ℎ``, ``ℯ``, ``ℝ``...), fullwidth Latin letters and digits,
  circled letters and small capitals, to plain lower-case letters and digits;
- Armenian, Cherokee and Lisu letters drawn like Latin ones (``օ``, ``ս``, ``Ꭺ``, ``ꓮ``), and
  the Latin look-alikes of other letters (dotless ``ı``, ``ɑ``, ``ℓ``, small Roman numerals
  ``ⅰ``, ``ⅴ``...), to that letter. Armenian stays one-to-one (its ``ռ`` and ``զ``, which
  Unicode's list also reads as ``n`` and ``q``, are left as they are); Cherokee and Lisu,
  scarce in the posts vigie reads, are mapped whole (two of their letters may read as one);
- format characters that draw nothing (zero-width space and joiners, word joiner, soft
  hyphen, byte order mark, bidirectional embeddings and isolates, the Hangul fillers, tag
  characters, variation selectors): deleted, so a word they split stays one word;
- Arabic's tatweel and optional vowel signs (``ARABIC_OPTIONAL``), Hebrew's vowel points
  and cantillation (``HEBREW_POINTS``): deleted, so a word stretched (``انتخابـــات``) or
  voweled (``مِصْر``, ``שָׁלוֹם``) is the word as usually written;
- combining marks of the generic blocks (U+0300-U+036F, the Cyrillic ones U+0483-U+0489,
  U+1AB0-U+1AFF, U+1DC0-U+1DFF, U+20D0-U+20FF, U+FE20-U+FE2F): deleted, so "Zalgo" text
  (marks piled on letters) and marks slipped into words leave the word whole. Texts written
  with precomposed letters (``é``, as phones and keyboards write them) hold none and keep
  their accents here; a text written decomposed (``e`` then U+0301) loses them. Copypasta's
  signer then compares words without accents (``copypasta.signed_words_sql``), so the two
  forms are one word there, while the evidence shows the text with its accents. The marks
  of scripts that need them (Indic vowel signs) are in other blocks and stay.

Why SQL with a gate, in layers: DuckDB's ``translate`` builds its map from the two strings
for every text, so its cost grows with the map: ~1 µs a text for Cyrillic's 21 letters, ~57
µs for the whole fold (981 look-alikes and, then, 466 deleted characters). Only texts that hold a
character of the ranges below (``GATE``) are folded at all, and only non-ASCII texts are even
looked at (a byte count against a character count). Then each part runs only where the text
needs it: the deleted characters go in one RE2 pass (``DELETE_CLASS``), and each
``LAYERS`` map (the scripts of real languages; the other look-alikes; the mathematical
letters) is translated only in texts holding one of its characters (tested on the text
before folding: no layer makes characters of another). Measured on 200,000 texts, the whole
map in one ``translate``: 11.4 s for Russian texts, 12.4 s for French texts with an emoji's
variation selector (``❤️``: common in real posts), against 0.2 s and 0.1 s in layers. Spark
has the same ``translate`` and ``regexp_replace``.
"""

from __future__ import annotations

from collections.abc import Callable

from vigie.charclass import re2_class

_CYRILLIC = {
    "а": "a", "в": "b", "е": "e", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
    "ԛ": "q", "ԝ": "w",
}  # fmt: skip
_GREEK = {
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "n",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "y", "χ": "x",
}  # fmt: skip
_SMALL_CAPS = dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢɡ", "abcdefghijklmnopqrstuvwyzg", strict=True))
_LETTERLIKE = dict(zip("ℎℯℊℴℬℰℱℋℐℒℳℛℭℌℑℜℨℂℍℕℙℚℝℤ", "hegobefhilmrchirzchnpqrz", strict=True))
_ARMENIAN = dict(zip("ագհոսցքօտ", "wqhnugfos", strict=True))
_CHEROKEE_CAPS = {
    0x13A0: "d", 0x13A1: "r", 0x13A2: "t", 0x13A5: "i", 0x13A9: "y", 0x13AA: "a", 0x13AB: "j",
    0x13AC: "e", 0x13B3: "w", 0x13B7: "m", 0x13BB: "h", 0x13BD: "y", 0x13C0: "g", 0x13C2: "h",
    0x13C3: "z", 0x13CF: "b", 0x13D2: "r", 0x13D4: "w", 0x13D5: "s", 0x13D9: "v", 0x13DA: "s",
    0x13DE: "l", 0x13DF: "c", 0x13E2: "p", 0x13E6: "k", 0x13E7: "d", 0x13F3: "g", 0x13F4: "b",
}  # fmt: skip
"""Cherokee letters (Unicode's confusables list) by code point: ``lower()`` turns them into
Cherokee small letters (U+AB70...), which are mapped alike (``_cherokee``)."""
_LISU = dict(zip("ꓐꓑꓒꓓꓔꓖꓗꓙꓚꓜꓝꓟꓠꓡꓢꓣꓦꓧꓪꓫꓬꓮꓰꓲꓳꓴ", "bpddtgkjczfmnlsrvhwxyaeiou", strict=True))
_LATIN_ALIKE = dict(zip("ıȷɑɩʋꞵϲϳѵℓⅰⅴⅹⅼⅽⅾⅿ", "ijaiubcjvlivxlcdm", strict=True))
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"


def _cherokee() -> dict[str, str]:
    """The Cherokee look-alikes, capital and small (``lower()`` of each), and ``ꮁ`` (a small
    letter drawn like ``r`` whose capital is not a look-alike)."""
    out = {"\uab81": "r"}
    for cp, letter in _CHEROKEE_CAPS.items():
        out[chr(cp)] = letter
        out[chr(cp).lower()] = letter
    return out


def _styled() -> dict[str, str]:
    """Mathematical letters (13 Latin styles, capitals then smalls, from U+1D400) and digits
    (5 styles from U+1D7CE), fullwidth and circled letters, fullwidth digits. Unassigned
    code points inside those runs (the gaps the letter-like symbols fill) are mapped too:
    no text holds them, so mapping them changes nothing."""
    out: dict[str, str] = {}
    for style in range(13):
        base = 0x1D400 + 52 * style
        for i, c in enumerate(_LATIN):
            out[chr(base + i)] = c
            out[chr(base + 26 + i)] = c
    for style in range(5):
        for i, d in enumerate(_DIGITS):
            out[chr(0x1D7CE + 10 * style + i)] = d
    for i, c in enumerate(_LATIN):
        out[chr(0xFF41 + i)] = c  # fullwidth small (lower() makes capitals small)
        out[chr(0x24D0 + i)] = c  # circled small (likewise)
    for i, d in enumerate(_DIGITS):
        out[chr(0xFF10 + i)] = d
    return out


INVISIBLE = (
    "\u00ad\u034f\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\u3164\ufeff\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in (0xE0001, *range(0xE0020, 0xE0080)))
)
"""Deleted: format characters that draw nothing (see the module doc)."""

COMBINING = "".join(
    chr(c)
    for lo, hi in ((0x0300, 0x036F), (0x0483, 0x0489), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF),
                   (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
    for c in range(lo, hi + 1)
    if c != 0x034F  # the combining grapheme joiner is in INVISIBLE
)  # fmt: skip
"""Deleted: combining marks of the generic blocks (see the module doc). Unassigned code points
of those blocks are listed too: no text holds them."""

FOLD: dict[str, str] = {
    **_CYRILLIC,
    **_GREEK,
    **_ARMENIAN,
    **_cherokee(),
    **_LISU,
    **_LATIN_ALIKE,
    **_SMALL_CAPS,
    **_LETTERLIKE,
    **_styled(),
}
"""Each look-alike (lower case, as ``lower()`` leaves it) and the letter or digit it reads as."""

ARABIC_OPTIONAL = "\u0640" + "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"
"""Deleted: Arabic's tatweel (``ـ``, the stroke that stretches a word: ``انتخابـــات``) and
its optional vowel and reading signs (harakat, shadda, sukun, the small alef): most posts
are written without them, and stretching or voweling a copy is a cheap way to change its
words. Arabic text analysis strips them the same way before comparing words."""

HEBREW_POINTS = "".join(
    chr(c) for c in (*range(0x0591, 0x05BE), 0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7)
)
"""Deleted: Hebrew's vowel points (niqqud) and cantillation marks, optional in modern
Hebrew as harakat are in Arabic: a copy voweled its own way is the same words."""

DELETED = INVISIBLE + COMBINING + ARABIC_OPTIONAL + HEBREW_POINTS
FOLD_FROM = "".join(FOLD) + DELETED
FOLD_TO = "".join(FOLD.values())
_DELETED = frozenset(DELETED)

GATE = (
    r"[\x{00AD}\x{0131}\x{01EB}\x{0237}\x{0250}-\x{02AF}\x{0300}-\x{058F}\x{0640}"
    r"\x{0591}-\x{05C7}\x{064B}-\x{065F}\x{0670}\x{115F}\x{1160}"
    r"\x{13A0}-\x{13FD}\x{180E}\x{1AB0}-\x{1AFF}\x{1D00}-\x{1D2B}\x{1DC0}-\x{1DFF}"
    r"\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2069}\x{20D0}-\x{20FF}"
    r"\x{2102}-\x{2134}\x{2170}-\x{217F}\x{24B6}-\x{24E9}\x{3164}\x{A4D0}-\x{A4FF}"
    r"\x{A730}\x{A731}\x{A7B5}\x{AB70}-\x{ABBF}\x{FE00}-\x{FE0F}\x{FE20}-\x{FE2F}"
    r"\x{FEFF}\x{FF10}-\x{FF5A}\x{FFA0}\x{1D400}-\x{1D7FF}\x{E0001}-\x{E007F}]"
)
"""A character ``FOLD_FROM`` holds may be in the text (RE2 and Java both read ``\\x{...}``)."""


def _layer(keep: Callable[[int], bool]) -> tuple[str, str, str]:
    frm = "".join(k for k in FOLD if keep(ord(k)))
    return re2_class(frm), frm, "".join(FOLD[k] for k in frm)


DELETE_CLASS = re2_class(DELETED)
"""The characters the fold deletes, as one class for ``regexp_replace``."""

LAYERS = (
    _layer(lambda cp: 0x0370 <= cp <= 0x058F),  # Greek, Cyrillic, Armenian: real languages
    _layer(lambda cp: not 0x0370 <= cp <= 0x058F and cp < 0x1D400),  # the other look-alikes
    _layer(lambda cp: cp >= 0x1D400),  # mathematical letters and digits (726 of them)
)
"""``FOLD`` in parts ``(class, from, to)``, each translated only where its class matches: a
text pays for the maps it needs (module doc)."""


def fold_sql(lowered: str) -> str:
    """SQL folding ``lowered`` (a string expression already lower-cased; a column name or an
    expression without side effects: it is read once per layer and by the gates)."""
    s = f"{lowered}::VARCHAR"
    inner = f"regexp_replace({s}, '{DELETE_CLASS}', '', 'g')"
    for cls, frm, to in LAYERS:
        # ``translate`` walks the whole text even with an empty map (~1 µs a text): a layer
        # whose class is absent is skipped. CASE evaluates one branch per row, so the text
        # of ``inner`` written twice (8 copies after three layers) is still computed once
        inner = (
            f"CASE WHEN regexp_matches({s}, '{cls}') THEN translate({inner}, '{frm}', '{to}') "
            f"ELSE {inner} END"
        )
    return (
        f"CASE WHEN strlen({s}) <> length({s}) AND regexp_matches({s}, '{GATE}') "
        f"THEN {inner} ELSE {s} END"
    )


def fold(text: str) -> str:
    """``fold_sql`` in Python, for tests and for callers outside SQL."""
    out = []
    for ch in text:
        if ch in _DELETED:
            continue
        out.append(FOLD.get(ch, ch))
    return "".join(out)
