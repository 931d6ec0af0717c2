"""forecast.xlsx: the budget view as an Excel workbook (xlsxwriter), in Chinese by default.

Sheets: summary; outlays by year × rule (mean, 万元); outlay percentiles (year × rule, mean and
5/25/50/75/95 %, 万元); committed liabilities after the policy; targets with probabilities;
the fund's account year by year; the assumptions (every parameter: specification, values
drawn, rules it feeds, source) and the rules (amounts, citation); the charts (PNG images).
Sheet names and headers come from the catalogue (`labels.py`).

A single run is one simulated future: its workbook has no percentile sheet and no mean,
percentile or probability column anywhere — each figure is that future's value, targets are
met or not, there is no principal needed — and the summary says so and points to --reps.

Every figure is a number cell with a number format (never text), headers are frozen and
column widths set. Amounts are in 万元 (yuan / 10,000, unrounded: the format rounds).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xlsxwriter

from forecast.results.budget import Budget
from forecast.display.labels import WAN, Labels
from forecast.sensitivity.view import write_sheet
from forecast.display.wording import (articles, policy_span, reached_text, rule_what, rules_table, target_label,
                                      year_head)
from forecast.futures.statistics import STATS, TOTAL

#: sheet keys in workbook order (their names: the catalogue's "sheet" group)
SHEETS = ("summary", "outlays", "stats", "liabilities", "targets", "fund", "assumptions", "rules", "charts")


def sheet_names(lang: str, monte_carlo: bool = True) -> dict:
    """Sheet key → the sheet's name in `lang`, in workbook order; one future has no
    percentile sheet and its outlays are not a mean."""
    L = Labels(lang)
    if monte_carlo:
        return {key: L(f"sheet.{key}") for key in SHEETS}
    return {key: L("sheet.outlays_one" if key == "outlays" else f"sheet.{key}") for key in SHEETS if key != "stats"}


class _Writer:
    """The workbook with its cell formats."""

    def __init__(self, path: Path, lang: str):
        self.wb = xlsxwriter.Workbook(str(path))
        base = {"font_name": "Microsoft YaHei" if lang == "zh" else "Calibri", "font_size": 10}
        f = self.wb.add_format
        self.fmt = {
            "title": f({**base, "bold": True, "font_size": 13}),
            "head": f({**base, "bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"}),
            "text": f({**base, "valign": "top"}),
            "note": f({**base, "italic": True, "font_color": "#555555"}),
            "wan": f({**base, "num_format": "#,##0.0"}),
            "wan_b": f({**base, "num_format": "#,##0.0", "bold": True, "top": 1}),
            "text_b": f({**base, "bold": True, "top": 1}),
            "int": f({**base, "num_format": "#,##0"}),
            "num": f({**base, "num_format": "#,##0.####"}),
            "pct": f({**base, "num_format": "0.0%"}),
            "rate": f({**base, "num_format": "0.00%"}),
            "year": f({**base, "num_format": "0"}),
        }

    def header(self, ws, row: int, labels: list, widths: list) -> None:
        for c, label in enumerate(labels):
            ws.write_string(row, c, str(label), self.fmt["head"])
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(row + 1, 0)

    def num(self, ws, r: int, c: int, v, fmt: str = "wan") -> None:
        """A number cell; NaN stays empty, ±inf is written as the text ∞."""
        if v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)):
            ws.write_blank(r, c, None, self.fmt[fmt])
        elif isinstance(v, (float, np.floating)) and not np.isfinite(v):
            ws.write_string(r, c, "∞" if v > 0 else "−∞", self.fmt["text"])
        else:
            ws.write_number(r, c, float(v), self.fmt[fmt])

    def text(self, ws, r: int, c: int, v: str, fmt: str = "text") -> None:
        ws.write_string(r, c, str(v), self.fmt[fmt])


def write_workbook(b: Budget, path: str | Path, lang: str = "zh", charts: dict | None = None) -> Path:
    """Write forecast.xlsx for the budget `b` to `path`; `charts` ({name: {"png": …, "title": …}})
    are embedded as images on the last sheet."""
    path = Path(path)
    L = Labels(lang, b.scenario)
    names = sheet_names(lang, b.monte_carlo)
    w = _Writer(path, lang)
    w.wb.set_properties({"title": L("summary.document", title=b.title), "subject": "forecast", "author": "forecast"})
    for key, write in (("summary", _summary), ("outlays", _outlays), ("stats", _stats),
                       ("liabilities", _liabilities), ("targets", _targets), ("fund", _fund),
                       ("assumptions", _assumptions), ("rules", _rules)):
        if key in names:
            write(w, w.wb.add_worksheet(names[key]), b, L)
    if b.drivers is not None:
        write_sheet(w, w.wb.add_worksheet(L("sensitivity.sheet")), b.drivers, L, b.scenario)
    if b.execution is not None:
        from forecast.reforecast.view import write_sheet as execution_sheet
        execution_sheet(w, w.wb.add_worksheet(L("execution.sheet")), b.execution, L)
    if charts:
        ws = w.wb.add_worksheet(names["charts"])
        w.text(ws, 0, 0, names["charts"], "title")
        for i, chart in enumerate(charts.values()):
            w.text(ws, 2 + 32 * i, 0, chart["title"])
            ws.insert_image(3 + 32 * i, 0, str(chart["png"]), {"x_scale": 0.55, "y_scale": 0.55, "object_position": 1})
    w.wb.close()
    return path


def _summary(w: _Writer, ws, b: Budget, L: Labels) -> None:
    h = b.headline_numbers()
    span = policy_span(b.policy)
    mc = b.monte_carlo
    end_year = b.years[-1]
    w.text(ws, 0, 0, f"{b.title} — {L('summary.title')}", "title")
    keys = ("mean", "p5", "p50", "p95") if mc else ("mean",)
    heads = [L(k) for k in keys] if mc else [L("summary.value")]
    w.header(ws, 2, [L("summary.item")] + heads, [46] + [14] * len(keys))
    rows = [(L("summary.in_period", span=span), h["in_period"], WAN, "wan"),
            (L("summary.per_year"), h["per_year_policy"], WAN, "wan"),
            (L("summary.committed", end=b.end_year), h["committed"], WAN, "wan"),
            (L("owed_after", end=end_year), h["owed_after"], WAN, "wan"),
            (L("summary.returns", span=span), h["returns_in_period"], WAN, "wan"),
            (L("summary.principal"), h["principal"], WAN, "wan"),
            (L("rate"), h["rate"], 1.0, "rate"),
            (L("summary.unfunded_end", year=b.end_year), h["unfunded_end_period"], WAN, "wan"),
            (L("summary.account_end", year=end_year), h["account_end"], WAN, "wan"),
            (L("summary.principal_end", year=end_year), h["principal_end"], WAN, "wan")]
    if b.fund.appropriated:          # a budget: its yearly appropriation, no rate, no principal (labels' overlay)
        rows = rows[:5] + [(L("summary.principal"), h["appropriation"], WAN, "wan")] + rows[7:9]
    r = 3
    for label, st, div, fmt in rows:
        w.text(ws, r, 0, label)
        for c, key in enumerate(keys, start=1):
            w.num(ws, r, c, st[key] / div, fmt)
        r += 1
    if mc:
        single = ((L("summary.needed"), h["needed_p95"] / WAN, "wan"),
                  (L("summary.shortfall_any"), h["p_shortfall_any"], "pct"),
                  (L("summary.peak"), h["peak_year"], "year"),
                  (L("summary.targets"), h["targets_likely"], "int"),
                  (L("summary.reps"), b.replications, "int"))
    else:
        single = ((L("summary.first_shortfall"), h["first_shortfall"], "year"),
                  (L("summary.peak"), h["peak_year"], "year"),
                  (L("summary.targets_met"), h["targets_met"], "int"),
                  (L("summary.reps"), b.replications, "int"))
    for label, v, fmt in single:
        w.text(ws, r, 0, label)
        if v is None:
            w.text(ws, r, 1, L("none"))
        else:
            w.num(ws, r, 1, v, fmt)
        r += 1
    w.text(ws, r, 0, L("summary.validity"))
    w.text(ws, r, 1, f"{b.policy.valid_from} – {b.policy.valid_to}")
    w.text(ws, r + 2, 0, L("unit"), "note")
    if not mc:
        w.text(ws, r + 3, 0, L("one_future"), "note")


def _rule_rows(b: Budget):
    for article, rules in articles(b.policy, b.cash):
        for rule in rules:
            yield article, b.policy.rule(rule)


def _outlays(w: _Writer, ws, b: Budget, L: Labels) -> None:
    years = b.years
    heads = [L("article"), L("rule"), L("what")] + [year_head(b.policy, y) for y in years] + [L("total")]
    w.header(ws, 0, heads, [10, 9, 26] + [11] * (len(years) + 1))
    ws.freeze_panes(1, 3)
    r = 1
    for article, rule in _rule_rows(b):
        w.text(ws, r, 0, article)
        w.text(ws, r, 1, rule.id)
        w.text(ws, r, 2, rule_what(L, rule))
        for c, y in enumerate(years, start=3):
            w.num(ws, r, c, b.outlays.loc[y, rule.id] / WAN)
        w.num(ws, r, 3 + len(years), b.outlays[rule.id].sum() / WAN)
        r += 1
    w.text(ws, r, 0, L("total"), "text_b")
    w.text(ws, r, 1, TOTAL, "text_b")
    w.text(ws, r, 2, "", "text_b")
    for c, y in enumerate(years, start=3):
        w.num(ws, r, c, b.outlays.loc[y, TOTAL] / WAN, "wan_b")
    w.num(ws, r, 3 + len(years), b.outlays[TOTAL].sum() / WAN, "wan_b")
    w.text(ws, r + 2, 0, f"{L('unit')}; {L('committed_mark', end=b.end_year)}", "note")


def _stats(w: _Writer, ws, b: Budget, L: Labels) -> None:
    w.header(ws, 0, [L("year"), L("article"), L("rule")] + [L(c) for c in STATS], [8, 10, 9] + [12] * 6)
    order = [(rule.id, article) for article, rule in _rule_rows(b)] + [(TOTAL, L("total"))]
    stats = b.stats.set_index(["year", "rule"])
    r = 1
    for y in b.years:
        for rule, article in order:
            row = stats.loc[(y, rule)]
            w.num(ws, r, 0, y, "year")
            w.text(ws, r, 1, article)
            w.text(ws, r, 2, rule)
            for c, col in enumerate(STATS, start=3):
                w.num(ws, r, c, float(row[col]) / WAN)
            r += 1
    ws.autofilter(0, 0, r - 1, 2 + len(STATS))
    w.text(ws, r + 1, 0, L("unit"), "note")


def _liabilities(w: _Writer, ws, b: Budget, L: Labels) -> None:
    stats = STATS if b.monte_carlo else ["mean"]
    heads = [L(c) for c in stats] if b.monte_carlo else [L("value_one")]
    w.header(ws, 0, [L("rule"), L("article"), L("what"), L("year")] + heads, [9, 10, 26, 10] + [12] * len(stats))
    r = 1
    for row in b.liabilities().itertuples(index=False):
        total = row.rule == TOTAL
        w.text(ws, r, 0, row.rule)
        w.text(ws, r, 1, L("total") if total else b.policy.rule(row.rule).article)
        w.text(ws, r, 2, "" if total else rule_what(L, b.policy.rule(row.rule)))
        if row.year == "all":
            w.text(ws, r, 3, L("all_years"), "text_b")
        else:
            w.num(ws, r, 3, int(row.year), "year")
        for c, col in enumerate(stats, start=4):
            w.num(ws, r, c, getattr(row, col) / WAN, "wan_b" if row.year == "all" else "wan")
        r += 1
    w.text(ws, r + 1, 0, f"{L('unit')}; {L('committed_mark', end=b.end_year)}", "note")


def _targets(w: _Writer, ws, b: Budget, L: Labels) -> None:
    rows = b.targets.set_index("target")
    if not b.monte_carlo:
        w.header(ws, 0, [L("target"), L("indicator"), L("goal"), L("value_one"), L("terminal.met"),
                         L("how_reached"), L("source")], [8, 34, 10, 14, 8, 36, 40])
        for r, t in enumerate(b.scenario.targets, start=1):
            v = float(rows.loc[t.id, "value_mean"])
            w.text(ws, r, 0, t.id)
            w.text(ws, r, 1, target_label(L, t))
            w.num(ws, r, 2, t.goal, "pct" if t.share else "int")
            w.num(ws, r, 3, v, "pct" if t.share else "num")
            w.text(ws, r, 4, L("yes") if t.met(v) else L("no"))
            w.text(ws, r, 5, reached_text(L, t))
            w.text(ws, r, 6, t.source)
        w.text(ws, len(b.scenario.targets) + 2, 0, L("set_by_note"), "note")
        return
    w.header(ws, 0, [L("target"), L("indicator"), L("goal"), L("probability"), L("mc_se"), L("mean"), L("p5"),
                     L("p50"), L("p95"), L("how_reached"), L("source")], [8, 34, 10, 10, 10, 11, 11, 11, 11, 36, 40])
    for r, t in enumerate(b.scenario.targets, start=1):
        row = rows.loc[t.id]
        w.text(ws, r, 0, t.id)
        w.text(ws, r, 1, target_label(L, t))
        w.num(ws, r, 2, t.goal, "pct" if t.share else "int")
        w.num(ws, r, 3, row["probability"], "pct")
        w.num(ws, r, 4, row["mc_se"], "pct")
        for c, col in enumerate(("value_mean", "value_p5", "value_p50", "value_p95"), start=5):
            w.num(ws, r, c, row[col], "pct" if t.share else "num")
        w.text(ws, r, 9, reached_text(L, t))
        w.text(ws, r, 10, t.source)
    w.text(ws, len(b.scenario.targets) + 2, 0, L("set_by_note"), "note")


def _fund_columns(b: Budget, L: Labels) -> list[tuple]:
    """(header, field of FundView.table(), divisor, format) of the fund sheet's yearly table."""
    yr = [(L("year"), "year", 1, "year")]
    if b.fund.appropriated:          # a budget appropriation: no drawing, no principal
        names = ("outlays", "returns", "account", "unfunded")
        field = {"returns": "appropriation"}
        if not b.monte_carlo:
            return yr + [(L(n), field.get(n, n), WAN, "wan") for n in names]
        stats = {"outlays": ("mean",), "unfunded": ("mean",)}
        return (yr + [(f"{L(n)} {L(st)}", f"{field.get(n, n)}_{st}", WAN, "wan") for n in names
                      for st in stats.get(n, ("mean", "p5", "p95"))] + [(L("p_shortfall"), "p_shortfall", 1, "pct")])
    if not b.monte_carlo:
        cols = [(L("outlays"), "outlays"), (L("returns"), "returns"), (L("account"), "account"),
                (L("unfunded"), "unfunded"), (L("drawn"), "drawn"), (L("principal_end"), "principal")]
        return yr + [(head, field, WAN, "wan") for head, field in cols]
    cols = [("outlays", "mean"), ("returns", "mean"), ("returns", "p5"), ("returns", "p95"), ("account", "mean"),
            ("account", "p5"), ("account", "p95"), ("unfunded", "mean"), ("drawn", "mean"), ("principal_end", "mean"),
            ("principal_end", "p5"), ("principal_end", "p95")]
    field = {"principal_end": "principal"}
    return (yr + [(f"{L(name)} {L(stat)}", f"{field.get(name, name)}_{stat}", WAN, "wan") for name, stat in cols]
            + [(L("p_shortfall"), "p_shortfall", 1, "pct")])


