"""CrowdTangle CSV exports of Facebook pages/groups and Instagram accounts (the input of
CooRnet and of most coordinated link sharing studies, 2017-2024).

Facebook export columns (CrowdTangle "Download" of a list or a search): ``Page Name`` (or
``Group Name``), ``User Name``, ``Facebook Id`` (of the page or group), ``Page Category``,
``Page Admin Top Country``, ``Page Description``, ``Page Created``, ``Likes at Posting``,
``Followers at Posting``, ``Post Created``, ``Post Created Date``, ``Post Created Time``,
``Type``, ``Total Interactions``, ``Likes``, ``Comments``, ``Shares``, reactions, ``Video
Share Status``, ``Post Views``..., ``URL`` (of the post), ``Message``, ``Link``, ``Final
Link`` (the link after redirects), ``Image Text``, ``Link Text``, ``Description``, ``Sponsor
Id``... Instagram exports: ``Account``, ``User Name``, ``Followers at Posting``, ``Post
Created``, ``Type``, ``Likes``, ``Comments``, ``Views``, ``URL``, ``Link``, ``Photo``,
``Title``, ``Description`` (the caption). Times are written ``2021-02-01 10:00:00 CET``, in the
time zone of the dashboard that exported them, named by its abbreviation.

Mapping: ``post_id`` = the post's ``URL`` (the export has no other post id), ``account_id`` =
``Facebook Id`` (else ``User Name``), created_at = ``Post Created`` with its zone (else ``Post
Created Date`` + ``Post Created Time`` read as UTC, said in the docs), text = ``Message`` (the
Instagram caption ``Description``), URLs = ``Final Link`` (else ``Link``) plus the links of the
text, hashtags and mentions from the text. Platform: ``--platform`` when given, else facebook
when the export has ``Facebook Id``/``Page Name``/``Group Name``, else instagram. Account:
handle = ``User Name``, display name = ``Page Name``/``Group Name``/``Account``, created_at =
``Page Created``, followers = ``Followers at Posting`` (page likes are not followers), description
= ``Page Description``. An unknown zone abbreviation is a refusal naming it, never a guess.
Required per row: ``URL``, an account id, a creation time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows, json_array
from vigie.ingest.csv_rows import cell, need_cell
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    Missing,
    as_int,
    profile_time,
    read_items,
    time_of,
)
from vigie.ingest.urls import (
    canonical_url,
    canonical_urls,
    hashtags_in_text,
    mentions_in_text,
    urls_in_text,
)

ZONES = {
    "UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5, "CET": 1, "CEST": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "AEST": 10,
    "AEDT": 11, "JST": 9, "KST": 9, "SGT": 8, "HKT": 8, "WIB": 7, "PHT": 8, "BRT": -3,
    "ART": -3,
}  # fmt: skip
"""Offsets (hours) of the zone abbreviations dashboards write. Ambiguous ones (CST, IST) are
read the way CrowdTangle, a US product, wrote them: US Central, India."""


OFFSET_RE = re.compile(r"[+-]\d{2}:?\d{2}")


def is_crowdtangle(header: list[str]) -> bool:
    cols = set(header)
    return (
        "Post Created" in cols
        and "URL" in cols
        and bool(cols & {"Facebook Id", "Page Name", "Group Name", "User Name", "Account"})
    )


def _platform(header_cols: set[str], forced: str | None) -> str:
    if forced:
        return forced
    return "facebook" if header_cols & {"Facebook Id", "Page Name", "Group Name"} else "instagram"


def ct_time(value: str, name: str) -> datetime:
    """``2021-02-01 10:00:00 CET`` (or without a zone, or ISO 8601) as UTC."""
    parts = value.rsplit(" ", 1)
    if len(parts) == 2 and OFFSET_RE.fullmatch(parts[1]):  # "... +0100": an offset, not a name
        return time_of(parts[0] + parts[1], name)
    if len(parts) == 2 and parts[1].isalpha():
        zone = parts[1].upper()
        if zone not in ZONES:
            raise BadField(name, f"unknown time zone {parts[1]!r} in {value!r}")
        try:
            local = datetime.fromisoformat(parts[0])
        except ValueError:
            raise BadField(name, f"not a time: {value!r}") from None
        tz = timezone(timedelta(hours=ZONES[zone]))
        return time_of(local.replace(tzinfo=tz).astimezone(UTC), name)
    return time_of(value, name)


def _count(v: str | None) -> int | None:
    return as_int(v.replace(",", "")) if v else None


def text_post(
    post_id: str,
    platform: str,
    account: str,
    created: datetime,
    text: str,
    links: list[str],
    lang: str | None = None,
    resolved: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A CrowdTangle post as the Dataset holds it: its shared links first, then the links,
    hashtags and mentions read from its text. ``resolved``: CrowdTangle's own resolution of
    a link (``expandedLinks``: ``original`` -> ``expanded``), applied to the text's links
    too, so a shortened link in the message is the page it leads to, as in the shares whose
    message holds no link (CooRnet and the X readers compare the expanded form).

    Why one function for the dashboard export, the API's posts and minet's CSVs: CrowdTangle
    gives no entity lists, so every flavour builds the same row from the same few cells, and a
    rule changed in one (the order of links, an empty text) must hold for all three, whose
    posts and accounts merge in one Dataset."""
    return {
        "post_id": post_id,
        "platform": platform,
        "account_id": account,
        "created_at": created,
        "text": text or None,
        "lang": lang,
        "urls": list(dict.fromkeys(canonical_urls(links) + _resolved(text, resolved))),
        "hashtags": hashtags_in_text(text),
        "mentions": mentions_in_text(text),
        "media": [],
        "repost_of": None,
        "reply_to": None,
        "quote_of": None,
    }


