"""How ``--format auto`` tells the shapes of published datasets apart (used by
``detect_format``): X API v1.1 tweets, Pushshift Reddit dumps, Twitter's Information Operations
archive, CrowdTangle exports, twarc2 and rtweet CSVs, 4CAT exports, Apify dataset exports.

Why separate tests, each on a set of keys or columns only that source writes together: these
shapes share generic names (``id``, ``text``, ``created_at``, ``URL``) with many others, so a
single telltale key would misread a generic table as a platform export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigie.ingest import threads_api, ytdlp
from vigie.ingest.academictwitter import is_academictwitter
from vigie.ingest.apify import is_csv as is_apify_csv
from vigie.ingest.apify import is_item as is_apify
from vigie.ingest.cnt_input import is_cnt
from vigie.ingest.coortweet_input import is_coortweet
from vigie.ingest.crowdtangle import is_crowdtangle
from vigie.ingest.crowdtangle_api import is_api_csv, is_api_value
from vigie.ingest.crowdtangle_minet import is_minet_ct
from vigie.ingest.csv_rows import header_of
from vigie.ingest.fourcat import is_4cat
from vigie.ingest.instaloader import is_item as is_instaloader
from vigie.ingest.ira538 import is_ira538
from vigie.ingest.listening import shape as listening_shape
from vigie.ingest.minet_csv import is_minet
from vigie.ingest.nodexl import is_nodexl, is_vertices
from vigie.ingest.nodexl import locate as nodexl_locate
from vigie.ingest.pushshift import is_reddit
from vigie.ingest.pyktok import is_pyktok
from vigie.ingest.snscrape_x import is_item as is_snscrape
from vigie.ingest.tags import is_tags
from vigie.ingest.tcat import delimiter as tcat_delimiter
from vigie.ingest.tcat import is_tcat
from vigie.ingest.tiktok import is_csv as is_tiktok_csv
from vigie.ingest.twint import is_twint
from vigie.ingest.twitwi_files import json_shape as twitwi_json_shape
from vigie.ingest.twitwi_files import shape as twitwi_shape
from vigie.ingest.vk import is_vk
from vigie.ingest.x_csv import shape as x_csv_shape
from vigie.ingest.x_io_archive import is_io_archive, is_io_users
from vigie.ingest.x_users import is_users_csv
from vigie.ingest.ytdt import delimiter as ytdt_delimiter
from vigie.ingest.ytdt import is_ytdt
from vigie.ingest.zeeschuimer import is_capture


def is_v1_tweet(obj: dict[str, Any]) -> bool:
    """An API v1.1 tweet: a nested ``user`` object, an id and a v1.1 text field."""
    return (
        isinstance(obj.get("user"), dict)
        and ("id_str" in obj or "id" in obj)
        and "created_at" in obj
        and ("text" in obj or "full_text" in obj or "extended_tweet" in obj)
    )


def json_shape(obj: dict[str, Any]) -> str | None:
    """``x-v1``, ``pushshift``, ``twitwi``, ``twitwi-bluesky``, ``zeeschuimer``,
    ``snscrape``, ``vk``, ``apify`` or ``crowdtangle`` when one decoded record has that shape."""
    if ytdlp.is_info(obj):
        return "yt-dlp"
    if is_api_value(obj):
        return "crowdtangle"
    if is_capture(obj):
        return "zeeschuimer"
    if threads_api.is_value(obj):
        return "threads"
    if is_snscrape(obj):
        return "snscrape"
    if is_twint(obj):
        return "twint"
    if is_instaloader(obj):
        return "instaloader"
    if is_vk(obj):
        return "vk"
    if is_apify(obj):
        return "apify"
    if is_v1_tweet(obj):
        return "x-v1"
    statuses = obj.get("statuses")
    if isinstance(statuses, list) and statuses and isinstance(statuses[0], dict):
        return "x-v1" if is_v1_tweet(statuses[0]) else None
    if is_reddit(obj):
        return "pushshift"
    twitwi = twitwi_json_shape(obj)
    if twitwi:
        return twitwi
    data = obj.get("data")
    if isinstance(data, dict) and obj.get("kind") in ("t1", "t3", "Listing"):
        return "pushshift"
    if isinstance(data, list) and data and is_reddit(data[0]):
        return "pushshift"
    return None


def csv_shape(path: Path) -> str | None:
    """``x-io``, ``x-io-users``, ``crowdtangle``, ``twarc-csv``, ``rtweet``, ``twitwi``,
    ``twitwi-bluesky``, ``minet``, ``ira-538``, ``tags``, ``nodexl``, ``nodexl-vertices``,
    ``twint``, ``tcat``, ``ytdt``, ``apify``, ``4cat`` or a listening tool's, from a CSV
    header (a NodeXL sheet's is a row below its column groups; TCAT's and YTDT's may be
    tab-separated)."""
    found = header_shape(header_of(path)) or listening_shape(path)
    if found is None and nodexl_locate(path) is not None:
        return "nodexl"
    if found is None and ytdt_delimiter(path) is not None:
        return "ytdt"
    if found is None and tcat_delimiter(path) is not None:
        return "tcat"
    if found is None and nodexl_locate(path, is_vertices) is not None:
        return "nodexl-vertices"
    return found


def header_shape(header: list[str]) -> str | None:
    """What ``csv_shape`` tells from a header row alone (a listening tool's export, looked
    for below a preamble and in other encodings, is ``listening.shape``'s)."""
    if is_io_archive(header):
        return "x-io"
    if is_io_users(header):
        return "x-io-users"
    if is_tcat(header):
        return "tcat"
    if is_academictwitter(header):
        return "academictwitter"
    if is_pyktok(header):
        return "pyktok"
    if is_ytdt(header):
        return "ytdt"
    if is_tiktok_csv(header):
        return "tiktok"
    if is_cnt(header):  # before twint and x-users, whose headers share user ids and names
        return "cnt"
    if is_crowdtangle(header) or is_api_csv(header) or is_minet_ct(header):
        return "crowdtangle"
    if is_twint(header):  # before users: twint's header has id and username, no text
        return "twint"
    if is_users_csv(header):
        return "x-users"
    if is_minet(header):
        return "minet"
    if is_ira538(header):
        return "ira-538"
    if is_coortweet(header):
        return "coortweet"
    if is_tags(header):
        return "tags"
    if is_nodexl(header):
        return "nodexl"
    if is_vertices(header):
        return "nodexl-vertices"
    if is_apify_csv(header):
        return "apify"
    return x_csv_shape(header) or twitwi_shape(header) or ("4cat" if is_4cat(header) else None)


def text_shape(text: str) -> str | None:
    """The shape of a JSON document spread over many lines, from its first MiB of text."""
    head = text[: 1 << 20]
    if '"id_str"' in head and '"user"' in head and '"screen_name"' in head:
        return "x-v1"
    if '"created_utc"' in head and '"subreddit"' in head and '"author"' in head:
        return "pushshift"
    if threads_api.is_text(head):
        return "threads"
    return "yt-dlp" if ytdlp.is_text(head) else None
