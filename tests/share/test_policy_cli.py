"""`vigie share partners | check | export | import` end to end (in-process)."""

from __future__ import annotations

import json

import pytest
import yaml
from _findings import URL_A, make_findings

from vigie.cli import main
from vigie.share.partners import example_partners_path
from vigie.share.stix_export import validation_errors

EXAMPLE = str(example_partners_path())


def run(capsys, *argv):
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def findings(tmp_path):
    return make_findings(tmp_path)


def test_partners_lists_the_registry(capsys):
    code, out, _ = run(capsys, "share", "partners", "--partners", EXAMPLE, "--json")
    assert code == 0
    data = json.loads(out)
    assert [p["name"] for p in data["partners"]][:2] == ["agence-etat", "plateforme"]
    assert data["partners"][0]["max_tlp"] == "TLP:RED"


def test_the_partners_table_keeps_names_and_levels_whole(capsys, monkeypatch):
    """On 80 columns the table cut the names ``--partner`` takes and the levels a partner
    may receive ("agence-e…", "TLP:AMBE…"); they are whole, the free texts fold."""
    monkeypatch.setattr("vigie.progress.console.width", 80)
    code, out, _ = run(capsys, "share", "partners", "--partners", EXAMPLE)
    rows = [line.split("│")[1:4] for line in out.splitlines() if line.startswith("│")]
    named = [(n.strip(), t.strip()) for n, _, t in rows if n.strip()]
    data = json.loads(run(capsys, "share", "partners", "--partners", EXAMPLE, "--json")[1])
    assert code == 0 and named == [(p["name"], p["max_tlp"]) for p in data["partners"]], out


def test_invalid_registry_is_one_clear_error(capsys, tmp_path):
    bad = tmp_path / "partners.yaml"
    bad.write_text(
        yaml.safe_dump(
            {"partners": [{"name": "a", "sector": "ngo", "trust": 7, "max_tlp": "GREEN"}]}
        )
    )
    code, _, err = run(capsys, "share", "partners", "--partners", str(bad))
    assert code == 2
    assert "partners[0].trust: 7 is outside 1..4" in err and "Traceback" not in err


def test_check_findings_allowed_and_denied(capsys, findings):
    code, out, _ = run(
        capsys, "share", "check", str(findings), "--partner", "observatoire", "--partners", EXAMPLE
    )
    assert code == 0
    assert "TLP:AMBER to observatoire: allowed, hashed" in out
    assert "account ids and URLs replaced by SHA-256 hashes" in out
    code, out, _ = run(
        capsys, "share", "check", str(findings), "--partner", "redaction", "--partners", EXAMPLE
    )
    assert code == 1 and "DENIED" in out and "max_tlp" in out
    code, out, _ = run(
        capsys,
        "share",
        "check",
        str(findings),
        "--partner",
        "agence-etat",
        "--partners",
        EXAMPLE,
        "--tlp",
        "RED",
        "--recipient",
        "intrus@example.org",
        "--json",
    )
    assert code == 1
    assert json.loads(out)["allowed"] is False


def test_check_refuses_a_dataset_given_as_findings(capsys, findings):
    dataset = findings.parent / "dataset"  # written by make_findings beside the Findings
    code, out, err = run(
        capsys, "share", "check", str(dataset), "--partner", "observatoire", "--partners", EXAMPLE
    )
    assert code == 2 and out == ""
    flat = " ".join(err.split())  # the console wraps long lines
    assert f"{dataset}: this is a Dataset, not a Findings folder (run vigie detect first)" in flat
    assert "Traceback" not in err


def test_findings_check_reads_the_manifest_kind(findings, tmp_path):
    from vigie.errors import VigieError
    from vigie.schema import Findings, write_json

    assert Findings(findings).check().path == findings
    with pytest.raises(VigieError, match="this is a Dataset, not a Findings folder"):
        Findings(findings.parent / "dataset").check()
    odd = tmp_path / "odd"
    odd.mkdir()
    write_json(odd / "manifest.json", {"kind": "report"})
    with pytest.raises(VigieError, match="manifest.json has kind 'report', expected 'findings'"):
        Findings(odd).check()
    write_json(odd / "manifest.json", {})  # no kind and no groups table: not Findings
    with pytest.raises(VigieError, match="manifest.json has no 'kind'"):
        Findings(odd).check()
    # a hand-written manifest without kind is accepted beside a groups table
    manifest = json.loads((findings / "manifest.json").read_text())
    del manifest["kind"]
    write_json(findings / "manifest.json", manifest)
    assert Findings(findings).check().path == findings


