"""Telegram Desktop's HTML export (``--format telegram-html``), on pages written in the
exporter's shape (``tests/fixtures/ingest/make_telegram_html.py``): known answers, the same
posts as the JSON export of the same channel but for the ids, detection, refusals, and
damaged pages that never end in a traceback."""

from __future__ import annotations

import hashlib
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected, run_cli
from vigie.errors import InputError
from vigie.ingest import ingest, telegram_html
from vigie.ingest.detect_format import detect
from vigie.ingest.model import VALUE_NOTES
from vigie.ingest.telegram import FORWARD
from vigie.ingest.telegram_html import NO_OFFSET, OTHER_CHAT, STANDARD_OFFSET, parse_time

HERE = FIX / "telegram_html"
CHANNEL = HERE / "channel"
PAGES = [CHANNEL / "messages.html", CHANNEL / "messages2.html"]
GROUP = HERE / "full_export" / "chats" / "chat_001" / "messages.html"
K = "tg-html:Wahl Kanal:"
G = "tg-html:Wahlhelfer Berlin:"


def _sha(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_channel_pages(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest(PAGES, ds)
    assert [s.format for s in report.sources] == ["telegram-html", "telegram-html"]
    assert [s.warnings for s in report.sources] == [[], []]  # both pages given
    posts = posts_by_id(ds)
    assert sorted(posts) == [K + str(i) for i in (2, 3, 4, 5, 6, 8)]
    p = posts[K + "2"]
    assert p["account_id"] == "tg-html:Wahl Kanal" and p["platform"] == "telegram"
    assert p["created_at"] == _utc(2021, 9, 20, 10, 15, 30)  # 13:15:30 UTC+03:00
    assert p["text"] == (
        "Neue Umfrage #Bundestagswahl hier: https://www.example.org/umfrage?utm_source=tg"
        " und Quelle via @wahlbeobachter"
    )
    assert p["urls"] == ["example.org/umfrage", "quelle.example.com/a"]  # link + text link
    assert p["hashtags"] == ["bundestagswahl"] and p["mentions"] == ["wahlbeobachter"]
    assert p["media"] == [_sha(CHANNEL / "photos" / "photo_1@20-09-2021_13-15-30.jpg")]
    # the joined message is the channel's too, and answers message 2
    assert posts[K + "3"]["account_id"] == "tg-html:Wahl Kanal"
    assert posts[K + "3"]["reply_to"] == K + "2"
    assert posts[K + "6"]["reply_to"] == K + "2"  # a reply to the previous page
    fwd = posts[K + "4"]
    assert fwd["text"] == "Weitergeleitet #btw21" and fwd["repost_of"] is None
    doc = posts[K + "5"]
    assert doc["text"] == 'Wahlprogramm ist da.\nLesen: hier – "Zukunft & Mut"'
    assert doc["urls"] == ["example.org/programm"]
    assert doc["media"] == [_sha(CHANNEL / "files" / "wahlprogramm.pdf")]
    assert posts[K + "6"]["urls"] == ["wahl.example.org/termine"]
    assert posts[K + "8"]["hashtags"] == ["btw21", "wahl"]
    acc = accounts_by_id(ds)
    assert list(acc) == ["tg-html:Wahl Kanal"]
    assert acc["tg-html:Wahl Kanal"]["display_name"] == "Wahl Kanal"
    first, second = manifest(ds)["sources"]
    assert (first["records"], first["accepted"], first["rejected"]) == (5, 4, 0)
    assert (second["records"], second["accepted"], second["rejected"]) == (3, 2, 0)
    assert first["skipped"] == {
        FORWARD: 1,
        "telegram: service message (not a post)": 1,
        STANDARD_OFFSET: 4,
    }
    assert second["skipped"] == {"telegram: service message (not a post)": 1, STANDARD_OFFSET: 2}


def test_group_of_a_full_export(tmp_path: Path) -> None:
    """Several senders; a ``joined`` run takes its sender from the message before it;
    an older Desktop's dates (no offset) are read as UTC and counted."""
    ds = tmp_path / "ds"
    ingest([GROUP], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == [G + str(i) for i in (101, 102, 103, 104, 105, 106, 108, 109)]
    by = {k.removeprefix(G): v["account_id"].removeprefix("tg-html:") for k, v in posts.items()}
    assert by == {
        "101": "Anna Schmidt",
        "102": "Anna Schmidt",  # joined
        "103": "Bernd Meier",  # "Bernd Meier via @umfragebot"
        "104": "Deleted Account (Wahlhelfer Berlin)",
        "105": "Bernd Meier",
        "106": "Bernd Meier",  # joined
        "108": "Carla Wolf",  # a forward: the sender is who forwarded it
        "109": "Deleted Account (Wahlhelfer Berlin)",
    }
    assert posts[G + "101"]["created_at"] == _utc(2021, 9, 21, 18, 0)
    assert posts[G + "101"]["urls"] == ["wahl.example.org/info"]
    assert posts[G + "101"]["hashtags"] == ["wahlhelfer"]
    odd = posts[G + "103"]  # bot command, cashtag, e-mail, phone, mention by name, emoji
    assert odd["text"] == "/start $EUR info@example.org +4930123456\nDanke Anna \U0001f44d"
    assert (odd["urls"], odd["hashtags"], odd["mentions"]) == ([], [], [])
    photo = GROUP.parent / "photos" / "photo_1@21-09-2021_18-05-00.jpg"
    assert posts[G + "105"]["media"] == [_sha(photo)]  # linked as ../../chats/chat_001/...
    assert posts[G + "105"]["reply_to"] is None  # into another chat: no id in the HTML
    assert posts[G + "106"]["reply_to"] == G + "101"
    assert posts[G + "106"]["mentions"] == ["anna_s"]
    names = {k: v["display_name"] for k, v in accounts_by_id(ds).items()}
    assert names["tg-html:Bernd Meier"] == "Bernd Meier"
    assert names["tg-html:Deleted Account (Wahlhelfer Berlin)"] == "Deleted Account"
    src = manifest(ds)["sources"][0]
    assert (src["records"], src["accepted"], src["rejected"]) == (10, 8, 0)
    assert src["skipped"] == {
        FORWARD: 1,
        OTHER_CHAT: 1,
        "telegram: service message (not a post)": 2,
        NO_OFFSET: 8,
    }


def _by_message(ds: Path, prefix: str) -> dict[int, dict]:
    """Each post by its message id, its reply as a message id: the ids' forms set aside."""
    out = {}
    for pid, post in posts_by_id(ds).items():
        mid = int(pid.removeprefix(prefix))
        reply = post["reply_to"]
        post = dict(post, reply_to=int(reply.removeprefix(prefix)) if reply else None)
        out[mid] = {k: v for k, v in post.items() if k not in ("post_id", "account_id")}
    return out


def test_the_same_channel_as_the_json_export_but_for_the_ids(tmp_path: Path) -> None:
    """What the JSON export of the channel gives, field for field (text, time, links,
    hashtags, mentions, media, replies), under other ids: the HTML has no chat or user id,
    so the two exports of one chat are two sets of posts (said in docs/sources.md)."""
    ingest(PAGES, tmp_path / "html")
    ingest([CHANNEL / "result.json"], tmp_path / "json")
    html = _by_message(tmp_path / "html", K)
    json_ = _by_message(tmp_path / "json", "1500000099:")
    assert html == json_
    assert list(accounts_by_id(tmp_path / "json")) == ["channel1500000099"]
    both = ingest([CHANNEL / "result.json", *PAGES], tmp_path / "both")
    assert both.duplicates == 0 and both.posts == 12


@pytest.mark.parametrize(
    ("title", "utc", "offset"),
    [
        ("20.09.2021 13:15:30 UTC+03:00", _utc(2021, 9, 20, 10, 15, 30), True),
        ("01.02.2024 08:00:00 UTC-05:30", _utc(2024, 2, 1, 13, 30), True),
        ("01.02.2024 08:00:00 UTC+00:00", _utc(2024, 2, 1, 8, 0), True),
        ("01.02.2024 08:00:00 UTC", _utc(2024, 2, 1, 8, 0), True),
        ("01.02.2024 08:00:00 GMT+2", _utc(2024, 2, 1, 6, 0), True),
        ("01.02.2024 08:00:00 UTC\u221203:00", _utc(2024, 2, 1, 11, 0), True),
        ("01.02.2024 08:00:00", _utc(2024, 2, 1, 8, 0), False),  # Desktop before 3.7.6
        ("01.02.2024 08:00:00 Mitteleuropäische Zeit", _utc(2024, 2, 1, 8, 0), False),
    ],
)
def test_date_titles(title: str, utc: datetime, offset: bool) -> None:
    assert parse_time(title) == (utc, offset)


@pytest.mark.parametrize(
    "title",
    ["gestern", "2021-09-20 13:15:30", "31.02.2021 10:00:00", "20.09.2021 13:15:30 UTC+15:00"],
)
def test_broken_date_titles(title: str) -> None:
    with pytest.raises(ValueError):
        parse_time(title)


def test_detection() -> None:
    for page in [*PAGES, GROUP]:
        assert detect(page) == "telegram-html"
    assert detect(CHANNEL / "result.json") == "telegram"
    with pytest.raises(InputError, match="holds no messages"):
        detect(HERE / "full_export" / "export_results.html")


def test_a_page_left_out_is_named(tmp_path: Path) -> None:
    """Each page is read on its own: one page alone is said to leave the others out."""
    report = ingest([PAGES[1]], tmp_path / "ds")
    (warning,) = report.sources[0].warnings
    assert "1 more page(s) not given (messages.html)" in warning
    assert "messages*.html" in warning
    assert manifest(tmp_path / "ds")["sources"][0]["warnings"] == [warning]


def _page(tmp_path: Path, edit: callable) -> Path:  # type: ignore[valid-type]
    src = tmp_path / "messages.html"
    src.write_text(edit(PAGES[0].read_text(encoding="utf-8")), encoding="utf-8")
    return src


def test_refused_messages_say_why(tmp_path: Path) -> None:
    def damage(html: str) -> str:
        html = html.replace('title="20.09.2021 13:15:30 UTC+03:00"', 'title="gestern"')
        html = html.replace('id="message4"', 'id="messageX"')
        html = html.replace(' title="20.09.2021 14:05:00 UTC+03:00"', "")
        return html

    ds = tmp_path / "ds"
    ingest([_page(tmp_path, damage)], ds)
    got = {r["record"]: (r["reason"], r["field"], r["detail"]) for r in rejected(ds)}
    assert got == {
        f"message 2 (line {_line_of('message2')})": (
            "invalid date",
            "date",
            "not a Telegram Desktop date (DD.MM.YYYY HH:MM:SS): 'gestern'",
        ),
        f"line {_line_of('message4')}": ("missing message id", "id", "'messageX'"),
        f"message 5 (line {_line_of('message5')})": (
            "invalid date",
            "date",
            "missing (no date title)",
        ),
    }
    # message 3 continues message 2's run: its sender is known though 2 was refused
    assert posts_by_id(ds)[K + "3"]["account_id"] == "tg-html:Wahl Kanal"


def _line_of(mark: str) -> int:
    text = PAGES[0].read_text(encoding="utf-8")
    return text[: text.index(mark)].count("\n") + 1


def test_a_joined_message_without_one_before_it(tmp_path: Path) -> None:
    """A run's first message names its sender; a ``joined`` one with none before it (a page
    edited or damaged) cannot be given one, and is refused rather than guessed."""

    def damage(html: str) -> str:
        start, end = (
            html.index('<div class="message default clearfix" id="message2">'),
            (html.index('<div class="message default clearfix joined" id="message3">')),
        )
        return html[:start] + html[end:]

    ds = tmp_path / "ds"
    ingest([_page(tmp_path, damage)], ds)
    (refusal,) = rejected(ds)
    assert refusal["reason"] == "unknown sender" and refusal["field"] == "from_name"
    assert refusal["record"].startswith("message 3 ")


def test_a_cut_page_keeps_the_messages_before_the_cut(tmp_path: Path) -> None:
    def cut(html: str) -> str:
        return html[: html.index("Wahlprogramm</strong>")]

    ds = tmp_path / "ds"
    report = ingest([_page(tmp_path, cut)], ds)
    assert sorted(posts_by_id(ds)) == [K + "2", K + "3", K + "4"]
    (refusal,) = rejected(ds)
    assert refusal["reason"] == "message cut short" and refusal["record"].startswith("message 5")
    assert report.sources[0].records == 5


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("<html><body><p>Wahl</p></body></html>", "not a Telegram Desktop HTML export"),
        ('{"name": "x", "messages": []}', "--format telegram"),
        ("", "not a Telegram Desktop HTML export"),
    ],
)
def test_a_file_that_is_no_chat_page_is_one_line(tmp_path: Path, content: str, said: str) -> None:
    src = tmp_path / "page.html"
    src.write_text(content, encoding="utf-8")
    code, out = run_cli(["ingest", str(src), "--into", str(tmp_path / "ds"), "-f", "telegram-html"])
    assert code in (1, 2) and said in out and "Traceback" not in out
    assert not (tmp_path / "ds").exists()


def test_the_export_summary_page_is_refused_by_name(tmp_path: Path) -> None:
    summary = HERE / "full_export" / "export_results.html"
    code, out = run_cli(["ingest", str(summary), "--into", str(tmp_path / "ds")])
    assert code == 2 and "holds no messages" in out and "chats/chat_*/messages*.html" in out


@pytest.mark.parametrize("forced", [[], ["-f", "telegram-html"]])
def test_an_element_matrix_export_is_not_called_telegram(tmp_path: Path, forced: list) -> None:
    """Element's HTML export of a Matrix room is titled "Exported Data" too (a real one
    was refused as a Telegram page "that holds no messages"): named for what it is."""
    page = tmp_path / "messages.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Exported Data</title></head><body>'
        '<section id="matrixchat"><div class="mx_MatrixChat_wrapper"><div class="mx_MatrixChat">'
        '<main class="mx_RoomView"></main></div></div></section></body></html>',
        encoding="utf-8",
    )
    code, out = run_cli(["ingest", str(page), "--into", str(tmp_path / "ds"), *forced])
    out = " ".join(out.split())
    assert code == 2 and "Matrix room exported by Element" in out and "holds no" not in out


