"""Load a study file and report *every* mistake in it at once, each with its path.

Why all at once: an analyst editing a 600-line YAML file by hand should fix ten mistakes in
one pass, not run ``vigie risk check`` ten times. Two layers:

1. structure and ranges, from the pydantic models (``model.py``); pydantic's locations
   ``('stakeholders', 3, 'trust')`` become ``stakeholders[3].trust``;
2. meaning, checked on the raw data so that it runs even when the structure has errors:
   unique ids, references between sections, DISARM / ATT&CK technique ids, the inputs each
   likelihood method needs, cycles between actions, forced values (allowed name, valid value,
   justification), settings consistency, justified baseline gaps.

Problems that do not make the study wrong but deserve attention (a feared event no scenario
reaches, a retained pair without a strategic scenario …) are *warnings*.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from vigie.errors import VigieError
from vigie.json_guard import too_long
from vigie.risk import scales
from vigie.risk.model import FORCEABLE, SCHEMA_VERSION, Study

ATTACK_ID = re.compile(r"^T1\d{3}(\.\d{3})?$")
"""MITRE ATT&CK Enterprise and Mobile technique ids: T1xxx or T1xxx.yyy. DISARM ids are T0xxx."""
ATTACK_ICS_ID = re.compile(r"^T08\d{2}$")
"""MITRE ATT&CK for ICS technique ids: T0800..T0899 (DISARM's T0xxx stop well below T0800)."""


class StudyError(VigieError):
    """A study with errors: ``errors`` lists ``path: message`` strings."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = errors
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"{source}: {len(errors)} error(s)\n{lines}")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def loc_to_path(loc: tuple[Any, ...]) -> str:
    """``('stakeholders', 3, 'trust')`` → ``stakeholders[3].trust``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    inp = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling)"
    if kind == "literal_error":
        return f"{inp!r} is not one of {ctx.get('expected')}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in ("too_short",) and isinstance(inp, list | str | dict):
        return f"must not be empty ({err['msg']})"
    if kind == "string_type" and isinstance(inp, int | float) and not isinstance(inp, bool):
        # YAML reads an unquoted 1.0 as a number; the fix is not obvious from pydantic's text.
        field = err["loc"][-1] if err.get("loc") else None
        example = f'{field}: "{inp}"' if isinstance(field, str) else f'"{inp}"'
        return f"must be text, not the number {inp!r}: put it in quotes, e.g. {example}"
    return f"{err['msg']} (got {inp!r})" if not isinstance(inp, dict | list) else err["msg"]


