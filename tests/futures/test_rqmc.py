"""Randomised quasi-Monte Carlo draws (`--sampling rqmc`, `scenario/qmc.py`).

Pinned: the quasi-random draws have the scenario's marginal distributions (Kolmogorov–Smirnov
against each parameter's own CDF, through its quantile function) and are stratified; the
randomisations are independent and differ; a parameter's draw is keyed by its path, so an
overlay adding a parameter leaves the others' draws (base and reform pair); the same seed gives
the same files on the serial and processes backends; the summary records the method and its
standard errors are the randomisations' spread; a plain run is untouched; bad values exit 2."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import forecast
from forecast.core.errors import InputError
from forecast.futures.settings import Compute, Draws
from forecast.futures.simulate import replication_seed
from forecast.futures.statistics import rqmc_se
from forecast.scenario import qmc

from conftest import HUISHAN, files, forecast_cli

N = 64   # 8 randomisations × 8 points: balanced
SERIAL = Compute(backend="serial")


def _draws(scenario, seed: int, n: int, fixed=frozenset()) -> pd.DataFrame:
    """replication × parameter: the values replications 0 … n-1 draw with RQMC."""
    rows = []
    for r in range(n):
        ss, _ = replication_seed(seed, r).spawn(2)
        rows.append(scenario.resolve(ss, fixed, uniform=qmc.uniforms(seed, r)).drawn)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def drawn(huishan):
    return _draws(huishan, 11, N)


def _cdf(spec):
    """The parameter's CDF, by inverting its quantile function numerically (monotone)."""
    grid = np.linspace(0, 1, 4001)
    q = np.array([spec.quantile(u) for u in grid], dtype=float)
    return lambda x: np.interp(x, q, grid)


def test_the_marginals_are_the_scenarios_distributions(huishan, drawn):
    specs = huishan.parameter_specs()
    tested, small_p = 0, []
    for path, spec in specs.items():
        if not spec.uncertain or spec.integer:
            continue   # integers have atoms; the continuous parameters carry the test
        p = stats.kstest(drawn[path].to_numpy(float), _cdf(spec)).pvalue
        small_p.append(p)
        tested += 1
    assert tested >= 20
    # stratified samples fit their distribution far better than random ones: no KS test comes near
    # rejecting, though with ~100 tests at 5 % a few would for independent draws
    assert min(small_p) > 0.2, min(small_p)


def test_a_wrong_distribution_is_rejected(huishan, drawn):
    """The goodness-of-fit test can fail: against a shifted distribution it rejects."""
    path, spec = next((p, s) for p, s in huishan.parameter_specs().items()
                      if s.uncertain and not s.integer and s.dist in ("uniform", "range", "triangular"))
    wrong = lambda x: _cdf(spec)(x - 0.3 * (spec.high - spec.low))   # noqa: E731
    assert stats.kstest(drawn[path].to_numpy(float), wrong).pvalue < 0.01


def test_each_randomisation_is_stratified_at_powers_of_two():
    for k in range(3):
        for path in ("population.employed", "fund.principal", "x.y"):
            u = np.array([qmc.coordinate(5, k, j, path) for j in range(32)])
            for m in (1, 2, 3, 4, 5):
                cells = np.floor(u[: 2 ** m] * 2 ** m).astype(int)
                assert sorted(cells) == list(range(2 ** m))
            assert np.all((u > 0) & (u < 1))


def test_randomisations_are_independent_and_differ():
    path = "population.employed"
    first = [[qmc.coordinate(3, k, j, path) for j in range(8)] for k in range(qmc.SCRAMBLES)]
    assert len({tuple(np.round(row, 12)) for row in first}) == qmc.SCRAMBLES
    # across many seeds the first points of randomisations 0 and 1 are uncorrelated and uniform
    a = np.array([qmc.coordinate(s, 0, 0, path) for s in range(400)])
    b = np.array([qmc.coordinate(s, 1, 0, path) for s in range(400)])
    assert abs(stats.pearsonr(a, b)[0]) < 0.15
    assert stats.kstest(a, "uniform").pvalue > 0.001
    # a seed changes everything
    assert qmc.coordinate(1, 0, 3, path) != qmc.coordinate(2, 0, 3, path)


def test_parameters_do_not_move_together():
    """Distinct parameters get distinct generator matrices: their coordinates are not tied."""
    u = np.array([[qmc.coordinate(9, 0, j, p) for p in ("a.one", "a.two", "b.three")] for j in range(64)])
    c = np.corrcoef(u.T)
    assert np.all(np.abs(c[np.triu_indices(3, 1)]) < 0.4)


def test_an_overlay_adding_a_parameter_leaves_the_others_draws(huishan, overlay):
    # a reform that gives a fixed figure a range: one more drawn parameter
    fixed_path = next(p for p, s in huishan.parameter_specs().items() if not s.uncertain and s.dist == "fixed"
                      and isinstance(s.central, float) and 0 < s.central < 1)
    section, key = fixed_path.rsplit(".", 1)
    v = huishan.parameter_specs()[fixed_path].central
    reform = forecast.load_scenario(overlay(f"[{section}.{key}]\nvalue = {v}\nrange = [{v * 0.5}, {min(1.0, v * 1.5)}]\n"
                                            'assumption = "test"\n'))
    assert reform.parameter_specs()[fixed_path].uncertain
    base, other = _draws(huishan, 4, 9), _draws(reform, 4, 9)
    common = [c for c in base.columns if c != fixed_path]
    pd.testing.assert_frame_equal(base[common], other[common])
    assert other[fixed_path].nunique() > 1


