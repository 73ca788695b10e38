"""A group page shows each member the profile of its own platform: one id can name
accounts of two platforms (a 9-digit X id and a 9-digit Telegram id), which detection keeps
apart, and the members table then holds that id twice, once per platform."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from vigie.schema import ACCOUNTS_SCHEMA, write_table
from vigie.web.views.groups import _profile_of, _profiles


def test_a_member_is_shown_its_own_platforms_profile(tmp_path: Path) -> None:
    rows = [
        {"platform": "telegram", "account_id": "42", "handle": "tg_channel"},
        {"platform": "x", "account_id": "42", "handle": "x_account"},
        {"platform": "x", "account_id": "7", "handle": "seven"},
    ]
    write_table(pa.Table.from_pylist(rows), tmp_path / "accounts.parquet", ACCOUNTS_SCHEMA)
    profiles = _profiles(tmp_path, ["42", "7"])
    handle = {
        (p, a): _profile_of(profiles, {"platform": p, "account_id": a}).get("handle")
        for p, a in (("x", "42"), ("telegram", "42"), ("x", "7"), (None, "7"))
    }
    assert handle == {
        ("x", "42"): "x_account",
        ("telegram", "42"): "tg_channel",
        ("x", "7"): "seven",
        (None, "7"): "seven",  # a member without a platform: its id's profile
    }
    assert profiles["7"]["handle"] == "seven"  # the network's nodes look up by id


def test_a_placeholder_creation_date_is_shown_as_unknown(tmp_path: Path) -> None:
    """A member whose source wrote the Unix epoch or year 1 for a missing creation date is
    not shown "created 1970-01-01" (an old, so trusted, account): the date is unknown, as
    detection reads it (``schema.EARLIEST_CREATION``); a real date is shown as it is."""
    real = dt.datetime(2016, 10, 3, 8, 0, tzinfo=dt.UTC)
    rows = [
        {"platform": "x", "account_id": "1", "created_at": dt.datetime(1970, 1, 1, tzinfo=dt.UTC)},
        {"platform": "x", "account_id": "2", "created_at": dt.datetime(1, 1, 1, tzinfo=dt.UTC)},
        {"platform": "x", "account_id": "3", "created_at": real},
        {"platform": "x", "account_id": "4", "created_at": None},
    ]
    write_table(pa.Table.from_pylist(rows), tmp_path / "accounts.parquet", ACCOUNTS_SCHEMA)
    profiles = _profiles(tmp_path, ["1", "2", "3", "4"])
    shown = {a: profiles[a]["created_at"] for a in ("1", "2", "3", "4")}
    assert shown == {"1": None, "2": None, "3": real, "4": None}