def _resolved(text: str, resolved: dict[str, str] | None) -> list[str]:
    """The links of ``text`` (canonical), each that CrowdTangle resolved made its target."""
    urls = urls_in_text(text)
    if not resolved or not urls:
        return urls
    keys = {canonical_url(o): canonical_url(e) for o, e in resolved.items()}
    return [keys.get(u) or u for u in urls]


RESOLVED_RE = re.compile(r"(\S+?):=:(https?://\S+)")
"""A link as a dashboard export writes it in a message it resolved: ``<as posted>:=:<where it
leads>`` (``bit.ly/x:=:https://open.spotify.com/...``)."""


def _unmarked(text: str) -> tuple[str, dict[str, str]]:
    """``text`` with each ``<as posted>:=:<where it leads>`` written as posted, and the
    links so resolved (as posted -> where it leads).

    Why: the markup is CrowdTangle's, not the page's: kept, two pages posting one message
    differed in text when one export had resolved its link, and the link read from the
    text was the two addresses run together (``paypal.me/x:=:https:/www.paypal.com/...``)."""
    if ":=:" not in text:
        return text, {}
    resolved = {m.group(1): m.group(2) for m in RESOLVED_RE.finditer(text)}
    return RESOLVED_RE.sub(r"\1", text), resolved


PAGE_POST_RE = re.compile(r"^https?://(?:www\.|m\.)?facebook\.com/(?:groups/)?(\d+)/")
"""A Facebook post's address in a dashboard export: ``facebook.com/<page id>/posts/<id>``
(or ``groups/<group id>/permalink/<id>``), the number its ``Facebook Id`` column holds."""


def _account_of(post_url: str) -> str | None:
    """The page or group id in a post's address, or None.

    Why: analysts cut a dashboard export to the columns they read (``Page Name``, ``Post
    Created``, ``Message``, ``URL``), and every row was refused for its missing ``Facebook
    Id``, which its address still held (the same number on every row of a full export)."""
    m = PAGE_POST_RE.match(post_url)
    return m.group(1) if m else None


def _mapper(forced: str | None):  # noqa: ANN202 - a closure over --platform
    def one(row: Any) -> Mapped:
        row = csv_rows.whole(row)
        platform = _platform({k for k, v in row.items() if v is not None}, forced)
        post_id = need_cell(row, "URL")
        account = cell(row, "Facebook Id", "User Name") or _account_of(post_id)
        if account is None:
            raise Missing("Facebook Id (or User Name)")
        when = cell(row, "Post Created")
        if when is not None:
            created = ct_time(when, "Post Created")
        else:
            day = cell(row, "Post Created Date")
            if day is None:
                raise Missing("Post Created")
            created = time_of(
                f"{day} {cell(row, 'Post Created Time') or '00:00:00'}",
                "Post Created Date",
            )
        text = (
            cell(row, "Message") if platform == "facebook" else cell(row, "Description", "Message")
        )
        text, resolved = _unmarked(text or "")
        link = cell(row, "Final Link", "Link")
        if link == post_id:  # Instagram exports repeat the post's own address as its link
            link = None
        page_created = cell(row, "Page Created")
        acc_created = profile_time(page_created, "Page Created", ct_time)
        links = ([link] if link else []) + list(resolved.values())
        post = text_post(post_id, platform, account, created, text, links, resolved=resolved)
        acc = {
            "account_id": account,
            "platform": platform,
            "handle": cell(row, "User Name"),
            "display_name": cell(row, "Page Name", "Group Name", "Account"),
            "created_at": acc_created,
            "followers": _count(cell(row, "Followers at Posting")),
            "description": cell(row, "Page Description"),
        }
        return [post], [acc]

    return one


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a CrowdTangle dashboard export, or from CrowdTangle API
    posts (JSON, or CooRnet's CSV of them: ``crowdtangle_api``), told apart by their shape."""
    from vigie.ingest import crowdtangle_api, crowdtangle_minet

    what = f"{platform or 'CrowdTangle'} post"
    # JSON or CSV by content: CooRnet users save API posts under any name (.csv or .json)
    if json_array.starts_with_json(path):
        return crowdtangle_api.read(path, platform)
    header = csv_rows.header_of(path)
    if crowdtangle_minet.is_minet_ct(header):
        return crowdtangle_minet.read(path, platform)
    if crowdtangle_api.is_api_csv(header) and not is_crowdtangle(header):
        return crowdtangle_api.read(path, platform, csv=True)
    if not is_crowdtangle(header):
        csv_rows.need_columns(
            path,
            header,
            ("URL", "Post Created"),
            "a CrowdTangle export (nor CrowdTangle API posts: id, account.platformId, "
            "expanded; nor minet's: ct_id, id, account_ct_id, account_id, post_url)",
        )
    return read_items(path, lambda v: [v], _mapper(platform), what, values=csv_rows.rows(path))
