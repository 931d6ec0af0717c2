"""A results folder's budget execution, read back for `forecast report`: the 预算执行 sheet
of the workbook and the report's section (headline, plan against re-forecast year by year,
the cumulative chart, what the records show against the plan's rates, the notes).

The folder holds it when it was written by `forecast reforecast` (execution.csv and its
companions, `forecast.reforecast.files`); without execution.csv the report has no such section.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecast.core.errors import InputError
from forecast.display.labels import WAN, Labels


@dataclass
class ExecutionView:
    folder: Path
    table: pd.DataFrame
    rates: pd.DataFrame
    bands: pd.DataFrame
    meta: dict

    def totals(self) -> pd.DataFrame:
        return self.table[self.table["rule"] == "total"].reset_index(drop=True)


def find_execution(results_dir: str | Path) -> ExecutionView | None:
    """The execution files of a results folder, or None when it has none."""
    folder = Path(results_dir)
    if not (folder / "execution.csv").is_file():
        return None
    try:
        meta = json.loads((folder / "execution.json").read_text(encoding="utf-8"))
        return ExecutionView(folder, pd.read_csv(folder / "execution.csv"), pd.read_csv(folder / "execution_rates.csv"),
                             pd.read_csv(folder / "execution_bands.csv"), meta)
    except (OSError, ValueError) as e:
        raise InputError(str(folder / "execution.csv"), "", f"an incomplete budget execution ({e})",
                         "the folder as `forecast reforecast SCENARIO --actuals RECORDS --as-of DATE` wrote it") from None


def headline(ev: ExecutionView, L: Labels) -> str:
    h = ev.meta["headline"]
    w = lambda v: f"{v / WAN:,.1f}"   # noqa: E731
    return L("execution.headline", year=h["year"], paid=w(h["paid"]), plan=w(h["plan"]), lo=w(h["p5"]),
             hi=w(h["p95"]), expected=w(h["expected"]), variance=f"{h['variance'] / WAN:+,.1f}",
             plo=w(h["plan_p5"]), phi=w(h["plan_p95"]))


def write_chart(ev: ExecutionView, charts_dir: Path, L: Labels) -> dict:
    """The cumulative chart as PNG and SVG in `charts_dir`: {"png", "svg", "title"} as
    `report_charts.write_charts` gives its charts."""
    from forecast.reforecast.files import execution_chart
    png, svg = charts_dir / "budget_execution.png", charts_dir / "budget_execution.svg"
    execution_chart(ev.bands, ev.meta["as_of"], png, L.lang, svg)
    return {"png": png, "svg": svg, "title": L("execution.chart")}


def report_context(ev: ExecutionView, L: Labels, chart: dict) -> dict:
    """The report section's content (`chart`: from `write_chart`)."""
    png = chart["png"]
    w = lambda v: f"{v / WAN:,.1f}"   # noqa: E731
    rows = [{"year": int(r.year), "plan": w(r.plan), "plan_band": f"{w(r.plan_p5)}–{w(r.plan_p95)}",
             "actual": w(r.actual), "committed": w(r.committed), "reforecast": w(r.reforecast),
             "band": f"{w(r.reforecast_p5)}–{w(r.reforecast_p95)}", "variance": f"{r.variance / WAN:+,.1f}"}
            for r in ev.totals().itertuples()]
    return {"intro": L("execution.intro", as_of=ev.meta["as_of"], records=Path(ev.meta["records"]).name,
                       used=ev.meta["records_used"], reps=ev.meta["replications"]),
            "headline": headline(ev, L), "rows": rows, "notes": ev.meta["notes"],
            "chart": "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii"),
            "chart_title": L("execution.chart")}


COLUMNS = ("year", "rule", "plan", "plan_p5", "plan_p95", "actual", "committed", "reforecast", "reforecast_p5",
           "reforecast_p95", "variance")


def write_sheet(w, ws, ev: ExecutionView, L: Labels) -> None:
    """The 预算执行 sheet: headline, then year × rule (万元), totals in bold, then the rates."""
    w.text(ws, 0, 0, L("execution.title", as_of=ev.meta["as_of"]), "title")
    w.text(ws, 1, 0, headline(ev, L), "note")
    w.header(ws, 3, [L(f"execution.col_{c}") for c in COLUMNS], [8, 12] + [13] * (len(COLUMNS) - 2))
    r = 3
    for row in ev.table.itertuples(index=False):
        r += 1
        total = row.rule == "total"
        w.num(ws, r, 0, row.year, "year")
        w.text(ws, r, 1, L("execution.total") if total else row.rule, "text_b" if total else "text")
        for c, col in enumerate(COLUMNS[2:], start=2):
            w.num(ws, r, c, getattr(row, col) / WAN, "wan_b" if total else "wan")
    r += 2
    cols = ["what", "recorded", "plan_expected", "prior_mean", "posterior_mean", "posterior_p5", "posterior_p95",
            "updated", "note"]
    w.header(ws, r, [L(f"execution.rate_{c}") for c in cols], [30, 10, 10, 12, 12, 12, 12, 8, 60])
    for row in ev.rates.itertuples(index=False):
        r += 1
        for c, col in enumerate(cols):
            v = getattr(row, col)
            if isinstance(v, str) or col == "updated":
                w.text(ws, r, c, "" if pd.isna(v) else (L("yes") if v is True else L("no") if v is False else str(v)))
            else:
                w.num(ws, r, c, v, "num")
    r += 2
    for note in ev.meta["notes"]:
        w.text(ws, r, 0, note, "note")
        r += 1
