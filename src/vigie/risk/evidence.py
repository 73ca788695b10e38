"""From detection to risk: observed DISARM techniques propose likelihood changes.

``vigie detect`` writes, in a Findings folder, the DISARM techniques that each coordinated
group's *observed* behaviour matches (``manifest.json`` → ``techniques``, and the
``techniques`` column of ``groups.parquet``). An operational scenario whose elementary actions
reference those techniques is no longer hypothetical: some of its steps are happening.

The rule, stated so that an analyst can check it by hand:

* a referenced technique is *supported* by an observation of the same id or of one of its
  sub-techniques (``T0049.003`` observed supports a step referencing ``T0049``); a parent
  observed does not support a more specific sub-technique reference;
* only observations whose best group score is at least ``min_score`` count;
* a supported action has, by definition, succeeded, and so have the actions before it on its
  operating modes (one cannot amplify content one has not produced): they are re-rated as
  certain — probability of success 4 (standard), success 4 and difficulty 0 (advanced) — and
  the scenario's likelihood is recomputed with the study's own method and settings;
* for an *express* scenario (no per-action ratings) the likelihood is raised by one level, or
  to V4 when every action of one operating mode is supported;
* a change is proposed only when the result is above the current (retained) likelihood.

Nothing changes silently: ``accept`` writes an updated copy of the study where each accepted
change is a *forced* likelihood with its evidence as justification, a dated note, and a minor
version bump; a YAML study keeps its comments and layout (only those fields are edited).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from vigie.errors import VigieError
from vigie.risk import scales
from vigie.risk.compute import (
    Results,
    likelihood_advanced,
    likelihood_standard,
    operating_modes,
    predecessors,
)
from vigie.risk.model import Study
from vigie.schema import Findings, techniques_index


@dataclass(frozen=True)
class Observation:
    technique: str
    groups: tuple[str, ...]
    accounts: int
    max_score: float


@dataclass
class Match:
    action: str
    referenced: str
    observed: list[Observation]


@dataclass
class Proposal:
    scenario: str
    method: str
    current: str
    proposed: str
    matches: list[Match] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return scales.level_index(self.proposed) > scales.level_index(self.current)

    def justification(self, source: str) -> str:
        parts = []
        for m in self.matches:
            obs = "; ".join(
                f"{o.technique} ({len(o.groups)} group(s) {', '.join(o.groups[:5])}"
                f"{'…' if len(o.groups) > 5 else ''}, {o.accounts} accounts, "
                f"max score {o.max_score:.2f})"
                for o in m.observed
            )
            parts.append(f"action {m.action} [{m.referenced}] observed: {obs}")
        return (
            f"Evidence from findings {source}: "
            + " | ".join(parts)
            + f". Likelihood {self.current} -> {self.proposed}."
        )


def supports(referenced: str, observed: str) -> bool:
    """True when ``observed`` is ``referenced`` or one of its sub-techniques."""
    return observed == referenced or observed.startswith(referenced + ".")


def _index_entry(where: Path, tid: str, e: Any) -> dict[str, Any]:
    """One ``techniques`` entry of a manifest, checked: a hand-edited or truncated manifest
    must give a clear error naming the field, not a traceback."""
    if not isinstance(e, dict):
        raise VigieError(f"{where}: techniques.{tid} is not an object")
    groups = e.get("groups", [])
    if not isinstance(groups, list):
        raise VigieError(f"{where}: techniques.{tid}.groups must be a list of group ids")
    out: dict[str, Any] = {"groups": [str(g) for g in groups]}
    for name, kind in (("accounts", int), ("max_score", float)):
        value = e.get(name, 0)
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise TypeError
            out[name] = kind(value)
        except (TypeError, ValueError):
            raise VigieError(
                f"{where}: techniques.{tid}.{name} must be a number (got {value!r})"
            ) from None
    return out


def _rebuilt_index(f: Findings) -> dict[str, dict[str, Any]]:
    """The techniques index rebuilt from ``groups.parquet`` and ``members.parquet``."""

    def read(name: str) -> pa.Table:
        try:
            return f.table(name)
        except (pa.ArrowException, ValueError) as exc:
            raise VigieError(f"{f.table_path(name)}: cannot be read ({exc})") from None

    groups = read("groups")
    if not groups.num_rows:
        return {}
    members = read("members")
    try:
        return techniques_index(groups, members)
    except KeyError as exc:
        missing = exc.args[0] if exc.args else exc
        raise VigieError(
            f"{f.path}: groups.parquet or members.parquet lacks a column ({missing}); "
            "was it written by vigie detect?"
        ) from None
    except (TypeError, ValueError, pa.ArrowException) as exc:
        raise VigieError(f"{f.path}: groups.parquet has unusable values ({exc})") from None


def observed_techniques(findings: str | Path) -> dict[str, Observation]:
    """The techniques observed in a Findings folder.

    Reads the ``techniques`` index of ``manifest.json``; when it is missing (an older
    folder), rebuilds it from ``groups.parquet`` and ``members.parquet``. Groups listed in
    ``groups.parquet`` but absent from the index are merged in, so neither source is ignored.
    """
    path = Path(findings)
    if path.is_file():
        raise VigieError(f"{path}: is a file; give the Findings folder written by vigie detect")
    f = Findings(path).check()
    manifest = f.manifest()
    if not isinstance(manifest, dict):
        raise VigieError(f"{f.manifest_path}: must be a JSON object")
    raw_index = manifest.get("techniques") or {}
    if not isinstance(raw_index, dict):
        raise VigieError(
            f"{f.manifest_path}: techniques must be an object mapping DISARM ids to their groups"
        )
    index = {str(t): _index_entry(f.manifest_path, t, e) for t, e in raw_index.items()}
    for tid, entry in _rebuilt_index(f).items():
        cur = index.get(tid)
        if cur is None:
            index[tid] = entry
        else:
            index[tid] = {
                "groups": sorted(set(cur["groups"]) | set(entry["groups"])),
                "accounts": max(cur["accounts"], int(entry["accounts"])),
                "max_score": max(cur["max_score"], float(entry["max_score"])),
            }
    return {
        tid: Observation(
            technique=tid,
            groups=tuple(e["groups"]),
            accounts=e["accounts"],
            max_score=e["max_score"],
        )
        for tid, e in index.items()
    }


def _ancestors(preds: dict[str, list[str]], start: set[str]) -> set[str]:
    seen = set(start)
    todo = list(start)
    while todo:
        for p in preds.get(todo.pop(), []):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def propose(
    study: Study,
    results: Results,
    observed: dict[str, Observation],
    *,
    min_score: float = 0.5,
) -> list[Proposal]:
    """One proposal per operational scenario with at least one supported action."""
    kept = {t: o for t, o in observed.items() if o.max_score >= min_score}
    proposals: list[Proposal] = []
    for os_ in study.operational_scenarios:
        matches = []
        for a in os_.actions:
            obs = [o for t, o in sorted(kept.items()) if supports(a.technique, t)]
            if obs:
                matches.append(Match(a.id, a.technique, obs))
        if not matches:
            continue
        current = str(results.operational[os_.id].likelihood.value)
        done = _ancestors(predecessors(os_.actions), {m.action for m in matches})
        if os_.method == "express":
            modes = operating_modes(os_.actions)
            if any(set(m) <= done for m in modes):
                new = "V4"
            else:
                new = f"V{min(4, scales.level_index(current) + 1)}"
        else:
            actions = [
                a.model_copy(update={"success": 4, "difficulty": 0}) if a.id in done else a
                for a in os_.actions
            ]
            if os_.method == "standard":
                new, _ = likelihood_standard(actions, study.settings.standard.success_to_likelihood)
            else:
                new, _ = likelihood_advanced(actions, study.settings.advanced.table)
        proposed = max(current, new, key=scales.level_index)
        proposals.append(Proposal(os_.id, os_.method, current, proposed, matches))
    return proposals


def bump_version(version: str) -> str:
    """``1.3`` -> ``1.4``."""
    major, minor = version.split(".")
    return f"{major}.{int(minor) + 1}"


def accept(
    raw: dict[str, Any],
    proposals: list[Proposal],
    *,
    source: str,
    today: dt.date,
    author: str | None = None,
) -> dict[str, Any]:
    """A copy of the raw study with each *changed* proposal recorded as a forced likelihood,
    a dated note and a minor version bump. The caller re-checks and writes it."""
    changed = [p for p in proposals if p.changed]
    if not changed:
        raise VigieError("no likelihood change to accept")
    data = copy.deepcopy(raw)
    by_id = {x.get("id"): x for x in data.get("operational_scenarios", [])}
    for p in changed:
        os_ = by_id[p.scenario]
        forced = os_.setdefault("forced", {}) or {}
        os_["forced"] = forced
        entry: dict[str, Any] = {
            "value": p.proposed,
            "justification": p.justification(source),
            "date": today,
            "source": f"evidence:{source}",
        }
        if author:
            entry["author"] = author
        forced["likelihood"] = entry
    info = data["study"]
    old = str(info["version"])
    info["version"] = bump_version(old)
    note: dict[str, Any] = {
        "date": today,
        "text": (
            f"Version {info['version']}: accepted likelihood changes from findings {source}: "
            + ", ".join(f"{p.scenario} {p.current}->{p.proposed}" for p in changed)
            + "."
        ),
    }
    if author:
        note["author"] = author
    data.setdefault("notes", [])
    if data["notes"] is None:
        data["notes"] = []
    data["notes"].append(note)
    return data


@dataclass(frozen=True)
class Written:
    """Where ``accept_file`` wrote the new version, which version, and a warning if any."""

    path: Path
    version: str
    warning: str | None = None


def versioned_name(path: Path, version: str) -> Path:
    """``study.yaml`` -> ``study-v1.1.yaml``; a name already versioned is renumbered
    (``study-v1.1.yaml`` -> ``study-v1.2.yaml``), other dashes are kept (``my-vote.yaml``)."""
    stem = re.sub(r"-v\d+\.\d+$", "", path.stem)
    return path.with_name(f"{stem}-v{version}{path.suffix}")


def accept_file(
    path: Path,
    proposals: list[Proposal],
    *,
    source: str,
    today: dt.date,
    author: str | None = None,
    out: Path | None = None,
) -> Written:
    """Record the changed proposals as a new version of the study file at ``path``.

    The one way the CLI (``vigie risk evidence --accept``) and the web workbench accept
    evidence: read the study as written (not the checked model, so nothing the analyst wrote
    is normalised away), ``accept``, check the result, and write it beside the original
    (``out`` overrides) keeping a YAML study's comments and layout."""
    from vigie.risk.check import StudyError, load_raw, validate
    from vigie.risk.tables import write_study

    raw = load_raw(path)
    new = accept(raw, proposals, source=source, today=today, author=author)
    _, rep = validate(new)
    if rep.errors:
        raise StudyError("updated study", rep.errors)
    version = str(new["study"]["version"])
    target = out or versioned_name(path, version)
    original = None
    if path.suffix.lower() != ".json":  # keep the analyst's comments and layout
        original = (path.read_text(encoding="utf-8"), raw)
    warning = write_study(new, target, original=original)
    return Written(target, version, warning)
