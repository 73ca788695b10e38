"""Telegram Desktop's HTML export ("Export chat history", format HTML): one chat's pages.

Why: Telegram Desktop's export dialog offers HTML by default ("Machine-readable JSON" is an
option many analysts miss, and a chat may have been exported long ago or by someone else), so
a collection often arrives as a folder of ``messages.html``, ``messages2.html``, ... beside
``css/``, ``js/``, ``images/``, ``photos/``, ``files/``. The pages follow the exporter's
layout (``export_output_html.cpp`` in ``telegramdesktop/tdesktop``, unchanged in substance
since 2018): a ``page_header`` naming the chat (``<div class="text bold">``), a
``page_body chat_page``, then one ``<div class="message default clearfix" id="message12">``
per message holding ``<div class="pull_right date details" title="20.09.2021 13:15:30
UTC+03:00">``, ``<div class="from_name">`` (left out when the message continues the previous
one's run: the ``joined`` class, same sender, same day, within 15 minutes),
``<div class="forwarded body">`` around a forward's content, ``<div class="reply_to
details">`` with a link to ``#go_to_message<id>`` (or ``messagesN.html#go_to_message<id>``),
the media (``media_wrap``: a link to the file under ``photos/``, ``files/``...), and
``<div class="text">`` with the text as HTML (``<br>`` for line breaks, links ``<a href>``,
hashtags ``<a onclick="return ShowHashtag(...)">#tag</a>``, mentions ``<a
href="https://t.me/name">@name</a>``). Service messages (``message service``: a chat
created, a member added, a message pinned) are no posts, counted in the manifest; the date
separators the exporter adds between days (``message-1``, ``message-2``...) are no messages
and are not counted.

What is read, so that the posts are those the JSON reader (``telegram``) makes of the same
export: the text, links (a link written out, or the address behind a text link), hashtags and
mentions (``@name`` links) as the JSON reader reads its ``text_entities``; the reply (to a
message of the same chat); the media files (SHA-256 of the file, when the export holds it);
forwards are posts of the chat, counted as ``telegram: forward without original id`` (the
HTML, like the JSON, names only the original sender). Not read: reactions, bot buttons,
signatures, polls, bot commands and cashtags (the JSON reader does not read them either), and
mentions of users who have no user name (the JSON's ``mention_name``, read there as
``user<id>``: the HTML gives only the name shown).

Ids, said plainly: the HTML export carries **no numeric chat id and no user ids**, only
names, so its ids cannot be the JSON reader's (``"<chat id>:<message id>"``,
``channel123``/``user123``) and an HTML and a JSON export of the same chat do not merge. They
are kept apart on purpose, under the ``tg-html:`` prefix: post id ``"tg-html:<chat
name>:<message id>"`` (message ids are Telegram's own, the same as the JSON's), account id
``"tg-html:<name>"`` from the chat's name in the page header and the sender's display name
(a channel's posts are signed with the channel's name, so a channel is one account). Names
are not unique: two chats of the same name in one Dataset would share post ids (ingest them
into separate Datasets), two senders of the same name are one account, and the senders shown
as "Deleted Account" are one account per chat (``"tg-html:Deleted Account (<chat>)"``).

Times: the ``title`` of a message's date (``DD.MM.YYYY HH:MM:SS``, day first) is the
exporting computer's clock; since Telegram Desktop 3.7.6 (June 2022) it ends with that
computer's UTC offset (``UTC+02:00``; ``GMT+2`` or a bare ``UTC`` are read too), which is
subtracted. That offset is the zone's *standard* one at the time of the export (Qt's
``QTimeZone::displayName(StandardTime, OffsetName)``), not the one in force when the message
was sent: where daylight saving time applied, the time read is an hour late, which no field of
the HTML can correct (the JSON's ``date_unixtime`` is exact). Each post read so is counted
under a ``time estimated:`` note in the manifest, and so is each post whose title has no
offset, or one not understood (older exports: the clock is read as UTC).

Pages: the exporter writes 1,000 messages a page and starts each page afresh (its first
message always names its sender), so each page is read on its own: pass them all
(``vigie ingest ChatExport/messages*.html``; an ingest that leaves some of a folder's pages
out says so). The parser is fed the file in 1 MiB pieces: memory is bounded by one message,
not by the page. A message without a date or with an unreadable one, without an id, or
whose sender cannot be told (a ``joined`` message with no message before it) is refused by
reason; a file that is no Telegram chat page is refused in one line.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.model import (
    BATCH_ROWS,
    VALUE_NOTES,
    Batch,
    Rejected,
    RowBuffer,
    excerpt,
    ts_from_value,
)
from vigie.ingest.records import text_post
from vigie.ingest.telegram import FORWARD, ExportFiles
from vigie.ingest.urls import canonical_urls, clean_hashtags, clean_mentions

PLATFORM = "telegram"
PREFIX = "tg-html:"
"""Marks the ids made from names, so that they never meet the JSON reader's numeric ones."""
CHAT_PAGE = 'class="page_body chat_page"'
"""The exporter's mark of a chat's page, written in its first kilobytes."""
EXPORT_PAGE = "<title>Exported Data</title>"
"""The title of every page of a Desktop export (the summary and the lists have it too)."""
CHUNK = 1 << 20
HEAD_BYTES = 1 << 16
DELETED = "Deleted Account"
"""The name the exporter writes for a sender whose account is gone."""
SEPARATOR_IDS = 500_000_000
"""The date separators the exporter adds are numbered -1, -2, ...; real ids are positive, or
about -1,000,000,000 for a supergroup's messages from before it was migrated from a group
(Desktop shifts them so, in the JSON too): a service message whose id is negative and above
``-SEPARATOR_IDS`` is a separator, no message of the chat."""

