"""Copypasta through look-alike letters and invisible characters: known answers.

The evasions are those of Boucher et al., "Bad Characters: Imperceptible NLP Attacks" (IEEE
S&P 2022): homoglyphs from other scripts, invisible characters inside words, and the styled
letters social-media users paste from "font generators". Each copy of the campaign's texts
is disguised independently; the campaign must still be found, ordinary users still left
alone, and genuine texts in Cyrillic or Greek must compare as before.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from vigie.detect.confusables import (
    DELETE_CLASS,
    DELETED,
    FOLD,
    FOLD_FROM,
    GATE,
    LAYERS,
    fold,
    fold_sql,
)
from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder, mutate, only

ONLY_COPYPASTA = only("copypasta")
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
OTHER_SCRIPTS = {
    "o": "օ", "u": "ս", "h": "հ", "n": "ո", "g": "ց",  # Armenian
    "a": "ɑ", "i": "ı", "l": "ℓ",  # Latin look-alikes
    "d": "ꓒ", "t": "ꓔ", "s": "ꓢ",  # Lisu
    "e": "Ꭼ", "w": "Ꮃ", "k": "Ꮶ",  # Cherokee capitals (lower() makes them small letters)
}  # fmt: skip
MARKS = [chr(c) for c in (*range(0x0300, 0x0370), *range(0x1DC0, 0x1DD0), *range(0x20D0, 0x20E0))]
BOLD = {c: chr(0x1D41A + i) for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")}


def homoglyphs(rng: np.random.Generator, text: str, rate: float) -> str:
    return "".join(HOMOGLYPHS[c] if c in HOMOGLYPHS and rng.random() < rate else c for c in text)


def invisibles(rng: np.random.Generator, text: str, rate: float) -> str:
    marks = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\U000e0041"]
    return "".join(
        c + (marks[int(rng.integers(len(marks)))] if c.isalpha() and rng.random() < rate else "")
        for c in text
    )


def other_scripts(rng: np.random.Generator, text: str, rate: float) -> str:
    """Look-alikes from Armenian, Lisu, Cherokee and Latin itself, as homograph kits offer."""
    return "".join(
        OTHER_SCRIPTS[c] if c in OTHER_SCRIPTS and rng.random() < rate else c for c in text
    )


def zalgo(rng: np.random.Generator, text: str, rate: float) -> str:
    """One to three combining marks piled on a share of the letters ("Zalgo" text)."""
    return "".join(
        c
        + (
            "".join(MARKS[int(i)] for i in rng.integers(len(MARKS), size=int(rng.integers(1, 4))))
            if c.isalpha() and rng.random() < rate
            else ""
        )
        for c in text
    )


def styled(rng: np.random.Generator, text: str, rate: float) -> str:
    """Whole words in mathematical bold, as "font generators" write them."""
    words = text.split(" ")
    return " ".join("".join(BOLD.get(c, c) for c in w) if rng.random() < rate else w for w in words)


ACCENTED = str.maketrans("aeioucn", "àéîôüçñ")


def decomposed(rng: np.random.Generator, text: str, rate: float) -> str:
    """An accented text with a share of its words typed decomposed (NFD: the letter, then its
    accent as a combining mark), as some keyboards and input methods write them: every copy
    looks the same on screen, and each mixes the two forms in its own way."""
    import unicodedata

    words = text.translate(ACCENTED).split(" ")
    return " ".join(unicodedata.normalize("NFD", w) if rng.random() < rate else w for w in words)


def _campaign(tmp_path: Path, seed: int, disguise, rate: float) -> tuple[set[str], set[str]]:
    b = Builder(seed)
    org = b.organic(300, 3000)
    accs = [b.account(f"cp{i:03d}") for i in range(12)]
    for k in range(5):
        base = b.random_text(40)
        t = 1.5 * DAY + k * 5 * 3600 + b.rng.uniform(0, 600)
        for a in accs:
            b.post(a, t + b.rng.uniform(0, 600), text=disguise(b.rng, mutate(b, base), rate))
    f = run_detection(
        b.write(tmp_path / "ds"), tmp_path / "f", config=ONLY_COPYPASTA, progress=False
    )
    found = set(f.members().column("account_id").to_pylist())
    return found & set(accs), found & set(org)


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize(
    ("disguise", "rate"),
    [
        (homoglyphs, 0.1),
        (homoglyphs, 0.5),
        (invisibles, 0.2),
        (styled, 0.3),
        (other_scripts, 0.2),
        (zalgo, 0.15),
        (decomposed, 0.5),
    ],
)
def test_a_disguised_campaign_is_found(tmp_path: Path, seed: int, disguise, rate: float):
    bots, organic = _campaign(tmp_path, seed, disguise, rate)
    assert len(bots) >= 11, (disguise.__name__, rate, sorted(bots))
    assert not organic


def test_the_sql_folds_as_the_python_does():
    rng = np.random.default_rng(7)
    alphabet = list("abc xyz.") + list(FOLD) + list(DELETED) + list("дждзщ漢字🙂é")
    texts = ["".join(rng.choice(alphabet, size=int(rng.integers(0, 40)))) for _ in range(500)]
    texts += ["plain ascii text", "", "ÉLECTION truquée 🙂"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, s VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    got = dict(con.execute(f"SELECT i, {fold_sql('s')} FROM t").fetchall())
    assert [got[i] for i in range(len(texts))] == [fold(s) for s in texts]


def test_each_layer_folds_alone_and_with_the_others():
    """The fold runs in parts (the deletions, then each map where its class matches): a
    text holding the letters of one part only, of two, or of none but deleted characters,
    folds as the whole map does (the parts' gates read the text before folding)."""
    rng = np.random.default_rng(11)
    parts = [frm for _, frm, _ in LAYERS]
    assert "".join(sorted(parts[0] + parts[1] + parts[2])) == "".join(sorted(FOLD))
    texts = []
    for chosen in ([0], [1], [2], [0, 1], [0, 2], [1, 2], []):
        alphabet = list("vote pour lui ") + list(DELETED) + [c for i in chosen for c in parts[i]]
        texts += ["".join(rng.choice(alphabet, size=30)) for _ in range(60)]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, s VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    got = dict(con.execute(f"SELECT i, {fold_sql('s')} FROM t").fetchall())
    assert [got[i] for i in range(len(texts))] == [fold(s) for s in texts]
    for cls, frm, _ in LAYERS:  # each class holds its map's letters and nothing else
        hits = con.execute(
            f"SELECT count(*) FROM unnest(?) u(c) WHERE regexp_matches(c, '{cls}')",
            [sorted(set(FOLD_FROM) | set("abc"))],
        ).fetchone()[0]
        assert hits == len(set(frm))
    deleted = con.execute(
        f"SELECT count(*) FROM unnest(?) u(c) WHERE regexp_matches(c, '{DELETE_CLASS}')",
        [sorted(set(FOLD_FROM) | set("abc"))],
    ).fetchone()[0]
    assert deleted == len(set(DELETED))


def test_the_gate_lets_every_folded_character_through():
    con = duckdb.connect()
    chars = sorted(set(FOLD_FROM))
    missed = [
        f"U+{ord(c):04X}"
        for c in chars
        if not con.execute(f"SELECT regexp_matches(?, '{GATE}')", [c]).fetchone()[0]
    ]
    assert not missed


def test_genuine_cyrillic_and_greek_texts_stay_apart():
    """Within one script the map is one-to-one (but for н and һ, both h): two different
    Russian or Greek words stay different after folding."""
    for script in (range(0x0400, 0x0530), range(0x0370, 0x0400)):
        targets: dict[str, str] = {}
        for cp in script:
            c = chr(cp)
            if c in FOLD:
                assert FOLD[c] not in targets or {c, targets[FOLD[c]]} == {"н", "һ"}, c
                targets[FOLD[c]] = c
    assert fold("выборы украдены") != fold("выборы честные")
    armenian: dict[str, str] = {}
    for cp in range(0x0530, 0x0590):
        c = chr(cp)
        if c in FOLD:
            assert FOLD[c] not in armenian, c
            armenian[FOLD[c]] = c
    assert fold("ընտրություններ") != fold("ընտրութիւններ")
    assert fold("εκλογές") != fold("εκλογη")


def test_a_campaign_written_in_cyrillic_is_still_found(tmp_path: Path):
    """A campaign in Russian (every word transliterated to Cyrillic), copies edited as
    usual: folding maps its letters consistently, so its copies still match."""
    table = str.maketrans("abcdefghijklmnopqrstuvwxyz", "абцдефгхийклмнопярстужвьыз")

    def russian(rng, text, rate):
        return text.translate(table)

    bots, organic = _campaign(tmp_path, 5, russian, 0.0)
    assert len(bots) >= 11 and not organic


def test_combining_marks_go_and_precomposed_letters_stay():
    """Marks piled on letters are deleted (the word stays one word); a text written with
    precomposed accented letters, as phones write it, keeps them; the marks Hindi needs are
    in other blocks and stay; Arabic's optional vowel signs and its tatweel, Hebrew's points,
    go (a word stretched or voweled is the word as usually written)."""
    import unicodedata

    assert fold("v\u0336o\u0335t\u0338e\u20d2") == "vote"
    assert fold("élection truquée") == "élection truquée"
    assert fold(unicodedata.normalize("NFD", "élection")) == "election"
    for text in ("שלום", "انتخابات مزورة", "चुनाव", "नमस्ते"):
        assert fold(text) == text
    assert fold("انتخابـــات مُزَوَّرَة") == "انتخابات مزورة"
    assert fold("שָׁלוֹם בְּחִירוֹת") == "שלום בחירות"


def _words_hashed(con: duckdb.DuckDBPyConnection, expr: str, text: str) -> list[int]:
    """The value of the SQL ``expr`` (over ``x``) for ``text``."""
    return con.execute(f"SELECT {expr} FROM (SELECT ?::VARCHAR AS x)", [text]).fetchone()[0]


def test_copies_typed_composed_or_decomposed_are_signed_alike():
    """The signer compares texts without their accents (``signed_words_sql``), so a word
    typed precomposed, decomposed (its marks deleted by the fold) or without accents is one
    word; scripts whose marks are part of the letter, and ASCII texts, are left as they are."""
    import unicodedata

    from vigie.detect.copypasta import signed_words_sql, words_sql

    con = duckdb.connect()

    def signed(text: str) -> list[int]:
        return _words_hashed(con, signed_words_sql("x"), fold(text.lower()))

    def as_written(text: str) -> list[int]:  # the words of the text, accents and all
        words = f"string_split({words_sql('x')}, ' ')"
        return _words_hashed(con, f"list_transform({words}, lambda w: hash(w))", text)

    forms = [
        "élection truquée à Besançon",
        unicodedata.normalize("NFD", "élection truquée à Besançon"),
    ]
    forms.append("election truquee a besancon")
    assert [signed(f) for f in forms] == [as_written("election truquee a besancon")] * 3
    assert signed("Bầu cử gian lận") == signed(unicodedata.normalize("NFD", "Bầu cử gian lận"))
    assert signed("Bầu cử gian lận") == as_written("bau cu gian lan")
    for text in ("चुनाव में धांधली", "การเลือกตั้งที่ไม่ยุติธรรม", "がんばって 選挙", "plain ascii text"):
        assert signed(text) == as_written(fold(text.lower()))


def test_words_are_stripped_one_by_one_as_the_whole_text_would_be():
    """``signed_words_sql`` strips accents word by word (cheaper: most words are ASCII); the
    words must be those of stripping the whole text first, then cutting it into words, for
    texts of every script: Latin, Greek and Cyrillic letters with accents, Hangul syllables
    and jamo, Chinese compatibility ideographs, Thai, Myanmar, kana, marks, digits, random
    letters and numbers of every plane, one or two spaces between words."""
    import sys
    import unicodedata

    from vigie.detect.copypasta import MARKED, signed_words_sql, words_sql

    wide = [
        c
        for c in map(chr, range(0x80, sys.maxunicode + 1))
        if unicodedata.category(c)[0] in "LN" and not 0xD800 <= ord(c) <= 0xDFFF
    ]
    chosen = [
        *"abcdefghijklmnopqrstuvwxyz0123456789",
        *"àâäéèêëîïôöùûüçñåøœæßǆǈǉ",  # Latin-1, Extended-A/B, digraphs
        *"άέήίόύώϊϋΐΰѐёѓїќўйǅ",  # Greek with tonos, Cyrillic with breve and diaeresis
        *"ầửậơưđ",  # Vietnamese
        *"가각힣\u1100\u1161\u11a8",  # Hangul syllables and conjoining jamo
        *"\uf900\uf9ff\ufa10\ufa6d選挙",  # compatibility and unified ideographs
        *"กขคงไ",  # Thai letters
        *"\u1026\u1025\u1000",  # Myanmar (U+1026 decomposes canonically)
        *"がカｶ",  # kana (MARKED) and half-width kana
        *"\u0301\u0308\u093f",  # marks (MARKED)
        *"Ω\u2126Å\u212b",  # canonical singletons
    ]
    reference = (  # the whole text stripped, then cut into words
        f"CASE WHEN strlen(x) <> length(x::VARCHAR) AND NOT regexp_matches(x, '{MARKED}') "
        "THEN strip_accents(x) ELSE x END"
    )
    plain = f"list_transform(string_split({words_sql('x')}, ' '), lambda w: hash(w))"
    whole = f"list_transform(string_split({words_sql('y')}, ' '), lambda w: hash(w))"
    con = duckdb.connect()
    for seed in (1, 2):
        rng = np.random.default_rng(seed)
        texts = []
        for _ in range(4_000):
            pool = chosen if rng.random() < 0.7 else wide
            chars = [pool[int(i)] for i in rng.integers(0, len(pool), int(rng.integers(1, 40)))]
            for j in rng.integers(0, len(chars), int(rng.integers(0, 8))):
                chars[int(j)] = " " if rng.random() < 0.8 else "  "
            texts.append("".join(chars).strip())
        got = con.execute(
            f"SELECT {signed_words_sql('x')}, {whole}, {plain} FROM (SELECT x, {reference} AS y "
            "FROM (SELECT unnest(?::VARCHAR[]) AS x))",
            [texts],
        ).fetchall()
        differ = [t for t, (a, b, _) in zip(texts, got, strict=True) if a != b]
        assert not differ, differ[:5]
        assert sum(a != c for a, _, c in got) > 500  # the stripping branch is taken
