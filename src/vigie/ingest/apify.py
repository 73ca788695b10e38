"""Apify datasets: the items the most used Apify actors write, as "Export dataset" gives them
(a JSON array, JSON lines, or a CSV whose nested fields are ``a/b`` and ``list/0/c`` columns).

Why: with the platforms' research APIs closed or rationed, many analysts now collect with
Apify actors, and a dataset may mix the items of several actors. Each item is told by its own
keys and read so that its post and account ids are those of vigie's other readers of the same
platform, and the same post collected both ways de-duplicates. No actor publishes a schema
of its items: the shapes below are those shown by public code that types or parses them
(TypeScript interfaces of Tweet Scraper V2's items written by several projects, the column
lists of clockworks' CSV exports, the printed dataset of an ``apify/instagram-scraper`` run)
and by Apify Store pages of actors that reproduce clockworks' field names; only the fields
several of these agree on are read:

- **X** (``apidojo/tweet-scraper``, "Tweet Scraper V2", and the actors that copy its output,
  e.g. ``kaitoeasyapi``'s): ``{"type": "tweet", "id", "url", "twitterUrl", "text",
  "fullText"?, "source", "createdAt" (``Fri Nov 24 17:49:36 +0000 2023``), "lang",
  "inReplyToId"?, "quoteId"?, "author": {"type": "user", "id", "userName", "name",
  "createdAt", "followers", "following", "statusesCount", "description", ...}, "entities"
  (API v1.1's: ``hashtags[].text``, ``urls[].expanded_url``, ``user_mentions[].screen_name``),
  "extendedEntities" (v1.1's ``extended_entities``), "retweet"/"retweeted_tweet"?,
  "quote"/"quoted_tweet"? (a tweet of the same shape), counts...}``. Each tweet is rewritten
  as the API v1.1 tweet it was read from and mapped by the v1.1 reader (``x_v1``), as
  ``snscrape_x`` and ``zeeschuimer`` do: the same ids (the tweet's, the author's numeric id),
  links (t.co replaced by the expanded URL), hashtags, media keys and retweet convention
  (``repost_of`` = the retweeted tweet's id, which becomes a post of its own). The text is a
  long tweet's ``noteTweet.text`` when given, else the longer of ``fullText`` and ``text``
  (builds of these actors disagree on which one holds a long tweet whole). The placeholder
  items the actor writes when a query finds nothing (``"type": "mock_tweet"``, or
  ``"noResults": true``) are skipped and counted.
- **TikTok** (``clockworks/tiktok-scraper``, ``clockworks/free-tiktok-scraper``, and the
  same authors' profile, hashtag and sound scrapers, whose items have the same
  ``authorMeta``/``videoMeta``/``musicMeta`` sections): ``{"id", "text",
  "textLanguage"?, "createTime" (POSIX seconds), "createTimeISO", "authorMeta": {"id", "name"
  (the user name), "nickName", "signature", "fans", "following", "video", ...},
  "webVideoUrl", "hashtags": [{"id", "name"}], "mentions": ["@name"], "musicMeta",
  "videoMeta", counts...}``. The account is the user name (``authorMeta.name``), as for every
  TikTok source (the Research API gives no numeric id), so they merge; the sound is not
  mapped, as in the Research API reader (``tiktok``).
- **Instagram** (``apify/instagram-scraper``, ``apify/instagram-post-scraper``): ``{"id",
  "type", "shortCode", "caption", "hashtags": [str], "mentions": [str], "url", "timestamp"
  (ISO 8601), "ownerId", "ownerUsername", "ownerFullName", "displayUrl", counts...}``. Post id
  = the shortcode and account = the owner's numeric id, as the Zeeschuimer reader's, so they
  merge. Not mapped: ``displayUrl``/``images``/``videoUrl`` (signed CDN addresses that expire
  and differ between two collections of the same picture), counts, tagged users.

Left out: ``apify/facebook-posts-scraper`` (no published output names the author's id or says
which post id it gives, so its posts could not be made to merge with CrowdTangle's or the Meta
Content Library's), and the older ``quacker/twitter-scraper`` and ``web.harvester`` shapes
(no output found documented): their items, an actor's error items (``{"error": "no_items",
...}``) and any other actor's are skipped and counted, by kind, in the manifest. An Excel
export is not read here (save it as CSV). Required: X, ``id``, ``author.id`` and
``createdAt``; TikTok, ``id``, ``authorMeta.name`` and ``createTime`` (or ``createTimeISO``);
Instagram, ``shortCode``, ``ownerId`` and ``timestamp``. A CSV's cells are text: counts and
times are read from it alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest import csv_rows, tiktok, x_v1
from vigie.ingest.json_array import starts_with_json
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    Missing,
    Skip,
    as_int,
    need,
    read_items,
    text_post,
    time_of,
)
from vigie.ingest.records import as_dict as _d
from vigie.ingest.records import as_items as _l
from vigie.ingest.urls import clean_hashtags, clean_mentions

WHAT = "Apify item"


# --- which actor wrote an item ------------------------------------------------------------


def _is_tweet(item: dict[str, Any]) -> bool:
    """An X tweet of Tweet Scraper V2's shape (malformed or not: it is then refused)."""
    return item.get("type") == "tweet" or ("twitterUrl" in item and "author" in item)


