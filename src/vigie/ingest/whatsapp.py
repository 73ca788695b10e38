"""WhatsApp chat exports ("Export chat", a ``.txt`` or the ``.zip`` holding it), read as posts.

Why: WhatsApp is a main vector of election disinformation where it is the main messenger, and
it has no API for researchers. Fact-checkers and researchers study it through the public and
political groups they join, or that tipline users forward, by exporting those chats from a
phone: "Export chat" -> "Without media" gives ``WhatsApp Chat with <group>.txt`` (Android) or
``WhatsApp Chat - <group>.zip`` holding ``_chat.txt`` (iOS); "Include media" adds the media
files beside it in the zip.

WhatsApp documents the feature in its help centre only, not the file. The layout below was
checked against several independent readers of it, and against published samples:
Pustur's ``whatsapp-chat-parser`` (JavaScript: ``src/parser.ts``'s line patterns, ``src/date.ts``
on telling day from month), joweich's ``chat-miner`` (``chatminer/chatparsers.py`` and its
test logs), lucasrodes' ``whatstk`` (``whatsapp/auto_header.py`` and the header formats it
lists), Linus Willner's "WhatsApp export inconsistencies" notes (user and system messages,
attachments, per platform) and pauloneves' ``bolsozap`` (a Brazilian group's export: phone
numbers wrapped in U+202A...U+202C, the Portuguese file name). Read here:

- A message starts on a line that starts with its time: Android ``31/12/2023, 23:59 - Name:
  text``, iOS ``[31/12/2023, 23:59:58] Name: text``. The date is day-first or month-first as
  the phone's locale writes it (``12/31/23``), with a 2- or 4-digit year, separated by ``/``,
  ``.`` or ``-`` (``31.12.23``), or year-first (``2023-12-31``, as Nordic locales write it);
  the time is 24-hour or 12-hour (``11:59 PM``, ``11:59 p. m.``, with a space, a no-break
  space or the narrow no-break space U+202F before the marker), with ``:`` or ``.`` between
  its parts, with seconds on iOS (and in a few Android locales). iOS may start a line with
  the mark U+200E.
- Every following line that does not start so belongs to that message (a message holds line
  breaks). A line that looks malformed is therefore text, never a refusal: that is the format.
- ``Name`` is the sender as the exporting phone shows it: a saved contact's name, or the phone
  number of someone it has not saved (``+33 6 12 34 56 78``, with U+202A/U+202C marks around
  it and no-break spaces inside on Android). A line whose time is followed by no ``Name: ``
  is WhatsApp's own (encryption notice, group created or renamed, members added, joined by
  link or left): skipped and counted. iOS writes those as messages of the *group*, with the
  text marked by U+200E; they are told by that mark, by the sender being the group, and the
  encryption notice by its words (older exports lack the mark). A ``Name`` with an unbalanced
  quote is the start of such a notice quoting a subject that holds ``: `` (``Ann changed the
  subject from "Vote: yes"``).
- WhatsApp marks what it writes itself in a message with U+200E (iOS: ``image omitted``,
  ``This message was deleted.``, ``<attached: 00000012-PHOTO-2023-12-31-23-59-58.jpg>``;
  Android, with media: ``IMG-20231231-WA0003.jpg (file attached)``); older exports and
  Android's ``<Media omitted>``, ``This message was deleted``, ``You deleted this message``
  and ``null`` (view-once media) are unmarked and told by their words: the tombstones and the
  encryption notice in English, French, German, Spanish, Portuguese, Italian, Dutch, Russian
  and Turkish (the tombstone in Arabic too, ``DELETED_TEXT``); a message that is only words in
  angle brackets is Android's media placeholder in another language. Unmarked placeholders
  in yet other languages are read as text (short ones, which copypasta leaves out), as is
  ``<This message was edited>`` in another language.

Mapping, and why:

- **Platform** ``whatsapp``. **Account**: the sender as written, marks removed; a phone number
  reduced to ``+`` and its digits (``+33612345678``), so that the same number written with
  different spaces is one account; a contact name as shown (spaces normalised). These are
  personal data (phone numbers, names from someone's address book): they are kept as they are,
  not hashed, because analysts must be able to look an account up; the Dataset must be handled
  accordingly (``docs/sources.md``). Another member's export of the same group names the same
  people by *their* contact names: accounts of two phones' exports merge only where both show a
  phone number, or the same name.
- **Chat**: the group's name, from the file's name (``WhatsApp Chat with <group>.txt``,
  ``WhatsApp Chat - <group>.zip``; otherwise the file's name itself), as its words (letters
  and digits; see ``chat_name``). The schema has no
  channel column, so it leads the post id: ``<group>/<digest>``. The same text posted in two
  groups is then two posts, each of its sender, which copypasta and co-link compare across
  groups. A bare ``_chat.txt`` names no group and is refused (ingest the ``.zip``, or rename
  it): two chats read under one name would merge their identical messages.
- **Post id**: an export has no message ids, so the id is a digest of what an export of the
  same message always shows: the group, the time *to the minute*, the account, the text, and
  how many identical (minute, account, text) messages came before it in the file (the same
  "ok" sent twice in a minute is two posts). Re-exporting the chat later, or from the same
  phone in another locale, gives the same ids and de-duplicates; so do an Android and an iOS
  export of the same group when both phones show the senders alike and share a time zone: the
  minute is used because Android's time has no seconds, which iOS's has. Two exports made in
  different time zones do not de-duplicate (their local times differ); nor do messages whose
  text differs (edited between the exports).
- **Time**: the exporting phone's local time, with no zone written: read as UTC, and counted
  in the manifest as ``time estimated: WhatsApp ...`` (a note on accepted posts, as yt-dlp's
  estimated comment times are). No offset is applied (ingest has no such option): shift the
  times yourself if you compare with platforms in UTC. Whether ``05/06/24`` is day-first or
  month-first is told from the file: the first date whose first or second field is above 12
  settles it (the file is scanned until one is found); a file with none is refused in one line
  naming the two readings, unless ``--date-format %d/%m/%y`` (or ``--dayfirst``) or
  ``--date-format %m/%d/%y`` says which; only the order of ``%d`` and ``%m`` is read from it.
  An option that contradicts the file (a day-first date above 12 read month-first) is refused.
- **Text**: the message's lines, WhatsApp's ``<This message was edited>`` suffix removed and
  the direction marks it inserts (U+200E/F, U+202A-E, U+2066-9) removed. URLs and hashtags are
  read from it as for every text source. **Mentions**: ``@`` followed by a name between the
  isolates U+2068/U+2069 (how recent exports write a mention), read as an account like a sender;
  ``@`` and a phone number's digits (``@33612345678``, how older ones write it), read as
  ``+33612345678``; any other ``@name`` as written.
- **Media**: an export "without media" holds no file, and an attachment's file name is local
  to the export: nothing identifies the content, so ``media`` stays empty. A message that is
  only a media placeholder is skipped and counted; a caption written under an Android
  attachment is the post's text. Forwarded messages are not marked in exports: a forward is a
  post of the member who forwarded it.

Skipped and counted in the manifest: WhatsApp's notices, deleted messages, media without text,
view-once media, messages without text. Refused by record (the line its time is on): a time
that is no date (``31/02``), a message that is not UTF-8 or longer than ``MAX_MESSAGE_CHARS``.
The file is read line by line: memory is bounded by the longest message, not by the chat.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vigie.errors import InputError, VigieError
from vigie.ingest.model import (
    BATCH_ROWS,
    MAX_DT,
    MIN_DT,
    VALUE_NOTES,
    Batch,
    Rejected,
    RowBuffer,
    excerpt,
)
from vigie.ingest.records import BadField, Row, Skip, text_post

PLATFORM = "whatsapp"
IOS_CHAT = "_chat.txt"
"""The name iOS gives the chat inside its export's zip: the group is named by the zip alone."""
FILE_PREFIXES = ("WhatsApp Chat with ", "WhatsApp Chat ", "Conversa do WhatsApp com ")
"""How exports name their file before the group, read as words (Android's ``WhatsApp Chat with
<group>``, iOS's ``WhatsApp Chat - <group>``, Brazilian Portuguese's), longest first."""
MAX_MESSAGE_CHARS = 1 << 20
"""WhatsApp caps a message at 65,536 characters; a "message" of over a million is a file that
is not what it seems, refused rather than held in memory."""
LINE_CHUNK = 1 << 16
"""Bytes read at a time from one line: a file without line breaks is read in pieces."""

