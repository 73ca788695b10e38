"""The modules a run imports anyway (pandas through pyarrow, ural for co-domain) are imported
on a thread of their own while the posts load (``pipeline._warm_imports``): the run's
results do not depend on it, a module that cannot be imported is no error, and only what the
configuration uses is warmed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vigie.detect.pipeline import run_detection

from .scenario import Builder, bot_amplification

_FRESH = """
import sys
from vigie.detect.pipeline import _warm_imports, resolve_config
assert "ural" not in sys.modules
cfg = resolve_config({"co_domain": {"enabled": %s}})
_warm_imports(cfg).join(60)
print("ural" in sys.modules)
"""


def _fresh(co_domain: bool) -> str:
    code = _FRESH % ("True" if co_domain else "False")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_ural_is_warmed_only_when_co_domain_runs() -> None:
    assert _fresh(True) == "True"
    assert _fresh(False) == "False"


def test_a_module_that_cannot_be_imported_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    import importlib

    import vigie.detect.pipeline as pl

    b = Builder(seed=31)
    b.organic(n_accounts=120, n_posts=1000)
    bots = bot_amplification(b, n_bots=10, n_seeds=8)
    ds = b.write(tmp_path / "ds")
    plain = run_detection(ds, tmp_path / "plain", progress=False)
    tried: list[str] = []
    real = importlib.import_module

    def refuse(name: str, *args, **kwargs):
        if name in ("pandas", "ural"):
            tried.append(name)
            raise ImportError(f"no module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(pl.importlib, "import_module", refuse)
    warmed = run_detection(ds, tmp_path / "refused", progress=False)
    assert sorted(tried) == ["pandas", "ural"]  # both tried, neither raised
    assert set(bots) <= set(warmed.members().column("account_id").to_pylist())
    assert warmed.members().equals(plain.members())
    assert warmed.groups().equals(plain.groups())
