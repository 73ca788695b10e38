"""What a partner receives of the rows it may read: the policy applied object by object.

Why apart from the SQL: the query (``queries``) already selected the rows the caller's
markings allow; here each object gets the form the policy gives this caller (full, redacted
or hashed, ``access.apply_form``), parts under a stricter granular marking are withheld, and
every object served is written to the audit log. A row the policy would refuse is skipped
even so (never leak on a bug).
"""

from __future__ import annotations

from typing import Any

from vigie.share.audit import AuditEntry
from vigie.share.taxii import access
from vigie.share.taxii.access import Caller
from vigie.share.taxii.granular import withhold_granular
from vigie.share.taxii.state import ServerState
from vigie.share.taxii.tables import StoredObject
from vigie.share.tlp import TLP


def serve_objects(
    s: ServerState, caller: Caller, cid: str, rows: list[StoredObject], endpoint: str
) -> list[dict[str, Any]]:
    """The rows as the caller may receive them (policy form, granular markings withheld),
    each one served written to the audit log."""
    out = []
    entries: list[AuditEntry] = []
    for row in rows:
        tlp = TLP.parse(row.marking) if row.marking else TLP.AMBER
        decision = access.decision_for(caller, tlp)
        if not decision.allowed:  # cannot happen (filtered in SQL); never leak on a bug
            continue
        kept = withhold_granular(row.stix(), lambda t: access.decision_for(caller, t).allowed)
        if kept is None:  # a part it may not read is one the object cannot do without
            continue
        obj = kept if row.form is not None else access.apply_form(kept, decision)
        out.append(obj)
        entries.append(
            AuditEntry(
                caller.user,
                "object.served",
                object_id=row.stix_id,
                collection=cid,
                marking=tlp.key,
                detail={
                    "version": row.version,
                    "form": decision.form.value,
                    "variant": row.form or "redacted on the fly",
                    "endpoint": endpoint,
                    "added_by": row.added_by,
                },
            )
        )
    s.audit.append_many(entries)
    return out
