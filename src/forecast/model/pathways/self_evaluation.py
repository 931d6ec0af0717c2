"""Certification outside the policy's paid programmes: enterprise self-evaluation, social
evaluation bodies and employers' appointments to 特级/首席技师 (no fund outlay).

Once a worker's time in grade is served, each month brings a chance to certify to the next
level; uncertified workers certify straight to 初级工 (the apprentice level is optional).
Paired apprentices (青蓝工程) certify `mentoring_factor` times as often.
"""
from __future__ import annotations

import numpy as np

from forecast.policy import ladder
from forecast.model.population import monthly


def next_level(levels: np.ndarray) -> np.ndarray:
    """One step up; 未取证 and 学徒工 both go to 初级工 (the only allowed skip)."""
    return np.where(levels < ladder.JUNIOR, ladder.JUNIOR, levels + 1).astype(np.int8)


def self_evaluation(env, sim):
    p = sim.values["pathways"]["self_evaluation"]
    appr = sim.values["pathways"].get("apprenticeship")
    mentoring = appr["mentoring_factor"] if appr else 1.0
    entry = monthly(p["apprentice_entry"])
    max_age = int(p["apprentice_max_age"] * 12)
    w, rng = sim.workers, sim.rng("self_evaluation")
    for t in range(sim.T):
        eligible = w.active & (w.eligible_from <= t) & (w.level < ladder.TOP)
        idx = np.flatnonzero(eligible)
        prob = sim.rate_month.take(w.level.take(idx))
        # positions within idx of the (few) paired workers: same as flatnonzero(w.pair[idx] >= 0)
        paired = np.searchsorted(idx, np.flatnonzero(eligible & (w.pair >= 0)))
        if len(paired):
            open_ = np.array([sim.pairs["open"][q] for q in w.pair[idx[paired]]], bool)
            prob[paired[open_]] = np.minimum(1.0, prob[paired[open_]] * mentoring)
        idx = idx[rng.random(len(idx)) < prob]
        new = next_level(w.level[idx])
        appointed = new >= ladder.SPECIAL
        sim.promote(idx[~appointed], new[~appointed], t, "self_evaluation")
        sim.promote(idx[appointed], new[appointed], t, "appointment")
        if entry > 0:
            # t - birth < max_age, without an array for t - birth
            young = np.flatnonzero(w.active & (w.level == ladder.UNCERTIFIED) & (w.birth > t - max_age))
            start = young[rng.random(len(young)) < entry]
            sim.promote(start, np.full(len(start), ladder.APPRENTICE, np.int8), t, "apprenticeship_entry")
        yield env.timeout(1)
