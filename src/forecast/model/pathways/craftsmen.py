"""惠山工匠: the yearly selection (HS-A2a), the yearly assessment for the annuity (HS-A2b) and
the in-kind services (HS-A7). Craftsmen are drawn from the `min_level`-and-above pool,
higher levels likelier; they keep the title while they work in the district.
"""
from __future__ import annotations

import numpy as np

from forecast.model.eventlog import ids


def craftsmen(env, sim):
    p = sim.values["pathways"]["craftsmen"]
    rng = sim.rng("craftsmen")
    w = sim.workers
    selected_year = {}
    _select(sim, int(p["initial"]), p["min_level"], rng, selected_year, year=None)
    for t in range(sim.T):
        month = sim.month_of_year(t)
        year = sim.year(t)
        if month == p["selection_month"] and sim.in_policy(t):
            new = _select(sim, int(p["per_year"]), p["min_level"], rng, selected_year, year)
            sim.log.emit("craftsman_selected", sim.date(t), recipient_kind="craftsman", recipient=ids("W", new),
                         person=ids("W", new), level=w.level[new], contributor=sim.contributor(new))
        if month == p["assessment_month"]:
            crafts = np.flatnonzero(w.craftsman)
            earlier = np.array([selected_year[c] is None or selected_year[c] < year for c in crafts], bool)
            assessed = crafts[earlier]
            if "annuity_rule" in p and len(assessed):
                sim.log.emit("craftsman_assessed", sim.date(t, last_day=True), recipient_kind="craftsman",
                             recipient=ids("W", assessed), person=ids("W", assessed),
                             passed=rng.random(len(assessed)) < p["pass_rate"], contributor=sim.contributor(assessed))
            if "in_kind_rule" in p and len(crafts):
                sim.log.emit("craftsman_in_service", sim.date(t, last_day=True), recipient_kind="craftsman",
                             recipient=ids("W", crafts), person=ids("W", crafts))
        yield env.timeout(1)


def _select(sim, k, min_level, rng, selected_year, year):
    w = sim.workers
    pool = np.flatnonzero(w.active & ~w.craftsman & (w.level >= min_level))
    k = min(k, len(pool))
    if not k:
        return pool[:0]
    weight = 2.0 ** (w.level[pool] - min_level)
    chosen = rng.choice(pool, k, replace=False, p=weight / weight.sum())
    w.craftsman[chosen] = True
    selected_year.update({int(c): year for c in chosen})
    return chosen
