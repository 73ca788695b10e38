"""URL canonicalisation and entity extraction from free text.

Why: co-link detection joins posts on the *same* URL, so ``https://www.Site.fr/a?utm_source=x``
and ``site.fr/a`` must become one key. We rely on médialab's ``ural`` (the field's reference
for this job) rather than our own rules, and on ``twitwi``'s text extractors for hashtags and
mentions, so our keys match those of the tools analysts already use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from twitwi.normalizers import CLEAN_RT_PATTERN
from ural import normalize_url
from ural.infer_redirection import OBVIOUS_REDIRECTS_RE, REDIRECTION_DOMAINS_RE
from ural.normalize_url import (
    IRRELEVANT_SUBDOMAIN_AMP_RE,
    qsl_sort_key,
    should_strip_query_item,
)

from vigie.charclass import python_class_body
from vigie.ingest.urlscan import raw_urls

TEXT_SCAN_CHARS = 100_000
"""Entities are looked for in a text's first 100,000 characters (the longest post any platform
allows is ~63,000, Facebook's): extraction costs ~3.5 µs a character, so a pathological
multi-MB "post" must not stall an ingest for minutes."""


TWEET_LINK = (
    r"^(?:https?://)?(?:(?:www|mobile|m)\.)?(?:twitter|x)\.com/"
    r"(?:[A-Za-z0-9_]{1,50}|i|i/web)/status(?:es)?/([0-9]{1,20})(?:[/?#].*)?$"
)
"""A link to one tweet, as X, its apps and its users write it (any case: an RE2 pattern too,
read by ``plain_url_keys`` with Arrow's ``ignore_case``)."""
TWEET_LINK_RE = re.compile(TWEET_LINK, re.IGNORECASE | re.DOTALL)
TWEET_HOSTS = ("twitter.com", "x.com")


def tweet_link_key(url: str) -> str | None:
    """``x.com/i/status/<id>`` for a link to a tweet, whatever its spelling; else ``None``.

    Why: a tweet's id names it; the rest varies with who shares it and how. The mobile apps'
    share sheet adds a token per share (``?t=AbC...&s=19``), so two shares of one tweet never
    had the same key and co-link could not tie accounts pushing it (on Telegram, Facebook or
    X itself); ``twitter.com`` and ``x.com``, ``mobile.``, the author's name as typed (any
    case, or ``i/web``) and ``/photo/1``-like tails split it further."""
    m = TWEET_LINK_RE.match(url.strip())
    return tweet_key(str(int(m.group(1)))) if m else None


def tweet_key(tweet_id: str) -> str:
    """The link key of the tweet ``tweet_id`` (``tweet_link_key``'s, whatever the spelling)."""
    return f"x.com/i/status/{tweet_id}"


@lru_cache(maxsize=1 << 19)  # ~150 MB when full; shared URLs repeat a lot
def canonical_url(url: str) -> str:
    """The canonical key of ``url`` (scheme, ``www.``, tracking parameters and fragment dropped).

    Values that are not URLs (e.g. the opaque ``url_id`` integers of an anonymised dataset) are
    kept verbatim: canonicalising an identifier would only risk merging distinct ones.
    """
    u = url.strip()
    if not u:
        return u
    if "://" not in u and not u.startswith("www.") and "." not in u:
        return u
    fast = plain_url_key(u)  # a plain link to a tweet gets its tweet key there
    if fast is not None:
        return fast
    if "/status" in u.lower():
        tweet = tweet_link_key(u)
        if tweet is not None:
            return tweet
    try:
        return normalize_url(u)
    except Exception:  # ural refuses some exotic strings; keep them rather than lose them
        return u


PLAIN_URL_RE = re.compile(
    r"https?://([a-z0-9-]+(?:\.[a-z0-9-]+)+)(/[A-Za-z0-9_~.\-/]*)?(?:\?([A-Za-z0-9_~.\-=&]+))?"
)


def plain_url_key(u: str) -> str | None:
    """``normalize_url(u)`` for a plain URL in ~2 µs instead of ural's ~80; ``None`` otherwise.

    Why: canonicalising each distinct URL with ural costs more than DuckDB's whole parse of a
    post. Most shared links are plain (``https://host/path?k=v``: lower-case ASCII host, no
    port, user, percent-escape, fragment, dot segment or double slash; a query of ``k=v`` items):
    for those ural's rules reduce to dropping the scheme and irrelevant subdomains (ural's own
    pattern), dropping trailing slashes, and filtering then sorting the query items with ural's
    own predicate. Anything else — redirect hints, AMP, ``index``/``default`` pages, punycode,
    the domains ural filters by name — is left to ural. ``tests/ingest/test_urls.py`` checks
    the two agree on every URL this path accepts.
    """
    m = PLAIN_URL_RE.fullmatch(u)
    if m is None:
        return None
    host, path, query = m.group(1), m.group(2) or "", m.group(3)
    if host.endswith(TWEET_HOSTS):  # a link to a tweet: its own key (``tweet_link_key``)
        tweet = tweet_link_key(u)
        if tweet is not None:
            return tweet
    if path:
        low = path.lower()
        if "//" in path or "/." in path or "amp" in low or "index" in low or "default" in low:
            return None
    if REDIRECTION_DOMAINS_RE.search(u):
        return None
    q = ""
    if query is not None:
        if "facebook" in host or "youtube" in host or OBVIOUS_REDIRECTS_RE.search(u):
            return None
        items = []
        for item in query.split("&"):
            k, eq, v = item.partition("=")
            if not k or not eq:
                return None
            if not _strip_item(k, v):
                items.append((k, v))
        if len(items) > 1:
            items.sort(key=qsl_sort_key)
        q = "&".join(f"{k}={v}" for k, v in items)
    host = _plain_host(host)
    if host is None:
        return None
    path = path.rstrip("/")
    return host + path + ("?" + q if q else "")


@lru_cache(maxsize=1 << 12)
def _strip_item(key: str, value: str) -> bool:
    """ural's own verdict on one query item (items repeat: utm_source=twitter...)."""
    return should_strip_query_item((key, value), normalize_amp=True)


@lru_cache(maxsize=1 << 14)
def _plain_host(host: str) -> str | None:
    """ural's host rules (irrelevant subdomains, ``amp-``); ``None`` for punycode."""
    if "xn--" in host:
        return None
    host = IRRELEVANT_SUBDOMAIN_AMP_RE.sub("", host)
    return host[4:] if host.startswith("amp-") else host


PLAIN_PARTS_RE = (
    r"^https?://(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?P<path>/[A-Za-z0-9_~.\-/]*)?"
    r"(?:\?(?P<query>[A-Za-z0-9_~.\-=&]+))?$"
)
"""``PLAIN_URL_RE`` as an RE2 pattern with named parts (for Arrow's ``extract_regex``)."""


def plain_url_keys(values: pa.Array) -> pa.Array:
    """``plain_url_key`` of each value of a string array: its key, or null where that gives
    ``None`` (and for nulls). The same rules run as Arrow kernels (RE2) over the whole array;
    only the distinct hosts and query items go through ural's own predicates in Python.

    Why: keying each distinct URL in Python cost ~5 µs, with the cache's own upkeep more
    (2.2 s per million generic posts, a seventh of the ingest). A URL with more than one
    query item kept (they must be sorted by ural's key) is left null here too: ``plain_url_key``
    keys it. ``tests/ingest/test_urls.py`` checks both agree on 60,000 near-miss URLs."""
    values = values.cast(pa.string())
    n = len(values)
    if n == 0:
        return pa.nulls(0, pa.string())
    try:
        parts = pc.extract_regex(values, PLAIN_PARTS_RE)
        redirect = pc.match_substring_regex(values, "(?i)" + REDIRECTION_DOMAINS_RE.pattern)
        hint = pc.match_substring_regex(values, "(?i)" + OBVIOUS_REDIRECTS_RE.pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a pattern RE2 cannot read
        return pa.array(
            [plain_url_key(v) if v is not None else None for v in values.to_pylist()], pa.string()
        )
    host = parts.field("host")
    path = pc.fill_null(parts.field("path"), "")  # an absent part: empty, as in Python
    query = pc.fill_null(parts.field("query"), "")
    # Python's tests, each as one kernel: dot segments, AMP, index pages, redirect hints
    path_bad = pc.match_substring_regex(path, r"//|/\.|(?i:amp|index|default)")
    ok = pc.and_kleene(parts.is_valid(), pc.invert(pc.or_kleene(redirect, path_bad)))
    has_q = pc.not_equal(query, "")
    q_bad = pc.or_kleene(pc.match_substring_regex(host, "facebook|youtube"), hint)
    ok = pc.and_kleene(ok, pc.invert(pc.and_kleene(has_q, q_bad)))
    ok_np = ok.fill_null(False).to_numpy(zero_copy_only=False)
    # the query: items "k=v" (k non-empty), each judged once by ural's predicate
    q_text = pc.if_else(pc.and_kleene(ok, has_q), query, pa.scalar(None, pa.string()))
    items = pc.split_pattern(q_text, "&")
    flat = pc.list_flatten(items)
    parent = pc.list_parent_indices(items).to_numpy()
    kept = np.zeros(0, dtype=bool)
    if len(flat):
        uniq = pc.unique(flat)
        verdicts = []  # 1 keep, 0 strip, -1 malformed (the URL is not plain)
        for item in uniq.to_pylist():
            k, eq, v = item.partition("=")
            verdicts.append(-1 if not k or not eq else int(not _strip_item(k, v)))
        v_flat = np.asarray(verdicts, dtype=np.int8)[
            pc.index_in(flat, value_set=uniq).to_numpy(zero_copy_only=False)
        ]
        ok_np[parent[v_flat < 0]] = False
        kept = v_flat > 0
        n_kept = np.bincount(parent[kept], minlength=n)
        ok_np[n_kept > 1] = False  # several items kept: sorted by ural's key, in Python
    idx = np.full(n, -1, dtype=np.int64)
    if kept.any():
        idx[parent[kept]] = np.arange(int(kept.sum()))
    q_kept = flat.filter(pa.array(kept)) if len(flat) else pa.array([], pa.string())
    q_one = q_kept.take(pa.array(idx, mask=idx < 0))
    q_part = pc.if_else(
        pc.is_valid(q_one), pc.binary_join_element_wise("?", q_one, ""), pa.scalar("", pa.string())
    )
    enc = pc.if_else(pa.array(ok_np), host, pa.scalar(None, pa.string())).dictionary_encode()
    hosts = [_plain_host(h) for h in enc.dictionary.to_pylist()]
    new_host = pa.array(hosts, pa.string()).take(enc.indices)
    ok_np &= new_host.is_valid().to_numpy(zero_copy_only=False)
    trimmed = pc.utf8_rtrim(path, "/")
    keys = pc.binary_join_element_wise(new_host, trimmed, q_part, "")
    # a link to a tweet is keyed by its id (``tweet_link_key``), in Python: few of them
    tweet = pc.fill_null(pc.match_substring_regex(values, TWEET_LINK, ignore_case=True), False)
    ok_np &= ~tweet.to_numpy(zero_copy_only=False)
    return pc.if_else(pa.array(ok_np), keys, pa.scalar(None, pa.string()))


def map_urls(values: pa.Array, fn: Callable[[str], str], escaped: bool = False) -> pa.Array:
    """``fn`` of each value of a string array (nulls stay null), where ``fn`` gives a plain
    URL (``plain_url_keys``) its ``plain_url_key``: those are keyed by Arrow kernels, the
    others by ``fn``, once per distinct value. ``escaped``: the values are HTML-escaped
    (``fn`` unescapes them first), so those holding ``&`` all go to ``fn``."""
    values = values.cast(pa.string())
    keys = plain_url_keys(values)
    if escaped:
        amp = pc.match_substring(values, "&")
        keys = pc.if_else(pc.fill_null(amp, False), pa.scalar(None, pa.string()), keys)
    rest = pc.and_kleene(keys.is_null(), values.is_valid())
    if not pc.any(rest).as_py():
        return keys
    enc = pc.if_else(rest, values, pa.scalar(None, pa.string())).dictionary_encode()
    mapped = pa.array([fn(v) for v in enc.dictionary.to_pylist()], pa.string()).take(enc.indices)
    return pc.coalesce(keys, mapped)


def canonical_urls(urls: list[str] | None) -> list[str]:
    """Canonicalise and de-duplicate a list of URLs, keeping first-seen order."""
    if not urls:
        return []
    out: dict[str, None] = {}
    for u in urls:
        if u is None:
            continue
        c = canonical_url(str(u))
        if c:
            out[c] = None
    return list(out)


def tag_lower(tag: str) -> str:
    """A hashtag in lower case, as the platforms match them: ``str.lower`` but for Turkish's
    capital ``İ``, whose full lower case is ``i`` with a combining dot (``#İstanbul`` read
    ``i̇stanbul``, another hashtag than the ``#istanbul`` people type; DuckDB's and Arrow's
    ``lower`` give ``i``, as X does). Python's rule is kept otherwise: Greek's final sigma
    (``#ΕΚΛΟΓΕΣ`` is ``εκλογες``) is how the lower-case hashtag is typed. A zero-width
    joiner or non-joiner at its end (``_word`` reads them inside Persian words) is dropped."""
    low = tag.lower().rstrip("\u200c\u200d")  # a joiner ends no word: typed after it
    return low.replace("i\u0307", "i") if "\u0307" in low else low


def clean_hashtags(tags: list[str] | None) -> list[str]:
    """Lower-case, strip ``#`` and de-duplicate hashtags (first-seen order)."""
    if not tags:
        return []
    out: dict[str, None] = {}
    for t in tags:
        if t is None:
            continue
        c = tag_lower(str(t).strip().lstrip("#"))
        if c:
            out[c] = None
    return list(out)


def clean_mentions(names: list[str] | None) -> list[str]:
    """Strip ``@`` and de-duplicate mentioned handles (first-seen order); case is kept."""
    if not names:
        return []
    out: dict[str, None] = {}
    for n in names:
        if n is None:
            continue
        c = str(n).strip().lstrip("@")
        if c:
            out[c] = None
    return list(out)


def urls_in_text(text: str | None) -> list[str]:
    """Canonical URLs found in ``text`` (used when a source carries no URL entities)."""
    return canonical_urls(raw_urls_in_text(text))


def raw_urls_in_text(text: str | None) -> list[str]:
    """The URLs ural finds in ``text``, as written (``urls_in_text`` before keying them).

    Every URL ural finds in text holds ``//`` (its ``PROTOCOL`` pattern), so a text without
    one is passed over without the pattern (most posts carry no link); ``urlscan`` finds
    the others' as ural would, looking for the ``//`` first."""
    if not text or "//" not in text:
        return []
    found = raw_urls(text[:TEXT_SCAN_CHARS])
    if "\u2026" in text and found:
        found = [u for u in found if not (u + "\u2026" in text and _bare_host(u))]
    return found


def _bare_host(url: str) -> bool:
    """Whether ``url`` is a scheme and a host and no more (``https://t.co``, ``https://t.co/``).

    Why it matters: X cuts a long retweet's text with ``…``, often inside its last link
    (``https://t.co…``); read as a link, that stump was ``t.co``, one object every cut post
    then shared (16 of 500 posts of a real NodeXL network). A host alone cut by ``…`` is
    dropped; a cut link with a path is kept (a writer's own ``…`` after a whole link cannot
    be told from a cut)."""
    rest = url.split("//", 1)[-1]
    return "/" not in rest.rstrip("/") and "?" not in rest


def hashtags_in_text(text: str | None) -> list[str]:
    """Hashtags found in ``text``, lower-case without ``#`` (or ``＃``)."""
    if not text or not _has_sign(text, "#"):
        return []
    return items_in_text(text[:TEXT_SCAN_CHARS], "#")


def mentions_in_text(text: str | None) -> list[str]:
    """Handles mentioned in ``text``, without ``@`` or ``＠`` (lower-case, as twitwi extracts
    them)."""
    if not text or not _has_sign(text, "@"):
        return []
    return items_in_text(text[:TEXT_SCAN_CHARS], "@")


DOTTED_HANDLES = frozenset({"instagram", "threads", "tiktok"})
"""Platforms whose user names hold dots (``@civic.anna``), where X's stop: their mentions are
read from a text by ``dotted_mentions_in_text``, not by X's rule (which made ``civic``)."""
_DOTTED_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9_.]+)")
"""``@name`` with Instagram's (and Threads', TikTok's) user-name characters; an e-mail address
(a word character before ``@``) is no mention."""
MAX_DOTTED_HANDLE = 30
"""The longest Instagram user name (TikTok's: 24): a longer ``@run`` is no user name."""