def _is_tiktok(item: dict[str, Any]) -> bool:
    return "authorMeta" in item or "webVideoUrl" in item


def _is_instagram(item: dict[str, Any]) -> bool:
    """A post (the instagram-scraper's comments and profiles have no shortcode)."""
    return "shortCode" in item


def is_item(obj: Any) -> bool:
    """Whether ``obj`` is one of the items read here, for ``--format auto``: the keys each
    actor writes together, which no other source vigie reads writes (a looser test decides
    how a malformed item of a file already read as Apify's is refused)."""
    if not isinstance(obj, dict):
        return False
    author, meta = obj.get("author"), obj.get("authorMeta")
    if obj.get("type") == "tweet" and isinstance(author, dict) and "userName" in author:
        return True
    if isinstance(meta, dict) and ("webVideoUrl" in obj or "createTimeISO" in obj):
        return True
    return "shortCode" in obj and ("ownerId" in obj or "ownerUsername" in obj)


TEXT_HINTS = ('"twitterUrl"', '"authorMeta"', '"shortCode"')
"""Keys one of which an indented export's first MiB names when it holds these actors' items."""

CSV_MARKS = (
    ("author/userName", "twitterUrl"),
    ("authorMeta/name", "webVideoUrl"),
    ("shortCode", "ownerUsername"),
)
"""Columns of an Apify CSV export (nested fields flattened as ``a/b``) that tell each actor."""


def is_csv(header: list[str]) -> bool:
    """Whether a CSV header is that of an Apify dataset export of an actor read here."""
    cols = set(header)
    return any(set(marks) <= cols for marks in CSV_MARKS)


ID_COLUMNS = ("author/id", "authorMeta/name", "shortCode")
"""The columns one of which a CSV forced to ``--format apify`` needs: without any, no row can
be read (the export left out the column that names each item's post or author)."""


# --- X: Tweet Scraper V2's tweets, as API v1.1 tweets ---------------------------------------


def _first_obj(item: dict[str, Any], *keys: str) -> dict[str, Any] | None:
    """The first of ``keys`` holding an object with an id (a retweeted or quoted tweet)."""
    for k in keys:
        v = item.get(k)
        if isinstance(v, dict) and v.get("id") not in (None, ""):
            return v
    return None


def _tweet_text(t: dict[str, Any]) -> Any:
    """A long tweet's whole text when the item gives it, else the longer of its two texts."""
    note = _d(t.get("noteTweet")).get("text")
    if isinstance(note, str) and note:
        return note
    texts = [v for v in (t.get("fullText"), t.get("text")) if isinstance(v, str)]
    if texts:
        return max(texts, key=len)
    return t.get("text")  # not a string (or absent): the v1.1 reader refuses it by field