def test_the_json_format_on_a_page_names_the_html_one(tmp_path: Path) -> None:
    code, out = run_cli(["ingest", str(PAGES[0]), "--into", str(tmp_path / "ds"), "-f", "telegram"])
    assert code == 2 and "--format telegram-html" in out


def test_read_in_small_pieces_is_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page is fed in pieces: a piece may end inside a tag, an entity or a character."""

    def rows(path: Path) -> list:
        return [r for b in telegram_html.read(path) for r in b.posts.to_pylist()]

    whole = rows(GROUP)
    monkeypatch.setattr(telegram_html, "CHUNK", 7)
    assert rows(GROUP) == whole


def test_many_messages_come_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = PAGES[0].read_text(encoding="utf-8")
    start = html.index('<div class="message default clearfix" id="message2">')
    end = html.index('<div class="message default clearfix" id="message4">')
    one = html[start:end]  # message 2, and 3 which continues its run
    many = "".join(
        re.sub(r'id="message(\d)"', lambda m, i=i: f'id="message{i * 10 + int(m[1])}"', one)
        for i in range(1, 301)
    )
    src = tmp_path / "messages.html"
    src.write_text(html[:start] + many + html[end:], encoding="utf-8")
    monkeypatch.setattr(telegram_html, "BATCH_ROWS", 100)
    batches = list(telegram_html.read(src))
    assert len(batches) > 5
    assert sum(b.posts.num_rows for b in batches) == 600 + 2
    assert not any(b.rejected for b in batches)


MUTATIONS = ("cut", "flip", "nul", "dup-line", "drop-end-tag", "stray-message", "deep", "latin1")


def _mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    if kind == "cut":
        return data[:i]
    if kind == "flip":
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
    if kind == "nul":
        return data[:i] + b"\x00" + data[i:]
    if kind == "dup-line":
        lines = data.split(b"\n")
        j = rng.randrange(len(lines))
        return b"\n".join([*lines[: j + 1], lines[j], *lines[j + 1 :]])
    if kind == "drop-end-tag":
        ends = [m.start() for m in re.finditer(rb"</div>", data)]
        j = rng.choice(ends)
        return data[:j] + data[j + 6 :]
    if kind == "stray-message":
        return data[:i] + b'<div class="message default clearfix joined" id="message77">' + data[i:]
    if kind == "deep":
        return data[:i] + b"<div>" * 3000 + data[i:]
    return data.decode("utf-8").encode("latin-1", "replace")


@pytest.mark.parametrize("seed", range(24))
def test_damaged_pages_never_crash(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    page = [*PAGES, GROUP][seed % 3]
    kind = MUTATIONS[seed % len(MUTATIONS)]
    src = tmp_path / "messages.html"
    src.write_bytes(_mutate(page.read_bytes(), kind, rng))
    code, said = run_cli(["ingest", str(src), "--into", str(tmp_path / "ds")])
    assert code in (0, 1, 2), said
    assert "Traceback" not in said, said
    if code:
        assert said.strip()
        return
    for s in manifest(tmp_path / "ds")["sources"]:  # every message read has a fate
        notes = sum(n for k, n in s["skipped"].items() if not k.startswith(VALUE_NOTES))
        assert s["accepted"] + s["rejected"] + notes == s["records"], (kind, s)


def test_web_import_previews_a_page_whole(tmp_path: Path) -> None:
    """An HTML page cannot be cut by line: the import preview reads it whole."""
    pytest.importorskip("fastapi")
    from vigie.web.views.imports import _head

    assert _head(PAGES[0], "telegram-html", tmp_path) == PAGES[0]
