"""Monte Carlo runs: replication streams, compact records, aggregation, files and terminal output."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import cli
from forecast.futures.aggregate import aggregate
from forecast.futures.settings import Draws
from forecast.futures.summary import Summary, Task, reduce_result, replicate
from forecast.futures.simulate import replication_seed
from forecast.futures.statistics import convergence
from conftest import files

#: the one results layout: a Monte Carlo run and a single run write these …
MC_FILES = {"outlays.csv", "outlays_stats.csv", "targets.csv", "ladder_bands.csv", "replications.parquet",
            "parameters.csv", "summary.json", "provenance.json", "scenario.resolved.toml", "outlays.png",
            "ladder.png", "outlays_fan.png"}
#: … and a single run adds its ledger and events
SINGLE_EXTRA = {"ledger.csv", "events.parquet"}

@pytest.fixture
def mini_scenario(mini):
    return forecast.load_scenario(mini)


def test_replication_streams_do_not_depend_on_n():
    for n in (3, 10, 1000):
        assert replication_seed(7, 2, n).spawn_key == np.random.SeedSequence(7).spawn(n)[2].spawn_key
    assert replication_seed(7, 2).entropy == replication_seed(7, 2, 1000).entropy


def test_summary_is_the_single_run_reduced(mini_scenario):
    """Replication r of a Monte Carlo run is `simulate(scenario, seed, r)`, summarised."""
    rec = replicate(Task(mini_scenario, Draws(seed=5)), 2)
    res = forecast.simulate(mini_scenario, seed=5, replication=2)
    np.testing.assert_array_equal(rec.outlays, res.outlays().to_numpy())
    np.testing.assert_array_equal(rec.in_kind, res.outlays(in_kind=True).to_numpy())
    np.testing.assert_array_equal(rec.targets, res.targets()["value"].to_numpy())
    np.testing.assert_array_equal(rec.ladder, res.ladder_counts)
    np.testing.assert_array_equal(rec.flows, res.flows)
    assert set(rec.queues) == {"night_school", "apprenticeship"}
    np.testing.assert_array_equal(rec.queues["night_school"], res.queues["night_school"])
    cash = res.ledger[~res.ledger["in_kind"]]
    paid_after = cash["year"].between(2028, res.scenario.end.year)     # budget years after the policy
    assert rec.committed == pytest.approx(cash.loc[paid_after, "amount"].sum())
    assert rec.owed_after == pytest.approx(res.owed_after_horizon()) and rec.owed_after > 0
    assert rec.params["population.employed"] == res.values.population.employed
    assert rec.params["fund.return_rate"] == res.values.fund.return_rate
    # the summary survives its JSON round trip exactly (checkpoint files)
    back = Summary.from_json(json.loads(json.dumps(rec.to_json())))
    for name in ("outlays", "in_kind", "targets", "ladder", "flows"):
        np.testing.assert_array_equal(getattr(back, name), getattr(rec, name))
    assert {k: v.tolist() for k, v in back.queues.items()} == {k: v.tolist() for k, v in rec.queues.items()}
    assert back.params == rec.params and back.committed == rec.committed and back.owed_after == rec.owed_after
    # a summary is small: no events, no ledger unless asked for
    assert rec.ledger is None and len(json.dumps(rec.to_json())) < 50_000
    kept = reduce_result(res, keep_ledger=True)
    assert len(kept.ledger) == len(res.ledger) and (kept.ledger["rep"] == 2).all()


def test_scalar_parameters_are_the_drawn_values(mini_scenario):
    ss = replication_seed(3, 1).spawn(2)[0]
    values = mini_scenario.resolve(ss)
    params = values.drawn
    assert params["fund.principal"] == values.fund.principal
    assert 100e6 <= params["fund.principal"] <= 130e6
    assert "ladder.min_months" not in params  # tables by level are not scalars
    assert params["pathways.night_school.course_months"] == values.pathways["night_school"].course_months


def test_aggregate_statistics(mini_scenario):
    recs = [replicate(Task(mini_scenario, Draws(seed=1)), r) for r in range(5)]
    agg = aggregate(mini_scenario, dict(reversed(list(enumerate(recs)))), Draws(seed=1))  # order of arrival does not matter
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
    # monthly bands: every month × (9 levels, employed, 2 shares, 3 flows, 2 queues)
    assert len(agg.ladder_bands) == mini_scenario.months * 17
    assert {"hires", "graduates", "exits", "waiting:night_school", "waiting:apprenticeship"} <= set(
        agg.ladder_bands["series"])
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
    # one layout: a single run writes the same files (and its ledger and events), with the same columns
    single = tmp_path / "single"
    assert cli.main(["run", str(mini), "--seed", "2", "--out", str(single)]) == 0
    capsys.readouterr()
    assert set(files(single)) == MC_FILES | SINGLE_EXTRA
    for name in ("outlays.csv", "outlays_stats.csv", "targets.csv", "ladder_bands.csv", "parameters.csv"):
        a, b = pd.read_csv(out / name), pd.read_csv(single / name)
        assert list(a.columns) == list(b.columns), name
    # replication 0 of the Monte Carlo run is the single run with the same seed
    reps = pd.read_parquet(out / "replications.parquet")
    one = pd.read_parquet(single / "replications.parquet")
    pd.testing.assert_frame_equal(reps[reps["replication"] == 0].reset_index(drop=True), one)
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
    # the one reader gives back the aggregate the writer was given
    back = forecast.read_results(out)
    assert back.reps == 4 and back.seed == 2 and back.summary == summary
    pd.testing.assert_frame_equal(back.parameters, pd.read_csv(out / "parameters.csv"))


def test_single_run_records_provenance(mini, tmp_path, capsys):
    out = tmp_path / "one"
    assert cli.main(["run", str(mini), "--reps", "1", "--seed", "4", "--out", str(out)]) == 0
    capsys.readouterr()
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["reps"] == 1 and prov["seed"] == 4 and prov["backend"] == "serial"
    assert prov["scenario"]["file"].startswith("scenario.resolved.toml")
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["reps"] == 1


def test_scenario_written_by_a_run_loads_back_to_the_same_scenario(mini, tmp_path, capsys):
    """scenario.resolved.toml is a scenario file: reading it gives the scenario that ran, a
    reform's behavioural reference (the root base's amounts) included."""
    from forecast.futures.provenance import scenario_hash
    reform = mini.parent / "reform.toml"
    reform.write_text(f'base = "{mini.name}"\n[rules.HS-A8a]\namount = 4000\n', encoding="utf-8")
    out = tmp_path / "reform"
    assert cli.main(["run", str(reform), "--seed", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    original, back = forecast.load_scenario(reform), forecast.load_scenario(out / "scenario.resolved.toml")
    assert scenario_hash(back) == scenario_hash(original)
    ratio = original.response_ratio(original.resolve().pathways["apprenticeship"])
    assert back.response_ratio(back.resolve().pathways["apprenticeship"]) == pytest.approx(ratio)
    assert ratio == pytest.approx(4280 / 2280)
    a = forecast.simulate(original, seed=1)
    b = forecast.simulate(back, seed=1)
    assert a.ledger.equals(b.ledger)


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


def test_a_folder_of_an_earlier_version_is_refused(mc_results, tmp_path):
    """An earlier version's folder has the same file names but a scenario this version does not
    read: the reader says so, naming the folder and the key, instead of guessing."""
    import shutil
    folder = tmp_path / "old"
    shutil.copytree(mc_results, folder)
    spec = (folder / "scenario.resolved.toml").read_text(encoding="utf-8")
    assert "[meta.place]" in spec      # an earlier version wrote no names of the place
    (folder / "scenario.resolved.toml").write_text(spec.replace("[meta.place]", "[meta.region]"), encoding="utf-8")
    with pytest.raises(forecast.InputError) as info:
        forecast.read_results(folder)
    assert "not a results folder of this version" in str(info.value) and "meta.place" in str(info.value)
