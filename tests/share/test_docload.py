"""The one document loader (``vigie.docload``) on its error paths, through its three users.

Every bad document must give one line naming the file and the path of the bad value: a bad
type, a missing key, an unknown key, ``nan``, and hostile YAML (nested 10,000 deep, or a
"billion laughs" of aliases) that would otherwise be a traceback or hours of expansion.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from vigie.detect.config import load_config as load_detect
from vigie.docload import DocModel, DocumentError, load_document, parse_text
from vigie.errors import InputError, VigieError
from vigie.share.partners import PartnersError, load_partners
from vigie.share.taxii.config import load_config as load_server

PARTNER = "  - {name: ngo, sector: ngo, trust: 2, max_tlp: GREEN}\n"
SERVER_HEAD = "db_url: sqlite:///x.db\napi_roots:\n  - name: community\n"

BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    + "partners: []\n"
)
DEEP = "partners: " + "[" * 10_000 + "]" * 10_000 + "\n"


def _one_line(exc: BaseException, *needles: str) -> str:
    msg = str(exc)
    assert "\n" not in msg, msg
    assert "Traceback" not in msg
    for needle in needles:
        assert needle in msg, (needle, msg)
    return msg


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


# --- partners registry ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        (  # bad type
            "partners:\n  - {name: ngo, sector: ngo, trust: high, max_tlp: GREEN}\n",
            ["partners[0].trust: 'high' is not a whole number"],
        ),
        (  # missing key
            "partners:\n  - {name: ngo, sector: ngo, max_tlp: GREEN}\n",
            ["partners[0].trust: missing (required)"],
        ),
        (  # unknown key, with what is allowed
            "partners:\n  - {name: ngo, sector: ngo, trust: 2, max_tlp: GREEN, trsut: 3}\n",
            ["partners[0].trsut: unknown field (allowed: name,", "or x_*)"],
        ),
        (  # nan is not a trust level
            "partners:\n  - {name: ngo, sector: ngo, trust: .nan, max_tlp: GREEN}\n",
            ["partners[0].trust: nan is not a whole number"],
        ),
        (  # a list where a mapping is expected
            "partners: {ngo: 2}\n",
            ["partners: expected a list, got dict"],
        ),
        ("producer: {name: us}\n", ["partners: missing (required)"]),
        ("- just\n- a list\n", ["expected a mapping"]),
    ],
)
def test_partners_errors_name_the_path(tmp_path: Path, body: str, needles: list[str]) -> None:
    path = _write(tmp_path, "partners.yaml", body)
    with pytest.raises(PartnersError) as exc:
        load_partners(path)
    _one_line(exc.value, f"{path}: ", *needles)


@pytest.mark.parametrize(
    ("text", "needle"),
    [(BILLION_LAUGHS, "billion laughs"), (DEEP, "nested more than 64 levels")],
)
def test_hostile_yaml_is_one_line_in_bounded_time(tmp_path: Path, text: str, needle: str) -> None:
    for name, load in (("partners.yaml", load_partners), ("server.yaml", load_server)):
        path = _write(tmp_path, name, text)
        start = time.perf_counter()
        with pytest.raises(VigieError) as exc:
            load(path)
        assert time.perf_counter() - start < 10  # was hours (aliases) or a RecursionError
        _one_line(exc.value, str(path), needle)


SELF_HOLDING = ["partners: &a [*a]\n", "partners: &x {b: &y [1, *x]}\n", "&a [1, [2, *a]]\n"]


@pytest.mark.parametrize("text", SELF_HOLDING)
def test_an_alias_inside_its_own_value_is_one_line(tmp_path: Path, text: str) -> None:
    """`&a [*a]` is a value that holds itself: the alias guard walked it forever (a hang in
    every YAML reader, `vigie risk check` included). A child process, so that a regression
    is a failure, not a hung test run."""
    import subprocess
    import sys

    path = _write(tmp_path, "study.yaml", text)
    for argv in (["risk", "check", str(path)], ["share", "partners", "--partners", str(path)]):
        code = f"import sys; from vigie.cli import main; sys.argv = ['vigie'] + {argv!r}; main()"
        res = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        assert res.returncode == 2, res.stdout + res.stderr
        err = " ".join(res.stderr.split())
        assert "contains itself" in err and str(path) in err and "Traceback" not in err, err


def test_syntax_errors_are_one_line_with_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "partners.yaml", "partners:\n" + PARTNER + "   bad: [\n")
    with pytest.raises(InputError) as exc:
        load_partners(path)
    _one_line(exc.value, str(path), "not valid YAML at line")
    path = _write(tmp_path, "server.toml", "[[api_roots]\nname = 1\n")
    with pytest.raises(InputError) as exc:
        load_server(path)
    _one_line(exc.value, str(path), "not valid TOML")


def test_not_utf8_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "partners.yaml"
    path.write_bytes(b"partners: [\xff\xfe]\n")
    with pytest.raises(VigieError) as exc:
        load_partners(path)
    _one_line(exc.value, str(path), "not UTF-8")
    with pytest.raises(VigieError) as exc:
        load_server(tmp_path / "none.yaml")
    _one_line(exc.value, "server configuration not found")


# --- TAXII server configuration -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        (  # bad type
            SERVER_HEAD + "    collections: [{name: shared, min_trust: many}]\n",
            ["api_roots[0].collections[0].min_trust:", "'many'"],
        ),
        ("db_url: sqlite:///x.db\n", ["api_roots: missing (required)"]),  # missing key
        (  # unknown key
            SERVER_HEAD + "    colections: []\n",
            ["api_roots[0].colections: unknown field (allowed: name, title"],
        ),
        (  # nan
            SERVER_HEAD + "rate_limit: {requests_per_second: .nan}\n",
            ["rate_limit.requests_per_second: Input should be a finite number"],
        ),
        (SERVER_HEAD + "pagesize: 5\n", ["pagesize: unknown top-level key"]),
    ],
)
def test_server_config_errors_name_the_path(tmp_path: Path, body: str, needles: list[str]) -> None:
    path = _write(tmp_path, "server.yaml", body)
    with pytest.raises(InputError) as exc:
        load_server(path)
    _one_line(exc.value, f"{path}: ", *needles)


def test_server_config_toml_nan_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "server.toml",
        '[rate_limit]\nrequests_per_second = nan\n[[api_roots]]\nname = "community"\n',
    )
    with pytest.raises(InputError) as exc:
        load_server(path)
    _one_line(exc.value, "rate_limit.requests_per_second", "finite number")


# --- detection settings (TOML) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ("[co_link]\nwindow_s = true\n", ["co_link.window_s", "must be a number"]),
        ("[co_link]\nwindw_s = 3\n", ["unknown key 'co_link.windw_s'"]),
        ("[general]\nalpha = nan\n", ["general.alpha", "finite number"]),
        ("[co_link\nwindow_s = 3\n", ["not valid TOML"]),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", ["nested too deeply"]),
    ],
)
def test_detect_config_errors_are_one_line(tmp_path: Path, body: str, needles: list[str]) -> None:
    path = _write(tmp_path, "detect.toml", body)
    with pytest.raises(VigieError) as exc:
        load_detect(path)
    _one_line(exc.value, str(path), *needles)


# --- the loader itself ----------------------------------------------------------------------


class _Limits(DocModel):
    threshold: float
    names: list[str] = []


def test_every_problem_at_once_and_the_model_is_frozen(tmp_path: Path) -> None:
    path = _write(tmp_path, "limits.yaml", "threshold: .inf\nnames: [a, {b: 1}]\nextra: 1\n")
    with pytest.raises(DocumentError) as exc:
        load_document(path, _Limits)
    assert [p.split(":")[0] for p in exc.value.problems] == ["threshold", "names[1]", "extra"]
    ok = load_document(_write(tmp_path, "ok.toml", "threshold = 0.5\n"), _Limits)
    assert ok.threshold == 0.5 and ok.names == []
    with pytest.raises(Exception, match="frozen"):
        ok.threshold = 1.0  # type: ignore[misc]


def test_empty_document_is_named() -> None:
    from vigie.docload import validate

    with pytest.raises(DocumentError, match="limits.yaml: expected a mapping at the top, got an"):
        validate(_Limits, parse_text("", "limits.yaml"), "limits.yaml")


_BIG = "1" + "0" * 5000  # more digits than Python converts (4,300 by default)


@pytest.mark.parametrize(
    ("text", "fmt", "needle"),
    [
        (f"seed = {_BIG}\n", "toml", "not valid TOML (a number of 5,001 digits"),
        (f"seed: {_BIG}\n", "yaml", "not a valid value in YAML (a number of 5,001 digits"),
        ("when: 2026-13-45\n", "yaml", "not a valid value in YAML (month must be in 1..12)"),
    ],
)
def test_values_python_cannot_build_are_one_line(text: str, fmt: str, needle: str) -> None:
    # tomllib and PyYAML raise a bare ValueError for these, past their own error classes
    with pytest.raises(InputError) as exc:
        parse_text(text, f"settings.{fmt}", fmt)
    assert needle in str(exc.value)


def test_detect_config_with_a_huge_integer_is_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "detect.toml", f"[general]\nseed = {_BIG}\n")
    with pytest.raises(VigieError, match="5,001 digits"):
        load_detect(path)