LOCAL_TIME = (
    VALUE_NOTES[2] + "WhatsApp message times (the exporting phone's local time, no time zone "
    "written: read as UTC; Android's to the minute)"
)
SYSTEM = "whatsapp: WhatsApp's notice (no sender: encryption, group created or renamed, members)"
NOTICE = "whatsapp: a line WhatsApp wrote as a message (of the group, or marked U+200E)"
DELETED = "whatsapp: deleted message"
MEDIA = "whatsapp: media without text (an export holds no id of the file)"
VIEW_ONCE = "whatsapp: view-once media (null)"
EMPTY = "whatsapp: a message without text"

MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
"""Direction marks and isolates WhatsApp inserts around names, numbers, mentions and its own
texts (and a byte-order mark): invisible, and not the same in every export of one message."""
_MARKS = re.compile(f"[{MARKS}]")
_SP = "[ \u00a0\u202f]"
HEADER = re.compile(
    r"(?P<br>\[)?"
    r"(?P<a>\d{1,4})(?P<sep>[./-]) ?(?P<b>\d{1,2})(?P=sep) ?(?P<c>\d{1,4})\.?"
    rf",?{_SP}+"
    r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?"
    rf"(?:{_SP}?(?P<p>[AaPp])\.?{_SP}?[Mm]\.?)?"
    rf"(?(br)\]{_SP}|{_SP}[-\u2013]{_SP})"
)
"""A message's first line: its date and time, then ``] `` (iOS) or `` - `` (Android)."""
PHONE = re.compile(r"\+[\d ()./-]{5,30}")
ENCRYPTION = re.compile(
    r"(Messages and calls are end-to-end encrypted|Messages to this (group|chat)"
    r"( and calls)? are now secured with end-to-end encryption"
    r"|Les messages et les appels sont chiffrés de bout en bout"
    r"|Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt"
    r"|Los mensajes y las llamadas están cifrados de extremo a extremo"
    r"|As mensagens e as chamadas são (criptografadas|protegidas) de ponta a ponta"
    r"|I messaggi e le chiamate sono crittografati end-to-end"
    r"|Berichten en oproepen zijn end-to-end versleuteld"
    r"|Сообщения и звонки защищены сквозным шифрованием"
    r"|Mesajlar ve aramalar uçtan uca şifrelidir)"
)
DELETED_TEXT = re.compile(
    r"(This message was deleted|You deleted this message"
    r"|Ce message a été supprimé|Vous avez supprimé ce message"
    r"|Diese Nachricht wurde gelöscht|Du hast diese Nachricht gelöscht"
    r"|Se eliminó este mensaje|Este mensaje fue eliminado|Eliminaste este mensaje"
    r"|Essa mensagem foi apagada|Mensagem apagada|Você apagou esta mensagem"
    r"|Questo messaggio è stato eliminato|Hai eliminato questo messaggio"
    r"|Dit bericht is verwijderd|Je hebt dit bericht verwijderd"
    r"|Это сообщение было удалено|Данное сообщение удалено|Вы удалили это сообщение"
    r"|Bu mesaj silindi|Bu mesajı sildiniz"
    r"|تم حذف هذه الرسالة)\.?"
)
"""Android writes a deleted message's tombstone in the phone's language, unmarked: the
European languages vigie's users meet most, Russian, Turkish and Arabic. A whole message only
(``fullmatch``): a sentence that speaks of a deleted message is a message."""
MEDIA_LINE = re.compile(
    r"<Media omitted>|(image|video|audio|sticker|GIF|document|Contact card) omitted"
    r"|.* document omitted|<attached: [^>]*>|\S.* \(file attached\)",
    re.IGNORECASE,
)
ANGLED = re.compile(r"<[^<>\n]{2,60}>")
"""A whole message in angle brackets: how Android writes its placeholders, in any language."""
EDITED = re.compile(r"[\s\u200e]*<This message was edited>\s*$")
MENTION = re.compile(
    r"(?<![\w@])@(?:\u2068([^\u2069\n]{1,100})\u2069|(\+?\d{6,15})\b|([^\W\d_][\w.-]*))"
)
"""``@`` then a name between isolates, a phone number's digits, or a word (not an e-mail's)."""


