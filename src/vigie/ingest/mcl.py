"""Meta Content Library exports of Facebook and Instagram posts (CSV download or API JSON).

Field names are those of the MCL data dictionary (developers.facebook.com/docs/
content-library-and-api): ``id`` (MCL id), ``creation_time``, ``text``, ``lang``,
``post_owner`` (``id``, ``name``, ``username``, ``type``), ``link_attachment`` (``link``,
``name``), ``multimedia`` (list of ``{type, id, url}``), ``statistics`` (counts), ``mcl_url``.
CSV downloads flatten the nested fields with dots (``post_owner.id``); the API client's JSON
keeps them nested (one post per line, a JSON array, or ``{"data": [...]}``). Both are read
through the same dotted names.

Mapping: ``post_id`` = ``id``, ``account_id`` = ``post_owner.id`` (the data dictionary's
``post_owner.data.id`` too), created_at = ``creation_time`` (ISO 8601 or POSIX seconds), URLs =
``link_attachment.link`` (``link_attachment_fields.link``, ``link_attachment.url``) plus links
in the text, hashtags Instagram's ``hashtags`` and the text's, mentions from the text, media =
``multimedia`` ``type:id`` (else its URL without the query: MCL's URLs are pre-signed, expiring
and different in every post), ``repost_of`` = ``shared_post_id`` (the reshared post, "included
in the Facebook post"). The platform is ``--platform`` when given, else ``instagram`` when the
owner type is an Instagram one (business, creator, personal) or ``mcl_url`` says so, else
``facebook``. Not mapped: counts, ``surface`` (where the post was made: a group, a page).
Required per post: ``id``, ``post_owner.id``, ``creation_time``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vigie.errors import InputError
from vigie.ingest.jsonlines import MAX_RECORD_BYTES
from vigie.ingest.model import Batch
from vigie.ingest.records import Mapped, Missing, as_int, as_list, need, read_items, time_of
from vigie.ingest.urls import (
    canonical_urls,
    clean_hashtags,
    hashtags_in_text,
    mentions_in_text,
    urls_in_text,
)


def flatten(obj: dict[str, Any], prefix: str = "", out: dict[str, Any] | None = None) -> dict:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}`` (lists are kept as values)."""
    out = {} if out is None else out
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            flatten(v, key + ".", out)
        else:
            out[key] = v
    return out


def _stable(url: str) -> str:
    """A media address without its query: MCL's ``multimedia.url`` is a pre-signed,
    expiring storage link (its signature differs in every post and every download)."""
    try:
        bare = urlsplit(url)._replace(query="", fragment="").geturl()
    except ValueError:  # not parseable (``http://[::1``): kept as written, as canonical_url
        bare = url
    keys = canonical_urls([bare])
    return keys[0] if keys else bare


def _media(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return []
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # ValueError: a too long integer too
            return [value]
    if isinstance(value, dict):
        value = [value]
    out = []
    for m in value if isinstance(value, list) else []:
        if isinstance(m, dict):  # its id first: the same photo keeps it across posts
            if m.get("id"):
                out.append(f"{m.get('type') or 'media'}:{m['id']}")
            elif m.get("url"):
                out.append(_stable(str(m["url"])))
        elif isinstance(m, str) and m:
            out.append(m)
    return list(dict.fromkeys(out))


INSTAGRAM_OWNERS = frozenset({"business", "creator", "personal", "private"})
"""The owner types of Instagram posts in the data dictionary ("Post owner types include
business, creator and personal"); a Facebook post's owner is a page, profile, group or event."""


def _owner(row: dict[str, Any], key: str) -> Any:
    """``post_owner.<key>``, or the data dictionary's ``post_owner.data.<key>`` (a list of
    owners: the first)."""
    value = row.get(f"post_owner.{key}")
    if value in (None, ""):
        value = row.get(f"post_owner.data.{key}")
    if value in (None, "") and isinstance(row.get("post_owner.data"), list):
        first = row["post_owner.data"][0] if row["post_owner.data"] else None
        value = first.get(key) if isinstance(first, dict) else None
    return value


def _platform(row: dict[str, Any], forced: str | None) -> str:
    if forced:
        return forced
    kind = str(_owner(row, "type") or "").strip().lower()
    if kind in INSTAGRAM_OWNERS:
        return "instagram"
    hint = f"{row.get('mcl_url') or ''} {kind}".lower()
    return "instagram" if "instagram" in hint else "facebook"


def _tags(value: Any) -> list[str]:
    """Instagram's ``hashtags`` list (JSON, or a CSV cell of one)."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return []
    return [str(t) for t in value if t] if isinstance(value, list) else []


def _mapper(forced: str | None):  # noqa: ANN202 - a closure over the --platform choice
    def one(item: Any) -> Mapped:
        if not isinstance(item, dict):
            raise ValueError("a post is not an object")
        row = flatten(item)
        text = row.get("text") or ""
        if not isinstance(text, str):
            raise ValueError("text is not a string")
        link = next(
            (row[k] for k in LINK_FIELDS if isinstance(row.get(k), str) and row[k].strip()), None
        )
        platform = _platform(row, forced)
        owner = _owner(row, "id")
        if owner in (None, ""):
            raise Missing("post_owner.id")
        owner = str(owner)
        shared = row.get("shared_post_id")
        post = {
            "post_id": str(need(row, "id")),
            "platform": platform,
            "account_id": owner,
            "created_at": time_of(need(row, "creation_time"), "creation_time"),
            "text": text,
            "lang": row.get("lang") or None,
            "urls": canonical_urls(([link] if link else []) + urls_in_text(text)),
            "hashtags": clean_hashtags([*_tags(row.get("hashtags")), *hashtags_in_text(text)]),
            "mentions": mentions_in_text(text),
            "media": _media(row.get("multimedia")),
            "repost_of": str(shared) if shared not in (None, "") else None,
            "reply_to": None,
            "quote_of": None,
        }
        account = {
            "account_id": owner,
            "platform": platform,
            "handle": _owner(row, "username") or None,
            "display_name": _owner(row, "name") or None,
            "followers": as_int(row.get("post_owner.followers_count")),
        }
        return [post], [account]

    return one


LINK_FIELDS = ("link_attachment.link", "link_attachment_fields.link", "link_attachment.url")
"""Where a post's link is: the API's ``link_attachment.link``, the data dictionary's name for
it, and the spelling of comments and channel messages."""


def _csv_values(path: Path) -> Iterator[tuple[int, Any]]:
    csv.field_size_limit(MAX_RECORD_BYTES)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            for row in reader:
                yield reader.line_num, {k: v for k, v in row.items() if k is not None}
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text ({exc}); export the CSV as UTF-8"
        raise InputError(msg, file=str(path)) from exc
    except csv.Error as exc:
        raise InputError(f"unreadable CSV: {exc}", file=str(path)) from exc


def _unwrap(value: Any) -> list[Any] | None:
    return as_list(value, ("data",), lambda v: "id" in v)


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a Meta Content Library export (CSV or JSON)."""
    values = _csv_values(path) if path.suffix.lower() in (".csv", ".tsv") else None
    what = f"{platform or 'Facebook/Instagram'} post"
    return read_items(path, _unwrap, _mapper(platform), what, values=values)
