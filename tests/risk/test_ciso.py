"""CISO Assistant interoperability: vigie study -> CISO Assistant workbook -> vigie study keeps
every concept both tools have; a workbook shaped as CISO Assistant writes it imports with the
values its cells mean; bad workbooks fail with one error per bad cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from vigie.cli import main
from vigie.errors import VigieError
from vigie.risk import ciso_format as cf
from vigie.risk.check import StudyError, validate
from vigie.risk.ciso_export import write_ciso
from vigie.risk.ciso_import import read_ciso
from vigie.risk.compute import compute, operating_modes
from vigie.risk.model import Study
from vigie.risk.templates import TEMPLATES, template_text

from .helpers import study_data


def _study(name: str) -> Study:
    s, rep = validate(yaml.safe_load(template_text(name)))
    assert s is not None, rep.errors
    return s


def _round_trip(s: Study, tmp_path: Path) -> tuple[Study, list[str], list[str]]:
    path, out_notes = write_ciso(s, compute(s), tmp_path / "ciso.xlsx")
    data, in_notes = read_ciso(path)
    back, rep = validate(data)
    assert back is not None, rep.errors
    return back, out_notes, in_notes


def _modes(os_: Any) -> set[tuple[tuple[str, str, str | None], ...]]:
    acts = {a.id: a for a in os_.actions}
    return {
        tuple((acts[a].description, acts[a].phase, acts[a].technique) for a in m)
        for m in operating_modes(os_.actions)
    }


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_round_trip_keeps_every_shared_concept(name: str, tmp_path: Path) -> None:
    s = _study(name)
    b, _, _ = _round_trip(s, tmp_path)
    ra, rb = compute(s), compute(b)
    # study
    assert (b.study.id, b.study.title, b.study.version, b.study.scope, b.study.lang) == (
        s.study.id, s.study.title, s.study.version, s.study.scope, s.study.lang)  # fmt: skip
    # workshop 1: business values (primary assets), supporting assets, feared events, baseline
    assert [(x.id, x.name) for x in b.business_values] == [
        (x.id, x.name) for x in s.business_values
    ]
    assert [(x.id, x.name, x.business_values[:1]) for x in b.supporting_assets] == [
        (x.id, x.name, x.business_values[:1]) for x in s.supporting_assets
    ]
    assert [(f.id, f.name, f.severity, f.impacts, f.business_values) for f in b.feared_events] == [
        (f.id, f.name, f.severity, f.impacts, f.business_values) for f in s.feared_events
    ]
    assert [(x.id, x.name, x.status, [(g.description, g.justification) for g in x.gaps])
            for x in b.baseline] == [
        (x.id, x.name, x.status, [(g.description, g.justification) for g in x.gaps])
        for x in s.baseline
    ]  # fmt: skip
    # workshop 2: pairs by (source name, objective), ratings, choice, relevance
    src_a = {x.id: x.name for x in s.risk_sources}
    src_b = {x.id: x.name for x in b.risk_sources}

    def pairs(st: Study, src: dict, res: Any) -> dict:
        return {
            (src[p.source], p.objective): (p.motivation, p.resources, p.activity, p.retained,
                                           p.justification, res.pairs[p.id].relevance.value)
            for p in st.risk_pairs
        }  # fmt: skip

    assert pairs(b, src_b, rb) == pairs(s, src_a, ra)

    # workshop 3: stakeholders by name; threat (initial and residual) recomputed the same
    def sh(st: Study, res: Any) -> dict:
        return {
            x.name: (x.category, x.critical, x.description, x.dependency, x.penetration,
                     x.maturity, x.trust, res.stakeholders[x.id].threat.value,
                     res.stakeholders[x.id].residual_threat.value)
            for x in st.stakeholders
        }  # fmt: skip

    assert sh(b, rb) == sh(s, ra)
    sh_a = {x.id: x.name for x in s.stakeholders}
    sh_b = {x.id: x.name for x in b.stakeholders}
    pair_a = {p.id: (src_a[p.source], p.objective) for p in s.risk_pairs}
    pair_b = {p.id: (src_b[p.source], p.objective) for p in b.risk_pairs}
    for x, y in zip(s.strategic_scenarios, b.strategic_scenarios, strict=True):
        assert (y.id, y.name, y.description, pair_b[y.pair]) == (
            x.id, x.name, x.description, pair_a[x.pair])  # fmt: skip
        # CISO Assistant links feared events to the pair: equal here (one scenario per pair)
        assert set(y.feared_events) == set(x.feared_events)
        assert rb.strategic[y.id].severity.value == ra.strategic[x.id].severity.value
        assert [(p.id, p.description, [sh_b[i] for i in p.stakeholders]) for p in y.paths] == [
            (p.id, p.description, [sh_a[i] for i in p.stakeholders]) for p in x.paths
        ]
    # ecosystem measures
    assert [(m.id, m.name, m.status, [sh_b[i] for i in m.stakeholders]) for m in b.measures] == [
        (m.id, m.name, m.status, [sh_a[i] for i in m.stakeholders])
        for m in s.measures
        if m.stakeholders
    ]

    # workshop 4: same scenarios (by strategic scenario and paths covered), same retained
    # likelihood, same operating modes (actions' description, phase, technique)
    def ops(st: Study, res: Any) -> dict:
        ss = {x.id: x for x in st.strategic_scenarios}
        out = {}
        for o in st.operational_scenarios:
            paths = frozenset(o.paths or [p.id for p in ss[o.strategic_scenario].paths])
            out[(o.id, o.strategic_scenario, paths)] = (
                o.description,
                res.operational[o.id].likelihood.value,
                _modes(o),
            )
        return out  # fmt: skip

    assert ops(b, rb) == ops(s, ra)


def test_round_trip_reports_what_cannot_cross(tmp_path: Path) -> None:
    s = _study("election-en")
    b, out_notes, in_notes = _round_trip(s, tmp_path)
    assert any("9 risk(s)" in n for n in out_notes)
    assert any("6 measure(s) not on a stakeholder (M1, M4, M6, M9, M12, M15)" in n
               for n in out_notes)  # fmt: skip
    assert b.risks == [] and len(b.measures) == 9
    assert any("9 measure owners" in n for n in in_notes)
    assert {o.method for o in b.operational_scenarios} == {"express"}
    assert b.study.marking == "TLP:AMBER"  # CISO Assistant has no marking: the default
    assert all(x.owner == "to be named" for x in b.business_values)


def test_forced_likelihood_travels_with_its_justification(tmp_path: Path) -> None:
    d = study_data()
    d["operational_scenarios"][0]["forced"] = {
        "likelihood": {"value": "V4", "justification": "seen in the wild"}
    }
    s, _ = validate(d)
    path, _ = write_ciso(s, compute(s), tmp_path / "c.xlsx")
    ws = load_workbook(path)[cf.SHEETS["operational_scenarios"]]
    row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    assert row["likelihood"] == "Certain" and row["justification"] == "seen in the wild"
    assert row["gravity"] == "Critical" and row["risk_level"] == "High"  # V4 x G4
    b, _ = read_ciso(path)
    assert b["operational_scenarios"][0]["likelihood"] == "V4"


def test_export_keeps_a_formula_a_text(tmp_path: Path) -> None:
    d = study_data()
    d["feared_events"][0]["name"] = '=HYPERLINK("http://evil.example","x")'
    s, _ = validate(d)
    path, _ = write_ciso(s, compute(s), tmp_path / "c.xlsx")
    cell = load_workbook(path)[cf.SHEETS["feared_events"]]["B2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s" and cell.quotePrefix
    assert read_ciso(path)[0]["feared_events"][0]["name"] == d["feared_events"][0]["name"]


# --- a workbook as CISO Assistant writes it --------------------------------------------------


def _ciso_book(path: Path, edit: dict[str, list[list[Any]]] | None = None) -> Path:
    """A small study as CISO Assistant's export writes it for a French-speaking user: level
    names in French, categories capitalised, attack-path stakeholders as 'Entity (Category)',
    operating modes with its default ids (MO.01), an unselected feared event."""
    rows: dict[str, list[list[Any]]] = {
        "study": [["ETU-1", "Étude élection", "Campagne", "1.0", "in_progress", "", "", ""]],
        "assets": [["", "Réputation", "", "PR", ""], ["", "Site web", "", "SP", "Réputation"]],
        "feared_events": [
            ["FE.01", "Diffamation", "Perte de confiance\nBaisse des intentions de vote",
             "Critique", True, "", "Réputation"],
            ["FE.02", "Panne", "", "Mineur", False, "hors périmètre", "Réputation"],
        ],
        "ro_to": [["State", "Ingérence", "strong", "important", "moderate", "highly_relevant",
                   True, "", "Diffamation\nPanne"]],
        "stakeholders": [
            ["Hébergeur", "Supplier", 3, 4, 2, 3, "2", 3, 4, 4, 3, "1", True, ""],
            ["Presse", "Partner", 0, 0, 1, 1, "0", 0, 0, 1, 1, "0", False, ""],
        ],
        "strategic_scenarios": [["SS.01", "Campagne de dénigrement", "", "State", "Ingérence",
                                 "Critique"]],
        "attack_paths": [
            ["AP.01", "Via l'hébergeur", "", "Campagne de dénigrement",
             "Hébergeur (Supplier)", True, ""],
            ["AP.02", "Direct", "", "Campagne de dénigrement", "", True, ""],
        ],
        "stakeholder_controls": [["", "Clause de sécurité", "", "En cours",
                                  "Hébergeur (Supplier)"]],
        "elementary_actions": [
            ["", "Repérer les comptes", "", "ebiosReconnaissance", ""],
            ["T1566", "Hameçonner", "", "ebiosInitialAccess", ""],
            ["", "Publier", "", "ebiosExploitation", ""],
        ],
        "operational_scenarios": [
            ["AP.01", "Campagne de dénigrement - Via l'hébergeur", "Via l'hébergeur",
             "Très vraisemblable", "Critique", "Élevé", "", True, ""],
            ["AP.02", "Campagne de dénigrement - Direct", "Direct", "Peu vraisemblable",
             "Critique", "Moyen", "", False, ""],
        ],
        "operating_modes": [
            ["MO.01", "Par hameçonnage", "", "Campagne de dénigrement - Via l'hébergeur",
             "Très vraisemblable", "Repérer les comptes\nHameçonner\nPublier"],
            ["MO.02", "Directement", "", "Campagne de dénigrement - Via l'hébergeur",
             "Vraisemblable", "Repérer les comptes\nPublier"],
        ],
    }  # fmt: skip
    rows.update(edit or {})
    wb = Workbook()
    wb.remove(wb.active)
    for key, data in rows.items():
        ws = wb.create_sheet(cf.SHEETS[key])
        ws.append(cf.COLUMNS[key])
        for r in data:
            ws.append(r)
    wb.save(path)
    return path


def test_ciso_assistant_workbook_imports_with_its_meaning(tmp_path: Path) -> None:
    data, notes = read_ciso(_ciso_book(tmp_path / "c.xlsx"))
    s, rep = validate(data)
    assert s is not None, rep.errors
    res = compute(s)
    assert s.study.lang == "fr" and s.study.id == "ETU-1" and s.study.scope == "Campagne"
    fe = {f.id: f for f in s.feared_events}
    assert fe["FE.01"].severity == "G4" and fe["FE.02"].severity == "G1"
    assert fe["FE.01"].impacts == ["Perte de confiance", "Baisse des intentions de vote"]
    assert s.supporting_assets[0].business_values == [s.business_values[0].id]
    # strong (4) x important (3) -> P4 by the guide's grid, as CISO Assistant's pertinence says
    (p,) = s.risk_pairs
    assert (p.motivation, p.resources, p.activity) == (4, 3, 3)
    assert res.pairs[p.id].relevance.value == "P4"
    # the unselected feared event does not count for the scenario (as in CISO Assistant)
    (ss,) = s.strategic_scenarios
    assert ss.feared_events == ["FE.01"] and res.strategic[ss.id].severity.value == "G4"
    host, press = s.stakeholders
    assert host.category == "supplier" and host.critical
    assert res.stakeholders[host.id].threat.value == 2.0  # 3 x 4 / (2 x 3)
    assert host.residual is not None and host.residual.maturity == 4
    assert not press.rated and press.category == "partner"  # CISO Assistant's 0: not rated
    assert [p.stakeholders for p in ss.paths] == [[host.id], []]
    (m,) = s.measures
    assert m.status == "in_progress" and m.stakeholders == [host.id]
    # one vigie scenario per CISO Assistant scenario; modes rebuilt as a graph
    o1, o2 = s.operational_scenarios
    assert (o1.paths, o2.paths) == (["AP.01"], ["AP.02"])
    assert res.operational[o1.id].likelihood.value == "V3"
    assert res.operational[o2.id].likelihood.value == "V1" and not o2.actions
    assert [(a.description, a.phase, a.technique) for a in o1.actions] == [
        ("Repérer les comptes", "know", None),
        ("Hameçonner", "enter", "T1566"),
        ("Publier", "exploit", None),
    ]
    assert sorted(operating_modes(o1.actions)) == [["A1", "A2", "A3"], ["A1", "A3"]]
    assert any("1 feared event(s) not selected" in n for n in notes)
    assert any("justification" in n and "not carried" in n for n in notes)


def test_bad_cells_are_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    book = _ciso_book(
        tmp_path / "c.xlsx",
        {
            "feared_events": [["FE.01", "Diffamation", "", "--", True, "", "Réputation"]],
            "ro_to": [
                [
                    "State",
                    "Ingérence",
                    "undefined",
                    "huge",
                    "moderate",
                    "",
                    "peut-être",
                    "",
                    "Diffamation",
                ]
            ],  # fmt: skip
        },
    )
    with pytest.raises(StudyError) as e:
        read_ciso(book)
    text = str(e.value)
    assert "sheet '1.3 Feared Events' row 2, gravity: not rated" in text
    assert "sheet '2.1 RO-TO Couples' row 2, motivation: not rated" in text
    assert "sheet '2.1 RO-TO Couples' row 2, resources: 'huge' is not one of" in text
    assert "sheet '2.1 RO-TO Couples' row 2, is_selected: 'peut-être' is not true or false" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not an Excel workbook"),
        (None, "not a CISO Assistant EBIOS RM study export"),
    ],
)
def test_not_a_ciso_workbook(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "x.xlsx"
    if content is None:
        wb = Workbook()
        wb.active.title = "Sheet1"
        wb.save(path)
    else:
        path.write_bytes(content)
    with pytest.raises(VigieError, match=message):
        read_ciso(path)


def _cli(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(["risk", *args])
    return exc.value.code or 0


def test_cli_export_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    study = tmp_path / "s.yaml"
    assert _cli("new", "-t", "agency-en", "-o", str(study)) == 0
    book = tmp_path / "s.xlsx"
    assert _cli("export", str(study), "--ciso", str(book)) == 0
    assert "3 risk(s)" in capsys.readouterr().err
    out = tmp_path / "back.yaml"
    assert _cli("import-ciso", str(book), "-o", str(out), "--marking", "TLP:GREEN") == 0
    back, rep = validate(yaml.safe_load(out.read_text(encoding="utf-8")))
    assert back is not None, rep.errors
    assert back.study.marking == "TLP:GREEN" and back.study.id == _study("agency-en").study.id
    capsys.readouterr()
    assert _cli("import-ciso", str(book), "-o", str(out)) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "already exists" in line
    assert _cli("import-ciso", str(study), "-o", str(tmp_path / "n.yaml")) == 2
    assert "not an Excel workbook" in capsys.readouterr().err
    assert _cli("export", str(study)) == 2
    # each import names the other where the workbook is the other kind, and says what is
    # wrong with it before that the output file exists (it answered "already exists")
    ours = tmp_path / "ours.xlsx"
    assert _cli("export", str(study), "--xlsx", str(ours)) == 0
    capsys.readouterr()
    assert _cli("import-ciso", str(ours), "-o", str(out)) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"read it back with vigie risk import-xlsx {ours}" in err, err
    assert _cli("import-xlsx", str(book), "-o", str(out)) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (
        f"CISO Assistant EBIOS RM study export: read it with vigie risk import-ciso {book}" in err
    )


def test_a_french_study_is_written_as_a_french_user_exports(tmp_path: Path) -> None:
    """Levels and categories by their French names: a French user's CISO Assistant links an
    attack path's 'Entity (Catégorie)' to its stakeholder only with the French term."""
    s = _study("election-fr")
    path, _ = write_ciso(s, compute(s), tmp_path / "c.xlsx")
    wb = load_workbook(path)
    cats = {r[1] for r in wb[cf.SHEETS["stakeholders"]].iter_rows(min_row=2, values_only=True)}
    assert cats == {"Client", "Partenaire", "Fournisseur"}
    grav = {r[3] for r in wb[cf.SHEETS["feared_events"]].iter_rows(min_row=2, values_only=True)}
    assert grav <= {"Mineur", "Significatif", "Important", "Critique"}
    labels = {r[0] + f" ({r[1]})" for r in
              wb[cf.SHEETS["stakeholders"]].iter_rows(min_row=2, values_only=True)}  # fmt: skip
    on_paths = {x for r in wb[cf.SHEETS["attack_paths"]].iter_rows(min_row=2, values_only=True)
                for x in (r[4] or "").splitlines()}  # fmt: skip
    assert on_paths and on_paths <= labels
