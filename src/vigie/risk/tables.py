"""Terminal output of ``vigie risk``: Rich tables of results and proposals, and study writing.

Kept apart from ``cli.py`` so the CLI stays thin wiring and the formatting can be tested.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import yaml
from rich.table import Table

from vigie.atomic import atomic_file
from vigie.progress import console
from vigie.risk import scales
from vigie.risk.compute import Results, Value
from vigie.risk.evidence import Proposal
from vigie.risk.model import Study


def _v(v: Value) -> str:
    if v.is_forced:
        return f"[bold yellow]{v.value} ⚑[/] (computed {v.computed})"
    return "—" if v.value is None else str(v.value)  # None: an unrated stakeholder


def _lv(v: Value, lang: str) -> str:
    text = scales.label(scales.RISK_LEVEL, v.value, lang)
    if v.is_forced:
        computed = scales.label(scales.RISK_LEVEL, v.computed, lang)
        return f"[bold yellow]{text} ⚑[/] (computed {computed})"
    return text


def print_results(study: Study, res: Results) -> None:
    """Print the computed values as tables (forced values flagged ⚑)."""
    lang = study.study.lang
    t = Table(title="Workshop 2 — risk source / objective pairs")
    for c in ("pair", "source", "score", "relevance", "retained"):
        t.add_column(c)
    for p in study.risk_pairs:
        r = res.pairs[p.id]
        t.add_row(p.id, p.source, str(r.score), _v(r.relevance), "yes" if p.retained else "no")
    console.print(t)
    t = Table(title="Workshop 3 — ecosystem threat (dependency×penetration / maturity×trust)")
    for c in ("stakeholder", "category", "threat", "zone", "residual", "residual zone"):
        t.add_column(c)
    for s in study.stakeholders:
        r = res.stakeholders[s.id]
        t.add_row(s.id, s.category, _v(r.threat), r.zone, _v(r.residual_threat), r.residual_zone)
    console.print(t)
    t = Table(title="Workshops 3–4 — scenarios")
    for c in ("scenario", "severity", "operational", "method", "likelihood", "easiest mode"):
        t.add_column(c)
    for o in study.operational_scenarios:
        r = res.operational[o.id]
        sev = res.strategic[o.strategic_scenario].severity
        t.add_row(
            o.strategic_scenario,
            _v(sev),
            o.id,
            o.method,
            _v(r.likelihood),
            "→".join(r.easiest_mode),
        )
    console.print(t)
    t = Table(title="Workshop 5 — risks")
    for c in ("risk", "scenario", "severity", "likelihood", "level", "strategy", "residual"):
        t.add_column(c)
    for rk in study.risks:
        r = res.risks[rk.id]
        t.add_row(
            rk.id,
            r.scenario,
            r.severity,
            r.likelihood,
            _lv(r.level, lang),
            r.strategy,
            f"{r.residual_severity}/{r.residual_likelihood} {_lv(r.residual_level, lang)}",
        )
    console.print(t)
    if res.forced:
        console.print(f"[bold yellow]{len(res.forced)} forced value(s):[/]")
        for f in res.forced:
            console.print(f"  ⚑ {f.path}: {f.computed} → {f.value} — {f.justification}")


def results_json(res: Results) -> str:
    """The results as JSON (``Value`` objects become ``{computed, value, forced}``)."""

    def conv(o: Any) -> Any:
        if isinstance(o, Value):
            return {"computed": o.computed, "value": o.value, "forced": o.is_forced}
        if dataclasses.is_dataclass(o):
            return {f.name: conv(getattr(o, f.name)) for f in dataclasses.fields(o)}
        if isinstance(o, dict):
            return {k: conv(v) for k, v in o.items()}
        if isinstance(o, list | tuple):
            return [conv(v) for v in o]
        return o

    return json.dumps(conv(res), indent=2, ensure_ascii=False, default=str, sort_keys=True)


def print_proposals(proposals: list[Proposal], findings: Path, n_observed: int) -> None:
    console.print(f"{findings}: {n_observed} observed technique(s)")
    if not proposals:
        console.print("no operational scenario uses an observed technique")
        return
    t = Table(title="Likelihood proposals from observed techniques")
    for c in ("scenario", "method", "current", "proposed", "evidence"):
        t.add_column(c)
    for p in proposals:
        ev = "; ".join(
            f"{m.action} {m.referenced} ← "
            + ", ".join(f"{o.technique} ({_n(len(o.groups), 'group')}, "
                        f"{_n(o.accounts, 'account')}, max {o.max_score:.2f})"
                        for o in m.observed)
            for m in p.matches
        )  # fmt: skip
        prop = f"[bold]{p.proposed}[/]" if p.changed else f"{p.proposed} (no change)"
        t.add_row(p.scenario, p.method, p.current, prop, ev)
    console.print(t)


class _NoAliasDumper(yaml.SafeDumper):
    """A human-edited file must not get ``&id001`` anchors for repeated values."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_study(
    data: dict[str, Any], path: Path, *, original: tuple[str, dict[str, Any]] | None = None
) -> str | None:
    """Write a study atomically, as JSON for ``.json`` files, else YAML (order kept).

    ``original`` is the YAML text the study was read from and its plain reading: the new YAML
    is then that text with only the changed fields edited, so the analyst's comments and layout
    survive. Returns a warning when they could not be kept (the study is still written).
    """
    from vigie.risk.roundtrip import RoundTripError, update_yaml

    warning = None
    text = None
    if original is not None and path.suffix.lower() != ".json":
        try:
            text = update_yaml(original[0], original[1], data)
        except RoundTripError as exc:
            warning = f"{path}: written without the original's comments and layout ({exc})"
    with atomic_file(path) as fh:
        if text is not None:
            fh.write(text)
        elif path.suffix.lower() == ".json":
            json.dump(data, fh, indent=2, ensure_ascii=False, default=str)
            fh.write("\n")
        else:
            yaml.dump(
                data, fh, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100
            )
    return warning


def _n(count: int, noun: str) -> str:
    """``1 group``, ``2 groups``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
