"""Every output says how a target is reached and what is still owed after the horizon.

A target whose value is an input (HS-T4–T9: counts the scenario assumes) is marked "set by
assumption" with the parameters that set it — in targets.csv, summary.json, the terminal
tables, the workbook and the report — and the others "forecast". What the policy still owes
after the horizon is one valued line in summary.json, the terminal, the workbook and the report.
"""
from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from forecast.results.budget import load
from forecast.display.labels import Labels, wan
from forecast.report.build import build_report
from forecast.results.terminal import mc_outlays_table, mc_targets_table
from forecast.report.workbook import write_workbook
from conftest import rendered

SET_BY = {"HS-T4": "entities.studio.new_per_year", "HS-T8": "pathways.craftsmen.per_year",
          "HS-T9": "entities.recruitment_fair.per_year_scheduled"}
FORECAST = ("HS-T1", "HS-T2", "HS-T3")


@pytest.fixture(scope="module")
def mc(mc_results):
    return load(mc_results)


def test_results_files_name_what_sets_a_target(mc_results):
    targets = pd.read_csv(mc_results / "targets.csv", keep_default_na=False).set_index("target")
    for tid, path in SET_BY.items():
        assert targets.loc[tid, "set_by"] == path
    for tid in FORECAST:
        assert targets.loc[tid, "set_by"] == ""
    summary = json.loads((mc_results / "summary.json").read_text(encoding="utf-8"))
    by_id = {t["target"]: t for t in summary["targets"]}
    assert by_id["HS-T8"]["set_by"] == ["pathways.craftsmen.per_year"] and by_id["HS-T1"]["set_by"] == []


def test_terminal_marks_targets_and_shows_the_valued_tail(mc):
    text = rendered(mc_targets_table(mc.agg), 240)
    lines = {line.split("│")[1].strip(): line for line in text.splitlines() if line.startswith("│ HS-T")}
    for tid, path in SET_BY.items():
        assert "set by assumption" in lines[tid] and path.split(".")[-1] in lines[tid]
    for tid in FORECAST:
        assert "forecast" in lines[tid] and "set by assumption" not in lines[tid]
    owed = mc.summary["headline"]["owed_after_horizon_yuan"]
    assert owed["mean"] > 0
    out = rendered(mc_outlays_table(mc.agg), 240)
    row = next(line for line in out.splitlines() if "still owed after 2032" in line)
    assert wan(owed["mean"]) in row and f"{wan(owed['p5'])} – {wan(owed['p95'])}" in row


def test_workbook_and_report_mark_targets_and_show_the_tail(mc, mc_results, tmp_path):
    path = write_workbook(mc, tmp_path / "f.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    L = Labels("en", mc.scenario)
    ws = wb[L("sheet.targets")]
    header = [c.value for c in ws[1]]
    col = header.index(L("how_reached"))
    rows = {r[0]: r[col] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] and str(r[0]).startswith("HS-T")}
    assert rows["HS-T8"] == "set by assumption (pathways.craftsmen.per_year)" and rows["HS-T1"] == "forecast"
    summary = [r for r in wb[L("sheet.summary")].iter_rows(values_only=True) if r[0]]
    owed = next(r for r in summary if str(r[0]).startswith("still owed after"))
    assert owed[1] == pytest.approx(mc.summary["headline"]["owed_after_horizon_yuan"]["mean"] / 1e4)
    files = build_report(mc_results, tmp_path / "report", lang="zh", pdf=False)
    page = files.html.read_text(encoding="utf-8")
    assert "由假设设定(pathways.craftsmen.per_year)" in page and "如何达成" in page
    assert "模拟期止于2032年" in page and wan(mc.summary["headline"]["owed_after_horizon_yuan"]["mean"]) in page
