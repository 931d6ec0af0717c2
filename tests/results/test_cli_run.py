"""`forecast run` (one future) writes the results layout with its ledger and events, prints
outlays by year and the targets, and the files agree with the ledger."""
from __future__ import annotations

import contextlib
import io
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast import cli
from forecast.policy import ladder as ladderlib

FILES = ("scenario.resolved.toml", "outlays.csv", "outlays_stats.csv", "targets.csv", "ladder_bands.csv",
         "replications.parquet", "parameters.csv", "summary.json", "outlays.png", "ladder.png", "outlays_fan.png",
         "provenance.json", "ledger.csv", "events.parquet")


def forecast_run(scenario: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = cli.main(["run", str(scenario), "--out", str(out), *extra])
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def run(small_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "results"
    status, stdout, stderr = forecast_run(small_path, out, "--seed", "5")
    return status, stdout, stderr, out


def test_run_exits_0_and_writes_every_result_file(run):
    status, _, stderr, out = run
    assert status == 0, stderr
    written = {p.name for p in out.iterdir()}
    assert set(FILES) <= written
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    for png in ("outlays.png", "ladder.png", "outlays_fan.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_printed_table_shows_years_and_targets(run):
    _, stdout, _, out = run
    for year in ("2025", "2026", "2027", "2028*", "2032*"):   # years after 2027 are marked *
        assert year in stdout
    for target in ("HS-T1", "HS-T2", "HS-T3", "HS-T4", "HS-T5a", "HS-T5b", "HS-T6", "HS-T7", "HS-T8", "HS-T9"):
        assert target in stdout
    for rule in ("HS-A1a", "HS-A8b", "HS-A10"):
        assert rule in stdout
    assert "HS-A7" not in stdout    # in kind: not a fund outlay
    assert "万元" in stdout
    assert f"results written to {out}" in stdout


def test_printed_total_matches_outlays_file_in_wan(run):
    _, stdout, _, out = run
    outlays = pd.read_csv(out / "outlays.csv", index_col="year")
    # the total row's first cell: 2025's total in 万元 (yuan / 10,000) with one decimal
    total_row = next(line for line in stdout.splitlines() if line.strip("│ ").startswith("total"))
    assert f"{outlays.loc[2025, 'total'] / 10000:,.1f}" in total_row


def test_outlays_file_equals_ledger_sums(run):
    _, _, _, out = run
    outlays = pd.read_csv(out / "outlays.csv", index_col="year")
    ledger = pd.read_csv(out / "ledger.csv")
    assert len(ledger) > 0
    cash = ledger[~ledger["in_kind"].astype(bool)]
    cash = cash[cash["year"] <= 2032]      # a payment lagged past the horizon is owed after it
    sums = cash.pivot_table(index="year", columns="rule", values="amount", aggfunc="sum", fill_value=0.0)
    rules = [c for c in outlays.columns if c != "total"]
    assert "HS-A7" not in rules and set(sums.columns) <= set(rules)
    sums = sums.reindex(index=outlays.index, columns=rules, fill_value=0.0)
    np.testing.assert_allclose(outlays[rules].to_numpy(), sums.to_numpy(), atol=0.011)
    np.testing.assert_allclose(outlays["total"].to_numpy(), outlays[rules].sum(axis=1).to_numpy(), atol=0.011)
    assert list(outlays.index) == list(range(2025, 2033))


def test_summary_and_targets_files_are_consistent(run):
    _, _, _, out = run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    outlays = pd.read_csv(out / "outlays.csv", index_col="year")
    targets = pd.read_csv(out / "targets.csv")
    ledger = pd.read_csv(out / "ledger.csv", parse_dates=["date"])
    assert summary["seed"] == 5 and summary["reps"] == 1
    for year, figure in summary["outlays_yuan_by_year"].items():
        assert figure["mean"] == pytest.approx(outlays.loc[int(year), "total"], abs=0.01)
        assert list(figure) == ["mean"]                 # one future: its value, no range
    cash = ledger[~ledger["in_kind"].astype(bool)]
    after = cash.loc[cash["year"].between(2028, 2032), "amount"].sum()   # paid in the budget years after 2027
    assert after > 0     # HS-A2b annuities and HS-A8b milestones are committed past 2027
    assert summary["headline"]["committed_after_policy_yuan"]["mean"] == pytest.approx(after, abs=0.01)
    in_policy = cash.loc[cash["year"].between(2025, 2027), "amount"].sum()
    assert summary["headline"]["outlays_yuan_in_policy_period"]["mean"] == pytest.approx(in_policy, abs=0.01)
    assert list(targets["target"]) == [t["target"] for t in summary["targets"]]
    assert "one simulated future" in summary["one_future"] and "convergence" not in summary
    assert all(set(t) == {"target", "metric", "goal", "set_by", "value", "met"} for t in summary["targets"])
    assert [t["met"] for t in summary["targets"]] == (targets["value_mean"] >= targets["goal"]).tolist()
    # one future: the probability of meeting a target is 0 or 1 and says whether its value did
    assert set(targets["probability"]) <= {0.0, 1.0}
    assert ((targets["probability"] == 1.0) == (targets["value_mean"] >= targets["goal"])).all()


def test_ladder_bands_and_events_files_read_back(run):
    _, _, _, out = run
    bands = pd.read_csv(out / "ladder_bands.csv")
    months = bands["month"].unique()
    assert len(months) == 96 and months[0] == "2025-01" and months[-1] == "2032-12"
    wide = bands.pivot(index="month", columns="series", values="mean")
    assert (wide[list(ladderlib.NAMES)].sum(axis=1) == wide["employed"]).all()
    assert {"hires", "graduates", "exits", "waiting:night_school", "waiting:apprenticeship"} <= set(wide.columns)
    assert (bands["p5"] == bands["p95"]).all()          # one replication
    events = pd.read_parquet(out / "events.parquet")
    ledger = pd.read_csv(out / "ledger.csv")
    assert ledger["event_index"].max() < len(events)
    assert (events["event"].to_numpy()[ledger["event_index"]] != "").all()


def test_parameters_file_records_drawn_values(run):
    _, _, _, out = run
    params = pd.read_csv(out / "parameters.csv")
    assert len(params) == 1 and params["replication"].iloc[0] == 0
    assert params["population.employed"].iloc[0] != 20000          # a bare range is drawn too
    assert 15000 <= params["population.employed"].iloc[0] <= 25000
    assert 0.04 <= params["flows.turnover"].iloc[0] <= 0.15         # triangular(0.04, 0.08, 0.15), drawn
    spec = tomllib.loads((out / "scenario.resolved.toml").read_text(encoding="utf-8"))
    assert spec["flows"]["turnover"]["dist"] == "triangular" and "resolved" not in spec["flows"]["turnover"]
    assert spec["rules"]["HS-A8a"]["amount"] == 2000


def test_central_flag_uses_central_values(small_path, tmp_path):
    status, _, stderr = forecast_run(small_path, tmp_path / "central", "--central")
    assert status == 0, stderr
    params = pd.read_csv(tmp_path / "central" / "parameters.csv")
    assert params["flows.turnover"].iloc[0] == 0.08              # the triangular's mode
    assert params["population.employers"].iloc[0] == 47500       # uniform(36,000, 59,000) midpoint
    summary = json.loads((tmp_path / "central" / "summary.json").read_text(encoding="utf-8"))
    assert summary["uncertain_parameters"] is False