# --- what the file is --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Header:
    """The date and time fields of a message's first line, as written."""

    a: str
    b: str
    c: str
    sep: str
    hour: int
    minute: int
    second: int | None
    pm: bool | None  # None: 24-hour clock
    rest: str  # what follows the time: "Name: text", or WhatsApp's notice

    @property
    def year_first(self) -> bool:
        return len(self.a) == 4

    def order_hint(self) -> str | None:
        """``dmy`` or ``mdy`` when this date settles the order (a field above 12), else None."""
        if self.year_first:
            return None
        a, b = int(self.a), int(self.b)
        if 12 < a <= 31 and b <= 12:
            return "dmy"
        if 12 < b <= 31 and a <= 12:
            return "mdy"
        return None

    def shown(self) -> str:
        return f"{self.a}{self.sep}{self.b}{self.sep}{self.c}"


def header_of(line: str) -> Header | None:
    """The header of ``line`` if it starts a message (leading marks allowed), else None."""
    text = line.lstrip(MARKS)
    m = HEADER.match(text)
    if m is None:
        return None
    a, c = m["a"], m["c"]
    if not ((len(a) == 4 and len(c) <= 2) or (len(a) <= 2 and len(c) in (2, 4))):
        return None  # 3-digit fields, or a year in the middle: no date WhatsApp writes
    p = m["p"]
    return Header(
        a,
        m["b"],
        c,
        m["sep"],
        int(m["H"]),
        int(m["M"]),
        int(m["S"]) if m["S"] is not None else None,
        None if p is None else p in "Pp",
        text[m.end() :],
    )


