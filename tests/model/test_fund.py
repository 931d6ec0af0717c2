"""The fund's account (forecast.model.fund), checked against figures computed by hand:
returns accrue to an account, outlays draw on it, an unspent balance carries over, a shortfall
is unfunded (principal untouched) unless the scenario draws on the principal."""
from __future__ import annotations

import numpy as np
import pytest

from forecast.core.errors import InputError
from forecast.model.fund import fund_paths, principal_needed, principal_needed_quantile, shortfall_probability


def test_surplus_carries_over_and_covers_the_next_year():
    # P = 100 at 2 %: returns 2 a year. Outlays 1 then 2.5:
    # y1: account 0 + 2 − 1 = 1 (carried over); y2: 1 + 2 − 2.5 = 0.5 — no shortfall, though
    # y2's outlays (2.5) exceed y2's returns (2): the carry-over pays the difference
    p = fund_paths([1.0, 2.5], principal=100, rate=0.02)
    assert p.returns == pytest.approx([2, 2])
    assert p.available == pytest.approx([2, 3])
    assert p.account == pytest.approx([1, 0.5])
    assert p.deficit == pytest.approx([0, 0])
    assert p.unfunded == pytest.approx([0, 0])
    assert list(p.shortfall) == [False, False]
    assert p.principal == pytest.approx([100, 100])


def test_shortfall_after_carry_over_is_unfunded_and_the_principal_untouched():
    # outlays 1 then 3.5: y1 account 1; y2 1 + 2 − 3.5 = −0.5: a shortfall of 0.5, unfunded
    p = fund_paths([1.0, 3.5], principal=100, rate=0.02)          # draw_on_principal defaults to False
    assert p.account == pytest.approx([1, -0.5])
    assert p.deficit == pytest.approx([0, 0.5])
    assert p.unfunded == pytest.approx([0, 0.5])
    assert p.drawn == pytest.approx([0, 0])
    assert list(p.shortfall) == [False, True]
    assert p.principal == pytest.approx([100, 100])


def test_unfunded_is_cumulative_and_later_returns_make_it_good():
    # P = 100 at 2 %, outlays 3, 3, 0.5, 1:
    # y1: 0 + 2 − 3 = −1 (unfunded 1); y2: −1 + 2 − 3 = −2 (unfunded 2, cumulative);
    # y3: −2 + 2 − 0.5 = −0.5 (unfunded 0.5, still a shortfall year: outlays so far 6.5 > returns 6);
    # y4: −0.5 + 2 − 1 = 0.5 (made good)
    p = fund_paths([3.0, 3.0, 0.5, 1.0], principal=100, rate=0.02)
    assert p.account == pytest.approx([-1, -2, -0.5, 0.5])
    assert p.unfunded == pytest.approx([1, 2, 0.5, 0])
    assert list(p.shortfall) == [True, True, True, False]
    # without drawing, the account is cumulative returns − cumulative outlays
    assert p.account == pytest.approx(np.cumsum(p.returns) - np.cumsum([3.0, 3.0, 0.5, 1.0]))


def test_draw_on_principal_pays_the_shortfall_and_the_principal_earns_less():
    # outlays 1, 3.5, 1 with drawing: y2's shortfall 0.5 comes from the principal (99.5),
    # the account is 0 after the draw; y3 returns 99.5 × 2 % = 1.99, account 0.99
    drawn = fund_paths([1.0, 3.5, 1.0], principal=100, rate=0.02, draw_on_principal=True)
    assert drawn.returns == pytest.approx([2, 2, 1.99])
    assert drawn.drawn == pytest.approx([0, 0.5, 0])
    assert drawn.unfunded == pytest.approx([0, 0, 0])
    assert drawn.account == pytest.approx([1, 0, 0.99])
    assert drawn.principal == pytest.approx([100, 99.5, 99.5])
    assert list(drawn.shortfall) == [False, True, False]
    # the same outlays without drawing: the principal keeps earning 2, the 0.5 stays unfunded
    # until y3's returns make it good (−0.5 + 2 − 1 = 0.5)
    kept = fund_paths([1.0, 3.5, 1.0], principal=100, rate=0.02, draw_on_principal=False)
    assert kept.returns == pytest.approx([2, 2, 2])
    assert kept.account == pytest.approx([1, -0.5, 0.5])
    assert kept.unfunded == pytest.approx([0, 0.5, 0])
    assert kept.principal == pytest.approx([100, 100, 100])


def test_principal_exhausted_leaves_the_rest_unfunded():
    # 10 at 10 %, drawing: y1 returns 1, outlays 6: draw 5 → principal 5, account 0;
    # y2 returns 0.5, outlays 20: deficit 19.5, only 5 can be drawn: 14.5 unfunded, principal 0
    p = fund_paths([6.0, 20.0], principal=10, rate=0.10, draw_on_principal=True)
    assert p.returns == pytest.approx([1, 0.5])
    assert p.drawn == pytest.approx([5, 5])
    assert p.unfunded == pytest.approx([0, 14.5])
    assert p.account == pytest.approx([0, -14.5])
    assert p.principal == pytest.approx([5, 0])


def test_top_up_arrives_at_year_end():
    # 100 at 2 %, top-up 50 a year: y1 returns 2 (top-up not yet earning), principal 150;
    # y2 returns 3; outlays 1 and 3.5: account 1, then 1 + 3 − 3.5 = 0.5 (no shortfall)
    p = fund_paths([1.0, 3.5], principal=100, rate=0.02, top_up=50)
    assert p.returns == pytest.approx([2, 3])
    assert p.principal == pytest.approx([150, 200])
    assert p.account == pytest.approx([1, 0.5])
    assert not p.shortfall.any()


