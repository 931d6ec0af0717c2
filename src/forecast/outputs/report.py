"""`forecast report`: the budget view of a results folder as a printable report.

`build_report(results_dir, out_dir, lang)` writes, atomically (`forecast.atomic`), into
out_dir (default RESULTS_DIR/report):

- report.html — one self-contained file: charts inlined as SVG data URIs, CSS with @page A4
  and print rules; headline figures first, then each article, committed liabilities, the
  targets, the fund, the ladder, and the assumptions and rules with their sources;
- report.pdf — report.html printed by headless Chromium (skipped when Chromium is missing:
  the caller says how to install it and exits 2);
- forecast.xlsx (`workbook.py`) and charts/*.png, *.svg (`budget_charts.py`).
"""
from __future__ import annotations

import base64
import html
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from forecast.outputs import fonts
from forecast.core.atomic import atomic_dir
from forecast.runs.statistics import TOTAL
from forecast.outputs.budget import Budget, load
from forecast.outputs.terminal import WAN
from forecast.outputs.budget_charts import write_charts
from forecast.core.errors import InputError
from forecast.outputs.workbook import write_workbook

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_HINT = ("Chromium is needed to print the PDF: install it (Debian/Ubuntu: `apt-get install chromium`, "
                 "macOS: `brew install --cask chromium`) or set FORECAST_CHROMIUM to a Chrome/Chromium executable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--hide-scrollbars", "--mute-audio")


@dataclass
class ReportFiles:
    out_dir: Path
    html: Path
    pdf: Path | None
    workbook: Path
    charts: dict
    chromium_missing: bool = False
    budget: Budget | None = None


# --- Chromium -----------------------------------------------------------------------------
def find_chromium() -> str | None:
    """A Chrome/Chromium executable: $FORECAST_CHROMIUM, else the first of CHROMIUM_NAMES on PATH."""
    env = os.environ.get("FORECAST_CHROMIUM")
    if env:
        return env if (Path(env).is_file() or shutil.which(env)) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _chromium(chromium: str, args: list, timeout: float = 180) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="forecast-chromium-") as profile:
        cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)


def print_pdf(html_path: Path, pdf_path: Path, chromium: str | None = None) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4 from the page's @page rule)."""
    chromium = chromium or find_chromium()
    if not chromium:
        raise FileNotFoundError(CHROMIUM_HINT)
    proc = _chromium(chromium, ["--no-pdf-header-footer", "--print-to-pdf-no-header",
                                f"--print-to-pdf={Path(pdf_path).resolve()}", Path(html_path).resolve().as_uri()])
    if not Path(pdf_path).is_file() or Path(pdf_path).stat().st_size == 0:
        raise RuntimeError(f"Chromium did not print {pdf_path}: {proc.stderr.decode(errors='replace')[-500:]}")
    return Path(pdf_path)


def screenshot(html_path: Path, png_path: Path, width: int = 1000, height: int = 4000,
               chromium: str | None = None) -> Path:
    """Render an HTML file to a PNG screenshot with headless Chromium (for checking the page)."""
    chromium = chromium or find_chromium()
    if not chromium:
        raise FileNotFoundError(CHROMIUM_HINT)
    proc = _chromium(chromium, [f"--window-size={width},{height}", f"--screenshot={Path(png_path).resolve()}",
                                "--virtual-time-budget=5000", Path(html_path).resolve().as_uri()])
    if not Path(png_path).is_file():
        raise RuntimeError(f"Chromium made no screenshot: {proc.stderr.decode(errors='replace')[-500:]}")
    return Path(png_path)