def is_export(text: str) -> bool:
    """For ``--format auto``: the first line of ``text`` (a file's head) starts a message."""
    for line in text.split("\n", 5)[:5]:
        if line.strip(MARKS + " \t\r"):
            return header_of(line) is not None
    return False


def is_chat_file_name(name: str) -> bool:
    """Whether a zip member is an export's chat (the zip also holds media with "Include media")."""
    low = name.lower()
    return name == IOS_CHAT or (low.endswith(".txt") and "whatsapp" in low)


def chat_name(path: Path) -> str:
    """The group's name from the export's file name: its words (letters and digits), one space
    apart, without WhatsApp's prefix; a bare ``_chat.txt`` is refused.

    Why words only: the web import saves an upload with its spaces, emoji and punctuation made
    ``_`` (``WhatsApp_Chat_with_Civic_Watch_FR.txt``); read as words, the same export ingested
    from the command line and from the browser gives the same post ids."""
    name = path.name
    if name == IOS_CHAT:
        raise InputError(
            "an iOS WhatsApp export's _chat.txt names no chat, and vigie keeps each chat's "
            "messages apart by its name: ingest the export's zip (WhatsApp Chat - GROUP.zip) "
            "as it is, or rename the file 'WhatsApp Chat - GROUP.txt'",
            file=str(path),
        )
    if name.lower().endswith(".txt"):
        name = name[:-4]
    name = re.sub(r" \(\d+\)$", "", name)  # a second download of the same export: "... (1)"
    words = " ".join(re.sub(r"[\W_]+", " ", name).split())
    for prefix in FILE_PREFIXES:
        if words.startswith(prefix) and len(words) > len(prefix):
            return words[len(prefix) :]
    return words or "chat"


