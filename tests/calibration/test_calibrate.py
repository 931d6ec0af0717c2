"""`forecast calibrate`: synthetic recovery on the mini district, the observed file's checks,
the folder it writes and the calibrated overlay."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.cli import main
from forecast.calibration.abc import weighted_quantile
from forecast.calibration.observed import Observation, metric_value, read_observed
from forecast.futures.simulate import simulate
from forecast.futures.targets import metric
from conftest import ROOT

RATE = "pathways.self_evaluation.rate_scale"
SEATS = "pathways.night_school.seats_per_term"
#: the known truth, as quantiles of the priors: rate_scale high, seats low
TRUTH = {RATE: 0.8, SEATS: 0.25}
PERIOD = (dt.date(2025, 1, 1), dt.date(2028, 12, 31))
#: (name, metric, programme) of the synthetic observations
SYNTHETIC = [("self_evaluation_certificates", "certificates", "self_evaluation"),
             ("night_school_certificates", "certificates", "night_school"),
             ("high_certificates", "high_certificates", "")]


def _observed_text(rows, extra: str = "") -> str:
    out = []
    for name, metric_name, value, sd, programme in rows:
        out.append(f"[observations.{name}]\nmetric = \"{metric_name}\"\nperiod = [{PERIOD[0]}, {PERIOD[1]}]\n"
                   f"value = {value!r}\nsd = {sd!r}\nsource = \"synthetic: simulated with known values\"\n" +
                   (f"programme = \"{programme}\"\n" if programme else ""))
    return "\n".join(out) + extra


CONTEXT = """
[observations.share_2024]
metric = "skilled_share_end"
period = [2024-12-31, 2024-12-31]
value = 0.28
sd = 0.02
use = "context"
proxy = "another district, for this test"
source = "test"
"""


@pytest.fixture(scope="module")
def recovered(mini_path, tmp_path_factory):
    """Simulate the mini district with known rate_scale and seats, write its aggregates (the
    mean of three futures, sd ≈ √count: one future's noise) as an observed file, and calibrate
    both parameters on them through the command line."""
    sc = forecast.load_scenario(mini_path)
    truths = [simulate(sc, seed=11, replication=9000 + r, uncertain=False, at=TRUTH) for r in range(3)]
    rows = []
    for name, metric_name, programme in SYNTHETIC:
        o = Observation(name, metric_name, *PERIOD, 0.0, 1.0, "x", programme=programme)
        v = float(np.mean([metric_value(t, o) for t in truths]))   # observed: the mean of 3 futures
        rows.append((name, metric_name, v, max(float(np.sqrt(v)), 1.0), programme))
    folder = tmp_path_factory.mktemp("recovery")
    observed = folder / "observed.toml"
    observed.write_text(_observed_text(rows, CONTEXT), encoding="utf-8")
    out = folder / "calibrated"
    code = main(["calibrate", str(mini_path), "--observed", str(observed), "--params", RATE, SEATS,
                 "--max-runs", "80", "--seed", "1", "--backend", "serial", "--quiet", "--out", str(out)])
    return code, sc, out, observed


def test_synthetic_recovery_and_the_folder(recovered):
    """One calibration (a single test, so that parallel workers do not each repeat it): the
    known values fall in the 90 % intervals, which are narrower than the priors; the fit
    table, provenance, runs and the calibrated overlay are as documented."""
    code, sc, out, observed = recovered
    assert code == 0
    _check_recovery(sc, out)
    _check_fit(out)
    _check_provenance(out, observed)
    _check_overlay(sc, out)


def _check_recovery(sc, out):
    table = pd.read_csv(out / "calibration.csv").set_index("parameter")
    specs = sc.parameter_specs()
    for name, u in TRUTH.items():
        known = specs[name].quantile(u)
        row = table.loc[name]
        assert row["p5"] <= known <= row["p95"], (name, known, row.to_dict())
        prior_90 = specs[name].quantile(0.95) - specs[name].quantile(0.05)
        assert row["p95"] - row["p5"] < 0.8 * prior_90, name     # the data narrow the prior's 90 %
        assert (row["prior_p5"], row["prior_p95"]) == pytest.approx((specs[name].quantile(0.05),
                                                                     specs[name].quantile(0.95)))
        assert row["p5"] <= row["estimate"] <= row["p95"]
        assert (row["prior_low"], row["prior_high"]) == (specs[name].low, specs[name].high)


def _check_fit(out):
    fit = pd.read_csv(out / "fit.csv", keep_default_na=False, na_values=[""])
    assert list(fit["observation"]) == [s[0] for s in SYNTHETIC] + ["share_2024"]
    fitted = fit[fit["use"] == "fit"]
    assert fitted["simulated_mean"].notna().all()
    assert (fitted["residual"].abs() < 3).all()
    assert np.allclose(fitted["residual"], (fitted["observed"] - fitted["simulated_mean"]) / fitted["sd"])
    ctx = fit[fit["use"] == "context"].iloc[0]
    assert np.isnan(ctx["simulated_mean"]) and ctx["proxy"] == "another district, for this test"


def _check_provenance(out, observed):
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["runs"] == 80 and prov["seed"] == 1 and "ABC-SMC" in prov["method"]
    assert prov["observed"]["sha256"] and prov["observed"]["file"] == str(observed)
    assert "calibrate" in prov["command"]
    particles = pd.read_csv(out / "particles.csv")
    assert len(particles) == 75 and particles["weight"].sum() == pytest.approx(1.0)
    assert particles["replication"].is_unique


def _check_overlay(sc, out):
    cal = forecast.load_scenario(out / "calibrated.toml")
    table = pd.read_csv(out / "calibration.csv").set_index("parameter")
    specs = cal.parameter_specs()
    for name in TRUTH:
        p = specs[name]
        assert p.dist == "triangular" and "calibrated by forecast calibrate" in p.source
        assert (p.low, p.high) == pytest.approx((table.loc[name, "p5"], table.loc[name, "p95"]))
    untouched = "population.employed"
    assert specs[untouched] == sc.parameter_specs()[untouched]
    result = forecast.simulate(cal, seed=0)
    assert len(result.events) > 0


def test_metrics_read_the_future_as_the_targets_do(mini_path):
    sc = forecast.load_scenario(mini_path)
    r = simulate(sc, seed=3, uncertain=False)
    pol = sc.policy
    whole = dict(start=pol.valid_from, end=pol.valid_to, value=0.0, sd=1.0, source="x")
    for ours, theirs in (("certificates", "new_certified_persons"), ("high_certificates", "new_high_certified_persons"),
                         ("craftsmen_selected", "craftsmen_selected")):
        assert metric_value(r, Observation("o", ours, **whole)) == metric(theirs, r)
    share = metric_value(r, Observation("o", "skilled_share_end", **whole))
    assert share == pytest.approx(metric("skilled_share_end", r))
    certs = metric_value(r, Observation("o", "certificates", **whole))
    by_programme = sum(metric_value(r, Observation("o", "certificates", **whole, programme=p))
                       for p in ("self_evaluation", "night_school", "competition", "appointment"))
    assert by_programme >= certs > 0
    rate = metric_value(r, Observation("o", "certificates_per_employed", **whole))
    assert rate == pytest.approx(certs / r.ladder_counts[0].sum())


def test_weighted_quantile():
    x = np.array([3.0, 1.0, 2.0, 10.0])
    assert weighted_quantile(x, np.array([0.0, 1.0, 0.0, 0.0]), 0.5) == 1.0
    assert weighted_quantile(np.arange(101.0), np.ones(101), 0.05) == pytest.approx(5.0, abs=0.6)


GOOD = """[observations.a]
metric = "certificates"
period = [2025-01-01, 2025-12-31]
value = 100
sd = 10
source = "test"
"""


@pytest.mark.parametrize("text, key", [
    (GOOD + "colour = \"red\"\n", "observations.a.colour"),
    (GOOD.replace('"certificates"', '"diplomas"'), "observations.a.metric"),
    (GOOD.replace("sd = 10", "sd = 0"), "observations.a.sd"),
    (GOOD.replace("2025-01-01", "2024-01-01"), "observations.a.period"),
    (GOOD.replace("2025-12-31", "2040-12-31"), "observations.a.period"),
    (GOOD.replace('source = "test"\n', ""), "observations.a.source"),
    (GOOD + 'use = "maybe"\n', "observations.a.use"),
    (GOOD.replace('metric = "certificates"', 'metric = "pairings"') + 'programme = "night_school"\n',
     "observations.a.programme"),
    ("note = 1\n" + GOOD, "note"),
    (GOOD + 'use = "context"\n', "observations"),
])
def test_bad_observed_file_exits_2_naming_the_key(mini_path, tmp_path, capsys, text, key):
    observed = tmp_path / "observed.toml"
    observed.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["calibrate", str(mini_path), "--observed", str(observed), "--params", RATE,
                 "--max-runs", "40", "--backend", "serial", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{observed}: {key}:" in err
    assert not out.exists() and list(tmp_path.iterdir()) == [observed]


def test_context_figure_before_the_start_is_accepted(mini_path, tmp_path):
    observed = tmp_path / "observed.toml"
    observed.write_text(GOOD + CONTEXT, encoding="utf-8")
    obs = read_observed(observed, forecast.load_scenario(mini_path))
    assert [o.use for o in obs] == ["fit", "context"] and obs[1].proxy


@pytest.mark.parametrize("params, key", [
    ([RATE, "pathways.night_school.seats"], "pathways.night_school.seats"),
    (["population.nobody"], "population.nobody"),
    (["pathways.night_school.course_hours"], "pathways.night_school.course_hours"),
])
def test_bad_params_exit_2_naming_the_key(mini_path, tmp_path, capsys, params, key):
    observed = tmp_path / "observed.toml"
    observed.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["calibrate", str(mini_path), "--observed", str(observed), "--params", *params,
                 "--max-runs", "40", "--backend", "serial", "--quiet", "--out", str(out)])
    assert code == 2
    assert f"--params: {key}:" in capsys.readouterr().err
    assert not out.exists()


def test_too_few_runs_exit_2(mini_path, tmp_path, capsys):
    observed = tmp_path / "observed.toml"
    observed.write_text(GOOD, encoding="utf-8")
    code = main(["calibrate", str(mini_path), "--observed", str(observed), "--params", RATE,
                 "--max-runs", "5", "--backend", "serial", "--quiet", "--out", str(tmp_path / "out")])
    assert code == 2 and "--max-runs" in capsys.readouterr().err


def test_shipped_observed_file_reads_against_huishan(huishan):
    obs = read_observed(ROOT / "scenarios" / "observed" / "huishan.toml", huishan)
    fitted = [o for o in obs if o.use == "fit"]
    assert {o.metric for o in fitted} >= {"certificates_per_employed", "high_share_of_certificates"}
    assert all(o.proxy for o in fitted)                 # Wuxi 2021 stands in for Huishan 2025
    assert all(o.source for o in obs)
    context = {(o.metric, o.start.year): o.value for o in obs if o.use == "context"}
    assert context[("skilled_share_end", 2024)] == 0.28
    assert context[("craftsmen_selected", 2022)] == 50 and context[("craftsmen_selected", 2023)] == 18
