"""WhatsApp chat exports (``--format whatsapp``) on fixtures written in the layouts public parsers
and samples show (tests/fixtures/ingest/make_whatsapp.py): detection, the Android and iOS
layouts with known answers, the day/month rule and its refusals, what is skipped and refused,
post ids that de-duplicate across re-exports and layouts, the zip export, and two groups
pushed the same texts by different numbers found by ``vigie detect``."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected, run_cli
from vigie.errors import InputError, VigieError
from vigie.ingest import ingest
from vigie.ingest import whatsapp as wa
from vigie.ingest.detect_format import detect

WA = FIX / "whatsapp"
ANDROID = WA / "WhatsApp Chat with Civic Watch FR.txt"
IOS = WA / "WhatsApp Chat - Civic Watch FR.txt"
IOS_ZIP = WA / "WhatsApp Chat - Civic Watch FR.zip"
QUARTIER = WA / "WhatsApp Chat with Quartier Nord Infos.txt"
AMBIGUOUS = WA / "WhatsApp Chat with Ambiguous Dates.txt"
T1 = "\u26a0\ufe0f URGENT : les bureaux de vote fermeront à 17h dimanche, partagez !"
CIVIC_TEXTS = {
    ("Alice Martin", "2024-06-09 10:05"): (
        "Bienvenue ! Ce groupe suit la désinformation autour des européennes. #Europeennes2024"
    ),
    ("+33600000002", "2024-06-09 10:07"): (
        "Merci @Alice Martin ! Premier signalement :\n"
        "une vidéo truquée circule, voir https://example.org/verif/123?utm_source=whatsapp\n"
        "\n"
        "12/06 : fil complet https://www.example.net/fil (cc @33600000003)"
    ),
    ("Alice Martin", "2024-06-09 10:15"): "Réunion demain 10h",
}
SKIPPED_ANDROID = {
    wa.SYSTEM: 6,
    wa.DELETED: 2,
    wa.MEDIA: 1,
    wa.VIEW_ONCE: 1,
    wa.LOCAL_TIME: 9,
}


def _minute(row: dict) -> str:
    return row["created_at"].strftime("%Y-%m-%d %H:%M")


def _by(rows: dict, account: str, minute: str) -> list[dict]:
    return [r for r in rows.values() if r["account_id"] == account and _minute(r) == minute]


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("path", [ANDROID, IOS, QUARTIER, AMBIGUOUS], ids=lambda p: p.name)
def test_detection(path: Path) -> None:
    assert detect(path) == "whatsapp"


def test_other_text_is_not_taken_for_a_chat(tmp_path: Path) -> None:
    """A log or a note whose first line holds a date, but not a message's, is not a chat."""
    assert not wa.is_export("2024-06-13 21:03:58,123 - root - INFO - started\n")
    assert not wa.is_export("Notes du 13/06/2024 : réunion\n")
    assert not wa.is_export("id,user,text\n1,a,b\n")


def test_android_day_first_24h(tmp_path: Path) -> None:
    """Accounts (phone numbers to + and digits, names as shown), times to the minute read as
    UTC, the multi-line message whole, the edit marker removed, links canonical, hashtags,
    mentions (between isolates; old-style digits as a number); every record's fate counted."""
    ds = tmp_path / "ds"
    report = ingest([ANDROID], ds)
    src = report.sources[0]
    assert (src.format, src.records, src.accepted, src.rejected) == ("whatsapp", 19, 9, 0)
    assert src.skipped == SKIPPED_ANDROID
    posts = posts_by_id(ds)
    assert len(posts) == 9
    assert all(p.startswith("Civic Watch FR/") for p in posts)
    assert {r["platform"] for r in posts.values()} == {"whatsapp"}
    for (account, minute), text in CIVIC_TEXTS.items():
        (row,) = _by(posts, account, minute)
        assert row["text"] == text
    (multi,) = _by(posts, "+33600000002", "2024-06-09 10:07")
    assert multi["created_at"] == datetime(2024, 6, 9, 10, 7, tzinfo=UTC)
    assert multi["urls"] == ["example.org/verif/123", "example.net/fil"]
    assert multi["mentions"] == ["Alice Martin", "+33600000003"]
    (welcome,) = _by(posts, "Alice Martin", "2024-06-09 10:05")
    assert welcome["hashtags"] == ["europeennes2024"] and welcome["media"] == []
    oks = _by(posts, "+33600000005", "2024-06-12 21:03")
    assert sorted(r["text"][:2] for r in oks) == ["ok", "ok", "⚠️"]  # "ok" twice: two posts
    (late,) = _by(posts, "+33600000006", "2024-06-15 09:00")
    assert late["text"].startswith(T1) and late["urls"] == ["example.com/bureaux-17h"]
    accounts = accounts_by_id(ds)
    assert sorted(accounts) == ["+33600000002", "+33600000005", "+33600000006", "Alice Martin"]
    assert accounts["Alice Martin"]["display_name"] == "Alice Martin"
    assert accounts["+33600000005"]["display_name"] is None


