"""`forecast report` on real runs: HTML (self-contained, every chart embedded), PDF through
headless Chromium (skipped without it), the workbook and charts; one run and a Monte Carlo run;
exit 2 without Chromium and for folders that are not results folders; the terminal headline."""
from __future__ import annotations

import base64
import dataclasses
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.cli import main
from forecast.results.budget import Budget, load
from forecast.report.build import build_report, find_chromium, render_html
from forecast.display.chromium import run_chromium
from forecast.report.charts import CHARTS, FILES, write_charts
from forecast.results.terminal import headline

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


def screenshot(html_path: Path, png_path: Path, width: int = 1000, height: int = 4000) -> Path:
    """The page as headless Chromium renders it, as a PNG (to check it by its pixels)."""
    proc = run_chromium(CHROMIUM, [f"--window-size={width},{height}", f"--screenshot={png_path.resolve()}",
                                   "--virtual-time-budget=5000", html_path.resolve().as_uri()])
    assert png_path.is_file(), proc.stderr.decode(errors="replace")[-500:]
    return png_path


@pytest.fixture(scope="module")
def mc_report(mc_results, tmp_path_factory):
    """The report of the Monte Carlo fixture, written beside a copy of it (the default place)."""
    folder = tmp_path_factory.mktemp("mc") / "results"
    shutil.copytree(mc_results, folder)
    return folder, build_report(folder, lang="zh", pdf=CHROMIUM is not None)


def test_report_files_exist_and_embed_every_chart(mc_report, small):
    folder, files = mc_report
    assert files.out_dir == folder / "report"
    assert files.html.is_file() and files.workbook.is_file()
    page = files.html.read_text(encoding="utf-8")
    for name in CHARTS:
        svg = (files.out_dir / "charts" / f"{FILES[name]}.svg").read_bytes()
        assert (files.out_dir / "charts" / f"{FILES[name]}.png").stat().st_size > 10_000
        assert f'data-chart="{name}"' in page
        assert base64.b64encode(svg).decode("ascii") in page, name  # the chart itself, inline
    # self-contained: no file or network references, A4 print rules
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert "<script" not in page
    assert "@page { size: A4" in page and "@media print" in page
    # headline first, then articles, liabilities, targets, fund, ladder, assumptions
    order = [page.index(f'<section id="{s}"') for s in
             ("headline", "articles", "liabilities", "targets", "fund", "ladder", "assumptions")]
    assert order == sorted(order)
    for rule in small.policy.rules:
        assert rule.id in page
    for p in small.parameters():
        assert p["parameter"] in page
    assert "第八条 青蓝工程" in page and "蒙特卡洛模拟 8 次" in page
    assert "<p class=\"sub\">预算预测报告:惠山工匠基金支出、已承诺支出与目标达成</p>" in page  # [meta] fund_name
    # the headline's in-period figure is the mean over replications of 2025–2027's total
    reps = pd.read_parquet(folder / "replications.parquet")
    in_period = reps[reps["year"] <= 2027].groupby("replication")["total"].sum().mean()
    assert f"{in_period / 1e4:,.0f} <small>万元</small>" in page


def test_text_from_the_scenario_is_escaped(mc_results, small, tmp_path):
    """Autoescaping: a rule text with markup is shown as text, not inserted as HTML."""
    agg = forecast.read_results(mc_results)
    rules = tuple(dataclasses.replace(r, text="<b>bold</b> & co") if r.id == "HS-A1a" else r
                  for r in small.policy.rules)
    sc = dataclasses.replace(small, policy=dataclasses.replace(small.policy, rules=rules))
    b = Budget(dataclasses.replace(agg, scenario=sc))
    page = render_html(b, write_charts(b, tmp_path / "charts", "zh"), "zh")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page and "<b>bold</b>" not in page


def test_another_citys_report_carries_its_own_names(mc_results, overlay, tmp_path):
    """The fund's name in headings, texts and charts is the scenario's [meta] fund_name."""
    other = forecast.load_scenario(overlay('[meta]\nplace = { zh = "锡山区", en = "Xishan District" }\n'
                                           'fund_name = { zh = "锡山工匠基金", en = "Xishan craftsman fund" }\n'
                                           'craftsman_title = { zh = "锡山工匠", en = "Xishan craftsmen" }\n'))
    b = Budget(dataclasses.replace(forecast.read_results(mc_results), scenario=other))
    charts = write_charts(b, tmp_path / "charts", "zh")
    page = render_html(b, charts, "zh")
    assert '<p class="sub">预算预测报告:锡山工匠基金支出、已承诺支出与目标达成</p>' in page
    assert "<h2>五、锡山工匠基金</h2>" in page and "毕业生留锡山区(院校)" in page and "新评锡山工匠" in page
    assert charts["fund"]["title"].startswith("锡山工匠基金")
    head = page[page.index("<header>"):page.index("</header>")]
    assert "惠山" not in head.replace(b.title, "")  # only the scenario's own title still says 惠山


@needs_chromium
def test_pdf_is_printed_on_a4(mc_report):
    _, files = mc_report
    data = files.pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 4
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box and abs(float(box.group(1)) - 595) < 2 and abs(float(box.group(2)) - 842) < 2


