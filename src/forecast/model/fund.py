"""The 惠山工匠基金: yearly returns against outlays, and the principal's path.

POLICY.md (三、配套保障): the rewards are paid from the fund's **returns** (收益), not from its
principal. The principal (≈ 100 M yuan, FACTS.md), its yearly return rate and any top-ups are
assumptions of the scenario (`[fund]`). Per replication r and year y (y = 1 … n, the
scenario's years; balance_0 = principal, the fund as it stands at the start of the first year):

    returns_y   = balance_{y-1} × rate
    surplus_y   = returns_y − outlays_y                  (negative: a shortfall)
    shortfall_y = max(0, outlays_y − returns_y)
    balance_y   = balance_{y-1} + top_up − shortfall_y   when draw_on_principal
                = balance_{y-1} + top_up                 otherwise (the shortfall stays unfunded)

Readings, each a choice made here:

- a surplus (returns not spent) is **not** added to the principal: the policy spends returns,
  and what the fund does with the rest is not in the text, so it is left out of the balance;
- the top-up of year y arrives at the end of the year and earns returns from year y + 1;
- the balance cannot fall below 0: whatever the principal cannot cover is `unfunded`;
- the rate is one number per replication (the scenario draws it once per future).

The principal a replication needs for returns alone to cover every year's outlays is
max_y outlays_y / rate (with that principal nothing is ever drawn, so the balance stays put;
top-ups are ignored, which errs on the safe side). The figure reported is its 95th percentile
over replications: the principal with which returns cover outlays in 95 % of futures.

All functions are pure and vectorised: `outlays` is (years,) for one future or
(replications, years); principal, rate and top-up are scalars or one value per replication.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FundPaths:
    """Year-by-year fund arithmetic, arrays of shape (replications, years) (or (years,))."""

    outlays: np.ndarray
    returns: np.ndarray
    surplus: np.ndarray      # returns − outlays
    shortfall: np.ndarray    # max(0, outlays − returns)
    drawn: np.ndarray        # part of the shortfall paid from the principal
    unfunded: np.ndarray     # part of the shortfall nobody pays (principal exhausted or not drawn)
    balance: np.ndarray      # principal at the end of each year


def _per_rep(x, n_reps: int | None) -> np.ndarray:
    """A scalar or one value per replication, as a column that broadcasts over years."""
    a = np.asarray(x, dtype=float)
    if n_reps is None:
        return a
    return np.broadcast_to(a, (n_reps,)).reshape(n_reps, 1)


def fund_paths(outlays, principal, rate, top_up=0.0, draw_on_principal: bool = True) -> FundPaths:
    """Returns, surplus or shortfall and the principal's path, year by year (formulas above)."""
    out = np.asarray(outlays, dtype=float)
    one = out.ndim == 1
    out2 = out.reshape(1, -1) if one else out
    reps, years = out2.shape
    bal = _per_rep(principal, reps)[:, 0].copy()
    r = _per_rep(rate, reps)[:, 0]
    top = _per_rep(top_up, reps)[:, 0]
    returns = np.empty_like(out2)
    shortfall = np.empty_like(out2)
    drawn = np.zeros_like(out2)
    unfunded = np.empty_like(out2)
    balance = np.empty_like(out2)
    for y in range(years):
        returns[:, y] = bal * r
        shortfall[:, y] = np.maximum(0.0, out2[:, y] - returns[:, y])
        if draw_on_principal:
            drawn[:, y] = np.minimum(shortfall[:, y], bal)
        unfunded[:, y] = shortfall[:, y] - drawn[:, y]
        bal = bal - drawn[:, y] + top
        balance[:, y] = bal
    paths = FundPaths(out2, returns, returns - out2, shortfall, drawn, unfunded, balance)
    if one:
        return FundPaths(*(a[0] for a in (paths.outlays, paths.returns, paths.surplus, paths.shortfall,
                                          paths.drawn, paths.unfunded, paths.balance)))
    return paths


def exceed_probability(outlays, returns) -> np.ndarray:
    """Per year, the share of replications in which outlays exceed returns (0/1 for one future)."""
    out = np.atleast_2d(np.asarray(outlays, dtype=float))
    ret = np.atleast_2d(np.asarray(returns, dtype=float))
    return (out > ret).mean(axis=0)


def principal_needed(outlays, rate) -> np.ndarray:
    """Per replication, the principal whose returns alone cover every year: max_y outlays_y / rate.

    A rate ≤ 0 needs an infinite principal (returns never cover a positive outlay)."""
    out = np.atleast_2d(np.asarray(outlays, dtype=float))
    r = np.broadcast_to(np.asarray(rate, dtype=float), (out.shape[0],))
    peak = out.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(r > 0, peak / np.where(r > 0, r, 1.0), np.where(peak > 0, np.inf, 0.0))
    return need


def principal_needed_quantile(outlays, rate, q: float = 0.95) -> float:
    """The principal with which returns cover outlays in a share q of futures (default 95 %):
    the q-quantile over replications of `principal_needed` (linear interpolation)."""
    need = principal_needed(outlays, rate)
    return float(np.quantile(need, q))
