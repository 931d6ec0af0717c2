"""`[amount_scale]`: an assumed amount's level drawn per future (scenario/amount_scale.py).

A rule whose amount no seed gives (Changzhou, Wuxi 2021, Dongxihu) carries its uncertainty as a
factor drawn once per future; the simulated ledger lines of that rule are multiplied by it, the
other rules' are untouched, the factor is a parameter of parameters.csv (so sensitivity names it),
and `forecast payouts` keeps paying the written amount. Checked on a small Huzhou city.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.policy.events import frame

from conftest import ROOT, forecast_cli
from conftest import SMALL_CITY

HUZHOU = ROOT / "scenarios" / "huzhou"
SMALL = SMALL_CITY + """
[pathways.apprentice_years.enrolments_per_year]
value = 30
range = [20, 40]
assumption = "test"
"""


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(f'base = "{HUZHOU.as_posix()}"\n' + SMALL + text, encoding="utf-8")
    return path


def test_a_fixed_factor_multiplies_that_rule_only(tmp_path):
    plain = forecast.simulate(forecast.load_scenario(write(tmp_path, "", "a.toml")), seed=3, uncertain=False)
    scaled_scenario = forecast.load_scenario(write(tmp_path, """
[amount_scale.HZ-A11]
value = 1.5
range = [1.5, 1.5]
assumption = "test: a schedule 50 % above the written 6,000"
""", "b.toml"))
    scaled = forecast.simulate(scaled_scenario, seed=3, uncertain=False)
    a, b = plain.outlays(), scaled.outlays()
    assert a["HZ-A11"].sum() > 0
    # by hand: every apprentice-year line 6,000 → 9,000, so the column is exactly 1.5 times
    np.testing.assert_allclose(b["HZ-A11"].to_numpy(), 1.5 * a["HZ-A11"].to_numpy())
    lines = scaled.ledger[scaled.ledger["rule"] == "HZ-A11"]["amount"]
    assert set(lines.round(2)) == {9000.0}
    others = [c for c in a.columns if c != "HZ-A11"]
    pd.testing.assert_frame_equal(a[others], b[others])   # same events, other rules untouched


def test_the_factor_is_drawn_per_future_and_listed(tmp_path):
    sc = forecast.load_scenario(write(tmp_path, """
[amount_scale.HZ-A11]
value = 1.0
range = [0.5, 1.5]
assumption = "test: an unknown schedule"
"""))
    assert "amount_scale.HZ-A11" in sc.parameter_specs()
    row = [p for p in sc.parameters() if p["parameter"] == "amount_scale.HZ-A11"][0]
    assert row["kind"] == "assumption" and row["rules"] == "HZ-A11"
    draws = {round(forecast.simulate(sc, seed=5, replication=r).values.amount_scale["HZ-A11"], 6) for r in range(4)}
    assert len(draws) == 4 and all(0.5 <= d <= 1.5 for d in draws)


def test_payouts_of_records_keep_the_written_amount(tmp_path):
    sc = forecast.load_scenario(write(tmp_path, """
[amount_scale.HZ-A11]
value = 2.0
range = [2.0, 2.0]
assumption = "test"
"""))
    events = frame({"date": pd.to_datetime(["2023-05-01"]), "event": ["apprentice_year"], "recipient": ["E1"],
                    "recipient_kind": ["employer"], "person": ["P1"], "level": [1], "count": [1]})
    pay = forecast.compute_payouts(events, sc.policy)
    assert pay.ledger["amount"].sum() == pytest.approx(6000.0)


@pytest.mark.parametrize("text, key", [
    ('[amount_scale.HZ-Z9]\nvalue = 1.0\nrange = [0.5, 1.5]\nassumption = "x"\n', "HZ-Z9"),
    ('[amount_scale.HZ-A11]\nvalue = 1.0\nsource = "seed 003"\n', "HZ-A11"),
    ('[amount_scale.HZ-A11]\nvalue = 200.0\nrange = [100.0, 300.0]\nassumption = "x"\n', "HZ-A11"),
])
def test_bad_scales_exit_2(tmp_path, text, key):
    status, _, err = forecast_cli("run", str(write(tmp_path, text)), "--out", str(tmp_path / "out"))
    assert status == 2
    assert "amount_scale" in err and key in err
    assert not (tmp_path / "out").exists()
