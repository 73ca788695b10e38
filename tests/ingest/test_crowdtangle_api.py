"""CrowdTangle API posts as CooRnet users hold them: the ``/links`` endpoint's JSON pages, and
their CSV flattenings by CooRnet (R: dotted names, ``NA``, one row per expanded link) and
PyCooRnet (pandas: ``account_*`` names). Until this round each was "not a CrowdTangle
export" (forced) or a generic table asking for ``--map`` (auto).

Values are ours; the structure is the CrowdTangle API's post object and the columns those
tools write."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.helpers import accounts_by_id, manifest, posts_by_id, rejected
from vigie.errors import InputError
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect

PAGE_ID = "700000000000001"
GROUP_ID = "700000000000002"
ARTICLE = "https://news.example.org/2022/05/story-one?utm_source=facebook"
SHORT = "https://sho.rt/abc"


def _post(n: int, account: str, **extra: Any) -> dict[str, Any]:
    post = {
        "id": 900000 + n,
        "platformId": f"{account}_80000{n}",
        "platform": "Facebook",
        "date": f"2022-05-0{n} 10:15:0{n}",
        "updated": "2022-06-01 00:00:00",
        "type": "link",
        "expandedLinks": [{"original": SHORT, "expanded": ARTICLE}],
        "link": SHORT,
        "postUrl": f"https://www.facebook.com/{account}/posts/80000{n}",
        "subscriberCount": 1200,
        "statistics": {"actual": {"likeCount": 3}, "expected": {"likeCount": 5}},
        "account": {
            "id": 41000 + n,
            "name": "Example Page" if account == PAGE_ID else "Example Group",
            "handle": "examplepage" if account == PAGE_ID else None,
            "subscriberCount": 1234,
            "url": f"https://www.facebook.com/{account}",
            "platform": "Facebook",
            "platformId": account,
            "accountType": "facebook_page",
            "pageCreatedDate": "2015-03-04 05:06:07",
            "verified": False,
        },
    }
    post.update(extra)
    return post


def _page(posts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"status": 200, "result": {"posts": posts, "pagination": {}}}


def test_links_api_pages_one_per_line(tmp_path: Path) -> None:
    """The API's own answer, saved page by page: posts, accounts, the expanded link (not
    the short one), UTC times; an error answer on its own line is refused, named."""
    ig = _post(
        3,
        "17800000000000003",
        platform="Instagram",
        type="photo",
        description="caption here #vote @friend",
        expandedLinks=[],
        link="https://www.instagram.com/p/Cabc/",
        postUrl="https://www.instagram.com/p/Cabc/",
    )
    ig["account"]["platform"] = "Instagram"
    lines = [
        _page([_post(1, PAGE_ID, message="read this"), _post(2, GROUP_ID)]),
        {"status": 401, "message": "Unauthorized: token expired"},
        _page([ig]),
    ]
    src = tmp_path / "links.json"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert detect(src) == "crowdtangle"
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    assert report.sources[0].format == "crowdtangle"
    posts = posts_by_id(ds)
    assert set(posts) == {f"{PAGE_ID}_800001", f"{GROUP_ID}_800002", "17800000000000003_800003"}
    p1 = posts[f"{PAGE_ID}_800001"]
    assert p1["account_id"] == PAGE_ID and p1["platform"] == "facebook"
    assert p1["created_at"] == datetime(2022, 5, 1, 10, 15, 1, tzinfo=UTC)
    assert p1["urls"] == ["news.example.org/2022/05/story-one"] and p1["text"] == "read this"
    # a link share without a message has no text: the link card is the article's, not theirs
    assert posts[f"{GROUP_ID}_800002"]["text"] is None
    p3 = posts["17800000000000003_800003"]
    assert p3["platform"] == "instagram" and p3["text"] == "caption here #vote @friend"
    assert p3["urls"] == [] and p3["hashtags"] == ["vote"] and p3["mentions"] == ["friend"]
    acc = accounts_by_id(ds)[PAGE_ID]
    assert acc["handle"] == "examplepage" and acc["display_name"] == "Example Page"
    assert acc["followers"] == 1234
    assert acc["created_at"] == datetime(2015, 3, 4, 5, 6, 7, tzinfo=UTC)
    [rej] = rejected(ds)
    assert rej["reason"] == "CrowdTangle API error page" and rej["record"] == 2
    assert "token expired" in rej["detail"]


def test_json_array_of_flattened_posts(tmp_path: Path) -> None:
    """PyCooRnet's JSON: an array of posts whose account is already flattened with dots."""
    post = _post(1, PAGE_ID, message="hello")
    for k, v in post.pop("account").items():
        post[f"account.{k}"] = v
    src = tmp_path / "ct_shares.json"
    src.write_text(json.dumps([post]), encoding="utf-8")
    assert detect(src) == "crowdtangle"
    ds = tmp_path / "ds"
    ingest([src], ds)
    [p] = posts_by_id(ds).values()
    assert p["account_id"] == PAGE_ID and p["urls"] == ["news.example.org/2022/05/story-one"]


