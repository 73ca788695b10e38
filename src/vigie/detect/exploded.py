"""The posts' list columns one row per element, made once for every detector that reads them.

Why: co-link, co-domain, co-rare and lockstep each read the posts' links; co-hashtag, co-rare
and lockstep their hashtags; co-media and co-rare their images. Each used to unnest the list
again from ``p`` (and the images again from Parquet, joined to ``acc`` on the account's
string id): at 10M posts, one pass over the links took ~0.14 s of wall time, one over the
hashtags ~0.24 s and one over the images ~0.9 s, every time. Here each is made once, on
first use, as a table ``(aid, obj, t, post_id)``; the detectors read it and apply what is
their own (co-link's and lockstep's ``obj <> ''``, co-domain's host, co-rare's prefixes).
What every reader shares is done here, once:

- ``urls``: the elements that are not null. The empty string is kept: co-domain counts
  it among the URLs without a domain, the others leave it out themselves.
- ``hashtags``: lower-cased without ``#`` (Turkish's ``İ`` as ``i``, without the combining
  dot Python's lower case gives it: the ingest's ``urls.tag_lower``), the empty ones left
  out (all readers compare hashtags so).
- ``media`` (``coobject.column_rows``: a list or a single value per post): trimmed, the
  empty ones left out (co-media's values; co-rare and lockstep lower-case them).

A table is made per (column, whether reposts count): reposts carry their original's
objects, so the default leaves them out and every detector shares the one table. The
tables live as long as the engine: the detectors' ``raw_<kind>`` views read them, and so
does the evidence (``evidence.group_objects``: an object's reach), after lockstep.
"""

from __future__ import annotations

from vigie.detect.coobject import column_rows
from vigie.detect.engine import Engine

# the list columns ``rows`` makes a table of
COLUMNS = ("urls", "hashtags", "media")


def rows(engine: Engine, column: str, include_reposts: bool) -> str:
    """The name of the table ``(aid, obj, t, post_id)`` of ``column``'s elements (see the
    module for what each column's ``obj`` is), made on the first call, read by the next."""
    if column not in COLUMNS:
        raise ValueError(f"no shared rows for column {column!r}")
    key = (column, include_reposts)
    name = engine.lists.get(key)
    if name is not None:
        return name
    name = f"x_{column}" + ("_all" if include_reposts else "")
    repost = "" if include_reposts else "AND repost_of IS NULL"
    if column == "urls":
        engine.con.execute(
            f"""CREATE OR REPLACE TABLE {name} AS
            SELECT aid, obj, t, post_id FROM (
                SELECT aid, unnest(urls) AS obj, t, post_id FROM p
                WHERE urls IS NOT NULL AND len(urls) > 0 {repost})
            WHERE obj IS NOT NULL"""
        )
    elif column == "hashtags":
        engine.con.execute(
            f"""CREATE OR REPLACE TABLE {name} AS
            SELECT aid, replace(lower(ltrim(obj, '#')), 'i\u0307', 'i') AS obj, t, post_id FROM (
                SELECT aid, unnest(hashtags) AS obj, t, post_id FROM p
                WHERE hashtags IS NOT NULL AND len(hashtags) > 0 {repost})
            WHERE obj IS NOT NULL AND ltrim(obj, '#') <> ''"""
        )
    else:
        view = f"{name}_parquet"
        column_rows(engine, column, view, include_reposts, "trim(obj)")
        engine.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {view}")
        engine.con.execute(f"DROP VIEW {view}")
    engine.lists[key] = name
    return name
