"""Competition prizes as rare events (`new: prizes` of docs/policies.md): tiers of a
competition level (city, province, national, world — the scenario's own labels) and a place
(gold … excellence, squad member; policy.places), each with an expected number a year.

Each tier's number in its month is Poisson with mean `per_year`, drawn by inversion from the
tier's own arrivals stream (`arrivals:prizes:NAME`, model/arrivals.py), and its winners are
drawn without replacement from the active workers at the tier's minimum level or above, from
the tier's own process stream: adding a tier, or the section itself, moves no other draw.
A winner's `prize_won` event carries the place in `prize` and the competition level in
`programme` (a rule selects a level with `programme = "world"`); a tier with a `coach_rule`
also emits one `coach_award` per prize — one amount per coach or expert team, not per member —
whose amount (a share or a fixed sum) is the rule's. With `promote` a winner below the top
level rises one level (破格晋升), certified through programme "prizes", after the prize is
recorded at the level it was won at. Prizes are paid by the fund only inside the policy period.
"""
from __future__ import annotations

import numpy as np

from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.policy import ladder

#: the programme of a certificate a prize promotes to (破格晋升)
PROMOTION_PROGRAMME = "prizes"


class Prizes(Pathway):
    NAME = "prizes"

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        policy_months = np.array([sim.in_policy(t) for t in range(sim.T)])
        month_of_year = np.array([sim.month_of_year(t) for t in range(sim.T)])
        self.rng, self.counts = {}, {}
        for name, tier in p.tiers.items():
            month = tier.get("month", p.month)
            rates = np.where(policy_months & (month_of_year == month), float(tier["per_year"]), 0.0)
            self.rng[name] = sim.rng("prizes:" + name)
            self.counts[name] = sim.arrivals("prizes:" + name).counts(rates)

    def step(self, t: int) -> None:
        sim, w = self.sim, self.sim.workers
        winners_of_month = []
        for name, tier in self.p.tiers.items():
            k = int(self.counts[name][t])
            if not k:
                continue
            pool = np.flatnonzero(w.active & (w.level >= tier.get("min_level", self.p.min_level)))
            winners = self.rng[name].choice(pool, min(k, len(pool)), replace=False)
            if len(winners):
                self._emit(t, tier, winners)
                winners_of_month.append(winners)
        if self.p.promote and winners_of_month:
            who = np.unique(np.concatenate(winners_of_month))   # one level, however many prizes
            who = who[w.active[who] & (w.level[who] < ladder.TOP)]
            sim.promote(who, (w.level[who] + 1).astype(np.int8), t, PROMOTION_PROGRAMME)

    def _emit(self, t: int, tier: dict, winners: np.ndarray) -> None:
        """A `prize_won` per winner and, with a coach rule, a `coach_award` per prize."""
        sim = self.sim
        policy = sim.scenario.policy
        person = ids("W", winners)
        common = dict(person=person, level=sim.workers.level[winners], prize=tier["place"],
                      programme=tier["competition"], contributor=sim.contributor(winners))
        sim.log.emit("prize_won", sim.date(t), recipient_kind=policy.rule(tier["rule"]).recipient_kind,
                     recipient=person, **common)
        if tier.get("coach_rule"):
            # the coach or expert team of the winner's entry, taken to be of the winner's employer
            sim.log.emit("coach_award", sim.date(t), recipient_kind=policy.rule(tier["coach_rule"]).recipient_kind,
                         recipient=np.char.add("coach of ", person.astype(str)).astype(object), **common)