def _spaced(text: str) -> str:
    """``text`` without marks, its runs of spaces (no-break ones too) made one space."""
    return " ".join(_MARKS.sub("", text).split())


# --- the day/month order -----------------------------------------------------------------


def day_order(date_format: str | None, dayfirst: bool) -> str | None:
    """The order the options give (``dmy``, ``mdy``), or None to tell it from the file.

    Why read only the order: the layout (separators, clock, brackets) is read from each line;
    what a line cannot tell is whether ``05/06`` is the 5th of June or May the 6th."""
    if dayfirst:
        return "dmy"
    if date_format is None:
        return None
    d, m = date_format.find("%d"), date_format.find("%m")
    if d < 0 or m < 0:
        raise VigieError(
            f"--date-format {date_format!r}: for a WhatsApp export, give the order of day and "
            "month as the phone wrote dates: %d/%m/%y (or --dayfirst) or %m/%d/%y"
        )
    return "dmy" if d < m else "mdy"


@dataclass
class _Scan:
    """What reading the file's headers up to the first date that settles the order found."""

    headers: int = 0
    order: str | None = None
    where: tuple[int, str] | None = None  # the line and date that settled it
    ambiguous: Header | None = None  # a date the order matters for


def _scan(path: Path) -> _Scan:
    """Read the headers until one settles the order; refuse a file that starts otherwise.

    Why no bound on the lines read: a busy chat can fill days 1 to 12 of a month with
    thousands of messages, and a bound would refuse a file whose order can be told; the scan
    holds one line at a time and stops at the first date above 12, and WhatsApp caps an
    export at some 40,000 messages, so reading one to its end costs a second or two."""
    scan = _Scan()
    first = True
    for lineno, line, starts, _ in _lines(path):
        if not starts:
            continue
        head = header_of(line)
        if first:
            if not line.strip(MARKS + " \t"):
                continue
            if head is None:
                raise InputError(f"{_NOT_EXPORT}; it starts {line[:60]!r}", file=str(path))
            first = False
        if head is None:
            continue
        scan.headers += 1
        hint = head.order_hint()
        if hint is not None:
            scan.order, scan.where = hint, (lineno, head.shown())
            return scan
        if scan.ambiguous is None and not head.year_first:
            scan.ambiguous = head
    if first:
        raise InputError("empty file: nothing to ingest", file=str(path))
    return scan


_NOT_EXPORT = (
    "not a WhatsApp chat export: its first line does not start with a message's time, as "
    "'31/12/2023, 23:59 - ' (Android) or '[31/12/2023, 23:59:58] ' (iOS) do"
)
_READINGS = {"dmy": ("%d", "%m", "day/month"), "mdy": ("%m", "%d", "month/day")}


def _pattern(head: Header, order: str) -> str:
    first, second, _ = _READINGS[order]
    year = "%Y" if len(head.c) == 4 else "%y"
    return f"{first}{head.sep}{second}{head.sep}{year}"


def resolve_order(path: Path, given: str | None) -> str | None:
    """The order to read the file's dates in; one line when it cannot be told or the option
    given contradicts the file. None: every date is year-first (no order to choose)."""
    scan = _scan(path)
    if given is not None:
        if scan.order is not None and scan.order != given and scan.where is not None:
            line, shown = scan.where
            raise InputError(
                f"line {line:,} has the date {shown}, which only reads "
                f"{_READINGS[scan.order][2]}: the --date-format (or --dayfirst) given reads "
                f"{_READINGS[given][2]}; drop it (vigie tells this file's order itself)",
                file=str(path),
            )
        return given
    if scan.order is not None or scan.ambiguous is None:
        return scan.order
    head = scan.ambiguous
    raise InputError(
        f"{scan.headers:,} messages and no day above 12: {head.shown()} may be day/month or "
        "month/day; say which as the exporting phone wrote dates: --date-format "
        f"{_pattern(head, 'dmy')} (or --dayfirst), or --date-format {_pattern(head, 'mdy')}",
        file=str(path),
    )