def test_replications_vectorised_match_one_by_one_and_shortfall_probability():
    outlays = np.array([[1.0, 3.5, 1.0], [1.0, 2.5, 4.0], [0.0, 0.0, 0.0], [5.0, 0.0, 0.0]])
    principal, rate = np.array([100, 100, 100, 100]), np.array([0.02, 0.02, 0.02, 0.03])
    for draw in (False, True):
        both = fund_paths(outlays, principal, rate, draw_on_principal=draw)
        for r in range(len(outlays)):
            one = fund_paths(outlays[r], principal[r], rate[r], draw_on_principal=draw)
            for field in ("account", "principal", "returns", "unfunded", "drawn"):
                assert getattr(both, field)[r] == pytest.approx(getattr(one, field)), (draw, r, field)
    p = fund_paths(outlays, principal, rate)
    # by hand: rep 0 short in y2 only (−0.5, then 0.5); rep 1: 1, 0.5, −1.5 → short in y3;
    # rep 2 never; rep 3 (returns 3): −2, −(−2 + 3) → 1 → short in y1 only
    assert p.account[1] == pytest.approx([1, 0.5, -1.5])
    assert p.account[3] == pytest.approx([-2, 1, 4])
    assert shortfall_probability(p) == pytest.approx([0.25, 0.25, 0.25])


def test_principal_needed_covers_cumulative_outlays_with_carry_over():
    # outlays 1, 3.5, 0.5 at 2 %: cumulative 1, 4.5, 5 over 1, 2, 3 years → per year 1, 2.25,
    # 1.667; the largest, 2.25, needs 2.25 / 0.02 = 112.5 (the peak year alone would need 175)
    assert principal_needed([1.0, 3.5, 0.5], 0.02) == pytest.approx([112.5])
    p = fund_paths([1.0, 3.5, 0.5], 112.5, 0.02)
    assert p.account == pytest.approx([1.25, 0, 1.75])       # never negative: no shortfall
    assert not p.shortfall.any()
    short = fund_paths([1.0, 3.5, 0.5], 112.0, 0.02)         # a little less falls short in y2
    assert list(short.shortfall) == [False, True, False]


def test_principal_needed_counts_only_the_policy_period():
    # years 2025–2029, policy 2025–2027: outlays after it (9 in 2028) do not count;
    # period: 2, 2, 5 → cumulative 2, 4, 9 over 1, 2, 3 → 2, 2, 3 → 3 / 0.03 = 100
    outlays = [2.0, 2.0, 5.0, 9.0, 9.0]
    period = [True, True, True, False, False]
    assert principal_needed(outlays, 0.03, period) == pytest.approx([100])
    assert principal_needed(outlays, 0.03) == pytest.approx([(27 / 5) / 0.03])   # every year: 5.4 / 0.03
    # a period that starts later: cumulative from its first year (2026–2027: 2, 7 → 2, 3.5)
    assert principal_needed(outlays, 0.05, [False, True, True, False, False]) == pytest.approx([70])
    assert principal_needed(outlays, 0.05, [False] * 5) == pytest.approx([0])


def test_principal_needed_95th_percentile_over_replications():
    outlays = [[10, 20], [30, 5], [40, 40]]
    rates = [0.1, 0.05, 0.04]
    # cumulative per year: rep 0: 10, 15 → 15 / 0.1 = 150; rep 1: 30, 17.5 → 30 / 0.05 = 600;
    # rep 2: 40, 40 → 1,000
    assert principal_needed(outlays, rates) == pytest.approx([150, 600, 1000])
    # 95th percentile of (150, 600, 1000), linear: 600 + 0.9 × 400 = 960
    assert principal_needed_quantile(outlays, rates, q=0.95) == pytest.approx(960)
    assert principal_needed_quantile(outlays, rates, q=0.5) == pytest.approx(600)


def test_one_future_has_no_percentile():
    with pytest.raises(InputError, match="one future has no percentile"):
        principal_needed_quantile([[1.0, 2.0]], 0.02)
    with pytest.raises(InputError, match="one future has no percentile"):
        principal_needed_quantile([1.0, 2.0], 0.02)


@pytest.mark.parametrize("rate", [0.0, -0.01])
def test_rate_at_or_below_zero(rate):
    # no positive returns: any outlay is a shortfall from the first year, unfunded cumulatively
    p = fund_paths([1.0, 2.0], principal=100, rate=rate)
    assert p.returns == pytest.approx([100 * rate] * 2)
    assert p.account == pytest.approx([100 * rate - 1, 2 * 100 * rate - 3])
    assert p.unfunded == pytest.approx([1 - 100 * rate, 3 - 2 * 100 * rate])
    assert list(p.shortfall) == [True, True]
    assert p.principal == pytest.approx([100, 100])
    # no principal is large enough where anything is paid; none is needed where nothing is
    assert np.isinf(principal_needed([1.0, 2.0], rate)[0])
    assert principal_needed([0.0, 0.0], rate)[0] == 0
    # a quantile that reaches an infinite need is infinite; one below it is not
    outlays = [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]
    rates = [0.02, 0.01, rate]
    assert np.isinf(principal_needed_quantile(outlays, rates, q=0.95))
    assert principal_needed_quantile(outlays, rates, q=0.5) == pytest.approx(100)


def test_bad_shapes_are_refused():
    with pytest.raises(InputError, match="one value per replication"):
        fund_paths([[1.0, 2.0], [1.0, 2.0]], principal=[100, 100, 100], rate=0.02)
    with pytest.raises(InputError, match="one true/false per year"):
        principal_needed([1.0, 2.0], 0.02, [True])