OTHER_CHAT = VALUE_NOTES[3] + "telegram reply to another chat (the HTML gives no id for it)"
SERVICE = "telegram: service message (not a post)"
STANDARD_OFFSET = (
    VALUE_NOTES[2] + "Telegram HTML times read with the exporting computer's standard UTC "
    "offset (an hour late where daylight saving time applied)"
)
NO_OFFSET = (
    VALUE_NOTES[2] + "Telegram HTML times without a UTC offset (the exporting computer's "
    "clock, read as UTC)"
)

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
"""Elements that have no end tag: never pushed on the parser's stack."""
MEDIA_LINKS = frozenset({"photo_wrap", "sticker_wrap", "animated_wrap", "video_file_wrap"})
"""Classes of the link around a photo, sticker, GIF or video (a document's is ``media``)."""
NOT_FILES = frozenset({"media_contact"})
"""Media whose link is no message file the JSON reader hashes (a contact's vCard)."""
DATE_RE = re.compile(
    r"(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})"
    r"(?: (?:(?:UTC|GMT)?([+\-\u2212])(\d{1,2})(?:[:.]?(\d{2}))?|(UTC|GMT)))?(\s.*)?"
)
REPLY_RE = re.compile(r"go_to_message(-?\d+)$")
ID_RE = re.compile(r"message(-?\d+)")
VIA_RE = re.compile(r" via @\w+$")
PAGE_RE = re.compile(r"messages(\d*)\.html")
SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


# --- what the parser collects of one message ------------------------------------------------


@dataclass
class _Link:
    """An ``<a>`` of a message's text: where it points, its handler, and its text."""

    href: str
    onclick: str
    text: list[str] = field(default_factory=list)


@dataclass
class _Message:
    """One ``message`` div as written: the parts the mapping needs, raw."""

    line: int
    id_attr: str
    service: bool
    joined: bool
    date: str | None = None
    sender: list[str] | None = None
    forwarded: bool = False
    reply: str | None = None
    """The reply link's target; ``""`` for a reply into another chat; None: no reply."""
    text: list[str] = field(default_factory=list)
    links: list[_Link] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    cut: bool = False
    """The file ended inside this message."""

    def shown(self) -> dict[str, Any]:
        """What ``rejected.jsonl`` quotes of the message (its HTML is not kept)."""
        return {
            "id": self.id_attr,
            "date": self.date,
            "from_name": None if self.sender is None else "".join(self.sender).strip(),
            "text": "".join(self.text).strip(),
        }


@dataclass
class _Open:
    """An element on the parser's stack, and the role it has for the mapping (if any)."""

    tag: str
    role: str | None = None


