"""yt-dlp's info JSON: the metadata yt-dlp writes about the videos it visits, read as posts.

Why: researchers collect YouTube (and TikTok) videos and their comments with yt-dlp far more
often than through the platforms' APIs, which need keys and quotas. Only its output files are
read here: yt-dlp itself is not a dependency. What it writes (yt-dlp's source, snapshot of
2026-08-20, commit 81ecd58, was read for each point):

- ``-j``/``--dump-json``: one info dict a line (``YoutubeDL.__forced_printings``: the
  sanitised dict, null fields kept); on a playlist URL, one line per video;
- ``-J``/``--dump-single-json``: one document, ``{"_type": "playlist", "entries": [...]}``
  (a channel's is a playlist of its tabs' playlists); an entry yt-dlp failed to extract is
  ``null``;
- ``--write-info-json``: a ``.info.json`` file per video (``utils.write_json_file``: one
  compact line, not indented; with the default ``--clean-info-json``, null fields and a
  playlist's ``entries`` are left out, so a playlist's own ``.info.json`` holds no videos);
  an indented copy (``jq .`` of it) is read alike;
- ``--flat-playlist``: entries that were listed, not visited: ``{"_type": "url", "ie_key",
  "id", "url", "title", ...}`` (printed by ``-j`` with ``extractor``/``extractor_key`` added,
  kept bare inside ``-J``'s ``entries``);
- ``--write-comments`` (or ``--get-comments``): the video's ``comments`` list, in all of them.

The info dict's fields are those of the README's "OUTPUT TEMPLATE" section and the
``InfoExtractor`` docstring (``yt_dlp/extractor/common.py``): ``id``, ``title``,
``fulltitle``, ``description``, ``uploader``, ``uploader_id``, ``channel``, ``channel_id``,
``channel_follower_count``, ``timestamp`` (UNIX seconds), ``upload_date`` (``YYYYMMDD``,
UTC), ``language``, ``tags``, ``webpage_url``, ``extractor``, ``extractor_key``, ``_type``,
counts...; a comment is ``{"id", "text" (or "html"), "author", "author_id", "author_url",
"parent" ("root", or the id of the comment it answers), "timestamp", "like_count",
"is_pinned", "author_is_uploader", ...}``.

Mapping, so that the same video collected by yt-dlp and by another source gets one post and
one account id and de-duplicates:

- **YouTube** (``extractor_key`` ``Youtube``; ``youtube/_video.py``): post id = ``id`` (the
  video id), account = ``channel_id`` (the ``UC...`` channel id, as the Data API reader's
  ``snippet.channelId``; yt-dlp's ``uploader_id`` is the ``@handle``, kept as the account's
  handle), text = the title (``fulltitle``, the title before yt-dlp appends a live stream's
  date) and the description joined as the Data API reader joins them, URLs, hashtags and
  @handles read from that text as it reads them. ``tags`` (the uploader's hidden search
  keywords) are not hashtags and are not read, as the Data API reader leaves
  ``snippet.tags``: a video's hashtags must not depend on the tool that collected it.
- **YouTube comments**: each a post of ``author_id`` (the commenter's channel id, as the
  Data API's ``authorChannelId``), id ``id`` (the same ids as the Data API's, a reply's
  ``parent.child``), replying to the video (``parent`` ``"root"``) or to its ``parent``.
  Their time is **an estimate**: YouTube's web pages show "3 days ago", and yt-dlp turns it
  into a time rounded to that unit (``_parse_time_text``, keeping the text in
  ``_time_text``), so comments of one day (or week...) share one instant. They are read, as
  their text and replies are exact, and counted in the manifest ("time estimated: ...");
  the Data API gives exact times, and a Dataset that already holds them keeps them (the
  first copy's time wins the merge).
- **TikTok** (``extractor_key`` ``TikTok``; ``tiktok.py``): post id = ``id``, account =
  ``uploader`` (the user name, ``unique_id``; yt-dlp's ``uploader_id`` is the numeric uid,
  ``channel_id`` the ``sec_uid``, ``channel`` the nickname), as the Research API and
  Zeeschuimer readers key TikTok accounts, so they merge; text = ``description`` (``title``
  is it cut to 72 characters). yt-dlp writes no TikTok comments; any found are skipped.
- Time: ``timestamp``, else ``upload_date`` as midnight UTC of that day (yt-dlp gives only
  the day when the page gives no time: such videos of one day share one instant, which a
  co-timing window of seconds must not read as synchrony).

Skipped and counted in the manifest: flat-playlist entries without a time or author (a
YouTube one always: it has no time unless ``approximate_date`` was asked, and then only an
estimate, nor a whole description; collect without ``--flat-playlist``), a playlist's own
info dict without entries, null entries, and the videos of every other extractor, by name
(their ids and accounts are not known to match those of vigie's readers of those platforms:
yt-dlp's Twitter ``uploader_id`` is the screen name where vigie keys X accounts by numeric
id, so reading them would split one account in two). Refused, naming the field: an info dict
without ``id``, ``channel_id`` (YouTube), ``uploader`` (TikTok), ``timestamp`` and
``upload_date``, or with an unreadable one; a comment without ``id``, ``author_id`` or
``timestamp`` (the video and its other comments are still read).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.ingest import tiktok
from vigie.ingest.mastodon import html_text
from vigie.ingest.model import VALUE_NOTES, Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    Missing,
    Row,
    Skip,
    as_int,
    read_items,
    text_post,
    time_of,
)
from vigie.ingest.records import as_items as _l

WHAT = "yt-dlp info dict"
YOUTUBE = "youtube"
PLATFORMS = {"youtube": YOUTUBE, "tiktok": tiktok.PLATFORM}
"""yt-dlp's extractor key (lower case) -> the platform its videos are posts of."""
FLAT = ("url", "url_transparent")
"""``_type`` of a flat-playlist entry: listed by the playlist, not visited."""
PLAYLISTS = ("playlist", "multi_video")
MAX_DEPTH = 8
"""Playlists nested deeper than this (a channel holds tabs, a tab videos) are not opened."""
ESTIMATED = (
    VALUE_NOTES[2] + "YouTube comments (yt-dlp's reading of YouTube's '3 days ago', "
    "rounded to that unit)"
)
"""The manifest note counting comments whose time is yt-dlp's estimate (accepted records)."""