def _user_v1(author: dict[str, Any]) -> dict[str, Any]:
    """Tweet Scraper V2's ``author`` as a v1.1 user object."""
    return {
        "id_str": author.get("id"),
        "screen_name": author.get("userName"),
        "name": author.get("name"),
        "created_at": author.get("createdAt"),
        "followers_count": author.get("followers"),
        "friends_count": author.get("following"),
        "statuses_count": author.get("statusesCount"),
        "description": author.get("description"),
    }


def v1_of(t: dict[str, Any]) -> dict[str, Any]:
    """A Tweet Scraper V2 tweet as the API v1.1 tweet its fields were read from."""
    v1: dict[str, Any] = {
        "id_str": t.get("id"),
        "created_at": t.get("createdAt"),
        "full_text": _tweet_text(t),
        "lang": t.get("lang"),
        "source": t.get("source"),
        "in_reply_to_status_id_str": t.get("inReplyToId"),
        "entities": _d(t.get("entities")),
        "extended_entities": _d(t.get("extendedEntities")),
        "user": _user_v1(_d(t.get("author"))),
    }
    rt = _first_obj(t, "retweet", "retweeted_tweet")
    if rt is not None:
        v1["retweeted_status"] = v1_of(rt)
    quoted = _first_obj(t, "quote", "quoted_tweet")
    if quoted is not None:
        v1["quoted_status"] = v1_of(quoted)
    elif t.get("quoteId") not in (None, ""):
        v1["quoted_status_id_str"] = t["quoteId"]
    return v1


def _x(item: dict[str, Any]) -> Mapped:
    need(item, "id")  # named as the actor writes them, not as the v1.1 fields
    need(item, "author", "id")
    x_v1.v1_time(need(item, "createdAt"), "createdAt")
    return x_v1._one(v1_of(item))


# --- TikTok: clockworks' video items --------------------------------------------------------


def _tiktok_time(item: dict[str, Any]) -> Any:
    """``createTime`` (POSIX seconds), else ``createTimeISO``."""
    for k in ("createTime", "createTimeISO"):
        if item.get(k) not in (None, ""):
            return time_of(item[k], k)
    raise Missing("createTime")


def _names(values: Any, key: str | None = None) -> list[str]:
    """The strings of a list (or each object's ``key``), blanks dropped."""
    out = []
    for v in _l(values):
        v = _d(v).get(key) if key is not None else v
        if isinstance(v, str) and v.strip():
            out.append(v.strip())
    return out


def _tiktok(item: dict[str, Any]) -> Mapped:
    user = need(item, "authorMeta", "name")
    if not isinstance(user, str):
        raise BadField("authorMeta.name", f"not a string: {type(user).__name__}")
    text = item.get("text") or ""
    if not isinstance(text, str):
        raise BadField("text", f"not a string: {type(text).__name__}")
    tags = _names(item.get("hashtags"), "name")
    mentions = _names(item.get("mentions"))
    lang = item.get("textLanguage")
    post = text_post(
        tiktok.PLATFORM,
        str(need(item, "id")),
        user,
        _tiktok_time(item),
        text,
        lang=lang if isinstance(lang, str) and lang and lang != "un" else None,
        hashtags=clean_hashtags(tags) if tags else None,
        mentions=clean_mentions(mentions) if mentions else None,
    )
    meta = _d(item.get("authorMeta"))
    account = tiktok.account_row(
        user,
        meta.get("nickName"),
        as_int(meta.get("fans")),
        as_int(meta.get("following")),
        as_int(meta.get("video")),
    )
    bio = meta.get("signature")
    account["description"] = bio if isinstance(bio, str) and bio else None
    return [post], [account]


# --- Instagram: apify/instagram-scraper's posts ---------------------------------------------

INSTAGRAM = "instagram"