def test_ios_layout_and_the_android_export_give_the_same_posts(tmp_path: Path) -> None:
    """The same chat from an iPhone (seconds, brackets, CRLF, U+200E marks, notices as the
    group's messages): the same post ids, texts and accounts, times with their seconds; read
    into one Dataset with the Android export, every post is a duplicate."""
    ios, android = tmp_path / "ios", tmp_path / "android"
    report = ingest([IOS], ios)
    assert report.sources[0].skipped == {
        wa.NOTICE: 6,  # encryption, group created, member added, joined, subject, left
        wa.DELETED: 2,
        wa.MEDIA: 1,
        wa.LOCAL_TIME: 9,
    }
    ingest([ANDROID], android)
    a, i = posts_by_id(android), posts_by_id(ios)
    assert sorted(a) == sorted(i)
    for pid, row in i.items():
        assert (row["account_id"], row["text"], row["urls"], row["mentions"]) == (
            a[pid]["account_id"],
            a[pid]["text"],
            a[pid]["urls"],
            a[pid]["mentions"],
        )
        assert _minute(row) == _minute(a[pid])
    (multi,) = _by(i, "+33600000002", "2024-06-09 10:07")
    assert multi["created_at"] == datetime(2024, 6, 9, 10, 7, 2, tzinfo=UTC)
    both = ingest([ANDROID], ios)
    assert (both.sources[0].accepted, both.duplicates, both.posts) == (9, 9, 9)


def test_zip_export_with_media_reads_its_chat_named_by_the_zip(tmp_path: Path) -> None:
    """An iOS zip "with media" holds ``_chat.txt`` and the photo: the chat is read (told by
    ``auto`` after unpacking), named by the zip, with the same ids as the renamed text."""
    assert sorted(zipfile.ZipFile(IOS_ZIP).namelist()) == [
        "00000007-PHOTO-2024-06-09-10-09-12.jpg",
        "_chat.txt",
    ]
    ds = tmp_path / "ds"
    report = ingest([IOS_ZIP], ds)
    assert report.sources[0].format == "whatsapp"
    assert report.sources[0].skipped[wa.MEDIA] == 1  # <attached: ...PHOTO...jpg>
    ingest([IOS], tmp_path / "txt")
    assert sorted(posts_by_id(ds)) == sorted(posts_by_id(tmp_path / "txt"))
    assert manifest(ds)["sources"][0]["path"] == str(IOS_ZIP)


def test_a_zip_of_other_files_is_still_refused_by_name(tmp_path: Path) -> None:
    """Only a zip whose one chat text is named like an export's is read as a chat among its
    media; another text beside a photo is a data file of its own, refused by its name."""
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("notes.txt", "a\n")
        zf.writestr("photo.jpg", b"\xff\xd8")
    code, out = run_cli(["ingest", str(z), "--into", str(tmp_path / "ds")])
    assert code == 2 and f"{z}/notes.txt: cannot tell the format" in out


