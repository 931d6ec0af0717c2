"""Monthly arrival counts by inversion (`model/arrivals.py`): Poisson with the month's rate,
and coupled across rates — the same uniforms give at least as many arrivals at a higher rate."""
from __future__ import annotations

import numpy as np
from scipy import stats

from forecast.model.arrivals import Arrivals


def test_counts_are_poisson_with_the_rate():
    a = Arrivals(np.random.default_rng(7), 20_000)
    k = np.array([a.count(t, 3.5) for t in range(20_000)])
    assert abs(k.mean() - 3.5) < 4 * np.sqrt(3.5 / 20_000)
    observed = np.bincount(k, minlength=13)[:12]
    expected = stats.poisson.pmf(np.arange(12), 3.5) * len(k)
    expected[-1] += stats.poisson.sf(11, 3.5) * len(k)
    observed[-1] += (k > 11).sum()
    assert stats.chisquare(observed, expected * observed.sum() / expected.sum()).pvalue > 0.001


def test_a_higher_rate_never_gives_fewer_arrivals_in_any_month():
    a = Arrivals(np.random.default_rng(3), 500)
    low = np.array([a.count(t, 2.0) for t in range(500)])
    high = np.array([a.count(t, 2.8) for t in range(500)])
    assert (high >= low).all() and high.sum() > low.sum()


def test_hand_computed_quantiles_and_zero_rate():
    a = Arrivals(np.random.default_rng(0), 3)
    a.u[:] = [0.0, 0.5, 0.99]
    # Poisson(1): P(0) = 0.368, P(≤1) = 0.736, P(≤3) = 0.981, P(≤4) = 0.996
    assert [a.count(t, 1.0) for t in range(3)] == [0, 1, 4]
    assert a.count(1, 0.0) == 0
