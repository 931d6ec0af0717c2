"""`forecast report`: the budget view of a results folder as a printable report.

`build_report(results_dir, out_dir, lang, pdf)` reads the folder with `read_results` (the one
results layout; anything else is refused with its InputError) and writes, atomically, into
out_dir (default RESULTS_DIR/report):

- report.html — one self-contained page rendered from Jinja2 templates (templates/*.html,
  autoescaped) with the shared page.css (`forecast.display.chromium.PAGE_CSS`) inline and the charts as SVG data URIs: headline figures, each
  article, committed liabilities, the targets, the fund, the ladder, then the rules and the
  assumptions with their sources;
- report.pdf — report.html printed by headless Chromium (`chromium.py`). `pdf=None` (the
  default) prints it when Chromium is there and otherwise leaves it out, with
  `ReportFiles.chromium_missing` saying so (the command still succeeds: a first report must not
  look failed for want of a browser); `pdf=True` requires it — without Chromium an InputError
  before anything is written; `pdf=False` skips it;
- forecast.xlsx (`workbook.py`) and charts/*.png, *.svg (`report_charts.py`);
- a folder written by `forecast reforecast` adds the budget execution (`forecast.reforecast.view`):
  its section after the headline, the 预算执行 sheet and the cumulative chart.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from forecast.core.atomic import atomic_dir
from forecast.results.budget import Budget, load
from forecast.reforecast.view import find_execution
from forecast.reforecast.view import write_chart as execution_chart
from forecast.display.labels import Labels
from forecast.display.chromium import CHROMIUM_HINT, PAGE_CSS, chromium_for, find_chromium, print_pdf, report_folder
from forecast.sensitivity.view import find_drivers
from forecast.report.context import context
from forecast.report.charts import write_charts
from forecast.report.workbook import write_workbook

HERE = Path(__file__).parent

__all__ = ["build_report", "render_html", "ReportFiles", "find_chromium", "print_pdf", "CHROMIUM_HINT"]


@dataclass
class ReportFiles:
    """What `build_report` wrote, and the budget it wrote it from."""

    out_dir: Path
    html: Path
    pdf: Path | None
    workbook: Path
    charts: dict
    budget: Budget
    chromium_missing: bool = False


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render_html(b: Budget, charts: dict, lang: str = "zh", source: str = "") -> str:
    """The report as one self-contained HTML page; `charts` as `write_charts` returns them,
    `source` the results folder named in the footer."""
    ctx = context(b, charts, lang, source, PAGE_CSS.read_text(encoding="utf-8"))
    return _environment().get_template("report.html").render(ctx)


def build_report(results_dir: str | Path, out_dir: str | Path | None = None, lang: str = "zh",
                 pdf: bool | None = None, sensitivity: str | Path | None = None) -> ReportFiles:
    """Charts, workbook, HTML and PDF of a results folder, written atomically. `pdf`: None
    prints the PDF when Chromium is found, True requires it, False skips it. `sensitivity`: a
    sensitivity folder of the same scenario (default RESULTS/sensitivity when present) adds
    each figure's leading drivers."""
    Labels(lang)  # an unknown language is refused before anything is read
    results_dir = Path(results_dir)
    out = report_folder(results_dir, out_dir, "results folder")
    chromium = chromium_for(pdf)
    b = load(results_dir)
    b.drivers = find_drivers(results_dir, b.scenario, sensitivity)
    b.execution = find_execution(results_dir)
    with atomic_dir(out) as tmp:
        charts = write_charts(b, tmp / "charts", lang)
        if b.execution is not None:
            charts["execution"] = execution_chart(b.execution, tmp / "charts", Labels(lang, b.scenario))
        write_workbook(b, tmp / "forecast.xlsx", lang, charts)
        (tmp / "report.html").write_text(render_html(b, charts, lang, str(results_dir)), encoding="utf-8")
        if chromium:
            print_pdf(tmp / "report.html", tmp / "report.pdf", chromium)
    placed = {name: {**chart, "png": out / "charts" / chart["png"].name, "svg": out / "charts" / chart["svg"].name}
              for name, chart in charts.items()}
    return ReportFiles(out, out / "report.html", out / "report.pdf" if chromium else None, out / "forecast.xlsx",
                       placed, b, chromium_missing=pdf is None and not chromium)
