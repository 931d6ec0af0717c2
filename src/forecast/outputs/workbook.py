"""forecast.xlsx: the budget view as an Excel workbook (xlsxwriter), in Chinese by default.

Sheets: summary; outlays by year × rule (mean, 万元); outlay percentiles (year × rule, mean and
5/25/50/75/95 %, 万元); committed liabilities after the policy; targets with probabilities;
the fund year by year; the assumptions (every parameter: specification, value drawn, rules it
feeds, source) and the rules (amounts, citation); the charts (PNG images).

Every figure is a number cell with a number format (never text), headers are frozen and
column widths set. Amounts are in 万元 (yuan / 10,000, unrounded: the format rounds).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xlsxwriter

from forecast.runs.statistics import STATS, TOTAL
from forecast.outputs.budget import Budget
from forecast.outputs.terminal import WAN

SHEETS = {
    "zh": {"summary": "摘要", "outlays": "支出(均值)", "stats": "支出分位数", "liabilities": "已承诺支出",
           "targets": "目标", "fund": "基金", "assumptions": "假设与参数", "rules": "奖励规则", "charts": "图表"},
    "en": {"summary": "Summary", "outlays": "Outlays (mean)", "stats": "Outlay percentiles",
           "liabilities": "Committed", "targets": "Targets", "fund": "Fund", "assumptions": "Assumptions",
           "rules": "Rules", "charts": "Charts"},
}
T = {
    "zh": {
        "article": "条款", "rule": "规则", "what": "内容", "total": "合计", "year": "年份", "all": "合计(各年)",
        "mean": "均值", "p5": "5%分位", "p25": "25%分位", "p50": "中位数", "p75": "75%分位", "p95": "95%分位",
        "unit": "单位:万元", "committed_mark": "* {end}年后:政策已承诺的支出",
        "target": "目标", "metric": "指标", "goal": "目标值", "probability": "达成概率", "mc_se": "蒙特卡洛标准误",
        "source": "来源", "parameter": "参数", "spec": "设定(值或分布)", "kind": "类型", "rules": "相关规则",
        "value": "取值(均值)", "low": "5%分位", "high": "95%分位", "amounts": "金额", "after_policy": "政策期后继续",
        "in_kind": "实物", "reading": "解读", "yes": "是", "no": "否",
        "outlays": "支出均值", "returns": "收益均值", "returns_p5": "收益5%", "returns_p95": "收益95%",
        "surplus": "结余(收益−支出)均值", "p_exceed": "P(支出>收益)", "drawn": "动用本金均值",
        "balance": "年末本金均值", "balance_p5": "年末本金5%", "balance_p95": "年末本金95%",
        "summary_title": "预算摘要", "item": "项目", "figure": "数值", "range": "90%区间",
        "s_reps": "模拟次数", "s_validity": "政策有效期", "s_in_period": "{span}期内支出合计(万元)",
        "s_per_year": "期内年均支出(万元)", "s_committed": "{end}年后已承诺支出合计(万元)",
        "s_peak": "支出最高年份", "s_returns": "期内基金收益合计(万元)", "s_exceed_any": "至少一年支出超过收益的概率",
        "s_principal": "基金本金(假设,万元)", "s_rate": "年收益率(假设)", "s_needed": "收益覆盖95%情形支出所需本金(万元)",
        "s_balance_end": "{year}年末本金(万元)", "s_targets": "达成概率≥50%的目标数",
        "fund_notes": ["公式: 收益_y = 本金_{y-1} × 收益率; 缺口_y = max(0, 支出_y − 收益_y);",
                       "本金_y = 本金_{y-1} + 年度注资 − 缺口_y(动用本金时); 结余不计入本金。",
                       "所需本金 = 各年最大支出 / 收益率(仅用收益覆盖), 取各次模拟的95%分位。"],
        "draw": "缺口由本金弥补", "top_up": "年度注资(万元)",
        "charts_title": "图表",
    },
    "en": {
        "article": "article", "rule": "rule", "what": "what", "total": "total", "year": "year", "all": "all years",
        "mean": "mean", "p5": "5 %", "p25": "25 %", "p50": "median", "p75": "75 %", "p95": "95 %",
        "unit": "10,000 yuan (万元)", "committed_mark": "* after {end}: committed by the policy",
        "target": "target", "metric": "metric", "goal": "goal", "probability": "probability", "mc_se": "MC s.e.",
        "source": "source", "parameter": "parameter", "spec": "specification", "kind": "kind", "rules": "rules",
        "value": "value (mean)", "low": "5 %", "high": "95 %", "amounts": "amounts", "after_policy": "after policy",
        "in_kind": "in kind", "reading": "reading", "yes": "yes", "no": "no",
        "outlays": "outlays mean", "returns": "returns mean", "returns_p5": "returns 5 %", "returns_p95": "returns 95 %",
        "surplus": "surplus mean", "p_exceed": "P(outlays > returns)", "drawn": "drawn from principal",
        "balance": "principal mean", "balance_p5": "principal 5 %", "balance_p95": "principal 95 %",
        "summary_title": "Budget summary", "item": "item", "figure": "figure", "range": "90 % range",
        "s_reps": "replications", "s_validity": "policy validity", "s_in_period": "outlays {span} (10,000 yuan)",
        "s_per_year": "per policy year (10,000 yuan)", "s_committed": "committed after {end} (10,000 yuan)",
        "s_peak": "peak year", "s_returns": "fund returns {span} (10,000 yuan)",
        "s_exceed_any": "P(outlays > returns in some year)", "s_principal": "fund principal (assumed, 10,000 yuan)",
        "s_rate": "yearly return rate (assumed)", "s_needed": "principal for returns to cover 95 % of futures",
        "s_balance_end": "principal at end {year} (10,000 yuan)", "s_targets": "targets with probability ≥ 50 %",
        "fund_notes": ["returns_y = balance_{y-1} × rate; shortfall_y = max(0, outlays_y − returns_y);",
                       "balance_y = balance_{y-1} + top-up − shortfall_y (drawing on principal); surplus not added.",
                       "principal needed = max_y outlays_y / rate (returns only), 95th percentile over replications."],
        "draw": "shortfalls drawn from principal", "top_up": "yearly top-up (10,000 yuan)",
        "charts_title": "Charts",
    },
}


class _Writer:
    def __init__(self, path: Path, lang: str):
        self.wb = xlsxwriter.Workbook(str(path))
        self.lang = lang
        font = "Microsoft YaHei" if lang == "zh" else "Calibri"
        base = {"font_name": font, "font_size": 10}
        f = self.wb.add_format
        self.fmt = {
            "title": f({**base, "bold": True, "font_size": 13}),
            "head": f({**base, "bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"}),
            "text": f({**base, "valign": "top"}),
            "wrap": f({**base, "text_wrap": True, "valign": "top"}),
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

    def sheet(self, name: str):
        return self.wb.add_worksheet(name)

    def header(self, ws, row: int, labels: list, widths: list | None = None) -> None:
        for c, label in enumerate(labels):
            ws.write_string(row, c, str(label), self.fmt["head"])
        if widths:
            for c, w in enumerate(widths):
                ws.set_column(c, c, w)
        ws.freeze_panes(row + 1, 0)

    def num(self, ws, r: int, c: int, v, fmt: str = "wan") -> None:
        """A number cell; NaN stays empty, ±inf is written as the text ∞."""
        if v is None or (isinstance(v, float) and np.isnan(v)):
            ws.write_blank(r, c, None, self.fmt[fmt])
        elif isinstance(v, (float, np.floating)) and not np.isfinite(v):
            ws.write_string(r, c, "∞" if v > 0 else "−∞", self.fmt["text"])
        else:
            ws.write_number(r, c, float(v), self.fmt[fmt])

    def close(self) -> None:
        self.wb.close()


def write_workbook(b: Budget, path: str | Path, lang: str = "zh", charts: dict | None = None) -> Path:
    """Write forecast.xlsx for the budget `b` to `path`; `charts` ({name: {"png": …, "title": …}})
    are embedded as images."""
    path = Path(path)
    t = T[lang]
    names = SHEETS[lang]
    w = _Writer(path, lang)
    w.wb.set_properties({"title": f"{b.title}: budget forecast", "subject": "forecast", "author": "forecast"})
    _summary(w, w.sheet(names["summary"]), b, t)
    _outlays(w, w.sheet(names["outlays"]), b, t, lang)
    _stats(w, w.sheet(names["stats"]), b, t, lang)
    _liabilities(w, w.sheet(names["liabilities"]), b, t, lang)
    _targets(w, w.sheet(names["targets"]), b, t, lang)
    _fund(w, w.sheet(names["fund"]), b, t)
    _assumptions(w, w.sheet(names["assumptions"]), b, t)
    _rules(w, w.sheet(names["rules"]), b, t, lang)
    if charts:
        ws = w.sheet(names["charts"])
        ws.write_string(0, 0, t["charts_title"], w.fmt["title"])
        row = 2
        for chart in charts.values():
            ws.write_string(row, 0, str(chart["title"]), w.fmt["text"])
            ws.insert_image(row + 1, 0, str(chart["png"]), {"x_scale": 0.55, "y_scale": 0.55, "object_position": 1})
            row += 32
    w.close()
    return path


def _summary(w: _Writer, ws, b: Budget, t: dict) -> None:
    h = b.headline_numbers()
    span = f"{b.valid_from.year}–{b.end_year}"
    ws.write_string(0, 0, f"{b.title} — {t['summary_title']}", w.fmt["title"])
    w.header(ws, 2, [t["item"], t["mean"], t["p5"], t["p50"], t["p95"]], [46, 14, 14, 14, 14])
    rows = [
        (t["s_in_period"].format(span=span), h["in_period"], WAN, "wan"),
        (t["s_per_year"], h["per_year_policy"], WAN, "wan"),
        (t["s_committed"].format(end=b.end_year), h["committed"], WAN, "wan"),
        (t["s_returns"].format(span=span), h["returns_in_period"], WAN, "wan"),
        (t["s_principal"], h["principal"], WAN, "wan"),
        (t["s_rate"], h["rate"], 1.0, "rate"),
        (t["s_balance_end"].format(year=b.years[-1]), h["balance_end"], WAN, "wan"),
    ]
    r = 3
    for label, st, div, fmt in rows:
        ws.write_string(r, 0, label, w.fmt["text"])
        for c, key in enumerate(("mean", "p5", "p50", "p95"), start=1):
            w.num(ws, r, c, st[key] / div, fmt)
        r += 1
    singles = [
        (t["s_needed"], h["needed_p95"] / WAN, "wan"),
        (t["s_exceed_any"], h["p_exceed_any"], "pct"),
        (t["s_peak"], h["peak_year"], "year"),
        (t["s_targets"], h["targets_likely"], "int"),
        (t["s_reps"], b.replications, "int"),
    ]
    for label, v, fmt in singles:
        ws.write_string(r, 0, label, w.fmt["text"])
        w.num(ws, r, 1, v, fmt)
        r += 1
    ws.write_string(r, 0, t["s_validity"], w.fmt["text"])
    ws.write_string(r, 1, f"{b.valid_from} – {b.valid_to}", w.fmt["text"])
    ws.write_string(r + 2, 0, t["unit"], w.fmt["note"])


def _rule_rows(b: Budget):
    for article, rules in b.articles():
        for rule in rules:
            yield article, rule


def _outlays(w: _Writer, ws, b: Budget, t: dict, lang: str) -> None:
    years = b.years
    labels = [t["article"], t["rule"], t["what"]] + [f"{y}{'*' if y > b.end_year else ''}" for y in years] + [t["total"]]
    w.header(ws, 0, labels, [10, 9, 26] + [11] * (len(years) + 1))
    ws.freeze_panes(1, 3)
    r = 1
    for article, rule in _rule_rows(b):
        ws.write_string(r, 0, article, w.fmt["text"])
        ws.write_string(r, 1, rule, w.fmt["text"])
        ws.write_string(r, 2, b.rule_label(rule, lang).split(" ", 1)[-1], w.fmt["text"])
        for c, y in enumerate(years, start=3):
            w.num(ws, r, c, b.outlays.loc[y, rule] / WAN)
        w.num(ws, r, 3 + len(years), b.outlays[rule].sum() / WAN)
        r += 1
    ws.write_string(r, 0, t["total"], w.fmt["text_b"])
    ws.write_string(r, 1, TOTAL, w.fmt["text_b"])
    ws.write_string(r, 2, "", w.fmt["text_b"])
    for c, y in enumerate(years, start=3):
        w.num(ws, r, c, b.outlays.loc[y, TOTAL] / WAN, "wan_b")
    w.num(ws, r, 3 + len(years), b.outlays[TOTAL].sum() / WAN, "wan_b")
    ws.write_string(r + 2, 0, f"{t['unit']}; {t['committed_mark'].format(end=b.end_year)}", w.fmt["note"])


def _stats(w: _Writer, ws, b: Budget, t: dict, lang: str) -> None:
    w.header(ws, 0, [t["year"], t["article"], t["rule"]] + [t[c] for c in STATS], [8, 10, 9] + [12] * 6)
    r = 1
    order = [rule for _, rule in _rule_rows(b)] + [TOTAL]
    stats = b.stats.set_index(["year", "rule"])
    for y in b.years:
        for rule in order:
            if (y, rule) not in stats.index:
                continue
            row = stats.loc[(y, rule)]
            w.num(ws, r, 0, y, "year")
            ws.write_string(r, 1, b.article_of(rule) if rule != TOTAL else t["total"], w.fmt["text"])
            ws.write_string(r, 2, rule, w.fmt["text"])
            for c, col in enumerate(STATS, start=3):
                w.num(ws, r, c, float(row[col]) / WAN)
            r += 1
    ws.autofilter(0, 0, r - 1, 2 + len(STATS))
    ws.write_string(r + 1, 0, t["unit"], w.fmt["note"])


def _liabilities(w: _Writer, ws, b: Budget, t: dict, lang: str) -> None:
    w.header(ws, 0, [t["rule"], t["article"], t["what"], t["year"]] + [t[c] for c in STATS],
             [9, 10, 26, 10] + [12] * 6)
    r = 1
    for row in b.liabilities().itertuples(index=False):
        ws.write_string(r, 0, row.rule, w.fmt["text"])
        ws.write_string(r, 1, b.article_of(row.rule) if row.rule != TOTAL else t["total"], w.fmt["text"])
        ws.write_string(r, 2, b.rule_label(row.rule, lang).split(" ", 1)[-1] if row.rule != TOTAL else "", w.fmt["text"])
        if row.year == "all":
            ws.write_string(r, 3, t["all"], w.fmt["text_b"])
        else:
            w.num(ws, r, 3, int(row.year), "year")
        for c, col in enumerate(STATS, start=4):
            w.num(ws, r, c, getattr(row, col) / WAN, "wan_b" if row.year == "all" else "wan")
        r += 1
    ws.write_string(r + 1, 0, f"{t['unit']}; {t['committed_mark'].format(end=b.end_year)}", w.fmt["note"])


def _targets(w: _Writer, ws, b: Budget, t: dict, lang: str) -> None:
    cols = [t["target"], t["metric"], t["goal"], t["probability"], t["mc_se"], t["mean"], t["p5"], t["p50"],
            t["p95"], t["source"]]
    w.header(ws, 0, cols, [8, 34, 10, 10, 10, 11, 11, 11, 11, 40])
    for r, row in enumerate(b.targets.itertuples(index=False), start=1):
        share = row.metric == "skilled_share_end"
        ws.write_string(r, 0, row.target, w.fmt["text"])
        ws.write_string(r, 1, b.target_label(row, lang), w.fmt["text"])
        w.num(ws, r, 2, row.goal, "pct" if share else "int")
        w.num(ws, r, 3, row.probability, "pct")
        w.num(ws, r, 4, row.mc_se, "pct")
        for c, col in enumerate(("mean", "p5", "p50", "p95"), start=5):
            w.num(ws, r, c, getattr(row, col), "pct" if share else "num")
        ws.write_string(r, 9, str(row.source), w.fmt["text"])


def _fund(w: _Writer, ws, b: Budget, t: dict) -> None:
    table = b.fund.table()
    cols = [("year", "year", 1), ("outlays", "outlays_mean", WAN), ("returns", "returns_mean", WAN),
            ("returns_p5", "returns_p5", WAN), ("returns_p95", "returns_p95", WAN), ("surplus", "surplus_mean", WAN),
            ("p_exceed", "p_exceed", 1), ("drawn", "drawn_mean", WAN), ("balance", "balance_mean", WAN),
            ("balance_p5", "balance_p5", WAN), ("balance_p95", "balance_p95", WAN)]
    w.header(ws, 0, [t[c[0]] for c in cols], [8] + [13] * (len(cols) - 1))
    r = 1
    for row in table.itertuples(index=False):
        for c, (key, field, div) in enumerate(cols):
            fmt = "year" if key == "year" else ("pct" if key == "p_exceed" else "wan")
            w.num(ws, r, c, getattr(row, field) / div, fmt)
        r += 1
    h = b.headline_numbers()
    r += 1
    items = [(t["s_principal"], h["principal"]["mean"] / WAN, "wan"), (t["s_rate"], h["rate"]["mean"], "rate"),
             (t["top_up"], float(np.mean(b.fund.top_up)) / WAN, "wan"),
             (t["s_needed"], b.fund.needed_p95 / WAN, "wan"), (t["s_exceed_any"], h["p_exceed_any"], "pct")]
    for label, v, fmt in items:
        ws.write_string(r, 0, label, w.fmt["text"])
        w.num(ws, r, 3, v, fmt)
        r += 1
    ws.write_string(r, 0, t["draw"], w.fmt["text"])
    ws.write_string(r, 3, t["yes"] if b.fund.draw_on_principal else t["no"], w.fmt["text"])
    r += 2
    for line in t["fund_notes"] + [t["unit"], b.fund.source]:
        ws.write_string(r, 0, line, w.fmt["note"])
        r += 1


def _assumptions(w: _Writer, ws, b: Budget, t: dict) -> None:
    cols = [t["parameter"], t["spec"], t["kind"], t["rules"], t["value"], t["low"], t["high"], t["source"]]
    w.header(ws, 0, cols, [40, 30, 10, 20, 14, 14, 14, 90])
    for r, row in enumerate(b.assumptions.itertuples(index=False), start=1):
        ws.write_string(r, 0, row.parameter, w.fmt["text"])
        ws.write_string(r, 1, row.specification, w.fmt["text"])
        ws.write_string(r, 2, row.kind, w.fmt["text"])
        ws.write_string(r, 3, row.rules, w.fmt["text"])
        for c, col in enumerate(("value", "low", "high"), start=4):
            w.num(ws, r, c, getattr(row, col), "num")
        ws.write_string(r, 7, row.source, w.fmt["text"])
    ws.autofilter(0, 0, len(b.assumptions), len(cols) - 1)


def _rules(w: _Writer, ws, b: Budget, t: dict, lang: str) -> None:
    cols = [t["rule"], t["article"], t["what"], t["amounts"], t["after_policy"], t["in_kind"], t["source"],
            t["reading"]]
    w.header(ws, 0, cols, [9, 9, 50, 40, 10, 8, 40, 60])
    for r, row in enumerate(b.rules.itertuples(index=False), start=1):
        ws.write_string(r, 0, row.id, w.fmt["text"])
        ws.write_string(r, 1, row.article, w.fmt["text"])
        ws.write_string(r, 2, row.text, w.fmt["text"])
        ws.write_string(r, 3, row.amounts_zh if lang == "zh" else row.amounts_en, w.fmt["text"])
        ws.write_string(r, 4, t["yes"] if row.after_policy else t["no"], w.fmt["text"])
        ws.write_string(r, 5, t["yes"] if row.in_kind else t["no"], w.fmt["text"])
        ws.write_string(r, 6, row.source, w.fmt["text"])
        ws.write_string(r, 7, row.reading, w.fmt["text"])
