"""A language model's slips ("As an AI language model, ...") as a sign of inauthenticity.

Known answers: the phrases a chatbot writes of itself or when it refuses, in the languages
operations post in, match; ordinary sentences about AI do not; a group where several
members slipped fires ``machine_text`` with an example, a group where one member quoted
the phrase as a joke does not.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from vigie.detect.authenticity import _machine_text
from vigie.detect.machinetext import PATTERN

from .test_authenticity import _run

SLIPS = [
    "As an AI language model, I cannot express political opinions, but here is a post:",
    "I'm sorry, but I cannot fulfill this request. #Election2027",
    "I\u2019m an AI language model and do not have personal views.",
    "As a large language model, I don't vote.",
    "This request violates OpenAI's content policy.",
    "As of my last update in 2023, the candidate had not said so.",
    "En tant que modèle de langage, je ne peux pas prendre parti.",
    "En tant qu\u2019IA, je n'ai pas d'opinion sur ce scrutin.",
    "Als KI-Sprachmodell kann ich keine Wahlempfehlung geben.",
    "Als KI kann ich dazu nichts sagen.",
    "Como modelo de lenguaje, no puedo opinar.",
    "Como um modelo de linguagem, não posso votar.",
    "Come modello di linguaggio non posso esprimere opinioni.",
    "\u041a\u0430\u043a \u044f\u0437\u044b\u043a\u043e\u0432\u0430\u044f \u043c\u043e\u0434\u0435"
    "\u043b\u044c, \u044f \u043d\u0435 \u043c\u043e\u0433\u0443",
    "\u4f5c\u4e3a\u4e00\u4e2a\u4eba\u5de5\u667a\u80fd\u8bed\u8a00\u6a21\u578b\uff0c\u6211",
]
ORDINARY = [
    "As an AI researcher I think this debate misses the point.",
    "The AI language model debate is heating up in Brussels.",
    "Sorry, I can't help you with that, ask the town hall.",
    "I cannot accept your request for an interview.",
    "Als Kind habe ich immer gewählt.",
    "My cutoff date for the postal vote is Friday.",
    "We need a language model policy before the vote.",
    "He spoke as an aide to the minister.",
    "ChatGPT is a large language model; regulate it.",
    "En tant que maire, je vote dimanche.",
]


def _duckdb_matches(text: str) -> bool:
    """RE2's verdict, on a connection of its own (an open result on DuckDB's default
    connection would block the next test's work there)."""
    con = duckdb.connect()
    try:
        return bool(con.execute("SELECT regexp_matches(?, ?)", [text, PATTERN]).fetchall()[0][0])
    finally:
        con.close()


