"""Co-domain: links to the same website (or to look-alikes of one outlet) within a window.

Why: co-link needs the very same URL twice. A network pushing one site posts *different*
articles of it, and a laundering operation rotates through look-alike domains of one outlet
(``lookalike.py``); on both, the shared object is the site, not the page. Each URL's host is
read in DuckDB, reduced to its registered domain (Public Suffix List, via ``ural``), and
look-alike families are pooled; the shared engine (``coaction.py``) then does the rest.
URLs come canonicalised from ingest (no scheme: ``spiegel.de/politik/...``); a scheme or
user name, when present, is skipped.

Popular sites are kept out by the same means as viral posts: a domain shared by many
accounts has a rarity weight near zero and a large expected count of chance co-shares, and
one acted on more than ``max_object_actions`` times draws no pairs (counted in the
manifest). Links through a URL shortener (``bit.ly``...) are left out and counted: the
shortener is no shared object, and its destination is unknown unless ingest expanded it
(X's ``unwound_url`` is used when present), in which case the link is no longer short.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine, fetch
from vigie.detect.exploded import rows
from vigie.detect.lookalike import family_objects, is_shortener, registered_domain

KIND = "co_domain"
_HOST = r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?([^/?#@]+@)?([^/?#]+)"  # [scheme://][user@]host
_TRIM = r"(^www\.|:\d+$|\.$)"  # www., a port, a trailing dot


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that link to the same sites (or look-alike families) in a window."""
    con = engine.con
    urls = rows(engine, "urls", bool(cfg["include_reposts"]))  # '' kept: a URL without a host
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {KIND}_rows AS
        SELECT aid, t, post_id,
               regexp_replace(lower(regexp_extract(obj, '{_HOST}', 2)), '{_TRIM}', '', 'g') AS host
        FROM {urls}"""
    )
    hosts = fetch(
        con,
        f"""SELECT host, count(*) AS n FROM {KIND}_rows WHERE host <> ''
        GROUP BY host ORDER BY host""",
    )
    host_list = [str(h) for h in hosts.column("host").to_pylist()]
    short = [is_shortener(h) for h in host_list]
    domain = [None if s else registered_domain(h) for h, s in zip(host_list, short, strict=True)]
    host_map = pa.table(
        {"host": pa.array(host_list, pa.string()), "domain": pa.array(domain, pa.string())}
    )
    con.register(f"{KIND}_hosts_arrow", host_map)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {KIND}_hosts AS
        SELECT * FROM {KIND}_hosts_arrow WHERE domain IS NOT NULL"""
    )
    con.unregister(f"{KIND}_hosts_arrow")
    per_domain = fetch(
        con,
        f"""SELECT h.domain, count(DISTINCT r.aid) AS n_accounts
        FROM {KIND}_rows r JOIN {KIND}_hosts h USING (host)
        GROUP BY h.domain ORDER BY h.domain""",
    )
    doms = [str(d) for d in per_domain.column("domain").to_pylist()]
    objs = family_objects(
        doms, [int(x) for x in per_domain.column("n_accounts").to_pylist()], int(cfg["min_label"])
    )
    if not cfg["lookalikes"]:
        objs = list(doms)
    con.register(
        f"{KIND}_obj_arrow",
        pa.table({"domain": pa.array(doms, pa.string()), "obj": pa.array(objs, pa.string())}),
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {KIND}_map AS
        SELECT h.host, o.obj FROM {KIND}_hosts h JOIN {KIND}_obj_arrow o USING (domain)"""
    )
    con.unregister(f"{KIND}_obj_arrow")
    con.execute(
        f"""CREATE OR REPLACE VIEW raw_{KIND} AS
        SELECT r.aid, m.obj, r.t, r.post_id FROM {KIND}_rows r JOIN {KIND}_map m USING (host)"""
    )
    sig = run_coaction(engine, KIND, f"raw_{KIND}", cfg, general)
    counts = dict(zip(host_list, hosts.column("n").to_pylist(), strict=True))
    n_short = sum(counts[h] for h, s in zip(host_list, short, strict=True) if s)
    n_nodomain = sum(
        counts[h] for h, s, d in zip(host_list, short, domain, strict=True) if not s and d is None
    )
    n_noh = int(engine.scalar(f"SELECT count(*) FROM {KIND}_rows WHERE host = '' OR host IS NULL"))
    families = {o for o in objs if o.startswith("lookalike:")}
    sig.stats.update(
        {
            "domains": len(doms),
            "lookalike_families": len(families),
            "lookalike_domains": sum(1 for o in objs if o.startswith("lookalike:")),
            "shortened_urls": int(n_short),
            "urls_without_domain": int(n_nodomain + n_noh),
        }
    )
    return sig
