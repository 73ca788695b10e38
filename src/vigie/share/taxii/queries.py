"""The SQL behind the TAXII views: which stored rows a caller may read, filtered and paged.

Why the policy is pushed into SQL: whether a caller may read an object depends only on its
marking, the variant (``form``) it was stored as and, for TLP:RED, its named audience, so the
query selects exactly the readable rows and paging stays exact (a page is never shortened
by objects filtered out afterwards, and the ``more`` flag never lies about hidden ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from vigie.share.partners import Producer
from vigie.share.stix_export import producer_identity_id
from vigie.share.store import Store
from vigie.share.taxii import access
from vigie.share.taxii.access import Caller
from vigie.share.taxii.config import CollectionConfig
from vigie.share.taxii.params import Filters
from vigie.share.taxii.tables import POSTER_ONLY, Audience, StoredObject
from vigie.share.tlp import TLP


@dataclass
class Page:
    rows: list[StoredObject]
    more: bool


def readable(caller: Caller, cid: str, coll: CollectionConfig) -> list[Any]:
    """SQL conditions for the rows ``caller`` may read in collection ``cid``: markings
    the policy allows, the variant of the caller's form (or the shared one, or an object
    stored for this poster alone), and, for TLP:RED objects addressed to named people,
    only those people."""
    markings = access.readable_markings(caller, coll)
    me = access.audience_key(caller)
    addressed = exists().where(Audience.obj_rowid == StoredObject.rowid)
    to_me = exists().where(Audience.obj_rowid == StoredObject.rowid, Audience.recipient == me)
    return [
        StoredObject.collection_id == cid,
        StoredObject.marking.in_(markings),
        or_(
            StoredObject.form.is_(None),
            StoredObject.form == access.reader_form(caller),
            and_(StoredObject.form == POSTER_ONLY, StoredObject.added_by == caller.user),
        ),
        or_(StoredObject.marking != TLP.RED.key, ~addressed, to_me),
    ]


def visible_query(
    filters: Filters,
    caller: Caller,
    cid: str,
    coll: CollectionConfig,
    object_id: str | None = None,
    *,
    default_version: str = "last",
) -> Select[tuple[StoredObject]]:
    """The readable rows matching ``filters`` (and ``object_id``), in TAXII order."""
    base = readable(caller, cid, coll)
    if object_id is not None:
        base.append(StoredObject.stix_id == object_id)
    if filters.ids:
        base.append(StoredObject.stix_id.in_(filters.ids))
    if filters.types:
        base.append(StoredObject.stix_type.in_(filters.types))
    if filters.spec_versions:
        base.append(StoredObject.spec_version.in_(filters.spec_versions))
    q = select(StoredObject).where(*base)

    versions = filters.versions or [default_version]
    if "all" not in versions:
        conds = []
        plain = [v for v in versions if v not in ("first", "last")]
        if plain:
            conds.append(StoredObject.version.in_(plain))
        for which, agg in (("first", func.min), ("last", func.max)):
            if which in versions:
                picked = (
                    select(StoredObject.stix_id, agg(StoredObject.version))
                    .where(*base)
                    .group_by(StoredObject.stix_id)
                )
                conds.append(tuple_(StoredObject.stix_id, StoredObject.version).in_(picked))
        q = q.where(or_(*conds))
    if filters.added_after is not None:
        q = q.where(StoredObject.date_added > filters.added_after)
    if filters.after_rowid is not None:
        q = q.where(StoredObject.rowid > filters.after_rowid)
    return q.order_by(StoredObject.rowid)


def page(store: Store, q: Select[tuple[StoredObject]], limit: int) -> Page:
    """At most ``limit`` rows of ``q``, and whether more follow."""
    with store.session() as sess:
        rows = list(sess.scalars(q.limit(limit + 1)))
    return Page(rows[:limit], len(rows) > limit)


def readable_ids(
    sess: Session, caller: Caller, cid: str, coll: CollectionConfig, ids: list[str]
) -> set[str]:
    """Which of ``ids`` the caller may read some version of."""
    out: set[str] = set()
    unique = sorted(set(ids))
    cond = readable(caller, cid, coll)
    for k in range(0, len(unique), 500):
        q = select(StoredObject.stix_id).where(*cond, StoredObject.stix_id.in_(unique[k : k + 500]))
        out.update(sess.scalars(q.distinct()))
    return out


def our_identities(sess: Session, producer: Producer) -> set[str]:
    """Ids of the identities we publish as (our producer's, and any identity object our
    own publications stored): a partner may not sign objects with them."""
    ours = {producer_identity_id(producer)}
    q = select(StoredObject.stix_id).where(
        StoredObject.stix_type == "identity", StoredObject.added_by.like("local:%")
    )
    ours.update(sess.scalars(q.distinct()))
    return ours
