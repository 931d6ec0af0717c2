"""A fund of kind "appropriation" (`[fund] kind = "appropriation"`, forecast.model.fund): a
yearly budget appropriation, unspent amounts carried over, outlays beyond the appropriations
so far unfunded, and the yearly appropriation needed (95th percentile over replications) —
checked against figures computed by hand; the scenario reader refuses the other kind's keys
(exit 2 naming the key); the outputs show the budget's rows, not a principal's.

The scenario is a full copy of scenarios/huzhou with its [fund] section replaced by text
substitution (an overlay cannot remove keys) and the [correlations.budget] group, which names
the endowment's parameters, dropped.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import forecast
from forecast.model import fund as fundlib
from forecast.model.fund import (account, appropriation_needed, appropriation_needed_quantile, appropriation_paths,
                                 fund_paths, principal_needed)

from conftest import place_copy, ROOT, forecast_cli
from conftest import HUZHOU_SMALL as SMALL   # a city of ~3,000 workers, titles and apprenticeships scaled down

HUZHOU = ROOT / "scenarios" / "huzhou"

FUND = """[fund]
kind = "appropriation"

[fund.appropriation_per_year]
value = 60000000
range = [30000000, 100000000]
assumption = "test: the yearly appropriation"

"""



def appropriation_copy(tmp_path: Path, fund: str = FUND, name: str = "hz_budget.toml") -> Path:
    """A copy of scenarios/huzhou with `fund` as its [fund] section (a full copy, not an overlay:
    an overlay cannot take keys away); the folder, its assumptions being `name`'s stand-in."""
    folder = place_copy(tmp_path / name.removesuffix(".toml"), "huzhou")
    text = (folder / "assumptions.toml").read_text(encoding="utf-8")
    # [fund] up to the comment rule that opens the correlations
    text, n = re.subn(r"^\[fund\]\n.*?(?=^# -{10,})", fund, text, count=1, flags=re.S | re.M)
    assert n == 1, "huzhou's [fund] section not found"
    text = re.sub(r"^\[correlations\.budget\]\n.*?(?=^\[|\Z)", "", text, count=1, flags=re.S | re.M)
    (folder / "assumptions.toml").write_text(text, encoding="utf-8")
    return folder


def small_copy(tmp_path: Path) -> Path:
    base = appropriation_copy(tmp_path)
    path = tmp_path / "hz_small.toml"
    path.write_text(f'base = "{base.as_posix()}"\n' + SMALL, encoding="utf-8")
    return path


# --- the account, by hand ---------------------------------------------------------------------
def test_unspent_appropriation_carries_over_and_the_excess_is_unfunded():
    # appropriation 100 a year, outlays 50, 120, 200:
    # y1 available 0 + 100 = 100, balance 100 − 50 = 50
    # y2 available 50 + 100 = 150, balance 150 − 120 = 30 (no shortfall although 120 > 100: carry-over)
    # y3 available 30 + 100 = 130, balance 130 − 200 = −70: unfunded 70, a shortfall year
    p = appropriation_paths([50.0, 120.0, 200.0], 100.0)
    assert p.appropriation == pytest.approx([100, 100, 100])
    assert p.available == pytest.approx([100, 150, 130])
    assert p.account == pytest.approx([50, 30, -70])
    assert p.unfunded == pytest.approx([0, 0, 70])
    assert list(p.shortfall) == [False, False, True]
    # no principal, no returns, nothing drawn
    assert p.returns == pytest.approx([0, 0, 0])
    assert p.principal == pytest.approx([0, 0, 0])
    assert p.drawn == pytest.approx([0, 0, 0])


def test_a_later_appropriation_makes_the_unfunded_amount_good():
    # continuing with outlays 20 then 0: y4 −70 + 100 − 20 = 10 (made good, no shortfall);
    # the balance is cumulative appropriations − cumulative outlays: 4 × 100 − 390 = 10
    p = appropriation_paths([50.0, 120.0, 200.0, 20.0], 100.0)
    assert p.account[-1] == pytest.approx(10)
    assert p.unfunded[-1] == pytest.approx(0)
    assert list(p.shortfall) == [False, False, True, False]
    assert p.account == pytest.approx(100 * np.arange(1, 5) - np.cumsum([50.0, 120.0, 200.0, 20.0]))


