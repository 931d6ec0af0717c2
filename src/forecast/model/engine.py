"""The simulation of one future: numpy worker columns advanced month by month through one
list of steps, with SimPy holding what takes time and what queues.

Each month runs the steps of `STEPS`, in that order and no other; the order is the pathways'
registry (`forecast.model.pathways.PATHWAYS`), and the docs' list of the month is generated from it. Every event is dated in the month of the step that makes it,
and the month-end snapshot comes last, so month m's stocks hold exactly the events dated up
to the end of month m.

SimPy keeps what it is for. Its clock ticks once per step (`PHASES` ticks a month); a process
with a duration — a night-school course, a master–apprentice pairing — is a SimPy process
that waits out its months and acts at the tick of the first step, "durations end", of the
month it ends in. Capacities are SimPy resources whose requests really wait: the night
school's seats (a `Container`: a term's intake waits for seats still held by a running
course) and the masters' slots (`pathways.slots.MasterSlots`: pairing requests queue until
the pairing step finds them a master). The length of each queue is recorded every month.

The engine knows mechanisms, not places: the pathways (`pathways/`) own their state and read
their typed parameters (their sections, `forecast.model.pathways`); they reach the shared state — workers, employers,
the event log — only through the methods below, and hear of promotions and exits through
listeners (`on_promote`, `on_exit`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from forecast.core.calendar import month_dates, month_index, month_of_year, year_of
from forecast.model.eventlog import EventLog, lazy_ids
from forecast.model.pathways import PATHWAYS
from forecast.model.population import (NEVER, Workers, build_employers, draw_ages, draw_employers, draw_levels,
                                       exit_months)
from forecast.policy import ladder
from forecast.model.arrivals import Arrivals
from forecast.model.values import Values
from forecast.params.param import param_rng


@dataclass(frozen=True)
class Step:
    name: str
    what: str


#: One month, in order: the durations that end, every pathway of the registry in its order
#: (`forecast.model.pathways.PATHWAYS`; a step named after a pathway runs its `step(t)` when the
#: scenario has it), then the month-end snapshot. "durations end" is the tick at which SimPy
#: processes whose time is up act.
STEPS = (
    (Step("durations end", "courses whose months are over hold their exam (HS-A3a, HS-A3b) and free their "
                           "seats; pairings whose months are over free their masters' slots"),)
    + tuple(Step(cls.NAME, cls.STEP) for cls in PATHWAYS)
    + (Step("snapshot", "month-end stocks by level, queue lengths"),)
)
PHASES = len(STEPS)
PHASE = {s.name: i for i, s in enumerate(STEPS)}
#: the monthly flows recorded besides the stocks
FLOWS = ("hires", "graduates", "exits")


@dataclass(frozen=True)
class Options:
    """Model variants for analytic checks and experiments (the defaults are the model)."""

    capacities: bool = True        # seats and masters' slots limit uptake (off: unlimited)
    demography: bool = True        # exits and hires (off: a closed population)
    pathways: tuple | None = None  # run only these pathways (None: all in the scenario)


@dataclass
class Mentoring:
    """How an open pairing changes its apprentice's ladder: certification rate and time in
    grade multiplied by these factors (set by the apprenticeship pathway; 1 without one)."""

    rate_factor: float = 1.0
    time_in_grade_factor: float = 1.0


class Engine:
    """One replication: shared state, random streams, the month's steps and the SimPy clock."""

    def __init__(self, scenario, values: Values, seed_sequence: np.random.SeedSequence,
                 options: Options | None = None):
        self.scenario, self.values = scenario, values
        self.options = options or Options()
        self.ss = seed_sequence
        self.T = scenario.months
        self.start = np.datetime64(scenario.start, "M")
        self.policy_start_t = month_index(scenario.start, scenario.policy.valid_from)
        # with a successor policy assumed (the scenario's reading) its programmes run to the horizon
        self.policy_end_t = (10 ** 6 if scenario.policy.successor
                             else month_index(scenario.start, scenario.policy.valid_to))
        self.env = simpy.Environment()
        self.log = EventLog()
        self.stocks = np.zeros((self.T, ladder.TOP + 1), dtype=np.int64)
        self.flows = np.zeros((self.T, len(FLOWS)), dtype=np.int64)
        self.on_promote: list = []
        self.on_exit: list = []
        self.mentoring = Mentoring()
        self.min_months = values.ladder.min_months.copy()
        self.min_months[ladder.TOP] = NEVER
        #: workers in the district by level, kept up to date by `add_workers`, `promote` and
        #: `deactivate` (the only writers of `level` and `active`), so a snapshot is a copy, not a count
        self.by_level = np.zeros(ladder.TOP + 1, dtype=np.int64)
        rng = self.rng("population")
        self.employers = build_employers(values.population, rng)
        self.n0 = int(values.population.employed)
        self.workers = Workers(self._capacity())
        self.add_workers(self.n0, 0, rng, initial=True)
        self.steps = {cls.NAME: cls(self, cls.params(values)) for cls in PATHWAYS if self._enabled(cls)}
        self.queues = {name: np.zeros(self.T, dtype=np.int64) for name, p in self.steps.items() if p.QUEUE}

    def _capacity(self) -> int:
        """Rows to reserve for the workers: the start population and the arrivals to expect
        (hires replacing turnover, about 2 % retirements a year, and growth, with 1 % a year to
        spare: the Huishan runs use 90–97 % of the rows). Why: a table that
        runs out of rows is copied into one a quarter larger, which costs time and, while both
        are held, memory."""
        flows, years = self.values.flows, self.T / 12
        churn = flows.turnover + 0.02 if self.options.demography else 0.0
        return int(self.n0 * (1.0 + years * (churn + max(flows.growth, 0.0) + 0.01))) + 1000

    def _enabled(self, cls) -> bool:
        """Whether the pathway runs: the scenario has it, and the options do not leave it out
        (demography, every scenario's first step, always runs; `Options.demography` stills it)."""
        chosen = self.options.pathways
        return cls.configured(self.values) and (cls.GROUP == "flows" or chosen is None or cls.NAME in chosen)

    # --- time -------------------------------------------------------------------------------
    def rng(self, name: str) -> np.random.Generator:
        return param_rng(self.ss, "process:" + name)

    def arrivals(self, name: str) -> Arrivals:
        """Monthly Poisson counts for `name` by inversion of uniforms of their own stream
        (`model/arrivals.py`: base and reform share them, so their counts stay coupled)."""
        return Arrivals(param_rng(self.ss, "arrivals:" + name), self.T)

    def tick(self, t: int, step: str) -> int:
        """SimPy time of a step of month t."""
        return t * PHASES + PHASE[step]

    def until(self, t: int, step: str) -> simpy.Timeout:
        """A timeout that ends at `step` of month t (for processes with durations)."""
        return self.env.timeout(self.tick(t, step) - self.env.now)

    def month(self) -> int:
        """The month the SimPy clock is in."""
        return int(self.env.now // PHASES)

    def date(self, t: int, last_day: bool = False) -> np.datetime64:
        return month_dates(self.start, t, last_day)

    def month_of_year(self, t: int) -> int:
        return month_of_year(self.start, t)

    def year(self, t: int) -> int:
        return year_of(self.start, t)

    def in_policy(self, t: int) -> bool:
        return self.policy_start_t <= t <= self.policy_end_t

    # --- the run ----------------------------------------------------------------------------
    def run(self) -> None:
        self.env.process(self._clock())
        self.env.run(until=self.T * PHASES)

    def _clock(self):
        """The month's steps in the order of STEPS, every month."""
        acting = [(PHASE[s.name], self.steps.get(s.name)) for s in STEPS]
        for t in range(self.T):
            for phase, pathway in acting:
                if pathway is None and STEPS[phase].name != "snapshot":
                    continue
                yield self.env.timeout(t * PHASES + phase - self.env.now)
                if pathway is None:
                    self.snapshot(t)
                else:
                    pathway.step(t)

    def snapshot(self, t: int) -> None:
        """Stocks by level and queue lengths at the end of month t."""
        self.stocks[t] = self.by_level
        for name, lengths in self.queues.items():
            lengths[t] = self.steps[name].waiting()

    # --- the shared state, for the pathways -------------------------------------------------
    def record_flow(self, t: int, flow: str, n: int) -> None:
        self.flows[t, FLOWS.index(flow)] += n

    def contributor(self, worker_ids: np.ndarray) -> np.ndarray:
        return self.employers["contributor"][self.workers.employer[worker_ids]]

    def eligible_from(self, idx: np.ndarray) -> np.ndarray:
        """Month from which each worker may sit the next exam (time-in-grade rule)."""
        w = self.workers
        months = self.min_months[w.level[idx]].copy()
        months = np.where(w.graduate[idx], np.ceil(months * self.values.ladder.graduate_factor), months)
        mentored = w.mentored[idx]
        if mentored.any():
            months[mentored] = np.ceil(months[mentored] * self.mentoring.time_in_grade_factor)
        return np.minimum(w.since[idx].astype(np.int64) + months, NEVER).astype(np.int16)

    def add_workers(self, k: int, t: int, rng: np.random.Generator, initial: bool = False, levels=None,
                    ages=None, graduate: bool = False) -> np.ndarray:
        """Workers joining at month t (the start population, hires, graduates); their ids."""
        pop, flows = self.values.population, self.values.flows
        if levels is None:
            share = pop.skilled_share if initial else flows.hire_skilled_share
            apprentice = pop.apprentice_share if initial else 0.0
            levels = draw_levels(k, share, apprentice, pop.skilled_mix, rng)
        if ages is None:
            ages = (draw_ages(k, pop.age_mean, pop.age_sd, pop.age_min, pop.age_max, rng) if initial
                    else rng.triangular(flows.hire_age_min, flows.hire_age_mode, flows.hire_age_max, k))
        birth = (t - np.round(ages * 12)).astype(np.int16)
        since = (t - rng.integers(0, int(pop.max_years_in_grade * 12) + 1, k)) if initial else \
            np.full(k, t) - (rng.integers(0, 24, k) * (levels > 0))
        turnover = flows.turnover if self.options.demography else 0.0
        retire = flows.retirement_age if self.options.demography else 1e4
        exits = exit_months(t, birth, turnover, retire, rng)
        new = self.workers.add(level=levels, since=since.astype(np.int16), birth=birth, exit_month=exits,
                               employer=draw_employers(self.employers, k, rng), active=True,
                               sector=rng.random(k) < pop.sector_share, graduate=graduate)
        self.workers.eligible_from[new] = self.eligible_from(new)
        self.by_level += np.bincount(self.workers.level[new], minlength=ladder.TOP + 1)
        return new

    def promote(self, idx: np.ndarray, new_levels: np.ndarray, t: int, programme: str,
                recipient: np.ndarray | str = "", recipient_kind: str = "", contributor=None) -> None:
        """Move workers (distinct ids) up the ladder and emit a certificate event for each (level ≥ 初级工)."""
        if not len(idx):
            return
        w = self.workers
        present = w.active[idx]
        self.by_level -= np.bincount(w.level[idx[present]], minlength=ladder.TOP + 1)
        w.level[idx] = new_levels
        self.by_level += np.bincount(w.level[idx[present]], minlength=ladder.TOP + 1)
        w.since[idx] = t
        w.eligible_from[idx] = self.eligible_from(idx)
        cert = new_levels >= ladder.SKILLED_MIN
        if cert.any():
            self.log.emit("certificate", self.date(t), recipient_kind=recipient_kind,
                          recipient=recipient if np.isscalar(recipient) else recipient[cert],
                          person=lazy_ids("W", idx[cert]), level=new_levels[cert], programme=programme,
                          contributor=False if contributor is None else contributor[cert])
        for listener in self.on_promote:
            listener(idx, new_levels, t)

    def deactivate(self, idx: np.ndarray) -> None:
        """Workers leaving the district (distinct ids): they hold no title and no pairing any more."""
        w = self.workers
        self.by_level -= np.bincount(w.level[idx[w.active[idx]]], minlength=ladder.TOP + 1)
        w.active[idx] = False
        w.craftsman[idx] = False
        for listener in self.on_exit:
            listener(idx)
