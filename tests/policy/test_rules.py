"""Hand-computed payouts for every Huishan rule (POLICY.md HS-A1a … HS-A10) and the uplift.

Each test builds a few events by hand, runs them through the payout calculator with the
Huishan policy as the scenario states it, and compares with amounts worked out from
POLICY.md in the comments. Boundaries are tested on both sides.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from forecast import compute_payouts
from forecast.policy.events import COLUMNS, frame
from forecast.policy.payouts import outlays_by_year
from forecast.policy.rules import base_amounts

DATES = ("date", "paired_on")


def table(*rows: dict) -> pd.DataFrame:
    """An event table from rows given as dicts (missing columns take their empty value)."""
    keys = sorted(set().union(*rows))
    cols = {}
    for key in keys:
        empty = COLUMNS[key][1]
        values = [row.get(key, empty) for row in rows]
        if key in DATES:
            values = np.array([np.datetime64("NaT", "D") if v is pd.NaT else np.datetime64(v, "D")
                               for v in values], dtype="datetime64[D]")
        cols[key] = values
    return frame(cols)


def pay(policy, *rows: dict):
    return compute_payouts(table(*rows), policy, explain=True)


def amounts(result, rule: str | None = None) -> list[float]:
    """Amounts of the ledger lines (of one rule), in event order."""
    led = result.ledger.sort_values(["event_index", "rule"])
    if rule:
        led = led[led["rule"] == rule]
    return led["amount"].tolist()


def paid_by_event(result, n: int, rule: str | None = None) -> list[float]:
    """Total paid per event index 0…n-1 (0 where nothing is paid)."""
    led = result.ledger if rule is None else result.ledger[result.ledger["rule"] == rule]
    per = led.groupby("event_index")["amount"].sum()
    return [float(per.get(i, 0.0)) for i in range(n)]


def reason(result, index: int) -> str:
    rej = result.rejections.set_index("event_index")
    assert index in rej.index, f"event {index} is not reported as earning nothing"
    return rej.loc[index, "reason"]


@pytest.fixture(scope="module")
def policy(huishan):
    return huishan.policy


# --- HS-A1a: station, 20,000 once per college ------------------------------------------------

def test_a1a_station_pays_20000_once_per_college(policy):
    r = pay(policy,
            dict(date="2025-03-01", event="station_accepted", recipient="C1"),
            dict(date="2025-09-01", event="station_accepted", recipient="C1"),   # same station again
            dict(date="2025-09-01", event="station_accepted", recipient="C2"))
    # first claims of C1 and C2: 20,000 each; C1's second claim: nothing
    assert paid_by_event(r, 3) == [20000.0, 0.0, 20000.0]
    why = reason(r, 1)
    assert "HS-A1a" in why and "already paid once" in why and "2025-03-01" in why


# --- HS-A1b: college, yearly, by staying graduates ------------------------------------------

@pytest.mark.parametrize("stayed, expected", [
    (19, 0.0),        # below the 20 needed
    (20, 20000.0),    # 20–50 → 20,000
    (50, 20000.0),
    (51, 100000.0),   # 51 or more → 100,000
    (400, 100000.0),
])
def test_a1b_college_subsidy_tiers_at_boundaries(policy, stayed, expected):
    r = pay(policy, dict(date="2025-12-31", event="graduates_stayed", recipient="C1", count=stayed))
    assert paid_by_event(r, 1) == [expected]
    if expected == 0:
        assert "19 counted: below the 20" in reason(r, 0)


def test_a1b_base_amounts_function_reads_the_tiers(policy):
    rule = policy.rule("HS-A1b")
    ev = table(*[dict(date="2025-12-31", event="graduates_stayed", recipient=f"C{c}", count=c)
                 for c in (0, 19, 20, 50, 51)])
    base, why = base_amounts(rule, ev)
    assert base.tolist() == [0.0, 0.0, 20000.0, 20000.0, 100000.0]
    assert [w == "" for w in why] == [False, False, True, True, True]


def test_a1b_paid_once_per_college_and_year(policy):
    r = pay(policy,
            dict(date="2025-06-30", event="graduates_stayed", recipient="C1", count=30),
            dict(date="2025-12-31", event="graduates_stayed", recipient="C1", count=60),  # same year again
            dict(date="2026-12-31", event="graduates_stayed", recipient="C1", count=60))  # next year
    assert paid_by_event(r, 3) == [20000.0, 0.0, 100000.0]
    assert "already paid once for this recipient, year" in reason(r, 1)


# --- HS-A1c / HS-A1d: the counsellor, per staying graduate -----------------------------------

def graduate(level, prize=0, fits=False, person="G1", recipient="K1", date="2025-12-31", **kw):
    return dict(date=date, event="graduate_stayed", recipient=recipient, person=person,
                level=level, prize=prize, fits_sector=fits, **kw)


@pytest.mark.parametrize("level, expected", [(3, 300.0), (4, 800.0), (5, 2000.0)])
def test_a1c_counsellor_paid_by_graduate_level_when_major_fits(policy, level, expected):
    # 中级工 300, 高级工 800, 技师 2,000; no prize so HS-A1d pays nothing
    r = pay(policy, graduate(level, fits=True))
    assert amounts(r, "HS-A1c") == [expected]
    assert amounts(r, "HS-A1d") == []


def test_a1c_and_a1d_both_paid_for_intermediate_second_prize_winner(policy):
    # qualifies for HS-A1c as a prize winner (major does not fit): 中级工 300; HS-A1d 2nd prize 800
    r = pay(policy, graduate(3, prize=2, fits=False))
    assert amounts(r, "HS-A1c") == [300.0]
    assert amounts(r, "HS-A1d") == [800.0]
    assert paid_by_event(r, 1) == [1100.0]   # 300 + 800


@pytest.mark.parametrize("prize, expected", [(1, 2000.0), (2, 800.0), (3, 300.0)])
def test_a1d_counsellor_paid_by_prize(policy, prize, expected):
    # a 初级工 graduate: HS-A1c pays nothing at that level, HS-A1d pays by prize
    r = pay(policy, graduate(2, prize=prize, fits=True))
    assert amounts(r, "HS-A1d") == [expected]
    assert amounts(r, "HS-A1c") == []


def test_a1c_junior_graduate_earns_nothing(policy):
    r = pay(policy, graduate(2, fits=True))
    assert r.ledger.empty
    why = reason(r, 0)
    assert "初级工 earns nothing under HS-A1c" in why
    assert "HS-A1d" in why and "no prize" in why


def test_graduate_neither_in_sector_nor_prize_winner_earns_nothing(policy):
    r = pay(policy, graduate(5, prize=0, fits=False))   # a 技师 would be 2,000 if qualifying
    assert r.ledger.empty
    why = reason(r, 0)
    assert "三新四强五未来" in why and "no competition prize" in why


def test_a1c_counted_once_per_graduate(policy):
    r = pay(policy, graduate(4, fits=True, date="2025-12-31"), graduate(4, fits=True, date="2026-12-31"))
    assert paid_by_event(r, 2) == [800.0, 0.0]
    assert "already paid once for this person" in reason(r, 1)


# --- HS-A2a / HS-A2b / HS-A2c: craftsmen and bases --------------------------------------------

def test_a2a_new_craftsman_paid_10000_once(policy):
    r = pay(policy,
            dict(date="2025-05-01", event="craftsman_selected", recipient="W1"),
            dict(date="2026-05-01", event="craftsman_selected", recipient="W1"),
            dict(date="2026-05-01", event="craftsman_selected", recipient="W2"))
    assert paid_by_event(r, 3) == [10000.0, 0.0, 10000.0]
    assert "already paid once" in reason(r, 1)


def test_a2b_annuity_paid_after_policy_end_when_assessment_passed(policy):
    assert policy.valid_to.year == 2027
    r = pay(policy,
            dict(date="2029-12-31", event="craftsman_assessed", recipient="W1", passed=True),
            dict(date="2029-12-31", event="craftsman_assessed", recipient="W2", passed=False),
            dict(date="2029-05-01", event="craftsman_selected", recipient="W3"))  # HS-A2a is not after_policy
    # passed: 3,000 (after_policy = true); failed: 0; HS-A2a in 2029: outside validity
    assert paid_by_event(r, 3) == [3000.0, 0.0, 0.0]
    assert "yearly assessment not passed" in reason(r, 1)
    assert "outside the policy's validity" in reason(r, 2)


def test_a2b_stops_at_policy_end_when_after_policy_is_off(policy):
    rules = tuple(dataclasses.replace(r, after_policy=False) if r.id == "HS-A2b" else r for r in policy.rules)
    strict = dataclasses.replace(policy, rules=rules)
    r = pay(strict,
            dict(date="2027-12-31", event="craftsman_assessed", recipient="W1", passed=True),
            dict(date="2028-12-31", event="craftsman_assessed", recipient="W1", passed=True))
    assert paid_by_event(r, 2) == [3000.0, 0.0]
    assert "outside the policy's validity 2025-01-01–2027-12-31" in reason(r, 1)


def test_a2b_paid_once_per_craftsman_and_year(policy):
    r = pay(policy,
            dict(date="2026-06-30", event="craftsman_assessed", recipient="W1", passed=True),
            dict(date="2026-12-31", event="craftsman_assessed", recipient="W1", passed=True),
            dict(date="2027-12-31", event="craftsman_assessed", recipient="W1", passed=True))
    assert paid_by_event(r, 3) == [3000.0, 0.0, 3000.0]


def test_a2c_base_paid_30000_once(policy):
    r = pay(policy,
            dict(date="2026-01-01", event="base_recognised", recipient="B1"),
            dict(date="2026-07-01", event="base_recognised", recipient="B1"))
    assert paid_by_event(r, 2) == [30000.0, 0.0]


# --- HS-A3a / HS-A3b: night school ------------------------------------------------------------

def cert(level, programme="night_school", person="W1", date="2025-06-01", recipient="P1", **kw):
    return dict(date=date, event="certificate", recipient=recipient, person=person, level=level,
                programme=programme, **kw)


def test_a3a_provider_paid_per_night_school_certificate_by_level(policy):
    r = pay(policy, cert(2, person="A"), cert(3, person="B"), cert(4, person="C"), cert(5, person="D"))
    # 初级工 500, 中级工 1,000, 高级工 1,500; 技师 not in the table
    assert paid_by_event(r, 4) == [500.0, 1000.0, 1500.0, 0.0]
    assert "技师 earns nothing under HS-A3a" in reason(r, 3)


@pytest.mark.parametrize("programme", ["self_evaluation", "competition", "appointment"])
def test_a3a_pays_only_for_the_night_school_programme(policy, programme):
    r = pay(policy, cert(3, programme=programme))
    assert r.ledger.empty
    assert f"obtained through {programme}, not night_school" in reason(r, 0)


def test_a3a_paid_once_per_person_and_level(policy):
    r = pay(policy, cert(3, date="2025-06-01"), cert(3, date="2025-09-01"), cert(4, date="2026-06-01"))
    assert paid_by_event(r, 3) == [1000.0, 0.0, 1500.0]


@pytest.mark.parametrize("rate, hours, expected", [
    (150, 10, 1500.0),   # 150 yuan × 10 class hours
    (100, 1, 100.0),     # lower bound of 100–200 included
    (200, 3, 600.0),     # upper bound included: 200 × 3
    (250, 10, 0.0),      # above the range
    (99, 10, 0.0),       # below the range
])
def test_a3b_teaching_craftsman_paid_per_class_hour_within_range(policy, rate, hours, expected):
    r = pay(policy, dict(date="2025-06-01", event="class_hours", recipient="W1", count=hours, amount=rate))
    assert paid_by_event(r, 1) == [expected]
    if not expected:
        assert f"amount {rate} outside HS-A3b's range 100–200" in reason(r, 0)


# --- HS-A4: master studios --------------------------------------------------------------------

@pytest.mark.parametrize("amount, years, expected", [
    (25000, 2.5, 25000.0),
    (10000, 2.0, 10000.0),   # both lower bounds included
    (30000, 5.0, 30000.0),   # upper bound included
    (35000, 3.0, 0.0),       # above 10,000–30,000
    (25000, 1.5, 0.0),       # studio younger than 2 years
])
def test_a4_studio_paid_review_amount_within_range_and_age(policy, amount, years, expected):
    r = pay(policy, dict(date="2026-06-01", event="studio_reviewed", recipient="S1", amount=amount, years=years))
    assert paid_by_event(r, 1) == [expected]
    if amount > 30000:
        assert "amount 35000 outside HS-A4's range 10000–30000" in reason(r, 0)
    elif not expected:
        assert "1.5 years old: HS-A4 needs at least 2" in reason(r, 0)


def test_a4_studio_without_review_amount_earns_nothing(policy):
    r = pay(policy, dict(date="2026-06-01", event="studio_reviewed", recipient="S1", years=3.0))
    assert r.ledger.empty
    assert "no amount given" in reason(r, 0)


# --- HS-A5 / HS-A6: lectures ------------------------------------------------------------------

@pytest.mark.parametrize("rate, sessions, expected", [
    (800, 1, 800.0), (500, 2, 1000.0), (1000, 3, 3000.0), (1200, 1, 0.0), (400, 1, 0.0)])
def test_a5_lecture_group_member_paid_per_session_within_range(policy, rate, sessions, expected):
    r = pay(policy, dict(date="2025-04-01", event="lecture_session", recipient="W1", count=sessions, amount=rate))
    assert paid_by_event(r, 1) == [expected]


def test_a6_guest_lecturer_paid_800_per_lecture(policy):
    r = pay(policy,
            dict(date="2025-04-01", event="guest_lecture", recipient="W1", count=1),
            dict(date="2025-05-01", event="guest_lecture", recipient="W1", count=3))
    assert paid_by_event(r, 2) == [800.0, 2400.0]   # 800 × 1; 800 × 3 (no once-only limit)


# --- HS-A7: in kind ---------------------------------------------------------------------------

def test_a7_services_are_in_kind_and_left_out_of_fund_outlays(policy):
    r = pay(policy,
            dict(date="2025-12-31", event="craftsman_in_service", recipient="W1", contributor=True),
            dict(date="2025-12-31", event="guest_lecture", recipient="W1", count=1))
    a7 = r.ledger[r.ledger["rule"] == "HS-A7"]
    assert len(a7) == 1 and bool(a7["in_kind"].iloc[0])
    assert a7["amount"].iloc[0] == 5000.0        # valued at 5,000 a craftsman-year; no uplift (uplift = false)
    assert not r.ledger.loc[r.ledger["rule"] == "HS-A6", "in_kind"].iloc[0]
    cash_rules = [x.id for x in policy.rules if not x.in_kind]
    cash = outlays_by_year(r.ledger, cash_rules, [2025])
    assert "HS-A7" not in cash.columns
    assert cash.loc[2025].sum() == 800.0          # the guest lecture only
    in_kind = outlays_by_year(r.ledger, ["HS-A7"], [2025], in_kind=True)
    assert in_kind.loc[2025, "HS-A7"] == 5000.0


# --- HS-A8a / HS-A8b: 青蓝工程 ------------------------------------------------------------------

def test_a8a_master_paid_2000_per_apprentice_once(policy):
    r = pay(policy,
            dict(date="2025-03-15", event="pairing", recipient="M1", person="A1"),
            dict(date="2025-06-15", event="pairing", recipient="M1", person="A1"),   # same pair again
            dict(date="2025-06-15", event="pairing", recipient="M1", person="A2"))
    assert paid_by_event(r, 3) == [2000.0, 0.0, 2000.0]
    assert "already paid once for this recipient, person" in reason(r, 1)


def milestone(level, date, paired_on="2025-03-15", person="A1", recipient="M1", **kw):
    return dict(date=date, event="apprentice_certified", recipient=recipient, person=person, level=level,
                paired_on=paired_on, **kw)


def test_a8b_senior_worker_milestone_paid_on_last_day_of_one_year_window(policy):
    # paired 2025-03-15: the 1-year window's last day is 2026-03-15
    r = pay(policy, milestone(4, "2026-03-15"))
    assert amounts(r) == [2000.0]


def test_a8b_senior_worker_milestone_day_after_window_earns_nothing(policy):
    r = pay(policy, milestone(4, "2026-03-16"))
    assert r.ledger.empty
    assert "1-year window missed" in reason(r, 0)


@pytest.mark.parametrize("level, inside, outside, expected, span", [
    (5, "2028-03-15", "2028-03-16", 3000.0, "3-year"),   # 技师 within 3 years
    (6, "2030-03-15", "2030-03-16", 5000.0, "5-year"),   # 高级技师 within 5 years
])
def test_a8b_technician_milestones_windows(policy, level, inside, outside, expected, span):
    r = pay(policy, milestone(level, inside, person="A1"), milestone(level, outside, person="A2"))
    assert paid_by_event(r, 2) == [expected, 0.0]
    assert f"{span} window missed" in reason(r, 1)


def test_a8b_non_milestone_level_earns_nothing(policy):
    r = pay(policy, milestone(3, "2025-09-01"))
    assert r.ledger.empty
    assert "中级工 is not a milestone of HS-A8b" in reason(r, 0)


def test_a8b_december_2027_pairing_paid_for_milestone_in_2032(policy):
    # paired 2027-12-20 (inside validity); 高级技师 on 2032-11-30, 59 months later, inside 5 years
    r = pay(policy, milestone(6, "2032-11-30", paired_on="2027-12-20"))
    assert amounts(r) == [5000.0]
    assert r.ledger["year"].tolist() == [2032]


def test_a8b_pairing_dated_2028_not_paid(policy):
    r = pay(policy, milestone(4, "2028-06-01", paired_on="2028-01-05"))
    assert r.ledger.empty
    assert "pairing dated 2028-01-05, outside the policy's validity" in reason(r, 0)


def test_a8b_each_milestone_paid_once(policy):
    r = pay(policy, milestone(4, "2025-10-01"), milestone(4, "2025-11-01"), milestone(5, "2026-10-01"))
    # 高级工 2,000 once; repeat claim nothing; 技师 3,000
    assert paid_by_event(r, 3) == [2000.0, 0.0, 3000.0]


# --- HS-A9 / HS-A10 ---------------------------------------------------------------------------

@pytest.mark.parametrize("amount, expected", [
    (30000, 30000.0), (10000, 10000.0), (50000, 50000.0), (60000, 0.0), (5000, 0.0)])
def test_a9_challenge_project_paid_review_amount_within_range(policy, amount, expected):
    r = pay(policy, dict(date="2026-02-01", event="challenge_completed", recipient="W1", amount=amount))
    assert paid_by_event(r, 1) == [expected]


def test_a10_rights_centre_paid_30000_once(policy):
    r = pay(policy,
            dict(date="2025-09-01", event="rights_centre_built", recipient="R1"),
            dict(date="2026-09-01", event="rights_centre_built", recipient="R1"))
    assert paid_by_event(r, 2) == [30000.0, 0.0]


def test_event_no_rule_pays_for_is_reported(policy):
    without_a10 = dataclasses.replace(policy, rules=tuple(r for r in policy.rules if r.id != "HS-A10"))
    r = pay(without_a10, dict(date="2025-09-01", event="rights_centre_built", recipient="R1"))
    assert r.ledger.empty
    assert reason(r, 0) == "no rule of this policy pays for this event"


# --- contributor uplift -----------------------------------------------------------------------

def test_uplift_adds_30_percent_for_contributor_only(policy):
    r = pay(policy,
            dict(date="2025-03-15", event="pairing", recipient="M1", person="A1", contributor=True),
            dict(date="2025-03-15", event="pairing", recipient="M2", person="A2", contributor=False),
            dict(date="2026-06-01", event="studio_reviewed", recipient="S1", amount=25000, years=3.0,
                 contributor=True))
    led = r.ledger.sort_values("event_index").reset_index(drop=True)
    # 2,000 × 1.3 = 2,600 (uplift 600); 2,000 without; 25,000 × 1.3 = 32,500
    assert led["base"].tolist() == [2000.0, 2000.0, 25000.0]
    assert led["uplift"].tolist() == [600.0, 0.0, 7500.0]
    assert led["amount"].tolist() == [2600.0, 2000.0, 32500.0]
    assert led["uplift_rate"].tolist() == [0.30, 0.0, 0.30]


# --- validity ---------------------------------------------------------------------------------

def test_events_outside_validity_reported_not_paid(policy):
    r = pay(policy,
            dict(date="2024-12-31", event="rights_centre_built", recipient="R1"),   # day before validity
            dict(date="2025-01-01", event="rights_centre_built", recipient="R2"),   # first day
            dict(date="2027-12-31", event="rights_centre_built", recipient="R3"),   # last day
            dict(date="2028-01-01", event="rights_centre_built", recipient="R4"))   # day after
    assert paid_by_event(r, 4) == [0.0, 30000.0, 30000.0, 0.0]
    assert "event dated 2024-12-31, outside the policy's validity 2025-01-01–2027-12-31" in reason(r, 0)
    assert "event dated 2028-01-01, outside the policy's validity" in reason(r, 3)
    assert sorted(r.rejections["event_index"]) == [0, 3]
