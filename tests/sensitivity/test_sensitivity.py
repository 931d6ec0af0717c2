"""`forecast sensitivity`: the SALib wiring reproduces known indices, the model's analysis ranks
a parameter that matters above ones that cannot, chance is measured as a noise floor, and bad
keys exit 2 naming them.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from forecast.cli import main
from forecast.sensitivity import analysis as sa
from forecast.sensitivity.design import NOISE

ONE_MATTERS = """
[activities.challenge.per_year]
value = 4
range = [0, 12]
assumption = "test: a wide range of HS-A9 projects (10,000–50,000 yuan each), so they clearly move the outlays"
"""
MATTERS = "activities.challenge.per_year"


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_wiring_reproduces_the_ishigami_indices():
    """Ishigami (a = 7, b = 0.1): S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244 (Saltelli et al. 2008)."""
    names = ["x1", "x2", "x3"]
    X = sa.sobol_design(names, 2048, seed=1)
    assert X.shape == (2048 * 5, 3) and X.min() >= 0 and X.max() <= 1
    table = sa.analyse_sobol(names, ishigami(X)[:, None], ["y"], seed=1).set_index("parameter")
    np.testing.assert_allclose(table.loc[names, "S1"], [0.314, 0.442, 0.0], atol=0.04)
    np.testing.assert_allclose(table.loc[names, "ST"], [0.558, 0.442, 0.244], atol=0.04)
    assert table.loc["x1", "rank"] == 1 and table.loc["x3", "rank"] == 3


def test_morris_wiring_finds_the_ishigami_inert_direction():
    """Morris on Ishigami: x1 and x2 dominate; x3 acts only through x1 (μ* > 0, σ large)."""
    names = ["x1", "x2", "x3"]
    X = sa.morris_design(names, 50, seed=2)
    table = sa.analyse_morris(names, X, ishigami(X)[:, None], ["y"], seed=2).set_index("parameter")
    assert set(table.index[table["rank"] <= 2]) == {"x1", "x2"}
    assert table.loc["x3", "sigma"] > table.loc["x3", "mu_star"] * 0.5   # interaction, not a main effect


def test_sobol_size_and_bad_keys_are_input_errors(mini, tmp_path, capsys):
    assert main(["sensitivity", str(mini), "--method", "sobol", "--n", "10", "--params",
                 "pathways.night_school.seats_per_term", "--out", str(tmp_path / "s")]) == 2
    assert "power of two" in capsys.readouterr().err
    assert main(["sensitivity", str(mini), "--method", "morris", "--params", "population.nothing",
                 "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "--params" in err and "population.nothing" in err and not (tmp_path / "m").exists()
    assert main(["sensitivity", str(mini), "--method", "sobol", "--out", str(tmp_path / "s2")]) == 2
    assert "--screening" in capsys.readouterr().err


@pytest.fixture(scope="module")
def one_matters(tmp_path_factory):
    from conftest import HUISHAN, MINI
    folder = tmp_path_factory.mktemp("sa")
    path = folder / "one.toml"
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + MINI + ONE_MATTERS, encoding="utf-8")
    out = folder / "morris"
    code = main(["sensitivity", str(path), "--method", "morris", "--trajectories", "6", "--backend", "serial",
                 "--quiet", "--params", MATTERS, "fund.principal", "fund.return_rate",
                 "--out", str(out)])
    assert code == 0
    return out


def test_the_parameter_that_matters_is_ranked_first(one_matters, capsys):
    capsys.readouterr()
    table = pd.read_csv(one_matters / "sensitivity.csv")
    out = table[table["output"] == "outlays 2025–2027"].set_index("parameter")
    assert out.loc[MATTERS, "rank"] == 1
    # the fund's principal and return rate cannot change what is paid: exactly no effect
    assert out.loc["fund.principal", "mu_star"] == 0 and out.loc["fund.return_rate", "mu_star"] == 0
    # chance is measured, and the projects' effect stands above it
    assert out.loc[NOISE, "mu_star"] < out.loc[MATTERS, "mu_star"]
    assert sa.leading(table, "outlays 2025–2027", 3) == [MATTERS]
    # the targets' values cannot depend on the fund
    hs_t1 = table[table["output"] == "HS-T1"].set_index("parameter")
    assert hs_t1.loc["fund.principal", "mu_star"] == 0 and hs_t1.loc["fund.return_rate", "mu_star"] == 0


def test_the_folder_holds_the_design_and_says_how_it_was_made(one_matters):
    meta = json.loads((one_matters / "sensitivity.json").read_text(encoding="utf-8"))
    assert meta["method"] == "morris" and meta["runs"] == 6 * (3 + 1 + 1) and meta["size"] == 6
    assert meta["parameters"][-1] == NOISE and "common_random_numbers" in meta
    assert "overlap" in meta["convergence"] and "rule" in meta["convergence"]
    design = pd.read_csv(one_matters / "design.csv")
    assert len(design) == 30 and {"u:fund.principal", "outlays 2025–2027", "HS-T1"} <= set(design.columns)
    u = design.filter(like="u:").to_numpy()
    assert np.allclose(u * 3, np.round(u * 3))            # the 4-level grid 0, 1/3, 2/3, 1
    assert sorted(p.name for p in (one_matters / "charts").iterdir())[0] == "tornado-00.png"
    assert not one_matters.with_name(one_matters.name + ".checkpoint").exists()


def test_the_report_shows_each_figures_drivers(one_matters, mini, tmp_path, capsys):
    import openpyxl
    scenario = one_matters.parent / "one.toml"
    results = tmp_path / "results"
    assert main(["run", str(scenario), "--reps", "2", "--backend", "serial", "--quiet", "--out", str(results)]) == 0
    assert main(["report", str(results), "--no-pdf", "--lang", "en", "--sensitivity", str(one_matters),
                 "--out", str(tmp_path / "report")]) == 0
    capsys.readouterr()
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "What the forecast rests on" in page and 'data-chart="tornado"' in page
    assert f"outlays 2025–2027: {MATTERS}" in page            # next to the headline figure
    wb = openpyxl.load_workbook(tmp_path / "report" / "forecast.xlsx")
    assert "Sensitivity" in wb.sheetnames
    rows = list(wb["Sensitivity"].iter_rows(min_row=2, values_only=True))
    assert (rows[0][0], rows[0][1]) == ("outlays 2025–2027", MATTERS)      # each figure with its drivers
    assert ("HS-T8", "set by assumption (pathways.craftsmen.per_year)") in [r[:2] for r in rows]
    # another scenario's analysis is refused, naming it; nothing is written
    other = tmp_path / "other"
    assert main(["sensitivity", str(mini), "--method", "morris", "--trajectories", "2", "--params",
                 "fund.principal", "--backend", "serial", "--quiet", "--out", str(other)]) == 0
    capsys.readouterr()
    assert main(["report", str(results), "--no-pdf", "--sensitivity", str(other), "--out", str(tmp_path / "r2")]) == 2
    assert "another scenario" in capsys.readouterr().err and not (tmp_path / "r2").exists()
