"""Printing a report: headless Chromium prints an HTML page to PDF, A4 from the @page rule of
the stylesheet both reports share (`PAGE_CSS`, page.css: the budget report's and the planner's)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from forecast.core.errors import InputError

#: the printed page's stylesheet (A4, fonts, tables), shared by the budget and the planner's report
PAGE_CSS = Path(__file__).with_name("page.css")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_HINT = ("Chromium is needed to print the PDF: install it (Debian/Ubuntu: `apt-get install chromium`, "
                 "macOS: `brew install --cask chromium`) or set FORECAST_CHROMIUM to a Chrome/Chromium executable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--hide-scrollbars", "--mute-audio")


def find_chromium() -> str | None:
    """A Chrome/Chromium executable: $FORECAST_CHROMIUM (None if it names nothing that exists),
    else the first of CHROMIUM_NAMES on PATH."""
    env = os.environ.get("FORECAST_CHROMIUM")
    if env:
        return env if (Path(env).is_file() or shutil.which(env)) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_for(pdf: bool | None) -> str | None:
    """The Chromium a report prints its PDF with: `pdf` None prints when Chromium is found,
    True requires it (InputError naming --pdf, before anything is written), False skips it."""
    chromium = find_chromium() if pdf is not False else None
    if pdf is True and not chromium:
        raise InputError("--pdf", "", "no Chromium to print the PDF with: " + CHROMIUM_HINT,
                         "Chromium installed, or leave out --pdf (the PDF is then printed when Chromium is there)")
    return chromium


def report_folder(source: Path, out: str | Path | None, what: str) -> Path:
    """Where a report of the folder `source` goes: `out`, default SOURCE/report; refused when it
    would replace the folder it reads (`what` names that folder in the message)."""
    target = Path(out) if out else Path(source) / "report"
    src, dst = Path(source).resolve(), target.resolve()
    if dst == src or dst in src.parents:
        raise InputError(str(target), "--out", f"would replace the {what} it reads",
                         f"a folder outside it, e.g. {Path(source).name}/report (the default)")
    return target


def run_chromium(chromium: str, args: list, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run headless Chromium with a throw-away profile."""
    with tempfile.TemporaryDirectory(prefix="forecast-chromium-") as profile:
        cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)


def print_pdf(html_path: Path, pdf_path: Path, chromium: str | None = None) -> Path:
    """Print an HTML file to PDF with headless Chromium; FileNotFoundError (with CHROMIUM_HINT)
    without Chromium, RuntimeError (with Chromium's last words) if it printed nothing."""
    chromium = chromium or find_chromium()
    if not chromium:
        raise FileNotFoundError(CHROMIUM_HINT)
    proc = run_chromium(chromium, ["--no-pdf-header-footer", "--print-to-pdf-no-header",
                                   f"--print-to-pdf={Path(pdf_path).resolve()}", Path(html_path).resolve().as_uri()])
    if not Path(pdf_path).is_file() or Path(pdf_path).stat().st_size == 0:
        raise RuntimeError(f"Chromium did not print {pdf_path}: {proc.stderr.decode(errors='replace')[-500:]}")
    return Path(pdf_path)