@pytest.mark.parametrize("text", SLIPS)
def test_a_models_slip_matches_in_python_and_duckdb(text: str) -> None:
    assert re.search(PATTERN, text)
    assert _duckdb_matches(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_about_ai_do_not_match(text: str) -> None:
    assert not re.search(PATTERN, text)
    assert not _duckdb_matches(text)


def test_upper_case_slips_match_too() -> None:
    assert re.search(PATTERN, SLIPS[0].upper())
    assert _duckdb_matches(SLIPS[6].upper())


def _accounts(prefix: str, n: int) -> list[dict]:
    return [
        {"account_id": f"{prefix}{i}", "handle": f"{prefix}_handle_{i}", "followers": 50 + i}
        for i in range(n)
    ]


def test_a_group_whose_members_slip_fires_and_a_joke_does_not(tmp_path: Path) -> None:
    # group A: 8 accounts, 10 ordinary posts each; 3 of them also posted a slip (in three
    # languages); group B: 8 accounts, one of which quoted the phrase in jest
    posts = []
    for prefix in ("a", "b"):
        for i in range(8):
            posts += [
                {"acc": f"{prefix}{i}", "t": 3600 * j + 60 * i, "text": f"Vote {prefix} {i} {j}"}
                for j in range(10)
            ]
    for i, text in ((0, SLIPS[0]), (3, SLIPS[6]), (5, SLIPS[8])):
        posts.append({"acc": f"a{i}", "t": 99_000 + i, "text": text})
    posts.append(
        {"acc": "b2", "t": 99_000, "text": 'lol the bot replied "As an AI language model, I..."'}
    )
    # two more of B repost a slip (by id, or by an "RT @" text): another account's words
    posts.append({"acc": "b4", "t": 99_100, "text": "RT @a0: " + SLIPS[0], "rt": "p0"})
    posts.append({"acc": "b5", "t": 99_200, "text": "RT @a0: " + SLIPS[0]})
    res = _run(
        tmp_path / "ds",
        _accounts("a", 8) + _accounts("b", 8),
        posts,
        {"g0001": [f"a{i}" for i in range(8)], "g0002": [f"b{i}" for i in range(8)]},
    )
    ga, gb = res["g0001"], res["g0002"]
    fired = [i for i in ga["inauthenticity_indicators"] if i.startswith("machine_text")]
    assert len(fired) == 1 and fired[0].startswith("machine_text: 3 of 8 members posted")
    assert "As an AI language model" in fired[0]
    assert not any(i.startswith("machine_text") for i in gb["inauthenticity_indicators"])
    assert ga["inauthenticity_score"] > 0.5 > gb["inauthenticity_score"]
    assert ga["likely_authentic"] is False


def test_strength_needs_two_members_and_is_full_at_a_quarter() -> None:
    assert _machine_text(["x", None, None, None], True).strength == 0.0  # one slip
    assert _machine_text(["x", "y"] + [None] * 6, True).strength == pytest.approx(1.0)
    assert _machine_text(["x", "y"] + [None] * 14, True).strength == pytest.approx(0.5)
    assert not _machine_text(["x", "y"] + [None] * 18, True).fired
    unknown = _machine_text([None, None], False)
    assert not unknown.known and "unknown (no texts" in unknown.label()


def test_members_without_texts_of_their_own_leave_the_sign_unknown(tmp_path: Path) -> None:
    # the Dataset has a text column, but group A's posts hold none (links only, as the real
    # German sample), group C only reposts and group D only writes "RT @x: ..." texts
    # (another's words, as the sign reads them): nothing was read, so the sign is unknown
    # there, and known (and absent) for group B, who wrote
    posts = []
    for i in range(6):
        posts += [{"acc": f"a{i}", "t": 60 * j + i, "text": None} for j in range(5)]
        posts += [{"acc": f"b{i}", "t": 60 * j + i, "text": f"Vote b {i} {j}"} for j in range(5)]
        posts += [
            {"acc": f"c{i}", "t": 60 * j + i, "text": f"RT @b0: Vote b 0 {j}", "rt": f"o{j}"}
            for j in range(5)
        ]
        posts += [{"acc": f"d{i}", "t": 60 * j + i, "text": f"RT @b1: x {j}"} for j in range(5)]
    posts += [{"id": f"o{j}", "acc": "b0", "t": 1 + j, "text": f"Vote b 0 {j}"} for j in range(5)]
    res = _run(
        tmp_path / "ds",
        _accounts("a", 6) + _accounts("b", 6) + _accounts("c", 6) + _accounts("d", 6),
        posts,
        {
            g: [f"{p}{i}" for i in range(6)]
            for g, p in (("g0001", "a"), ("g0002", "b"), ("g0003", "c"), ("g0004", "d"))
        },
    )

    def sign(gid: str) -> list[str]:
        return [i for i in res[gid]["inauthenticity_indicators"] if i.startswith("machine_text")]

    assert sign("g0001") == ["machine_text: unknown (no texts of the members' own in the data)"]
    assert sign("g0003") == sign("g0001")
    assert sign("g0004") == sign("g0001")
    assert sign("g0002") == []  # known, and nobody slipped: not listed
