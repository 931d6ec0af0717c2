"""The Huzhou 2021–2025 scenario (scenarios/huzhou, seed 003): it loads on its own, a
small-district overlay runs and its outlays are the sum of its ledger, every rule cites its
article and source, the title, prize, base/studio and apprenticeship rules pay hand-computed
amounts through `forecast.compute_payouts`, and a misspelt Huzhou key exits 2.

Readings checked here (docs/policies.md §4): 湖州大工匠 200,000 in two instalments of 100,000
twelve months apart (HZ-A1); 就高不重复 (HZ-A5) as `net_of` — an upgrade pays the difference, a
title equal to or lower than one already paid pays nothing; no uplift (uplift_rate 0).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.policy.events import frame
from forecast.policy.policy import METRICS

from conftest import stand_alone, HUZHOU_SMALL as SMALL, ROOT, forecast_cli, write_overlay

HUZHOU = ROOT / "scenarios" / "huzhou"

RULE_IDS = {"HZ-A1", "HZ-A2", "HZ-A3", "HZ-A4", "HZ-A7a", "HZ-A7b", "HZ-A7c", "HZ-A7d", "HZ-A8",
            "HZ-A9a", "HZ-A9b", "HZ-A9c", "HZ-A10a", "HZ-A10b", "HZ-A10c", "HZ-A11"}
TARGET_IDS = {"HZ-T1", "HZ-T2", "HZ-T3", "HZ-T11", "HZ-T13a", "HZ-T13b", "HZ-T13c", "HZ-T14a", "HZ-T14b"}

#: a city of ~3,000 workers with the title counts and apprentice enrolments scaled down


def write(tmp_path: Path, text: str, name: str = "hz.toml") -> Path:
    return write_overlay(tmp_path, HUZHOU, text, name)


@pytest.fixture(scope="module")
def huzhou():
    return forecast.load_scenario(HUZHOU)


def test_the_scenario_loads_with_its_rules_and_targets(huzhou):
    assert huzhou.name == "huzhou"
    assert {r.id for r in huzhou.policy.rules} == RULE_IDS
    assert {t.id for t in huzhou.targets} == TARGET_IDS
    assert all(t.metric in METRICS for t in huzhou.targets)
    assert huzhou.policy.uplift_rate == 0.0
    assert str(huzhou.policy.valid_from) == "2022-01-01" and str(huzhou.policy.valid_to) == "2025-12-31"
    # its own names, not Huishan's
    assert huzhou.name_in("place", "zh") == "湖州市"
    assert "惠山" not in huzhou.name_in("fund_name", "zh") and "惠山" not in huzhou.name_in("craftsman_title", "zh")


def test_stand_alone_no_huishan_rule_or_base():
    text = stand_alone(HUZHOU)
    assert "HS-A" not in text


def test_every_rule_has_article_and_source(huzhou):
    for rule in huzhou.policy.rules:
        assert rule.article.strip(), rule.id
        assert rule.source.strip() and "seed 003" in rule.source, rule.id


def test_small_city_outlays_equal_the_sum_of_the_ledger(tmp_path):
    scenario = forecast.load_scenario(write(tmp_path, SMALL))
    result = forecast.simulate(scenario, seed=1, uncertain=False)
    outlays = result.outlays()
    ledger = result.ledger
    assert len(ledger) > 0
    cash = ledger[ledger["rule"].isin(scenario.policy.rule_ids()) & ledger["year"].isin(scenario.years)]
    pivot = cash.pivot_table(index="year", columns="rule", values="amount", aggfunc="sum", fill_value=0.0)
    pivot = pivot.reindex(index=outlays.index, columns=outlays.columns, fill_value=0.0)
    np.testing.assert_allclose(outlays.to_numpy(), pivot.to_numpy(), atol=0.01)
    assert outlays.to_numpy().sum() == pytest.approx(cash["amount"].sum(), abs=0.01)
    # the titles, apprenticeship and studio rules all paid something in this city
    paid = outlays.sum()
    for rid in ("HZ-A1", "HZ-A2", "HZ-A4", "HZ-A10a", "HZ-A11"):
        assert paid[rid] > 0, rid
    # each entity grant is paid by exactly one rule (the event's programme, the entity kind, tells the level apart)
    ent = ledger[ledger["rule"].str.startswith(("HZ-A9", "HZ-A10"))]
    assert not ent.duplicated(["event_index"]).any()
    levels = {"HZ-A9a": "national_base", "HZ-A9b": "provincial_base", "HZ-A9c": "worldskills_base",
              "HZ-A10a": "studio_city", "HZ-A10b": "studio_province", "HZ-A10c": "studio_national"}
    for line in ent.itertuples():
        assert line.recipient.startswith(levels[line.rule] + "-"), (line.rule, line.recipient)
    # HZ-A1: every 湖州大工匠 is paid in two equal instalments twelve months apart
    grand = ledger[ledger["rule"] == "HZ-A1"]
    for _, g in grand.groupby("event_index"):
        if len(g) == 2:
            a, b = g.sort_values("paid_on")["paid_on"].tolist()
            assert (b.year - a.year, b.month, b.day) == (1, a.month, a.day)


def test_title_rules_by_hand(huzhou):
    """湖州大工匠 200,000 in two instalments of 100,000 a year apart; a 湖州工匠 upgraded to
    湖州大工匠 is paid the difference (net_of); a lower or equal title after a paid one pays
    nothing; 青年工匠 5,000; no uplift even for a 'contributor'."""
    ev = frame({"date": pd.to_datetime(["2022-11-15", "2022-09-01", "2023-11-01", "2022-06-01",
                                        "2022-09-01", "2023-09-01", "2023-11-01", "2024-06-01"]),
                "event": "title_awarded",
                "recipient": ["W1", "W2", "W2", "W3", "W4", "W4", "W5", "W5"],
                "person": ["W1", "W2", "W2", "W3", "W4", "W4", "W5", "W5"],
                "level": 6,
                "programme": ["grand", "craftsman", "grand", "young", "rural", "craftsman", "grand", "young"],
                "contributor": [True, False, False, True, False, False, False, False]})
    pay = forecast.compute_payouts(ev, huzhou.policy)
    led = pay.ledger
    by_event = led.groupby("event_index")["amount"].sum().to_dict()
    assert by_event == {0: 200000.0, 1: 10000.0, 2: 190000.0, 3: 5000.0, 4: 10000.0, 6: 200000.0}
    # W1: 100,000 on the day of the award and 100,000 twelve months later (no lag given here)
    w1 = led[led["event_index"] == 0]
    assert w1["amount"].tolist() == [100000.0, 100000.0]
    assert w1["paid_on"].dt.strftime("%Y-%m-%d").tolist() == ["2022-11-15", "2023-11-15"]
    assert w1["year"].tolist() == [2022, 2023]
    # W2: 湖州工匠 10,000, then 湖州大工匠 200,000 − 10,000 = 190,000 as 95,000 + 95,000
    assert led.loc[led["event_index"] == 2, "amount"].tolist() == [95000.0, 95000.0]
    assert led.loc[led["person"] == "W2", "amount"].sum() == 200000.0
    # W4: 湖州乡村工匠 then 湖州工匠 (equal amounts): the second pays nothing; W5: 青年 after 大工匠: nothing
    assert set(pay.rejections["event_index"]) >= {5, 7}
    assert (led["uplift"] == 0).all()
    assert led.groupby("rule")["amount"].sum().to_dict() == {"HZ-A1": 590000.0, "HZ-A2": 10000.0,
                                                             "HZ-A3": 10000.0, "HZ-A4": 5000.0}
    # with the payment lag of the scenario's default (2 months) the second instalment follows 12 months on
    lagged = forecast.compute_payouts(ev.iloc[[0]].reset_index(drop=True), huzhou.policy, lags={"HZ-A1": 2}).ledger
    assert lagged["paid_on"].dt.strftime("%Y-%m-%d").tolist() == ["2023-01-15", "2024-01-15"]


def test_prize_base_studio_and_apprentice_rules_by_hand(huzhou):
    rows = [
        # event, programme, prize, amount, count → expected (rule, amount)
        ("prize_won", "world", 1, np.nan, 1, "HZ-A7c", 1_000_000),
        ("coach_award", "world", 1, np.nan, 1, "HZ-A7d", 500_000),
        ("prize_won", "world", 4, np.nan, 1, "HZ-A7c", 100_000),
        ("coach_award", "world", 4, np.nan, 1, "HZ-A7d", 50_000),
        ("prize_won", "world_squad", 5, np.nan, 1, "HZ-A7a", 50_000),
        ("coach_award", "world_squad", 5, np.nan, 1, "HZ-A7b", 50_000),
        ("prize_won", "national", 2, np.nan, 1, "HZ-A8", 150_000),
        ("prize_won", "national", 4, np.nan, 1, "HZ-A8", 20_000),
        # entity grants: the programme is the entity kind ([entities.NAME]); fixed amounts
        ("base_recognised", "national_base", 0, np.nan, 1, "HZ-A9a", 2_000_000),
        ("base_recognised", "provincial_base", 0, np.nan, 1, "HZ-A9b", 1_000_000),
        ("base_recognised", "worldskills_base", 0, np.nan, 1, "HZ-A9c", 2_000_000),
        ("studio_reviewed", "studio_city", 0, np.nan, 1, "HZ-A10a", 50_000),
        ("studio_reviewed", "studio_province", 0, np.nan, 1, "HZ-A10b", 50_000),
        ("studio_reviewed", "studio_national", 0, np.nan, 1, "HZ-A10c", 200_000),
        ("apprentice_year", "", 0, np.nan, 1, "HZ-A11", 6_000),
    ]
    n = len(rows)
    ev = frame({"date": pd.to_datetime(["2023-09-15"] * n), "event": [r[0] for r in rows],
                "recipient": [f"R{i}" for i in range(n)], "person": [f"W{i}" for i in range(n)],
                "level": 5, "programme": [r[1] for r in rows], "prize": [r[2] for r in rows],
                "amount": [r[3] for r in rows], "count": [r[4] for r in rows]})
    led = forecast.compute_payouts(ev, huzhou.policy).ledger
    # exactly one line per event, by the expected rule, at the expected amount
    assert led["event_index"].tolist() == list(range(n))
    assert led["rule"].tolist() == [r[5] for r in rows]
    assert led["amount"].tolist() == [float(r[6]) for r in rows]


def _entity_events(rows):
    n = len(rows)
    return frame({"date": pd.to_datetime(["2023-05-01"] * n), "event": [r[0] for r in rows],
                  "recipient": [f"B{i}" for i in range(n)], "programme": [r[1] for r in rows],
                  "years": 0.0, "amount": np.nan})


def test_entity_grants_are_told_apart_by_the_entity_kind(huzhou):
    """Three base rules share `base_recognised` and three studio rules `studio_reviewed`: each
    pays only the events of its own entity kind (programme). A provincial base pays HZ-A9b's
    1,000,000 and no other base rule (without the programme filter HZ-A9a and HZ-A9c would
    pay it too: 2,000,000 + 1,000,000 + 2,000,000 = 5,000,000); a national studio pays
    HZ-A10c's 200,000 (not HZ-A10a's or HZ-A10b's 50,000); an event of no kind pays nothing."""
    ev = _entity_events([("base_recognised", "provincial_base"), ("studio_reviewed", "studio_national"),
                         ("base_recognised", ""), ("studio_reviewed", "studio")])
    pay = forecast.compute_payouts(ev, huzhou.policy)
    led = pay.ledger
    assert led[["event_index", "rule", "amount"]].values.tolist() == [[0, "HZ-A9b", 1_000_000.0],
                                                                      [1, "HZ-A10c", 200_000.0]]
    assert led["amount"].sum() == 1_200_000.0          # 1,000,000 + 200,000
    assert set(pay.rejections["event_index"]) == {2, 3}


