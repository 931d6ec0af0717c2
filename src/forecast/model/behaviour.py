"""How uptake responds to a reward: the one behavioural rule every rewarded pathway uses.

Relative to the root base policy (the one under which a pathway's volume was set), a share
`deadweight` of the volume happens whatever the reward; the rest scales with the ratio of the
expected reward per participant to the base's (`scenario.response`) raised to the `elasticity`. A pathway's section names the rules it
responds to and states both numbers (`forecast.params.section.Responsive`); without them the scenario
is an error, never a silent "no response".

When a response rule's amounts change on a date (`Rule.changes`, docs/dated_parameters.md),
the volume follows the date: `monthly_volume` gives each month of the run the volume under
the versions in force on the month's first day (the day the month's events are dated), so a
reform from 2026 leaves 2025's volume at the base's. Without changes every month has the one
volume `volume` gives, computed the same way (same numbers to the last bit).
"""
from __future__ import annotations

import numpy as np


def response(ratio: float, elasticity: float, deadweight: float) -> float:
    """Volume relative to the base policy's: 1 under the base policy, `deadweight` with no
    reward, and 1 + (1 − deadweight)(2^ε − 1) when the reward doubles."""
    return deadweight + (1.0 - deadweight) * ratio ** elasticity


def volume(base: float, section, scenario, date=None) -> float:
    """A rewarded section's volume under the scenario's rules: `base` (its volume under the
    root base policy) times the response to the ratio of the expected reward per participant
    to the base's (`Scenario.response_ratio`), with `date` under the versions in force then."""
    return base * response(scenario.response_ratio(section, date), section.elasticity, section.deadweight)


def monthly_volume(base: float, section, scenario, dates) -> np.ndarray:
    """The volume of each month whose first day is in `dates` (datetime64[D], e.g. every month
    of a run): computed once per distinct combination of versions in force, and without
    dated changes exactly `volume(base, section, scenario)` in every month."""
    dates = np.asarray(dates).astype("datetime64[D]")
    rules = [scenario.policy.rule(r) for r in section.response_rule_ids()]
    if not any(r.changes for r in rules):
        return np.full(len(dates), volume(base, section, scenario))
    which = np.stack([r.version_index(dates) for r in rules], axis=1)
    _, first, inverse = np.unique(which, axis=0, return_index=True, return_inverse=True)
    values = np.array([volume(base, section, scenario, dates[i]) for i in first])
    return values[inverse.reshape(-1)]


def without_reward(base: float, section) -> float:
    """The volume when no reward is paid any more (after the policy, with no successor): the
    deadweight share of the base, the part that happens whatever the reward."""
    return base * response(0.0, section.elasticity, section.deadweight)
