"""URL canonicalisation and entity extraction (known answers)."""

from __future__ import annotations

import pytest

from vigie.ingest.urls import (
    canonical_url,
    canonical_urls,
    clean_hashtags,
    hashtags_in_text,
    mentions_in_text,
    urls_in_text,
)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (
            "https://www.lemonde.fr/politique/a.html?utm_source=tw#top",
            "lemonde.fr/politique/a.html",
        ),
        ("http://Example.org/a?b=1&utm_medium=x", "example.org/a?b=1"),
        ("example.org/a", "example.org/a"),  # already canonical: unchanged
        ("23678", "23678"),  # an opaque id, not a URL: kept verbatim
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


TWEET_LINKS = [
    "https://twitter.com/Jack/status/20?s=20",
    "https://x.com/jack/status/20?t=AbC123xyz-_q&s=19",  # the mobile app's share token
    "https://mobile.twitter.com/jack/status/20",
    "https://twitter.com/i/web/status/20",
    "https://x.com/jack/status/20/photo/1",
    "HTTPS://WWW.X.COM/JACK/STATUS/20",
    "twitter.com/jack/statuses/020",
    "https://twitter.com/jack/status/20#reply",
]
NOT_TWEET_LINKS = [
    "https://twitter.com/jack",
    "https://box.com/a/status/20",
    "https://nottwitter.com/a/status/20",
    "https://x.com/jack/status/",
    "https://example.com/status/20",
    "https://x.com/jack/lists/20",
]


def test_a_link_to_a_tweet_is_keyed_by_its_id() -> None:
    """Shares of one tweet differ by host, app, typed name, share token and tail: each was
    a key of its own (the token alone made every mobile share unique), so co-link never tied
    accounts pushing one tweet. The Python key, the Arrow kernels and the X reader agree."""
    import pyarrow as pa

    from vigie.ingest.urls import map_urls, plain_url_key, tweet_link_key
    from vigie.ingest.x_v2 import _link_key

    assert {canonical_url(u) for u in TWEET_LINKS} == {"x.com/i/status/20"}
    assert {_link_key(u) for u in TWEET_LINKS} == {"x.com/i/status/20"}
    assert map_urls(pa.array(TWEET_LINKS), canonical_url).to_pylist() == ["x.com/i/status/20"] * 8
    for u in TWEET_LINKS:
        assert plain_url_key(u) in (None, "x.com/i/status/20"), u
    for u in NOT_TWEET_LINKS:
        assert tweet_link_key(u) is None, u
        assert canonical_url(u) != "x.com/i/status/20", u
    keys = map_urls(pa.array(NOT_TWEET_LINKS), canonical_url).to_pylist()
    assert keys == [canonical_url(u) for u in NOT_TWEET_LINKS]
    assert canonical_url("x.com/i/status/20") == "x.com/i/status/20"  # idempotent


def test_lists_are_cleaned_and_deduplicated_in_order() -> None:
    assert canonical_urls(["https://www.a.org/x", "a.org/x", "b.org"]) == ["a.org/x", "b.org"]
    assert clean_hashtags(["#Wahl", "wahl", "#BTW21"]) == ["wahl", "btw21"]


def test_extraction_from_text() -> None:
    text = "Seht #Wahl2021 und #AfD! @Anna_B https://www.example.org/x?fbclid=9 ok"
    assert urls_in_text(text) == ["example.org/x"]
    assert hashtags_in_text(text) == ["afd", "wahl2021"]
    assert mentions_in_text(text) == ["anna_b"]
    assert urls_in_text(None) == [] and hashtags_in_text("no tags") == []


