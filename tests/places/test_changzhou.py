"""The Changzhou 2025–2027 scenario (scenarios/changzhou, seed 001): it loads on its own with
the ids of docs/policies.md §2, every assumed amount carries a scale, a small city runs and its
outlays are the sum of its ledger, each rule pays hand-computed amounts through
`forecast.compute_payouts`, and a misspelt Changzhou key exits 2.

The seed gives no amount: the amounts checked here are the scenario's central assumptions
(Jiangsu's class A schedule per certificate, 1,000 per 康养 / youth session, 5,000 per
apprentice-year, 20,000 / 30,000 settling-in, 20,000 / 5,000 titles)."""
from __future__ import annotations

import pandas as pd
import pytest

import forecast
from forecast.policy import ladder
from forecast.policy.events import frame
from forecast.policy.policy import METRICS

from conftest import stand_alone, ROOT, forecast_cli
from place_checks import SMALL_CITY, outlays_equal_ledger, overlay, rules_cited

CHANGZHOU = ROOT / "scenarios" / "changzhou"
RULE_IDS = {"CZ-A1a", "CZ-A1b", "CZ-A1c", "CZ-A2", "CZ-A3", "CZ-A7", "CZ-A8a", "CZ-A8b"}
TARGET_IDS = {"CZ-T1", "CZ-T2", "CZ-T3", "CZ-T4", "CZ-T13", "CZ-T14", "CZ-T15", "CZ-T16"}

#: the plan's volumes scaled to a city of ~3,000 workers (≈ 1/1,000 of Changzhou)
SMALL = SMALL_CITY + """
[pathways.sessions.programmes.skills]
per_year = { value = 40, range = [30, 50], assumption = "test" }
[pathways.sessions.programmes.care]
per_year = { value = 12, range = [12, 12], assumption = "test" }
[pathways.sessions.programmes.youth]
per_year = { value = 12, range = [12, 12], assumption = "test" }
[pathways.sessions.programmes.upgrading]
per_year = { value = 12, range = [12, 12], assumption = "test" }
[pathways.apprentice_years.enrolments_per_year]
value = 10
range = [5, 15]
assumption = "test"
[pathways.competition.entrants]
value = 20
range = [10, 30]
assumption = "test"
[pathways.titles.scheme.longcheng]
per_year = { value = 1, range = [1, 2], assumption = "test" }
[pathways.titles.scheme.outstanding]
per_year = { value = 2, range = [1, 3], assumption = "test" }
[pathways.settling_in.apply_share]
value = 1.0
range = [1.0, 1.0]
assumption = "test: every eligible recruit applies"
"""
#: level name → the ladder code an event holds
LEVEL = {name: code for code, name in enumerate(ladder.NAMES)}


@pytest.fixture(scope="module")
def changzhou():
    return forecast.load_scenario(CHANGZHOU)


def test_the_scenario_loads_with_its_ids_and_names(changzhou):
    assert changzhou.name == "changzhou"
    assert {r.id for r in changzhou.policy.rules} == RULE_IDS
    assert {t.id for t in changzhou.targets} == TARGET_IDS
    assert all(t.metric in METRICS for t in changzhou.targets)
    assert (str(changzhou.policy.valid_from), str(changzhou.policy.valid_to)) == ("2025-01-01", "2027-12-31")
    assert changzhou.name_in("place", "zh") == "常州市"
    assert "惠山" not in changzhou.name_in("fund_name", "zh")
    assert changzhou.specs["fund"]["kind"] == "appropriation"
    text = stand_alone(CHANGZHOU)
    assert "HS-A" not in text


def test_every_rule_is_cited_and_every_amount_is_a_scaled_assumption(changzhou):
    rules_cited(changzhou, "seed 001", assumed=True)
    for rule in changzhou.policy.rules:
        assert "ASSUMED" in rule.source, rule.id


