"""Meta Content Library exports of Facebook and Instagram posts (CSV download or API JSON).

Field names are those of the MCL data dictionary (developers.facebook.com/docs/
content-library-and-api): ``id`` (MCL id), ``creation_time``, ``text``, ``lang``,
``post_owner`` (``id``, ``name``, ``username``, ``type``), ``link_attachment`` (``link``,
``name``), ``multimedia`` (list of ``{type, id, url}``), ``statistics`` (counts), ``mcl_url``.
CSV downloads flatten the nested fields with dots (``post_owner.id``); the API client's JSON
keeps them nested (one post per line, a JSON array, or ``{"data": [...]}``). Both are read
through the same dotted names.

Mapping: ``post_id`` = ``id``, ``account_id`` = ``post_owner.id``, created_at =
``creation_time`` (ISO 8601 or POSIX seconds), URLs = ``link_attachment.link`` plus links in the
text, hashtags and mentions from the text, media = ``multimedia`` URLs (else ``type:id``). The
platform is ``--platform`` when given, else ``instagram`` when ``mcl_url`` or the owner type
says so, else ``facebook``. Not mapped: counts, and reshares (MCL surfaces original producers'
posts only). Required per post: ``id``, ``post_owner.id``, ``creation_time``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.jsonlines import MAX_RECORD_BYTES
from vigie.ingest.model import Batch
from vigie.ingest.records import Mapped, as_int, as_list, need, read_items, time_of
from vigie.ingest.urls import canonical_urls, hashtags_in_text, mentions_in_text, urls_in_text


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
        if isinstance(m, dict):
            if m.get("url"):
                out.extend(canonical_urls([str(m["url"])]))
            elif m.get("id"):
                out.append(f"{m.get('type') or 'media'}:{m['id']}")
        elif isinstance(m, str) and m:
            out.append(m)
    return list(dict.fromkeys(out))


def _platform(row: dict[str, Any], forced: str | None) -> str:
    if forced:
        return forced
    hint = f"{row.get('mcl_url') or ''} {row.get('post_owner.type') or ''}".lower()
    return "instagram" if "instagram" in hint else "facebook"


def _mapper(forced: str | None):  # noqa: ANN202 - a closure over the --platform choice
    def one(item: Any) -> Mapped:
        if not isinstance(item, dict):
            raise ValueError("a post is not an object")
        row = flatten(item)
        text = row.get("text") or ""
        if not isinstance(text, str):
            raise ValueError("text is not a string")
        link = row.get("link_attachment.link")
        platform = _platform(row, forced)
        owner = str(need(row, "post_owner.id"))
        post = {
            "post_id": str(need(row, "id")),
            "platform": platform,
            "account_id": owner,
            "created_at": time_of(need(row, "creation_time"), "creation_time"),
            "text": text,
            "lang": row.get("lang") or None,
            "urls": canonical_urls(([link] if link else []) + urls_in_text(text)),
            "hashtags": hashtags_in_text(text),
            "mentions": mentions_in_text(text),
            "media": _media(row.get("multimedia")),
            "repost_of": None,
            "reply_to": None,
            "quote_of": None,
        }
        account = {
            "account_id": owner,
            "platform": platform,
            "handle": row.get("post_owner.username") or None,
            "display_name": row.get("post_owner.name") or None,
            "followers": as_int(row.get("post_owner.followers_count")),
        }
        return [post], [account]

    return one


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
