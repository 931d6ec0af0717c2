"""Reading `[amount_scale]`: how uncertain an ASSUMED reward amount is.

Where a policy gives no amount (Changzhou, Wuxi 2021, Dongxihu: the seeds set targets and name
subsidies, not their size), a rule's amount is an assumption taken from a public schedule of
another place or date (e.g. Jiangsu's per-certificate training subsidy). A rule holds one
amount (or table, range, tiers): what `forecast payouts` pays a real record, the central
reading. How far the real schedule may lie from it is a parameter here, one per rule:

    [amount_scale.CZ-A1]
    value = 1.0
    range = [0.6, 1.4]
    assumption = "Changzhou's own schedule not found; Jiangsu's class A to class C (FACTS.md)"

Each simulated future draws the factor once (like every assumption) and the simulation's ledger
lines of that rule are multiplied by it (`forecast.futures.simulate.priced`), so the forecast's band carries the
uncertainty of the schedule and the sensitivity analysis can name it as a driver. A factor must
be labelled an assumption: a seed's own amount has no scale. Reading kept simple on purpose:
the behavioural response to a subsidy (`scenario.response`) reads the rule's written amount,
not the scaled one (a schedule the scenario does not know cannot steer behaviour; the factor
is about what the fund pays).
"""
from __future__ import annotations

from typing import Callable

from forecast.params.param import FACTOR, Param
from forecast.params.table import Table


def read_amount_scales(t: Table, rules: dict, read_param: Callable) -> dict:
    """rule id → Param (a factor in [0, 100]) for each rule listed; an unknown rule or a factor
    given as a seed figure (no `assumption`) is an error naming the key."""
    out = {}
    for rid in t.keys():
        if rid not in rules:
            raise t.error(rid, "not a rule of this scenario", ", ".join(sorted(rules)))
        param: Param = read_param(t, rid, FACTOR)
        if not param.assumption:
            raise t.error(rid, "a scale of an amount is an assumption about a schedule the seed does not give",
                          "{value = …, range = [low, high], assumption = \"why\"} or {dist = …, assumption = …}")
        out[rid] = param
    t.close()
    return out