class _PageParser(HTMLParser):
    """Collects the chat's name and each message as its div closes (``done``).

    Why by roles on a stack rather than a DOM: a page is up to 1,000 messages and tens of MB;
    only the message being read is held, and a message is handed over as soon as it ends.
    The exporter's HTML is well formed; damaged input (a cut file, a lost end tag) is read
    as far as it goes: a message opened inside another closes the first one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.tags: Counter[str] = Counter()
        """How many of each tag are open (an end tag none matches is ignored)."""
        self.inside: Counter[str] = Counter()
        self.chat: list[str] | None = None
        self.chat_done = False
        self.message: _Message | None = None
        self.link: _Link | None = None
        self.done: list[_Message] = []
        self.messages = 0

    # roles: what a tag is to the mapping, from its classes and where it is
    def _role(self, tag: str, attrs: dict[str, str]) -> str | None:
        classes = set(attrs.get("class", "").split())
        if tag == "div" and "message" in classes and classes & {"default", "service"}:
            self._start_message(attrs, classes)
            return "message"
        if self.message is None:
            if tag == "div" and "page_header" in classes:
                return "header"
            if tag == "div" and self.inside["header"] and {"text", "bold"} <= classes:
                if self.chat is None:
                    self.chat = []
                return "chat"
            return None
        return self._message_role(tag, attrs, classes)

    def _message_role(self, tag: str, attrs: dict[str, str], classes: set[str]) -> str | None:
        msg = self.message
        assert msg is not None
        if tag == "a":
            return self._link_role(attrs, classes)
        if tag != "div" or self.inside["text"]:
            return None
        if "from_name" in classes:
            if self.inside["forwarded"]:
                return None  # the original sender: the JSON reader keeps no more of it
            if msg.sender is None:
                msg.sender = []
                return "from_name"
            return None
        if {"pull_right", "date"} <= classes and msg.date is None:
            msg.date = attrs.get("title", "")
            return None
        if {"forwarded", "body"} <= classes:
            msg.forwarded = True
            return "forwarded"
        if "reply_to" in classes:
            if msg.reply is None:
                msg.reply = ""
            return "reply"
        if "media_wrap" in classes:
            return "media"
        if classes == {"text"} and not msg.text and not self.inside["media"]:
            return "text"
        return None

    def _link_role(self, attrs: dict[str, str], classes: set[str]) -> str | None:
        msg = self.message
        assert msg is not None
        href = attrs.get("href", "")
        if self.inside["text"]:
            self.link = _Link(href, attrs.get("onclick", ""))
            msg.links.append(self.link)
            return "link"
        if self.inside["reply"]:
            msg.reply = href
            return None
        is_file = classes & MEDIA_LINKS or {"media", "block_link"} <= classes
        if self.inside["media"] and is_file and not classes & NOT_FILES:
            msg.media.append(href)
        return None

    def _start_message(self, attrs: dict[str, str], classes: set[str]) -> None:
        self._abandon()  # damaged: the previous message never closed
        self.messages += 1
        self.message = _Message(
            line=self.getpos()[0],
            id_attr=attrs.get("id", ""),
            service="service" in classes,
            joined="joined" in classes,
        )

    def _finish(self, cut: bool = False) -> None:
        """Hand the open message over."""
        if self.message is not None:
            self.message.cut = cut
            self.done.append(self.message)
        self.message = self.link = None

    def _abandon(self) -> None:
        """Hand over a message whose div never closed (a cut file, a lost end tag), and
        forget the roles held inside it, so that what follows is read afresh."""
        if self.message is None:
            return
        for entry in reversed(self.stack):
            if entry.role is None:
                continue
            self.inside[entry.role] -= 1
            role, entry.role = entry.role, None
            if role == "message":
                break
        self._finish(cut=True)

    # HTMLParser's callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.handle_data("\n")
            return
        if tag in VOID:
            return
        role = self._role(tag, {k: v or "" for k, v in attrs})
        self.stack.append(_Open(tag, role))
        self.tags[tag] += 1
        if role is not None:
            self.inside[role] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.handle_data("\n")
        elif tag not in VOID:  # ``<div/>``: opened and closed at once
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.tags[tag]:
            return  # a stray end tag
        while self.stack:
            entry = self.stack.pop()
            self.tags[entry.tag] -= 1
            if entry.role is not None:
                self.inside[entry.role] -= 1
                if entry.role == "message":
                    self._finish()
                elif entry.role == "link":
                    self.link = None
                elif entry.role == "chat":
                    self.chat_done = True
            if entry.tag == tag:
                return

    def handle_data(self, data: str) -> None:
        msg = self.message
        if msg is None:
            if self.inside["chat"] and self.chat is not None and not self.chat_done:
                self.chat.append(data)
            return
        if self.inside["text"]:
            msg.text.append(data)
            if self.link is not None:
                self.link.text.append(data)
        elif self.inside["from_name"] and msg.sender is not None:
            msg.sender.append(data)

    def end(self) -> None:
        """The file is over: a message still open was cut short."""
        self._abandon()


# --- from a message to canonical rows -------------------------------------------------------


def _name(parts: list[str]) -> str:
    """A name as shown, with the exporter's padding (``"Kanal "``) and line breaks removed."""
    return unicodedata.normalize("NFC", " ".join("".join(parts).split()))


