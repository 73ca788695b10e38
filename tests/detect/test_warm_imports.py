"""The modules a run imports anyway (pandas through pyarrow, ural for co-domain) are imported
on a thread of their own while the posts load (``vigie.warm``): the run's results do not
depend on it, a module that cannot be imported is no error, and only what the
configuration uses is warmed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import vigie.detect.pipeline as pl
from vigie.detect.pipeline import run_detection

from .scenario import Builder, bot_amplification

_FRESH = """
import sys, threading
from vigie.warm import warm_imports
assert "ural" not in sys.modules
failed = []
threading.excepthook = lambda args: failed.append(args)
warm_imports("vigie_no_such_module", "ural").join(60)
print("ural" in sys.modules, failed)
"""


def _dataset(path: Path) -> tuple[Path, list[str]]:
    b = Builder(seed=31)
    b.organic(n_accounts=120, n_posts=1000)
    bots = bot_amplification(b, n_bots=10, n_seeds=8)
    return b.write(path), bots


def test_warm_imports_imports_on_its_thread_and_skips_what_is_missing() -> None:
    out = subprocess.run([sys.executable, "-c", _FRESH], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "[]"]


def test_a_run_warms_ural_only_when_co_domain_runs(tmp_path: Path, monkeypatch) -> None:
    ds, _ = _dataset(tmp_path / "ds")
    asked: list[tuple[str, ...]] = []
    monkeypatch.setattr(pl, "warm_imports", lambda *names: asked.append(names))
    run_detection(ds, tmp_path / "on", progress=False)
    run_detection(ds, tmp_path / "off", {"co_domain": {"enabled": False}}, progress=False)
    assert asked == [("pandas", "ural"), ("pandas",)]


def test_a_module_that_cannot_be_imported_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    import importlib

    ds, bots = _dataset(tmp_path / "ds")
    plain = run_detection(ds, tmp_path / "plain", progress=False)
    tried: list[str] = []
    real = importlib.import_module

    def refuse(name: str, *args, **kwargs):
        if name in ("pandas", "ural"):
            tried.append(name)
            raise ImportError(f"no module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", refuse)
    warmed = run_detection(ds, tmp_path / "refused", progress=False)
    assert sorted(tried) == ["pandas", "ural"]  # both tried, neither raised
    assert set(bots) <= set(warmed.members().column("account_id").to_pylist())
    assert warmed.members().equals(plain.members())
    assert warmed.groups().equals(plain.groups())