def _url_corpus(seed: int, n: int) -> list[str]:
    """URLs near and inside the plain class: redirect hints, AMP, index pages, tracking and
    ural's named query items, subdomains ural drops, dot segments, punycode, named domains."""
    import random

    rng = random.Random(seed)
    hosts = [
        "example.org", "www.example.org", "m.example.org", "www2.site.fr", "amp-x.com",
        "foo-m.bar.com", "mobile.x.de", "amp.y.com", "a.b.c.d", "xn--bcher-kva.de",
        "facebook.com", "youtube.com", "cdn.ampproject.org", "t.co", "l.facebook.com",
        "news.google.com", "sub.www.x.com", "wwwx.com", "1.2.3.4", "a-b.c-d.e", "Example.ORG",
    ]  # fmt: skip
    segs = [
        "a", "index.html", "default.aspx", "amp", "AMP", "page.amp", "x.html", "Foo", "..",
        ".", "", "2024", "~user", "a.b.c", "url", "redirect", "%C3%A9", "a b", "Index",
    ]  # fmt: skip
    keys = [
        "utm_source", "id", "page", "q", "url", "u", "s", "ref", "fbclid", "amp", "m",
        "source", "B", "_ga", "mode", "output", "platform", "t", "next", "gclid", "sid",
        "seen", "at_x", "xtor", "outputType",
    ]  # fmt: skip
    vals = ["1", "x", "twitter", "tw", "amp", "0", "12", "123", "", "fb", "hootsuite", "%20"]
    out = []
    for _ in range(n):
        u = rng.choice(["https://", "http://", "HTTPS://", ""]) + rng.choice(hosts)
        if rng.random() < 0.9:
            u += "/" + "/".join(rng.choice(segs) for _ in range(rng.randrange(4)))
            u += "/" if rng.random() < 0.2 else ""
        if rng.random() < 0.6:
            u += "?" + "&".join(
                rng.choice(keys) + ("=" + rng.choice(vals) if rng.random() < 0.9 else "")
                for _ in range(rng.randrange(4))
            )
        u += "#top" if rng.random() < 0.05 else ""
        out.append(u)
    return out


def test_plain_url_key_is_ural() -> None:
    """The fast path for plain URLs gives ural's key exactly (and the X reader's two-step key:
    twitwi's ``custom_normalize_url`` then ural), on every URL it accepts; it accepts many."""
    from twitwi.utils import custom_normalize_url
    from ural import normalize_url

    from vigie.ingest.urls import plain_url_key

    accepted = 0
    for u in _url_corpus(7, 30_000):
        fast = plain_url_key(u)
        if fast is None:
            continue
        accepted += 1
        assert fast == normalize_url(u), u
        assert fast == normalize_url(custom_normalize_url(u)), u
    assert accepted > 2_500


def test_plain_url_keys_in_arrow_are_plain_url_key() -> None:
    """The Arrow kernels' keys (``plain_url_keys``) are ``plain_url_key``'s on every URL they
    key, and ``map_urls`` gives what ``canonical_url`` and the X reader's link key give, on
    60,000 near-miss URLs plus edge cases (nulls, blanks, empty and malformed query items)."""
    import pyarrow as pa

    from vigie.ingest.urls import canonical_url, map_urls, plain_url_key, plain_url_keys
    from vigie.ingest.x_v2 import _link_key

    corpus = _url_corpus(7, 30_000) + _url_corpus(8, 30_000)
    corpus += [
        None, "", " https://a.org/x ", "https://a.org", "https://a.org/x?a=1&&b=2",
        "https://a.org/x?=1", "https://a.org/x?a", "https://a.org/x?a=1&b=2",
        "https://a.org/x?b=2&a=1&utm_source=x", "https://www.a.org/x//", "https://a.org/x?a=b=c",
        "https://a.org/x?utm_source=x&utm_medium=y", "https://A.org/x", "https://a.org/Index",
    ]  # fmt: skip
    arr = pa.array(corpus, pa.string())
    keyed = 0
    for u, got in zip(corpus, plain_url_keys(arr).to_pylist(), strict=True):
        if got is not None:
            keyed += 1
            assert got == plain_url_key(u), u
    assert keyed > 5_000
    want = [canonical_url(u) if u is not None else None for u in corpus]
    assert map_urls(arr, canonical_url).to_pylist() == want
    want = [_link_key(u) if u is not None else None for u in corpus]
    assert map_urls(arr, _link_key).to_pylist() == want


_ALPHABET = [
    *"abcXYZ019_ @#@#..,;:!?-/'\"\t\n",
    *("é", "ß", "İ", "ﬁ", "٣", "½", "Ⅻ", "\u0301", "\u200d", "😀", "五", "ǅ", "ª"),
    *("\u00a0", "ᾈ", "Σ", "https://", "www.", "//", "(", ")", "[", "](", ".fr", ".com/x"),
]


