"""`forecast report` on a planner's folder: the planner's report of a real comparison, sweep and
optimisation of the tiny district (made once per session by the real commands): the headline
numbers as compare.csv has them, targets set by assumption labelled as such, the deadweight
sentence, the workbook in 万元, every sweep point listed, --no-pdf, and a damaged table refused."""
from __future__ import annotations

import re
import shutil

import openpyxl
import pandas as pd
import pytest

from forecast.cli import main
from forecast.planner.report import write_planner_report


def _run(*argv) -> None:
    assert main(list(map(str, argv))) == 0, argv


@pytest.fixture(scope="session")
def folders(mini_path, tmp_path_factory):
    """A comparison, a sweep and an optimisation folder, each as its command writes it."""
    root = tmp_path_factory.mktemp("planner")
    _run("compare", mini_path, "--set", "rules.HS-A8a.amount=4000", "--reps", 3, "--out", root / "cmp",
         "--backend", "serial", "--quiet")
    _run("sweep", mini_path, "--vary", "rules.HS-A8a.amount=1000:3000:3", "--reps", 3, "--out", root / "sweep",
         "--backend", "serial", "--quiet")
    _run("optimise", mini_path, "--target", "HS-T2", "--probability", "0.5", "--vary",
         "rules.HS-A8a.amount=1000:5000", "--reps", 2, "--max-evals", 2, "--out", root / "opt", "--backend", "serial")
    return {"compare": root / "cmp", "sweep": root / "sweep", "optimise": root / "opt"}


@pytest.fixture(scope="session")
def compare_report(folders):
    _run("report", folders["compare"], "--no-pdf")
    return folders["compare"] / "report"


def test_compare_page_has_the_headline_from_compare_csv(folders, compare_report):
    page = (compare_report / "planner.html").read_text(encoding="utf-8")
    long = pd.read_csv(folders["compare"] / "compare.csv")
    row = long[(long["item"] == "total") & (long["period"] == "policy")].iloc[0]
    assert f"{row['delta_mean'] / 1e4:+,.1f}" in page                        # Δ outlay in 万元
    assert f"{row['delta_p5'] / 1e4:+,.1f}" in page and f"{row['delta_p95'] / 1e4:+,.1f}" in page
    assert f"{row['delta_se'] / 1e4:,.2f}" in page                           # paired SE
    cost = long[(long["item"] == "total") & (long["period"] == "cost")].iloc[0]
    assert f"{cost['delta_mean'] / 1e4:+,.1f}" in page
    # self-contained, both charts inline, the rules' text quoted
    assert not re.search(r'(src|href)="(?!data:)', page) and "<script" not in page
    assert 'data-chart="delta_by_article"' in page and 'data-chart="cost_effect"' in page
    assert "HS-A8a" in page and "第八条" in page and "配对标准误" in page and "独立标准误" in page


def test_set_by_assumption_targets_are_labelled_not_effects(compare_report):
    page = (compare_report / "planner.html").read_text(encoding="utf-8")
    assert "由假设设定(entities.studio.new_per_year)" in page
    assert "由假设设定,不是效果" in page
    set_by_table = page[page.index('class="targets set-by"'):]
    set_by_table = set_by_table[:set_by_table.index("</table>")]
    assert "HS-T4" in set_by_table and "个百分点" not in set_by_table   # no difference shown as an effect


def test_deadweight_sentence(folders, compare_report):
    page = (compare_report / "planner.html").read_text(encoding="utf-8")
    d = pd.read_csv(folders["compare"] / "deadweight.csv").iloc[0]
    if pd.isna(d["deadweight_share"]):
        assert "无谓支出不适用" in page
    else:
        assert f"约 {d['deadweight_share']:.0%}" in page and "本来就会发生的事件" in page
        assert f"新增支出 {d['extra_outlay_mean'] / 1e4:,.1f} 万元中" in page


def test_compare_workbook_in_wan(folders, compare_report):
    wb = openpyxl.load_workbook(compare_report / "planner.xlsx")
    assert wb.sheetnames == ["要点", "目标", "各条款差异", "成本效益", "无谓支出", "出处"]
    ws = wb["要点"]
    heads = [c.value for c in ws[1]]
    assert "差值(改革 − 基准)(万元)" in heads
    long = pd.read_csv(folders["compare"] / "compare.csv")
    row = long[(long["item"] == "total") & (long["period"] == "policy")].iloc[0]
    cell = ws.cell(row=2, column=heads.index("差值(改革 − 基准)(万元)") + 1)
    assert cell.value == pytest.approx(row["delta_mean"] / 1e4) and cell.number_format == "#,##0.0"
    targets = [[c.value for c in r] for r in wb["目标"].iter_rows(min_row=2)]
    t4 = next(r for r in targets if r[1] == "HS-T4")
    assert t4[3].startswith("由假设设定") and t4[7] is None             # no difference for a set-by target


def test_no_pdf_writes_no_pdf(compare_report):
    assert not (compare_report / "planner.pdf").exists()
    assert {p.name for p in compare_report.iterdir()} == {"planner.html", "planner.xlsx"}


def test_sweep_report_lists_every_point(folders, tmp_path):
    files = write_planner_report(folders["sweep"], tmp_path / "rep", pdf=False)
    page = files.html.read_text(encoding="utf-8")
    table = pd.read_csv(folders["sweep"] / "sweep.csv")
    for r in table.to_dict("records"):
        assert f'data-point="{r["point"]}"' in page
        assert f"{r['outlay_mean'] / 1e4:,.1f}" in page
    assert 'data-chart="frontier"' in page and "最低成本" in page
    for level in ("50%", "80%", "90%"):
        assert f'<td class="n">{level}</td>' in page
    wb = openpyxl.load_workbook(files.workbook)
    assert wb.sheetnames == ["扫描网格", "各扫描点", "最低成本点", "出处"]
    assert wb["各扫描点"].max_row == len(table) + 1


def test_optimise_report(folders, tmp_path):
    files = write_planner_report(folders["optimise"], tmp_path / "rep", pdf=False)
    page = files.html.read_text(encoding="utf-8")
    assert "HS-T2" in page and "样本外" in page and 'data-chart="frontier"' in page
    points = pd.read_csv(folders["optimise"] / "points.csv")
    assert page.count("data-point=") == len(points)
    assert openpyxl.load_workbook(files.workbook).sheetnames == ["问题", "答案", "候选点", "出处"]


def test_damaged_compare_csv_exits_2_naming_it(folders, tmp_path, capsys):
    bad = tmp_path / "cmp"
    shutil.copytree(folders["compare"], bad, ignore=shutil.ignore_patterns("report"))
    long = pd.read_csv(bad / "compare.csv")
    long.rename(columns={"delta_mean": "difference"}).to_csv(bad / "compare.csv", index=False)
    assert main(["report", str(bad), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "compare.csv" in err and "columns" in err
    assert not (bad / "report").exists()


def test_english_is_refused_for_a_planner_folder(folders, capsys):
    assert main(["report", str(folders["compare"]), "--lang", "en", "--no-pdf"]) == 2
    assert "Chinese only" in capsys.readouterr().err
