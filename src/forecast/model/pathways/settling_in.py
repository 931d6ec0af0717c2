"""A one-off settling-in (安家) subsidy for recruits who move into the district.

Reading: every hire the demography step adds is a recruit from outside the district (the
model has no moves within it). Of each month's hires at a level the rule's table pays (a
`table` rule by level, e.g. 技师 and above), a share `apply_share` is eligible and applies; each
of them is paid once, a `settled_in` event in the month of hiring (recipient and person the
recruit, at the level hired at). It runs right after demography, so no other step has
promoted the month's hires yet, and it draws only from its own stream (`settling_in`): the
demography's draws, and hence the district's workers, are those of a run without it.
"""
from __future__ import annotations

from dataclasses import dataclass

from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.model.population import at_levels
from forecast.params.param import SHARE
from forecast.params.section import Section, param, setting


@dataclass(frozen=True, eq=False)
class SettlingInSection(Section):
    """[pathways.settling_in]: a one-off settling-in (安家) subsidy to recruits moving into the
    district: of each month's hires at the levels of `rule` (a table rule by level), a share
    `apply_share` (eligible and applying) is paid once, at the table's amount for their level."""
    RULE_KINDS = {"rule": (("table",), "settled_in")}
    rule: str = setting("rule")
    apply_share: float = param(SHARE)


class SettlingIn(Pathway):
    NAME = "settling_in"
    SECTION = SettlingInSection
    STEP = ("recruits among the month's hires at the levels a settling-in rule pays apply and are "
                        "paid once (right after demography, which hires them: no step has promoted them yet)")

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.rng = sim.rng("settling_in")

    def step(self, t: int) -> None:
        sim = self.sim
        demography = sim.steps["demography"]
        if demography.hired_month != t or not sim.in_policy(t):
            return
        hired = demography.hired
        rule = sim.scenario.policy.rule(self.p.rule).on(sim.date(t))
        u = self.rng.random(len(hired))   # one uniform per hire, whatever its level
        levels = sim.workers.level[hired]
        paid = hired[at_levels(levels, [k for k, v in rule.table.items() if v > 0]) & (u < self.p.apply_share)] if len(hired) else hired
        if not len(paid):
            return
        sim.log.emit("settled_in", sim.date(t), recipient_kind=rule.recipient_kind, recipient=ids("W", paid),
                     person=ids("W", paid), level=sim.workers.level[paid], contributor=sim.contributor(paid))