def _fund(w: _Writer, ws, b: Budget, L: Labels) -> None:
    cols = _fund_columns(b, L)
    mc = b.monte_carlo
    heads = [c[0] for c in cols] + ([] if mc else [L("shortfall")])
    w.header(ws, 0, heads, [8] + [13] * (len(heads) - 1))
    r = 1
    for row in b.fund.table().itertuples(index=False):
        for c, (_, field, div, fmt) in enumerate(cols):
            w.num(ws, r, c, getattr(row, field) / div, fmt)
        if not mc:
            w.text(ws, r, len(cols), L("yes") if row.shortfall else L("no"))
        r += 1
    h = b.headline_numbers()
    r += 1
    stat = "mean"
    facts = [(L("summary.principal"), h["principal"][stat] / WAN, "wan"), (L("rate"), h["rate"][stat], "rate"),
             (L("summary.top_up"), float(np.mean(b.fund.top_up)) / WAN, "wan")]
    if b.fund.appropriated:
        facts = [(L("summary.principal"), h["appropriation"][stat] / WAN, "wan")]
    if mc:
        facts += [(L("summary.needed"), h["needed_p95"] / WAN, "wan"),
                  (L("summary.shortfall_any"), h["p_shortfall_any"], "pct")]
    for label, v, fmt in facts:
        w.text(ws, r, 0, label)
        w.num(ws, r, 3, v, fmt)
        r += 1
    if not b.fund.appropriated:
        w.text(ws, r, 0, L("draw"))
        w.text(ws, r, 3, L("yes") if b.fund.draw_on_principal else L("no"))
        r += 1
    r += 1
    draw = L("draw_yes") if b.fund.draw_on_principal else L("draw_no")
    notes = [L("fund_formula"), draw, L("fund_rest"), L("fund_needed") if mc else L("one_future"),
             L("fund_values"), L("unit")]
    for line in notes:
        w.text(ws, r, 0, line, "note")
        r += 1


