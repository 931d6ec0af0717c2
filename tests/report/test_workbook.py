"""forecast.xlsx of a real Monte Carlo run: reopens with openpyxl, its figures equal the results
folder's files, numbers are numbers with number formats, headers frozen, charts embedded."""
from __future__ import annotations

import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from forecast.model.fund import fund_paths, principal_needed_quantile, shortfall_probability
from forecast.results.budget import load
from forecast.report.charts import write_charts
from forecast.report.workbook import SHEETS, sheet_names, write_workbook

WAN = 10_000.0
ZH = sheet_names("zh")


@pytest.fixture(scope="module")
def mc(mc_results, tmp_path_factory):
    b = load(mc_results)
    out = tmp_path_factory.mktemp("wb")
    path = write_workbook(b, out / "forecast.xlsx", "zh", write_charts(b, out / "charts", "zh"))
    return mc_results, b, path


def _sheet_table(ws, header_row: int = 1) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    head = [str(h) if h is not None else f"c{i}" for i, h in enumerate(rows[0])]
    body = []
    for r in rows[1:]:  # the table ends at the first empty row (notes follow)
        if all(v is None for v in r):
            break
        body.append(r)
    return pd.DataFrame(body, columns=head)


def test_sheets_in_order():
    assert list(ZH.values()) == ["摘要", "支出(均值)", "支出分位数", "已承诺支出", "目标", "基金", "假设与参数",
                                 "奖励规则", "图表"]
    assert list(ZH) == list(SHEETS)


def test_outlays_sheet_equals_outlays_csv(mc):
    folder, b, path = mc
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(ZH.values())
    ws = wb[ZH["outlays"]]
    csv = pd.read_csv(folder / "outlays.csv", index_col="year")
    years = list(csv.index)
    header = [c.value for c in ws[1]]
    assert header[3:3 + len(years)] == [f"{y}{'*' if y > 2027 else ''}" for y in years]
    seen = set()
    for row in ws.iter_rows(min_row=2, values_only=True):
        rule = row[1]
        if rule is None or rule not in csv.columns:
            continue
        seen.add(rule)
        for j, y in enumerate(years):
            assert isinstance(row[3 + j], (int, float)), (rule, y, row[3 + j])
            # the total row sums the rules' means, each written to the cent
            tol = 0.01 if rule != "total" else 0.005 * len(csv.columns) + 0.005
            assert row[3 + j] * WAN == pytest.approx(csv.loc[y, rule], abs=tol)
        assert row[3 + len(years)] * WAN == pytest.approx(csv[rule].sum(), abs=0.1)
    assert seen == set(csv.columns)  # every rule and the total
    assert ws.freeze_panes == "D2"
    assert ws.cell(2, 4).number_format == "#,##0.0"
    assert ws.column_dimensions["C"].width > 20


def test_percentile_sheet_equals_outlays_stats_csv(mc):
    folder, b, path = mc
    ws = openpyxl.load_workbook(path)[ZH["stats"]]
    got = _sheet_table(ws)
    stats = pd.read_csv(folder / "outlays_stats.csv").set_index(["year", "rule"])
    assert len(got) == len(stats)
    assert list(got.columns) == ["年份", "条款", "规则", "均值", "5%分位", "25%分位", "中位数", "75%分位", "95%分位"]
    for row in got.itertuples(index=False):
        ref = stats.loc[(row[0], row[2])]
        for j, key in enumerate(["mean", "p5", "p25", "p50", "p75", "p95"], start=3):
            assert isinstance(row[j], float | int)
            assert row[j] * WAN == pytest.approx(ref[key], abs=0.01)
    assert ws.freeze_panes == "A2"


def test_liabilities_are_the_years_after_the_policy(mc):
    folder, b, path = mc
    got = _sheet_table(openpyxl.load_workbook(path)[ZH["liabilities"]])
    reps = pd.read_parquet(folder / "replications.parquet")
    later = reps[reps["year"] > 2027]
    paying = {r for r in b.cash if later[r].sum() > 0}
    assert paying and set(got["规则"]) == paying | {"total"}  # only the rules paying after 2027
    assert set(got["年份"]) == {2028, 2029, 2030, 2031, 2032, "各年合计"}
    per_rep = later.groupby("replication")["HS-A2b"].sum()
    row = got[(got["规则"] == "HS-A2b") & (got["年份"] == "各年合计")].iloc[0]
    assert row["均值"] * WAN == pytest.approx(per_rep.mean(), rel=1e-9)
    assert row["95%分位"] * WAN == pytest.approx(np.percentile(per_rep, 95), rel=1e-9)
    y2030 = got[(got["规则"] == "total") & (got["年份"] == 2030)].iloc[0]
    assert y2030["均值"] * WAN == pytest.approx(later[later["year"] == 2030]["total"].mean(), rel=1e-9)