COORNET_CSV = (
    '"id","is_orig","expanded","date","account.url","account.name","account.handle",'
    '"account.subscriberCount","account.id","account.platform","account.platformId",'
    '"account.verified"\n'
    f'900001,TRUE,"{ARTICLE}","2022-05-01 10:15:01","https://www.facebook.com/{PAGE_ID}",'
    f'"Example Page","examplepage",1234,41001,"Facebook","{PAGE_ID}",FALSE\n'
    f'900001,FALSE,"https://other.example.net/page","2022-05-01 10:15:01",'
    f'"https://www.facebook.com/{PAGE_ID}","Example Page","examplepage",1234,41001,'
    f'"Facebook","{PAGE_ID}",FALSE\n'
    f'900002,TRUE,"{ARTICLE}","2022-05-01 10:16:00",'
    f'"https://www.facebook.com/groups/{GROUP_ID}","Example Group",NA,88,41002,"Facebook",'
    f'"{GROUP_ID}",FALSE\n'
    f'900003,TRUE,"{ARTICLE}",NA,"https://www.facebook.com/{GROUP_ID}","Example Group",NA,'
    f'88,41002,"Facebook","{GROUP_ID}",FALSE\n'
)


def test_coornet_csv(tmp_path: Path) -> None:
    """CooRnet's ct_shares CSV: one row per expanded link of a post (read as one post with
    both links), R's NA for no value (no handle, not 'NA'), a row without date refused."""
    src = tmp_path / "ct_shares.csv"
    src.write_text(COORNET_CSV, encoding="utf-8")
    assert detect(src) == "crowdtangle"
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    assert report.sources[0].accepted == 3 and report.sources[0].rejected == 1
    posts = posts_by_id(ds)
    assert set(posts) == {"900001", "900002"}
    assert posts["900001"]["urls"] == [
        "news.example.org/2022/05/story-one",
        "other.example.net/page",
    ]
    assert posts["900002"]["account_id"] == GROUP_ID
    assert accounts_by_id(ds)[GROUP_ID]["handle"] is None
    assert accounts_by_id(ds)[GROUP_ID]["followers"] == 88
    [rej] = rejected(ds)
    assert (rej["record"], rej["field"]) == (5, "date")
    assert manifest(ds)["sources"][0]["duplicates"] == 1


def test_pycoornet_csv_and_forced_format(tmp_path: Path) -> None:
    """PyCooRnet's pandas CSV (``account_*`` names, counts as floats), forced or not."""
    header = (
        "id,platformId,platform,date,type,message,expanded,link,postUrl,account_id,"
        "account_name,account_subscriberCount,account_platform,account_platformId,"
        "account_handle,statistics_actual_likeCount"
    )
    row = (
        f"900001,{PAGE_ID}_800001,Facebook,2022-05-01 10:15:01,link,see #this,{ARTICLE},"
        f"{SHORT},https://www.facebook.com/x/posts/1,41001,Example Page,1234.0,Facebook,"
        f"{PAGE_ID},examplepage,3.0"
    )
    src = tmp_path / "sample_ct_out.csv"
    src.write_text(header + "\n" + row + "\n", encoding="utf-8")
    assert detect(src) == "crowdtangle"
    for fmt in ("auto", "crowdtangle"):
        ds = tmp_path / fmt
        ingest([src], ds, fmt=fmt)
        [p] = posts_by_id(ds).values()
        assert p["post_id"] == f"{PAGE_ID}_800001" and p["hashtags"] == ["this"]
        assert p["urls"] == ["news.example.org/2022/05/story-one"]
        assert accounts_by_id(ds)[PAGE_ID]["followers"] == 1234


def test_not_crowdtangle_forced_names_both_shapes(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("id,when,body\n1,2022-01-01,hi\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a CrowdTangle export.*CrowdTangle API posts"):
        ingest([src], tmp_path / "ds", fmt="crowdtangle")