def test_appropriation_per_replication_is_vectorised():
    # rep 0: a = 100 as above; rep 1: a = 200, outlays 50, 120, 200 → balances 150, 230, 230
    out = np.array([[50.0, 120.0, 200.0], [50.0, 120.0, 200.0]])
    p = appropriation_paths(out, [100.0, 200.0])
    assert p.account == pytest.approx(np.array([[50, 30, -70], [150, 230, 230]]))
    assert p.shortfall.tolist() == [[False, False, True], [False, False, False]]
    assert fundlib.shortfall_probability(p) == pytest.approx([0, 0, 0.5])


def test_account_dispatches_on_the_kind():
    out = [50.0, 120.0, 200.0]
    budget = account(out, "appropriation", {"appropriation_per_year": 100.0}.__getitem__)
    assert budget.unfunded == pytest.approx([0, 0, 70])
    endowment = account(out, "endowment", {"principal": 1000.0, "return_rate": 0.1, "top_up_per_year": 0.0}.__getitem__)
    # returns 100 a year (1000 × 10 %), no appropriation: the same balances, but as returns
    assert endowment.account == pytest.approx([50, 30, -70])
    assert endowment.returns == pytest.approx([100, 100, 100])
    assert endowment.appropriation == pytest.approx([0, 0, 0])
    with pytest.raises(forecast.InputError, match="'grant' is not a kind of fund"):
        account(out, "grant", {}.__getitem__)


def test_appropriation_needed_by_hand():
    # C_t = 50, 170, 370 over k_t = 1, 2, 3 years: max(50/1, 170/2, 370/3) = max(50, 85, 123.33) = 123.33
    need = appropriation_needed([50.0, 120.0, 200.0])
    assert need == pytest.approx([370 / 3])
    # with 123.33 a year the balance never goes negative: 73.3, 76.7, 0
    p = appropriation_paths([50.0, 120.0, 200.0], 370 / 3)
    assert not p.shortfall.any()
    # and a little less falls short in year 3
    assert appropriation_paths([50.0, 120.0, 200.0], 123.0).shortfall.tolist() == [False, False, True]
    # it is the endowment's principal needed × rate: at 2 %, 370/3 ÷ 0.02 = 6,166.67
    assert principal_needed([50.0, 120.0, 200.0], 0.02) * 0.02 == pytest.approx(need)


def test_appropriation_needed_covers_the_policy_period_only():
    # the third year is after the policy: max(50/1, 170/2) = 85
    assert appropriation_needed([50.0, 120.0, 200.0], [True, True, False]) == pytest.approx([85])


def test_appropriation_needed_p95_over_replications():
    # needs per replication: [100, 100] → 100; [200, 200] → 200; [300, 300] → 300.
    # P95 with linear interpolation: h = (3 − 1) × 0.95 = 1.9 → 200 + 0.9 × (300 − 200) = 290
    out = np.array([[100.0, 100.0], [200.0, 200.0], [300.0, 300.0]])
    assert appropriation_needed_quantile(out) == pytest.approx(290)
    with pytest.raises(forecast.InputError, match="one future has no percentile"):
        appropriation_needed_quantile(np.array([[100.0, 100.0]]))


def test_the_endowment_account_is_unchanged():
    # the endowment's own hand case (tests/test_fund.py): P = 100 at 2 %, outlays 1 then 3.5
    p = fund_paths([1.0, 3.5], principal=100, rate=0.02)
    assert p.account == pytest.approx([1, -0.5])
    assert p.returns == pytest.approx([2, 2])


# --- the scenario reader ----------------------------------------------------------------------
def test_the_appropriation_scenario_loads(tmp_path):
    sc = forecast.load_scenario(appropriation_copy(tmp_path))
    assert list(sc.specs["fund"]) == ["kind", "appropriation_per_year"]
    fund = sc.resolve(None).fund
    assert fund.kind == "appropriation" and fund.appropriation_per_year == 60_000_000
    assert fund.principal is None and fund.return_rate is None
    params = [r["parameter"] for r in sc.parameters()]
    assert "fund.appropriation_per_year" in params and "fund.principal" not in params


def test_the_default_kind_is_the_endowment():
    sc = forecast.load_scenario(ROOT / "scenarios" / "huishan")
    assert "kind" not in sc.specs["fund"]
    assert sc.resolve(None).fund.kind == "endowment"


