"""The fund block of summary.json for a fund of kind "appropriation" (`model.fund`).

A yearly budget appropriation has no principal and no returns, so the budget figures a
reader needs from summary.json are the appropriation's own: the yearly amount drawn, what the
policy period appropriates, the carried balance and cumulative unfunded amount, P(shortfall)
by year and the yearly appropriation needed (95th percentile, Monte Carlo runs only). An
endowment's summary has no fund block (its runs' files stay as they always were; the budget
view `forecast report` computes its fund figures from parameters.csv).
"""
from __future__ import annotations

import numpy as np

from forecast.model import fund as fundlib
from forecast.scenario.scenario import Scenario


def fund_block(scenario: Scenario, params: list[dict], tot: np.ndarray) -> dict:
    """{"fund": …} for an appropriation, {} for an endowment. `params` are the replications'
    drawn parameters and `tot` their yearly total outlays (N × years), in the same order."""
    if scenario.resolve(None).fund.kind != fundlib.APPROPRIATION:
        return {}
    years = scenario.years
    inside = scenario.policy.in_period(years)
    a = np.array([p["fund.appropriation_per_year"] for p in params], dtype=float)
    paths = fundlib.appropriation_paths(tot, a)
    last_in = int(np.flatnonzero(inside)[-1]) if inside.any() else len(years) - 1
    many = len(params) > 1

    def fig(x) -> dict:
        x = np.asarray(x, dtype=float)
        if not many:
            return {"mean": round(float(x[0]), 2)}
        p5, p50, p95 = np.percentile(x, [5, 50, 95])
        return {"mean": round(float(x.mean()), 2), "p5": round(float(p5), 2), "p50": round(float(p50), 2),
                "p95": round(float(p95), 2)}

    out = {"kind": fundlib.APPROPRIATION,
           "reading": "a yearly budget appropriation in every year of the scenario (also after the policy, while "
                      "committed payments are owed); unspent appropriation carries over; outlays beyond the "
                      "appropriations so far are unfunded (cumulative)",
           "appropriation_per_year_yuan": fig(a),
           "appropriated_in_policy_period_yuan": fig(paths.appropriation[:, inside].sum(axis=1)),
           "carried_balance_end_yuan": fig(paths.account[:, -1]),
           "unfunded_end_of_policy_yuan": fig(paths.unfunded[:, last_in]),
           "unfunded_end_yuan": fig(paths.unfunded[:, -1])}
    if many:
        p = fundlib.shortfall_probability(paths)
        out["p_shortfall_any"] = round(float(paths.shortfall.any(axis=1).mean()), 6)
        out["p_shortfall_by_year"] = {str(y): round(float(v), 6) for y, v in zip(years, p)}
        out["appropriation_needed_p95_yuan"] = round(fundlib.appropriation_needed_quantile(tot, inside, 0.95), 2)
    else:
        out["shortfall_years"] = [int(y) for y, s in zip(years, paths.shortfall[0]) if s]
    return {"fund": out}