# --- reading lines and messages ----------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, str, bool, str | None]]:
    """``(line number, text, starts, bad)``: each line without its break; ``starts`` is false
    for the later pieces of a line longer than ``LINE_CHUNK`` (read in pieces, so that a file
    without line breaks is never held whole); ``bad`` says why bytes are not UTF-8 (they are
    replaced), else None."""
    with open(path, "rb") as fh:
        lineno, starts, carry = 0, True, b""
        while True:
            piece = fh.readline(LINE_CHUNK)
            raw, carry = carry + piece, b""
            if not raw:
                return
            ends = raw.endswith(b"\n")
            if not ends and piece:  # keep a character cut by the chunk for the next piece
                cut = _cut_character(raw)
                raw, carry = raw[: len(raw) - cut], raw[len(raw) - cut :]
            if starts:
                lineno += 1
            try:
                text, bad = raw.decode("utf-8"), None
            except UnicodeDecodeError as exc:
                text, bad = raw.decode("utf-8", errors="replace"), str(exc)
            yield lineno, text.rstrip("\r\n") if ends else text, starts, bad
            starts = ends


def _cut_character(raw: bytes) -> int:
    """How many bytes at the end of ``raw`` start a UTF-8 character they do not complete."""
    for back in range(1, min(4, len(raw)) + 1):
        byte = raw[-back]
        if byte & 0xC0 != 0x80:  # the last character's first byte
            need = 2 if byte >= 0xC0 else 1
            need = 3 if byte >= 0xE0 else need
            need = 4 if byte >= 0xF0 else need
            return back if need > back else 0
    return 0


@dataclass
class _Message:
    """One message as read: its first line's number and header, then its text's lines (the
    first holds what follows the time)."""

    lineno: int
    head: Header
    lines: list[str]
    size: int
    bad: str | None = None
    too_big: bool = False

    def add(self, text: str, starts: bool, bad: str | None) -> None:
        self.size += len(text)
        self.bad = self.bad or bad
        if self.size > MAX_MESSAGE_CHARS:
            self.too_big = True
            del self.lines[1:]  # the first line is kept for the refusal's excerpt
        elif not self.too_big:
            if starts:
                self.lines.append(text)
            else:
                self.lines[-1] += text


_HEAD_START = frozenset("0123456789[" + MARKS)


def _messages(path: Path) -> Iterator[_Message]:
    """The file's messages, each with every line up to the next message's first."""
    msg: _Message | None = None
    for lineno, text, starts, bad in _lines(path):
        head = header_of(text) if starts and text[:1] in _HEAD_START else None
        if head is not None:
            if msg is not None:
                yield msg
            msg = _Message(lineno, head, [head.rest], len(text), bad)
        elif msg is not None:
            msg.add(text, starts, bad)
        # before the first message: blank lines only (``_scan`` refused anything else)
    if msg is not None:
        yield msg


# --- one message -------------------------------------------------------------------------


def _time(head: Header, order: str | None) -> datetime:
    """The message's time as written, read as UTC (the phone's zone is not in the file)."""
    a, b, c = int(head.a), int(head.b), int(head.c)
    if head.year_first:
        year, month, day = a, b, c
    elif order == "mdy":
        month, day, year = a, b, c
    else:
        day, month, year = a, b, c
    if year < 100:
        year += 2000
    hour = head.hour
    if head.pm is not None:
        if not 1 <= hour <= 12:
            raise BadField("created_at", f"{hour} is no hour of a 12-hour clock")
        hour = hour % 12 + (12 if head.pm else 0)
    try:
        return datetime(year, month, day, hour, head.minute, head.second or 0, tzinfo=UTC)
    except ValueError as exc:
        how = "year/month/day" if head.year_first else _READINGS[order or "dmy"][2]
        raise BadField("created_at", f"{head.shown()} read {how}: {exc}") from None


