"""Activities of craftsmen paid per event: lecture-group sessions (HS-A5), guest lectures
(HS-A6), challenge projects (HS-A9). Their number responds to the reward; where the rule
pays a range, the amount set by review is drawn uniformly within the range of the version of
the rule in force in the event's month (the articles give no distribution of review results).
The number of a month responds to the amounts in force in that month (`monthly_volume`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.model.behaviour import monthly_volume
from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.params.param import RATE
from forecast.params.section import Responsive, param, setting


@dataclass(frozen=True, eq=False)
class ActivitySection(Responsive):
    """[activities.NAME]: events a year done by craftsmen (lectures, projects), each paid by `rule`.
    A range rule's amount is drawn uniformly within the rule's own range (the article gives no
    distribution of review results)."""
    PAYING_RULE = "rule"
    rule: str = setting("rule")
    recipients: str = setting("text")
    per_year: float = param(RATE)
    units_per_event: float = param(RATE, default=(1.0, "one unit (session, lecture, project) per event"))


class Activities(Pathway):
    NAME = "activities"
    SECTION = ActivitySection
    STEP = ("lectures, guest lectures, challenge projects (HS-A5, HS-A6, HS-A9)")
    GROUP = "activities"

    def __init__(self, sim, specs: dict):
        self.sim, self.specs = sim, specs
        self.rng = {name: sim.rng("activity:" + name) for name in specs}
        months = sim.date(np.arange(sim.T))
        self.rate = {name: monthly_volume(a.per_year, a, sim.scenario, months) / 12 for name, a in specs.items()}
        self.arrivals = {name: sim.arrivals("activity:" + name).counts(self.rate[name]) for name in specs}

    def step(self, t: int) -> None:
        sim = self.sim
        if not sim.in_policy(t):
            return
        crafts = np.flatnonzero(sim.workers.craftsman)
        for name, a in self.specs.items():
            rng = self.rng[name]
            k = int(self.arrivals[name][t])
            if not k or not len(crafts):
                continue
            who = rng.choice(crafts, k)
            rule = sim.scenario.policy.rule(a.rule).on(sim.date(t))
            cols = dict(recipient_kind=rule.recipient_kind, recipient=ids("W", who), person=ids("W", who),
                        count=np.maximum(1, np.round(a.units_per_event)).astype(int),
                        contributor=sim.contributor(who))
            if rule.kind == "range":
                cols["amount"] = np.round(rng.uniform(*rule.range, k), -1)
            sim.log.emit(rule.event, sim.date(t), **cols)