def test_fund_and_targets_sheets(mc):
    folder, b, path = mc
    wb = openpyxl.load_workbook(path)
    ws = wb[ZH["fund"]]
    fund = _sheet_table(ws)
    params = pd.read_csv(folder / "parameters.csv")
    totals = pd.read_csv(folder / "outlays_stats.csv")
    m = pd.read_parquet(folder / "replications.parquet").pivot(index="replication", columns="year",
                                                                values="total").to_numpy()
    p = fund_paths(m, params["fund.principal"], params["fund.return_rate"], params["fund.top_up_per_year"],
                   b.fund.draw_on_principal)
    years = fund[fund["年份"].apply(lambda v: isinstance(v, int))]
    assert list(years["年份"]) == b.years
    assert list(years["P(缺口)"]) == pytest.approx(list(shortfall_probability(p)))
    assert list(years["基金收益 均值"] * WAN) == pytest.approx(list(p.returns.mean(axis=0)))
    assert list(years["收益账户结余(年末) 均值"] * WAN) == pytest.approx(list(p.account.mean(axis=0)))
    assert list(years["收益账户结余(年末) 5%分位"] * WAN) == pytest.approx(list(np.percentile(p.account, 5, axis=0)))
    assert list(years["未落实资金(累计) 均值"] * WAN) == pytest.approx(list(p.unfunded.mean(axis=0)))
    assert list(years["年末本金 5%分位"] * WAN) == pytest.approx(list(np.percentile(p.principal, 5, axis=0)))
    assert list(years["支出 均值"] * WAN) == pytest.approx(list(totals[totals["rule"] == "total"]["mean"]), abs=0.01)
    needed = principal_needed_quantile(m, params["fund.return_rate"], np.array(b.years) <= 2027, 0.95) / WAN
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "收益覆盖政策期累计支出所需本金(95%情形,万元)")
    assert row[3] == pytest.approx(needed)
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "至少一年出现缺口的概率")
    assert row[3] == pytest.approx(p.shortfall.any(axis=1).mean())
    targets = _sheet_table(wb[ZH["targets"]])
    csv = pd.read_csv(folder / "targets.csv")
    assert list(targets["目标"]) == list(csv["target"])
    assert list(targets["达成概率"]) == pytest.approx(list(csv["probability"]))
    assert list(targets["均值"]) == pytest.approx(list(csv["value_mean"]))
    assert targets.set_index("目标").loc["HS-T4", "指标"] == "新建市级技能大师工作室"
    assert wb[ZH["targets"]].cell(2, 4).number_format == "0.0%"


def test_assumptions_sheet_lists_every_parameter_with_its_source(mc, small):
    folder, b, path = mc
    wb = openpyxl.load_workbook(path)
    got = _sheet_table(wb[ZH["assumptions"]])
    register = pd.DataFrame(small.parameters())
    assert list(got["参数"]) == list(register["parameter"])
    assert list(got["设定(值或分布)"]) == list(register["specification"])
    assert list(got["来源"]) == list(register["source"])
    assert set(got["类型"]) == {"假设", "政策"}
    assert all(s for s in got["来源"])
    params = pd.read_csv(folder / "parameters.csv")
    principal = got[got["参数"] == "fund.principal"].iloc[0]
    assert principal["取值(均值)"] == pytest.approx(params["fund.principal"].mean())
    assert principal["95%分位"] == pytest.approx(np.percentile(params["fund.principal"], 95))
    assert pd.isna(got[got["参数"] == "ladder.min_months"].iloc[0]["取值(均值)"])  # a table by level: no value
    assert "HS-A3a" in got[got["参数"] == "pathways.night_school.pass_rate"]["相关规则"].iloc[0]
    rules = _sheet_table(wb[ZH["rules"]])
    assert list(rules["规则"]) == [r.id for r in small.policy.rules]
    assert all(s.startswith("seed 000") for s in rules["来源"])
    assert rules[rules["规则"] == "HS-A8b"]["奖励标准"].iloc[0].startswith("12个月内达高级工 2,000")
    assert rules[rules["规则"] == "HS-A1d"]["奖励标准"].iloc[0] == "一等奖 2,000; 二等奖 800; 三等奖 300元"


def test_charts_embedded_and_english_sheets(mc, tmp_path):
    folder, b, path = mc
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("xl/media/") and n.endswith(".png")]
    assert len(media) == 5
    en = write_workbook(b, tmp_path / "en.xlsx", "en")
    wb = openpyxl.load_workbook(en)
    assert wb.sheetnames == [v for k, v in sheet_names("en").items() if k != "charts"]
    summary = wb[sheet_names("en")["summary"]]
    labels = [summary.cell(r, 1).value for r in range(1, summary.max_row + 1)]
    assert any(str(v).startswith("outlays 2025–2027") for v in labels)
    rules = _sheet_table(wb[sheet_names("en")["rules"]])
    assert rules[rules["rule"] == "HS-A8b"]["amounts"].iloc[0].startswith("senior within 12 months 2,000")
