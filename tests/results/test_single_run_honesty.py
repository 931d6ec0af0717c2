"""A single run says it is one future (issue 9, item 4): `forecast run` without --reps, its
terminal tables, workbook, report and charts show that future's values — no 5 %/95 % rows, no
range, no probability, no principal needed — and say plainly, in Chinese and English, that it
is one simulated future and that --reps N gives ranges and probabilities. A Monte Carlo run
keeps them (the same scan finds them there, so the scan can fail)."""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import html
import io
import re

import matplotlib
import matplotlib.pyplot as plt
import openpyxl
import pytest

from forecast import cli
from forecast.results import charts as folder_charts
from forecast.display import fonts
from forecast.results.budget import load
from forecast.display.labels import Labels
from forecast.report.build import build_report, render_html
from forecast.report.charts import DRAW, write_charts
from forecast.results.terminal import headline, targets_table
from forecast.report.workbook import sheet_names
from conftest import rendered

#: words that only a band, a percentile, a probability or the principal needed would bring
UNCERTAIN = {"zh": ("分位", "区间", "概率", "P(", "所需本金", "均值", "中位数"),
             "en": ("percentile", "range", "probabilit", "P(", "median", "mean", "band", "principalwhose",
                    "MCs.e")}


def _flat(text: str) -> str:
    """Text without any whitespace: wrapped table captions and cells compare as written."""
    return re.sub(r"\s+", "", text)


def uncertain_words(text: str, lang: str, scenario) -> list[str]:
    """The words of UNCERTAIN[lang] in `text`, once the one-future notice itself (which names
    what a single run leaves out) is taken away."""
    flat = _flat(text)
    for notice in ("one_future", "reps_one", "single"):
        flat = flat.replace(_flat(Labels(lang, scenario)(notice)), "")
    return [w for w in UNCERTAIN[lang] if w in flat]


@pytest.fixture(scope="module")
def single(single_results):
    return load(single_results)


@pytest.fixture(scope="module")
def mc(mc_results):
    return load(mc_results)


# --- the command line ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def printed(small_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "results"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
        status = cli.main(["run", str(small_path), "--out", str(out), "--seed", "4"])
    assert status == 0
    return stdout.getvalue(), out


def test_forecast_run_prints_one_future_and_points_to_reps(printed, small):
    stdout, out = printed
    flat = _flat(stdout)
    for lang in ("zh", "en"):
        assert _flat(Labels(lang, small)("one_future")) in flat, lang
    assert "--reps200" in flat and "onesimulatedfuture(seed4)" in flat
    assert uncertain_words(stdout, "zh", small) == [] and uncertain_words(stdout, "en", small) == []
    # the values of that future: its outlays and whether each year's account falls short
    b = load(out)
    assert "出现缺口" in stdout and "收益账户结余(年末)" in stdout
    assert f"{b.fund.paths.account[0, 0] / 1e4:,.1f}" in stdout


# --- terminal tables ----------------------------------------------------------------------
def test_single_headline_has_the_futures_values_only(single, small):
    table = headline(single, "zh")
    labels = [str(c) for c in table.columns[0]._cells]
    assert labels == ["支出", "基金收益", "收益账户结余(年末)", "未落实资金(累计)", "年末本金", "出现缺口"]
    cells = {label: [str(c._cells[i]) for c in table.columns[1:]] for i, label in enumerate(labels)}
    p = single.fund.paths
    assert cells["收益账户结余(年末)"] == [f"{v / 1e4:,.1f}" for v in p.account[0]]
    assert cells["未落实资金(累计)"] == [f"{v / 1e4:,.1f}" for v in p.unfunded[0]]
    assert cells["出现缺口"] == ["是" if s else "否" for s in p.shortfall[0]]
    assert uncertain_words(rendered(table), "zh", small) == []
    assert _flat(Labels("zh", small)("one_future")) in _flat(table.caption)
    en = headline(single, "en")
    assert uncertain_words(rendered(en), "en", small) == [] and "--reps 200" in en.caption


def test_a_drawing_scenario_shows_what_one_future_draws(single, small):
    """With draw_on_principal the single headline adds the drawn row, still no probability."""
    b = copy.copy(single)
    b.fund = dataclasses.replace(single.fund, draw_on_principal=True)
    labels = [str(c) for c in headline(b, "en").columns[0]._cells]
    assert labels == ["outlays", "fund returns", "returns account at year end", "unfunded (cumulative)",
                      "drawn from principal", "principal at year end", "shortfall"]


def test_single_targets_table_says_met_in_this_future(single_results, small):
    targets = load(single_results).targets[["target", "value_mean"]].rename(columns={"value_mean": "value"})
    table = targets_table(targets, small)
    assert table.title == "2027 targets in this simulated future"
    met = [str(c) for c in table.columns[-2]._cells]
    assert met == ["yes" if t.met(v) else "no" for t, v in zip(small.targets, targets["value"])]
    how = [str(c) for c in table.columns[-1]._cells]
    assert how == ["set by assumption (" + ", ".join(t.set_by) + ")" if t.set_by else "forecast" for t in small.targets]
    assert uncertain_words(rendered(table), "en", small) == []


def test_monte_carlo_headline_keeps_bands_and_probabilities(mc, small):
    text = rendered(headline(mc, "zh"))
    assert set(uncertain_words(text, "zh", small)) >= {"分位", "区间", "P(", "所需本金", "均值"}
    assert _flat(Labels("zh", small)("one_future")) not in _flat(text)


# --- workbook -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def single_report(single_results, tmp_path_factory):
    return build_report(single_results, tmp_path_factory.mktemp("rep") / "zh", lang="zh", pdf=False)