def test_export_then_check_and_import_the_bundle(capsys, findings, tmp_path):
    out_stix, out_misp = tmp_path / "b.json", tmp_path / "e.json"
    code, out, err = run(
        capsys,
        "share",
        "export",
        str(findings),
        "--stix",
        str(out_stix),
        "--misp",
        str(out_misp),
        "--partner",
        "plateforme",
        "--partners",
        EXAMPLE,
        "--tlp",
        "AMBER+STRICT",
    )
    assert code == 0, err
    assert "validator-clean" in out and "1 private analyst note(s) withheld" in out
    bundle = json.loads(out_stix.read_text())
    assert validation_errors(bundle) == []
    assert URL_A in out_stix.read_text()  # trust 3 keeps indicators in clear
    assert "tlp:amber+strict" in out_misp.read_text()

    code, out, _ = run(
        capsys,
        "share",
        "check",
        str(out_stix),
        "--partner",
        "observatoire",
        "--partners",
        EXAMPLE,
        "--json",
    )
    res = json.loads(out)
    assert code == 1 and res["tlp"] == "TLP:AMBER+STRICT"
    assert res["objects_allowed"] == res["by_marking"]["TLP:CLEAR"]["objects"]

    store = tmp_path / "store.sqlite"
    for expected_new in (len(bundle["objects"]), 0):
        code, out, _ = run(
            capsys,
            "share",
            "import",
            str(out_stix),
            "--from",
            "plateforme",
            "--partners",
            EXAMPLE,
            "--store",
            str(store),
        )
        assert code == 0 and f"{expected_new} new" in out


def test_export_refusals_are_user_errors(capsys, findings, tmp_path):
    code, _, err = run(
        capsys,
        "share",
        "export",
        str(findings),
        "--partner",
        "redaction",
        "--partners",
        EXAMPLE,
        "--stix",
        str(tmp_path / "x.json"),
    )
    assert code == 2 and "DENIED" in err and not (tmp_path / "x.json").exists()
    code, _, err = run(capsys, "share", "export", str(findings))
    assert code == 2 and "--stix" in err
    code, _, err = run(
        capsys,
        "share",
        "import",
        str(tmp_path / "none.json"),
        "--from",
        "plateforme",
        "--partners",
        EXAMPLE,
        "--store",
        str(tmp_path / "s.sqlite"),
    )
    assert code == 2 and "not found" in err


def test_example_registry_warning_says_how_it_was_resolved(capsys, tmp_path, monkeypatch):
    """$VIGIE_PARTNERS pointing at the example used to warn "no partners registry given"."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIGIE_PARTNERS", raising=False)

    def warning() -> str:
        code, _, err = run(capsys, "share", "partners", "--json")
        assert code == 0
        return " ".join(err.split())

    assert warning().startswith("warning: no partners registry given")
    monkeypatch.setenv("VIGIE_PARTNERS", EXAMPLE)
    env = warning()
    assert "no partners registry given" not in env
    assert "$VIGIE_PARTNERS names the shipped example registry (fictional partners)" in env
    code, _, err = run(capsys, "share", "partners", "--partners", EXAMPLE)
    assert "--partners names the shipped example registry" in " ".join(err.split())
    own = tmp_path / "partners.yaml"
    own.write_text(
        yaml.safe_dump(
            {"partners": [{"name": "a", "sector": "ngo", "trust": 2, "max_tlp": "GREEN"}]}
        )
    )
    monkeypatch.setenv("VIGIE_PARTNERS", str(own))
    assert warning() == ""  # a real registry: nothing to warn about
    monkeypatch.delenv("VIGIE_PARTNERS")
    assert warning() == ""  # ./partners.yaml is found


def test_an_empty_collection_page_is_said_to_hold_nothing(capsys, tmp_path):
    """A saved TAXII page with no object (a collection read before anything was published)
    printed "0 objects, 0 new, 0 already known ()": it now says the file held none."""
    page = tmp_path / "page.json"
    page.write_text('{"more": false, "objects": []}', encoding="utf-8")
    args = ["share", "import", str(page), "--from", "plateforme", "--partners", EXAMPLE]
    code, out, _ = run(capsys, *args, "--store", str(tmp_path / "s.sqlite"))
    assert code == 0 and "0 objects, 0 new, 0 already known (it held none)" in out, out