def test_pinning_and_design_points_still_work(huishan):
    specs = huishan.parameter_specs()
    fixed = huishan.fixed_parameters(["population"])
    d = _draws(huishan, 2, 4, fixed)
    for p in fixed:
        assert (d[p] == specs[p].central).all()
    ss, _ = replication_seed(2, 0).spawn(2)
    at = huishan.resolve(ss, at={"population.employed": 0.5}, uniform=qmc.uniforms(2, 0)).drawn
    assert at["population.employed"] == specs["population.employed"].quantile(0.5)
    central = huishan.resolve(None, uniform=qmc.uniforms(2, 0)).drawn
    assert all(central[p] == s.central for p, s in specs.items())


def test_rqmc_standard_error():
    x = np.arange(16, dtype=float)
    groups = qmc.group(range(16))
    means = np.array([x[groups == k].mean() for k in range(8)])
    assert math.isclose(rqmc_se(x, groups), math.sqrt(((means - means.mean()) ** 2).sum() / (8 * 7)))
    # one replication per randomisation: the i.i.d. standard error
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    assert math.isclose(rqmc_se(y, qmc.group(range(5))), y.std(ddof=1) / math.sqrt(5))
    assert qmc.balanced(40) == 64 and qmc.balanced(64) == 64 and qmc.balanced(3) == 8


@pytest.fixture(scope="module")
def rqmc_runs(mini_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rqmc")
    outs = {}
    for backend in ("serial", "processes"):
        status, _, err = forecast_cli("run", str(mini_path), "--reps", "16", "--seed", "5", "--sampling", "rqmc",
                                      "--backend", backend, "--workers", "2", "--quiet", "--out", str(tmp / backend))
        assert status == 0, err
        outs[backend] = tmp / backend
    return outs


def test_same_seed_same_files_on_every_backend(rqmc_runs):
    a, b = files(rqmc_runs["serial"]), files(rqmc_runs["processes"])
    for name in a:
        if name in ("provenance.json", "summary.json") or name.endswith((".png", ".svg", ".pdf")):
            continue
        assert a[name] == b[name], name
    sa = json.loads(a["summary.json"])
    sb = json.loads(b["summary.json"])
    assert sa == sb


def test_the_summary_records_the_method_and_its_errors(rqmc_runs, mini_path, tmp_path):
    out = rqmc_runs["serial"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["sampling"]["method"] == "rqmc" and summary["sampling"]["randomisations"] == qmc.SCRAMBLES
    reps = pd.read_parquet(out / "replications.parquet")
    period = reps[reps["year"].between(2025, 2027)].groupby("replication")["total"].sum()
    se = rqmc_se(period.to_numpy(), qmc.group(period.index))
    assert summary["headline"]["outlays_yuan_in_policy_period"]["mc_se"] == pytest.approx(se, rel=1e-6)
    assert json.loads((out / "provenance.json").read_text(encoding="utf-8"))["sampling"] == "rqmc"
    # the draws differ from a plain run's, the dynamics' streams do not matter here
    plain = tmp_path / "plain"
    forecast.run_monte_carlo(forecast.load_scenario(mini_path), reps=16, out=plain, draws=Draws(seed=5),
                             compute=SERIAL)
    p = json.loads((plain / "summary.json").read_text(encoding="utf-8"))
    assert "sampling" not in p and "sampling" not in json.loads((plain / "provenance.json").read_text())
    assert not pd.read_csv(plain / "parameters.csv").equals(pd.read_csv(out / "parameters.csv"))


def test_a_random_run_is_the_default(mini_path, tmp_path):
    sc = forecast.load_scenario(mini_path)
    a, _ = forecast.run_monte_carlo(sc, reps=4, out=tmp_path / "a", draws=Draws(seed=1), compute=SERIAL)
    b, _ = forecast.run_monte_carlo(sc, reps=4, out=tmp_path / "b", draws=Draws(seed=1, sampling="random"),
                                    compute=SERIAL)
    fa, fb = files(tmp_path / "a"), files(tmp_path / "b")
    assert {k: v for k, v in fa.items() if k != "provenance.json"} == \
           {k: v for k, v in fb.items() if k != "provenance.json"}


def test_bad_sampling_values_exit_2(mini_path, tmp_path):
    code, _, err = forecast_cli("run", str(mini_path), "--reps", "4", "--sampling", "sobolx", "--out", str(tmp_path / "x"))
    assert code == 2 and "--sampling" in err and not (tmp_path / "x").exists()
    with pytest.raises(InputError):
        forecast.run_monte_carlo(forecast.load_scenario(HUISHAN), reps=2, out=tmp_path / "y",
                                 draws=Draws(sampling="lhs"))