def _cells(ws) -> list[str]:
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_single_workbook_has_no_percentile_or_probability(single_report, single, small):
    wb = openpyxl.load_workbook(single_report.workbook)
    names = sheet_names("zh", monte_carlo=False)
    assert wb.sheetnames == list(names.values())
    assert "stats" not in names and names["outlays"] == "支出(本次模拟)"
    for key in ("summary", "outlays", "liabilities", "targets", "fund"):
        found = uncertain_words(" ".join(_cells(wb[names[key]])), "zh", small)
        assert found == [], (key, found)
    summary = wb[names["summary"]]
    assert [c.value for c in summary[3]][:2] == ["项目", "本次模拟的取值"] and summary.max_column == 2
    assert Labels("zh", small)("one_future") in _cells(summary)
    # targets: the future's value and met or not
    targets = list(wb[names["targets"]].iter_rows(values_only=True))
    assert list(targets[0]) == ["目标", "指标", "目标值", "取值(本次模拟)", "达成", "如何达成", "来源"]
    values = single.targets.set_index("target")["value_mean"]
    for row, t in zip(targets[1:], small.targets):
        assert row[0] == t.id and row[3] == pytest.approx(values[t.id])
        assert row[4] == ("是" if t.met(values[t.id]) else "否")
    # fund: the account's path of this future, each year short or not
    fund = list(wb[names["fund"]].iter_rows(values_only=True))
    head = list(fund[0])
    assert head == ["年份", "支出", "基金收益", "收益账户结余(年末)", "未落实资金(累计)", "动用本金", "年末本金", "出现缺口"]
    rows = fund[1:1 + len(single.years)]
    assert [r[3] * 1e4 for r in rows] == pytest.approx(list(single.fund.paths.account[0]))
    assert [r[7] for r in rows] == ["是" if s else "否" for s in single.fund.paths.shortfall[0]]
    # the assumptions: the value this future drew, no percentiles of one draw
    heads = [c.value for c in wb[names["assumptions"]][1]]
    assert heads[4] == "取值(本次模拟)" and "5%分位" not in heads and "95%分位" not in heads


# --- report and charts --------------------------------------------------------------------
SECTIONS = ("headline", "articles", "liabilities", "targets", "fund", "ladder")


def _sections(page: str) -> dict:
    out = {}
    for s in SECTIONS:
        part = page[page.index(f'<section id="{s}"'):]
        out[s] = html.unescape(re.sub(r"<[^>]+>", " ", part[:part.index("</section>")]))
    return out


def test_single_report_is_one_future_in_both_languages(single_report, single, small, tmp_path):
    pages = {"zh": single_report.html.read_text(encoding="utf-8"),
             "en": render_html(single, write_charts(single, tmp_path / "charts", "en"), "en")}
    for lang, page in pages.items():
        notice = html.escape(Labels(lang, small)("one_future"), quote=False)
        head = page[page.index('<section id="headline"'):page.index('<section id="articles"')]
        assert f'<p class="lead one-future">{notice}</p>' in head, lang
        for name, text in _sections(page).items():
            assert uncertain_words(text, lang, small) == [], (lang, name, uncertain_words(text, lang, small))
    zh = _sections(pages["zh"])
    assert "目标达成" in zh["headline"] and "本次模拟中达成的目标数" in zh["headline"]
    h = single.headline_numbers()
    assert f"{h['targets_met']} / {h['targets']}" in zh["headline"]
    assert "出现缺口" in zh["fund"] and "收益账户结余(年末)" in zh["fund"]


def test_monte_carlo_report_keeps_its_bands(mc, small, tmp_path):
    page = render_html(mc, write_charts(mc, tmp_path / "charts", "zh"), "zh")
    sections = _sections(page)
    assert {"区间", "P(", "所需本金"} <= set(uncertain_words(sections["fund"] + sections["headline"], "zh", small))
    assert "one-future" not in page


def _chart_words(fig) -> str:
    words = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        words += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            words += [t.get_text() for t in legend.get_texts()]
    return " ".join(words)


@pytest.mark.parametrize("name", sorted(DRAW))
def test_single_run_charts_draw_no_band_or_probability(single, mc, small, name):
    lang = fonts.chart_language("zh")        # English where no CJK font is installed
    L = Labels(lang, small)
    with matplotlib.rc_context(fonts.rc(lang)):
        fig, title = DRAW[name](single, L)
        try:
            assert uncertain_words(_chart_words(fig) + title, lang, small) == [], name
            if name == "targets":
                assert fig.axes[0].get_xlabel() == L("chart.goal_reached")
        finally:
            plt.close(fig)
        if name in ("fan", "fund", "targets"):      # the Monte Carlo charts do show them
            fig, title = DRAW[name](mc, L)
            try:
                assert uncertain_words(_chart_words(fig) + title, lang, small), name
            finally:
                plt.close(fig)


def test_results_folder_fan_chart_of_one_future_has_no_band(single, monkeypatch, tmp_path):
    drawn = {}

    def keep(fig, ax, path, beside):
        drawn["legend"] = ax.get_legend_handles_labels()[1]
        drawn["fills"] = len(ax.collections)
        drawn["title"] = ax.get_title()
        plt.close(fig)

    monkeypatch.setattr(folder_charts, "_save", keep)
    total = single.stats[single.stats["rule"] == "total"]
    folder_charts.fan_chart(total, single.scenario, 1, tmp_path / "fan.png")
    assert drawn["legend"] == ["this future"] and drawn["fills"] == 0
    assert "one simulated future" in drawn["title"]
    folder_charts.fan_chart(total, single.scenario, 8, tmp_path / "fan.png")
    assert "5–95 %" in drawn["legend"] and drawn["fills"] == 2
