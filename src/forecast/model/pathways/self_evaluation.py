"""Certification outside the policy's paid programmes: enterprise self-evaluation, social
evaluation bodies and employers' appointments to 特级/首席技师 (no fund outlay).

Once a worker's time in grade is served, each month brings a chance to certify to the next
level; uncertified workers certify straight to 初级工 (the apprentice level is optional).
Apprentices in an open pairing (青蓝工程) certify `mentoring.rate_factor` times as often.
"""
from __future__ import annotations

import numpy as np

from forecast.model.pathways.base import Pathway
from forecast.model.population import monthly
from forecast.policy import ladder


def next_level(levels: np.ndarray) -> np.ndarray:
    """One step up; 未取证 and 学徒工 both go to 初级工 (the only allowed skip)."""
    return np.where(levels < ladder.JUNIOR, ladder.JUNIOR, levels + 1).astype(np.int8)


class SelfEvaluation(Pathway):
    NAME = "self_evaluation"

    def __init__(self, sim, p):
        self.sim = sim
        self.rng = sim.rng("self_evaluation")
        self.rate_month = monthly(p.yearly_rate * p.rate_scale)
        self.entry = monthly(p.apprentice_entry)
        self.max_age = int(p.apprentice_max_age * 12)

    def step(self, t: int) -> None:
        sim, w, rng = self.sim, self.sim.workers, self.rng
        eligible = w.active & (w.eligible_from <= t)
        eligible &= w.level < ladder.TOP
        idx = np.flatnonzero(eligible)
        u = rng.random(len(idx))
        idx = idx[self._certifies(u, idx)]
        new = next_level(w.level[idx])
        appointed = new >= ladder.SPECIAL
        sim.promote(idx[~appointed], new[~appointed], t, "self_evaluation")
        sim.promote(idx[appointed], new[appointed], t, "appointment")
        if self.entry > 0:
            young = self._young(t)
            start = young[rng.random(len(young)) < self.entry]
            sim.promote(start, np.full(len(start), ladder.APPRENTICE, np.int8), t, "apprenticeship_entry")

    def _young(self, t: int) -> np.ndarray:
        """Uncertified workers in the district younger than the entry age, in id order."""
        w = self.sim.workers
        young = w.level == ladder.UNCERTIFIED
        young &= w.active
        young &= w.birth > t - self.max_age   # t - birth < max_age, without an array for t - birth
        return np.flatnonzero(young)

    def _certifies(self, u: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Positions in `idx` (eligible workers) whose uniform `u` is below their chance: their
        level's monthly rate, times the mentoring factor (at most 1) in an open pairing.

        Why this shape: no chance exceeds `bound`, so only the few uniforms below it (a few
        per cent) are compared with their worker's own chance; the rest fail whatever their
        level. Same comparisons, same float64 chances, as comparing every worker's, without
        gathering a chance for each of the hundreds of thousands of eligible workers."""
        rate, factor = self.rate_month, self.sim.mentoring.rate_factor
        top = rate.max()
        bound = max(top, min(1.0, top * factor))
        cand = np.flatnonzero(u < bound)
        hit = idx[cand]
        prob = rate.take(self.sim.workers.level.take(hit))
        mentored = np.flatnonzero(self.sim.workers.mentored[hit])
        if len(mentored):
            prob[mentored] = np.minimum(1.0, prob[mentored] * factor)
        return cand[u[cand] < prob]