def _instagram(item: dict[str, Any]) -> Mapped:
    owner = need(item, "ownerId")
    if isinstance(owner, bool | dict | list):
        raise BadField("ownerId", f"not an id: {type(owner).__name__}")
    caption = item.get("caption") or ""
    if not isinstance(caption, str):
        raise BadField("caption", f"not a string: {type(caption).__name__}")
    tags, mentions = _names(item.get("hashtags")), _names(item.get("mentions"))
    account = str(owner)
    post = text_post(
        INSTAGRAM,
        str(need(item, "shortCode")),
        account,
        time_of(need(item, "timestamp"), "timestamp"),
        caption,
        hashtags=clean_hashtags(tags) if tags else None,
        mentions=clean_mentions(mentions) if mentions else None,
    )
    handle, name = item.get("ownerUsername"), item.get("ownerFullName")
    acc = {
        "account_id": account,
        "platform": INSTAGRAM,
        "handle": handle if isinstance(handle, str) and handle else None,
        "display_name": name if isinstance(name, str) and name else None,
    }
    return [post], [acc]


# --- every item -----------------------------------------------------------------------------

ACTORS: tuple[tuple[Callable[[dict[str, Any]], bool], Callable[[dict[str, Any]], Mapped]], ...]
ACTORS = ((_is_tweet, _x), (_is_tiktok, _tiktok), (_is_instagram, _instagram))
"""(is it this actor's item, its reader), tried in order."""


def _placeholder(item: dict[str, Any]) -> bool:
    """Tweet Scraper V2's stand-in for "no results" (``mock_tweet``, ``noResults``)."""
    return item.get("type") == "mock_tweet" or item.get("noResults") in (True, "true")


def _not_read(item: dict[str, Any]) -> str:
    """Why an item of no actor read here is skipped (the manifest counts it by this reason)."""
    if _placeholder(item):
        return "apify: a placeholder item (the query found no tweets)"
    if "error" in item or "errorCode" in item:
        return "apify: an error item (the actor got nothing for one of its inputs)"
    if "facebookUrl" in item or "pageName" in item:
        return "apify: a Facebook item (facebook-posts-scraper's shape is not read)"
    return "apify: an item of an actor not read (not a tweet, TikTok video or Instagram post)"


def _one(item: Any) -> Mapped:
    if not isinstance(item, dict):
        raise ValueError("an item is not an object")
    if not _placeholder(item):
        for is_kind, read_kind in ACTORS:
            if is_kind(item):
                return read_kind(item)
    raise Skip(_not_read(item))


# --- CSV exports ----------------------------------------------------------------------------


def unflatten(row: dict[str, Any]) -> dict[str, Any]:
    """An Apify CSV row (``authorMeta/name``, ``hashtags/0/name`` columns) as the nested item
    it was flattened from; blank cells are missing fields, as in the JSON export.

    Why rebuild the item instead of reading columns: the JSON readers above then read a CSV
    export exactly as they read the JSON one, refusals included."""
    tree: dict[str, Any] = {}
    for key, value in row.items():
        if not isinstance(key, str) or value is None or value == "":
            continue
        *path, last = key.split("/")
        node: Any = tree
        for part in path:
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):  # a cell already holds this name: keep it
                break
            node = nxt
        else:
            node.setdefault(last, value)
    return _lists(tree)


def _lists(node: Any) -> Any:
    """Objects whose keys are all indices (``0``, ``1``...) turned back into lists."""
    if not isinstance(node, dict):
        return node
    out = {k: _lists(v) for k, v in node.items()}
    if out and all(k.isdigit() for k in out):
        return [out[k] for k in sorted(out, key=int)]
    return out


def _csv_row(row: Any) -> Mapped:
    """A CSV row read as the item it was flattened from (refused whole when it has more
    cells than the header: its values would sit under the wrong names)."""
    return _one(unflatten(csv_rows.whole(row)))


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from an Apify dataset export (JSON array, JSON lines or CSV)."""
    if starts_with_json(path):
        return read_items(path, lambda v: v if isinstance(v, list) else [v], _one, WHAT)
    header = csv_rows.header_of(path)
    if not set(ID_COLUMNS) & set(header):
        raise InputError(
            "not an Apify dataset CSV of the actors vigie reads: no column "
            f"{', '.join(ID_COLUMNS)} (columns are: {', '.join(header[:12])}"
            f"{', ...' if len(header) > 12 else ''}); export the dataset again with all "
            "fields, or read it as a generic table with --format csv and --map",
            file=str(path),
        )
    return read_items(path, lambda v: [v], _csv_row, WHAT, values=csv_rows.rows(path))