def dotted_mentions_in_text(text: str | None) -> list[str]:
    """``@names`` of ``text`` by Instagram's user-name rule, lower-case, distinct, in order; a
    sentence's closing dot left out (``@anna.`` is ``anna``)."""
    return _named_mentions(text, _DOTTED_MENTION, ".", 1, MAX_DOTTED_HANDLE)


def _named_mentions(
    text: str | None, pattern: re.Pattern[str], trailing: str, shortest: int, longest: int
) -> list[str]:
    """The names ``pattern`` finds after ``@`` in ``text``, the ``trailing`` characters a
    sentence ends them with left out, lower-case, distinct, in order, of a user name's
    length (the platforms whose names hold dots and dashes: ``DOTTED_HANDLES``, YouTube)."""
    if not text or "@" not in text:
        return []
    out: dict[str, None] = {}
    for m in pattern.finditer(text[:TEXT_SCAN_CHARS]):
        name = m.group(1).rstrip(trailing).lower()
        if shortest <= len(name) <= longest:
            out[name] = None
    return list(out)


_YOUTUBE_MENTION = re.compile(r"(?<![\w.@-])@([\w.-]+)")
"""``@handle`` with YouTube's handle characters: letters of any script, digits, ``_``, ``-``
and ``.`` (support.google.com/youtube/answer/11585688); an e-mail address is no mention."""
YOUTUBE_HANDLE_LENGTH = (3, 30)
"""A YouTube handle's shortest and longest length: a shorter or longer ``@run`` is none."""


