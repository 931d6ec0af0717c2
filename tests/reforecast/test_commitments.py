"""What real records commit the fund to (model.commitments, runs.execution_real): the exact
chain against hand-computed cases, the sampler against the exact chain, and the expected
milestone payments of a few real pairings computed by hand."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecast.reforecast.commitments import (Chain, annuity_expectation, draw_assessments, draw_certifications,
                                        milestone_chances)
from forecast.policy import ladder
from forecast.policy.events import frame
from forecast.reforecast.real import Real, expected_milestones, month_number

MID, HIGH, TECH = ladder.parse_level("中级工"), ladder.parse_level("高级工"), ladder.parse_level("技师")


def chain(h=0.1, e=0.01, wait=0, mf=1.0, tig=1.0, duration=10 ** 6) -> Chain:
    rate = np.full(ladder.TOP + 1, h)
    rate[ladder.TOP] = 0.0
    return Chain(rate_month=rate, min_months=np.full(ladder.TOP + 1, float(wait)), exit_month=e,
                 mentoring_factor=mf, time_in_grade_factor=tig, duration_months=duration)


def test_one_step_chain_is_geometric_with_exits_first():
    # each month: stay (0.99), then certify (0.1): P(first certificate in month k) = (0.99·0.9)^(k−1)·0.99·0.1
    c = milestone_chances(chain(), MID, since=0, paired=0, first=1, last=3)
    assert c[:, HIGH] == pytest.approx([0.099, 0.099 * 0.891, 0.099 * 0.891 ** 2])
    # the second step needs a first one: P(技师 in month 2) = 0.099 · 0.099
    assert c[1, TECH] == pytest.approx(0.099 * 0.099)
    assert c[0, TECH] == 0.0


def test_time_in_grade_waits_then_certifies():
    # 6 months in grade needed, last certificate 2 months before month 1: eligible from month 4
    c = milestone_chances(chain(wait=6), MID, since=-2, paired=-2, first=1, last=5)
    assert list(c[:3, HIGH]) == [0.0, 0.0, 0.0]
    assert c[3, HIGH] == pytest.approx(0.99 ** 4 * 0.1)
    assert c[4, HIGH] == pytest.approx(0.99 ** 4 * 0.9 * 0.99 * 0.1)


def test_mentoring_doubles_the_rate_while_the_pairing_is_open():
    # paired at month 0 for 2 months: months 1 open (0.2), month 2 closed (0.1)
    c = milestone_chances(chain(mf=2.0, duration=2), MID, since=0, paired=0, first=1, last=2)
    assert c[0, HIGH] == pytest.approx(0.99 * 0.2)
    assert c[1, HIGH] == pytest.approx(0.99 * 0.8 * 0.99 * 0.1)


def test_an_unknown_time_in_grade_is_the_mean_over_its_months():
    ch = chain(wait=6)
    both = milestone_chances(ch, MID, np.array([-10, -2]), 0, 1, 8)
    one, two = milestone_chances(ch, MID, -10, 0, 1, 8), milestone_chances(ch, MID, -2, 0, 1, 8)
    assert both == pytest.approx((one + two) / 2)


def test_sampler_matches_the_exact_chain():
    ch = chain(h=0.08, e=0.02, wait=3, mf=1.5, tig=0.5, duration=5)
    n, first, last = 40_000, 1, 12
    idx, month, level = draw_certifications(ch, np.full(n, MID), np.zeros(n), np.zeros(n), first,
                                            np.full(n, last), np.random.default_rng(1))
    exact = milestone_chances(ch, MID, 0, 0, first, last)
    for lv in (HIGH, TECH):
        freq = np.bincount(month[level == lv] - first, minlength=last) / n
        se = np.sqrt(exact[:, lv] * (1 - exact[:, lv]) / n)
        assert np.all(np.abs(freq - exact[:, lv]) <= 4 * se + 1e-12)


def test_annuity_expectation_by_hand_and_sampler():
    # pass 0.95, leave 2 % a year: 9 months ahead 0.95 × 0.98^0.75; 21 months 0.95 × 0.98^1.75
    assert annuity_expectation([9, 21], 0.95, 0.02) == pytest.approx([0.95 * 0.98 ** 0.75, 0.95 * 0.98 ** 1.75])
    months = np.tile([9.0, 21.0, np.nan], (50_000, 1))
    present, passed = draw_assessments(months, 0.95, 0.02, np.random.default_rng(2))
    assert not present[:, 2].any()
    assert passed[:, :2].mean(axis=0) == pytest.approx([0.95 * 0.98 ** 0.75, 0.95 * 0.98 ** 1.75], abs=0.005)


def _records(rows: list[dict]) -> pd.DataFrame:
    cols = {k: [r.get(k) for r in rows] for k in ("date", "event", "recipient", "person", "level", "contributor")}
    cols["date"] = pd.to_datetime(cols["date"]).to_numpy().astype("datetime64[s]")
    cols["level"] = [(-1 if v is None else v) for v in cols["level"]]
    cols["contributor"] = [bool(v) for v in cols["contributor"]]
    return frame(cols, len(rows))


def test_expected_milestones_of_real_pairings_by_hand(huishan):
    """Three pairings, as of 2025-03-31, with a chain of constant hazard (no waiting, no mentoring):
    h = 0.1 a month, exits 0.01 a month, so P(first step in month k) = 0.099 · 0.891^(k−1).

    - A: 中级工 paired 2025-01-15 (HS-A8b 高级工 within 12 months: last day 2026-01-15): certificates
      of months 2025-04 … 2026-01 (first days) count: 10 months → 2000 × 0.099 × Σ_{k<10} 0.891^k;
      技师 within 36 (two steps) and 高级技师 (three) follow from the chain — checked in total below.
    - B: 高级工 paired 2025-02-20 by a contributing master: 技师 within 36 months (to 2028-02-20),
      the horizon (2032) is not binding: months 2025-04 … 2028-02 (35) → 3000 × 1.3 × 0.099 ×
      Σ_{k<35} 0.891^k for the first step; the 高级工 milestone is below its level (never).
    - C: already reached 高级工 (a record of it): that milestone is not expected again.
    """
    pol = huishan.policy
    recs = _records([
        {"date": "2025-01-15", "event": "pairing", "recipient": "MA", "person": "A", "level": MID},
        {"date": "2025-02-20", "event": "pairing", "recipient": "MB", "person": "B", "level": HIGH, "contributor": True},
        {"date": "2025-01-10", "event": "pairing", "recipient": "MC", "person": "C", "level": MID},
        {"date": "2025-03-01", "event": "apprentice_certified", "recipient": "MC", "person": "C", "level": HIGH},
    ])
    recs["paired_on"] = pd.to_datetime(np.where(recs["person"] == "C", "2025-01-10", pd.NaT))
    values = huishan.resolve(None)
    real = Real.from_records(recs, huishan, values, dt.date(2025, 3, 31))
    got = expected_milestones(real, chain(), pol, 0).set_index(["apprentice", "level"])["expected"]
    geo = lambda n: 0.099 * sum(0.891 ** k for k in range(n))   # noqa: E731
    assert got[("A", HIGH)] == pytest.approx(2000 * geo(10))
    assert got[("B", TECH)] == pytest.approx(3000 * 1.3 * geo(35))
    assert ("C", HIGH) not in got.index
    # C is at 高级工 since 2025-03: its 技师 milestone (within 36 months of 2025-01-10, to 2028-01-10) is
    # a first step in months 2025-04 … 2028-01 (2028-01-01 is before the 10th): 34 months
    assert got[("C", TECH)] == pytest.approx(3000 * geo(34))


def test_committed_draws_average_to_the_expectation(huishan):
    recs = _records([{"date": "2025-01-15", "event": "pairing", "recipient": "MA", "person": f"A{i}", "level": MID}
                     for i in range(400)])
    values = huishan.resolve(None)
    real = Real.from_records(recs, huishan, values, dt.date(2025, 3, 31))
    ch = Chain.from_values(values)
    expected = expected_milestones(real, ch, huishan.policy, Real.max_months_in_grade(values))["expected"].sum()
    from forecast.reforecast.execution import committed_ledger
    totals = []
    for s in range(30):
        ev = real.committed_events(values, np.random.default_rng(s), np.random.default_rng(100 + s))
        totals.append(committed_ledger(ev, real, huishan, values)["amount"].sum())
    se = np.std(totals) / np.sqrt(len(totals))
    assert abs(np.mean(totals) - expected) <= 4 * se + 1.0
    assert expected > 0


def test_month_number_is_shared_by_records_and_chains():
    assert list(month_number(["1970-01-31", "2025-03-31"])) == [0, 55 * 12 + 2]