def account_of(name: str, chat: str) -> str:
    """The account id of a sender (or of a channel, whose posts carry its name)."""
    if name == DELETED:
        return f"{PREFIX}{DELETED} ({chat})"
    return PREFIX + name


def post_id(chat: str, message_id: int | str) -> str:
    """The post id of a message of ``chat`` (message ids are Telegram's, as in the JSON)."""
    return f"{PREFIX}{chat}:{message_id}"


def parse_time(title: str) -> tuple[datetime, bool]:
    """The UTC time of a date ``title``, and whether an offset was read from it.

    ``ValueError`` names what is wrong. The date and time must be the exporter's
    ``DD.MM.YYYY HH:MM:SS``; an offset it does not recognise is left unread (the clock is
    then read as UTC, as for exports that wrote none)."""
    m = DATE_RE.fullmatch(title.strip())
    if m is None:
        raise ValueError(f"not a Telegram Desktop date (DD.MM.YYYY HH:MM:SS): {title[:80]!r}")
    day, month, year, hour, minute, second = (int(g) for g in m.groups()[:6])
    sign, off_h, off_m, bare, rest = m.groups()[6:]
    offset = None
    if sign is not None and rest is None:
        shift = timedelta(hours=int(off_h), minutes=int(off_m or 0))
        if shift > timedelta(hours=14) or int(off_m or 0) >= 60:
            raise ValueError(f"UTC offset out of range: {title[:80]!r}")
        offset = -shift if sign != "+" else shift
    elif bare is not None and rest is None:
        offset = timedelta(0)
    try:
        local = datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise ValueError(f"{exc}: {title[:80]!r}") from None
    when = local.replace(tzinfo=timezone(offset or timedelta(0)))
    return ts_from_value(when), offset is not None


@dataclass
class _Chat:
    """What the reading of one page carries from message to message."""

    path: Path
    name: str
    last_sender: str | None = None
    files: ExportFiles | None = None  # the page folder's files (made on first use)


def _text_parts(msg: _Message) -> tuple[list[str], list[str], list[str]]:
    """Links, hashtags and mentions of a message's text, as its ``text_entities`` give them.

    Why by the link's form: the exporter writes each entity its own way (a hashtag calls
    ``ShowHashtag``, a mention links to ``<t.me>/name`` with ``@name`` as its text, an e-mail
    address or phone number links to ``mailto:``/``tel:`` it, a custom emoji to its image
    file); a written-out link points to its own text, a text link to its address."""
    urls: list[str] = []
    tags: list[str] = []
    mentions: list[str] = []
    for link in msg.links:
        text = "".join(link.text)
        href, onclick = link.href, link.onclick
        if "ShowHashtag(" in onclick:
            tags.append(text)
        elif onclick or not href:
            continue  # a bot command, a cashtag, a mention by name, a custom emoji
        elif text.startswith("@") and len(text) > 1 and href.endswith("/" + text[1:]):
            mentions.append(text)
        elif href in (f"mailto:{text}", f"tel:{text}"):
            continue
        elif href == text or SCHEME_RE.match(href):
            urls.append(href)
    return canonical_urls(urls), clean_hashtags(tags), clean_mentions(mentions)


