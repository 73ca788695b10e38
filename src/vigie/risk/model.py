"""The EBIOS RM study as pydantic models: what an analyst writes in ``study.yaml``.

Why pydantic: it checks types and ranges and reports each error at its location
(``stakeholders[3].trust``), which ``check.py`` turns into one error listing every mistake at
once. Every model forbids unknown fields, so a typo (``penetraton``) is reported rather than
silently ignored. Cross-references between sections (an unknown stakeholder id in a path …)
are checked in ``check.py``, not here, so that they are reported even when the structure has
other errors.

Computed values (relevance, threat level, severity of a strategic scenario, likelihood of an
operational scenario, risk levels) are never stored as plain fields: an analyst who disagrees
writes them under ``forced`` with a justification, and every report flags them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"
"""Version of the study file format (``schema_version`` in the file)."""

SeverityCode = Literal["G1", "G2", "G3", "G4", "G5"]
"""G5 is allowed only when the study's ``settings.scales.severity`` declares it."""
LikelihoodCode = Literal["V0", "V1", "V2", "V3", "V4"]
"""V0 ("invraisemblable") is the guide's 0 cell of the advanced grid; V1..V4 as the guide."""
Phase = Literal["know", "enter", "find", "exploit"]
Tlp = Literal["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]


def _range(lo: int, hi: int):
    def check(v: int) -> int:
        if not lo <= v <= hi:
            raise ValueError(f"{v} is outside {lo}..{hi}")
        return v

    return AfterValidator(check)


def _version(v: str) -> str:
    parts = v.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{v!r} is not a version x.y (e.g. 1.0)")
    return v


Rating = Annotated[int, _range(1, 4)]
"""A 1..4 rating (motivation, resources, activity, dependency, penetration, maturity, trust)."""
Level04 = Annotated[int, _range(0, 4)]
"""A 0..4 level (probability of success, technical difficulty)."""
Version = Annotated[str, AfterValidator(_version)]
Text = Annotated[str, Field(min_length=1)]
Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Forced(Strict):
    """A computed value the analyst overrides. ``justification`` is mandatory; ``source``
    says where it came from (``analyst``, ``evidence:<findings>``)."""

    value: Any
    justification: Text
    date: dt.date | None = None
    author: str | None = None
    source: str | None = None


ForcedMap = dict[str, Forced]


class Review(Strict):
    last: dt.date | None = None
    next: dt.date | None = None
    cadence_days: Annotated[int, Field(gt=0)] | None = None
    committee: str | None = None


class StudyInfo(Strict):
    id: Id
    title: Text
    version: Version
    marking: Tlp
    lang: Literal["fr", "en"] = "en"
    organisation: str | None = None
    sponsor: str | None = None
    authors: list[str] = []
    date: dt.date | None = None
    scope: str | None = None
    review: Review = Review()


class Zones(Strict):
    danger: Annotated[float, Field(gt=0)] = 2.5
    control: Annotated[float, Field(gt=0)] = 0.9
    watch: Annotated[float, Field(gt=0)] = 0.2


class RelevanceSettings(Strict):
    rule: Literal["grid", "sum", "product"] = "grid"
    """``grid``: the guide's motivation x resources grid (default); ``sum``/``product``:
    vigie's earlier score rules with two thresholds."""
    grid: list[list[int]] | None = None
    """4 rows (motivation 1..4) x 4 columns (resources 1..4) of relevance levels 1..4."""
    thresholds: tuple[float, float] | None = None
    """Upper bounds of P1 and P2 (a score above the second is P3); default per rule."""


class StandardSettings(Strict):
    success_to_likelihood: dict[int, LikelihoodCode] | None = None


class AdvancedSettings(Strict):
    table: list[list[int]] | None = None
    """5 rows (success 0..4) × 5 columns (difficulty 0..4) of V indices 0..4 (0 = V0)."""


class ScaleLevel(Strict):
    """One level of a study's own scale: its labels (and what it means, for the report)."""

    fr: Text
    en: Text
    description: str | None = None


class ScaleSettings(Strict):
    """A study's own severity / likelihood scales (codes G1..G5, V0..V4). Omitted: the guide's."""

    severity: dict[str, ScaleLevel] | None = None
    likelihood: dict[str, ScaleLevel] | None = None


class Settings(Strict):
    threat_zones: Zones = Zones()
    relevance: RelevanceSettings = RelevanceSettings()
    standard: StandardSettings = StandardSettings()
    advanced: AdvancedSettings = AdvancedSettings()
    scales: ScaleSettings = ScaleSettings()
    risk_grid: dict[str, list[Literal["low", "moderate", "high"]]] | None = None
    """Rows = likelihood codes, one level per severity of the scale; default: the guide's."""


class Note(Strict):
    date: dt.date
    text: Text
    author: str | None = None


# --- Workshop 1 -------------------------------------------------------------------------------


class Mission(Strict):
    id: Id
    name: Text
    description: str | None = None


class BusinessValue(Strict):
    id: Id
    name: Text
    nature: Literal["process", "information"] = "process"
    owner: Text
    description: str | None = None
    missions: list[str] = []


class SupportingAsset(Strict):
    id: Id
    name: Text
    owner: str | None = None
    description: str | None = None
    business_values: list[str] = []


class FearedEvent(Strict):
    id: Id
    name: Text
    business_values: list[str] = []
    """May be empty: the guide lets a feared event stand for the whole object studied."""
    impacts: list[str] = []
    severity: SeverityCode


class Gap(Strict):
    description: Text
    justification: Text


class BaselineItem(Strict):
    id: Id
    name: Text
    kind: str | None = None
    status: Literal["applied", "applied_with_restrictions", "not_applied"]
    gaps: list[Gap] = []


# --- Workshop 2 -------------------------------------------------------------------------------


class RiskSource(Strict):
    id: Id
    name: Text
    description: str | None = None


class RiskPair(Strict):
    """A (risk source, target objective) pair rated 1..4 on three criteria."""

    id: Id
    source: Id
    objective: Text
    motivation: Rating
    resources: Rating
    activity: Rating
    retained: bool
    justification: Text
    forced: ForcedMap = {}


# --- Workshop 3 -------------------------------------------------------------------------------


class ResidualRatings(Strict):
    dependency: Rating | None = None
    penetration: Rating | None = None
    maturity: Rating | None = None
    trust: Rating | None = None


class Stakeholder(Strict):
    """An ecosystem stakeholder. The four ratings go together: all given (the threat level is
    computed) or none (listed, not rated: the guide rates only the critical ones)."""

    id: Id
    name: Text
    category: Id
    """client, partner, supplier (the guide's), or any other: regulator, authority, media …"""
    critical: bool = False
    """The guide's "partie prenante critique": kept for the strategic scenarios."""
    description: str | None = None
    dependency: Rating | None = None
    penetration: Rating | None = None
    maturity: Rating | None = None
    trust: Rating | None = None
    residual: ResidualRatings | None = None
    forced: ForcedMap = {}

    @property
    def rated(self) -> bool:
        return None not in (self.dependency, self.penetration, self.maturity, self.trust)


class AttackPath(Strict):
    id: Id
    stakeholders: list[Id] = []
    """Stakeholders crossed, in order (empty: a direct attack)."""
    description: str | None = None


class StrategicScenario(Strict):
    id: Id
    name: Text
    pair: Id
    description: str | None = None
    feared_events: list[str] = Field(min_length=1)
    paths: list[AttackPath] = Field(min_length=1)
    forced: ForcedMap = {}


# --- Workshop 4 -------------------------------------------------------------------------------


class Action(Strict):
    """An elementary action. ``after`` lists the actions it follows; when omitted the action
    follows the previous one in the list, ``after: []`` makes it a starting action."""

    id: Id
    phase: Phase
    description: Text
    technique: Annotated[str, Field(min_length=1)] | None = None
    """DISARM (T0xxx), ATT&CK Enterprise/Mobile (T1xxx) or ATT&CK for ICS (T08xx); optional."""
    after: list[str] | None = None
    join: Literal["or", "and"] = "or"
    """With several actions in ``after``: ``or`` (any one leads here, the guide's default) or
    ``and`` (all are needed: the junction takes the hardest of them)."""
    success: Level04 | None = None
    difficulty: Level04 | None = None


class OperationalScenario(Strict):
    id: Id
    name: Text
    strategic_scenario: Id
    paths: list[str] = []
    """Attack paths of the strategic scenario this one details (empty: all)."""
    description: str | None = None
    method: Literal["express", "standard", "advanced"]
    likelihood: LikelihoodCode | None = None
    """The analyst's value for the ``express`` method (ignored otherwise)."""
    actions: list[Action] = []
    """Required (non-empty) for standard and advanced; optional for express."""
    forced: ForcedMap = {}


# --- Workshop 5 -------------------------------------------------------------------------------


class PathRef(Strict):
    """An attack path of a strategic scenario, named by both ids."""

    scenario: Id
    path: Id


class Measure(Strict):
    id: Id
    name: Text
    category: Literal["governance", "protection", "defence", "resilience"]
    description: str | None = None
    owner: str | None = None
    owners: list[Text] = []
    """Several owners (the guide's PACS names one or more "responsables")."""
    status: Literal["planned", "in_progress", "done", "abandoned"] | None = None
    cost: str | None = None
    deadline: dt.date | None = None
    deadline_months: Annotated[int, Field(gt=0)] | None = None
    """A deadline counted in months from the study's date, as the guide's PACS writes it."""
    progress: Annotated[int, _range(0, 100)] = 0
    stakeholders: list[str] = []
    """Stakeholders this measure applies to (ecosystem measures, workshop 3)."""
    attack_paths: list[PathRef] = []
    """Attack paths this ecosystem measure cuts or hinders (workshop 3)."""

    @property
    def all_owners(self) -> list[str]:
        return ([self.owner] if self.owner else []) + [o for o in self.owners if o != self.owner]


class Acceptance(Strict):
    """Who accepted the residual risk, and when (the residual-risk sheet's decision)."""

    by: Text
    date: dt.date | None = None
    decision: Literal["accepted", "refused", "pending"] = "accepted"
    comment: str | None = None


class Residual(Strict):
    """The residual risk and, optionally, the guide's residual-risk sheet ("fiche de risque
    résiduel", workshop 5): what remains, the vulnerabilities left, how it is watched."""

    severity: SeverityCode | None = None
    likelihood: LikelihoodCode | None = None
    justification: Text
    description: str | None = None
    vulnerabilities: list[Text] = []
    monitoring: str | None = None
    acceptance: Acceptance | None = None


class Risk(Strict):
    id: Id
    operational_scenario: Id
    strategy: Literal["reduce", "avoid", "transfer", "accept"]
    measures: list[str] = []
    residual: Residual | None = None
    forced: ForcedMap = {}


class Study(Strict):
    schema_version: Version
    study: StudyInfo
    settings: Settings = Settings()
    missions: list[Mission] = Field(min_length=1)
    business_values: list[BusinessValue] = Field(min_length=1)
    supporting_assets: list[SupportingAsset] = []
    feared_events: list[FearedEvent] = Field(min_length=1)
    baseline: list[BaselineItem] = []
    risk_sources: list[RiskSource] = Field(min_length=1)
    risk_pairs: list[RiskPair] = Field(min_length=1)
    stakeholders: list[Stakeholder] = []
    strategic_scenarios: list[StrategicScenario] = []
    operational_scenarios: list[OperationalScenario] = []
    measures: list[Measure] = []
    risks: list[Risk] = []
    notes: list[Note] = []


FORCEABLE: dict[str, tuple[str, ...]] = {
    "risk_pairs": ("relevance",),
    "stakeholders": ("threat", "residual_threat"),
    "strategic_scenarios": ("severity",),
    "operational_scenarios": ("likelihood",),
    "risks": ("level", "residual_level"),
}
"""Which computed values each section may force (``forced: {<name>: {value, justification}}``)."""
