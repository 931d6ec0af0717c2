"""planner.xlsx: the planner's report as an Excel workbook (xlsxwriter), sheet names and headers
in Chinese.

Every figure is a number cell with a number format, never text: money in 万元 (yuan / 10,000,
unrounded: the format shows one decimal), cost per unit in 元, probabilities and shares as
percentages. A target set by assumption has its values and probabilities but no difference
cells, and says so in its own column. Headers are frozen and column widths set.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from forecast.display.labels import WAN, Labels
from forecast.planner.report.common import PlannerLabels, missing
from forecast.planner.report.sweep_view import LEVELS, cheapest, point_label
from forecast.display.wording import target_label
from forecast.futures.statistics import TOTAL

#: column kind → xlsxwriter number format (money is written in 万元)
FORMATS = {"wan": "#,##0.0", "yuan": "#,##0", "pct": "0.0%", "num": "#,##0.####", "text": None}


class _Book:
    """The workbook with its formats; `table` writes one sheet of typed columns."""

    def __init__(self, path: Path, unit: str):
        self.unit = unit
        self.wb = xlsxwriter.Workbook(str(path))
        base = {"font_name": "Microsoft YaHei", "font_size": 10}
        self.head = self.wb.add_format({**base, "bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
                                        "valign": "top"})
        self.fmt = {k: self.wb.add_format({**base, **({"num_format": f} if f else {"valign": "top"})})
                    for k, f in FORMATS.items()}

    def table(self, name: str, columns: list[tuple[str, str]], rows: list[list]) -> None:
        """A sheet: `columns` as (header, kind), `rows` as values (yuan for 'wan' columns)."""
        ws = self.wb.add_worksheet(name)
        for c, (head, kind) in enumerate(columns):
            head = f"{head}({self.unit})" if kind == "wan" and self.unit not in head else head
            ws.write_string(0, c, head, self.head)
            ws.set_column(c, c, 40 if kind == "text" and len(head) > 6 else max(10, min(28, 2 * len(head) + 2)))
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, ((_, kind), v) in enumerate(zip(columns, row)):
                self._cell(ws, r, c, v, kind)

    def _cell(self, ws, r: int, c: int, v, kind: str) -> None:
        if kind == "text" or isinstance(v, str):
            ws.write_string(r, c, "" if v is None else str(v), self.fmt["text"])
        elif missing(v) or v is None:
            ws.write_blank(r, c, None, self.fmt[kind])
        elif not np.isfinite(float(v)):
            ws.write_string(r, c, "∞" if float(v) > 0 else "−∞", self.fmt["text"])
        else:
            ws.write_number(r, c, float(v) / WAN if kind == "wan" else float(v), self.fmt[kind])

    def close(self) -> None:
        self.wb.close()


def _provenance(book: _Book, P: PlannerLabels, rows: list[dict]) -> None:
    book.table(P("sheet.provenance"), [(P("provenance"), "text"), (Labels("zh")("value"), "text")],
               [[r["key"], r["value"]] for r in rows])


def write_compare_workbook(path: Path, data: dict, ctx: dict) -> None:
    """planner.xlsx of a comparison: headline, targets, articles, cost-effectiveness, deadweight."""
    P, s, long = ctx["P"], data["summary"], data["long"]
    base = data["scenarios"][s["base"]["name"]]
    L = Labels("zh", base)
    book = _Book(path, P("wan"))
    money = [(P("base"), "wan"), (P("reform"), "wan"), (P("delta"), "wan"), (L("p5"), "wan"), (L("p95"), "wan"),
             (P("paired_se"), "wan"), (P("independent_se"), "wan")]
    fields = ["base_mean", "reform_mean", "delta_mean", "delta_p5", "delta_p95", "delta_se", "independent_se"]
    heads = {"policy": "compare.c_policy", "cost": "compare.c_cost", "committed": "compare.c_later"}
    rows = []
    for about in s["reforms"]:
        for period, key in heads.items():
            r = _pick(long, about["name"], TOTAL, "outlay", period)
            rows.append([about["title"], P(key, span=f"{base.policy.valid_from.year}–{base.policy.valid_to.year}"),
                         *[r[f] for f in fields]])
    book.table(P("sheet.summary"), [(P("reform"), "text"), (L("indicator"), "text"), *money], rows)
    rows = []
    for about in s["reforms"]:
        for t in base.targets:
            v, p = _pick(long, about["name"], t.id, "value", "target"), _pick(long, about["name"], t.id, "p_met", "target")
            note = P("set_by_label", params=L.join(t.set_by)) if t.set_by else ""
            rows.append([about["title"], t.id, target_label(L, t), note, t.goal, v["base_mean"], v["reform_mean"],
                         None if t.set_by else v["delta_mean"], None if t.set_by else v["delta_se"],
                         p["base_mean"], p["reform_mean"], None if t.set_by else p["delta_mean"]])
    book.table(P("sheet.targets"), [(P("reform"), "text"), (L("target"), "text"), (L("indicator"), "text"),
                                    (P("set_by_cell"), "text"), (L("goal"), "num"), (P("value_base"), "num"),
                                    (P("value_reform"), "num"), (P("delta"), "num"), (P("paired_se"), "num"),
                                    (P("p_met_base"), "pct"), (P("p_met_reform"), "pct"), (P("delta_p"), "pct")], rows)
    rows = []
    for about, r in zip(s["reforms"], ctx["reforms"]):
        reform = data["scenarios"][about["name"]]
        part = long[(long["reform"] == about["name"]) & (long["measure"] == "outlay")
                    & (long["period"].astype(str) == "policy")]
        for rec in part.to_dict("records"):
            rule = (reform.policy.rule(rec["item"]) if rec["item"] in reform.policy.rule_ids() else
                    base.policy.rule(rec["item"]) if rec["item"] in base.policy.rule_ids() else None)
            rows.append([about["title"], L.article(rule.article) if rule else "",
                         rec["item"] if rule else L("total"), rule.text if rule else "", *[rec[f] for f in fields]])
    book.table(P("sheet.articles"), [(P("reform"), "text"), (L("article"), "text"), (L("rule"), "text"),
                                     (P("compare.rule_text"), "text"), *money], rows)
    eff = data["effect"]
    book.table(P("sheet.effect"), [(P("reform"), "text"), (L("target"), "text"), (P("compare.effect_note"), "text"),
                                   (P("compare.effect_cost"), "wan"), (P("compare.effect_effect"), "num"),
                                   (P("paired_se"), "num"), (f"{P('compare.effect_ratio')}({P('yuan')})", "yuan"),
                                   (L("p5"), "yuan"), (L("p95"), "yuan"), (P("compare.effect_note"), "text")],
               [[r["reform"], r["target"], P("per_share") if r["effect_unit"] == "+0.1 pp" else P("per_person"),
                 r["delta_cost_mean"], r["delta_effect_mean"], r["delta_effect_se"], r["yuan_per_unit"],
                 r["yuan_per_unit_p5"], r["yuan_per_unit_p95"], P.note(r["note"])] for r in eff.to_dict("records")])
    book.table(P("sheet.deadweight"), [(P("reform"), "text"), (P("compare.c_deadweight"), "pct"), (L("p5"), "pct"),
                                       (L("p95"), "pct"), (P("compare.dw_extra"), "wan"), (P("compare.dw_anyway"), "wan"),
                                       (P("compare.dw_new"), "wan"), (P("compare.effect_note"), "text")],
               [[r["reform"], r["deadweight_share"], r["deadweight_share_p5"], r["deadweight_share_p95"],
                 r["extra_outlay_mean"], r["deadweight_mean"], r["extra_events_mean"], c["deadweight"]]
                for r, c in zip(data["dead"].to_dict("records"), ctx["reforms"])])
    _provenance(book, P, ctx["provenance"])
    book.close()


def _pick(long: pd.DataFrame, reform: str, item: str, measure: str, period: str) -> dict:
    return long[(long["reform"] == reform) & (long["item"] == item) & (long["measure"] == measure)
                & (long["period"].astype(str) == period)].iloc[0].to_dict()


def write_sweep_workbook(path: Path, data: dict, ctx: dict) -> None:
    """planner.xlsx of a sweep: the grid, every point, the cheapest point per probability level."""
    P, s, table, keys, targets = ctx["P"], data["summary"], data["table"], data["keys"], data["forecast"]
    L = Labels("zh")
    book = _Book(path, P("wan"))
    book.table(P("sheet.grid"), [(P("sweep.key"), "text"), (P("sweep.low"), "num"), (P("sweep.high"), "num"),
                                 (P("sweep.steps"), "num")],
               [[v["key"], v["low"], v["high"], v["steps"]] for v in s["vary"]])
    cols = [(P("point"), "text"), *[(k, "num") for k in keys], (f"{P('sweep.outlay')}{L('mean')}", "wan"),
            (L("p5"), "wan"), (L("p95"), "wan"), (P("sweep.delta"), "wan"), (P("paired_se"), "wan"),
            (P("compare.c_cost"), "wan"), (P("sweep.deadweight"), "pct")]
    for t, unit in ((t["id"], t["unit"]) for t in ctx["targets"]):
        cols += [(f"{t} {P('p_met')}", "pct"), (f"{t} {L('mc_se')}", "pct"),
                 (f"{P('sweep.cost_per', target=t)}({unit})", "yuan")]
    rows = [[r["point"], *[r[k] for k in keys], r["outlay_mean"], r["outlay_p5"], r["outlay_p95"],
             r["delta_outlay_mean"], r["delta_outlay_se"], r["delta_cost_mean"], r["deadweight_share"],
             *[x for t in targets for x in (r[f"p_met:{t}"], r[f"p_met_se:{t}"], r[f"yuan_per_unit:{t}"])]]
            for r in table.to_dict("records")]
    book.table(P("sheet.points"), cols, rows)
    rows = []
    for t in targets:
        for level in LEVELS:
            r = cheapest(table, t, level)
            if r is None:
                rows.append([t, level, P("sweep.none_reaches", target=t, level=f"{level:.0%}"), None, None])
            else:
                rows.append([t, level, f"{r['point']}: {point_label(r, keys)}", r["outlay_mean"], r[f"p_met:{t}"]])
    book.table(P("sheet.cheapest"), [(L("target"), "text"), (P("sweep.level"), "pct"), (P("sweep.cheapest"), "text"),
                                     (f"{P('sweep.outlay')}{L('mean')}", "wan"), (P("p_met"), "pct")], rows)
    _provenance(book, P, ctx["provenance"])
    book.close()
