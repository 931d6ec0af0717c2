"""`forecast compare` and `forecast sweep`: paired replications on common random numbers.

Pinned: a self-comparison is exactly zero; with no behavioural response (elasticity 0) a
doubled amount changes nothing but the price, so the extra outlay is exactly the base's
outlay on that rule and all of it is deadweight; the folder's tables agree with each
scenario's own results folder; a sweep's rule outlay rises with its amount; bad input exits 2.
"""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.futures.settings import Compute, Draws
from forecast.planner.compare import compare
from forecast.planner.files import read_comparison
from forecast.planner.comparison import LONG_COLUMNS

from conftest import HUISHAN, MINI, ctrl_c_after, forecast_cli

DELTAS = ["delta_mean", "delta_p5", "delta_p95", "delta_se"]
SERIAL = Compute(backend="serial")


@pytest.fixture(scope="module")
def folder(mini_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("compare") / "cmp"
    status, stdout, stderr = forecast_cli("compare", str(mini_path), "--set", "rules.HS-A8a.amount=4000", "--reps", "6",
                                          "--out", str(out), "--quiet")
    assert status == 0, stderr
    return out, stdout


def test_compare_writes_its_folder_and_prints_the_difference(folder):
    out, stdout = folder
    names = {p.name for p in out.iterdir()}
    assert {"compare.csv", "effectiveness.csv", "deadweight.csv", "compare.json", "compare.xlsx",
            "delta_by_article.png", "cost_effect.png", "provenance.json", "runs"} <= names
    assert sorted(p.name for p in (out / "runs").iterdir()) == ["huishan", "huishan+set"]
    summary, long, effect, dead = read_comparison(out)
    assert list(long.columns) == LONG_COLUMNS and summary["reps"] == 6
    assert "paired SE" in stdout and "independent SE" in stdout and "Deadweight" in stdout
    a8a = long[(long["item"] == "HS-A8a") & (long["period"] == "policy")].iloc[0]
    assert a8a["delta_mean"] > 0


def test_compare_tables_agree_with_each_scenarios_results_folder(folder):
    out, _ = folder
    _, long, _, _ = read_comparison(out)
    for name, column in (("huishan", "base_mean"), ("huishan+set", "reform_mean")):
        stats = pd.read_csv(out / "runs" / name / "outlays_stats.csv")
        for year in (2025, 2026, 2027, 2028):
            want = stats[(stats["year"] == year) & (stats["rule"] == "total")]["mean"].iloc[0]
            got = long[(long["item"] == "total") & (long["period"] == str(year))][column].iloc[0]
            assert got == pytest.approx(want, abs=0.01)


def test_self_comparison_is_exactly_zero(mini_path, tmp_path):
    base = forecast.load_scenario(mini_path)
    twin = dataclasses.replace(base, name="twin")
    c = compare(base, [twin], reps=3, out=tmp_path / "self", compute=SERIAL)
    assert (c.long[DELTAS].to_numpy() == 0).all()
    assert (c.long["base_mean"] == c.long["reform_mean"]).all()
    assert "no extra outlay" in c.deadweight["note"].iloc[0]


def test_without_a_response_a_doubled_amount_is_all_deadweight(overlay, tmp_path):
    """Elasticity 0: pairings do not respond, the events are identical, so the reform pays
    exactly twice the base's HS-A8a and every extra yuan pays for pairings that happen anyway."""
    path = overlay(MINI + "\n[pathways.apprenticeship.elasticity]\nvalue = 0.0\nrange = [0.0, 0.0]\n"
                   'assumption = "test: no response"\n', "inert.toml")
    base = forecast.load_scenario(path)
    reform = dataclasses.replace(forecast.load_scenario(path, ["rules.HS-A8a.amount=4000"]), name="x2")
    c = compare(base, [reform], reps=3, out=tmp_path / "inert", compute=SERIAL)
    a8a = c.long[(c.long["item"] == "HS-A8a") & (c.long["measure"] == "outlay")]
    assert np.allclose(a8a["reform_mean"], 2 * a8a["base_mean"])
    others = c.long[(c.long["measure"] == "outlay") & ~c.long["item"].isin(["HS-A8a", "total"])]
    assert (others["delta_mean"] == 0).all()
    d = c.deadweight.iloc[0]
    assert d["deadweight_share"] == pytest.approx(1.0) and d["extra_events_mean"] == pytest.approx(0.0, abs=1e-6)


def test_sweep_rule_outlay_rises_with_its_amount(mini_path, tmp_path):
    out = tmp_path / "sweep"
    status, stdout, stderr = forecast_cli("sweep", str(mini_path), "--vary", "rules.HS-A8a.amount=1000:5000:5",
                                          "--reps", "4",
                                          "--out", str(out), "--quiet")
    assert status == 0, stderr
    table = pd.read_csv(out / "sweep.csv")
    assert list(table["rules.HS-A8a.amount"]) == [1000, 2000, 3000, 4000, 5000]
    long = pd.read_csv(out / "compare.csv")
    a8a = long[(long["item"] == "HS-A8a") & (long["period"] == "policy")].set_index("reform")["reform_mean"]
    assert (np.diff(a8a.loc[table["point"]].to_numpy()) >= 0).all()
    assert (np.diff(table["outlay_mean"].to_numpy()) >= 0).all()
    # the point equal to the base differs from it by nothing
    same = table[table["rules.HS-A8a.amount"] == 2000].iloc[0]
    assert same["delta_outlay_mean"] == 0 and same["delta_outlay_se"] == 0
    assert json.loads((out / "sweep.json").read_text(encoding="utf-8"))["points"] == 5
    assert (out / "frontier.png").is_file()


def test_two_dimensional_sweep_draws_heat_maps(mini_path, tmp_path):
    out = tmp_path / "sweep2"
    status, _, stderr = forecast_cli("sweep", str(mini_path), "--vary", "rules.HS-A8a.amount=2000:4000:2",
                                     "--vary", "pathways.apprenticeship.elasticity=0.5:1.5:2", "--reps", "2",
                                     "--out", str(out), "--quiet", "--backend", "serial")
    assert status == 0, stderr
    assert len(pd.read_csv(out / "sweep.csv")) == 4
    assert (out / "heatmap_outlay.png").is_file() and (out / "heatmap_HS-T1.png").is_file()


@pytest.mark.parametrize("argv, words", [
    (["compare", "{s}"], "nothing to compare"),
    (["compare", "{s}", "--set", "rules.HS-A8a.amout=4000"], "rules.HS-A8a.amout"),
    (["compare", "{s}", "--set", "rules.HS-A8a.amount=4000", "--reps", "1"], "--reps"),
    (["sweep", "{s}", "--vary", "rules.HS-A8a.amount=1000:5000"], "KEY=LOW:HIGH:STEPS"),
    (["sweep", "{s}", "--vary", "rules.HS-A8a.amuont=1000:5000:3"], "rules.HS-A8a.amuont"),
    (["sweep", "{s}"], "nothing to vary"),
])
def test_bad_input_exits_2_naming_it(argv, words, tmp_path):
    out = tmp_path / "x"
    status, _, err = forecast_cli(*[a.format(s=HUISHAN) for a in argv], "--out", str(out))
    assert status == 2 and words in err
    assert not out.exists()


def test_a_reform_with_another_calendar_is_refused(mini_path, tmp_path):
    base = forecast.load_scenario(mini_path)
    other = dataclasses.replace(forecast.load_scenario(HUISHAN), name="other")
    with pytest.raises(forecast.InputError, match="calendar"):
        compare(base, [other], reps=2, out=tmp_path / "x", compute=SERIAL)


def test_paired_standard_error_is_at_most_a_third_of_the_independent_one(mini_path, tmp_path):
    """HS-A8a doubled on 20 paired replications of the tiny district: the policy-period total's
    paired SE ≤ 1/3 of what two independent runs of 20 would give (issue 11)."""
    base = forecast.load_scenario(mini_path)
    reform = dataclasses.replace(forecast.load_scenario(mini_path, ["rules.HS-A8a.amount=4000"]), name="x2")
    c = compare(base, [reform], reps=20, out=tmp_path / "se")
    total = c.long[(c.long["item"] == "total") & (c.long["period"] == "policy")].iloc[0]
    assert total["delta_mean"] > 0
    assert total["delta_se"] <= total["independent_se"] / 3
    head = c.summary["headline"]["x2"]["policy_period"]
    assert head["se_ratio"] == pytest.approx(total["delta_se"] / total["independent_se"], rel=1e-5)


def test_repricing_only_the_changed_rules_equals_pricing_every_rule(mini_path):
    """The deadweight's repricing prices again only the rules a reform changes; the others are
    the base's own outlays. It must equal pricing the base's events under every reform rule."""
    from forecast.policy.payouts import compute_payouts, outlays_by_year
    from forecast.futures.simulate import draw_values
    from forecast.planner.paired import PairedTask, reprice
    from forecast.futures.summary import reduce_result

    base = forecast.load_scenario(mini_path)
    other = forecast.load_scenario(mini_path, ["rules.HS-A8a.changes=[{from=2026-01-01, amount=4000, source='t'}]",
                                               'rules.HS-A3a.amounts={"初级工"=600, "中级工"=1000, "高级工"=1500}'])
    task = PairedTask((base, other), Draws(seed=3), reps=2)
    result = forecast.simulate(base, 3, 1)
    record = reduce_result(result)
    fast = reprice(result, record, other, task, 1)
    lags = draw_values(other, 3, 1)[0].pay_lag
    full = outlays_by_year(compute_payouts(result.events, other.policy, explain=False, lags=lags).ledger,
                           other.policy.rule_ids(), base.years).to_numpy()
    assert np.array_equal(fast, full) and fast.sum() > record.outlays.sum()


def test_an_interrupted_comparison_resumes_to_the_same_tables(mini_path, tmp_path):
    base = forecast.load_scenario(mini_path)
    reform = dataclasses.replace(forecast.load_scenario(mini_path, ["rules.HS-A8a.amount=4000"]), name="x2")
    fresh = compare(base, [reform], reps=3, out=tmp_path / "fresh", compute=SERIAL)

    def stop_after_four(done, total):    # items 0–2: the base's replications, 3: the reform's first
        if done >= 4:
            raise KeyboardInterrupt

    out = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        compare(base, [reform], reps=3, out=out, compute=SERIAL.with_progress(stop_after_four))
    assert not out.exists()
    again = compare(base, [reform], reps=3, out=out, compute=Compute(backend="serial", resume=True))
    assert again.paired.resumed == 4
    pd.testing.assert_frame_equal(again.long, fresh.long)
    pd.testing.assert_frame_equal(again.deadweight, fresh.deadweight)


def test_ctrl_c_in_compare_leaves_the_checkpoint_and_says_so(mini_path, tmp_path, monkeypatch):
    argv = ["compare", str(mini_path), "--set", "rules.HS-A8a.amount=4000", "--reps", "2", "--backend", "serial",
            "--out", str(tmp_path / "c"), "--quiet"]
    with monkeypatch.context() as patch:
        ctrl_c_after(patch, 2)
        status, _, err = forecast_cli(*argv)
    assert status == 130 and "interrupted: 2 of 4" in err and "--resume" in err and "Traceback" not in err, err
    status, _, err = forecast_cli(*argv, "--resume", "--seed", "1")
    assert status == 2 and "--seed" in err
    status, _, err = forecast_cli(*argv, "--resume")
    assert status == 0, err
