"""Monte Carlo runs: replication streams, compact records, aggregation, files and terminal output."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import cli
from forecast.runs.montecarlo import (Record, Task, aggregate, convergence, reduce_result, replicate,
                                 scalar_parameters)
from forecast.runs.simulate import replication_seed

#: a district small enough for Monte Carlo tests: ~3,000 workers, 2025–2028, pathways scaled down
MINI = """
[calendar]
end = 2028-12-31
[population.employed]
value = 3000
range = [2500, 3500]
assumption = "test: a small district keeps Monte Carlo tests fast"
[population.employers]
value = 400
range = [300, 500]
assumption = "test"
[population.contributor_units]
value = 10
range = [5, 15]
assumption = "test"
[pathways.night_school.seats_per_term]
value = 30
range = [20, 40]
assumption = "test"
[pathways.apprenticeship.pairings_per_year]
value = 20
range = [10, 30]
assumption = "test"
[pathways.colleges.staying_per_year]
value = 40
range = [30, 60]
assumption = "test"
[pathways.competition.entrants]
value = 50
range = [30, 70]
assumption = "test"
"""

MC_FILES = {"outlays.csv", "outlays_stats.csv", "targets.csv", "ladder_bands.csv", "replications.parquet",
            "parameters.csv", "summary.json", "provenance.json", "scenario.resolved.toml", "outlays.png",
            "ladder.png", "outlays_fan.png"}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def mini(overlay):
    return overlay(MINI, "mini.toml")


@pytest.fixture
def mini_scenario(mini):
    return forecast.load_scenario(mini)


def test_replication_streams_do_not_depend_on_n():
    for n in (3, 10, 1000):
        assert replication_seed(7, 2, n).spawn_key == np.random.SeedSequence(7).spawn(n)[2].spawn_key
    assert replication_seed(7, 2).entropy == replication_seed(7, 2, 1000).entropy


def test_record_is_the_single_run_reduced(mini_scenario):
    """Replication r of a Monte Carlo run is `simulate(scenario, seed, r)`, reduced."""
    rec = replicate(Task(mini_scenario, seed=5), 2)
    res = forecast.simulate(mini_scenario, seed=5, replication=2)
    assert rec.rep == 2
    np.testing.assert_array_equal(rec.outlays, res.outlays().to_numpy())
    np.testing.assert_array_equal(rec.in_kind, res.outlays(in_kind=True).to_numpy())
    np.testing.assert_array_equal(rec.targets, res.targets()["value"].to_numpy())
    np.testing.assert_array_equal(rec.ladder, res.ladder_counts)
    assert rec.committed == pytest.approx(res.summary()["committed_after_policy_yuan"], abs=0.01)
    assert rec.params["population.employed"] == res.values["population"]["employed"]
    assert rec.params["fund.return_rate"] == res.values["fund"]["return_rate"]
    # the record survives its JSON round trip exactly (checkpoint files)
    back = Record.from_json(json.loads(json.dumps(rec.to_json())))
    for name in ("outlays", "in_kind", "targets", "ladder"):
        np.testing.assert_array_equal(getattr(back, name), getattr(rec, name))
    assert back.params == rec.params and back.committed == rec.committed
    # a record is small: no events, no ledger unless asked for
    assert rec.ledger is None and len(json.dumps(rec.to_json())) < 50_000
    kept = reduce_result(res, keep_ledger=True)
    assert len(kept.ledger) == len(res.ledger) and (kept.ledger["rep"] == 2).all()


def test_scalar_parameters_are_the_drawn_values(mini_scenario):
    ss = replication_seed(3, 1).spawn(2)[0]
    values = mini_scenario.resolve(ss)
    params = scalar_parameters(mini_scenario, values)
    assert params["fund.principal"] == values["fund"]["principal"]
    assert 100e6 <= params["fund.principal"] <= 130e6
    assert "ladder.min_months" not in params  # tables by level are not scalars


def test_aggregate_statistics(mini_scenario):
    recs = [replicate(Task(mini_scenario, seed=1), r) for r in range(5)]
    agg = aggregate(mini_scenario, list(reversed(recs)), seed=1)  # order of arrival does not matter
    O = np.stack([r.outlays for r in recs])
    years = mini_scenario.years
    cash = [r.id for r in mini_scenario.policy.rules if not r.in_kind]
    np.testing.assert_allclose(agg.outlays_mean.to_numpy(), O.mean(axis=0))
    assert list(agg.outlays_mean.index) == years and list(agg.outlays_mean.columns) == cash
    tot = agg.outlays_stats[agg.outlays_stats["rule"] == "total"].set_index("year")
    np.testing.assert_allclose(tot["p95"], np.percentile(O.sum(axis=2), 95, axis=0))
    np.testing.assert_allclose(tot["mean"], O.sum(axis=2).mean(axis=0))
    assert set(agg.outlays_stats["rule"]) == set(cash) | {"total"}
    assert len(agg.outlays_stats) == len(years) * (len(cash) + 1)
    # targets: probability of meeting the goal and its binomial standard error
    V = np.stack([r.targets for r in recs])
    for j, t in enumerate(mini_scenario.targets):
        row = agg.targets.iloc[j]
        p = float(np.mean(V[:, j] >= t.goal))
        assert row["probability"] == pytest.approx(p)
        assert row["mc_se"] == pytest.approx(math.sqrt(p * (1 - p) / 5))
        assert row["value_p50"] == pytest.approx(np.median(V[:, j]))
    # per-replication tables for later tools (the fund per replication)
    reps = agg.replications
    assert list(reps.columns[:2]) == ["replication", "year"] and len(reps) == 5 * len(years)
    r3 = reps[reps["replication"] == 3].set_index("year")
    np.testing.assert_array_equal(r3[cash].to_numpy(), recs[3].outlays)
    assert "in_kind:HS-A7" in reps and "HS-A7" not in reps
    assert list(agg.parameters["replication"]) == [0, 1, 2, 3, 4]
    assert agg.parameters["fund.principal"].nunique() == 5
    # ladder bands: every month × (levels, employed, shares)
    assert len(agg.ladder_bands) == mini_scenario.months * 12
    emp = agg.ladder_bands[agg.ladder_bands["series"] == "employed"]
    np.testing.assert_allclose(emp["mean"], np.stack([r.ladder.sum(axis=1) for r in recs]).mean(axis=0))
    s = agg.summary
    assert s["reps"] == 5 and s["seed"] == 1
    hp = s["headline"]["outlays_yuan_in_policy_period"]
    in_period = O.sum(axis=2)[:, :3].sum(axis=1)
    assert hp["mean"] == pytest.approx(in_period.mean(), abs=0.01)
    assert hp["mc_se"] == pytest.approx(in_period.std(ddof=1) / math.sqrt(5), rel=1e-5)
    assert "rule" in s["convergence"] and isinstance(s["convergence"]["settled"], bool)


def test_convergence_rule():
    rng = np.random.default_rng(0)
    steady = 100.0 + rng.normal(0, 0.5, 400)
    c = convergence(steady)
    assert c["settled"] and c["no_drift"] and c["precise"] and c["reps_needed"] == 400
    noisy = 100.0 + rng.normal(0, 30, 400)
    c = convergence(noisy)
    assert not c["precise"] and c["reps_needed"] > 400
    assert c["mc_se"] == pytest.approx(noisy.std(ddof=1) / 20, rel=1e-5)
    drifting = np.concatenate([np.full(200, 100.0), np.full(200, 110.0)]) + rng.normal(0, 0.5, 400)
    assert not convergence(drifting)["no_drift"]
    # 0 successes out of 6 is not an exact probability …
    c = convergence(np.zeros(6), probability=True)
    assert not c["settled"] and c["reps_needed"] > 6
    # … out of 2,000 it is settled
    assert convergence(np.zeros(2000), probability=True)["settled"]


def test_run_reps_writes_the_monte_carlo_folder(mini, tmp_path, capsys):
    out = tmp_path / "mc"
    assert cli.main(["run", str(mini), "--reps", "4", "--seed", "2", "--backend", "serial", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert set(files(out)) == MC_FILES
    assert not (tmp_path / "mc.checkpoint").exists()
    # terminal: 万元 table with mean and 90 % range per year, and the target probabilities
    assert "90 % range" in printed.out and "P(met)" in printed.out and "4 replications" in printed.out
    assert "━" not in printed.err  # no progress bar when stderr is not a terminal
    # outlays.csv has the single run's shape: year × rules + total
    single = tmp_path / "single"
    assert cli.main(["run", str(mini), "--seed", "2", "--out", str(single)]) == 0
    capsys.readouterr()
    a, b = pd.read_csv(out / "outlays.csv"), pd.read_csv(single / "outlays.csv")
    assert list(a.columns) == list(b.columns) and list(a["year"]) == list(b["year"])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["reps"] == 4 and summary["seed"] == 2
    assert {"outlays_yuan_in_policy_period", "committed_after_policy_yuan"} <= set(summary["headline"])
    assert "more_replications_would_change_headline" in summary["convergence"]
    targets = pd.read_csv(out / "targets.csv")
    assert {"target", "text", "goal", "probability", "mc_se", "value_mean", "value_p5", "value_p50",
            "value_p95"} <= set(targets.columns)
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["reps"] == 4 and prov["seed"] == 2 and prov["backend"] == "serial"
    assert prov["version"] == forecast.__version__ and "commit" in prov["git"]
    assert prov["command"].startswith("forecast run") and "--reps 4" in prov["command"]
    assert prov["started"] <= prov["ended"] and len(prov["scenario"]["sha256"]) == 64
    # the Monte Carlo folder is read by the budget view like a single run's
    from forecast.outputs import budget
    b = budget.load(out)
    assert b.monte_carlo and b.replications == 4
    np.testing.assert_allclose(b.fund.principal, pd.read_csv(out / "parameters.csv")["fund.principal"])


def test_single_run_records_provenance(mini, tmp_path, capsys):
    out = tmp_path / "one"
    assert cli.main(["run", str(mini), "--reps", "1", "--seed", "4", "--out", str(out)]) == 0
    capsys.readouterr()
    names = {p.name for p in out.iterdir()}
    assert "provenance.json" in names and "ledger.csv" in names and "replications.parquet" not in names
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["reps"] == 1 and prov["seed"] == 4 and prov["scenario"]["file"] == "scenario.resolved.toml"


def test_bad_reps_exit_2(mini, tmp_path, capsys):
    assert cli.main(["run", str(mini), "--reps", "0", "--out", str(tmp_path / "x")]) == 2
    assert "--reps" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_progress_bar_on_a_terminal_only(mini, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TTY_COMPATIBLE", "1")   # rich: treat stderr as a terminal
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    assert cli.main(["run", str(mini), "--reps", "2", "--backend", "serial", "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "replications" in err and "2/2" in err and "left" in err
    assert cli.main(["run", str(mini), "--reps", "2", "--backend", "serial", "--quiet",
                     "--out", str(tmp_path / "b")]) == 0
    assert capsys.readouterr().err == ""
