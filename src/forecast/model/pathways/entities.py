"""Counted bodies: master studios, bases, stations, rights centres, titles and fairs.

Each kind starts with `initial` bodies and gains new ones in one of three ways
(`EntitySection`): a Poisson number a month that responds to its reward
(`new_per_year`: bodies others decide to create), exactly `per_year_scheduled` a year spread
evenly over the months (the district's own schedule, e.g. fairs), or `planned` bodies built
`built_month` months after the policy's start (a planned build, e.g. HS-A10's centre). A body
with a reward rule earns it once: after `lag_months` it qualifies each month with the chance
implied by `success_per_year`; the review amount of a range rule is drawn uniformly within
the range of the rule's version in force in that month. Each reward event carries the kind's
name (`[entities.NAME]`) as its `programme`, so two kinds paid on one event kind (a national and
a provincial base, both `base_recognised`) are told apart by rules with `programme = "NAME"`;
a rule without a programme pays every kind's events as before. The Poisson rate of a month responds
to the amounts in force in that month (`behaviour.monthly_volume`). Every body gets an age and a contributor
flag drawn from its kind's stream whether or not the kind is rewarded, so a reform that
rewards a kind leaves the stream of its births, and so the common random numbers, unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.model.behaviour import monthly_volume
from forecast.model.pathways.base import Pathway, spread_over_year
from forecast.model.population import monthly
from forecast.params.param import COUNT, MONTHS, PROBABILITY, RATE, SHARE
from forecast.params.section import PARAM_FORMS, RESPONSE_KEYS, Responsive, param, setting
from forecast.params.table import Table


@dataclass(frozen=True, eq=False)
class EntitySection(Responsive):
    """[entities.NAME]: counted bodies (studios, bases, stations, fairs, titles). New bodies
    arrive in one of three ways, exactly one of which the section states: `new_per_year` (a
    Poisson number: bodies others decide to create), `per_year_scheduled` (exactly that many
    every year: the district's own schedule, e.g. fairs), or `planned` bodies built by
    `built_month` months after the policy's start (a planned build, e.g. HS-A10's centre).
    With a `rule` a body earns it once, `lag_months` after it is created, with chance
    `success_per_year`; a range rule's amount is drawn uniformly within the rule's range."""
    PAYING_RULE = "rule"
    rule: str | None = setting("rule", optional=True)
    initial: int = param(COUNT)
    initial_age_years: float | None = param(RATE, optional=True)
    new_per_year: float | None = param(RATE, optional=True)
    per_year_scheduled: int | None = param(COUNT, optional=True)
    planned: int | None = param(COUNT, optional=True)
    built_month: int | None = param(MONTHS, optional=True)
    until_policy_end: bool = setting("flag", default=False)
    lag_months: int | None = param(MONTHS, optional=True)
    success_per_year: float | None = param(PROBABILITY, optional=True)
    contributor_share: float | None = param(SHARE, optional=True)

    #: keys that only mean something for a body with a reward rule
    REWARD_ONLY = ("initial_age_years", "lag_months", "success_per_year", "contributor_share") + RESPONSE_KEYS
    #: the ways new bodies arrive; a section states exactly one
    ARRIVALS = ("new_per_year", "per_year_scheduled", "planned")

    @classmethod
    def check(cls, t: Table, spec: dict, rules: dict) -> None:
        """Exactly one way new bodies arrive, a planned build with its month; then the reward's keys
        (`responds`) and the response, as every rewarded section's."""
        given = [k for k in cls.ARRIVALS if k in spec]
        if len(given) != 1:
            raise t.error(given[1] if given else "new_per_year", "state exactly one way new bodies arrive"
                          + (f" (given: {', '.join(given)})" if given else ""), " | ".join(cls.ARRIVALS))
        if ("planned" in spec) != ("built_month" in spec):
            raise t.error("built_month", "a planned build needs both its count and its month", "planned and built_month")
        super().check(t, spec, rules)

    @classmethod
    def responds(cls, t: Table, spec: dict, paying: str) -> bool:
        """A paid body needs its lag, chance and contributor share (and an age for bodies present at
        the start); a scheduled or planned body is the district's decision, so its count does not
        respond to the reward."""
        for key in ("lag_months", "success_per_year", "contributor_share"):
            if key not in spec:
                raise t.error(key, f"missing: a body paid by rules.{paying} needs it", PARAM_FORMS)
        if spec["initial"].high > 0 and "initial_age_years" not in spec:
            raise t.error("initial_age_years", "missing: bodies present at the start need an age for "
                                               f"rules.{paying}", PARAM_FORMS)
        if "new_per_year" not in spec:
            stray = [k for k in RESPONSE_KEYS if k in spec]
            if stray:
                raise t.error(stray[0], "a scheduled or planned body is the district's decision: its count does not "
                              "respond to the reward", "leave the key out, or use new_per_year")
            return False
        return True