def _random_texts(seed: int, n: int) -> list[str]:
    """Texts mixing word characters of many Unicode categories, markers and URL pieces."""
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        t = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(30)))
        if rng.random() < 0.1:
            t = "RT @" + rng.choice(["ab", "é", "x_1", ""]) + ": " + t
        out.append(t)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_hashtags_and_mentions_are_twitwis(seed: int) -> None:
    """``items_in_text`` (one findall) gives twitwi's ``extract_items_from_text`` (split and
    scan) on texts where the token boundaries (Unicode ``\\w``, ``#``, ``@``, the retweet
    prefix, case) are what differ."""
    from twitwi.normalizers import extract_items_from_text

    from vigie.ingest.urls import items_in_text

    texts = _random_texts(seed, 20_000)
    for char in "#@":
        # hashtags keep marks and zero-width joiners where twitwi stops, and lower Turkish's
        # İ as the platforms do (the next tests): compared on texts without them
        differ = ("\u0301", "\u200d", "İ")
        some = [t for t in texts if char == "@" or not any(x in t for x in differ)]
        mine = [items_in_text(t, char) for t in some]
        # but for twitwi's empty item (a sign followed by no word), dropped: the next test
        theirs = [[x for x in extract_items_from_text(t, char) if x] for t in some]
        assert mine == theirs
    assert sum(bool(x) for x in mine) > 1000  # the texts do hold mentions


def test_a_sign_alone_is_no_hashtag_nor_mention() -> None:
    """A retweet cut by X (``#…``) or a lone sign gave the hashtag ``''`` that every such
    post then shared (4 of 500 posts of a real NodeXL network): no item, in the text-by-text
    reader and in the batch one alike."""
    from vigie.ingest.urls import items_in_text, items_in_texts

    texts = ["RT @a: vote #… https://t.co…", "# @ ## @@", "#ok @ b", None, ""]
    for char, want in (("#", [[], [], ["ok"], None, []]), ("@", [[], [], [], None, []])):
        assert items_in_texts(texts, char).to_pylist() == want
        assert [items_in_text(t, char) if t else None for t in texts[:3]] == want[:3]


def test_hashtags_keep_the_marks_written_in_them() -> None:
    """Vowel signs and other marks are part of a hashtag, as on X (twitter-text): Python's
    ``\\w`` holds none, so ``#नमस्ते`` and ``#नमस्कार`` were both ``नमस``."""
    from vigie.ingest.urls import hashtags_in_text, items_in_texts, mentions_in_text

    text = (
        "Vote #نمی\u200cخواهم #नमस्ते, #नमस्कार! #เลือกตั้ง2566 #ভোট২০২৪ #தேர்தல் #e\u0301lection #مِصر a#b"
    )
    want = ["e\u0301lection", "नमस्कार", "नमस्ते", "مِصر", "نمی\u200cخواهم"]
    want += ["ভোট২০২৪", "தேர்தல்", "เลือกตั้ง2566"]
    assert hashtags_in_text(text) == sorted(want)
    assert items_in_texts([text, "नमस्ते#x #y"], "#").to_pylist() == [sorted(want), ["y"]]
    assert mentions_in_text("@ab\u0301c @नमस्ते") == ["ab", "नमस"]  # twitwi's rule, unchanged


def test_turkish_capital_i_lowers_as_the_platforms_do() -> None:
    """``#İstanbul`` is ``#istanbul`` (Python's full lower case adds a combining dot that
    DuckDB, Arrow and X do not), in texts, in entity lists and in a table's tag column;
    Greek's final sigma keeps Python's rule."""
    from vigie.ingest.tabular import _clean_tag
    from vigie.ingest.urls import clean_hashtags, hashtags_in_text, items_in_texts

    assert hashtags_in_text("#İstanbul #istanbul #SEÇİM2023") == ["istanbul", "seçim2023"]
    assert items_in_texts(["#İstanbul", "#ISTANBUL"], "#").to_pylist() == [["istanbul"]] * 2
    assert clean_hashtags(["#İstanbul", "istanbul", "ΕΚΛΟΓΕΣ"]) == ["istanbul", "εκλογες"]
    assert _clean_tag(" #İzmir ") == "izmir"
    assert hashtags_in_text("#vote\u200d #رای\u200c") == ["vote", "رای"]