@functools.lru_cache(maxsize=1 << 14)
def account_of(name: str) -> str:
    """The account a sender (or mention) is: a phone number as ``+`` and digits, else the
    name as shown, marks removed and spaces normalised."""
    shown = _spaced(name)
    if PHONE.fullmatch(shown):
        digits = re.sub(r"\D", "", shown)
        if 6 <= len(digits) <= 15:
            return "+" + digits
    return shown


def _marked_cut(rest: str) -> int:
    """Where a line's sender ends when WhatsApp marked what follows (iOS writes its notices,
    placeholders and deleted messages as ``Name: \u200e...``): the first ``": "`` followed by
    U+200E; -1 when none is."""
    return rest.find(": \u200e")


def _sender_and_text(rest: str, known: frozenset[str] | set[str] = frozenset()) -> tuple[str, str]:
    """``Name: text`` split at the ``": "`` that ends the sender; ``Skip`` for WhatsApp's
    notices.

    Which ``": "``: a name may hold one (a member calls themself "Emmanuel: God With Us"),
    and split at the first, their messages went to another member named "Emmanuel" and the
    rest of the name began the text. The cut WhatsApp marks (``_marked_cut``) is taken, else
    the last one that gives a sender ``known`` from such marked lines of the file, else the
    first."""
    cut = _marked_cut(rest)
    if cut < 0:
        cut = rest.find(": ")
        if cut >= 0 and known:
            at = rest.find(": ", cut + 2)
            while at >= 0:
                if rest[:at] in known:
                    cut = at
                at = rest.find(": ", at + 2)
    if cut < 0:
        if rest.endswith(":") and rest[:-1].strip(MARKS + " "):
            return rest[:-1], ""
        raise Skip(SYSTEM)
    sender = rest[:cut]
    if _unbalanced(sender) or not sender.strip(MARKS + " "):
        raise Skip(SYSTEM)  # "Ann changed the subject from "Vote: yes" to ..."
    return sender, rest[cut + 2 :]


def marked_senders(path: Path) -> frozenset[str]:
    """The senders of the file's lines that WhatsApp marked (``_marked_cut``): a first pass
    over the export (chats are small), so that a name holding ``": "`` is known before that
    member's first plain message, whichever comes first in the file."""
    names = set()
    for msg in _messages(path):
        if msg.lines and not msg.too_big and msg.bad is None:
            cut = _marked_cut(msg.lines[0])
            if cut > 0:
                names.add(msg.lines[0][:cut])
    return frozenset(names)


def _unbalanced(name: str) -> bool:
    return name.count('"') % 2 == 1 or name.count("\u201c") != name.count("\u201d")


def _body(first: str, more: list[str]) -> str:
    """The message's text: WhatsApp's placeholders on its first line told, a caption under an
    attachment kept (Android writes it on the lines below)."""
    line = first.strip(MARKS + " ")
    caption = "\n".join(more).strip(MARKS + " \n")
    if ENCRYPTION.match(line):
        raise Skip(SYSTEM)
    if DELETED_TEXT.fullmatch(line) and not caption:
        raise Skip(DELETED)
    if line == "null" and not caption:
        raise Skip(VIEW_ONCE)
    # iOS writes marks inside a placeholder too ("report.docx \u2022 \u200e5 pages
    # \u200edocument omitted"): they are no part of what it says
    media = MEDIA_LINE.fullmatch(_MARKS.sub("", line)) is not None
    if media or first.startswith("\u200e"):
        if caption and caption != Path(line.split(" (", 1)[0]).stem:
            return caption  # (Android repeats a document's name under it: no caption)
        raise Skip(MEDIA if media else NOTICE)
    if ANGLED.fullmatch(line) and not caption:
        raise Skip(MEDIA)  # Android's "<Media omitted>" in the phone's language
    return "\n".join([first, *more]).strip(MARKS + " \n")


def mentions_of(text: str) -> list[str]:
    """The accounts ``text`` mentions (see the module docstring), distinct, in order."""
    if "@" not in text:
        return []
    out: dict[str, None] = {}
    for m in MENTION.finditer(text):
        name, number, word = m.groups()
        if name is not None:
            found = account_of(name)
        elif number is not None:
            found = "+" + number.lstrip("+")
        else:
            found = word.rstrip(".-")
        if found:
            out[found] = None
    return list(out)


