"""Copypasta in scripts written without spaces, and in scripts with vowel signs: known answers.

Why: Chinese, Japanese and Thai put no space between words, so a normalised post was one to
four "words" and fell under ``min_words``: a Spamouflage push in Chinese (Graphika's reports
describe Chinese-language copies posted by hundreds of accounts) could not be compared at
all. Devanagari's vowel signs are marks (``\\p{M}``), which the normalisation used to replace
by spaces, cutting every Hindi word in pieces. Each script's campaign here: twelve accounts
post an edited copy of five messages within ten minutes of one another, among 150 ordinary
accounts writing their own texts in the same script and a slogan many of them repeat over
days.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from vigie.detect import copypasta
from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder, only

ONLY_COPYPASTA = only("copypasta")

# a few hundred characters of each script, drawn as a language's texts would hold them
HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]
KANA = [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x30A1, 0x30FB)]
THAI_BASE = [chr(c) for c in range(0x0E01, 0x0E2F)]
THAI_MARKS = ["\u0e31", "\u0e34", "\u0e35", "\u0e36", "\u0e37", "\u0e38", "\u0e48", "\u0e49"]
DEVA_BASE = [chr(c) for c in range(0x0915, 0x0939)]
DEVA_MARKS = ["\u093e", "\u093f", "\u0940", "\u0941", "\u0947", "\u094b", "\u0902"]


def _chinese(rng: np.random.Generator, n: int) -> str:
    chars = rng.choice(HAN, n)
    return "".join(c + ("，" if rng.random() < 0.08 else "") for c in chars) + "。"


def _japanese(rng: np.random.Generator, n: int) -> str:
    chars = [rng.choice(HAN) if rng.random() < 0.4 else rng.choice(KANA) for _ in range(n)]
    return "".join(c + ("、" if rng.random() < 0.08 else "") for c in chars) + "。"


def _syllables(rng: np.random.Generator, n: int, base: list[str], marks: list[str]) -> list[str]:
    return [
        str(rng.choice(base)) + (str(rng.choice(marks)) if rng.random() < 0.5 else "")
        for _ in range(n)
    ]


def _thai(rng: np.random.Generator, n: int) -> str:
    syl = _syllables(rng, n, THAI_BASE, THAI_MARKS)  # phrases parted by a space, as in Thai
    return "".join(s + (" " if rng.random() < 0.1 else "") for s in syl)


def _hindi(rng: np.random.Generator, n: int) -> str:
    syl = _syllables(rng, n, DEVA_BASE, DEVA_MARKS)  # words of two to four syllables
    words, i = [], 0
    while i < len(syl):
        k = int(rng.integers(2, 5))
        words.append("".join(syl[i : i + k]))
        i += k
    return " ".join(words)


WRITERS = {"chinese": _chinese, "japanese": _japanese, "thai": _thai, "hindi": _hindi}
LENGTH = {"chinese": 40, "japanese": 40, "thai": 60, "hindi": 120}  # ~40 words in Hindi


def _edit(rng: np.random.Generator, text: str, write) -> str:
    """A copy as a volunteer posts it: two short stretches rewritten, an opener added."""
    chars = list(text)
    for _ in range(2):
        i = int(rng.integers(0, max(1, len(chars) - 3)))
        chars[i : i + 2] = list(write(rng, 2).rstrip("。"))
    return (write(rng, 3).rstrip("。") if rng.random() < 0.5 else "") + "".join(chars)


def _scenario(
    tmp_path: Path,
    seed: int,
    write,
    length: int,
    copy,
    organic: tuple[int, int] = (15, 60),
) -> tuple[Path, set[str]]:
    """150 ordinary accounts writing ``write`` texts of ``organic`` units, 50 of them
    repeating a slogan over days, and twelve accounts posting ``copy`` of each of five
    messages of ``length`` units within ten minutes of one another."""
    b = Builder(seed=seed)
    rng = b.rng
    org = [b.account(f"org{i:04d}", created=-rng.uniform(30, 3000) * DAY) for i in range(150)]
    for _ in range(1500):
        b.post(
            str(rng.choice(org)),
            rng.uniform(0, 3 * DAY),
            text=write(rng, int(rng.integers(*organic))),
        )
    slogan = write(rng, 20)
    for a in org[:50]:  # a popular slogan repeated over days: not coordination
        b.post(a, rng.uniform(0, 3 * DAY), text=slogan)
    bots = [b.account(f"cp{i:03d}") for i in range(12)]
    for k in range(5):
        base = write(rng, length)
        t = 1.5 * DAY + k * 5 * 3600 + rng.uniform(0, 600)
        for a in bots:
            b.post(a, t + rng.uniform(0, 600), text=copy(rng, base))
    return b.write(tmp_path / "ds"), set(bots)


def _script(tmp_path: Path, script: str, seed: int) -> tuple[Path, set[str]]:
    write = WRITERS[script]
    return _scenario(tmp_path, seed, write, LENGTH[script], lambda rng, t: _edit(rng, t, write))


def _members(findings: Path) -> set[str]:
    con = duckdb.connect()
    rows = con.execute(f"SELECT account_id FROM '{findings / 'members.parquet'}'").fetchall()
    return {r[0] for r in rows}


@pytest.mark.parametrize("script", sorted(WRITERS))
@pytest.mark.parametrize("seed", [1, 2])
def test_a_campaign_in_each_script_is_found(tmp_path: Path, script: str, seed: int):
    ds, bots = _script(tmp_path, script, seed)
    run_detection(ds, tmp_path / "f", config=ONLY_COPYPASTA, progress=False)
    found = _members(tmp_path / "f")
    assert len(found & bots) >= 11, (script, sorted(found & bots))
    assert not found - bots, sorted(found - bots)


@pytest.mark.parametrize("script", ["chinese", "japanese"])
def test_without_cutting_the_texts_the_campaign_is_missed(tmp_path: Path, script: str, monkeypatch):
    """The same data with whole sentences as words (the behaviour before): every text is
    under ``min_words`` and nobody is found, which is what the cut changes."""
    ds, bots = _script(tmp_path, script, 1)
    monkeypatch.setattr(copypasta, "words_sql", lambda norm: norm)
    run_detection(ds, tmp_path / "f", config=ONLY_COPYPASTA, progress=False)
    assert not _members(tmp_path / "f") & bots


def test_vowel_signs_stay_inside_words():
    con = duckdb.connect()
    text = "नमस्ते भारत के लोगों, चुनाव में धांधली हुई है! ทุกคน"
    norm = con.execute(
        f"SELECT trim(regexp_replace(lower(?), '{copypasta.NORMALISE}', ' ', 'g'))", [text]
    ).fetchone()[0]
    assert norm == "नमस्ते भारत के लोगों चुनाव में धांधली हुई है ทุกคน"
    words = con.execute(f"SELECT {copypasta.words_sql('n')} FROM (SELECT ? AS n)", [norm])
    # Hindi words whole; Thai cut into characters, each with the marks written on it
    assert words.fetchone()[0].split(" ")[-5:] == ["है", "ทุ", "ก", "ค", "น"]


def test_the_paraphrase_detector_reads_texts_without_spaces():
    """The paraphrase detector's ``min_words`` counts each character of a script written
    without spaces as a word (the sentence encoder reads Chinese and Japanese): a Chinese or
    Japanese post is embedded, no longer skipped as too short; a short Latin one still is."""
    from types import SimpleNamespace

    from vigie.detect.paraphrase import _texts

    con = duckdb.connect()
    texts = [
        "台湾的选举结果是被操纵的，所有人都应该知道真相！请转发。",
        "選挙は不正だった。みんなに真実を知ってほしい",
        "नमस्ते भारत के लोगों, चुनाव में धांधली हुई है",
        "trop court",
    ]
    con.execute(
        "CREATE TABLE pr (post_id VARCHAR, aid INTEGER, t DOUBLE, text VARCHAR, repost_of VARCHAR)"
    )
    con.executemany(
        "INSERT INTO pr VALUES (?, ?, ?, ?, NULL)",
        [(f"p{i}", i, 0.0, x) for i, x in enumerate(texts)],
    )
    engine = SimpleNamespace(con=con, scalar=lambda q: con.execute(q).fetchone()[0])
    assert _texts(engine, 5) == {"texts": 4, "texts_too_short": 1}
    kept = {r[0] for r in con.execute("SELECT post_id FROM pp_text").fetchall()}
    assert kept == {"p0", "p1", "p2"}


ARABIC = [chr(c) for c in range(0x0628, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]
HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652"]


def _arabic(rng: np.random.Generator, n: int) -> str:
    return " ".join("".join(rng.choice(ARABIC, int(rng.integers(3, 7)))) for _ in range(n))


def _stretched(rng: np.random.Generator, text: str) -> str:
    """A copy disguised as Arabic writers style it: tatweel stretching a third of the words,
    vowel signs on a quarter of the letters."""
    words = []
    for w in text.split(" "):
        if len(w) > 2 and rng.random() < 0.33:
            k = int(rng.integers(1, len(w) - 1))
            w = w[:k] + "\u0640" * int(rng.integers(1, 4)) + w[k:]
        words.append(
            "".join(c + (str(rng.choice(HARAKAT)) if rng.random() < 0.25 else "") for c in w)
        )
    return " ".join(words)


@pytest.mark.parametrize("seed", [1, 2])
def test_arabic_copies_stretched_and_voweled_are_found(tmp_path: Path, seed: int, monkeypatch):
    """Twelve accounts post copies of five Arabic messages, each copy stretched with tatweel
    and voweled its own way, among 150 ordinary accounts writing Arabic: found with the
    fold (``confusables.ARABIC_OPTIONAL``), not without it."""
    ds, bots = _scenario(tmp_path, seed, _arabic, 30, _stretched, organic=(8, 30))
    run_detection(ds, tmp_path / "f", config=ONLY_COPYPASTA, progress=False)
    found = _members(tmp_path / "f")
    assert len(found & bots) >= 11 and not found - bots, sorted(found)
    monkeypatch.setattr(copypasta, "fold_sql", lambda lowered: lowered)
    run_detection(ds, tmp_path / "g", config=ONLY_COPYPASTA, progress=False)
    assert len(_members(tmp_path / "g") & bots) <= 2