def _assumptions(w: _Writer, ws, b: Budget, L: Labels) -> None:
    values = ("mean", "p5", "p95") if b.monte_carlo else ("mean",)
    heads = ([L("parameter"), L("spec"), L("kind"), L("rules")]
             + ([L("value_mean"), L("p5"), L("p95")] if b.monte_carlo else [L("value_one")]) + [L("source")])
    w.header(ws, 0, heads, [40, 30, 10, 20] + [14] * len(values) + [90])
    for r, row in enumerate(b.assumptions.itertuples(index=False), start=1):
        w.text(ws, r, 0, row.parameter)
        w.text(ws, r, 1, row.specification)
        w.text(ws, r, 2, L(row.kind))
        w.text(ws, r, 3, row.rules)
        for c, col in enumerate(values, start=4):
            w.num(ws, r, c, getattr(row, col), "num")
        w.text(ws, r, 4 + len(values), row.source)
    ws.autofilter(0, 0, len(b.assumptions), len(heads) - 1)


def _rules(w: _Writer, ws, b: Budget, L: Labels) -> None:
    w.header(ws, 0, [L("rule"), L("article"), L("what"), L("amounts"), L("after_policy"), L("in_kind"), L("source"),
                     L("reading")], [9, 9, 50, 40, 10, 8, 40, 60])
    for r, row in enumerate(rules_table(L, b.policy).itertuples(index=False), start=1):
        for c, v in enumerate((row.id, row.article, row.text, row.amounts,
                               L("yes") if row.after_policy else L("no"), L("yes") if row.in_kind else L("no"),
                               row.source, row.reading)):
            w.text(ws, r, c, v)