def _clean(text: str) -> str:
    if "<" in text:
        text = EDITED.sub("", text)
    return _MARKS.sub("", text).rstrip()


def _key(text: str) -> str:
    """The text as the post id reads it: the same whatever spaces an export wrote."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class _Reader:
    """What reading one file carries from message to message."""

    chat: str
    order: str | None
    names: frozenset[str] = frozenset()
    """Senders as the file's marked lines write them (``marked_senders``)."""
    seen: set[str] = field(default_factory=set)
    minute: str = ""
    repeats: dict[tuple[str, str], int] = field(default_factory=dict)

    def post_id(self, when: datetime, account: str, text: str) -> str:
        """``<chat>/<digest>`` (see the module docstring); repeats counted within a minute,
        which keeps memory bounded (an export lists messages in time order)."""
        minute = when.isoformat()[:16]
        if minute != self.minute:
            self.minute, self.repeats = minute, {}
        key = (account, _key(text))
        n = self.repeats.get(key, 0)
        self.repeats[key] = n + 1
        raw = "\x1f".join((self.chat, minute, account, key[1], str(n)))
        return f"{self.chat}/{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:20]}"

    def rows(self, msg: _Message) -> tuple[Row, Row | None]:
        """The message's post, and its sender's account the first time it is met."""
        when = _time(msg.head, self.order)
        if not MIN_DT <= when < MAX_DT:
            raise BadField("created_at", f"{when:%Y-%m-%d}: out of range 1990-2100")
        sender, text = _sender_and_text(msg.lines[0], self.names)
        if _spaced(sender) == self.chat:
            raise Skip(NOTICE)  # iOS writes WhatsApp's notices as messages of the group
        body = _body(text, msg.lines[1:])
        mentions = mentions_of(body)
        body = _clean(body)
        if not body:
            raise Skip(EMPTY)
        account = account_of(sender)
        post = text_post(
            PLATFORM, self.post_id(when, account, body), account, when, body, mentions=mentions
        )
        if account in self.seen:
            return post, None
        self.seen.add(account)
        return post, {
            "account_id": account,
            "platform": PLATFORM,
            "handle": None,
            "display_name": None if account.startswith("+") else _spaced(sender),
        }


def _record(buf: RowBuffer, path: Path, reader: _Reader, msg: _Message) -> None:
    """Map one message into ``buf``: a post, a skip or a refusal (one fate per message)."""
    buf.records += 1
    shown = excerpt("\n".join(msg.lines))
    if msg.too_big:
        detail = f"{msg.size:,} characters > {MAX_MESSAGE_CHARS:,}"
        buf.rejected.append(
            Rejected(str(path), msg.lineno, "record too large", None, detail, shown)
        )
        return
    if msg.bad is not None:
        buf.rejected.append(Rejected(str(path), msg.lineno, "not UTF-8 text", None, msg.bad, shown))
        return
    try:
        post, account = reader.rows(msg)
    except Skip as exc:
        buf.skip(str(exc.args[0]))
        return
    except BadField as exc:
        why = f"invalid {exc.field}"
        buf.rejected.append(Rejected(str(path), msg.lineno, why, exc.field, exc.detail, shown))
        return
    buf.posts.append(post)
    if account is not None:
        buf.accounts.append(account)
    buf.skip(LOCAL_TIME)


def read(path: Path, order: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a WhatsApp chat export (``order``: ``dmy``/``mdy`` from
    ``--date-format``/``--dayfirst``, else told from the file)."""
    reader = _Reader(chat_name(path), resolve_order(path, order), marked_senders(path))
    buf = RowBuffer()
    for msg in _messages(path):
        _record(buf, path, reader, msg)
        if len(buf) >= BATCH_ROWS:
            yield buf.flush()
    if len(buf) or buf.records or buf.skipped:
        yield buf.flush()
