"""`forecast report` on a planner's folder: the planner's report of a comparison, a sweep or an
optimisation.

`write_planner_report(folder, out, pdf)` reads a folder written by `forecast compare`
(compare.json), `forecast sweep` (sweep.json) or `forecast optimise` (optimise.json) — every table checked for the columns forecast
writes, anything else refused with an InputError naming the file — and writes, atomically,
into out (default FOLDER/report, the budget report's convention):

- planner.html — one self-contained page rendered from Jinja2 templates (templates/*.html,
  autoescaped) with the budget report's stylesheet and planner.css inline and the folder's
  charts as PNG data URIs: what was compared and how, the headline per reform or the grid
  and every point, targets, cost-effectiveness, deadweight, the difference by article, the
  cheapest point per probability level, the method and the provenance;
- planner.pdf — planner.html printed by headless Chromium exactly as the budget report does
  (`pdf=None` prints it when Chromium is there, `True` requires it, `False` skips it);
- planner.xlsx (`workbook.py`): the same tables, money in 万元 as number cells.

An optimisation folder (`forecast optimise`, optimise.json) gets its question, answer or
infeasible verdict, in- and out-of-sample figures, every candidate and the frontier. The report
is in Chinese only (planner_labels.toml).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from forecast.core.atomic import atomic_dir
from forecast.core.errors import InputError
from forecast.display import fonts
from forecast.display.labels import Labels
from forecast.planner.report import compare_view, optimise_view, sweep_view
from forecast.planner.report.workbook import write_compare_workbook, write_sweep_workbook
from forecast.display.chromium import PAGE_CSS, chromium_for, print_pdf, report_folder

HERE = Path(__file__).parent
#: summary file → the kind of planner's folder it marks
MARKERS = {"compare.json": "compare", "sweep.json": "sweep", "optimise.json": "optimise"}

#: kind → the module that reads its folder and prepares the page, and its workbook writer
VIEWS = {"compare": compare_view, "sweep": sweep_view, "optimise": optimise_view}
WORKBOOKS = {"compare": write_compare_workbook, "sweep": write_sweep_workbook,
             "optimise": optimise_view.write_optimise_workbook}

__all__ = ["write_planner_report", "planner_kind", "PlannerFiles", "MARKERS"]


@dataclass
class PlannerFiles:
    """What `write_planner_report` wrote."""

    kind: str
    out_dir: Path
    html: Path
    pdf: Path | None
    workbook: Path
    chromium_missing: bool = False


def planner_kind(folder: str | Path) -> str | None:
    """'compare' or 'sweep' when the folder is a planner's folder, None otherwise; a folder
    marked as both is refused."""
    found = [kind for name, kind in MARKERS.items() if (Path(folder) / name).is_file()]
    if len(found) > 1:
        raise InputError(str(folder), "", f"holds both {' and '.join(MARKERS)}", "one planner's folder per report")
    return found[0] if found else None


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render_html(ctx: dict) -> str:
    """The planner's report as one self-contained HTML page from a view's context."""
    L = Labels("zh")
    css = PAGE_CSS.read_text(encoding="utf-8") + (HERE / "planner.css").read_text(encoding="utf-8")
    page = {**ctx, "css": css, "font_stack": fonts.CSS_STACK, "L_target": L("target"),
            "L_indicator": L("indicator"), "L_goal": L("goal"), "L_article": L("article"), "L_rule": L("rule")}
    return _environment().get_template("planner.html").render(page)


def write_planner_report(folder: str | Path, out: str | Path | None = None, pdf: bool | None = None) -> PlannerFiles:
    """planner.html, planner.xlsx and (Chromium permitting, see `pdf`) planner.pdf of a compare
    or sweep folder, written atomically into `out` (default FOLDER/report)."""
    folder = Path(folder)
    kind = planner_kind(folder)
    if kind is None:
        raise InputError(str(folder), "", f"no {' or '.join(MARKERS)}", "a folder written by `forecast compare`, "
                         "`forecast sweep` or `forecast optimise`")
    target = report_folder(folder, out, "folder")
    chromium = chromium_for(pdf)
    view = VIEWS[kind]
    data = view.load(folder)
    ctx = view.context(folder, data)
    with atomic_dir(target) as tmp:
        (tmp / "planner.html").write_text(render_html(ctx), encoding="utf-8")
        WORKBOOKS[kind](tmp / "planner.xlsx", data, ctx)
        if chromium:
            print_pdf(tmp / "planner.html", tmp / "planner.pdf", chromium)
    return PlannerFiles(kind, target, target / "planner.html", target / "planner.pdf" if chromium else None,
                        target / "planner.xlsx", chromium_missing=pdf is None and not chromium)
