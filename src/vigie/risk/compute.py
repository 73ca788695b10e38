"""Every EBIOS RM computation vigie makes, as small pure functions, and the study's results.

The rules. The scales (G1..G4, V1..V4, 1..4 ratings, 0..4 probability of success and
technical difficulty, the dangerosité formula and zones) follow ANSSI's EBIOS RM guide v1.5;
where the guide leaves the combination to the analyst (relevance, how action ratings combine
along an operating mode) the rule below is vigie's, stated here so it can be checked by hand,
and its thresholds/tables are per study under ``settings``:

* **Relevance of a (risk source, target objective) pair** (workshop 2): by default the guide's
  grid (``scales.DEFAULT_RELEVANCE_GRID``): motivation ``m`` (row) × resources ``r`` (column)
  → P1..P4; the score shown is the grid's value. The study may give its own grid, or use
  vigie's earlier rules — ``sum`` (score ``m + r + a`` in 3..12) or ``product``
  (``m × r × a`` in 1..64) — mapped with two thresholds ``(t1, t2)``: ``score <= t1`` → P1,
  ``score <= t2`` → P2, else P3. Defaults: sum (6, 9); product (8, 27).
* **Threat level (dangerosité) of a stakeholder** (workshop 3):
  ``(dependency × penetration) / (maturity × trust)``, each rated 1..4, so 1/16 .. 16. Zones:
  ``>= danger`` (2.5) → danger, ``>= control`` (0.9) → control, ``>= watch`` (0.2) → watch,
  else outside. The residual threat uses the residual ratings (those not given keep their
  initial value).
* **Severity of a strategic scenario**: the highest severity of the feared events it leads to.
* **Likelihood of an operational scenario** (workshop 4). An *operating mode* is one path
  through the graph of elementary actions, from a starting action to a final one. The
  scenario's likelihood is that of its easiest operating mode (the maximum over modes). An
  action whose ``join`` is ``and`` needs *all* its predecessors (an AND junction of the
  guide's attack graphs): its cumulated index is the minimum over them instead of the maximum,
  so the mode then is a sub-graph; computed as ``cum(a) = min(index(a), J(cum(p) for p in
  after))`` with ``J`` = max (or) / min (and), the scenario taking the max over final actions:
  - *express*: the analyst's single value for the whole scenario;
  - *standard*: each action has a probability of success 0..4; a mode is as likely as its
    least likely action (the chain breaks at its weakest link: minimum along the path); the
    resulting 0..4 level is mapped to V1..V4 (default 0,1 → V1; 2 → V2; 3 → V3; 4 → V4);
  - *advanced*: each action has a probability of success 0..4 and a technical difficulty
    0..4; the guide's 5 × 5 grid (``scales.DEFAULT_ADVANCED_TABLE``) gives the action's index
    0..4 (a hard action lowers the chance; 0 is V0, "invraisemblable"); a mode takes the
    minimum index along its path, and the index n gives Vn.
* **Risk level**: the guide's grid ``scales.RISK_GRID`` or the study's ``settings.risk_grid``
  (row = likelihood, column = severity). A risk is an operational scenario with the severity
  of its strategic scenario.
  The residual risk uses the analyst's residual severity/likelihood (default: the initial).

Any computed value may be forced (``forced:`` in the study, with a justification); results
keep both the computed and the retained value, so reports can flag the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigie.errors import VigieError
from vigie.risk import scales
from vigie.risk.model import Action, Forced, Study

MAX_MODES = 10_000
"""Operating modes enumerated per scenario at most (guards against a pathological graph)."""


@dataclass(frozen=True)
class Value:
    """A computed value and, when the analyst forced it, the retained one."""

    computed: Any
    forced: Forced | None = None

    @property
    def value(self) -> Any:
        return self.computed if self.forced is None else self.forced.value

    @property
    def is_forced(self) -> bool:
        return self.forced is not None


def _value(computed: Any, forced: dict[str, Forced], name: str) -> Value:
    return Value(computed, forced.get(name))


# --- elementary computations -------------------------------------------------------------------


def relevance_score(
    motivation: int,
    resources: int,
    activity: int,
    rule: str = "sum",
    grid: list[list[int]] | tuple[tuple[int, ...], ...] | None = None,
) -> int:
    """Combine the three 1..4 ratings by ``rule`` (``grid``, ``sum`` or ``product``)."""
    if rule == "grid":
        g = grid or scales.DEFAULT_RELEVANCE_GRID
        return int(g[motivation - 1][resources - 1])
    if rule == "sum":
        return motivation + resources + activity
    if rule == "product":
        return motivation * resources * activity
    raise VigieError(f"unknown relevance rule {rule!r} (grid, sum or product)")


def relevance_level(score: float, thresholds: tuple[float, float]) -> str:
    """``score <= t1`` → P1, ``<= t2`` → P2, else P3."""
    t1, t2 = thresholds
    if score <= t1:
        return "P1"
    if score <= t2:
        return "P2"
    return "P3"


def threat_level(dependency: int, penetration: int, maturity: int, trust: int) -> float:
    """Dangerosité = (dependency × penetration) / (maturity × trust)."""
    return (dependency * penetration) / (maturity * trust)


def zone(threat: float, zones: dict[str, float]) -> str:
    """The ecosystem zone of a threat level: danger, control, watch or outside."""
    if threat >= zones["danger"]:
        return "danger"
    if threat >= zones["control"]:
        return "control"
    if threat >= zones["watch"]:
        return "watch"
    return "outside"


def risk_level(severity: str, likelihood: str, grid: dict[str, Any] | None = None) -> str:
    """Look up the risk grid (the guide's unless ``grid``): low, moderate or high."""
    g = grid or scales.RISK_GRID
    row = g.get(likelihood)
    if row is None:  # V0 absent from a study's own grid: implausible -> low
        return "low"
    return str(row[scales.level_index(severity) - 1])


def max_severity(codes: list[str]) -> str:
    return max(codes, key=scales.level_index)


def predecessors(actions: list[Action]) -> dict[str, list[str]]:
    """Each action's predecessors: ``after`` when given, else the previous action."""
    out: dict[str, list[str]] = {}
    for i, a in enumerate(actions):
        if a.after is not None:
            out[a.id] = list(a.after)
        else:
            out[a.id] = [actions[i - 1].id] if i > 0 else []
    return out


def operating_modes(actions: list[Action]) -> list[list[str]]:
    """Every path from a starting action (no predecessor) to a final one (no successor)."""
    preds = predecessors(actions)
    succ: dict[str, list[str]] = {a.id: [] for a in actions}
    for aid, ps in preds.items():
        for p in ps:
            if p in succ:
                succ[p].append(aid)
    starts = [a.id for a in actions if not preds[a.id]]
    modes: list[list[str]] = []

    def walk(path: list[str]) -> None:
        if len(modes) >= MAX_MODES:
            return
        nxt = succ[path[-1]]
        if not nxt:
            modes.append(path)
            return
        for n in nxt:
            if n in path:  # a cycle; check.py reports it
                continue
            walk([*path, n])

    for s in starts:
        walk([s])
    return modes


def cumulated(actions: list[Action], index: dict[str, int]) -> dict[str, int]:
    """Each action's cumulated index: ``min(own, J(predecessors))``, J = max (or) / min (and)."""
    preds = predecessors(actions)
    join = {a.id: a.join for a in actions}
    out: dict[str, int] = {}
    visiting: set[str] = set()

    def cum(aid: str) -> int:
        if aid in out:
            return out[aid]
        if aid in visiting:
            raise VigieError("operational scenario has no operating mode (cycle in 'after'?)")
        visiting.add(aid)
        ps = [cum(p) for p in preds[aid] if p in index]
        own = index[aid]
        if ps:
            own = min(own, min(ps) if join[aid] == "and" else max(ps))
        visiting.discard(aid)
        out[aid] = own
        return own

    for a in actions:
        cum(a.id)
    return out


def _and_mode(actions: list[Action], index: dict[str, int]) -> tuple[int, list[str]]:
    """The easiest operating mode of a graph with AND junctions (a sub-graph, in list order)."""
    preds = predecessors(actions)
    join = {a.id: a.join for a in actions}
    cum = cumulated(actions, index)
    has_succ = {p for ps in preds.values() for p in ps}
    finals = [a.id for a in actions if a.id not in has_succ]
    if not finals:
        raise VigieError("operational scenario has no operating mode (cycle in 'after'?)")
    best = max(finals, key=lambda a: cum[a])
    keep: set[str] = set()
    todo = [best]
    while todo:
        n = todo.pop()
        if n in keep:
            continue
        keep.add(n)
        ps = [p for p in preds[n] if p in cum]
        if not ps:
            continue
        todo.extend(ps if join[n] == "and" else [max(ps, key=lambda p: cum[p])])
    return cum[best], [a.id for a in actions if a.id in keep]


def _best_mode(actions: list[Action], index: dict[str, int]) -> tuple[int, list[str]]:
    if any(a.join == "and" for a in actions):
        return _and_mode(actions, index)
    modes = operating_modes(actions)
    if not modes:
        raise VigieError("operational scenario has no operating mode (cycle in 'after'?)")
    best = max(modes, key=lambda m: min(index[a] for a in m))
    return min(index[a] for a in best), best


def likelihood_standard(
    actions: list[Action], mapping: dict[int, str] | None = None
) -> tuple[str, list[str]]:
    """Standard method: min success along each mode, best mode, mapped to V1..V4."""
    mapping = mapping or scales.DEFAULT_SUCCESS_TO_LIKELIHOOD
    idx = {a.id: int(a.success if a.success is not None else 0) for a in actions}
    level, mode = _best_mode(actions, idx)
    return mapping[level], mode


def action_index(success: int, difficulty: int, table: list[list[int]] | None = None) -> int:
    """Advanced method: the 0..4 index of one action from its success and difficulty."""
    t = table or scales.DEFAULT_ADVANCED_TABLE
    return int(t[success][difficulty])


def likelihood_advanced(
    actions: list[Action], table: list[list[int]] | None = None
) -> tuple[str, list[str]]:
    """Advanced method: per-action index from the table, min along a mode, best mode."""
    idx = {a.id: action_index(int(a.success or 0), int(a.difficulty or 0), table) for a in actions}
    level, mode = _best_mode(actions, idx)
    return f"V{level}", mode


# --- the whole study ------------------------------------------------------------------------------


@dataclass
class PairResult:
    id: str
    score: float
    relevance: Value
    retained: bool


@dataclass
class StakeholderResult:
    id: str
    category: str
    threat: Value
    zone: str
    residual_threat: Value
    residual_zone: str


@dataclass
class StrategicResult:
    id: str
    severity: Value


@dataclass
class OperationalResult:
    id: str
    method: str
    likelihood: Value
    easiest_mode: list[str]
    modes: int


@dataclass
class RiskResult:
    id: str
    scenario: str
    strategic: str
    severity: str
    likelihood: str
    level: Value
    residual_severity: str
    residual_likelihood: str
    residual_level: Value
    strategy: str
    inputs_forced: bool = False
    """True when the severity or likelihood feeding this risk was forced upstream."""

    @property
    def flagged(self) -> bool:
        return self.inputs_forced or self.level.is_forced

    @property
    def residual_flagged(self) -> bool:
        return self.inputs_forced or self.residual_level.is_forced


@dataclass
class ForcedEntry:
    path: str
    computed: Any
    value: Any
    justification: str
    source: str | None
    date: Any


@dataclass
class Results:
    """Everything computed for a study; reports and exports read only this and the study."""

    grid: dict[str, Any] = field(default_factory=lambda: dict(scales.RISK_GRID))
    """The risk grid used (likelihood -> one level per severity)."""
    severities: tuple[str, ...] = scales.SEVERITIES
    likelihoods: tuple[str, ...] = scales.LIKELIHOODS
    labels: dict[str, dict[str, str]] = field(
        default_factory=lambda: {**scales.SEVERITY, **scales.LIKELIHOOD}
    )
    """Labels of the severity and likelihood codes (the study's own scales where given)."""
    pairs: dict[str, PairResult] = field(default_factory=dict)
    stakeholders: dict[str, StakeholderResult] = field(default_factory=dict)
    strategic: dict[str, StrategicResult] = field(default_factory=dict)
    operational: dict[str, OperationalResult] = field(default_factory=dict)
    risks: dict[str, RiskResult] = field(default_factory=dict)
    coverage: dict[str, list[str]] = field(default_factory=dict)
    """feared event id -> strategic scenario ids leading to it."""
    forced: list[ForcedEntry] = field(default_factory=list)


def relevance_thresholds(study: Study) -> tuple[float, float]:
    rs = study.settings.relevance
    if rs.rule == "grid":
        return (1, 2)  # unused: grid values 1..4 are P1..P4 directly (see relevance_of)
    return tuple(rs.thresholds or scales.DEFAULT_RELEVANCE_THRESHOLDS[rs.rule])  # type: ignore[return-value]


def relevance_of(score: float, rule: str, thresholds: tuple[float, float]) -> str:
    """The P level of a score: the grid's value itself, or the thresholds of sum/product."""
    if rule == "grid":
        return f"P{int(score)}"
    return relevance_level(score, thresholds)


def severity_codes(study: Study) -> tuple[str, ...]:
    """The study's severity codes, lowest first (the guide's G1..G4 unless it has its own)."""
    own = study.settings.scales.severity
    return tuple(sorted(own, key=scales.level_index)) if own else scales.SEVERITIES


def likelihood_codes(study: Study) -> tuple[str, ...]:
    """The study's likelihood codes, lowest first (the guide's V1..V4 unless it has its own)."""
    own = study.settings.scales.likelihood
    return tuple(sorted(own, key=scales.level_index)) if own else scales.LIKELIHOODS


def risk_grid(study: Study) -> dict[str, Any]:
    """The study's risk grid (its own, else the guide's)."""
    return dict(study.settings.risk_grid) if study.settings.risk_grid else dict(scales.RISK_GRID)


def compute(study: Study) -> Results:
    """Compute every derived value of a (checked) study."""
    own = study.settings.scales
    res = Results(
        grid=risk_grid(study),
        severities=severity_codes(study),
        likelihoods=likelihood_codes(study),
        labels={
            **scales.SEVERITY,
            **scales.LIKELIHOOD,
            **{k: {"fr": v.fr, "en": v.en} for k, v in (own.severity or {}).items()},
            **{k: {"fr": v.fr, "en": v.en} for k, v in (own.likelihood or {}).items()},
        },
    )
    zones = study.settings.threat_zones.model_dump()
    thresholds = relevance_thresholds(study)
    rule = study.settings.relevance.rule
    rgrid = study.settings.relevance.grid

    def note(section: str, oid: str, name: str, v: Value) -> None:
        if v.forced is not None:
            res.forced.append(
                ForcedEntry(
                    path=f"{section}[{oid}].{name}",
                    computed=v.computed,
                    value=v.forced.value,
                    justification=v.forced.justification,
                    source=v.forced.source,
                    date=v.forced.date,
                )
            )

    for p in study.risk_pairs:
        score = relevance_score(p.motivation, p.resources, p.activity, rule, rgrid)
        v = _value(relevance_of(score, rule, thresholds), p.forced, "relevance")
        note("risk_pairs", p.id, "relevance", v)
        res.pairs[p.id] = PairResult(p.id, score, v, p.retained)

    for s in study.stakeholders:
        if not s.rated:  # listed, not rated: no threat level (unless forced)
            ut = _value(None, s.forced, "threat")
            urt = _value(None, s.forced, "residual_threat")
            note("stakeholders", s.id, "threat", ut)
            note("stakeholders", s.id, "residual_threat", urt)
            res.stakeholders[s.id] = StakeholderResult(
                s.id,
                s.category,
                ut,
                zone(float(ut.value), zones) if ut.value is not None else "unrated",
                urt,
                zone(float(urt.value), zones) if urt.value is not None else "unrated",
            )
            continue
        t = _value(
            round(
                threat_level(s.dependency or 1, s.penetration or 1, s.maturity or 1, s.trust or 1),
                4,
            ),
            s.forced,
            "threat",
        )
        r = s.residual or None
        rt_raw = threat_level(
            (r and r.dependency) or s.dependency or 1,
            (r and r.penetration) or s.penetration or 1,
            (r and r.maturity) or s.maturity or 1,
            (r and r.trust) or s.trust or 1,
        )
        rt = _value(round(rt_raw, 4), s.forced, "residual_threat")
        note("stakeholders", s.id, "threat", t)
        note("stakeholders", s.id, "residual_threat", rt)
        res.stakeholders[s.id] = StakeholderResult(
            s.id,
            s.category,
            t,
            zone(float(t.value), zones),
            rt,
            zone(float(rt.value), zones),
        )

    fe_sev = {f.id: f.severity for f in study.feared_events}
    res.coverage = {f.id: [] for f in study.feared_events}
    for ss in study.strategic_scenarios:
        v = _value(max_severity([fe_sev[f] for f in ss.feared_events]), ss.forced, "severity")
        note("strategic_scenarios", ss.id, "severity", v)
        res.strategic[ss.id] = StrategicResult(ss.id, v)
        for f in ss.feared_events:
            res.coverage[f].append(ss.id)

    adv_table = study.settings.advanced.table
    std_map = study.settings.standard.success_to_likelihood
    for os_ in study.operational_scenarios:
        modes = operating_modes(os_.actions) if os_.actions else []
        if os_.method == "express":
            computed, mode = os_.likelihood, (modes[0] if modes else [])
        elif os_.method == "standard":
            computed, mode = likelihood_standard(os_.actions, std_map)
        else:
            computed, mode = likelihood_advanced(os_.actions, adv_table)
        v = _value(computed, os_.forced, "likelihood")
        note("operational_scenarios", os_.id, "likelihood", v)
        res.operational[os_.id] = OperationalResult(os_.id, os_.method, v, mode, len(modes))

    os_by_id = {o.id: o for o in study.operational_scenarios}
    for r in study.risks:
        os_ = os_by_id[r.operational_scenario]
        sev = str(res.strategic[os_.strategic_scenario].severity.value)
        lik = str(res.operational[os_.id].likelihood.value)
        lvl = _value(risk_level(sev, lik, res.grid), r.forced, "level")
        rsev = (r.residual and r.residual.severity) or sev
        rlik = (r.residual and r.residual.likelihood) or lik
        rlvl = _value(risk_level(rsev, rlik, res.grid), r.forced, "residual_level")
        note("risks", r.id, "level", lvl)
        note("risks", r.id, "residual_level", rlvl)
        upstream = (
            res.strategic[os_.strategic_scenario].severity.is_forced
            or res.operational[os_.id].likelihood.is_forced
        )
        res.risks[r.id] = RiskResult(
            r.id, os_.id, os_.strategic_scenario, sev, lik, lvl, rsev, rlik, rlvl, r.strategy,
            inputs_forced=upstream,
        )  # fmt: skip
    return res
