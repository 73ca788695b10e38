"""What changed between two versions of a study: ``vigie risk diff A B``.

Why compare *computed* values and not only the text: a steering committee asks "which risks
moved, and why", and a one-line edit (a stakeholder's trust, an action's difficulty) can move
several risk levels. Each change is one line naming its path, old and new value, so the
output can be pasted into the study's log or the committee's minutes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from vigie.risk.compute import Results, compute
from vigie.risk.model import Study

SECTIONS: tuple[str, ...] = (
    "missions",
    "business_values",
    "feared_events",
    "risk_sources",
    "risk_pairs",
    "stakeholders",
    "strategic_scenarios",
    "operational_scenarios",
    "measures",
    "risks",
)


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is added, removed or changed."""

    kind: str
    path: str
    old: Any = None
    new: Any = None

    def line(self) -> str:
        if self.kind == "added":
            return f"+ {self.path}"
        if self.kind == "removed":
            return f"- {self.path}"
        return f"~ {self.path}: {self.old} -> {self.new}"


def _computed(res: Results) -> dict[str, Any]:
    """Every computed value of a study by path (``risks[R1].level``)."""
    out: dict[str, Any] = {}
    for k, p in res.pairs.items():
        out[f"risk_pairs[{k}].relevance"] = p.relevance.value
    for k, s in res.stakeholders.items():
        out[f"stakeholders[{k}].threat"] = s.threat.value
        out[f"stakeholders[{k}].zone"] = s.zone
        out[f"stakeholders[{k}].residual_zone"] = s.residual_zone
    for k, ss in res.strategic.items():
        out[f"strategic_scenarios[{k}].severity"] = ss.severity.value
    for k, o in res.operational.items():
        out[f"operational_scenarios[{k}].likelihood"] = o.likelihood.value
    for k, r in res.risks.items():
        out[f"risks[{k}].level"] = r.level.value
        out[f"risks[{k}].residual_level"] = r.residual_level.value
    return out


def _fields(study: Study) -> dict[str, Any]:
    """The analyst's own fields worth reporting (measure progress and status, strategies)."""
    out: dict[str, Any] = {"study.version": study.study.version}
    for m in study.measures:
        out[f"measures[{m.id}].progress"] = m.progress
        out[f"measures[{m.id}].status"] = m.status
    for r in study.risks:
        out[f"risks[{r.id}].strategy"] = r.strategy
    return out


def diff(a: Study, b: Study) -> list[Change]:
    """The changes from study ``a`` to study ``b``: ids added/removed, then changed values."""
    changes: list[Change] = []
    for section in SECTIONS:
        ids_a = [x.id for x in getattr(a, section)]
        ids_b = [x.id for x in getattr(b, section)]
        changes += [Change("removed", f"{section}[{i}]") for i in ids_a if i not in ids_b]
        changes += [Change("added", f"{section}[{i}]") for i in ids_b if i not in ids_a]
    va = {**_fields(a), **_computed(compute(a))}
    vb = {**_fields(b), **_computed(compute(b))}
    for path, old in va.items():
        if path in vb and vb[path] != old:
            changes.append(Change("changed", path, old, vb[path]))
    return changes


def as_dicts(changes: list[Change]) -> list[dict[str, Any]]:
    return [asdict(c) for c in changes]
