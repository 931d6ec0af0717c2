"""The Wuxi 2021–2023 scenario (scenarios/wuxi_2021, seed 002), the backtest's subject: it
loads on its own with the ids of docs/policies.md §3, starts on 2021-01-01 as the observed file
(scenarios/observed/wuxi_2021.toml) needs, its certification rates are NOT the Huishan rates
grounded on the observed 2021 flow, every assumed amount has a scale, a small city runs with
outlays equal to its ledger, the rules pay hand-computed amounts, and a misspelt key exits 2."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.policy import ladder
from forecast.policy.events import frame
from forecast.policy.policy import METRICS

from conftest import ROOT, forecast_cli
from place_checks import SMALL_CITY, outlays_equal_ledger, overlay, rules_cited

WUXI = ROOT / "scenarios" / "wuxi_2021"
RULE_IDS = {"WX-A1", "WX-A3", "WX-A4", "WX-A5", "WX-A7"}
TARGET_IDS = {"WX-T1", "WX-T2", "WX-T3", "WX-T4", "WX-T8", "WX-T10", "WX-T11", "WX-T12", "WX-T13", "WX-T16"}

SMALL = SMALL_CITY + """
[pathways.sessions.programmes.skills]
per_year = { value = 48, range = [40, 56], assumption = "test" }
[pathways.sessions.programmes.enterprise]
per_year = { value = 240, range = [240, 240], assumption = "test" }
[pathways.apprentice_years.enrolments_per_year]
value = 10
range = [5, 15]
assumption = "test"
[pathways.competition.entrants]
value = 10
range = [5, 15]
assumption = "test"
"""
#: level name → the ladder code an event holds
LEVEL = {name: code for code, name in enumerate(ladder.NAMES)}


@pytest.fixture(scope="module")
def wuxi():
    return forecast.load_scenario(WUXI)


def test_the_scenario_loads_with_its_ids(wuxi):
    assert wuxi.name == "wuxi_2021"
    assert {r.id for r in wuxi.policy.rules} == RULE_IDS
    assert {t.id for t in wuxi.targets} == TARGET_IDS
    assert all(t.metric in METRICS for t in wuxi.targets)
    assert str(wuxi.start) == "2021-01-01"             # the observed figures' first period
    assert wuxi.name_in("place", "zh") == "无锡市"
    assert wuxi.specs["fund"]["kind"] == "appropriation"


def test_rates_are_not_huishans_rates_grounded_on_the_observed_flow(wuxi):
    huishan = forecast.load_scenario(ROOT / "scenarios" / "huishan")
    own = wuxi.specs["pathways"]["self_evaluation"]["yearly_rate"].array()
    borrowed = huishan.specs["pathways"]["self_evaluation"]["yearly_rate"].array()
    assert not np.allclose(own, borrowed)
    assert (own[1:] <= borrowed[1:]).all()              # the pre-policy (2020) flow was lower


def test_every_rule_is_cited_and_every_amount_is_a_scaled_assumption(wuxi):
    rules_cited(wuxi, "seed 002", assumed=True)


def test_small_city_runs_and_outlays_equal_the_ledger(tmp_path):
    scenario = forecast.load_scenario(overlay(tmp_path, WUXI, SMALL))
    result = outlays_equal_ledger(scenario)
    paid = result.outlays().sum()
    for rid in ("WX-A1", "WX-A3", "WX-A4", "WX-A7"):
        assert paid[rid] > 0, rid
    # enterprise sessions: 240 a year = 20 a month at 800 over 2021–2023 = 576,000 (by hand; the
    # horizon runs to 2024, so lagged payments of late 2023 are inside it)
    assert paid["WX-A4"] == pytest.approx(3 * 240 * 800.0)
    # 20 project trainings a year (scheduled) at 200,000, paid 3 months after: 60 × 200,000
    assert paid["WX-A7"] == pytest.approx(60 * 200_000.0)


def test_rules_by_hand(wuxi):
    rows = [
        ("certificate", "skills", "中级工", 1, "WX-A1", 1_500),
        ("certificate", "skills", "技师", 1, "WX-A1", 3_500),
        ("training_sessions", "enterprise", "未取证", 100, "WX-A4", 80_000),   # 100 × 800
        ("apprentice_year", "", "学徒工", 1, "WX-A3", 5_000),
        ("base_recognised", "public_base", "未取证", 1, "WX-A5", 500_000),
        ("base_recognised", "project_training", "未取证", 1, "WX-A7", 200_000),
    ]
    n = len(rows)
    ev = frame({"date": pd.to_datetime(["2022-04-01"] * n), "event": [r[0] for r in rows],
                "recipient": [f"R{i}" for i in range(n)], "person": [f"W{i}" for i in range(n)],
                "programme": [r[1] for r in rows], "level": [LEVEL[r[2]] for r in rows], "count": [r[3] for r in rows]})
    led = forecast.compute_payouts(ev, wuxi.policy).ledger
    assert led["event_index"].tolist() == list(range(n))
    assert led["rule"].tolist() == [r[4] for r in rows]
    assert led["amount"].tolist() == [float(r[5]) for r in rows]


@pytest.mark.parametrize("text, key", [
    ('[pathways.self_evaluation]\ncapacity_entty = "evaluation_body"\n', "pathways.self_evaluation.capacity_entty"),
    ('[entities.public_base]\nrule = "WX-A9"\n', "entities.public_base.rule"),
])
def test_a_misspelt_wuxi_key_exits_2(tmp_path, text, key):
    path = overlay(tmp_path, WUXI, text, "bad.toml")
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2, err
    assert "bad.toml" in err and key in err


def test_observations_may_select_a_training_programme(tmp_path, wuxi):
    """Certificates of a subsidised-training programme (its own name) or of cross-level
    recognition can be observed; an unknown programme names the allowed ones."""
    from forecast.calibration.observed import read_observed
    text = ('[observations.skills]\nmetric = "certificates"\nperiod = [2021-01-01, 2021-06-30]\nvalue = 1000\n'
            'sd = 100\nsource = "test"\nprogramme = "{}"\n')
    path = tmp_path / "obs.toml"
    for name in ("skills", "enterprise", "cross_level"):
        path.write_text(text.format(name), encoding="utf-8")
        assert read_observed(path, wuxi)[0].programme == name
    path.write_text(text.format("skils"), encoding="utf-8")
    with pytest.raises(forecast.InputError) as caught:
        read_observed(path, wuxi)
    assert "observations.skills.programme" in str(caught.value) and "skills" in str(caught.value)