# --- the report ---------------------------------------------------------------------------
def build_report(results_dir: str | Path, out_dir: str | Path | None = None, lang: str = "zh",
                 pdf: bool = True) -> ReportFiles:
    """Charts, workbook, HTML and (with Chromium) PDF of a results folder, written atomically."""
    if lang not in TEXT:
        raise InputError("--lang", "lang", f"{lang!r} is not a language of the report", "zh, en")
    results_dir = Path(results_dir)
    b = load(results_dir)
    out = Path(out_dir) if out_dir else results_dir / "report"
    res, target = results_dir.resolve(), out.resolve()
    if target == res or target in res.parents:
        raise InputError(str(out), "--out", "would replace the results folder it reads",
                         "a folder outside the results, e.g. RESULTS_DIR/report (the default)")
    chromium = find_chromium() if pdf else None
    with atomic_dir(out) as tmp:
        charts = write_charts(b, tmp / "charts", lang)
        write_workbook(b, tmp / "forecast.xlsx", lang, charts)
        (tmp / "report.html").write_text(render_html(b, charts, lang), encoding="utf-8")
        if chromium:
            print_pdf(tmp / "report.html", tmp / "report.pdf", chromium)
    rel = {k: {kk: (out / "charts" / Path(vv).name if kk in ("png", "svg") else vv) for kk, vv in v.items()}
           for k, v in charts.items()}
    return ReportFiles(out, out / "report.html", out / "report.pdf" if chromium else None, out / "forecast.xlsx",
                       rel, chromium_missing=pdf and not chromium, budget=b)