def youtube_mentions_in_text(text: str | None) -> list[str]:
    """``@handles`` of ``text`` by YouTube's handle rule, lower-case, distinct, in order; a
    sentence's closing dot or dash left out.

    Why not X's rule: YouTube handles hold dots and dashes (``@le-media.officiel``), where
    X's rule stopped at the first one and tied every ``@le-...`` handle together."""
    return _named_mentions(text, _YOUTUBE_MENTION, ".-", *YOUTUBE_HANDLE_LENGTH)


@lru_cache(maxsize=1)
def _marks() -> str:
    """Unicode's marks (categories Mn, Mc, Me) of the Basic Multilingual Plane as the body
    of a ``re`` class, built once on first use (~20 ms, not at import). The BMP only: ``re``
    then tests a character with one table lookup (marks of the other planes, historic
    scripts', made every hashtag scan 2x slower: ``re`` tests those ranges one by one)."""
    import unicodedata

    marks = (cp for cp in range(0x10000) if unicodedata.category(chr(cp)).startswith("M"))
    return python_class_body(marks)


SIGNS = {"#": "#\uff03", "@": "@\uff20"}
"""The signs that start a hashtag or a mention: the ASCII one and its fullwidth form, which
Chinese and Japanese keyboards type (``＃選挙``) and X's own rule (twitter-text) reads too."""

