"""The budget view: built from a run in memory it equals the one read back from the folder the
run wrote; it reads per-replication figures straight from the results layout and assumes
nothing that is not there (a folder without each replication's fund principal is refused)."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from forecast.futures.settings import Compute, Draws
from forecast.results.api import run_monte_carlo
from forecast.core.errors import InputError
from forecast.model.fund import fund_paths, principal_needed_quantile, shortfall_probability
from forecast.results.budget import Budget, load


def _close(a, b):
    """Equal up to the CSV files' rounding (statistics are written to the cent)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _close(a[k], b[k])
    elif a is None or isinstance(a, list):
        assert a == b
    else:
        assert a == pytest.approx(b, rel=1e-9, abs=0.01)


def test_budget_from_a_run_in_memory_equals_the_loaded_folder(small, tmp_path):
    agg, _ = run_monte_carlo(small, reps=3, out=tmp_path / "mc", draws=Draws(seed=11), compute=Compute(backend="serial"))
    memory, disk = Budget(agg), load(tmp_path / "mc")
    _close(memory.headline_numbers(), disk.headline_numbers())
    assert memory.replications == disk.replications == 3
    np.testing.assert_allclose(memory.total_matrix(), disk.total_matrix())
    pd.testing.assert_frame_equal(memory.liabilities(), disk.liabilities(), rtol=1e-9)
    pd.testing.assert_frame_equal(memory.assumptions, disk.assumptions, rtol=1e-9)


def test_per_replication_figures_come_from_the_results_layout(mc_results, small):
    b = load(mc_results)
    reps = pd.read_parquet(mc_results / "replications.parquet")
    params = pd.read_csv(mc_results / "parameters.csv")
    wide = reps.pivot(index="replication", columns="year", values="total")
    np.testing.assert_allclose(b.total_matrix(), wide.to_numpy())
    assert b.replications == 8 and b.monte_carlo
    # the fund: model.fund's account with each replication's principal, rate and top-up
    p = fund_paths(wide.to_numpy(), params["fund.principal"], params["fund.return_rate"],
                   params["fund.top_up_per_year"], small.resolve(None).fund.draw_on_principal)
    np.testing.assert_allclose(b.fund.paths.account, p.account)
    np.testing.assert_allclose(b.fund.paths.principal, p.principal)
    np.testing.assert_allclose(b.fund.principal, params["fund.principal"])
    np.testing.assert_allclose(b.fund.shortfall_probability, shortfall_probability(p))
    # principal needed: over the policy period 2025–2027 only, 95th percentile over replications
    period = np.array(b.years) <= 2027
    assert b.fund.needed_p95 == pytest.approx(principal_needed_quantile(wide.to_numpy(), params["fund.return_rate"],
                                                                        period))
    need = (wide.to_numpy()[:, period].cumsum(axis=1) / np.arange(1, 4)).max(axis=1) / params["fund.return_rate"]
    assert b.fund.needed_p95 == pytest.approx(np.percentile(need, 95))
    # committed liabilities: the years after the policy's end, 2028–2032
    assert b.later_years == [2028, 2029, 2030, 2031, 2032]
    per_rep = reps[reps["year"] > 2027].groupby("replication")["total"].sum()
    h = b.headline_numbers()
    assert h["committed"]["mean"] == pytest.approx(per_rep.mean())
    assert h["in_period"]["mean"] == pytest.approx(reps[reps["year"] <= 2027].groupby("replication")["total"].sum().mean())
    assert h["p_shortfall_any"] == pytest.approx(p.shortfall.any(axis=1).mean())
    assert h["unfunded_end_period"]["mean"] == pytest.approx(p.unfunded[:, 2].mean())
    assert h["needed_p95"] == b.fund.needed_p95 and h["shortfall_years"] is None and h["targets_met"] is None
    # the assumptions register: the scenario's parameters with the values drawn across replications
    register = pd.DataFrame(small.parameters())
    assert list(b.assumptions["parameter"]) == list(register["parameter"])
    row = b.assumptions.set_index("parameter").loc["fund.return_rate"]
    assert row["mean"] == pytest.approx(params["fund.return_rate"].mean())
    assert row["p95"] == pytest.approx(np.percentile(params["fund.return_rate"], 95))
    assert np.isnan(b.assumptions.set_index("parameter").loc["ladder.min_months", "mean"])  # a table by level


def test_single_run_is_one_replication(single_results):
    b = load(single_results)
    assert b.replications == 1 and not b.monte_carlo
    outlays = pd.read_csv(single_results / "outlays.csv", index_col="year")
    np.testing.assert_allclose(b.fund.paths.outlays[0], outlays["total"], atol=0.011)
    # one future: no probability, no principal needed; what happened in it instead
    assert b.fund.shortfall_probability is None and b.fund.needed is None and b.fund.needed_p95 is None
    h = b.headline_numbers()
    assert h["p_shortfall_any"] is None and h["p_shortfall_by_year"] is None and h["needed_p95"] is None
    assert h["targets_likely"] is None
    assert h["shortfall_years"] == [y for y, s in zip(b.years, b.fund.paths.shortfall[0]) if s]
    assert h["first_shortfall"] == (h["shortfall_years"][0] if h["shortfall_years"] else None)
    values = b.targets.set_index("target")["value_mean"]
    assert h["targets_met"] == sum(t.met(values[t.id]) for t in b.scenario.targets)
    # its fund table holds the future's values and whether each year falls short, no percentile
    table = b.fund.table()
    assert list(table.columns) == ["year", "outlays", "returns", "account", "drawn", "unfunded", "principal",
                                   "shortfall"]
    np.testing.assert_allclose(table["account"], b.fund.paths.account[0])


@pytest.mark.parametrize("column", ["fund.principal", "fund.return_rate", "fund.top_up_per_year"])
def test_a_folder_without_the_funds_parameters_is_refused(mc_results, tmp_path, column):
    folder = tmp_path / "results"
    shutil.copytree(mc_results, folder)
    params = pd.read_csv(folder / "parameters.csv")
    params.drop(columns=[column]).to_csv(folder / "parameters.csv", index=False)
    with pytest.raises(InputError) as err:
        load(folder)
    assert err.value.file == "parameters.csv" and err.value.key == column
    assert "missing column" in str(err.value)


def test_a_folder_of_another_layout_is_refused(mc_results, tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    for name in ("outlays.csv", "targets.csv", "scenario.resolved.toml"):
        shutil.copy(mc_results / name, folder / name)
    with pytest.raises(InputError, match="not a results folder of this version"):
        load(folder)