TEXT = {
    "zh": {
        "lang": "zh-CN", "report": "预算预测报告", "subtitle": "惠山工匠基金支出、已承诺支出与目标达成",
        "meta": "情景 {name};{reps};政策有效期 {vf} 至 {vt};金额单位:万元(1 万元 = 10,000 元)",
        "reps_mc": "蒙特卡洛模拟 {n} 次", "reps_one": "单次模拟(无不确定性区间,概率为 0 或 1)",
        "h_headline": "一、要点", "h_articles": "二、各条款支出", "h_liabilities": "三、政策期后已承诺支出",
        "h_targets": "四、{end}年目标", "h_fund": "五、惠山工匠基金", "h_ladder": "六、技能人才结构",
        "h_assumptions": "七、假设与来源",
        "c_in_period": "{span}年期内支出", "c_in_period_sub": "90%区间 {lo}–{hi};年均 {avg}",
        "c_committed": "{end}年后已承诺支出", "c_committed_sub": "{later};90%区间 {lo}–{hi}",
        "c_returns": "期内基金收益", "c_returns_sub": "本金 {p} 万元 × 年收益率 {r}(均值)",
        "c_exceed": "支出超过收益的概率", "c_exceed_sub": "至少一年;最高为 {year} 年 {p}",
        "c_needed": "收益覆盖95%情形所需本金", "c_needed_sub": "假设本金均值 {p} 万元",
        "c_targets": "目标达成", "c_targets_sub": "达成概率 ≥ 50% 的目标数",
        "lead": ("{span}年基金年均支出约 {avg} 万元,基金年收益约 {ret} 万元(本金 × 收益率);"
                 "政策期满后仍须支付 {committed} 万元(主要为{top})。"
                 "若仅以收益支付,在 95% 的情形下覆盖支出所需本金为 {needed} 万元。"),
        "wan": "万元", "year": "年份", "rule": "规则", "what": "内容", "amounts": "奖励标准", "total": "合计",
        "range90": "合计90%区间", "mean": "均值", "p5": "5%", "p50": "中位数", "p95": "95%",
        "outlays": "支出", "returns": "收益", "p_exceed": "P(支出>收益)", "balance": "年末本金",
        "yearly_title": "年度支出与基金收益(万元)", "star": "* {end}年后为政策已承诺的支出。",
        "articles_intro": "各条款年度支出均值(万元)。合计列为全部年份之和,区间为各次模拟的5%–95%分位。",
        "liab_intro": ("政策于{vt}期满后,期内产生的承诺仍需支付(如年金、结对后数年内达标的晋级奖励、"
                       "附条件的基地与工作室奖励)。下表为{later}各年的支出(万元,均值及90%区间),主要为:{top}。"
                       "未列出的规则在任何模拟中均无期后支出。模拟期止于{last}年,年金等在此后仍可能继续。"),
        "liab_none": "政策期后无支出。", "all_years": "各年合计",
        "target": "目标", "goal": "目标值", "probability": "达成概率", "value": "模拟值(均值,90%区间)",
        "source": "来源",
        "fund_intro": ("政策规定奖励资金从惠山工匠基金收益中列支(三、配套保障)。本金、收益率和注资均为假设"
                       "(见第七部分)。计算方法:收益_y = 本金_{{y−1}} × 收益率;缺口_y = max(0, 支出_y − 收益_y);"
                       "{draw}结余不计入本金。所需本金 = 各年最大支出 ÷ 收益率,取各次模拟的95%分位。"),
        "draw_yes": "缺口由本金弥补:本金_y = 本金_{y−1} + 注资 − 缺口_y;",
        "draw_no": "缺口不动用本金(视为未落实资金);",
        "fund_source": "本金、收益率与注资的取值来源", "ladder_intro": "就业人员按技能等级的构成(均值),以及技能人才、高技能人才占比(中位数及50%、90%区间)。",
        "rules_title": "奖励规则、标准与出处", "params_title": "模型参数(假设与政策数据)",
        "parameter": "参数", "spec": "设定", "kind": "类型", "rules": "相关规则", "used": "取值",
        "assumption": "假设", "policy": "政策", "after": "期后继续", "yes": "是", "no": "否",
        "footer": "由 forecast 生成:{path}。所有非政策文本数据均为假设,已注明来源或理由。",
        "figure": "图",
    },
    "en": {
        "lang": "en", "report": "Budget forecast", "subtitle": "Fund outlays, committed liabilities and targets",
        "meta": "scenario {name}; {reps}; policy valid {vf} to {vt}; amounts in 10,000 yuan (万元)",
        "reps_mc": "Monte Carlo, {n} replications", "reps_one": "one run (no uncertainty bands; probabilities 0 or 1)",
        "h_headline": "1. Headline", "h_articles": "2. Outlays by article", "h_liabilities": "3. Committed after the policy",
        "h_targets": "4. The {end} targets", "h_fund": "5. The fund", "h_ladder": "6. Skill structure",
        "h_assumptions": "7. Assumptions and sources",
        "c_in_period": "outlays {span}", "c_in_period_sub": "90 % {lo}–{hi}; {avg} a year",
        "c_committed": "committed after {end}", "c_committed_sub": "{later}; 90 % {lo}–{hi}",
        "c_returns": "fund returns in the period", "c_returns_sub": "principal {p} × rate {r} (mean)",
        "c_exceed": "P(outlays > returns)", "c_exceed_sub": "in some year; highest {year}: {p}",
        "c_needed": "principal to cover 95 % of futures", "c_needed_sub": "assumed principal, mean {p}",
        "c_targets": "targets", "c_targets_sub": "with probability ≥ 50 %",
        "lead": ("In {span} the fund pays about {avg} a year against returns of about {ret} a year; after the "
                 "policy ends it still owes {committed} (mostly {top}). Paying from "
                 "returns alone, a principal of {needed} covers the outlays in 95 % of futures (10,000 yuan)."),
        "wan": "10,000 yuan", "year": "year", "rule": "rule", "what": "what", "amounts": "amounts", "total": "total",
        "range90": "total 90 %", "mean": "mean", "p5": "5 %", "p50": "median", "p95": "95 %",
        "outlays": "outlays", "returns": "returns", "p_exceed": "P(outlays > returns)", "balance": "principal",
        "yearly_title": "Yearly outlays and fund returns (10,000 yuan)", "star": "* after {end}: committed by the policy.",
        "articles_intro": "Mean outlays per year (10,000 yuan); total over all years with its 5–95 % range.",
        "liab_intro": ("After the policy ends ({vt}) what it committed is still paid (annuities, milestones reached "
                       "years after a pairing, conditional base and studio rewards). Outlays in {later} (10,000 yuan, "
                       "mean and 90 % range), mostly: {top}. Rules not listed pay nothing after the policy in any "
                       "replication. The horizon ends in {last}; annuities may continue after it."),
        "liab_none": "Nothing is paid after the policy.", "all_years": "all years",
        "target": "target", "goal": "goal", "probability": "probability", "value": "simulated (mean, 90 %)",
        "source": "source",
        "fund_intro": ("Rewards are paid from the returns of the 惠山工匠基金 (policy 三、配套保障). Principal, rate and "
                       "top-ups are assumptions (section 7). returns_y = balance_{{y−1}} × rate; shortfall_y = "
                       "max(0, outlays_y − returns_y); {draw}a surplus is not added to the principal. Principal "
                       "needed = max_y outlays_y ÷ rate, 95th percentile over replications."),
        "draw_yes": "shortfalls are drawn from the principal: balance_y = balance_{y−1} + top-up − shortfall_y; ",
        "draw_no": "shortfalls are not drawn from the principal (left unfunded); ",
        "fund_source": "principal, rate and top-up taken from",
        "ladder_intro": ("Employment by skill level (mean), and the skilled and high-skilled shares (median, 50 % "
                         "and 90 % bands)."),
        "rules_title": "Reward rules, amounts and citations", "params_title": "Model parameters (assumptions and policy figures)",
        "parameter": "parameter", "spec": "specification", "kind": "kind", "rules": "rules", "used": "value",
        "assumption": "assumption", "policy": "policy", "after": "after policy", "yes": "yes", "no": "no",
        "footer": ("Made by forecast from {path}. Every figure not in the policy text is an assumption with its source "
                   "or reasoning."),
        "figure": "Figure",
    },
}

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
html { font-family: %(fonts)s; font-size: 10pt; color: #1a1a1a; line-height: 1.45; }
body { margin: 0 auto; max-width: 190mm; padding: 6mm 0; background: #fff; }
h1 { font-size: 19pt; margin: 0 0 2pt; color: #123f73; }
h2 { font-size: 13.5pt; color: #123f73; border-bottom: 1.5pt solid #123f73; padding-bottom: 2pt; margin: 16pt 0 6pt; }
h3 { font-size: 11pt; margin: 10pt 0 3pt; color: #23527c; }
p { margin: 3pt 0 6pt; }
.sub { font-size: 11.5pt; color: #444; margin: 0; }
.meta { color: #666; font-size: 8.5pt; margin: 4pt 0 8pt; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 5pt; margin: 6pt 0 8pt; }
.card { border: 0.8pt solid #c9d6e6; border-left: 3pt solid #1f5fa8; padding: 5pt 7pt; background: #f6f9fc; }
.card .k { font-size: 8.5pt; color: #555; }
.card .v { font-size: 15pt; font-weight: bold; color: #123f73; white-space: nowrap; }
.card .v small { font-size: 9pt; font-weight: normal; color: #333; }
.card .s { font-size: 8pt; color: #666; }
.lead { font-size: 10.5pt; background: #fbf7ee; border-left: 3pt solid #d9822b; padding: 5pt 8pt; }
figure { margin: 6pt 0 10pt; text-align: center; }
figure img { width: 100%%; height: auto; }
figcaption { font-size: 8.5pt; color: #555; }
table { border-collapse: collapse; width: 100%%; margin: 4pt 0 8pt; font-size: 8pt; }
table.small { table-layout: fixed; }
table.small td { overflow-wrap: anywhere; }
th, td { border-bottom: 0.5pt solid #d5d5d5; padding: 2pt 3pt; vertical-align: top; }
th { background: #e8eef6; text-align: left; font-weight: bold; }
td.id { white-space: nowrap; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; border-top: 0.8pt solid #888; }
td.later, th.later { background: #f4f4f4; }
.small { font-size: 7pt; }
.small td { padding: 1.5pt 2.5pt; }
.note { font-size: 8pt; color: #666; }
.prob { display: inline-block; height: 7pt; background: #2e8b57; vertical-align: middle; }
footer { margin-top: 14pt; font-size: 7.5pt; color: #888; border-top: 0.5pt solid #ccc; padding-top: 4pt; }
@media print {
  body { padding: 0; max-width: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  figure, .cards, .card, tr, .article, .keep { break-inside: avoid; page-break-inside: avoid; }
  section.newpage { break-before: page; page-break-before: always; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _w(v: float, digits: int = 1) -> str:
    """万元 from yuan, thousands separated."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "∞"
    return f"{v / WAN:,.{digits}f}"


def _num(v: float) -> str:
    """A parameter value: thousands separated when large, 4 significant digits when small."""
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.4g}"


def _pct(p: float) -> str:
    return f"{p:.0%}"


def _figure(charts: dict, name: str, t: dict, n: int) -> str:
    chart = charts[name]
    svg = Path(chart["svg"]).read_bytes()
    data = base64.b64encode(svg).decode("ascii")
    return (f'<figure data-chart="{_e(name)}"><img alt="{_e(chart["title"])}" '
            f'src="data:image/svg+xml;base64,{data}"><figcaption>{_e(t["figure"])} {n}. {_e(chart["title"])}'
            f"</figcaption></figure>")


def render_html(b: Budget, charts: dict, lang: str = "zh") -> str:
    """The report as one self-contained HTML page."""
    t = TEXT[lang]
    h = b.headline_numbers()
    span = f"{b.valid_from.year}–{b.end_year}"
    later = f"{b.later_years[0]}–{b.later_years[-1]}" if b.later_years else "–"
    reps = t["reps_mc"].format(n=b.replications) if b.monte_carlo else t["reps_one"]
    parts = [f'<!DOCTYPE html>\n<html lang="{t["lang"]}"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_e(b.title)} — {_e(t['report'])}</title>",
             f"<style>{CSS % {'fonts': fonts.CSS_STACK}}</style></head><body>"]
    parts.append(f"<header><h1>{_e(b.title)}</h1><p class='sub'>{_e(t['report'])}:{_e(t['subtitle'])}</p>"
                 if lang == "zh" else
                 f"<header><h1>{_e(b.title)}</h1><p class='sub'>{_e(t['report'])}: {_e(t['subtitle'])}</p>")
    parts.append(f"<p class='meta'>{_e(t['meta'].format(name=b.name, reps=reps, vf=b.valid_from, vt=b.valid_to))}"
                 f"</p></header>")

    # 1. headline --------------------------------------------------------------------------
    ip, cm, ret = h["in_period"], h["committed"], h["returns_in_period"]
    exceed_year = max(h["p_exceed_by_year"], key=h["p_exceed_by_year"].get)
    wan = t["wan"]
    cards = [
        (t["c_in_period"].format(span=span), f"{_w(ip['mean'], 0)} <small>{wan}</small>",
         t["c_in_period_sub"].format(lo=_w(ip["p5"], 0), hi=_w(ip["p95"], 0), avg=_w(h["per_year_policy"]["mean"], 0))),
        (t["c_committed"].format(end=b.end_year), f"{_w(cm['mean'], 0)} <small>{wan}</small>",
         t["c_committed_sub"].format(later=later, lo=_w(cm["p5"], 0), hi=_w(cm["p95"], 0))),
        (t["c_returns"], f"{_w(ret['mean'], 0)} <small>{wan}</small>",
         t["c_returns_sub"].format(p=_w(h["principal"]["mean"], 0), r=f"{h['rate']['mean']:.2%}")),
        (t["c_exceed"], _pct(h["p_exceed_any"]),
         t["c_exceed_sub"].format(year=exceed_year, p=_pct(h["p_exceed_by_year"][exceed_year]))),
        (t["c_needed"], f"{_w(h['needed_p95'], 0)} <small>{wan}</small>",
         t["c_needed_sub"].format(p=_w(h["principal"]["mean"], 0))),
        (t["c_targets"], f"{h['targets_likely']} / {h['targets']}", t["c_targets_sub"]),
    ]
    parts.append(f"<section id='headline'><h2>{_e(t['h_headline'])}</h2><div class='cards'>")
    for k, v, s in cards:
        parts.append(f"<div class='card'><div class='k'>{_e(k)}</div><div class='v'>{v}</div>"
                     f"<div class='s'>{_e(s)}</div></div>")
    parts.append("</div>")
    n_policy = max(len(b.policy_years), 1)
    lead = t["lead"].format(span=span, avg=_w(h["per_year_policy"]["mean"], 0), ret=_w(ret["mean"] / n_policy, 0),
                            committed=_w(cm["mean"], 0), needed=_w(h["needed_p95"], 0), top=_top_committed(b, lang))
    parts.append(f"<p class='lead'>{_e(lead)}</p>")
    parts.append(_figure(charts, "fan", t, 1))
    parts.append(_yearly_table(b, t))
    parts.append("</section>")

    # 2. articles --------------------------------------------------------------------------
    parts.append(f"<section id='articles' class='newpage'><div class='keep'><h2>{_e(t['h_articles'])}</h2>"
                 f"<p>{_e(t['articles_intro'])}</p>")
    parts.append(_figure(charts, "articles", t, 2) + "</div>")
    for article, rules in b.articles():
        parts.append(f"<div class='article' data-article='{_e(article)}'><h3>{_e(b.article_label(article, lang))}</h3>")
        parts.append(_article_table(b, rules, t, lang))
        parts.append("</div>")
    parts.append("</section>")

    # 3. liabilities -----------------------------------------------------------------------
    liab_intro = t["liab_intro"].format(vt=b.valid_to, later=later, last=b.years[-1], top=_top_committed(b, lang))
    parts.append(f"<section id='liabilities'><h2>{_e(t['h_liabilities'])}</h2><p>{_e(liab_intro)}</p>")
    parts.append(_liabilities_table(b, t, lang))
    parts.append("</section>")

    # 4. targets ---------------------------------------------------------------------------
    parts.append(f"<section id='targets' class='newpage'><div class='keep'>"
                 f"<h2>{_e(t['h_targets'].format(end=b.end_year))}</h2>")
    parts.append(_figure(charts, "targets", t, 3) + "</div>")
    parts.append(_targets_table(b, t, lang))
    parts.append("</section>")

    # 5. fund ------------------------------------------------------------------------------
    draw = t["draw_yes"] if b.fund.draw_on_principal else t["draw_no"]
    parts.append(f"<section id='fund'><div class='keep'><h2>{_e(t['h_fund'])}</h2>"
                 f"<p>{_e(t['fund_intro'].format(draw=draw))}</p>")
    parts.append(_figure(charts, "fund", t, 4) + "</div>")
    parts.append(_fund_table(b, t))
    parts.append("</section>")

    # 6. ladder ----------------------------------------------------------------------------
    parts.append(f"<section id='ladder'><div class='keep'><h2>{_e(t['h_ladder'])}</h2>"
                 f"<p>{_e(t['ladder_intro'])}</p>")
    parts.append(_figure(charts, "ladder", t, 5) + "</div>")
    parts.append("</section>")

    # 7. assumptions -----------------------------------------------------------------------
    parts.append(f"<section id='assumptions'><h2>{_e(t['h_assumptions'])}</h2>"
                 f"<h3>{_e(t['rules_title'])}</h3>")
    parts.append(_rules_table(b, t, lang))
    parts.append(f"<h3>{_e(t['params_title'])}</h3>")
    parts.append(_params_table(b, t))
    parts.append("</section>")
    parts.append(f"<footer>{_e(t['footer'].format(path=b.path))}</footer></body></html>\n")
    return "\n".join(parts)


def _top_committed(b: Budget, lang: str, n: int = 2) -> str:
    """The rules that carry most of the committed liabilities, e.g. "HS-A2b 工匠年度考核(年金)"."""
    liab = b.liabilities()
    part = liab[(liab["year"] == "all") & (liab["rule"] != TOTAL)].sort_values("mean", ascending=False)
    names = [b.rule_label(r, lang) for r in part["rule"].head(n) if part.set_index("rule").loc[r, "mean"] > 0]
    return ("、" if lang == "zh" else ", ").join(names) or "–"


def _year_heads(b: Budget) -> str:
    return "".join(f"<th class='n{' later' if y > b.end_year else ''}'>{y}{'*' if y > b.end_year else ''}</th>"
                   for y in b.years)


def _yearly_table(b: Budget, t: dict) -> str:
    tot = b.rule_stats(TOTAL)
    fund = b.fund.table().set_index("year")
    rows = [(f"{t['outlays']} {t['mean']}", tot["mean"], _w), (f"{t['outlays']} {t['p5']}", tot["p5"], _w),
            (f"{t['outlays']} {t['p95']}", tot["p95"], _w), (f"{t['returns']} {t['mean']}", fund["returns_mean"], _w),
            (t["p_exceed"], fund["p_exceed"], _pct), (f"{t['balance']} {t['mean']}", fund["balance_mean"], _w)]
    out = [f"<table class='yearly'><caption class='note'>{_e(t['yearly_title'])}</caption><thead><tr><th></th>"
           f"{_year_heads(b)}</tr></thead><tbody>"]
    for label, series, fmt in rows:
        cells = "".join(f"<td class='n{' later' if y > b.end_year else ''}'>{fmt(series.loc[y])}</td>" for y in b.years)
        out.append(f"<tr><td>{_e(label)}</td>{cells}</tr>")
    out.append(f"</tbody></table><p class='note'>{_e(t['star'].format(end=b.end_year))}</p>")
    return "".join(out)


def _article_table(b: Budget, rules: list, t: dict, lang: str) -> str:
    out = [f"<table><thead><tr><th>{_e(t['rule'])}</th><th>{_e(t['what'])}</th><th>{_e(t['amounts'])}</th>"
           f"{_year_heads(b)}<th class='n'>{_e(t['total'])}</th><th class='n'>{_e(t['range90'])}</th></tr></thead><tbody>"]
    for rule in rules + ([] if len(rules) == 1 else [None]):
        ids = rules if rule is None else [rule]
        vals = b.outlays.reindex(b.years)[ids].sum(axis=1)
        tot = b.period_totals(ids)["all"]
        lo, hi = np.percentile(tot, [5, 95])
        r = b.rules[b.rules["id"] == rule]
        if rule is None:
            head = f"<td>{_e(t['total'])}</td><td></td><td></td>"
        else:
            amounts = r["amounts_zh" if lang == "zh" else "amounts_en"].iloc[0] if len(r) else ""
            head = (f"<td class='id'>{_e(rule)}</td><td>{_e(b.rule_label(rule, lang).split(' ', 1)[-1])}</td>"
                    f"<td>{_e(amounts)}</td>")
        cells = "".join(f"<td class='n{' later' if y > b.end_year else ''}'>{_w(vals.loc[y])}</td>" for y in b.years)
        cls = " class='total'" if rule is None else ""
        out.append(f"<tr{cls}>{head}{cells}<td class='n'>{_w(vals.sum())}</td><td class='n'>{_w(lo)}–{_w(hi)}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _liabilities_table(b: Budget, t: dict, lang: str) -> str:
    liab = b.liabilities()
    if liab.empty or not b.later_years:
        return f"<p>{_e(t['liab_none'])}</p>"
    heads = "".join(f"<th class='n'>{y}</th>" for y in b.later_years)
    out = [f"<table><thead><tr><th>{_e(t['rule'])}</th><th>{_e(t['what'])}</th>{heads}"
           f"<th class='n'>{_e(t['all_years'])}</th></tr></thead><tbody>"]
    for rule, part in liab.groupby("rule", sort=False):
        part = part.set_index("year")
        label = t["total"] if rule == TOTAL else b.rule_label(rule, lang).split(" ", 1)[-1]
        cells = "".join(f"<td class='n'>{_w(part.loc[y, 'mean'])}<br><span class='note'>{_w(part.loc[y, 'p5'])}–"
                        f"{_w(part.loc[y, 'p95'])}</span></td>" for y in b.later_years)
        cls = " class='total'" if rule == TOTAL else ""
        out.append(f"<tr{cls}><td class='id'>{_e(rule if rule != TOTAL else '')}</td><td>{_e(label)}</td>{cells}"
                   f"<td class='n'>{_w(part.loc['all', 'mean'])}<br><span class='note'>{_w(part.loc['all', 'p5'])}–"
                   f"{_w(part.loc['all', 'p95'])}</span></td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _targets_table(b: Budget, t: dict, lang: str) -> str:
    out = [f"<table><thead><tr><th>{_e(t['target'])}</th><th>{_e(t['what'])}</th><th class='n'>{_e(t['goal'])}</th>"
           f"<th class='n'>{_e(t['probability'])}</th><th class='n'>{_e(t['value'])}</th><th>{_e(t['source'])}</th>"
           f"</tr></thead><tbody>"]
    for row in b.targets.itertuples(index=False):
        share = row.metric == "skilled_share_end"
        f = (lambda v: f"{v:.1%}") if share else (lambda v: f"{v:,.0f}")
        se = f" ± {1.96 * row.mc_se:.0%}" if row.mc_se and row.mc_se > 0 else ""
        bar = f"<span class='prob' style='width:{max(row.probability, 0) * 30:.1f}pt'></span>"
        out.append(f"<tr><td>{_e(row.target)}</td><td>{_e(b.target_label(row, lang))}</td>"
                   f"<td class='n'>{_e(b.goal_text(row))}</td><td class='n'>{bar} {_pct(row.probability)}{_e(se)}</td>"
                   f"<td class='n'>{f(row.mean)} ({f(row.p5)}–{f(row.p95)})</td>"
                   f"<td class='note'>{_e(row.source)}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _fund_table(b: Budget, t: dict) -> str:
    f = b.fund.table()
    out = [f"<table><thead><tr><th>{_e(t['year'])}</th><th class='n'>{_e(t['outlays'])}</th>"
           f"<th class='n'>{_e(t['returns'])}</th><th class='n'>{_e(t['returns'])} 90%</th>"
           f"<th class='n'>{_e(t['p_exceed'])}</th><th class='n'>{_e(t['balance'])}</th>"
           f"<th class='n'>{_e(t['balance'])} 90%</th></tr></thead><tbody>"]
    for r in f.itertuples(index=False):
        cls = " class='later'" if r.year > b.end_year else ""
        out.append(f"<tr{cls}><td>{r.year}{'*' if r.year > b.end_year else ''}</td><td class='n'>{_w(r.outlays_mean)}</td>"
                   f"<td class='n'>{_w(r.returns_mean)}</td><td class='n'>{_w(r.returns_p5)}–{_w(r.returns_p95)}</td>"
                   f"<td class='n'>{_pct(r.p_exceed)}</td><td class='n'>{_w(r.balance_mean, 0)}</td>"
                   f"<td class='n'>{_w(r.balance_p5, 0)}–{_w(r.balance_p95, 0)}</td></tr>")
    out.append(f"</tbody></table><p class='note'>{_e(t['fund_source'])}: {_e(b.fund.source)}</p>")
    return "".join(out)


def _rules_table(b: Budget, t: dict, lang: str) -> str:
    out = ["<table class='small'><colgroup><col style='width:8%'><col style='width:42%'><col style='width:20%'>"
           "<col style='width:6%'><col style='width:24%'></colgroup>",
           f"<thead><tr><th>{_e(t['rule'])}</th><th>{_e(t['what'])}</th>"
           f"<th>{_e(t['amounts'])}</th><th>{_e(t['after'])}</th><th>{_e(t['source'])}</th></tr></thead><tbody>"]
    for r in b.rules.itertuples(index=False):
        reading = f"<br><span class='note'>{_e(r.reading)}</span>" if r.reading else ""
        out.append(f"<tr><td class='id'>{_e(r.id)}<br>{_e(r.article)}</td><td>{_e(r.text)}{reading}</td>"
                   f"<td>{_e(r.amounts_zh if lang == 'zh' else r.amounts_en)}</td>"
                   f"<td>{_e(t['yes'] if r.after_policy else t['no'])}</td><td>{_e(r.source)}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _params_table(b: Budget, t: dict) -> str:
    out = ["<table class='small'><colgroup><col style='width:22%'><col style='width:17%'><col style='width:15%'>"
           "<col style='width:9%'><col style='width:37%'></colgroup>",
           f"<thead><tr><th>{_e(t['parameter'])}</th><th>{_e(t['spec'])}</th>"
           f"<th class='n'>{_e(t['used'])}</th><th>{_e(t['rules'])}</th><th>{_e(t['source'])}</th></tr></thead><tbody>"]
    for r in b.assumptions.itertuples(index=False):
        if np.isnan(r.value):
            used = ""
        elif r.low == r.high:
            used = _num(r.value)
        else:
            used = f"{_num(r.value)} ({_num(r.low)}–{_num(r.high)})"
        kind = t.get(r.kind, r.kind)
        out.append(f"<tr><td>{_e(r.parameter)}<br><span class='note'>{_e(kind)}</span></td><td>{_e(r.specification)}</td>"
                   f"<td class='n'>{_e(used)}</td><td>{_e(r.rules)}</td><td>{_e(r.source)}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)
