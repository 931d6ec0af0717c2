"""Reading a scheme of titles (`[pathways.titles.scheme.NAME]`, schema `Titles`): each title's
rule, rank, yearly count, minimum level, selection month and optional age limit.

The scheme is a table of tables because a city names several titles at once (e.g. 大工匠, 工匠,
乡村工匠, 青年工匠), each with its own count — a parameter drawn like any other, found at
`pathways.titles.scheme.NAME.per_year` in parameters.csv. A title's rule must be a fixed rule
paying `title_awarded` events of programme NAME, so that `forecast payouts` pays a real record
of the title by the same rule as the simulation.
"""
from __future__ import annotations

from typing import Callable

from forecast.scenario.params import AGE, COUNT, Domain
from forecast.scenario.reader import Table

RANK = Domain(1, 100, True, "a whole number in [1, 100] (higher is the higher title)")
TITLE_KEYS = "rule, rank, per_year, min_level, selection_month, max_age (optional)"


def read_scheme(t: Table, key: str, rules: dict, read_param: Callable, read_setting: Callable) -> dict:
    """NAME → {rule, rank, per_year (a Param), min_level, selection_month[, max_age]}, checked.
    `read_param(table, key)` and `read_setting(table, key, kind)` are the section reader's own,
    so a title's keys are read and reported like any section's."""
    scheme = t.table(key)
    names = scheme.keys()
    if not names:
        raise t.error(key, "empty: a scheme needs at least one title", f"[{key}.NAME] tables with {TITLE_KEYS}")
    out = {}
    for name in names:
        tt = scheme.table(name)
        title = {"rule": read_setting(tt, "rule", "rule"), "rank": tt.number("rank", RANK),
                 "per_year": read_param(tt, "per_year", COUNT), "min_level": read_setting(tt, "min_level", "level"),
                 "selection_month": read_setting(tt, "selection_month", "month")}
        if tt.has("max_age"):
            title["max_age"] = tt.number("max_age", AGE)
        rule = rules[title["rule"]]
        if rule.kind != "fixed" or rule.event != "title_awarded" or rule.programme != name:
            raise tt.error("rule", f"rules.{rule.id} is a {rule.kind} rule paying {rule.event!r} events"
                           + (f" of programme {rule.programme!r}" if rule.programme else ""),
                           f'a fixed rule with event = "title_awarded" and programme = "{name}"')
        tt.close()
        out[name] = title
    scheme.close()
    return out