# --- what yt-dlp wrote ---------------------------------------------------------------------


def is_info(obj: Any) -> bool:
    """Whether ``obj`` is an info dict as yt-dlp prints or saves it (``--format auto``): the
    keys ``YoutubeDL.add_default_extra_info`` adds to every result it returns, which no
    other source vigie reads writes together."""
    return isinstance(obj, dict) and "extractor_key" in obj and "webpage_url" in obj


def is_text(head: str) -> bool:
    """Whether the first MiB of an indented document names an info dict's keys: those added
    to every result, or a video's ``formats`` entries (yt-dlp lists them before the rest)."""
    if '"extractor_key"' in head and '"webpage_url"' in head:
        return True
    return '"format_id"' in head and '"vcodec"' in head and '"protocol"' in head


class Comment(dict[str, Any]):
    """A comment of an info dict, read as an item of its own (refused alone when malformed),
    with the video it was written under; written out as the comment alone."""

    def __init__(self, comment: dict[str, Any], video: Any, platform: str) -> None:
        super().__init__(comment)
        self.video = video
        self.platform = platform


def _extractor(item: dict[str, Any]) -> str | None:
    """The extractor's name: ``extractor_key``, a flat entry's ``ie_key``, or ``extractor``."""
    for key in ("extractor_key", "ie_key", "extractor"):
        v = item.get(key)
        if isinstance(v, str) and v:
            return v
    return None


def _platform(item: dict[str, Any]) -> str | None:
    name = _extractor(item)
    return PLATFORMS.get(name.lower()) if name else None


