"""Full uncertainty by default: every assumption with a range is drawn, jointly where the
scenario says quantities move together; `--central` pins all, `--fix` pins some.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

import forecast
from forecast.cli import main
from forecast.params.param import Param


def test_quantiles_by_hand():
    # triangular(0, 0.5, 1): F(x) = 2x² below the mode, so the 0.125-quantile is √(0.125 / 2) = 0.25
    tri = Param("triangular", 0.5, 0.0, 1.0, assumption=True)
    assert tri.quantile(0.5) == pytest.approx(0.5) and tri.quantile(0.125) == pytest.approx(0.25)
    assert tri.quantile(0.875) == pytest.approx(0.75)
    # a bare range {value = 2, range = [1, 5]} is triangular(1, 2, 5): F(2) = (2 − 1) / (5 − 1) = 0.25
    bare = Param("range", 2.0, 1.0, 5.0, assumption=True)
    assert bare.uncertain and bare.quantile(0.25) == pytest.approx(2.0)
    assert bare.quantile(0.0) == pytest.approx(1.0) and bare.quantile(1.0) == pytest.approx(5.0)
    uni = Param("uniform", 3.0, 2.0, 4.0, assumption=True)
    assert uni.quantile(0.25) == pytest.approx(2.5)
    # a policy figure and a degenerate range are not drawn
    assert not Param("fixed", 0.28, 0.28, 0.28).uncertain
    assert Param("range", 0.0, 0.0, 0.0, assumption=True).quantile(0.7) == 0.0
    # integers are rounded
    assert Param("range", 17, 15, 20, integer=True, assumption=True).quantile(0.5) == 17


def test_every_ranged_assumption_is_drawn_in_a_monte_carlo_run(mc_results, small):
    params = pd.read_csv(mc_results / "parameters.csv")
    specs = small.parameter_specs()
    assert list(params.columns) == ["replication"] + list(specs)
    assert len(params) == 8                                      # one row per replication
    ranged = [p for p, spec in specs.items() if spec.uncertain]
    assert len(ranged) > 100
    constant = [p for p in ranged if params[p].nunique() == 1]
    assert constant == [], constant
    for p, spec in specs.items():
        assert params[p].between(spec.low, spec.high).all(), p
        if not spec.uncertain:
            assert (params[p] == spec.central).all(), p


def test_central_pins_everything_and_fix_pins_some(small):
    central = small.resolve(None).drawn
    ss = np.random.SeedSequence(3)
    drawn = small.resolve(ss).drawn
    fixed = small.fixed_parameters(["population.employed", "pathways.night_school"])
    assert "pathways.night_school.seats_per_term" in fixed and "flows.turnover" not in fixed
    pinned = small.resolve(ss, fixed).drawn
    for p in fixed:
        assert pinned[p] == central[p]
    # the others keep exactly the draws they have without --fix (their own streams) …
    free = [p for p in drawn if p not in fixed and p != "population.employers" and
            p not in ("population.contributor_units", "pathways.colleges.staying_per_year",
                      "pathways.competition.entrants", "pathways.apprenticeship.pairings_per_year",
                      "activities.lecture_group.per_year", "activities.guest_lecture.per_year")]
    assert all(pinned[p] == drawn[p] for p in free)
    assert sum(drawn[p] != central[p] for p in free) > 80


def test_correlated_counts_move_together_with_their_own_marginals(huishan):
    rows = [huishan.resolve(s).drawn for s in np.random.SeedSequence(5).spawn(400)]
    employed = np.array([r["population.employed"] for r in rows])
    employers = np.array([r["population.employers"] for r in rows])
    turnover = np.array([r["flows.turnover"] for r in rows])
    assert spearmanr(employed, employers)[0] == pytest.approx(0.48, abs=0.1)   # rho 0.5 (Spearman ≈ 0.48)
    assert abs(spearmanr(employed, turnover)[0]) < 0.15                         # not in a group
    # the marginal stays triangular(420,000, 520,000, 620,000): mean (low + mode + high) / 3
    spec = huishan.parameter_specs()["population.employed"]
    assert (spec.low, spec.value, spec.high) == (420000, 520000, 620000)
    assert employed.mean() == pytest.approx(520000, rel=0.02)
    assert employed.min() >= 420000 and employed.max() <= 620000


def test_a_correlation_naming_an_unknown_parameter_is_an_error(overlay):
    path = overlay('[correlations.x]\nparameters = ["flows.turnover", "population.nothing"]\nrho = 0.3\n'
                   'assumption = "test"\n')
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(path)
    assert info.value.key == "correlations.x.parameters" and "population.nothing" in str(info.value)
    # a parameter moves with one group only (each group's matrix is then a valid correlation)
    path = overlay('[correlations.x]\nparameters = ["flows.turnover", "population.employed"]\nrho = 0.3\n'
                   'assumption = "test"\n', name="twice.toml")
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(path)
    assert "already in correlations.district_size" in str(info.value)


def test_fix_of_an_unknown_key_exits_2_naming_it(mini, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", str(mini), "--fix", "population.employed,population.nothing", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "--fix" in err and "population.nothing" in err
    assert not out.exists()


def test_fix_pins_across_replications(mini, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(mini), "--reps", "3", "--backend", "serial", "--quiet",
                 "--fix", "population.employed", "--fix", "fund", "--out", str(out)]) == 0
    capsys.readouterr()
    params = pd.read_csv(out / "parameters.csv")
    assert params["population.employed"].nunique() == 1 and params["population.employed"].iloc[0] == 3000
    assert params["fund.return_rate"].nunique() == 1
    assert params["flows.turnover"].nunique() == 3
    import json
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert "population.employed" in summary["fixed_parameters"] and "fund.principal" in summary["fixed_parameters"]
