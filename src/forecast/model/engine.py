"""The simulation: a SimPy calendar over numpy worker columns, emitting events and a ledger.

Each pathway (night school, apprenticeship, competition, …) is a SimPy process in
`forecast.pathways`; capacities (seats, masters' slots) are SimPy containers. The ledger is
computed from the emitted events by the same rule code that `forecast payouts` uses.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import simpy

from forecast.policy import ladder
from forecast.model.eventlog import EventLog, ids, lazy_ids
from forecast.scenario.params import param_rng
from forecast.model.population import (NEVER, Workers, build_employers, draw_ages, draw_employers, draw_levels,
                         exit_months, monthly)
from forecast.scenario.scenario import Scenario


def response(ratio: float, elasticity: float, deadweight: float) -> float:
    """Volume of an incentivised activity relative to the base policy's.

    A share `deadweight` happens whatever the reward; the rest scales with the reward
    ratio to the power `elasticity`. Equal to 1 under the base policy, `deadweight` with no
    reward, and 1 + (1 − deadweight)(2^ε − 1) when the reward doubles.
    """
    return deadweight + (1.0 - deadweight) * ratio ** elasticity


@dataclass
class Options:
    """Engine switches used by tests and the analytic oracle."""

    capacities: bool = True      # seats and masters' slots limit uptake
    demography: bool = True      # exits and hires (off: a closed population)
    pathways: tuple | None = None  # run only these pathways (None: all in the scenario)


class Simulation:
    """One replication: state, random streams and the processes that change them."""

    def __init__(self, scenario: Scenario, values: dict, seed_sequence: np.random.SeedSequence,
                 options: Options | None = None):
        self.scenario, self.values = scenario, values
        self.options = options or Options()
        self.ss = seed_sequence
        self.T = scenario.months
        self.start = np.datetime64(scenario.start, "M")
        self.policy_end_t = self.month_index(scenario.policy.valid_to)
        self.log = EventLog()
        self.ladder_counts = np.zeros((self.T, ladder.TOP + 1), dtype=np.int64)
        self.flows = np.zeros((self.T, 3), dtype=np.int64)  # hires, graduates, exits
        self.entities: list[dict] = []
        lad = values["ladder"]
        self.min_months = lad["min_months"].copy()
        self.min_months[ladder.TOP] = NEVER
        self.graduate_factor = lad["graduate_factor"]
        self.rate_month = monthly(values["pathways"].get("self_evaluation", {}).get(
            "yearly_rate", np.zeros(ladder.TOP + 1)) * values["pathways"].get("self_evaluation", {}).get("rate_scale", 1))
        pop = values["population"]
        rng = self.rng("population")
        self.employers = build_employers(pop, rng)
        n0 = int(pop["employed"])
        self.n0 = n0
        self.workers = Workers(int(n0 * 1.6) + 1000)
        self.add_workers(n0, 0, rng, initial=True)
        self.pairs = {"master": [], "apprentice": [], "start": [], "open": []}
        self.master_load = {}

    # --- helpers used by the pathways -------------------------------------------------------
    def rng(self, name: str) -> np.random.Generator:
        return param_rng(self.ss, "process:" + name)

    def month_index(self, date: dt.date) -> int:
        return int((np.datetime64(date, "M") - self.start).astype(int))

    def date(self, t: int, last_day: bool = False) -> np.datetime64:
        m = self.start + np.timedelta64(int(t), "M")
        return (m + 1).astype("datetime64[D]") - 1 if last_day else m.astype("datetime64[D]")

    def month_of_year(self, t: int) -> int:
        """Calendar month (1–12) of simulated month t."""
        return int((self.start + np.timedelta64(int(t), "M")).astype(int) % 12 + 1)

    def year(self, t: int) -> int:
        return int((self.start + np.timedelta64(int(t), "M")).astype("datetime64[Y]").astype(int) + 1970)

    def in_policy(self, t: int) -> bool:
        return self.month_index(self.scenario.policy.valid_from) <= t <= self.policy_end_t

    def contributor(self, worker_ids: np.ndarray) -> np.ndarray:
        return self.employers["contributor"][self.workers.employer[worker_ids]]

    def eligible_from(self, idx: np.ndarray) -> np.ndarray:
        """Month from which each worker may sit the next exam (time-in-grade rule)."""
        w = self.workers
        months = self.min_months[w.level[idx]].copy()
        months = np.where(w.graduate[idx], np.ceil(months * self.graduate_factor), months)
        paired = w.pair[idx] >= 0
        if paired.any() and "apprenticeship" in self.values["pathways"]:
            tig = self.values["pathways"]["apprenticeship"]["time_in_grade_factor"]
            open_ = np.array([self.pairs["open"][p] for p in w.pair[idx][paired]], bool)
            months[np.flatnonzero(paired)[open_]] = np.ceil(months[np.flatnonzero(paired)[open_]] * tig)
        return np.minimum(w.since[idx].astype(np.int64) + months, NEVER).astype(np.int16)

    def add_workers(self, k: int, t: int, rng: np.random.Generator, initial: bool = False, levels=None,
                    ages=None, graduate: bool = False) -> np.ndarray:
        pop, flows = self.values["population"], self.values["flows"]
        if levels is None:
            share = pop["skilled_share"] if initial else flows["hire_skilled_share"]
            apprentice = pop["apprentice_share"] if initial else 0.0
            levels = draw_levels(k, share, apprentice, pop["skilled_mix"], rng)
        if ages is None:
            ages = (draw_ages(k, pop["age_mean"], pop["age_sd"], pop["age_min"], pop["age_max"], rng) if initial
                    else rng.triangular(flows["hire_age_min"], flows["hire_age_mode"], flows["hire_age_max"], k))
        birth = (t - np.round(ages * 12)).astype(np.int16)
        since = (t - rng.integers(0, int(pop["max_years_in_grade"] * 12) + 1, k)) if initial else \
            np.full(k, t) - (rng.integers(0, 24, k) * (levels > 0))
        turnover = flows["turnover"] if self.options.demography else 0.0
        retire = flows["retirement_age"] if self.options.demography else 1e4
        exits = exit_months(t, birth, turnover, retire, rng)
        new = self.workers.add(level=levels, since=since.astype(np.int16), birth=birth, exit_month=exits,
                               employer=draw_employers(self.employers, k, rng), active=True,
                               sector=rng.random(k) < pop["sector_share"], graduate=graduate)
        self.workers.eligible_from[new] = self.eligible_from(new)
        return new

    def promote(self, idx: np.ndarray, new_levels: np.ndarray, t: int, programme: str,
                recipient: np.ndarray | str = "", recipient_kind: str = "", contributor=None) -> None:
        """Move workers up the ladder and emit a certificate event for each (level ≥ 初级工)."""
        if not len(idx):
            return
        w = self.workers
        w.level[idx] = new_levels
        w.since[idx] = t
        w.eligible_from[idx] = self.eligible_from(idx)
        cert = new_levels >= ladder.SKILLED_MIN
        date = self.date(t)
        if cert.any():
            self.log.emit("certificate", date, recipient_kind=recipient_kind,
                          recipient=recipient if np.isscalar(recipient) else recipient[cert],
                          person=lazy_ids("W", idx[cert]), level=new_levels[cert], programme=programme,
                          contributor=False if contributor is None else contributor[cert])
        paired = w.pair[idx] >= 0
        if paired.any():
            p = w.pair[idx][paired]
            start = np.array([self.pairs["start"][i] for i in p])
            within = t - start <= 60
            if within.any():
                masters = np.array([self.pairs["master"][i] for i in p])[within]
                self.log.emit("apprentice_certified", date, recipient_kind="master", recipient=ids("W", masters),
                              person=ids("W", idx[paired][within]), level=new_levels[paired][within],
                              paired_on=np.array([self.date(s) for s in start[within]]),
                              contributor=self.contributor(masters))

    def deactivate(self, idx: np.ndarray) -> None:
        w = self.workers
        w.active[idx] = False
        w.craftsman[idx] = False
        for i in idx[w.pair[idx] >= 0]:
            self.close_pair(w.pair[i])
        if not self.master_load:
            return
        is_master = np.zeros(w.n, bool)
        is_master[np.fromiter(self.master_load, dtype=np.int64, count=len(self.master_load))] = True
        for m in idx[is_master[idx]]:  # leaving masters, in the order of idx (as np.isin kept it)
            for p in np.flatnonzero(np.array(self.pairs["master"]) == m):
                self.close_pair(p)

    def close_pair(self, p: int) -> None:
        if self.pairs["open"][p]:
            self.pairs["open"][p] = False
            self.master_load[self.pairs["master"][p]] -= 1
            a = np.array([self.pairs["apprentice"][p]])
            self.workers.eligible_from[a] = self.eligible_from(a)

    # --- the run ----------------------------------------------------------------------------
    def run(self) -> None:
        from forecast.model.pathways import PROCESSES
        env = simpy.Environment()
        self.env = env
        enabled = self.options.pathways
        for name, process in PROCESSES:
            if name in ("demography",) or enabled is None or name in enabled:
                if name == "demography" or self._configured(name):
                    env.process(process(env, self))
        env.run(until=self.T)

    def _configured(self, name: str) -> bool:
        v = self.values
        if name in ("activities", "entities"):
            return bool(v.get(name))
        return name in v["pathways"]