def test_android_month_first_12h_with_narrow_no_break_space(tmp_path: Path) -> None:
    """``6/12/24, 9:05\u202fPM``: month-first (told by 6/13), 12 AM as midnight, a caption
    under an attachment as the post's text, a plain ``@name`` as written."""
    ds = tmp_path / "ds"
    report = ingest([QUARTIER], ds)
    assert report.sources[0].skipped == {wa.SYSTEM: 2, wa.LOCAL_TIME: 7}
    posts = posts_by_id(ds)
    assert all(p.startswith("Quartier Nord Infos/") for p in posts)
    times = sorted((_minute(r), r["account_id"]) for r in posts.values())
    assert times == [
        ("2024-06-09 18:02", "+33600000008"),
        ("2024-06-12 21:05", "+33600000007"),
        ("2024-06-13 00:15", "Bob Leroy"),
        ("2024-06-13 07:47", "+33600000007"),
        ("2024-06-13 08:02", "+33600000007"),
        ("2024-06-14 18:23", "+33600000007"),
        ("2024-06-14 23:58", "Bob Leroy"),
    ]
    (caption,) = _by(posts, "+33600000007", "2024-06-13 08:02")
    assert caption["text"] == "Regardez cette affiche, @Bob c'est près de chez toi"
    assert caption["mentions"] == ["Bob"]


def test_ambiguous_dates_are_refused_naming_both_readings(tmp_path: Path) -> None:
    code, out = run_cli(["ingest", str(AMBIGUOUS), "--into", str(tmp_path / "ds")])
    assert code == 2
    assert (
        "4 messages and no day above 12: 01/06/2024 may be day/month or month/day; say which "
        "as the exporting phone wrote dates: --date-format %d/%m/%Y (or --dayfirst), or "
        "--date-format %m/%d/%Y"
    ) in " ".join(out.split())
    assert not (tmp_path / "ds").exists()


@pytest.mark.parametrize(
    ("options", "day"),
    [
        (["--date-format", "%d/%m/%Y"], "2024-06-05"),
        (["--dayfirst"], "2024-06-05"),
        (["--date-format", "%m/%d/%y %H:%M"], "2024-05-06"),
    ],
)
def test_ambiguous_dates_read_as_the_option_says(
    tmp_path: Path, options: list[str], day: str
) -> None:
    ds = tmp_path / "ds"
    code, out = run_cli(["ingest", str(AMBIGUOUS), "--into", str(ds), *options])
    assert code == 0, out
    (row,) = [r for r in posts_by_id(ds).values() if r["account_id"] == "+33600000009"]
    assert row["created_at"].strftime("%Y-%m-%d %H:%M") == f"{day} 18:30"


def test_an_option_the_file_contradicts_is_refused(tmp_path: Path) -> None:
    code, out = run_cli(
        ["ingest", str(ANDROID), "--into", str(tmp_path / "ds"), "--date-format", "%m/%d/%Y"]
    )
    assert code == 2
    assert "line 20 has the date 13/06/2024, which only reads day/month" in " ".join(out.split())


def test_a_date_format_without_day_and_month_is_refused() -> None:
    with pytest.raises(VigieError, match="give the order of day and month"):
        wa.day_order("epoch-ms", False)
    assert wa.day_order("%Y-%m-%d", False) == "mdy"  # only the order is read
    assert wa.day_order(None, False) is None


def test_not_a_chat_is_one_line(tmp_path: Path) -> None:
    for src in (FIX / "generic_posts.jsonl", FIX / "generic_posts.csv"):
        code, out = run_cli(["ingest", str(src), "--into", str(tmp_path / "ds"), "-f", "whatsapp"])
        assert code == 2 and "not a WhatsApp chat export" in out and "Traceback" not in out


def test_a_bare_ios_chat_file_is_refused(tmp_path: Path) -> None:
    bare = tmp_path / "_chat.txt"
    bare.write_bytes(IOS.read_bytes())
    with pytest.raises(InputError, match="names no chat"):
        ingest([bare], tmp_path / "ds")


