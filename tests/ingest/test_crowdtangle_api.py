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


def test_a_short_link_in_the_message_is_its_resolved_page(tmp_path: Path) -> None:
    """A page posting its article writes the short link in its message too (NBC News's
    ``nbcnews.to/...`` in parsons' real ``/links`` answer): the text's link was kept short
    beside the expanded one, so its shares and the shares without a message held different
    links. Now a text link that ``expandedLinks`` resolves is its ``expanded`` page; a text
    link CrowdTangle did not resolve is kept as written."""
    posts = [
        _post(1, PAGE_ID, message=f"Breaking: read {SHORT}"),
        _post(2, GROUP_ID),
        _post(3, GROUP_ID, message="see https://other.example.com/x"),
    ]
    src = tmp_path / "links.json"
    src.write_text(json.dumps(_page(posts)), encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds)
    got = posts_by_id(ds)
    article = ["news.example.org/2022/05/story-one"]
    assert got[f"{PAGE_ID}_800001"]["urls"] == article
    assert got[f"{GROUP_ID}_800002"]["urls"] == article
    assert got[f"{GROUP_ID}_800003"]["urls"] == [*article, "other.example.com/x"]


def test_a_large_page_saved_with_indent_is_told_by_its_keys(tmp_path: Path) -> None:
    """One API page over the 1 MiB that detection parses whole, pretty-printed: it was
    "cannot tell the format" (the keyword scan knew other platforms' pages only)."""
    posts = [
        _post(1 + n % 9, PAGE_ID, id=900000 + n, platformId=f"{PAGE_ID}_9{n:06d}")
        for n in range(1500)
    ]
    src = tmp_path / "page.json"
    src.write_text(json.dumps(_page(posts), indent=2), encoding="utf-8")
    assert src.stat().st_size > 1 << 20
    assert detect(src) == "crowdtangle"
    ingest([src], tmp_path / "ds")
    assert len(posts_by_id(tmp_path / "ds")) == 1500 and rejected(tmp_path / "ds") == []


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


MINET = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "sources"
M_PAGE, M_GROUP, M_INSTA = "700000000000011", "700000000000012", "17800000000000013"
M_ARTICLE = "presse.example.fr/2022/05/article-un"


@pytest.mark.parametrize("fmt", ["auto", "crowdtangle"])
def test_minet_ct_posts_csv(tmp_path: Path, fmt: str) -> None:
    """minet's CrowdTangle CSV (``minet ct posts``/``search``/``posts-by-id``): the post is
    minet's ``id`` (the platform's), not ``ct_id``; the account its ``account_id`` (the
    platform's page id), not ``account_ct_id``; a link card's title is never the post's
    text; the resolved links, not the short ones nor the post's own address; a posts-by-id
    row whose post was not found is counted, not refused; refusals name minet's columns."""
    src = MINET / "minet_ct_posts.csv"
    assert detect(src) == "crowdtangle"
    ds = tmp_path / "ds"
    report = ingest([src], ds, fmt=fmt)
    s = report.sources[0]
    assert (s.format, s.accepted, s.rejected) == ("crowdtangle", 4, 2)
    posts = posts_by_id(ds)
    share = posts[f"{M_PAGE}_810001"]
    assert share["account_id"] == M_PAGE and share["platform"] == "facebook"
    assert share["created_at"] == datetime(2022, 5, 1, 10, 15, 1, tzinfo=UTC)
    assert share["text"] == "À lire avant dimanche #legislatives @voisin"
    assert share["urls"] == [M_ARTICLE, "autre.example.net/page"]
    assert share["hashtags"] == ["legislatives"] and share["mentions"] == ["voisin"]
    silent = posts[f"{M_GROUP}_810002"]
    assert silent["text"] is None and silent["urls"] == [M_ARTICLE]
    photo = posts[f"2830000000000000003_{M_INSTA}"]
    assert photo["platform"] == "instagram" and photo["account_id"] == M_INSTA
    assert photo["text"] == "Tous aux urnes #vote @ami_2" and photo["urls"] == []
    video = posts[f"{M_PAGE}_810004"]
    assert video["text"] == "Le meeting en entier" and video["urls"] == []
    accounts = accounts_by_id(ds)
    assert set(accounts) == {M_PAGE, M_GROUP, M_INSTA}
    page = accounts[M_PAGE]
    assert (page["handle"], page["display_name"], page["followers"]) == (
        "pageexemple",
        "Page Exemple",
        4321,
    )
    assert accounts[M_GROUP]["handle"] is None and accounts[M_GROUP]["followers"] == 88
    assert [(r["record"], r["field"]) for r in rejected(ds)] == [(7, "datetime"), (8, "account_id")]
    skipped = manifest(ds)["sources"][0]["skipped"]
    assert skipped == {"crowdtangle: row without a post (minet ct posts-by-id found none)": 1}