def _media_hash(files: ExportFiles, href: str) -> str | None:
    """``sha256:`` of a message's file, when the export holds it (the JSON reader's key)."""
    if not href or SCHEME_RE.match(href) or href.startswith(("/", "\\", "#")):
        return None
    return files.hash(href)


def _refuse(
    buf: RowBuffer,
    chat: _Chat,
    msg: _Message,
    where: str,
    reason: str,
    fld: str | None = None,
    detail: str | None = None,
) -> None:
    shown = excerpt(msg.shown())
    buf.rejected.append(Rejected(str(chat.path), where, reason, fld, detail, shown))


def _take(buf: RowBuffer, chat: _Chat, msg: _Message) -> None:
    """Map one message into ``buf``: a post and its account, a refusal, or a skip."""
    m = ID_RE.fullmatch(msg.id_attr)
    mid = int(m.group(1)) if m else None
    if msg.service:
        chat.last_sender = None
        if mid is not None and -SEPARATOR_IDS < mid < 0:
            return  # a date separator: not counted, so records are the chat's messages
        buf.records += 1
        buf.skip(SERVICE)
        return
    buf.records += 1
    where = f"message {mid} (line {msg.line})" if mid is not None else f"line {msg.line}"
    sender = _sender(msg, chat)
    if mid is None:
        _refuse(buf, chat, msg, where, "missing message id", "id", repr(msg.id_attr[:80]))
    elif msg.cut:
        detail = "the file ends inside it, or its end tag is missing"
        _refuse(buf, chat, msg, where, "message cut short", None, detail)
    elif sender is None:
        detail = "no sender's name, and no message before it whose run it continues"
        _refuse(buf, chat, msg, where, "unknown sender", "from_name", detail)
    else:
        _dated(buf, chat, msg, where, mid, sender)


def _dated(buf: RowBuffer, chat: _Chat, msg: _Message, where: str, mid: int, who: str) -> None:
    """The post of a message whose sender is known, or its refusal for its date."""
    try:
        if not msg.date:
            raise ValueError("missing (no date title)")
        created, with_offset = parse_time(msg.date)
    except ValueError as exc:
        _refuse(buf, chat, msg, where, "invalid date", "date", str(exc))
        return
    _post(buf, chat, msg, mid, who, created)
    buf.skip(STANDARD_OFFSET if with_offset else NO_OFFSET)


def _sender(msg: _Message, chat: _Chat) -> str | None:
    """The sender's name: the message's own, or the run's (a ``joined`` message has none)."""
    if msg.sender is not None:
        chat.last_sender = VIA_RE.sub("", _name(msg.sender)) or None
        return chat.last_sender
    return chat.last_sender if msg.joined else None


def _post(buf: RowBuffer, chat: _Chat, msg: _Message, mid: int, who: str, created: Any) -> None:
    urls, tags, mentions = _text_parts(msg)
    media: list[str] = []
    if msg.media:
        if chat.files is None:
            chat.files = ExportFiles(chat.path.parent)  # inside the page's folder only
        media = [h for h in (_media_hash(chat.files, href) for href in msg.media) if h]
    reply = None
    if msg.reply is not None:
        target = REPLY_RE.search(msg.reply)
        if target is not None:
            reply = post_id(chat.name, target.group(1))
        else:
            buf.skip(OTHER_CHAT)
    if msg.forwarded:
        buf.skip(FORWARD)
    account = account_of(who, chat.name)
    text = "".join(msg.text).strip()
    buf.posts.append(
        text_post(
            PLATFORM, post_id(chat.name, mid), account, created, text, reply_to=reply,
            urls=urls, hashtags=tags, mentions=mentions, media=media,
        )
    )  # fmt: skip
    buf.accounts.append(
        {"account_id": account, "platform": PLATFORM, "handle": None, "display_name": who}
    )


# --- the file -------------------------------------------------------------------------------


def is_chat_page(head: str) -> bool:
    """Whether the first bytes of an HTML file are those of an exported chat's page."""
    return CHAT_PAGE in head


