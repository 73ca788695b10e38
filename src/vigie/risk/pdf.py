"""PDF of the committee report: the HTML report printed by headless Chromium.

Why Chromium and not an HTML-to-PDF library: the report is plain HTML with inline SVG and
print CSS (``@page``, page breaks); a browser prints it exactly as the analyst sees it on
screen, and Debian ships one (``apt-get install chromium``), whereas WeasyPrint-like
libraries pull a second rendering engine with its own SVG gaps. Chromium runs with no
network, no sync and no first-run tasks, so printing a TLP:RED report leaks nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from vigie.errors import VigieError

BROWSERS: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)


def find_chromium() -> str | None:
    """The first headless-capable Chromium on PATH (or ``VIGIE_CHROMIUM``), else None."""
    env = os.environ.get("VIGIE_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def require_chromium() -> str:
    """The Chromium ``--pdf`` prints with, or the one line saying how to install it (a
    command may ask before it builds the page to print)."""
    browser = find_chromium()
    if browser is None:
        # one line, short enough not to be wrapped on an 80-column terminal
        raise VigieError("Chromium not found (needed for --pdf): apt-get install chromium")
    return browser


OUT_HELP = "HTML or PDF file to write, told by its name's ending (.html or .pdf)."


def page_outputs(
    out: Path | None, html: Path | None, pdf: Path | None
) -> tuple[Path | None, Path | None]:
    """The ``--html`` and ``--pdf`` files a report writes, with ``--out`` read as one of them.

    Why: ``vigie generate``, ``detect``, ``demo`` and ``risk new`` write to ``--out``, so
    that is what people type for a report too; it was refused with click's nearest option
    ("did you mean --truth?"). The file's ending says which page it is, as it does on the
    workbench's download links; a name ending otherwise is refused (a PDF written to
    ``report.htm`` would open as garbage)."""
    if out is None:
        return html, pdf
    kind = out.suffix.lower()
    if kind in (".html", ".htm"):
        if html is not None:
            raise VigieError(f"--out {out} and --html {html}: give one HTML file")
        return out, pdf
    if kind == ".pdf":
        if pdf is not None:
            raise VigieError(f"--out {out} and --pdf {pdf}: give one PDF file")
        return html, out
    raise VigieError(f"--out {out}: end the name in .html or .pdf (or use --html / --pdf)")


def html_to_pdf(html: str | Path, out: str | Path, timeout: float = 120.0) -> Path:
    """Print the HTML file ``html`` to ``out`` (written atomically: a temp file, then rename)."""
    browser = require_chromium()
    src, out = Path(html).resolve(), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".pdf", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    with tempfile.TemporaryDirectory(prefix="vigie-chromium-") as profile:
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--no-pdf-header-footer", f"--user-data-dir={profile}",
            f"--print-to-pdf={tmp}", src.as_uri(),
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            tmp.unlink(missing_ok=True)
            raise VigieError(
                f"{out}: Chromium did not print the PDF within {timeout:.0f} s"
            ) from None
    if proc.returncode != 0 or tmp.stat().st_size == 0 or tmp.read_bytes()[:5] != b"%PDF-":
        tmp.unlink(missing_ok=True)
        last = (proc.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise VigieError(
            f"{out}: Chromium failed to print the PDF (exit {proc.returncode}): {last}"
        )
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would surprise whoever shares the file
    os.replace(tmp, out)
    return out