def _entries(value: dict[str, Any], depth: int = 0) -> list[Any]:
    """A playlist's entries, nested playlists opened; anything else as one item, its
    comments after it (each an item of its own)."""
    entries = value.get("entries")
    if value.get("_type") in PLAYLISTS and isinstance(entries, list) and depth < MAX_DEPTH:
        out: list[Any] = []
        for e in entries:
            out.extend(_entries(e, depth + 1) if isinstance(e, dict) else [e])
        return out
    comments = _l(value.get("comments"))
    platform = _platform(value)
    if not comments or platform is None or value.get("_type") in FLAT:
        return [value]
    return [value, *(Comment(_obj(c), value.get("id"), platform) for c in comments)]


def _obj(c: Any) -> dict[str, Any]:
    """A comment as an object; anything else wrapped so that it is refused by name."""
    return c if isinstance(c, dict) else {"__not_an_object__": c}


def _unwrap(value: Any) -> list[Any] | None:
    if isinstance(value, list):  # a JSON array of info dicts (json.dump of a list)
        return [x for v in value for x in (_entries(v) if isinstance(v, dict) else [v])]
    return _entries(value) if isinstance(value, dict) else None


# --- fields --------------------------------------------------------------------------------


def _str(item: dict[str, Any], key: str) -> str:
    """``item[key]`` as text: "" when absent or null, refused when it is no string."""
    v = item.get(key)
    if v is None:
        return ""
    if not isinstance(v, str):
        raise BadField(key, f"not a string: {type(v).__name__}")
    return v


def _id(item: dict[str, Any], key: str, name: str | None = None) -> str:
    """A required id (a string or an integer), or ``Missing`` naming it."""
    v = item.get(key)
    if v is None or v == "" or isinstance(v, bool):
        raise Missing(name or key)
    if not isinstance(v, str | int):
        raise BadField(name or key, f"not an id: {type(v).__name__}")
    return str(v)


def _day(value: Any) -> datetime:
    """``upload_date`` (``YYYYMMDD``, UTC) as midnight UTC of that day."""
    v = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(v, str) or len(v) != 8 or not v.isdigit():
        raise BadField("upload_date", f"not a YYYYMMDD day: {value!r}")
    try:
        return datetime(int(v[:4]), int(v[4:6]), int(v[6:]), tzinfo=UTC)
    except ValueError:
        raise BadField("upload_date", f"not a YYYYMMDD day: {value!r}") from None


def _time(item: dict[str, Any]) -> Any:
    """``timestamp`` (UNIX seconds), else ``upload_date`` (a day), else ``Missing``."""
    if item.get("timestamp") not in (None, ""):
        return time_of(item["timestamp"], "timestamp")
    if item.get("upload_date") not in (None, ""):
        return time_of(_day(item["upload_date"]), "upload_date")
    raise Missing("timestamp")


def _has_time(item: dict[str, Any]) -> bool:
    return any(item.get(k) not in (None, "") for k in ("timestamp", "upload_date"))


def _lang(item: dict[str, Any]) -> str | None:
    v = item.get("language")
    return v if isinstance(v, str) and v else None


# --- posts ---------------------------------------------------------------------------------


def _youtube(item: dict[str, Any]) -> Mapped:
    """A YouTube video as the Data API reader reads a ``youtube#video``."""
    video, channel = _id(item, "id"), _id(item, "channel_id")
    title = _str(item, "fulltitle" if "fulltitle" in item else "title")
    description = _str(item, "description")
    text = f"{title}\n\n{description}" if title and description else title or description
    post = text_post(YOUTUBE, video, channel, _time(item), text, lang=_lang(item))
    handle = item.get("uploader_id")
    name = item.get("channel") or item.get("uploader")
    account = {
        "account_id": channel,
        "platform": YOUTUBE,
        "handle": handle[1:] if isinstance(handle, str) and handle.startswith("@") else None,
        "display_name": name if isinstance(name, str) and name else None,
        "followers": as_int(item.get("channel_follower_count")),
    }
    return [post], [account]


