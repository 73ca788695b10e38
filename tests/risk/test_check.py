"""Error messages: every error at once, each named by its path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from vigie.cli import main
from vigie.errors import VigieError
from vigie.risk.check import StudyError, load_study, loc_to_path, technique_problem, validate
from vigie.risk.compute import compute

from .helpers import study_data


def test_loc_to_path() -> None:
    assert loc_to_path(("stakeholders", 3, "trust")) == "stakeholders[3].trust"
    assert loc_to_path(("study", "marking")) == "study.marking"
    assert loc_to_path(()) == "(root)"


def test_clean_study_has_no_error() -> None:
    study, rep = validate(study_data())
    assert study is not None
    assert rep.errors == []


def _broken() -> dict:
    data = study_data()
    data["stakeholders"].extend(
        [
            {"id": "SH3", "name": "x", "category": "partner", "dependency": 1,
             "penetration": 1, "maturity": 1, "trust": 1},
            {"id": "SH4", "name": "y", "category": "vendor", "dependency": 1,
             "penetration": 0, "maturity": 1, "trust": 5, "penetraton": 2},
        ]
    )  # fmt: skip
    data["feared_events"][0]["severity"] = "G5"
    data["strategic_scenarios"][0]["paths"][0]["stakeholders"] = ["SH1", "SH9"]
    data["operational_scenarios"][0]["actions"][1]["technique"] = "T0999"
    data["operational_scenarios"][0]["actions"][2]["after"] = ["A9"]
    data["risks"][0]["forced"] = {"level": {"value": "extreme", "justification": ""}}
    data["study"]["marking"] = "SECRET"
    data["study"]["version"] = "1"
    return data


def test_all_errors_are_listed_at_once_with_their_paths() -> None:
    study, rep = validate(_broken())
    assert study is None
    expected = [
        "stakeholders[3].trust: 5 is outside 1..4",
        "stakeholders[3].penetration: 0 is outside 1..4",
        "stakeholders[3].penetraton: unknown field (check the spelling)",
        # G5 exists only where the study declares it (settings.scales.severity)
        "feared_events[0].severity: 'G5' is not a level of the study's severity scale",
        "strategic_scenarios[0].paths[0].stakeholders[1]: unknown stakeholder 'SH9'",
        "operational_scenarios[0].actions[1].technique: 'T0999' is not in the DISARM catalogue",
        "operational_scenarios[0].actions[2].after[0]: unknown action 'A9'",
        "risks[0].forced.level.value: 'extreme' is not a valid level",
        "risks[0].forced.level.justification:",
        "study.marking: 'SECRET' is not one of",
        "study.version: '1' is not a version x.y",
    ]
    for e in expected:
        assert any(msg.startswith(e) for msg in rep.errors), (e, rep.errors)


def test_semantic_rules() -> None:
    data = study_data()
    os_ = data["operational_scenarios"][0]
    os_["method"] = "advanced"  # difficulty now missing everywhere
    del os_["actions"][0]["success"]
    data["operational_scenarios"].append(
        {"id": "OS2", "name": "x", "strategic_scenario": "SS1", "method": "express",
         "actions": [{"id": "A1", "phase": "know", "description": "d", "technique": "T1566"},
                     {"id": "A2", "phase": "find", "description": "d", "technique": "T0049",
                      "after": ["A3"]},
                     {"id": "A3", "phase": "find", "description": "d", "technique": "T0049",
                      "after": ["A2"]}]}
    )  # fmt: skip
    data["risk_pairs"].append(dict(data["risk_pairs"][0], retained=False))
    data["baseline"] = [{"id": "B1", "name": "ANSSI guide", "status": "not_applied"}]
    data["stakeholders"][0]["forced"] = {"zone": {"value": "x", "justification": "j"}}
    data["settings"] = {"threat_zones": {"danger": 0.5}}
    data["schema_version"] = "2.0"
    data["measures"][0]["stakeholders"] = []
    _, rep = validate(data)
    errs = "\n".join(rep.errors)
    assert (
        "operational_scenarios[0].actions[0].success: is required with the advanced method" in errs
    )
    assert (
        "operational_scenarios[0].actions[1].difficulty: is required with the advanced method"
        in errs
    )
    assert "operational_scenarios[1].likelihood: is required with the express method" in errs
    assert "operational_scenarios[1].actions: the 'after' links form a cycle" in errs
    assert "risk_pairs[1].id: 'RP1' is already used by risk_pairs[0]" in errs
    assert "baseline[0].gaps: a status 'not_applied' needs its gaps listed and justified" in errs
    assert (
        "stakeholders[0].forced.zone: cannot be forced here (allowed: threat, residual_threat)"
        in errs
    )
    assert "settings.threat_zones: thresholds must decrease" in errs
    assert "schema_version: '2.0' is not supported (this vigie reads 1.x)" in errs
    assert "stakeholders[0].residual: no measure lists 'SH1' under stakeholders" in rep.warnings
    # ATT&CK ids are accepted as such
    assert not any(
        "actions[0].technique" in e and "operational_scenarios[1]" in e for e in rep.errors
    )


def test_technique_ids() -> None:
    assert technique_problem("T0049.003") is None
    assert technique_problem("T1566.002") is None
    assert "DISARM catalogue" in technique_problem("T0049.999")
    assert "neither" in technique_problem("X12")


def test_warnings_do_not_fail() -> None:
    data = study_data()
    data["feared_events"].append(
        {"id": "FE3", "name": "n", "business_values": ["BV1"], "severity": "G1"}
    )
    study, rep = validate(data)
    assert study is not None
    assert rep.warnings == ["feared_events[2]: 'FE3' is reached by no strategic scenario"]


def test_files_yaml_json_and_syntax_errors(tmp_path: Path) -> None:
    y = tmp_path / "s.yaml"
    y.write_text(yaml.safe_dump(study_data()), encoding="utf-8")
    j = tmp_path / "s.json"
    j.write_text(json.dumps(study_data()), encoding="utf-8")
    assert load_study(y)[0].study.id == load_study(j)[0].study.id == "t"
    bad = tmp_path / "bad.yaml"
    bad.write_text("study:\n  id: [unclosed\n", encoding="utf-8")
    with pytest.raises(VigieError, match=r"bad.yaml: line \d+: not valid YAML"):
        load_study(bad)
    with pytest.raises(VigieError, match="no such study file"):
        load_study(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(_broken()), encoding="utf-8")
    with pytest.raises(StudyError) as exc:
        load_study(broken)
    assert len(exc.value.errors) >= 11  # a 'vendor' category is no longer an error


def test_cli_check_lists_all_errors_and_exits_2(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(_broken()), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["risk", "check", str(broken)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "stakeholders[3].trust: 5 is outside 1..4 (line " in err
    assert "strategic_scenarios[0].paths[0].stakeholders[1]: unknown stakeholder 'SH9'" in err
    assert "Traceback" not in err


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def test_any_wrong_type_anywhere_is_an_error_never_a_crash() -> None:
    import copy

    base = study_data()
    n = 0
    for path in list(_paths(base))[1:]:
        for bad in ([1], {"a": 1}, None, 7, "x"):
            data = copy.deepcopy(base)
            node = data
            for p in path[:-1]:
                node = node[p]
            node[path[-1]] = bad
            study, rep = validate(data)  # must not raise
            if study is not None:
                compute(study)  # a study that checks clean always computes
            else:
                assert rep.errors and all(": " in e for e in rep.errors)
                n += 1
    assert n > 100  # most substitutions are caught


def test_errors_carry_their_yaml_line(tmp_path: Path) -> None:
    from vigie.risk.templates import template_text

    text = template_text("election-en")
    lines = text.splitlines()
    i = lines.index("    trust: 2")  # the first stakeholder's trust
    lines[i] = "    trust: 9"
    j = next(k for k, line in enumerate(lines) if "stakeholders: [SH1, SH4]" in line)
    lines[j] = lines[j].replace("SH4", "SH44")
    study = tmp_path / "s.yaml"
    study.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(StudyError) as exc:
        load_study(study)
    assert f"stakeholders[0].trust: 9 is outside 1..4 (line {i + 1})" in exc.value.errors
    assert (
        f"strategic_scenarios[0].paths[1].stakeholders[1]: unknown stakeholder 'SH44' "
        f"(line {j + 1})" in exc.value.errors
    )


def test_unquoted_version_says_to_quote_it_with_its_line(tmp_path: Path, capsys) -> None:
    from vigie.risk.templates import template_text

    lines = template_text("election-en").splitlines()
    i = lines.index('schema_version: "1.0"')
    lines[i] = "schema_version: 1.0"
    j = lines.index('  version: "1.0"')
    lines[j] = "  version: 2"
    study = tmp_path / "s.yaml"
    study.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(StudyError) as exc:
        load_study(study)
    assert exc.value.errors == [
        "schema_version: must be text, not the number 1.0: put it in quotes, "
        f'e.g. schema_version: "1.0" (line {i + 1})',
        f'study.version: must be text, not the number 2: put it in quotes, e.g. version: "2" '
        f"(line {j + 1})",
    ]
    data = study_data()
    data["study"]["authors"] = [3]  # a list item: no field name to show
    assert validate(data)[1].errors == [
        'study.authors[0]: must be text, not the number 3: put it in quotes, e.g. "3"'
    ]
    with pytest.raises(SystemExit) as code:
        main(["risk", "check", str(study)])
    assert code.value.code == 2
    err = capsys.readouterr().err
    assert 'schema_version: "1.0"' in err and "Traceback" not in err