def _bad_scalar(text: str) -> str:
    """Where PyYAML failed to build a value (a date such as 2026-13-45): ``line N: 'v' ``."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return ""
    todo = [root] if root is not None else []
    while todo:
        node = todo.pop(0)
        if isinstance(node, yaml.ScalarNode) and node.style is None:  # plain: PyYAML converts
            try:
                yaml.safe_load(node.value)
            except (ValueError, yaml.YAMLError):
                return f"line {node.start_mark.line + 1}: {node.value!r} "
        elif isinstance(node, yaml.MappingNode):
            todo.extend(v for pair in node.value for v in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
    return ""


def load_raw(path: str | Path) -> dict[str, Any]:
    """Read a study file (YAML, or JSON by extension) into plain data.

    Every way the file can be unreadable is a one-line ``VigieError`` naming the file and,
    where known, the line: the analyst edits it by hand and must see what to fix.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VigieError(f"{path}: no such study file") from None
    except IsADirectoryError:
        raise VigieError(f"{path}: is a folder, not a study file") from None
    except UnicodeDecodeError as exc:
        raise VigieError(f"{path}: not UTF-8 text ({exc})") from None
    if path.suffix.lower() != ".json":
        from vigie.yamlguard import check_yaml

        check_yaml(text, str(path))  # too deep or a "billion laughs": one line, in bounded time
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except RecursionError:
        raise VigieError(f"{path}: nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise VigieError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        if "'\\t'" in problem:  # PyYAML shows a tab as '\t'
            problem += "; indent with spaces, not tabs"
        raise VigieError(f"{path}: {where}not valid YAML ({problem})") from None
    except ValueError as exc:  # PyYAML builds dates: 2026-13-45 passes the parser, not here
        long_int = too_long(exc)  # json or PyYAML: an integer too long for Python
        if long_int is not None:
            raise VigieError(f"{path}: not a valid value ({long_int})") from None
        raise VigieError(f"{path}: {_bad_scalar(text)}is not a valid value ({exc})") from None
    if data is None:
        raise VigieError(f"{path}: is empty (start from a template: vigie risk new -t election-fr)")
    if not isinstance(data, dict):
        raise VigieError(f"{path}: a study must be a mapping at the top level")
    return data


def validate(data: dict[str, Any]) -> tuple[Study | None, Report]:
    """Check ``data`` fully; the Study is returned only when there is no error."""
    rep = Report()
    study: Study | None = None
    try:
        study = Study.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            rep.errors.append(f"{loc_to_path(e['loc'])}: {_message(e)}")
    _semantic(data, rep)
    if rep.errors:
        study = None
    return study, rep


def line_map(text: str) -> dict[str, int]:
    """``stakeholders[3].trust`` -> its 1-based line in a YAML text (empty when unparsable)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        out[path or "(root)"] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = str(k.value)
                walk(v, f"{path}.{key}" if path else key)
                out.setdefault(f"{path}.{key}" if path else key, k.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, f"{path}[{i}]")

    if root is not None:
        walk(root, "")
    return out


_LAST_SEGMENT = re.compile(r"(\.[^.\[]+|\[\d+\])$")


def with_lines(errors: list[str], lines: dict[str, int]) -> list[str]:
    """Append ``(line N)`` to each ``path: message``, using the nearest located ancestor."""
    out = []
    for e in errors:
        path = e.split(": ", 1)[0]
        probe = path
        while probe and probe not in lines:
            cut = _LAST_SEGMENT.sub("", probe)
            probe = cut if cut != probe else ""
        out.append(f"{e} (line {lines[probe]})" if probe in lines else e)
    return out


def load_study(path: str | Path) -> tuple[Study, Report]:
    """Load and check a study file; raise ``StudyError`` listing all errors (with their YAML
    line when the file is YAML)."""
    path = Path(path)
    study, rep = validate(load_raw(path))
    if study is None:
        errors = rep.errors
        if path.suffix.lower() != ".json":
            errors = with_lines(errors, line_map(path.read_text(encoding="utf-8")))
        raise StudyError(str(path), errors)
    return study, rep


# --- semantic checks on raw data ------------------------------------------------------------------


def _s(v: Any) -> str | None:
    """``v`` when it is a string, else None (raw data may hold any type at any place)."""
    return v if isinstance(v, str) else None


def _list(v: Any) -> list[Any]:
    """``v`` when it is a list, else an empty list (the wrong type is a structural error)."""
    return v if isinstance(v, list) else []


def _items(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    seq = data.get(section)
    if not isinstance(seq, list):
        return []
    return [(i, x) for i, x in enumerate(seq) if isinstance(x, dict)]


def _ids(data: dict[str, Any], section: str, rep: Report) -> set[str]:
    seen: dict[str, int] = {}
    for i, x in _items(data, section):
        oid = x.get("id")
        if not isinstance(oid, str):
            continue
        if oid in seen:
            rep.errors.append(
                f"{section}[{i}].id: {oid!r} is already used by {section}[{seen[oid]}]"
            )
        else:
            seen[oid] = i
    return set(seen)


def _refs(rep: Report, where: str, value: Any, known: set[str], what: str) -> None:
    vals = value if isinstance(value, list) else [value]
    for j, v in enumerate(vals):
        if v is None:
            continue
        if not isinstance(v, str) or v not in known:
            loc = f"{where}[{j}]" if isinstance(value, list) else where
            rep.errors.append(f"{loc}: unknown {what} {v!r}")


def technique_problem(tid: Any) -> str | None:
    """None when ``tid`` is a known DISARM id or a well-formed ATT&CK id, else the reason."""
    from vigie import disarm

    if not isinstance(tid, str):
        return f"{tid!r} is not a technique id"
    if disarm.is_technique(tid):
        return None
    if ATTACK_ID.match(tid) or ATTACK_ICS_ID.match(tid):
        return None
    if tid.startswith("T0"):
        return f"{tid!r} is not in the DISARM catalogue (nor an ATT&CK for ICS id T08xx)"
    return f"{tid!r} is neither a DISARM (T0xxx) nor an ATT&CK (T1xxx, ICS T08xx) technique id"


def _codes(data: dict[str, Any], kind: str) -> set[str]:
    """The severity (``G``) or likelihood (``V``) codes the study may use."""
    s = data.get("settings")
    sc = s.get("scales") if isinstance(s, dict) else None
    own = sc.get(kind) if isinstance(sc, dict) else None
    if isinstance(own, dict) and own:
        return {str(k) for k in own}
    if kind == "severity":
        return set(scales.SEVERITIES)
    return {"V0", *scales.LIKELIHOODS}


def _check_forced(
    rep: Report, section: str, i: int, x: dict[str, Any], data: dict[str, Any] | None = None
) -> None:
    forced = x.get("forced")
    if forced is None:
        return
    if not isinstance(forced, dict):
        return  # structural error already reported
    allowed = FORCEABLE[section]
    for name, f in forced.items():
        where = f"{section}[{i}].forced.{name}"
        if name not in allowed:
            rep.errors.append(f"{where}: cannot be forced here (allowed: {', '.join(allowed)})")
            continue
        if not isinstance(f, dict):
            continue
        v = f.get("value")
        ok = True
        if name == "relevance":
            ok = v in scales.RELEVANCE
        elif name in ("threat", "residual_threat"):
            ok = isinstance(v, int | float) and not isinstance(v, bool) and v > 0
        elif name == "severity":
            ok = v in _codes(data or {}, "severity")
        elif name == "likelihood":
            ok = v in _codes(data or {}, "likelihood") | {"V0"}
        elif name in ("level", "residual_level"):
            ok = v in scales.RISK_LEVEL
        if not ok:
            rep.errors.append(f"{where}.value: {v!r} is not a valid {name}")


def _check_settings(data: dict[str, Any], rep: Report) -> None:
    s = data.get("settings")
    if not isinstance(s, dict):
        return
    z = s.get("threat_zones")
    if isinstance(z, dict):
        d = {**scales.DEFAULT_ZONES, **z}
        vals = [d.get(k) for k in ("danger", "control", "watch")]
        if all(isinstance(v, int | float) for v in vals) and not vals[0] > vals[1] > vals[2]:
            rep.errors.append(
                "settings.threat_zones: thresholds must decrease: danger > control > watch"
            )
    r = s.get("relevance")
    if isinstance(r, dict):
        t = r.get("thresholds")
        numeric = isinstance(t, list) and len(t) == 2
        if numeric and all(isinstance(v, int | float) for v in t) and not t[0] < t[1]:
            rep.errors.append("settings.relevance.thresholds: the first must be below the second")
        g = r.get("grid")
        if g is not None and not _grid_ok(g, 4, 4, 1, 4):
            rep.errors.append(
                "settings.relevance.grid: must be 4 rows (motivation 1..4) of 4 values "
                "(resources 1..4), each 1..4"
            )
        if g is not None and r.get("rule", "grid") != "grid":
            rep.errors.append("settings.relevance.grid: is only used with rule 'grid'")
    adv = s.get("advanced")
    if (
        isinstance(adv, dict)
        and adv.get("table") is not None
        and not _grid_ok(adv["table"], 5, 5, 0, 4)
    ):
        rep.errors.append(
            "settings.advanced.table: must be 5 rows (success 0..4) of 5 values "
            "(difficulty 0..4), each 0..4 (0 = V0, implausible)"
        )
    sc = s.get("scales")
    if isinstance(sc, dict):
        for kind, letter, lo in (("severity", "G", 1), ("likelihood", "V", 0)):
            own = sc.get(kind)
            if not isinstance(own, dict) or not own:
                continue
            bad = [k for k in own if not re.fullmatch(letter + r"[0-5]", str(k))]
            if bad:
                rep.errors.append(
                    f"settings.scales.{kind}.{bad[0]}: codes are {letter}{lo}, {letter}{lo + 1} …"
                )
                continue
            nums = sorted(int(str(k)[1:]) for k in own)
            first = 0 if (kind == "likelihood" and nums[0] == 0) else 1
            if nums != list(range(first, first + len(nums))) or nums[0] < lo:
                rep.errors.append(
                    f"settings.scales.{kind}: levels must follow each other from "
                    f"{letter}{max(lo, first)} (got {', '.join(letter + str(n) for n in nums)})"
                )
    grid = s.get("risk_grid")
    if isinstance(grid, dict):
        sev = sorted(_codes(data, "severity"))
        liks = sorted(_codes(data, "likelihood") - {"V0"})
        for lik in liks:
            if lik not in grid:
                rep.errors.append(f"settings.risk_grid: row {lik} is missing")
        for lik, row in grid.items():
            if lik not in _codes(data, "likelihood"):
                rep.errors.append(f"settings.risk_grid.{lik}: not a likelihood level of the study")
            elif isinstance(row, list) and len(row) != len(sev):
                rep.errors.append(
                    f"settings.risk_grid.{lik}: needs {len(sev)} levels, one per severity "
                    f"({', '.join(sev)}); got {len(row)}"
                )
    std = s.get("standard")
    if isinstance(std, dict) and isinstance(std.get("success_to_likelihood"), dict):
        keys = {int(k) for k in std["success_to_likelihood"] if str(k).isdigit()}
        if keys != {0, 1, 2, 3, 4}:
            rep.errors.append(
                "settings.standard.success_to_likelihood: must map each of 0..4 to V1..V4"
            )


def _grid_ok(t: Any, rows: int, cols: int, lo: int, hi: int) -> bool:
    return (
        isinstance(t, list)
        and len(t) == rows
        and all(isinstance(row, list) and len(row) == cols for row in t)
        and all(
            isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi
            for row in t
            for v in row
        )
    )


def _check_actions(rep: Report, i: int, os_: dict[str, Any]) -> None:
    method = os_.get("method")
    base = f"operational_scenarios[{i}]"
    if method == "express" and os_.get("likelihood") is None:
        rep.errors.append(f"{base}.likelihood: is required with the express method")
    if method in ("standard", "advanced") and not _list(os_.get("actions")):
        rep.errors.append(
            f"{base}.actions: the {method} method needs at least one action "
            "(only an express scenario may have none)"
        )
    acts = [(j, a) for j, a in enumerate(_list(os_.get("actions"))) if isinstance(a, dict)]
    ids: dict[str, int] = {}
    for j, a in acts:
        aid = a.get("id")
        if isinstance(aid, str):
            if aid in ids:
                rep.errors.append(f"{base}.actions[{j}].id: {aid!r} is already used")
            ids.setdefault(aid, j)
        if a.get("join") == "and" and len(_list(a.get("after"))) < 2:
            rep.errors.append(
                f"{base}.actions[{j}].join: 'and' needs at least two actions under 'after'"
            )
        tid = a.get("technique")
        prob = technique_problem(tid) if tid is not None else None
        if prob:
            rep.errors.append(f"{base}.actions[{j}].technique: {prob}")
        if method in ("standard", "advanced") and a.get("success") is None:
            rep.errors.append(f"{base}.actions[{j}].success: is required with the {method} method")
        if method == "advanced" and a.get("difficulty") is None:
            rep.errors.append(
                f"{base}.actions[{j}].difficulty: is required with the advanced method"
            )
    # references and cycles in 'after'
    preds: dict[str, list[str]] = {}
    prev: str | None = None
    for j, a in acts:
        aid = a.get("id")
        after = a.get("after")
        if isinstance(after, list):
            _refs(rep, f"{base}.actions[{j}].after", after, set(ids), "action")
            ps = [p for p in after if _s(p) in ids]
        else:
            ps = [prev] if prev else []
        if isinstance(aid, str):
            preds[aid] = ps
            prev = aid
    state: dict[str, int] = {}

    def visit(n: str) -> bool:
        if state.get(n) == 1:
            return True
        if state.get(n) == 2:
            return False
        state[n] = 1
        cyc = any(visit(p) for p in preds.get(n, []))
        state[n] = 2
        return cyc

    if any(visit(n) for n in list(preds)):
        rep.errors.append(f"{base}.actions: the 'after' links form a cycle")


def _semantic(data: dict[str, Any], rep: Report) -> None:
    missions = _ids(data, "missions", rep)
    bvs = _ids(data, "business_values", rep)
    _ids(data, "supporting_assets", rep)
    fes = _ids(data, "feared_events", rep)
    _ids(data, "baseline", rep)
    sources = _ids(data, "risk_sources", rep)
    pairs = _ids(data, "risk_pairs", rep)
    shs = _ids(data, "stakeholders", rep)
    sss = _ids(data, "strategic_scenarios", rep)
    oss = _ids(data, "operational_scenarios", rep)
    measures = _ids(data, "measures", rep)
    _ids(data, "risks", rep)
    _check_settings(data, rep)
    sv = data.get("schema_version")
    major = SCHEMA_VERSION.split(".")[0]
    if isinstance(sv, str) and sv.split(".")[0] != major:
        rep.errors.append(f"schema_version: {sv!r} is not supported (this vigie reads {major}.x)")

    for i, x in _items(data, "business_values"):
        _refs(rep, f"business_values[{i}].missions", _list(x.get("missions")), missions, "mission")
    for i, x in _items(data, "supporting_assets"):
        _refs(
            rep,
            f"supporting_assets[{i}].business_values",
            _list(x.get("business_values")),
            bvs,
            "business value",
        )
    sev_codes = _codes(data, "severity")
    lik_codes = _codes(data, "likelihood") | {"V0"}
    for i, x in _items(data, "feared_events"):
        sev = x.get("severity")
        if isinstance(sev, str) and sev not in sev_codes and sev in ("G1", "G2", "G3", "G4", "G5"):
            rep.errors.append(
                f"feared_events[{i}].severity: {sev!r} is not a level of the study's severity "
                f"scale ({', '.join(sorted(sev_codes))}; declare it under settings.scales)"
            )
        if isinstance(x.get("business_values"), list):
            _refs(
                rep,
                f"feared_events[{i}].business_values",
                x["business_values"],
                bvs,
                "business value",
            )
    for i, x in _items(data, "baseline"):
        if _s(x.get("status")) in ("applied_with_restrictions", "not_applied") and not x.get(
            "gaps"
        ):
            rep.errors.append(
                f"baseline[{i}].gaps: a status {x['status']!r} needs its gaps listed and justified"
            )
    retained: set[str] = set()
    for i, x in _items(data, "risk_pairs"):
        if "source" in x:
            _refs(rep, f"risk_pairs[{i}].source", x["source"], sources, "risk source")
        if x.get("retained") is True and isinstance(x.get("id"), str):
            retained.add(x["id"])
        _check_forced(rep, "risk_pairs", i, x)
    ratings = ("dependency", "penetration", "maturity", "trust")
    for i, x in _items(data, "stakeholders"):
        given = [r for r in ratings if x.get(r) is not None]
        if given and len(given) < 4:
            missing = [r for r in ratings if r not in given]
            rep.errors.append(
                f"stakeholders[{i}].{missing[0]}: rate all four of {', '.join(ratings)} "
                "or none (an unrated stakeholder is listed without a threat level)"
            )
        if not given and x.get("residual"):
            rep.errors.append(f"stakeholders[{i}].residual: the stakeholder has no initial ratings")
        _check_forced(rep, "stakeholders", i, x)
    ss_paths: dict[str, set[str]] = {}
    ss_with_pair: set[str] = set()
    for i, x in _items(data, "strategic_scenarios"):
        if "pair" in x:
            _refs(rep, f"strategic_scenarios[{i}].pair", x["pair"], pairs, "risk pair")
            if _s(x["pair"]) in pairs and x["pair"] not in retained:
                rep.errors.append(
                    f"strategic_scenarios[{i}].pair: {x['pair']!r} is not a retained pair"
                )
            if isinstance(x["pair"], str):
                ss_with_pair.add(x["pair"])
        if isinstance(x.get("feared_events"), list):
            _refs(
                rep,
                f"strategic_scenarios[{i}].feared_events",
                x["feared_events"],
                fes,
                "feared event",
            )
        seen_paths: set[str] = set()
        for j, p in enumerate(_list(x.get("paths"))):
            if not isinstance(p, dict):
                continue
            if isinstance(p.get("id"), str):
                if p["id"] in seen_paths:
                    rep.errors.append(
                        f"strategic_scenarios[{i}].paths[{j}].id: {p['id']!r} is already used"
                    )
                seen_paths.add(p["id"])
            if isinstance(p.get("stakeholders"), list):
                _refs(
                    rep,
                    f"strategic_scenarios[{i}].paths[{j}].stakeholders",
                    p["stakeholders"],
                    shs,
                    "stakeholder",
                )
        if isinstance(x.get("id"), str):
            ss_paths[x["id"]] = seen_paths
        _check_forced(rep, "strategic_scenarios", i, x, data)
    detailed: set[str] = set()
    for i, x in _items(data, "operational_scenarios"):
        ss = x.get("strategic_scenario")
        if ss is not None:
            _refs(
                rep, f"operational_scenarios[{i}].strategic_scenario", ss, sss, "strategic scenario"
            )
            if isinstance(ss, str):
                detailed.add(ss)
        if isinstance(x.get("paths"), list) and _s(ss) in ss_paths:
            _refs(
                rep,
                f"operational_scenarios[{i}].paths",
                x["paths"],
                ss_paths[ss],
                f"attack path of {ss}",
            )
        _check_actions(rep, i, x)
        lik = x.get("likelihood")
        if isinstance(lik, str) and lik.startswith("V") and lik not in lik_codes:
            rep.errors.append(
                f"operational_scenarios[{i}].likelihood: {lik!r} is not a level of the study's "
                "likelihood scale"
            )
        _check_forced(rep, "operational_scenarios", i, x, data)
    for i, x in _items(data, "measures"):
        if isinstance(x.get("stakeholders"), list):
            _refs(rep, f"measures[{i}].stakeholders", x["stakeholders"], shs, "stakeholder")
        if not x.get("owner") and not x.get("owners"):
            rep.errors.append(f"measures[{i}].owner: is required (or list several under owners)")
        if x.get("deadline") is not None and x.get("deadline_months") is not None:
            rep.errors.append(
                f"measures[{i}].deadline_months: give a deadline as a date or in months, not both"
            )
        for j, ref in enumerate(_list(x.get("attack_paths"))):
            if not isinstance(ref, dict):
                continue
            sc, pa = _s(ref.get("scenario")), _s(ref.get("path"))
            where = f"measures[{i}].attack_paths[{j}]"
            if sc is not None and sc not in sss:
                rep.errors.append(f"{where}.scenario: unknown strategic scenario {sc!r}")
            elif sc is not None and pa is not None and pa not in ss_paths.get(sc, set()):
                rep.errors.append(f"{where}.path: unknown attack path {pa!r} of {sc}")
    risked: set[str] = set()
    for i, x in _items(data, "risks"):
        if "operational_scenario" in x:
            _refs(
                rep,
                f"risks[{i}].operational_scenario",
                x["operational_scenario"],
                oss,
                "operational scenario",
            )
            if isinstance(x["operational_scenario"], str):
                risked.add(x["operational_scenario"])
        if isinstance(x.get("measures"), list):
            _refs(rep, f"risks[{i}].measures", x["measures"], measures, "measure")
        res_ = x.get("residual")
        if isinstance(res_, dict):
            rs = res_.get("severity")
            if isinstance(rs, str) and rs in ("G1", "G2", "G3", "G4", "G5") and rs not in sev_codes:
                rep.errors.append(
                    f"risks[{i}].residual.severity: {rs!r} is not a level of the study's "
                    "severity scale"
                )
        if x.get("strategy") == "reduce" and not x.get("measures"):
            rep.warnings.append(f"risks[{i}].measures: strategy 'reduce' without any measure")
        _check_forced(rep, "risks", i, x, data)

    # warnings: residual ecosystem ratings that no measure justifies
    measured = {
        sid
        for _, m in _items(data, "measures")
        for sid in _list(m.get("stakeholders"))
        if isinstance(sid, str)
    }
    for i, x in _items(data, "stakeholders"):
        if x.get("residual") and _s(x.get("id")) and x["id"] not in measured:
            rep.warnings.append(
                f"stakeholders[{i}].residual: no measure lists {x.get('id')!r} under stakeholders"
            )
    # warnings: gaps in the chain feared event -> scenario -> risk
    covered = {
        f
        for _, x in _items(data, "strategic_scenarios")
        for f in _list(x.get("feared_events"))
        if isinstance(f, str)
    }
    for i, x in _items(data, "feared_events"):
        if _s(x.get("id")) in fes and x["id"] not in covered:
            rep.warnings.append(
                f"feared_events[{i}]: {x['id']!r} is reached by no strategic scenario"
            )
    for i, x in _items(data, "risk_pairs"):
        if _s(x.get("id")) in retained and x["id"] not in ss_with_pair:
            rep.warnings.append(
                f"risk_pairs[{i}]: retained pair {x['id']!r} has no strategic scenario"
            )
    for i, x in _items(data, "strategic_scenarios"):
        if _s(x.get("id")) in sss and x["id"] not in detailed:
            rep.warnings.append(
                f"strategic_scenarios[{i}]: {x['id']!r} has no operational scenario"
            )
    for i, x in _items(data, "operational_scenarios"):
        if _s(x.get("id")) in oss and x["id"] not in risked:
            rep.warnings.append(f"operational_scenarios[{i}]: {x['id']!r} has no entry under risks")
