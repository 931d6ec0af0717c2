"""Named craftsmen (Huishan: 惠山工匠): the yearly selection (HS-A2a), the yearly assessment for
the annuity (HS-A2b) and the in-kind services (HS-A7). Craftsmen are drawn from the
`min_level`-and-above pool, higher levels likelier; they keep the title while they work in
the district. Those named before the policy (`initial`) are drawn when the run starts.
Craftsmen leave the district at their own yearly rate `leave_rate` (an assumption: senior,
rooted and paid an annuity while they stay), not at the general turnover; they still retire
at the retirement age. The rate is also what values the annuities still owed after the
horizon (`model.tail`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway, senior_first
from forecast.model.population import exit_months
from forecast.model.tail import annuity_value
from forecast.params.param import COUNT, PROBABILITY
from forecast.params.section import Section, param, setting


@dataclass(frozen=True, eq=False)
class CraftsmenSection(Section):
    selection_rule: str = setting("rule")
    annuity_rule: str | None = setting("rule", optional=True)
    in_kind_rule: str | None = setting("rule", optional=True)
    selection_month: int = setting("month")
    assessment_month: int = setting("month")
    min_level: int = setting("level")
    per_year: int = param(COUNT)
    initial: int = param(COUNT)
    pass_rate: float = param(PROBABILITY)
    leave_rate: float = param(PROBABILITY)


class Craftsmen(Pathway):
    NAME = "craftsmen"
    SECTION = CraftsmenSection
    STEP = ("selection of new craftsmen (HS-A2a); yearly assessment (HS-A2b, HS-A7)")

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.rng = sim.rng("craftsmen")
        self.selected_year: dict[int, int | None] = {}   # worker → year named (None: before the run)
        self._select(int(p.initial), year=None)

    def step(self, t: int) -> None:
        sim, p, w = self.sim, self.p, self.sim.workers
        month, year = sim.month_of_year(t), sim.year(t)
        if month == p.selection_month and sim.in_policy(t):
            new = self._select(int(p.per_year), year)
            sim.log.emit("craftsman_selected", sim.date(t), recipient_kind="craftsman", recipient=ids("W", new),
                         person=ids("W", new), level=w.level[new], contributor=sim.contributor(new))
        if month == p.assessment_month:
            crafts = np.flatnonzero(w.craftsman)
            earlier = np.array([self.selected_year[c] is None or self.selected_year[c] < year for c in crafts], bool)
            assessed = crafts[earlier]
            if p.annuity_rule is not None and len(assessed):
                sim.log.emit("craftsman_assessed", sim.date(t, last_day=True), recipient_kind="craftsman",
                             recipient=ids("W", assessed), person=ids("W", assessed),
                             passed=self.rng.random(len(assessed)) < p.pass_rate,
                             contributor=sim.contributor(assessed))
            if p.in_kind_rule is not None and len(crafts):
                sim.log.emit("craftsman_in_service", sim.date(t, last_day=True), recipient_kind="craftsman",
                             recipient=ids("W", crafts), person=ids("W", crafts))

    def _select(self, k: int, year: int | None) -> np.ndarray:
        w, min_level = self.sim.workers, self.p.min_level
        pool = np.flatnonzero(w.active & ~w.craftsman & (w.level >= min_level))
        chosen = senior_first(self.rng, pool, w.level[pool], min_level, k)
        if not len(chosen):
            return chosen
        w.craftsman[chosen] = True
        if self.sim.options.demography:
            flows = self.sim.values.flows
            w.exit_month[chosen] = exit_months(self.sim.month(), w.birth[chosen], self.p.leave_rate,
                                               flows.retirement_age, self.rng)
        self.selected_year.update({int(c): year for c in chosen})
        return chosen

    def owed_after(self) -> dict:
        """Expected annuities (the annuity rule) owed after the horizon to the craftsmen in the
        district at its end, if the rule outlives the policy (`model.tail.annuity_value`), at
        the amount of the version in force at the horizon's end (dated `changes`)."""
        sim, p, w = self.sim, self.p, self.sim.workers
        pol = sim.scenario.policy
        if p.annuity_rule is None:
            return {}
        rule = pol.rule(p.annuity_rule).on(sim.scenario.end)
        if not (rule.after_policy or pol.successor) or rule.kind != "fixed":
            return {}
        crafts = np.flatnonzero(w.active & w.craftsman)
        ages = (sim.T - w.birth[crafts].astype(float)) / 12.0
        uplift = np.where(sim.contributor(crafts) & rule.uplift, pol.uplift_rate, 0.0)
        return {rule.id: annuity_value(ages, uplift, rule.amount, p.pass_rate, p.leave_rate,
                                       sim.values.flows.retirement_age)}
