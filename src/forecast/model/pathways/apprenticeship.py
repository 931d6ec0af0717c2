"""青蓝工程 master–apprentice pairing (HS-A8a at pairing, HS-A8b milestones).

Pairing requests arrive each month (their number responds to the masters' rewards) and queue
for masters' slots: a master at or above `master_min_level` takes up to `master_capacity`
apprentices, each for `duration_months`. Masters in state-owned employers and apprentices
in private ones are preferred, as the policy encourages. A paired apprentice certifies
faster and with a shorter time in grade; any certificate within five years of pairing is
reported to the rule that pays the milestones.
"""
from __future__ import annotations

import numpy as np

from forecast.model.engine import response
from forecast.model.eventlog import ids


def apprenticeship(env, sim):
    p = sim.values["pathways"]["apprenticeship"]
    ratio = sim.scenario.response_ratio(p.get("response_rules", [p["rule"]]))
    per_month = p["pairings_per_year"] * response(ratio, p.get("elasticity", 0.0), p.get("deadweight", 1.0)) / 12
    capacity = int(p["master_capacity"]) if sim.options.capacities else 10 ** 6
    rng = sim.rng("apprenticeship")
    w, state = sim.workers, sim.employers["state"]
    taught = np.zeros(9, bool)
    taught[p["apprentice_levels"]] = True
    waiting = 0
    sim.pairing_queue = []
    for t in range(sim.T):
        if sim.in_policy(t):
            waiting += rng.poisson(per_month)
        if waiting:
            free = w.active & (w.level >= p["master_min_level"])
            full = [m for m, load in sim.master_load.items() if load >= capacity]
            if full:
                free[np.array(full, dtype=np.int64)] = False
            masters = np.flatnonzero(free)  # sorted, as np.setdiff1d(all masters, full) was
            pupils = np.flatnonzero(w.active & (w.pair < 0) & _at_levels(w.level, taught))
            k = min(waiting, len(masters), len(pupils))
            if k:
                mw = np.where(state[w.employer[masters]], p["state_master_weight"], 1.0)
                aw = np.where(state[w.employer[pupils]], 1.0, p["private_apprentice_weight"])
                m = rng.choice(masters, k, replace=False, p=mw / mw.sum())
                a = rng.choice(pupils, k, replace=False, p=aw / aw.sum())
                _pair(env, sim, m, a, t, int(p["duration_months"]))
                waiting -= k
        sim.pairing_queue.append(waiting)
        yield env.timeout(1)


def _at_levels(level: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """level ∈ levels, by one comparison per level (faster than indexing a table by level)."""
    out = np.zeros(len(level), bool)
    for lv in np.flatnonzero(levels):
        out |= level == lv
    return out


def _pair(env, sim, masters, apprentices, t, duration):
    first = len(sim.pairs["master"])
    for m, a in zip(masters.tolist(), apprentices.tolist()):
        sim.pairs["master"].append(m)
        sim.pairs["apprentice"].append(a)
        sim.pairs["start"].append(t)
        sim.pairs["open"].append(True)
        sim.master_load[m] = sim.master_load.get(m, 0) + 1
    pair_ids = np.arange(first, first + len(masters))
    sim.workers.pair[apprentices] = pair_ids
    sim.workers.eligible_from[apprentices] = sim.eligible_from(apprentices)
    sim.log.emit("pairing", sim.date(t), recipient_kind="master", recipient=ids("W", masters),
                 person=ids("W", apprentices), level=sim.workers.level[apprentices],
                 contributor=sim.contributor(masters))
    env.process(_release(env, sim, pair_ids, duration))


def _release(env, sim, pair_ids, duration):
    """Masters' slots are held for the pairing's duration, then freed."""
    yield env.timeout(duration)
    for q in pair_ids:
        sim.close_pair(int(q))