def not_a_chat_page(head: str) -> str:
    """Why a file given as ``telegram-html`` is refused (its first bytes: ``head``)."""
    text = head.lstrip("\ufeff").lstrip()
    if 'class="message' in text:
        return (
            "a Telegram Desktop export in HTML, but not a chat page as Desktop writes it (no "
            '<div class="page_body chat_page"> in its first bytes): pass the export\'s own '
            "messages*.html pages (--format telegram-html), or export the chat again with "
            "Format 'Machine-readable JSON' and ingest its result.json"
        )
    if "mx_RoomView" in text or "mx_MatrixChat" in text:
        return (
            "a Matrix room exported by Element (its HTML export is also titled 'Exported "
            "Data'), not a Telegram Desktop export: vigie reads no Matrix export; read a "
            "JSON export of it (Element: Export chat, format JSON) as a generic table with --map"
        )
    if EXPORT_PAGE in text:
        return (
            "a page of a Telegram Desktop export that holds no messages (its summary or a "
            "list): pass the chats' pages, messages.html, messages2.html... (in a full "
            "export, chats/chat_*/messages*.html)"
        )
    if text.startswith(("{", "[")):
        return (
            "JSON, not a Telegram Desktop HTML export: for Desktop's result.json, pass "
            "--format telegram (or --format auto)"
        )
    return (
        "not a Telegram Desktop HTML export (no chat page: a Desktop export's "
        'messages.html starts with its page header and <div class="page_body chat_page">)'
    )


def _head(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc


def _messages(path: Path, parser: _PageParser) -> Iterator[_Message]:
    """Feed the page to ``parser`` piece by piece; yield each message as it closes."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                parser.feed(decoder.decode(chunk))
                yield from parser.done
                parser.done.clear()
            parser.feed(decoder.decode(b"", final=True))
            parser.close()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    except (AssertionError, ValueError, RecursionError) as exc:  # HTMLParser on odd markup
        raise InputError(
            f"not readable as HTML ({type(exc).__name__}: {str(exc)[:120]}); "
            f"{parser.messages:,} messages were read before it",
            file=str(path),
        ) from exc
    parser.end()
    yield from parser.done
    parser.done.clear()


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from one page of a Telegram Desktop HTML export (streamed)."""
    head = _head(path)
    if not is_chat_page(head):
        raise InputError(not_a_chat_page(head), file=str(path))
    parser = _PageParser()
    buf = RowBuffer()
    chat: _Chat | None = None
    for msg in _messages(path, parser):
        if chat is None:
            chat = _Chat(path, _chat_name(path, parser))
        _take(buf, chat, msg)
        if len(buf) >= BATCH_ROWS:
            yield buf.flush()
    if len(buf) or buf.records or buf.skipped:
        yield buf.flush()


def _chat_name(path: Path, parser: _PageParser) -> str:
    """The chat's name from the page header, which every page repeats before its messages."""
    name = _name(parser.chat or [])
    if not name:
        raise InputError(
            "no chat name before the first message (the page header's <div class=\"text "
            'bold">): not a whole Telegram Desktop chat page, or a damaged one',
            file=str(path),
        )
    return name


def pages_left_out(path: Path, fmt: str, given: Collection[Path]) -> list[str]:
    """A warning when ``path`` is a chat page whose sibling pages are not all ``given``.

    Why: each page is read on its own, and the first one alone looks complete; a chat's
    later messages were lost without a word when only ``messages.html`` was passed."""
    if fmt != "telegram-html" or PAGE_RE.fullmatch(path.name) is None:
        return []
    folder = path.parent
    known = {p.resolve() for p in given}
    firsts = [p for p in given if p.parent.resolve() == folder.resolve()]
    if firsts and firsts[0].resolve() != path.resolve():
        return []  # said once per folder, on its first page given
    try:
        pages = [p for p in folder.iterdir() if PAGE_RE.fullmatch(p.name) and p.is_file()]
    except OSError:
        return []
    left = sorted(
        (p for p in pages if p.resolve() not in known),
        key=lambda p: int(PAGE_RE.fullmatch(p.name).group(1) or 1),  # type: ignore[union-attr]
    )
    if not left:
        return []
    shown = ", ".join(p.name for p in left[:3]) + (" ..." if len(left) > 3 else "")
    return [
        f"this chat's export has {len(left)} more page(s) not given ({shown}): each page "
        f"is read on its own; pass them all, e.g. {folder}/messages*.html"
    ]
