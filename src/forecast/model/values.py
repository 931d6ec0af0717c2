"""A scenario with every parameter a number — what one simulated future runs on — and the
sections every scenario has (`FIXED`: [population], [flows], [ladder]; [fund] besides)."""
from __future__ import annotations

from dataclasses import dataclass, field

from forecast.model.fund import Fund
from forecast.model.pathways.demography import Flows
from forecast.model.population import Ladder, Population

#: the sections every scenario has, in the order a scenario lists them
FIXED = {"population": Population, "flows": Flows, "ladder": Ladder}


@dataclass(frozen=True, eq=False)
class Values:
    """A scenario with every parameter a number: what one simulated future runs on."""

    population: Population
    flows: Flows
    ladder: Ladder
    pathways: dict          # name → its pathway's section (SelfEvaluationSection, NightSchoolSection, …)
    activities: dict        # name → ActivitySection
    entities: dict          # name → EntitySection
    fund: Fund
    pay_lag: dict           # cash rule id → months from event to payment
    drawn: dict             # "section.key" → value of every scalar parameter (parameters.csv)
    #: rule id → this future's factor on the rule's assumed amounts (`[amount_scale]`; absent: 1)
    amount_scale: dict = field(default_factory=dict)