def test_small_city_runs_and_outlays_equal_the_ledger(tmp_path):
    scenario = forecast.load_scenario(overlay(tmp_path, CHANGZHOU, SMALL))
    result = outlays_equal_ledger(scenario)
    paid = result.outlays().sum()
    for rid in ("CZ-A1a", "CZ-A1b", "CZ-A1c", "CZ-A2", "CZ-A3", "CZ-A8a", "CZ-A8b"):
        assert paid[rid] > 0, rid
    # care sessions: 12 a year, 1,000 each, three policy years = 36,000 owed (by hand); lags move
    # some of 2027's into 2028, so the sum over the horizon is what is exact
    assert paid["CZ-A1b"] == pytest.approx(36 * 1000.0)
    assert paid["CZ-A2"] == pytest.approx(36 * 5000.0)


def test_rules_by_hand(changzhou):
    rows = [
        # event, programme, level, count → expected (rule, amount)
        ("certificate", "skills", "初级工", 1, "CZ-A1a", 1_000),
        ("certificate", "skills", "高级工", 1, "CZ-A1a", 2_000),
        ("certificate", "skills", "高级技师", 1, "CZ-A1a", 4_300),
        ("training_sessions", "care", "未取证", 25, "CZ-A1b", 25_000),  # 25 × 1,000
        ("training_sessions", "youth", "未取证", 10, "CZ-A1c", 10_000),
        ("training_sessions", "upgrading", "技师", 3, "CZ-A2", 15_000),   # 3 × 5,000
        ("apprentice_year", "", "初级工", 1, "CZ-A3", 5_000),
        ("settled_in", "", "技师", 1, "CZ-A7", 20_000),
        ("settled_in", "", "高级技师", 1, "CZ-A7", 30_000),
    ]
    n = len(rows)
    ev = frame({"date": pd.to_datetime(["2026-03-10"] * n), "event": [r[0] for r in rows],
                "recipient": [f"R{i}" for i in range(n)], "person": [f"W{i}" for i in range(n)],
                "programme": [r[1] for r in rows], "level": [LEVEL[r[2]] for r in rows], "count": [r[3] for r in rows]})
    led = forecast.compute_payouts(ev, changzhou.policy).ledger
    assert led["event_index"].tolist() == list(range(n))
    assert led["rule"].tolist() == [r[4] for r in rows]
    assert led["amount"].tolist() == [float(r[5]) for r in rows]


def test_a_certificate_of_another_route_or_a_lower_recruit_pays_nothing(changzhou):
    ev = frame({"date": pd.to_datetime(["2026-03-10"] * 3), "event": ["certificate", "settled_in", "certificate"],
                "recipient": ["R0", "R1", "R2"], "person": ["W0", "W1", "W2"],
                "programme": ["self_evaluation", "", "skills"], "level": LEVEL["高级工"]})
    pay = forecast.compute_payouts(ev, changzhou.policy)
    assert pay.ledger["event_index"].tolist() == [2]          # only the skills course's 高级工: 2,000
    assert pay.ledger["amount"].sum() == 2_000.0
    assert set(pay.rejections["event_index"]) >= {0, 1}


def test_title_upgrade_pays_the_difference(changzhou):
    """企业杰出技师 5,000 in 2025, then 龙城工匠 in 2026: 20,000 − 5,000 = 15,000 (net_of, highest only)."""
    ev = frame({"date": pd.to_datetime(["2025-09-01", "2026-11-01"]), "event": "title_awarded",
                "recipient": ["W1", "W1"], "person": ["W1", "W1"], "level": LEVEL["技师"],
                "programme": ["outstanding", "longcheng"]})
    led = forecast.compute_payouts(ev, changzhou.policy).ledger
    assert led["amount"].tolist() == [5000.0, 15000.0]


@pytest.mark.parametrize("text, key", [
    ('[pathways.sessions.programmes.care]\ncertifed_share = 0.5\n', "pathways.sessions.programmes.care.certifed_share"),
    ('[amount_scale.CZ-A9]\nvalue = 1.0\nrange = [0.5, 1.5]\nassumption = "x"\n', "amount_scale.CZ-A9"),
    ('[fund.principal]\nvalue = 1\nrange = [1, 2]\nassumption = "x"\n', "fund.principal"),
])
def test_a_misspelt_changzhou_key_exits_2(tmp_path, text, key):
    path = overlay(tmp_path, CHANGZHOU, text, "bad.toml")
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2, err
    assert "bad.toml" in err and key in err
    assert not (tmp_path / "out").exists()