BAD = [
    ('[fund]\nkind = "appropriation"\n[fund.appropriation_per_year]\nvalue = 1\nrange = [1, 2]\nassumption = "t"\n'
     '[fund.principal]\nvalue = 1\nrange = [1, 2]\nassumption = "t"\n\n', "fund.principal", "only for kind = endowment"),
    ('[fund]\nkind = "grant"\n\n', "fund.kind", "'grant' is not a kind of fund"),
    ('[fund]\nkind = "appropriation"\n\n', "fund.appropriation_per_year", "missing"),
    ('[fund]\ndraw_on_principal = false\n[fund.principal]\nvalue = 1\nrange = [1, 2]\nassumption = "t"\n'
     '[fund.return_rate]\nvalue = 0\nrange = [0, 0]\nassumption = "t"\n'
     '[fund.top_up_per_year]\nvalue = 0\nrange = [0, 0]\nassumption = "t"\n'
     '[fund.appropriation_per_year]\nvalue = 1\nrange = [1, 2]\nassumption = "t"\n\n',
     "fund.appropriation_per_year", "only for kind = appropriation"),
]


@pytest.mark.parametrize("fund, key, problem", BAD)
def test_bad_fund_keys_are_refused(tmp_path, fund, key, problem):
    path = appropriation_copy(tmp_path, fund)
    with pytest.raises(forecast.InputError) as err:
        forecast.load_scenario(path)
    assert key in str(err.value) and problem in str(err.value)


@pytest.mark.parametrize("fund, key, problem", BAD[:2])
def test_bad_fund_keys_exit_2(tmp_path, fund, key, problem):
    path = appropriation_copy(tmp_path, fund)
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2
    assert key in err and problem in err


# --- the outputs --------------------------------------------------------------------------------
def test_single_run_prints_the_budget_rows(tmp_path):
    out = tmp_path / "one"
    status, text, err = forecast_cli("run", str(small_copy(tmp_path)), "--out", str(out))
    assert status == 0, err
    for row in ("年度预算拨款", "预算结余(年末)", "未落实资金(累计)", "出现缺口"):
        assert row in text, row
    for row in ("基金收益", "年末本金", "动用本金"):           # the endowment's rows are gone
        assert row not in text, row
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["fund"]["kind"] == "appropriation"
    a = summary["fund"]["appropriation_per_year_yuan"]["mean"]
    # one future: the policy period (2022–2025, 4 years) appropriates 4 × a
    assert summary["fund"]["appropriated_in_policy_period_yuan"]["mean"] == pytest.approx(4 * a, abs=0.05)
    status, _, err = forecast_cli("report", str(out), "--no-pdf")
    assert status == 0, err
    html = (out / "report" / "report.html").read_text(encoding="utf-8")
    assert "年度预算" in html and "预算结余" in html and "年末本金" not in html


def test_monte_carlo_run_reports_the_appropriation_needed(tmp_path):
    out = tmp_path / "mc"
    status, text, err = forecast_cli("run", str(small_copy(tmp_path)), "--reps", "3", "--out", str(out))
    assert status == 0, err
    assert "所需年度预算(P95)" in text and "P(缺口)" in text and "所需本金" not in text
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))["fund"]
    # the P95 of max_t C_t / k_t recomputed from the replications' yearly totals
    import pandas as pd
    wide = pd.read_parquet(out / "replications.parquet").sort_values(["replication", "year"])
    years = sorted(wide["year"].unique())
    tot = wide["total"].to_numpy().reshape(-1, len(years))
    inside = np.array([2022 <= y <= 2025 for y in years])
    need = np.sort([max(np.cumsum(r[inside]) / np.arange(1, inside.sum() + 1)) for r in tot])
    # three replications: h = 2 × 0.95 = 1.9 → need[1] + 0.9 × (need[2] − need[1])
    assert summary["appropriation_needed_p95_yuan"] == pytest.approx(need[1] + 0.9 * (need[2] - need[1]), abs=0.01)
    status, _, err = forecast_cli("report", str(out), "--no-pdf", "--lang", "en")
    assert status == 0, err
    html = (out / "report" / "report.html").read_text(encoding="utf-8")
    assert "yearly appropriation needed (P95)" in html and "principal at year end" not in html
