"""Reading a scheme of titles (`[pathways.titles.scheme.NAME]`, schema `Titles`): each title's
rule, rank, count, minimum level, selection month, optional age limit and optional cycle.

A title may be selected every few years rather than every year (e.g. Dongxihu's 临空港工匠,
seed 004 3(八): every five years): `every_years` (a whole number 1–10, default 1) and
`first_year` (a calendar year within the scenario's years, default the policy's first year)
say that selections are held in the years y with y ≥ first_year and (y − first_year) %
every_years == 0, in the title's selection month, within the policy. `per_year` keeps its
name but is read as the holders named *at each selection* (every year for a yearly title).
Both keys are stored only when given, so a scenario without them writes back unchanged.

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
EVERY_YEARS = Domain(1, 10, True, "a whole number of years in [1, 10] (1: every year)")
YEAR = Domain(1000, 9999, True, "a calendar year within the scenario's years")
TITLE_KEYS = ("rule, rank, per_year, min_level, selection_month, max_age (optional), every_years (optional), "
              "first_year (optional)")


def read_scheme(t: Table, key: str, rules: dict, read_param: Callable, read_setting: Callable) -> dict:
    """NAME → {rule, rank, per_year (a Param), min_level, selection_month[, max_age][, every_years]
    [, first_year]}, checked (first_year against the calendar by `check_cycles`).
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
        for k, domain in (("every_years", EVERY_YEARS), ("first_year", YEAR)):
            if tt.has(k):
                title[k] = tt.number(k, domain)
        rule = rules[title["rule"]]
        if rule.kind != "fixed" or rule.event != "title_awarded" or rule.programme != name:
            raise tt.error("rule", f"rules.{rule.id} is a {rule.kind} rule paying {rule.event!r} events"
                           + (f" of programme {rule.programme!r}" if rule.programme else ""),
                           f'a fixed rule with event = "title_awarded" and programme = "{name}"')
        tt.close()
        out[name] = title
    scheme.close()
    return out


def check_cycles(org, pathways: dict, years: range) -> None:
    """Each title's `first_year` is one of the scenario's calendar years (`org`: the scenario's
    Origins, for the file that set the key)."""
    scheme = pathways.get("titles", {}).get("scheme", {})
    for name, title in scheme.items():
        first = title.get("first_year")
        if first is not None and first not in years:
            raise org.error(f"pathways.titles.scheme.{name}.first_year",
                            f"{first} is outside the scenario's years {years[0]}–{years[-1]}",
                            f"a calendar year in {years[0]}–{years[-1]}")


def selects_in(title: dict, year: int, policy_first_year: int) -> bool:
    """Whether `title` holds a selection in calendar `year` (every_years from first_year)."""
    every, first = title.get("every_years", 1), title.get("first_year", policy_first_year)
    return year >= first and (year - first) % every == 0
