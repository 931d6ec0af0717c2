"""Activities of craftsmen paid per event: lecture-group sessions (HS-A5), guest lectures
(HS-A6), challenge projects (HS-A9). Their number responds to the reward; where the rule
pays a range, the amount set by review is drawn uniformly within the rule's range (the
articles give no distribution of review results).
"""
from __future__ import annotations

import numpy as np

from forecast.model.behaviour import volume
from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway


class Activities(Pathway):
    NAME = "activities"
    GROUP = "activities"

    def __init__(self, sim, specs: dict):
        self.sim, self.specs = sim, specs
        self.rng = {name: sim.rng("activity:" + name) for name in specs}
        self.rate = {name: volume(a.per_year, a, sim.scenario) / 12 for name, a in specs.items()}

    def step(self, t: int) -> None:
        sim = self.sim
        if not sim.in_policy(t):
            return
        crafts = np.flatnonzero(sim.workers.craftsman)
        for name, a in self.specs.items():
            rng = self.rng[name]
            k = rng.poisson(self.rate[name])
            if not k or not len(crafts):
                continue
            who = rng.choice(crafts, k)
            rule = sim.scenario.policy.rule(a.rule)
            cols = dict(recipient_kind=rule.recipient_kind, recipient=ids("W", who), person=ids("W", who),
                        count=np.maximum(1, np.round(a.units_per_event)).astype(int),
                        contributor=sim.contributor(who))
            if rule.kind == "range":
                cols["amount"] = np.round(rng.uniform(*rule.range, k), -1)
            sim.log.emit(rule.event, sim.date(t), **cols)
