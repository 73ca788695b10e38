"""CrowdTangle API posts (``/links``, ``/posts``, ``/posts/search``), as JSON or flattened to
CSV by CooRnet and PyCooRnet: the file a CooRnet user already has.

Why apart from the dashboard export (``crowdtangle.py``): the API names every field
differently (``platformId``, ``date``, ``account.platformId``...), gives the shared link
resolved (``expandedLinks[].expanded``), and its tools flatten it in their own ways: CooRnet
(R) keeps ``account.*``/``statistics.actual.*`` with dots, unnests ``expandedLinks`` into one
row per link (column ``expanded``) and writes ``NA`` for a missing value; PyCooRnet (pandas)
writes ``account_*``/``statistics_actual_*`` with underscores. JSON comes as the API's pages
(``{"status": 200, "result": {"posts": [...], "pagination"}}``, one per line or a JSON
array of them) or as posts, nested or already flattened with dots.

Mapping: ``post_id`` = ``platformId`` (the platform's own id of the post, ``page_post``), else
CrowdTangle's ``id`` (CooRnet's short CSVs keep only that one; the two never meet), account =
``account.platformId`` (the page, group or profile: the dashboard export's ``Facebook Id``,
so both merge), else ``account.id``; created_at = ``date`` (UTC, ``YYYY-MM-DD HH:MM:SS``);
text = ``message``, else, for a post that is no link share, its ``description`` (an Instagram
caption) or ``title`` (a video's); the link card's title and description are the linked page's,
the same in every share of it, so they are never the post's text (they would read as
copypasta). URLs = every ``expandedLinks[].expanded`` (else ``original``) and ``expanded``,
else ``link``, but not the post's own ``postUrl``, plus the links of the text. Platform:
``--platform``, else ``platform`` (``Facebook`` -> ``facebook``), else ``account.platform``.
A link of the text that ``expandedLinks`` resolves is its ``expanded`` target, as the shares
whose text holds no link.
Account: handle, name, ``subscriberCount`` as followers, ``pageCreatedDate``,
``pageDescription``. Not read: counts, scores, history, media (CrowdTangle's image proxies).
Required per post: an id, an account id, ``date``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.crowdtangle import ct_time, text_post
from vigie.ingest.mcl import flatten
from vigie.ingest.model import Batch, Note
from vigie.ingest.records import BadPage, Mapped, Missing, profile_time, read_items

ACCOUNT_KEYS = ("account.platformId", "account.subscriberCount")
"""Columns only a flattened CrowdTangle API post has (``account_*`` once renamed)."""
POST_KEYS = ("expanded", "expandedLinks", "platformId", "postUrl")
"""Columns of the post itself, one of which every flattening tool keeps."""
MISSING = {"", "NA", "NaN", "nan", "None", "NULL"}
"""Cells that mean no value: R's ``NA`` (CooRnet), pandas' empty or ``nan`` (PyCooRnet)."""
_EXPANDED_RE = re.compile(r"""['"]expanded['"]\s*:\s*['"]([^'"]+)['"]""")


def _dotted(name: str) -> str:
    """PyCooRnet's ``account_platformId`` as CooRnet's ``account.platformId``."""
    for prefix in ("account_", "statistics_"):
        if name.startswith(prefix):
            return name.replace("_", ".")
    return name


def is_api_csv(header: list[str]) -> bool:
    """A CSV of CrowdTangle API posts: an ``id``, an ``account.*`` column only CrowdTangle
    writes, and one of the post's own link or id columns."""
    cols = {_dotted(h.strip()) for h in header}
    return "id" in cols and bool(cols & set(ACCOUNT_KEYS)) and bool(cols & set(POST_KEYS))


def _is_post(obj: dict[str, Any]) -> bool:
    account = obj.get("account")
    return (
        "platformId" in obj
        and "date" in obj
        and (isinstance(account, dict) or "account.platformId" in obj)
    )


def is_api_value(obj: Any) -> bool:
    """A decoded JSON value of the CrowdTangle API: a page of posts or one post."""
    if not isinstance(obj, dict):
        return False
    result = obj.get("result")
    if "status" in obj and isinstance(result, dict) and isinstance(result.get("posts"), list):
        return True
    return _is_post(obj)


def _value(row: dict[str, Any], *names: str) -> Any:
    """The first of ``names`` holding a value (``MISSING`` cells are none)."""
    for n in names:
        v = row.get(n)
        if isinstance(v, str):
            v = v.strip()
            if v in MISSING:
                continue
        if v is not None and v != [] and v is not False:
            return v
    return None


def _text(row: dict[str, Any], name: str) -> str | None:
    v = _value(row, name)
    return None if v is None else str(v)


def _id(row: dict[str, Any], *names: str) -> str:
    """An id as text: JSON gives CrowdTangle's ids as numbers, R as ``82580949333``."""
    v = _value(row, *names)
    if v is None:
        raise Missing(names[0])
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _count(v: Any) -> int | None:
    """A count written ``3183``, ``3183.0`` (pandas) or as a JSON number; None otherwise."""
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return int(f) if f.is_integer() and f >= 0 else None


def _resolutions(row: dict[str, Any]) -> dict[str, str]:
    """CrowdTangle's ``expandedLinks`` as ``original`` -> ``expanded`` (JSON lists only)."""
    items = row.get("expandedLinks")
    out: dict[str, str] = {}
    for it in items if isinstance(items, list) else []:
        if isinstance(it, dict):
            o, e = _value(it, "original"), _value(it, "expanded")
            if isinstance(o, str) and isinstance(e, str) and o and e:
                out[o] = e
    return out


def _lang(row: Any) -> str | None:
    """The post's ``languageCode``; ``und`` ("undetermined": no language found) is none, as
    the X v1.1 reader reads it."""
    lang = _text(row, "languageCode")
    return None if lang == "und" else lang


def _links(row: dict[str, Any]) -> list[str]:
    """The post's shared links, resolved: ``expandedLinks`` (a list in JSON, its Python or
    JSON text in a CSV), CooRnet's unnested ``expanded``; ``link`` only without either."""
    out: list[str] = []
    items = row.get("expandedLinks")
    if isinstance(items, list):
        for it in items:
            if isinstance(it, dict):
                v = _value(it, "expanded", "original")
                if v is not None:
                    out.append(str(v))
    elif isinstance(items, str):
        out.extend(_EXPANDED_RE.findall(items))
    one = _text(row, "expanded")
    if one:
        out.append(one)
    if not out:
        link = _text(row, "link")
        if link:
            out.append(link)
    own = _text(row, "postUrl")
    return [u for u in out if u != own]


def _mapper(forced: str | None):  # noqa: ANN202 - a closure over --platform
    def one(item: Any) -> Mapped:
        if not isinstance(item, dict):
            raise ValueError("a post is not an object")
        if item.get("_extra"):  # a CSV row with more cells than the header: refused
            csv_rows.whole(item)
        row = flatten(item)
        post_id = _id(row, "platformId", "id")
        account = _id(row, "account.platformId", "account.id")
        when = _text(row, "date")
        if when is None:
            raise Missing("date")
        created = ct_time(when, "date")
        platform = (
            forced or str(_value(row, "platform", "account.platform") or "facebook").strip().lower()
        )
        text = _text(row, "message")
        if text is None and str(_value(row, "type") or "") != "link":
            text = _text(row, "description") or _text(row, "title")
        text = text or ""
        post = text_post(
            post_id,
            platform,
            account,
            created,
            text,
            _links(row),
            _lang(row),
            resolved=_resolutions(row),
        )
        acc = {
            "account_id": account,
            "platform": platform,
            "handle": _text(row, "account.handle"),
            "display_name": _text(row, "account.name"),
            "created_at": profile_time(
                _text(row, "account.pageCreatedDate"), "account.pageCreatedDate", ct_time
            ),
            "followers": _count(_value(row, "account.subscriberCount", "subscriberCount")),
            "description": _text(row, "account.pageDescription"),
        }
        return [post], [acc]

    return one


def _unwrap(value: Any) -> list[Any] | None:
    """The posts of a page, a bare array, or one post; an API error answer refused whole."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    result = value.get("result")
    if isinstance(result, dict) and isinstance(result.get("posts"), list):
        return result["posts"]
    status = value.get("status")
    if status is not None and status != 200 and not _is_post(value):
        raise BadPage("CrowdTangle API error page", f"{status}: {value.get('message')}")
    return [value] if "platformId" in value or "id" in value else None


def _csv_rows(path: Path) -> Iterator[tuple[int, Any]]:
    for lineno, row in csv_rows.rows(path):
        yield lineno, (row if isinstance(row, Note) else {_dotted(k): v for k, v in row.items()})


def read(path: Path, platform: str | None = None, csv: bool = False) -> Iterator[Batch]:
    """Yield canonical batches from CrowdTangle API posts (JSON, or a CSV when ``csv``)."""
    what = f"{platform or 'CrowdTangle'} post"
    values = _csv_rows(path) if csv else None
    return read_items(path, _unwrap, _mapper(platform), what, values=values, keys=("result.posts",))