COLUMNS = ["kind", "id", "created", "initial"]


class _Kind:
    """The bodies of one kind: month created, paid yet, contributor."""

    def __init__(self, sim, name: str, e):
        self.name, self.e = name, e
        self.rng = rng = sim.rng("entity:" + name)
        k0 = int(e.initial)
        age = rng.uniform(0, 2 * (e.initial_age_years or 0.0), k0) * 12
        self.born = list(-np.round(age).astype(int))
        self.paid = [False] * k0
        self.share = e.contributor_share or 0.0
        self.contributor = list(rng.random(k0) < self.share)
        self.rate = np.zeros(sim.T)   # per month
        if e.new_per_year is not None:
            months = sim.date(np.arange(sim.T))
            self.rate = (monthly_volume(e.new_per_year, e, sim.scenario, months) if e.rewarded()
                         else np.full(sim.T, e.new_per_year)) / 12
        self.counts = sim.arrivals("entity:" + name).counts(self.rate)
        self.success = monthly(e.success_per_year) if e.rewarded() else 0.0
        self.built_t = None if e.planned is None else sim.policy_start_t + int(e.built_month)

    def arrivals(self, sim, t: int) -> int:
        """New bodies in month t."""
        e = self.e
        if e.new_per_year is not None:
            return int(self.counts[t])
        if e.per_year_scheduled is not None:
            return spread_over_year(e.per_year_scheduled, sim.month_of_year(t) - 1)
        return int(e.planned) if t == self.built_t else 0

    def ident(self, i: int) -> str:
        return f"{self.name}-{i + 1:03d}"


class Entities(Pathway):
    NAME = "entities"
    SECTION = EntitySection
    STEP = ("studios, bases, stations, rights centres, titles, fairs created and rewarded")
    GROUP = "entities"

    def __init__(self, sim, specs: dict):
        self.sim = sim
        self.kinds = [_Kind(sim, name, e) for name, e in specs.items()]
        self.rows = [(k.name, k.ident(i), int(b), True) for k in self.kinds for i, b in enumerate(k.born)]

    def step(self, t: int) -> None:
        sim = self.sim
        for k in self.kinds:
            if not k.e.until_policy_end or sim.in_policy(t):
                for _ in range(k.arrivals(sim, t)):
                    k.born.append(t)
                    k.paid.append(False)
                    k.contributor.append(k.rng.random() < k.share)
                    self.rows.append((k.name, k.ident(len(k.born) - 1), t, False))
            if k.e.rewarded():
                self._reward(t, k)

    def _reward(self, t: int, k: _Kind) -> None:
        e, rng, sim = k.e, k.rng, self.sim
        born = np.array(k.born)
        due = np.flatnonzero(~np.array(k.paid, bool) & (t - born >= e.lag_months))
        due = due[rng.random(len(due)) < k.success]
        if not len(due):
            return
        rule = sim.scenario.policy.rule(e.rule).on(sim.date(t))
        cols = dict(recipient_kind=rule.recipient_kind, recipient=np.array([k.ident(i) for i in due], object),
                    years=(t - born[due]) / 12.0, contributor=np.array(k.contributor, bool)[due],
                    programme=k.name)
        if rule.kind == "range":
            cols["amount"] = np.round(rng.uniform(*rule.range, len(due)), -3)
        for i in due:
            k.paid[i] = True
        sim.log.emit(rule.event, sim.date(t), **cols)

    def count(self, name: str) -> int:
        """Bodies of kind `name` now (initial and created; none closes), e.g. for certification capacity."""
        return next(len(k.born) for k in self.kinds if k.name == name)

    def tables(self) -> dict:
        """The register of bodies, for the results: {"entities": kind, id, month created, initial}."""
        return {"entities": self.table()}

    def table(self) -> pd.DataFrame:
        """Every body: kind, id, month created (index from the start; ≤ 0 before it), initial."""
        return pd.DataFrame(self.rows, columns=COLUMNS)
