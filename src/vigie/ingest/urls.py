"""URL canonicalisation and entity extraction from free text.

Why: co-link detection joins posts on the *same* URL, so ``https://www.Site.fr/a?utm_source=x``
and ``site.fr/a`` must become one key. We rely on médialab's ``ural`` (the field's reference
for this job) rather than our own rules, and on ``twitwi``'s text extractors for hashtags and
mentions, so our keys match those of the tools analysts already use.
"""

from __future__ import annotations

import re
from functools import lru_cache

from twitwi.normalizers import extract_hashtags_from_text, extract_mentions_from_text
from ural import normalize_url, urls_from_text
from ural.infer_redirection import OBVIOUS_REDIRECTS_RE, REDIRECTION_DOMAINS_RE
from ural.normalize_url import (
    IRRELEVANT_SUBDOMAIN_AMP_RE,
    qsl_sort_key,
    should_strip_query_item,
)

TEXT_SCAN_CHARS = 100_000
"""Entities are looked for in a text's first 100,000 characters (the longest post any platform
allows is ~63,000, Facebook's): extraction costs ~3.5 µs a character, so a pathological
multi-MB "post" must not stall an ingest for minutes."""


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
    fast = plain_url_key(u)
    if fast is not None:
        return fast
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


def clean_hashtags(tags: list[str] | None) -> list[str]:
    """Lower-case, strip ``#`` and de-duplicate hashtags (first-seen order)."""
    if not tags:
        return []
    out: dict[str, None] = {}
    for t in tags:
        if t is None:
            continue
        c = str(t).strip().lstrip("#").lower()
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
    if not text:
        return []
    return canonical_urls(list(urls_from_text(text[:TEXT_SCAN_CHARS])))


def hashtags_in_text(text: str | None) -> list[str]:
    """Hashtags found in ``text``, lower-case without ``#``."""
    if not text or "#" not in text:
        return []
    return extract_hashtags_from_text(text[:TEXT_SCAN_CHARS])


def mentions_in_text(text: str | None) -> list[str]:
    """Handles mentioned in ``text``, without ``@`` (lower-case, as twitwi extracts them)."""
    if not text or "@" not in text:
        return []
    return extract_mentions_from_text(text[:TEXT_SCAN_CHARS])