@needs_chromium
def test_page_renders_in_chromium(mc_report, tmp_path):
    from PIL import Image

    _, files = mc_report
    shot = screenshot(files.html, tmp_path / "page.png", width=1000, height=2400)
    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert img.shape[:2] == (2400, 1000)
    # the title (dark blue text) in the top band, the charts (many colours) below
    top = img[:120]
    assert ((top[:, :, 2] > 80) & (top[:, :, 0] < 60)).sum() > 500
    colours = {tuple(c) for c in img[::4, ::4].reshape(-1, 3)}
    assert len(colours) > 200


def test_single_run_folder_in_english_replaced_atomically(single_results, tmp_path):
    """A single run's folder is one replication: one simulated future, said so (no bands or
    probabilities: tests/test_single_run_honesty.py). The report folder is replaced as a
    whole, with no temporary folder left beside it."""
    out = tmp_path / "reports" / "en"
    out.mkdir(parents=True)
    (out / "stale.txt").write_text("old")
    files = build_report(single_results, out, lang="en", pdf=False)
    assert not (out / "stale.txt").exists() and files.html.is_file()
    assert [p.name for p in out.parent.iterdir()] == ["en"]
    b = files.budget
    assert b.replications == 1 and not b.monte_carlo
    params = pd.read_csv(single_results / "parameters.csv")
    assert b.fund.principal[0] == pytest.approx(params["fund.principal"].iloc[0])
    page = files.html.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "1. Headline" in page and "Art. 8 apprenticeship pairing" in page
    assert "one simulated future (no ranges, no probabilities)" in page
    assert all(f'data-chart="{c}"' in page for c in CHARTS)
    assert "Budget forecast: Huishan craftsman fund: outlays" in page


def test_without_chromium_everything_else_is_written_and_exit_is_0(mc_results, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FORECAST_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "rep"
    assert main(["report", str(mc_results), "--out", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no PDF" in err[0] and "apt-get install chromium" in err[0]
    assert (out / "report.html").is_file() and (out / "forecast.xlsx").is_file() and (out / "charts").is_dir()
    assert not (out / "report.pdf").exists()
    # --pdf requires the PDF: without Chromium an error naming what is missing, and nothing written
    assert main(["report", str(mc_results), "--out", str(tmp_path / "must"), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "--pdf" in err and "Chromium" in err and not (tmp_path / "must").exists()
    assert main(["report", str(mc_results), "--out", str(tmp_path / "nopdf"), "--no-pdf"]) == 0
    assert not (tmp_path / "nopdf" / "report.pdf").exists()


def test_bad_folders_exit_2_and_write_nothing(mc_results, tmp_path, capsys):
    before = sorted(p.name for p in mc_results.iterdir())
    assert main(["report", str(mc_results), "--out", str(mc_results), "--no-pdf"]) == 2
    assert "would replace the results folder" in capsys.readouterr().err
    assert sorted(p.name for p in mc_results.iterdir()) == before
    assert main(["report", str(tmp_path / "missing"), "--no-pdf"]) == 2
    assert "results folder not found" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_a_folder_of_another_layout_exits_2_with_one_message(mc_results, tmp_path, capsys):
    """An older layout (a single run's outlays, targets and ladder.csv only) is not guessed at."""
    old = tmp_path / "old"
    old.mkdir()
    for name in ("outlays.csv", "targets.csv", "scenario.resolved.toml"):
        shutil.copy(mc_results / name, old / name)
    (old / "ladder.csv").write_text("month,employed\n2025-01,20000\n", encoding="utf-8")
    assert main(["report", str(old), "--no-pdf"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"forecast: error: {old}: not a results folder of this version")
    assert "outlays_stats.csv" in err[0] and captured.out == ""
    assert sorted(p.name for p in old.iterdir()) == ["ladder.csv", "outlays.csv", "scenario.resolved.toml",
                                                     "targets.csv"]


def test_missing_fund_parameter_exits_2_naming_the_column(mc_results, tmp_path, capsys):
    folder = tmp_path / "results"
    shutil.copytree(mc_results, folder)
    pd.read_csv(folder / "parameters.csv").drop(columns=["fund.principal"]).to_csv(folder / "parameters.csv",
                                                                                     index=False)
    assert main(["report", str(folder), "--no-pdf"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "parameters.csv: fund.principal: missing column" in err[0]
    assert not (folder / "report").exists()


def test_headline_table(mc_results):
    b = load(mc_results)
    table = headline(b, lang="zh")
    assert len(table.columns) == len(b.years) + 1
    assert [c.header for c in table.columns][1:5] == ["2025", "2026", "2027", "2028*"]
    assert "万元" in table.title and "所需本金" in table.caption and "模拟次数 8" in table.caption
    assert headline(b, lang="en").caption.startswith("2025–2027 outlays")
    first = [str(c._cells[0]) for c in table.columns]
    assert first[0] == "支出 均值" and first[1] == f"{b.rule_stats('total').loc[2025, 'mean'] / 1e4:,.1f}"
    labels = [str(c) for c in table.columns[0]._cells]
    assert labels == ["支出 均值", "支出 5%分位", "支出 95%分位", "基金收益 均值", "收益账户结余(年末) 均值",
                      "未落实资金(累计) 均值", "年末本金 均值", "P(缺口)"]
    assert [str(c._cells[-1]) for c in table.columns[1:]] == [f"{p:.0%}" for p in b.fund.shortfall_probability]
    assert f"{b.fund.needed_p95 / 1e4:,.0f} 万元" in table.caption and "缺口不动用本金" in table.caption