_LOWER = {"#": tag_lower, "@": str.lower}
"""How a token of each sign is lower-cased: hashtags as the platforms match them, mentions
by Python's rule (twitwi's)."""


def _has_sign(text: str, char: str) -> bool:
    """Whether ``text`` holds either sign of ``char`` (two ``in`` tests: a hot path)."""
    ascii_sign, wide = SIGNS[char]
    return ascii_sign in text or wide in text


def _word(c: str) -> str:
    """The characters of a ``c`` token besides ``c`` (a class body): twitwi's (``\\w``), and
    for hashtags Unicode's marks too. Why: Python's ``\\w`` holds no mark, so a Hindi,
    Bengali, Tamil or Thai hashtag stopped at its first vowel sign (``#नमस्ते`` was ``नमस``,
    ``#เลือกตั้ง`` was ``เล``), and different hashtags met as one; X's own rule
    (twitter-text) keeps the marks. The zero-width non-joiner and joiner too: Persian writes
    words with them (``#می‌خواهم`` read ``می``), Malayalam and Sinhala letters hold them.
    Mentions keep twitwi's rule: the platforms' user names hold no marks. Measured: +20 %
    on a scan of 200,000 texts holding 1.8M hashtags."""
    return rf"\w{SIGNS[c]}{_marks()}\u200c\u200d" if c == "#" else rf"\w{SIGNS[c]}"