def _tiktok(item: dict[str, Any]) -> Mapped:
    """A TikTok video keyed as every TikTok source keys it: its author's user name."""
    video = _id(item, "id")
    user = item.get("uploader")
    if user in (None, ""):
        raise Missing("uploader")
    if not isinstance(user, str):
        raise BadField("uploader", f"not a user name: {type(user).__name__}")
    text = _str(item, "description")
    post = text_post(tiktok.PLATFORM, video, user, _time(item), text, lang=_lang(item))
    followers = as_int(item.get("channel_follower_count"))
    return [post], [tiktok.account_row(user, item.get("channel"), followers)]


READERS = {YOUTUBE: _youtube, tiktok.PLATFORM: _tiktok}


def _skip_flat(item: dict[str, Any], platform: str) -> None:
    """Skip a flat-playlist entry that cannot be a post (see the module docstring)."""
    if platform == YOUTUBE:
        raise Skip(
            "yt-dlp: a YouTube flat-playlist entry (no upload time nor whole description: "
            "collect without --flat-playlist)"
        )
    author = item.get("uploader")
    if not _has_time(item) or author in (None, ""):
        raise Skip("yt-dlp: a flat-playlist entry without its time or author")


def _video(item: dict[str, Any]) -> Mapped:
    kind = item.get("_type")
    if kind in PLAYLISTS:
        raise Skip("yt-dlp: a playlist's own info (its videos are in their own info JSON)")
    platform = _platform(item)
    if platform is None:
        name = _extractor(item)
        if name is None and kind not in FLAT:
            raise Missing("extractor_key")
        raise Skip(f"yt-dlp: a video of extractor {name or '(none)'} (only YouTube and TikTok)")
    if kind in FLAT:
        _skip_flat(item, platform)
    return READERS[platform](item)


def _comment(c: Comment) -> Mapped:
    """A comment: a post of its author replying to the video, or to its parent comment."""
    if "__not_an_object__" in c:
        raise ValueError("a comment is not an object")
    if c.platform != YOUTUBE:
        raise Skip(f"yt-dlp: a {c.platform} comment (no account key known for its author)")
    cid = _id(c, "id", "comments[].id")
    author = _id(c, "author_id", "comments[].author_id")
    if c.get("timestamp") in (None, ""):
        raise Missing("comments[].timestamp")
    when = time_of(c["timestamp"], "comments[].timestamp")
    text = _str(c, "text") if c.get("text") is not None else html_text(_str(c, "html"))
    parent = c.get("parent")
    if parent in (None, "", "root"):
        if c.video in (None, ""):
            raise Missing("id")  # the video's, which a top-level comment replies to
        parent = c.video
    post = text_post(YOUTUBE, cid, author, when, text, reply_to=str(parent))
    return [post], [_commenter(author, c.get("author"))]


def _commenter(author: str, name: Any) -> Row:
    """A commenter's account. YouTube now shows commenters by ``@handle``: that is their
    handle, not a display name, which would otherwise replace a channel's own name (its
    ``channel``) when the uploader comments under its video."""
    handle = isinstance(name, str) and name.startswith("@")
    return {
        "account_id": author,
        "platform": YOUTUBE,
        "handle": name[1:] if handle else None,
        "display_name": name if isinstance(name, str) and name and not handle else None,
    }


def _one(item: Any) -> Mapped:
    if isinstance(item, Comment):
        return _comment(item)
    if item is None:
        raise Skip("yt-dlp: a playlist entry yt-dlp could not extract (null)")
    if not isinstance(item, dict):
        raise ValueError("an info dict is not an object")
    return _video(item)


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from yt-dlp's info JSON (lines, a document, or a playlist),
    counting the YouTube comments whose time is yt-dlp's estimate in each batch."""
    estimated = 0

    def one(item: Any) -> Mapped:
        nonlocal estimated
        rows = _one(item)
        if isinstance(item, Comment):
            estimated += 1
        return rows

    for batch in read_items(path, _unwrap, one, WHAT, keys=("entries",)):
        if estimated:
            batch.skipped[ESTIMATED] = batch.skipped.get(ESTIMATED, 0) + estimated
            estimated = 0
        yield batch
