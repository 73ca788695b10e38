"""The EBIOS RM guide's worked example (a vaccine manufacturer), shipped as a template.

The template is a reconstruction (its header says which values are vigie's and which are the
guide's). The guide's own result it must reproduce: R1, a competitor stealing research work,
comes out V3 and "Élevé" with the guide's grids. The test also shows *why* vigie got V2
before: with vigie's earlier elementary-likelihood table, the same ratings give V2.
"""

from __future__ import annotations

import yaml

from vigie.risk import scales
from vigie.risk.check import validate
from vigie.risk.compute import compute
from vigie.risk.templates import template_text, write_template

from .helpers import run_cli

# vigie's advanced table before the guide's grid (no 0 cells; 9 of 25 cells differ)
OLD_TABLE = [
    [1, 1, 1, 1, 1],
    [2, 1, 1, 1, 1],
    [3, 2, 2, 1, 1],
    [4, 3, 3, 2, 1],
    [4, 4, 3, 3, 2],
]


def _study(**settings):
    data = yaml.safe_load(template_text("guide-example"))
    if settings:
        data["settings"] = settings
    study, rep = validate(data)
    assert study is not None, rep.errors
    return study, rep


def test_guide_example_checks_clean() -> None:
    study, rep = _study()
    assert rep.errors == [] and rep.warnings == []
    assert study.study.lang == "fr"


def test_r1_is_v3_high_with_the_guides_grid() -> None:
    study, _ = _study()
    res = compute(study)
    r1 = res.risks["R1"]
    assert (r1.severity, r1.likelihood, r1.level.value) == ("G3", "V3", "high")
    assert scales.label(scales.RISK_LEVEL, r1.level.value, "fr") == "Élevé"
    # the easiest operating mode goes through the spear-phishing action A2 (2 x 1 -> V3)
    assert res.operational["OS1"].easiest_mode == ["A1", "A2", "A4", "A5"]
    # with vigie's earlier table the same ratings gave V2 / moderate (issue 15)
    old = compute(_study(advanced={"table": OLD_TABLE})[0]).risks["R1"]
    assert (old.likelihood, old.level.value) == ("V2", "moderate")
    differing = sum(
        OLD_TABLE[s][d] != scales.DEFAULT_ADVANCED_TABLE[s][d] for s in range(5) for d in range(5)
    )
    assert differing == 9


def test_other_values_follow_the_rules() -> None:
    res = compute(_study()[0])
    # relevance, guide's grid: (3, 4) -> P4; (3, 3) -> P3; (3, 2) -> P3
    assert [res.pairs[p].relevance.value for p in ("RP1", "RP2", "RP3")] == ["P4", "P3", "P3"]
    # threat = dependency x penetration / (maturity x trust)
    assert res.stakeholders["SH1"].threat.value == 2.25  # 3*3/(2*2): control
    assert res.stakeholders["SH2"].threat.value == 2.0  # 3*4/(2*3): control
    assert res.stakeholders["SH2"].residual_threat.value == 1.3333  # 12/9
    assert round(res.stakeholders["SH3"].threat.value, 4) == 0.6667  # 6/9: watch
    assert [res.stakeholders[s].zone for s in ("SH1", "SH2", "SH3", "SH5")] == [
        "control", "control", "watch", "unrated"
    ]  # fmt: skip
    # OS2: AND junction B4 needs B2 (V2) and B3 (1 x 3 -> V1): V1; severity G4 -> moderate
    assert res.operational["OS2"].likelihood.value == "V1"
    assert res.risks["R2"].level.value == "moderate"
    # OS3: express, no actions
    assert (res.risks["R3"].likelihood, res.risks["R3"].level.value) == ("V2", "moderate")
    assert res.risks["R1"].residual_level.value == "moderate"  # V2 x G3


def test_cli_new_writes_the_guide_example(tmp_path) -> None:
    out = tmp_path / "etude.yaml"
    assert run_cli(["risk", "new", "--template", "guide-example", "--out", str(out)]) == 0
    assert "RECONSTITUÉ" in out.read_text(encoding="utf-8")
    write_template("guide-example", tmp_path / "etude.json")
    assert run_cli(["risk", "check", str(tmp_path / "etude.json")]) == 0


def test_report_shows_the_new_format_elements() -> None:
    from vigie.risk.report_html import render

    study, _ = _study()
    html = render(study, compute(study))
    assert "Fiche de risque résiduel — R1" in html  # the residual-risk sheet
    assert "En attente de décision — Directeur général" in html  # its acceptance block
    assert "RSSI, Direction des ressources humaines" in html  # several owners
    assert "6 mois" in html and "En cours" in html  # deadline in months, status
    assert "SS1/P1" in html  # ecosystem measure tied to an attack path
    assert "T0836 (ATT&amp;CK for ICS)" in html
    assert "Régulateur" in html and "None" not in html  # unrated stakeholder of a new category