@lru_cache(maxsize=2)
def _item_re(c: str) -> re.Pattern[str]:
    """A run of ``_word(c)`` characters that starts with ``c`` and starts a run: for
    mentions, the tokens twitwi's splitter (``[^\\w@]+``) yields that start with ``@``."""
    w = _word(c)
    return re.compile(rf"(?<![{w}])[{SIGNS[c]}][{w}]*")


@lru_cache(maxsize=2)
def _item_or_newline(c: str) -> re.Pattern[str]:
    """A newline, or ``_item_re(c)`` led by its literal (``c`` first, then a look back at the
    character before it): the same tokens, found by the engine's fast scan for ``c`` or a
    newline instead of a test at every position of a batch's joined texts, with the newlines
    that tell the texts apart."""
    w, s = _word(c), SIGNS[c]
    return re.compile(rf"\n|[{s}](?<![{w}][{s}])[{w}]*")


def items_in_texts(texts: list[str | None], char: str) -> pa.Array:
    """``items_in_text`` of each text as a ``list<string>`` column (``[]`` without ``char``,
    null for a null text), from one regex scan of the batch's texts joined by newlines.

    Why: called text by text, the Python calls, the retweet-prefix substitution and the
    ``findall`` set-up cost ~4.7 µs a text for each of hashtags and mentions (a third of a
    text-only CSV's ingest); gathering each text's tokens in Python after one scan still
    cost ~1.5 s per million texts. Now the scan's one ``findall`` also returns the newlines
    between texts (its pattern reads ``\n`` or a token), so a token's text is the count of
    newlines before it, and the rest is Arrow's: each distinct token is lower-cased once,
    and each text's tokens are sorted and made distinct by one sort of (text, token).

    A newline is neither a word character nor ``char``, so no token runs across it and the
    look back at a text's first character sees what the start of the text would: each token
    is the one ``items_in_text`` finds. A newline inside a text becomes a space (neither a
    word character nor ``char`` either). The retweet prefix is removed before joining, from
    the texts that start with it. Arrow sorts strings by their UTF-8 bytes, which is the
    order of their code points: ``sorted``'s."""
    n = len(texts)
    rows: list[int] = []
    parts: list[str] = []
    for i, t in enumerate(texts):
        if t and _has_sign(t, char):
            t = t[:TEXT_SCAN_CHARS]
            if t.startswith("RT @"):
                t = CLEAN_RT_PATTERN.sub("", t)
            rows.append(i)
            parts.append(t.replace("\n", " ") if "\n" in t else t)
    found = _item_or_newline(char).findall("\n".join(parts)) if parts else []
    tokens = pa.array(found, pa.string())
    newline = pc.equal(tokens, "\n").to_numpy(zero_copy_only=False)
    text_of = np.asarray(rows, np.int64)[np.cumsum(newline)[~newline]]
    tokens = tokens.filter(pa.array(~newline))
    # each distinct token lower-cased once, by Python's rules (``str.lower`` is not Arrow's)
    coded = tokens.dictionary_encode()
    signs, low = SIGNS[char], _LOWER[char]
    words = pa.array([low(w.lstrip(signs)) for w in coded.dictionary.to_pylist()], pa.string())
    pairs = pa.table({"i": text_of, "w": words.take(coded.indices)})
    pairs = pairs.filter(pc.not_equal(pairs.column("w"), ""))  # a sign alone: "#…", "@ "
    pairs = pairs.take(pc.sort_indices(pairs, [("i", "ascending"), ("w", "ascending")]))
    i = pairs.column("i").to_numpy()
    w = pairs.column("w").combine_chunks()
    if len(w) > 1:  # a token a text holds twice is kept once
        again = np.zeros(len(w), bool)
        again[1:] = (i[1:] == i[:-1]) & pc.equal(w[1:], w[:-1]).to_numpy(zero_copy_only=False)
        if again.any():
            i, w = i[~again], w.filter(pa.array(~again))
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(np.bincount(i, minlength=n), out=offsets[1:])
    null = pa.array([t is None for t in texts], pa.bool_())
    return pa.ListArray.from_arrays(pa.array(offsets), w, mask=null)


def items_in_text(text: str, char: str) -> list[str]:
    r"""twitwi's ``extract_items_from_text(text, char)`` (hashtags ``#``, mentions ``@``),
    same result (but for marks inside hashtags: ``_word``, and no empty item), ~1.7x
    faster on a post-sized text.

    Why no empty item where twitwi keeps one: a sign followed by no word (``#…`` of a
    retweet cut by X, ``@ ``) gave the hashtag ``''``, which every such post then shared
    (4 of 500 posts of a real NodeXL network).

    Why not twitwi's own: it splits the whole text into tokens and tests each one in Python
    (over half of a profiled ingest of a 1M-row CSV without a mentions column). One ``findall``
    finds only the tokens that start with ``char``: a token is a maximal run of word
    characters and ``char``, so it starts where the character before is neither. The same
    ``re`` engine and ``\w``, the same retweet prefix removed, the same ``lstrip``, ``lower``,
    set and sort (``tests/ingest/test_urls.py`` compares both on random Unicode texts)."""
    found = _item_re(char).findall(CLEAN_RT_PATTERN.sub("", text))
    return sorted({_LOWER[char](m.lstrip(SIGNS[char])) for m in found} - {""})
