"""A group page shows each member the profile of its own platform: one id can name
accounts of two platforms (a 9-digit X id and a 9-digit Telegram id), which detection keeps
apart, and the members table then holds that id twice, once per platform."""

from __future__ import annotations

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