def test_other_layouts(tmp_path: Path) -> None:
    """Year-first (Nordic), dots (German, Finnish), no comma, ``p. m.``, an en dash, U+202F."""
    src = _write(
        tmp_path,
        "WhatsApp Chat with Layouts.txt",
        [
            "2024-06-13 21:03 - Ann: year first",
            "13.06.24, 21:04 - Ann: dots",
            "[13.06.24 21:05:06] Ann: dots, brackets, no comma",
            "13/06/2024 9:06 p. m. - Ann: Spanish marker",
            "13/06/2024, 21:07 \u2013 Ann: en dash",
            "\u200e[13/06/2024, 9:08:09\u202fPM] Ann: narrow space",
            "13.06.24, 21.10 - Ann: dotted time",
        ],
    )
    ingest([src], tmp_path / "ds")
    got = sorted((r["created_at"], r["text"]) for r in posts_by_id(tmp_path / "ds").values())
    day = datetime(2024, 6, 13, 21, 3, tzinfo=UTC)
    assert [t for t, _ in got] == [
        day,
        day + timedelta(minutes=1),
        day + timedelta(minutes=2, seconds=6),
        day + timedelta(minutes=3),
        day + timedelta(minutes=4),
        day + timedelta(minutes=5, seconds=9),
        day + timedelta(minutes=7),
    ]


def test_refusals_and_text_that_looks_malformed(tmp_path: Path) -> None:
    """An impossible date is refused by line; a line that is not a message's start is text of
    the one before (the format), even when it starts with a date; bytes that are not UTF-8
    refuse their message alone; a system line quoting ``: `` is no message."""
    src = tmp_path / "WhatsApp Chat with Odd.txt"
    src.write_bytes(
        "\n".join(
            [
                "13/06/2024, 10:00 - Ann: first",
                "12/06 is not a header, nor is [this]",
                "31/02/2024, 10:01 - Ann: no such day",
                "13/06/2024, 10:02 - Ann: caf\xe9",
                '13/06/2024, 10:03 - Ann changed the subject from "A: B" to "C"',
                "13/06/2024, 10:04 - Ann: ",
                "13/06/2024, 10:05 - Ann: last",
            ]
        ).encode("utf-8")
        + b"\n13/06/2024, 10:06 - Ann: latin-1 \xe9t\xe9\n"
    )
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    src_report = report.sources[0]
    assert (src_report.records, src_report.accepted, src_report.rejected) == (7, 3, 2)
    assert src_report.skipped == {wa.SYSTEM: 1, wa.EMPTY: 1, wa.LOCAL_TIME: 3}
    texts = sorted(r["text"] for r in posts_by_id(ds).values())
    assert texts == ["café", "first\n12/06 is not a header, nor is [this]", "last"]
    refusals = {r["record"]: (r["reason"], r["field"]) for r in rejected(ds)}
    assert refusals == {3: ("invalid created_at", "created_at"), 8: ("not UTF-8 text", None)}


def test_notices_and_placeholders_without_the_mark(tmp_path: Path) -> None:
    """Older iOS exports: WhatsApp's notices as the group's messages, unmarked; Android's
    media placeholder in another language; a user's text in angle brackets with more kept."""
    src = _write(
        tmp_path,
        "WhatsApp Chat - Veille.txt",
        [
            "[13/06/2024, 10:00:00] Veille: Messages to this group are now secured with "
            "end-to-end encryption.",
            "[13/06/2024, 10:00:01] Veille: Ann added Bo",
            "[13/06/2024, 10:01:00] Ann: <Medien ausgeschlossen>",
            "[13/06/2024, 10:02:00] Ann: <b>gras</b> et plus",
            "[13/06/2024, 10:03:00] Ann: image omitted",
        ],
    )
    report = ingest([src], tmp_path / "ds")
    assert report.sources[0].skipped == {wa.NOTICE: 2, wa.MEDIA: 2, wa.LOCAL_TIME: 1}
    assert [r["text"] for r in posts_by_id(tmp_path / "ds").values()] == ["<b>gras</b> et plus"]