def test_fullwidth_signs_start_hashtags_and_mentions() -> None:
    """Chinese and Japanese keyboards type ``＃`` and ``＠`` (fullwidth), which X reads as
    ``#`` and ``@``: the same tags and handles, text by text and batch by batch."""
    from vigie.ingest.urls import hashtags_in_text, items_in_texts, mentions_in_text

    text = "＃選挙 と #投票、＠yamada さん @bob a＃b x@y"
    assert hashtags_in_text(text) == ["投票", "選挙"]
    assert mentions_in_text(text) == ["bob", "yamada"]
    assert items_in_texts([text, "＃台湾", None], "#").to_pylist() == [
        ["投票", "選挙"],
        ["台湾"],
        None,
    ]
    assert items_in_texts([text], "@").to_pylist() == [["bob", "yamada"]]


@pytest.mark.parametrize("seed", [5, 6])
def test_items_of_a_batch_of_texts_are_items_in_text_of_each(seed: int) -> None:
    """The generic tables find a batch's hashtags and mentions in one scan of its texts
    joined by newlines: the same lists as ``items_in_text`` text by text (no token runs
    across a text's end, the look back at a text's start sees no word), ``[]`` without the
    character, None for a null text, and texts longer than the scan read from their head."""
    from vigie.ingest.urls import TEXT_SCAN_CHARS, items_in_text, items_in_texts

    texts: list[str | None] = _random_texts(seed, 20_000)
    texts += [None, "", "#", "a#b #c\n#d", "x\n#y", "#é\u0301 @Ab", "RT @ab: #x @y"] * 20
    texts += ["#start " + "x" * TEXT_SCAN_CHARS + " #past"]
    for char in "#@":
        got = items_in_texts(texts, char).to_pylist()
        assert got == [
            items_in_text(t[:TEXT_SCAN_CHARS], char) if t else ([] if t == "" else None)
            for t in texts
        ]
        assert sum(bool(x) for x in got) > 1000
    assert items_in_texts(texts[-1:], "#").to_pylist() == [["start"]]
    assert items_in_texts([None, "no tag"], "#").to_pylist() == [None, []]


def test_urls_in_text_is_ural_on_every_text() -> None:
    """The ``//`` screen of ``urls_in_text`` skips only texts where ural finds nothing."""
    from ural import urls_from_text

    from vigie.ingest.urls import canonical_urls

    texts = _random_texts(3, 20_000)
    mine = [urls_in_text(t) for t in texts]
    assert mine == [canonical_urls(list(urls_from_text(t))) if t else [] for t in texts]
    assert sum(bool(x) for x in mine) > 200


def test_urls_of_a_batch_of_texts_are_urls_in_text_of_each() -> None:
    """The generic tables key the URLs found in a batch's texts once per distinct URL: the
    same lists, in the same order, as ``urls_in_text`` text by text; a null text stays
    null."""
    from vigie.ingest.tabular import _urls_of_texts

    texts: list[str | None] = _random_texts(4, 5_000)
    texts += [None, "", "see https://www.Example.org/a?utm_source=x and http://t.co/x"] * 50
    got = _urls_of_texts(texts).to_pylist()
    assert got == [urls_in_text(t) if t is not None else None for t in texts]
    assert sum(bool(x) for x in got if x) > 100 and got.count(None) == 50


def test_a_host_cut_by_an_ellipsis_is_no_link() -> None:
    """X cuts a long retweet's text with ``…``, often inside its last link: the stump
    ``https://t.co…`` was the link ``t.co``, shared by every cut post (16 of 500 posts of a
    real NodeXL network). A host alone cut so is dropped; a link with a path is kept."""
    assert urls_in_text("RT @a: vote https://t.co… y") == []
    assert urls_in_text("lire https://www.lemonde.fr/… et https://t.co/…") == []
    assert urls_in_text("https://t.co/abc… https://ex.org/a/b…") == ["t.co/abc", "ex.org/a/b"]
    assert urls_in_text("voir https://ex.org … https://t.co") == ["ex.org", "t.co"]
