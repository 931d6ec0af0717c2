"""A scheme of named titles (e.g. a city's 大工匠, 工匠, 乡村工匠, 青年工匠): in each year of the
title's cycle (every year unless it has `every_years`/`first_year`, e.g. a five-yearly 临空港工匠:
`selects_in`), in its selection month within the policy, `per_year` holders
(read as the count named at each selection) are named from the active
workers at or above the title's `min_level` (and under its `max_age`, if it has one), higher
levels likelier (weight 2^(level − min_level), as the craftsmen pathway draws), and each award
is a `title_awarded` event of programme NAME, paid by the title's own rule.

Highest title only, no double award — reading "就高不重复" (a policy's "按照就高、不重复享受原则",
seed 003): a worker holding a title is never named to an equal or lower one of the scheme (so two
titles of equal rank exclude each other), and a holder named to a higher one is paid that
title's award minus what the lower one paid. The pathway enforces the first part by its pool;
the second is the rules' (`net_of` in the scenario: the payout calculator cuts an award by what
the scheme's other rules already paid that person), so a real record of an upgrade read by
`forecast payouts` is netted exactly as a simulated one. Titles due in the same month are
named highest rank first, so no one receives two titles in one month.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway, senior_first
from forecast.params.param import AGE, COUNT, Domain
from forecast.params.section import Reading, Section, setting
from forecast.params.table import Table

# Reading a scheme of titles (`[pathways.titles.scheme.NAME]`, schema `Titles`): each title's
# rule, rank, count, minimum level, selection month, optional age limit and optional cycle.
#
# A title may be selected every few years rather than every year (e.g. Dongxihu's 临空港工匠,
# seed 004 3(八): every five years): `every_years` (a whole number 1–10, default 1) and
# `first_year` (a calendar year within the scenario's years, default the policy's first year)
# say that selections are held in the years y with y ≥ first_year and (y − first_year) %
# every_years == 0, in the title's selection month, within the policy. `per_year` keeps its
# name but is read as the holders named *at each selection* (every year for a yearly title).
# Both keys are stored only when given, so a scenario without them writes back unchanged.
#
# The scheme is a table of tables because a city names several titles at once (e.g. 大工匠, 工匠,
# 乡村工匠, 青年工匠), each with its own count — a parameter drawn like any other, found at
# `pathways.titles.scheme.NAME.per_year` in parameters.csv. A title's rule must be a fixed rule
# paying `title_awarded` events of programme NAME, so that `forecast payouts` pays a real record
# of the title by the same rule as the simulation.
RANK = Domain(1, 100, True, "a whole number in [1, 100] (higher is the higher title)")
EVERY_YEARS = Domain(1, 10, True, "a whole number of years in [1, 10] (1: every year)")
YEAR = Domain(1000, 9999, True, "a calendar year within the scenario's years")
TITLE_KEYS = ("rule, rank, per_year, min_level, selection_month, max_age (optional), every_years (optional), "
              "first_year (optional)")


def read_scheme(t: Table, key: str, reading: Reading) -> dict:
    """NAME → {rule, rank, per_year (a Param), min_level, selection_month[, max_age][, every_years]
    [, first_year]}, checked (first_year against the calendar by `check_cycles`); a title's keys
    are read and reported like any section's (`reading`)."""
    scheme = t.table(key)
    names = scheme.keys()
    if not names:
        raise t.error(key, "empty: a scheme needs at least one title", f"[{key}.NAME] tables with {TITLE_KEYS}")
    out = {}
    for name in names:
        tt = scheme.table(name)
        title = {"rule": reading.setting(tt, "rule", "rule"), "rank": tt.number("rank", RANK),
                 "per_year": reading.param(tt, "per_year", COUNT), "min_level": reading.setting(tt, "min_level", "level"),
                 "selection_month": reading.setting(tt, "selection_month", "month")}
        if tt.has("max_age"):
            title["max_age"] = tt.number("max_age", AGE)
        for k, domain in (("every_years", EVERY_YEARS), ("first_year", YEAR)):
            if tt.has(k):
                title[k] = tt.number(k, domain)
        rule = reading.rules[title["rule"]]
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


@dataclass(frozen=True, eq=False)
class TitlesSection(Section):
    """[pathways.titles]: a scheme of named titles (e.g. a city's 大工匠, 工匠, 青年工匠), each
    `[pathways.titles.scheme.NAME]` with its `rule` (a fixed rule paying `title_awarded`
    events whose programme is NAME), `rank` (higher is the higher title; equal ranks are
    equal titles), `per_year` (holders named a year, a parameter), `min_level`,
    `selection_month` and an optional `max_age` (under that age on the day of selection).
    A title selected every few years (e.g. a five-yearly 临空港工匠) has `every_years` (1–10,
    default 1) and `first_year` (a calendar year of the scenario, default the policy's first
    year): selections fall in the years y ≥ first_year with (y − first_year) % every_years == 0,
    and `per_year` is then read as the holders named at each selection. A title is awarded
    only to a worker holding no equal or higher title of the scheme; what an upgrade pays
    is the rules' own (`net_of`: highest award only, no double award). How the scheme is read:
    `read_scheme`."""
    scheme: dict = setting("titles", reader=read_scheme)

    @classmethod
    def check_in_scenario(cls, origins, specs: dict, years: range) -> None:
        check_cycles(origins, specs["pathways"], years)


class Titles(Pathway):
    NAME = "titles"
    SECTION = TitlesSection
    STEP = ("a scheme's titles named, highest rank first; one title per worker, the highest")

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.rng = sim.rng("titles")
        #: (name, title) highest rank first; equal ranks in the scenario's order
        self.order = sorted(p.scheme.items(), key=lambda item: -item[1]["rank"])
        self.rank = np.zeros(0, dtype=np.int16)   # per worker: rank of the highest title held (0: none)
        self.first_year = sim.scenario.policy.valid_from.year   # a cycle's default first year

    def step(self, t: int) -> None:
        sim = self.sim
        if not sim.in_policy(t):
            return
        month = sim.month_of_year(t)
        for name, title in self.order:
            if title["selection_month"] != month or not selects_in(title, sim.year(t), self.first_year):
                continue
            chosen = self._select(title, t)
            if not len(chosen):
                continue
            w = sim.workers
            sim.log.emit("title_awarded", sim.date(t), recipient_kind="worker", recipient=ids("W", chosen),
                         person=ids("W", chosen), level=w.level[chosen], programme=name,
                         contributor=sim.contributor(chosen))

    def held(self) -> np.ndarray:
        """Per worker, the rank of the highest title of the scheme held (0: none)."""
        n = self.sim.workers.n
        if len(self.rank) < n:
            self.rank = np.concatenate([self.rank, np.zeros(n - len(self.rank), dtype=np.int16)])
        return self.rank[:n]

    def _select(self, title: dict, t: int) -> np.ndarray:
        """Name up to `per_year` holders of `title` from its pool, higher levels likelier."""
        w, min_level, rank = self.sim.workers, title["min_level"], title["rank"]
        held = self.held()
        ok = w.active & (w.level >= min_level) & (held < rank)
        if title.get("max_age") is not None:
            ok &= (t - w.birth.astype(float)) / 12.0 < title["max_age"]
        pool = np.flatnonzero(ok)
        chosen = np.sort(senior_first(self.rng, pool, w.level[pool], min_level, int(title["per_year"])))
        held[chosen] = rank
        return chosen