def test_ios_names_holding_a_colon_and_marked_placeholders(tmp_path: Path) -> None:
    """From a real iOS group export: a member named "~ Emmanuel: God With Us" beside another
    "~ Emmanuel" (split at the first ": ", the first one's messages went to the second, the
    rest of the name began the text, and the lines WhatsApp marked after it were kept as
    posts); a document placeholder with marks inside ("... \u2022 \u200e5 pages
    \u200edocument omitted") was kept as a post, the same text for every sender of a PDF."""
    m, nb = "\u200e", "\u202f"
    src = _write(
        tmp_path,
        "WhatsApp Chat - Eire.txt",
        [
            f"[07/12/2023, 18:40:44] ~{nb}Emmanuel: God With Us: {m}~{nb}Emmanuel: God With Us "
            "joined using this group's invite link",
            f"[07/12/2023, 18:41:00] ~{nb}Emmanuel: hello all",
            f"[22/12/2023, 08:44:26] ~{nb}Emmanuel: God With Us: Happy holidays all.",
            f"[02/01/2024, 19:15:57] ~{nb}Emmanuel: God With Us: {m}This message was deleted.",
            f"[12/05/2023, 07:59:58] ~{nb}Shel: summary.docx \u2022 {m}5 pages {m}document omitted",
            f"[12/05/2023, 08:00:00] ~{nb}Shel: note: read it",
        ],
    )
    report = ingest([src], tmp_path / "ds")
    posts = sorted((p["account_id"], p["text"]) for p in posts_by_id(tmp_path / "ds").values())
    assert posts == [
        ("~ Emmanuel", "hello all"),
        ("~ Emmanuel: God With Us", "Happy holidays all."),
        ("~ Shel", "note: read it"),
    ]
    skipped = report.sources[0].skipped
    assert (skipped[wa.NOTICE], skipped[wa.DELETED], skipped[wa.MEDIA]) == (1, 1, 1)


def test_tombstones_in_the_phone_language_are_deleted_messages(tmp_path: Path) -> None:
    """Android writes a deleted message's tombstone in the phone's language, unmarked: each
    is counted as a deleted message, not read as a post that many members "posted"; a
    sentence speaking of a deleted message stays a message."""
    tombstones = [
        "Ce message a été supprimé",
        "Vous avez supprimé ce message",
        "Diese Nachricht wurde gelöscht.",
        "Se eliminó este mensaje.",
        "Essa mensagem foi apagada",
        "Questo messaggio è stato eliminato",
        "Dit bericht is verwijderd",
        "Это сообщение было удалено",
        "Bu mesaj silindi.",
        "تم حذف هذه الرسالة",
    ]
    lines = [f"13/06/2024, 10:{i:02d} - Membre {i}: {text}" for i, text in enumerate(tombstones)]
    lines += [
        "13/06/2024, 11:00 - Ann: Ce message a été supprimé par erreur, je le remets",
        "13/06/2024, 11:01 - Bo: la notice dit que les messages et les appels sont chiffrés",
        # an older iOS export of a group renamed since: the notice as the old name's message
        "13/06/2024, 11:02 - Ancien nom: Les messages et les appels sont chiffrés de bout en "
        "bout. Personne en dehors de ce groupe ne peut les lire.",
    ]
    src = _write(tmp_path, "WhatsApp Chat with Quartier.txt", lines)
    report = ingest([src], tmp_path / "ds")
    skipped = report.sources[0].skipped
    assert skipped.get(wa.DELETED) == len(tombstones) and skipped.get(wa.SYSTEM) == 1
    texts = sorted(r["text"] for r in posts_by_id(tmp_path / "ds").values())
    assert texts == sorted(line.split(": ", 1)[1] for line in lines[-3:-1])