def test_minet_ct_summary_posts_and_api_merge(tmp_path: Path) -> None:
    """``minet ct summary --posts`` puts the queried ``url`` first and repeats a post for each
    URL it shares (duplicates, counted); the same post from the API's JSON has the same post
    and account ids, so the two files give one post."""
    src = MINET / "minet_ct_summary_posts.csv"
    assert detect(src) == "crowdtangle"
    api = _post(1, M_PAGE, message="À lire avant dimanche #legislatives @voisin")
    api["platformId"] = f"{M_PAGE}_810001"
    api["date"] = "2022-05-01 10:15:01"
    page = tmp_path / "links.json"
    page.write_text(json.dumps(_page([api])) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src, page], ds)
    posts = posts_by_id(ds)
    assert set(posts) == {f"{M_PAGE}_810001", f"{M_GROUP}_810002"}
    assert posts[f"{M_PAGE}_810001"]["account_id"] == M_PAGE
    dups = [x["duplicates"] for x in manifest(ds)["sources"]]
    assert dups == [1, 1]


def test_minet_ct_2019_header(tmp_path: Path) -> None:
    """minet's first CrowdTangle CSVs (July 2019) had no ``datetime``: their ``date`` was the
    full time, read as such; and no ``account_type``, ``care`` counts."""
    header = (
        "ct_id,id,platform,type,title,caption,message,description,date,updated,link,post_url,"
        "score,account_ct_id,account_id,account_platform,account_name,account_handle,"
        "account_subscriber_count,links,expanded_links,media"
    )
    row = (
        f"910001,{M_PAGE}_810001,Facebook,status,,,bonjour,,2019-07-16 08:00:00,,,"
        f"https://www.facebook.com/{M_PAGE}/posts/810001,0,42001,{M_PAGE},Facebook,"
        "Page Exemple,pageexemple,12,,,"
    )
    src = tmp_path / "ct_posts_2019.csv"
    src.write_text(header + "\n" + row + "\n", encoding="utf-8")
    assert detect(src) == "crowdtangle"
    ds = tmp_path / "ds"
    ingest([src], ds)
    [p] = posts_by_id(ds).values()
    assert p["created_at"] == datetime(2019, 7, 16, 8, 0, tzinfo=UTC) and p["text"] == "bonjour"


def test_undetermined_language_is_none(tmp_path: Path) -> None:
    """``languageCode: "und"`` (parsons' real ``/links`` answer) is CrowdTangle saying it
    found no language: not a language of its own."""
    src = tmp_path / "links.json"
    posts = [_post(1, PAGE_ID, languageCode="und"), _post(2, PAGE_ID, languageCode="de")]
    src.write_text(json.dumps(_page(posts)) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds)
    got = posts_by_id(ds)
    assert got[f"{PAGE_ID}_800001"]["lang"] is None and got[f"{PAGE_ID}_800002"]["lang"] == "de"


def test_dashboard_csv_cut_to_a_few_columns_and_resolved_links(tmp_path: Path) -> None:
    """Two shapes of real dashboard exports: one an analyst cut to ``Page Name``, ``Post
    Created``, ``Message``, ``URL`` (every row was refused for its missing ``Facebook
    Id``, which the post's address holds), and a message whose link the export resolved
    in place (``bit.ly/x:=:https://...``: kept, the text was not the page's and the
    link read from it two addresses run together)."""
    src = tmp_path / "cut.csv"
    rows = [
        "Page Name,Post Created,Shares,Message,URL",
        "Page One,2023-11-13 04:30:36 EST,6,Listen: bit.ly/Ab:=:https://open.example.com/album/9"
        " and https://paypal.me/Gv:=:https://www.paypal.com/paypalme/Gv,"
        "https://www.facebook.com/100069351265250/posts/660862489568787",
        "Group Two,2023-10-27 15:00:03 EDT,8,hello,"
        "https://www.facebook.com/groups/123456/permalink/789/",
        "No Id,2023-10-27 15:00:03 EDT,8,hello,https://www.facebook.com/somepage/posts/1",
    ]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    p1 = posts["https://www.facebook.com/100069351265250/posts/660862489568787"]
    assert p1["account_id"] == "100069351265250"
    assert p1["text"] == "Listen: bit.ly/Ab and https://paypal.me/Gv"
    assert p1["urls"] == ["open.example.com/album/9", "paypal.com/paypalme/Gv"]
    assert posts["https://www.facebook.com/groups/123456/permalink/789/"]["account_id"] == (
        "123456"
    )
    [rej] = rejected(ds)
    assert rej["record"] == 4 and "Facebook Id (or User Name)" in rej["detail"]  # a line
