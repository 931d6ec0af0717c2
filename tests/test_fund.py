"""The fund's arithmetic (forecast.fund), checked against figures computed by hand."""
from __future__ import annotations

import numpy as np
import pytest

from forecast.model.fund import exceed_probability, fund_paths, principal_needed, principal_needed_quantile


def test_surplus_then_shortfall_drawn_from_principal():
    # principal 1,000,000 at 5 %; outlays 30,000 / 80,000 / 40,000
    p = fund_paths([30_000, 80_000, 40_000], principal=1_000_000, rate=0.05)
    # year 1: returns 50,000 > outlays 30,000: surplus 20,000, principal untouched (surplus not added)
    # year 2: returns 50,000 < outlays 80,000: shortfall 30,000 drawn, principal 970,000
    # year 3: returns 970,000 × 5 % = 48,500 > 40,000: surplus 8,500, principal stays 970,000
    assert p.returns == pytest.approx([50_000, 50_000, 48_500])
    assert p.surplus == pytest.approx([20_000, -30_000, 8_500])
    assert p.shortfall == pytest.approx([0, 30_000, 0])
    assert p.drawn == pytest.approx([0, 30_000, 0])
    assert p.unfunded == pytest.approx([0, 0, 0])
    assert p.balance == pytest.approx([1_000_000, 970_000, 970_000])


def test_top_up_arrives_at_year_end():
    p = fund_paths([30_000, 80_000, 40_000], principal=1_000_000, rate=0.05, top_up=10_000)
    # y1: returns 50,000, balance 1,010,000; y2: returns 50,500, shortfall 29,500,
    # balance 1,010,000 − 29,500 + 10,000 = 990,500; y3: returns 49,525, balance 1,000,500
    assert p.returns == pytest.approx([50_000, 50_500, 49_525])
    assert p.shortfall == pytest.approx([0, 29_500, 0])
    assert p.balance == pytest.approx([1_010_000, 990_500, 1_000_500])


def test_shortfall_not_drawn_stays_unfunded():
    p = fund_paths([30_000, 80_000, 40_000], principal=1_000_000, rate=0.05, draw_on_principal=False)
    assert p.balance == pytest.approx([1_000_000] * 3)
    assert p.returns == pytest.approx([50_000] * 3)
    assert p.unfunded == pytest.approx([0, 30_000, 0])
    assert p.drawn == pytest.approx([0, 0, 0])


def test_principal_exhausted():
    # 10,000 at 10 %: y1 returns 1,000, shortfall 5,000 → 5,000 left;
    # y2 returns 500, shortfall 19,500, only 5,000 can be drawn: 14,500 unfunded, balance 0
    p = fund_paths([6_000, 20_000], principal=10_000, rate=0.10)
    assert p.returns == pytest.approx([1_000, 500])
    assert p.drawn == pytest.approx([5_000, 5_000])
    assert p.unfunded == pytest.approx([0, 14_500])
    assert p.balance == pytest.approx([5_000, 0])


def test_replications_vectorised_match_one_by_one():
    outlays = np.array([[30_000, 80_000, 40_000], [60_000, 10_000, 90_000]], dtype=float)
    principal, rate = np.array([1_000_000, 800_000]), np.array([0.05, 0.04])
    both = fund_paths(outlays, principal, rate)
    for r in range(2):
        one = fund_paths(outlays[r], principal[r], rate[r])
        assert both.balance[r] == pytest.approx(one.balance)
        assert both.returns[r] == pytest.approx(one.returns)
    # replication 1 by hand: y1 returns 32,000 < 60,000, draw 28,000 → 772,000;
    # y2 returns 30,880 > 10,000 (surplus); y3 returns 30,880 < 90,000, draw 59,120 → 712,880
    assert both.returns[1] == pytest.approx([32_000, 30_880, 30_880])
    assert both.balance[1] == pytest.approx([772_000, 772_000, 712_880])
    assert exceed_probability(both.outlays, both.returns) == pytest.approx([0.5, 0.5, 0.5])


def test_principal_needed_and_its_95th_percentile():
    # max outlays 80,000 at 5 % needs 1,600,000: with it, returns cover every year
    assert principal_needed([30_000, 80_000, 40_000], 0.05) == pytest.approx([1_600_000])
    p = fund_paths([30_000, 80_000, 40_000], 1_600_000, 0.05)
    assert p.shortfall.max() == 0
    outlays = [[10, 20], [30, 5], [40, 40]]
    rates = [0.1, 0.05, 0.04]
    assert principal_needed(outlays, rates) == pytest.approx([200, 600, 1000])
    # 95th percentile of (200, 600, 1000), linear: 600 + 0.9 × 400 = 960
    assert principal_needed_quantile(outlays, rates, 0.95) == pytest.approx(960)


def test_zero_rate_needs_infinite_principal():
    assert np.isinf(principal_needed([1.0, 2.0], 0.0)[0])
    assert principal_needed([0.0, 0.0], 0.0)[0] == 0
