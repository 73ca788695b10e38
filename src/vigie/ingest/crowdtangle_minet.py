"""CrowdTangle API posts as médialab's minet wrote them to CSV (``minet ct posts``, ``minet ct
search``, ``minet ct posts-by-id``, and ``minet ct summary --posts``), 2019 to September 2024
when minet retired its CrowdTangle commands.

Why a reader of its own: minet renames every API field in its own ``snake_case`` columns
(its ``CrowdTanglePost`` record), and two of its names mean something else than in the other
CrowdTangle files vigie reads. minet's ``id`` is the API's ``platformId`` (the platform's own
id of the post, ``page_post`` on Facebook), and its ``ct_id`` CrowdTangle's ``id``; its
``account_id`` is the API's ``account.platformId`` (the page, group or Instagram account id:
the dashboard export's ``Facebook Id``), and ``account_ct_id`` CrowdTangle's ``account.id``.
PyCooRnet's ``account_id`` is the opposite: pandas' flattening of ``account.id``,
CrowdTangle's own id. Read through the API reader's renaming, a minet file would have keyed
its accounts by CrowdTangle's ids; read here, a post and its account get the ids the API
reader gives them, so minet files, API JSON and CooRnet files of one study merge.

Columns (minet's order): ``ct_id``, ``id``, ``platform``, ``type``, ``title``, ``caption``,
``message``, ``description``, ``date`` (the day only), ``datetime`` (``YYYY-MM-DD HH:MM:SS``,
UTC as the API gives it), ``updated``, ``link``, ``post_url``, ``score``,
``video_length_ms``, ``live_video_status``, ``actual_*_count``/``expected_*_count``, the account
(``account_ct_id``, ``account_id``, ``account_platform``, ``account_name``,
``account_handle``, ``account_profile_image``, ``account_subscriber_count``, ``account_url``,
``account_verified``, ``account_type``, ``account_page_admin_top_country``), ``links`` (the
shared links as posted) and ``expanded_links`` (the same, resolved), joined by ``|``, and
``media`` (JSON). ``ct summary --posts`` puts the queried ``url`` first; ``ct posts-by-id``
keeps the input's columns first and writes a row with empty post cells when CrowdTangle had no
such post (counted as skipped). The first files (July 2019) had no ``datetime``: their
``date`` held the whole time, and is read as such only then.

Mapping, as ``crowdtangle_api``'s: text = ``message``, else for a post that shares no link
its ``description`` (an Instagram caption) or ``title`` (a video's), never a link card's;
URLs = ``expanded_links``, else ``links``, else ``link``, never the post's own ``post_url``,
plus the links of the text; platform = ``--platform``, else ``platform`` lower-cased, else
``account_platform``. Account: ``account_handle``, ``account_name``,
``account_subscriber_count`` as followers. The account id falls back to ``account_ct_id``
(as the API reader's to ``account.id``) for a post whose account has no platform id. Not read:
counts, ``score``, ``caption`` (the link's domain), ``media`` (CrowdTangle's image proxies).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.crowdtangle import ct_time, text_post
from vigie.ingest.csv_rows import cell, need_cell
from vigie.ingest.model import Batch
from vigie.ingest.records import Mapped, Skip, as_int, read_items

COLUMNS = ("ct_id", "id", "account_ct_id", "account_id", "post_url")
"""Columns only minet's CrowdTangle posts have together (``ct_id``/``account_ct_id`` are
minet's names for CrowdTangle's own ids)."""
POST_CELLS = ("ct_id", "id", "datetime", "date", "account_ct_id", "account_id")
NOT_FOUND = "crowdtangle: row without a post (minet ct posts-by-id found none)"


def is_minet_ct(header: list[str]) -> bool:
    """A CSV header of minet's CrowdTangle posts."""
    return set(COLUMNS) <= {h.strip() for h in header}


def _pipe(value: str | None) -> list[str]:
    """A minet list cell (items joined by ``|``), blanks left out."""
    return [p.strip() for p in (value or "").split("|") if p.strip()]


def _count(value: str | None) -> int | None:
    """A count minet wrote ``4321`` (or ``4321.0`` once through pandas)."""
    if value is None:
        return None
    whole = value[:-2] if value.endswith(".0") else value
    return as_int(whole)


def _mapper(forced: str | None):  # noqa: ANN202 - a closure over --platform
    def one(item: Any) -> Mapped:
        row = csv_rows.whole(item)
        if all(cell(row, c) is None for c in POST_CELLS):
            raise Skip(NOT_FOUND)
        post_id = need_cell(row, "id")
        account = need_cell(row, "account_id", "account_ct_id")
        if "datetime" in row:
            created = ct_time(need_cell(row, "datetime"), "datetime")
        else:  # July 2019: ``date`` was the whole time
            created = ct_time(need_cell(row, "date"), "date")
        platform = forced or (cell(row, "platform", "account_platform") or "facebook").lower()
        text = cell(row, "message")
        if text is None and cell(row, "type") != "link":
            text = cell(row, "description", "title")
        text = text or ""
        link = cell(row, "link")  # one link, kept whole even with a "|" in it
        links = (
            _pipe(row.get("expanded_links")) or _pipe(row.get("links")) or ([link] if link else [])
        )
        own = cell(row, "post_url")
        links = [u for u in links if u != own]
        post = text_post(post_id, platform, account, created, text, links)
        acc = {
            "account_id": account,
            "platform": platform,
            "handle": cell(row, "account_handle"),
            "display_name": cell(row, "account_name"),
            "created_at": None,
            "followers": _count(cell(row, "account_subscriber_count")),
            "description": None,
        }
        return [post], [acc]

    return one


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a minet CrowdTangle posts CSV."""
    what = f"{platform or 'CrowdTangle'} post"
    return read_items(path, lambda v: [v], _mapper(platform), what, values=csv_rows.rows(path))
