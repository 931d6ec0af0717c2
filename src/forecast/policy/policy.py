"""A policy: its reward rules with validity and contributor uplift, and its targets.

Both are facts of the policy text (seed and article, rule ids of POLICY.md); which simulated
metric a target reads is a reading the scenario states.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from forecast.policy.rules import Rule

#: what a target can read from a simulated future (computed in forecast.futures.targets)
METRICS = ("new_certified_persons", "new_high_certified_persons", "skilled_share_end",
           "craftsmen_selected", "entities_created", "min_yearly_created",
           "high_skilled_per_10k_end", "high_share_of_skilled_end", "skilled_stock_end",
           "high_skilled_stock_end", "graduates_staying_share", "min_yearly_certified_persons",
           "min_yearly_high_certified_persons", "entities_at_end")
#: metrics that count a kind of entity (the target names it)
ENTITY_METRICS = ("entities_created", "min_yearly_created", "entities_at_end")
#: metrics whose goal is a share (0–1) rather than a count
SHARE_METRICS = ("skilled_share_end", "high_share_of_skilled_end", "graduates_staying_share")
#: metrics whose goal is a rate (a number ≥ 0, not necessarily whole) rather than a count
RATE_METRICS = ("high_skilled_per_10k_end",)


@dataclass(frozen=True)
class Policy:
    """The reward rules of one policy with its validity and contributor uplift."""

    name: str
    rules: tuple[Rule, ...]
    valid_from: dt.date
    valid_to: dt.date
    uplift_rate: float
    uplift_reading: str = ""
    #: a successor policy with the same rules is assumed after valid_to (the scenario's reading):
    #: its programmes keep running and its rules keep paying to the horizon's end
    successor: bool = False
    successor_reading: str = ""

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def rule_ids(self, in_kind: bool = False) -> list[str]:
        """Ids of the cash rules (fund outlays), or with `in_kind` of the in-kind ones."""
        return [r.id for r in self.rules if r.in_kind == in_kind]

    def in_period(self, years) -> np.ndarray:
        """Which of `years` lie in the policy's validity (the budget years it pays in)."""
        y = np.asarray(list(years))
        return (y >= self.valid_from.year) & (y <= self.valid_to.year)

    def after(self, years) -> np.ndarray:
        """Which of `years` come after the policy's end: what it committed for later."""
        return np.asarray(list(years)) > self.valid_to.year


@dataclass(frozen=True)
class Target:
    """A policy target (HS-T1 …): which simulated metric it reads and the goal it must reach."""

    id: str
    text: str
    source: str
    metric: str
    goal: float
    entity: str = ""
    #: parameter paths whose assumed values set the target's value (e.g. HS-T8: the craftsmen
    #: selected a year): such a target is "set by assumption", its probability restates an input
    set_by: tuple = ()

    @property
    def share(self) -> bool:
        return self.metric in SHARE_METRICS

    def met(self, value):
        """Whether a value (or an array of values, one per future) reaches the goal."""
        return np.asarray(value) >= self.goal if np.ndim(value) else bool(value >= self.goal)