def test_huzhou_entity_records_are_accepted_and_paid(huzhou, tmp_path):
    """A records file of Huzhou grants: studio_reviewed records fill `years` and `amount` (the
    kind's required columns; a fixed rule ignores the amount) and the level is the programme."""
    path = tmp_path / "grants.csv"
    path.write_text("date,event,recipient,programme,years,amount\n"
                    "2023-03-01,base_recognised,湖州某技师学院,provincial_base,,\n"
                    "2023-04-01,base_recognised,某集团,worldskills_base,,\n"
                    "2023-06-01,studio_reviewed,张三工作室,studio_national,0,200000\n"
                    "2023-06-01,studio_reviewed,李四工作室,studio_city,0,80000\n", encoding="utf-8")
    ev = forecast.read_records(path, huzhou.policy)
    led = forecast.compute_payouts(ev, huzhou.policy).ledger
    # 1,000,000 (HZ-A9b) + 2,000,000 (HZ-A9c) + 200,000 (HZ-A10c) + 50,000 (HZ-A10a, fixed: the
    # record's 80,000 is not used) = 3,250,000
    assert led.sort_values("event_index")["rule"].tolist() == ["HZ-A9b", "HZ-A9c", "HZ-A10c", "HZ-A10a"]
    assert led["amount"].sum() == 3_250_000.0


def test_simulated_entity_events_carry_their_kind(tmp_path):
    """Every base or studio event of a simulated Huzhou city names its entity kind as programme."""
    scenario = forecast.load_scenario(write(tmp_path, SMALL))
    ev = forecast.simulate(scenario, seed=3, uncertain=False).events
    ent = ev[ev["event"].isin(["base_recognised", "studio_reviewed"])]
    assert len(ent) > 0
    assert (ent["recipient"].str.rsplit("-", n=1).str[0] == ent["programme"]).all()


@pytest.mark.parametrize("text, key", [
    ("[rules.HZ-A1]\ninstalment_month = 12\n", "rules.HZ-A1.instalment_month"),
    ('[pathways.prizes.tiers.world_gold]\nplce = "gold"\n', "pathways.prizes.tiers.world_gold.plce"),
    ('[pathways.titles.scheme.young]\nmax_aeg = 35\n', "pathways.titles.scheme.young.max_aeg"),
])
def test_a_misspelt_huzhou_key_exits_2(tmp_path, text, key):
    path = write(tmp_path, text, "bad.toml")
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2
    assert "bad.toml" in err and key in err