def test_a_message_too_long_is_refused_alone(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(wa, "MAX_MESSAGE_CHARS", 100)
    src = _write(
        tmp_path,
        "WhatsApp Chat with Long.txt",
        ["13/06/2024, 10:00 - Ann: start", *(["x" * 40] * 5), "13/06/2024, 10:01 - Bo: next"],
    )
    report = ingest([src], tmp_path / "ds")
    assert (report.sources[0].accepted, report.sources[0].rejected_reasons) == (
        1,
        {"record too large": 1},
    )


def test_a_line_longer_than_a_chunk_is_read_whole(tmp_path: Path, monkeypatch) -> None:
    """Lines are read in pieces (a file without breaks is never held whole): a long line,
    cut inside a multi-byte character, is one text again."""
    monkeypatch.setattr(wa, "LINE_CHUNK", 36)  # the header whole, then é cut
    text = "élection " * 9
    src = _write(tmp_path, "WhatsApp Chat with Chunks.txt", [f"13/06/2024, 10:00 - Ann: {text}"])
    ingest([src], tmp_path / "ds")
    (row,) = posts_by_id(tmp_path / "ds").values()
    assert row["text"] == text.rstrip()


def test_a_later_export_keeps_the_ids(tmp_path: Path) -> None:
    """Exported again days later (more messages at the end): the same messages, the same ids."""
    later = tmp_path / ANDROID.name
    later.write_text(
        ANDROID.read_text(encoding="utf-8") + "16/06/2024, 08:00 - Alice Martin: suite\n",
        encoding="utf-8",
    )
    ingest([ANDROID], tmp_path / "ds")
    report = ingest([later], tmp_path / "ds")
    assert (report.sources[0].accepted, report.duplicates, report.posts) == (10, 9, 10)


def test_accounts_are_normalised() -> None:
    assert wa.account_of("\u202a+33\u00a06\u00a000\u00a000\u00a000\u00a001\u202c") == "+33600000001"
    assert wa.account_of("+1 (555) 010-0100") == "+15550100100"
    assert wa.account_of("\u200eAlice\u00a0 Martin ") == "Alice Martin"
    assert wa.account_of("+33") == "+33"  # too short for a number: a name as shown
    assert wa.chat_name(Path("WhatsApp Chat with Civic Watch FR (1).txt")) == "Civic Watch FR"
    assert wa.chat_name(Path("Conversa do WhatsApp com Grupo.txt")) == "Grupo"
    assert wa.chat_name(Path("export.txt")) == "export"
    # as the web import saves an upload: the same words, the same post ids
    assert wa.chat_name(Path("WhatsApp_Chat_-_Civic_Watch_FR.txt")) == "Civic Watch FR"
    assert wa.chat_name(Path("WhatsApp Chat - Élections 2024 \U0001f1eb\U0001f1f7.txt")) == (
        wa.chat_name(Path("WhatsApp_Chat_-_Élections_2024__.txt"))
    )


def _campaign_chat(tmp_path: Path, group: str, pushers: list[str], offset: int) -> Path:
    """A group where ``pushers`` post eight texts minutes apart, amid members' chatter."""
    words = ["vote", "bureau", "mairie", "liste", "marché", "école", "route", "impôt", "santé"]
    events = []
    start = datetime(2024, 6, 13, 8, 0)
    for i in range(8):
        text = f"Alerte {i} : le candidat {'ABCDEFGH'[i]} a menti sur {words[i]}, partagez vite"
        for k, who in enumerate(pushers):
            when = start + timedelta(hours=6 * i, minutes=2 * k + offset)
            events.append((when, who, f"{text} https://example.com/a{i}"))
    for j in range(60):
        when = start + timedelta(minutes=(j * 47 + offset * 13) % (48 * 60))
        chatter = " ".join(words[(j + n * offset + n) % len(words)] for n in range(8))
        events.append((when, f"+33 6 00 00 {offset + 3:02d} {j % 20:02d}", chatter))
    lines = [f"{w:%d/%m/%Y, %H:%M} - \u202a{who}\u202c: {text}" for w, who, text in sorted(events)]
    return _write(tmp_path, f"WhatsApp Chat with {group}.txt", lines)


def test_the_same_texts_pushed_in_two_groups_are_found_by_detect(tmp_path: Path) -> None:
    """Two numbers in each of two groups post the same eight texts within minutes: copypasta
    and co-link tie the four across the groups (the group is in the post id, each post its
    sender's), and the members' chatter is left out."""
    east = _campaign_chat(tmp_path, "Groupe Est", ["+33 6 00 00 01 01", "+33 6 00 00 01 02"], 0)
    west = _campaign_chat(tmp_path, "Groupe Ouest", ["+33 6 00 00 02 01", "+33 6 00 00 02 02"], 1)
    ds, out = tmp_path / "ds", tmp_path / "findings"
    ingest([east, west], ds)
    code, said = run_cli(["detect", str(ds), "--out", str(out)])
    assert code == 0, said
    members = pq.read_table(out / "members.parquet").to_pylist()
    assert sorted(m["account_id"] for m in members) == [
        "+33600000101",
        "+33600000102",
        "+33600000201",
        "+33600000202",
    ]
    (group,) = pq.read_table(out / "groups.parquet").to_pylist()
    assert "copypasta" in group["signals"]
