"""青蓝工程 master–apprentice pairing (HS-A8a at pairing, HS-A8b milestones).

Pairing requests arrive each month (their number responds to the expected reward per
pairing, `scenario.response`, month by month: under the amounts in force in the month,
`behaviour.monthly_volume`). Each is a SimPy process that waits in the queue of `slots` — a
master's free slot, offered by the pairing step — for as long as it takes; the step offers one
slot per master with fewer than `master_capacity` open pairings, while apprentices are
available, to the requests in order of arrival. Masters in state-owned employers and
apprentices in private ones are preferred, as the policy encourages. A pairing then lasts
`duration_months`, after which the master's slot is free again.

Reading of 第八条 (HS-A8a/b pay 带徒工匠): a master is a named craftsman at or above
`master_min_level`, or — with `other_masters` — another worker at that level whom employers
name a master: each worker carries that trait with chance `other_master_share`, drawn when
they join. An apprentice is always below the master's level: a 技师 is paired only with a
master at 高级技师 or above.

An apprentice in an open pairing certifies faster and with a shorter time in grade
(`engine.Mentoring`). Any certificate within the milestone rule's longest window from the
pairing (HS-A8b: 60 months) is reported to that rule, which pays the milestones it knows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from forecast.model.behaviour import monthly_volume
from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.model.population import at_levels
from forecast.model.tail import milestone_value
from forecast.params.param import DURATION, FACTOR, POSITIVE_COUNT, RATE, SHARE
from forecast.params.section import PARAM_FORMS, Responsive, param, setting
from forecast.params.table import Table
from forecast.policy import ladder


@dataclass(frozen=True, eq=False)
class ApprenticeshipSection(Responsive):
    PAYING_RULE = "rule"
    rule: str = setting("rule")
    milestone_rule: str | None = setting("rule", optional=True)
    master_min_level: int = setting("level")
    apprentice_levels: list = setting("levels")
    #: masters are 带徒工匠 (HS-A8a/b): the named craftsmen, and with `other_masters` also a share
    #: `other_master_share` of the other workers at master_min_level or above (an assumption)
    other_masters: bool = setting("flag")
    other_master_share: float | None = param(SHARE, optional=True)
    pairings_per_year: float = param(RATE)
    master_capacity: int = param(POSITIVE_COUNT)
    state_master_weight: float = param(FACTOR)
    private_apprentice_weight: float = param(FACTOR)
    mentoring_factor: float = param(FACTOR)
    time_in_grade_factor: float = param(FACTOR)
    duration_months: int = param(DURATION)

    @classmethod
    def check(cls, t: Table, spec: dict, rules: dict) -> None:
        """Masters other than craftsmen need their share; then the response, as every rewarded section's."""
        if spec.get("other_masters") and "other_master_share" not in spec:
            raise t.error("other_master_share", "missing: other_masters = true needs the share of other workers at "
                          "master level who take apprentices", PARAM_FORMS)
        super().check(t, spec, rules)


class Pairs:
    """Pairings as growable numpy columns: master, apprentice, month started, still open."""

    def __init__(self, capacity: int = 256):
        self.n = 0
        self.master = np.zeros(capacity, np.int64)
        self.apprentice = np.zeros(capacity, np.int64)
        self.start = np.zeros(capacity, np.int64)
        self.open = np.zeros(capacity, bool)

    def add(self, masters: np.ndarray, apprentices: np.ndarray, t: int) -> np.ndarray:
        k = len(masters)
        if self.n + k > len(self.master):
            size = max(self.n + k, 2 * len(self.master))
            for name in ("master", "apprentice", "start", "open"):
                col = getattr(self, name)
                grown = np.zeros(size, col.dtype)
                grown[: self.n] = col[: self.n]
                setattr(self, name, grown)
        ids_ = np.arange(self.n, self.n + k)
        self.master[ids_], self.apprentice[ids_], self.start[ids_], self.open[ids_] = masters, apprentices, t, True
        self.n += k
        return ids_

    def open_ids(self) -> np.ndarray:
        return np.flatnonzero(self.open[: self.n])


class Apprenticeship(Pathway):
    NAME = "apprenticeship"
    SECTION = ApprenticeshipSection
    QUEUE = True
    STEP = ("pairing requests arrive and wait for a master's slot; pairs formed (HS-A8a)")

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.rng = sim.rng("apprenticeship")
        self.per_month = monthly_volume(p.pairings_per_year, p, sim.scenario, sim.date(np.arange(sim.T))) / 12
        self.arrivals = sim.arrivals("apprenticeship").counts(self.per_month)
        self.capacity = int(p.master_capacity) if sim.options.capacities else 10 ** 6
        self.taught = np.zeros(ladder.TOP + 1, bool)
        self.taught[p.apprentice_levels] = True
        self.pairs = Pairs()
        self.trait_share = float(p.other_master_share) if p.other_masters else 0.0
        self.seen = 0
        self._draw_traits()
        self.slots = simpy.Store(sim.env)   # a master's free slot; requests wait in its get queue
        milestone = sim.scenario.policy.rule(p.milestone_rule) if p.milestone_rule else None
        self.window = milestone.longest_window() if milestone else None
        sim.mentoring.rate_factor = p.mentoring_factor
        sim.mentoring.time_in_grade_factor = p.time_in_grade_factor
        if self.window is not None:
            sim.on_promote.append(self._certified)
        sim.on_exit.append(self._left)

    def _draw_traits(self) -> None:
        """Whether workers who joined since the last call would take apprentices (`master`)."""
        w = self.sim.workers
        if w.n > self.seen:
            w.master[self.seen:] = self.rng.random(w.n - self.seen) < self.trait_share
            self.seen = w.n

    def step(self, t: int) -> None:
        sim, p, w, rng = self.sim, self.p, self.sim.workers, self.rng
        self._draw_traits()
        if sim.in_policy(t):
            for _ in range(int(self.arrivals[t])):
                sim.env.process(self._pairing(self.slots.get()))
        waiting = len(self.slots.get_queue)
        if not waiting:
            return
        masters = self._free_masters()
        pupils = at_levels(w.level, np.flatnonzero(self.taught))
        pupils &= w.active
        pupils &= w.pair < 0
        pupils = np.flatnonzero(pupils)
        k = min(waiting, len(masters), len(pupils))
        if not k:
            return
        state = sim.employers["state"]
        mw = np.where(state[w.employer[masters]], p.state_master_weight, 1.0)
        m = rng.choice(masters, k, replace=False, p=mw / mw.sum())
        m, a = self._apprentices(m, pupils)
        if not len(m):
            return
        pair_ids = self.pairs.add(m, a, t)
        w.pair[a] = pair_ids
        w.mentored[a] = True
        w.eligible_from[a] = sim.eligible_from(a)
        sim.log.emit("pairing", sim.date(t), recipient_kind="master", recipient=ids("W", m), person=ids("W", a),
                     level=w.level[a], contributor=sim.contributor(m))
        for q in pair_ids:   # the first requests in the queue get these slots, in order
            self.slots.put(int(q))

    def _free_masters(self) -> np.ndarray:
        """Masters in the district with a free slot, in id order."""
        w = self.sim.workers
        free = w.active & (w.level >= self.p.master_min_level) & (w.craftsman | w.master)
        busy, load = np.unique(self.pairs.master[self.pairs.open_ids()], return_counts=True)
        free[busy[load >= self.capacity]] = False   # masters whose slots are all taken
        return np.flatnonzero(free)

    def _apprentices(self, masters: np.ndarray, pupils: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """An apprentice below each master's level, drawn without replacement (private employers
        likelier); masters at the lowest levels choose first, having the fewest candidates. A
        master for whom no apprentice is left gets none this month."""
        w, p, rng = self.sim.workers, self.p, self.rng
        state = self.sim.employers["state"]
        order = np.argsort(w.level[masters], kind="stable")
        masters = masters[order]
        taken = np.zeros(len(pupils), bool)
        out_m, out_a = [], []
        # the pupils' levels and weights, gathered once for all master levels
        pupil_level = w.level[pupils]
        weight = np.where(state[w.employer[pupils]], 1.0, p.private_apprentice_weight)
        master_level = w.level[masters]
        for lv in np.unique(master_level):
            group = masters[master_level == lv]
            cand = np.flatnonzero(~taken & (pupil_level < lv))
            n = min(len(group), len(cand))
            if not n:
                continue
            aw = weight[cand]
            pick = rng.choice(cand, n, replace=False, p=aw / aw.sum())
            taken[pick] = True
            out_m.append(group[:n])
            out_a.append(pupils[pick])
        if not out_m:
            return masters[:0], masters[:0]
        return np.concatenate(out_m), np.concatenate(out_a)

    def owed_after(self) -> dict:
        """Expected milestones (the milestone rule) of pairings whose windows are still open at
        the horizon's end, for apprentices in the district below the milestone's level
        (`model.tail.milestone_value`, odds from the section's `expected_units`), at the
        amounts of the version in force at the horizon's end (dated `changes`)."""
        sim, p, w = self.sim, self.p, self.sim.workers
        if self.window is None:
            return {}
        pol = sim.scenario.policy
        rule = pol.rule(p.milestone_rule).on(sim.scenario.end)
        odds = (p.expected_units or {}).get(rule.id, {})
        q = np.arange(self.pairs.n)
        a = self.pairs.apprentice[q]
        alive = w.active[a]
        total = 0.0
        for level, within, amount in rule.milestones:
            remaining = self.pairs.start[q] + within - (sim.T - 1)
            open_ = alive & (remaining > 0) & (w.level[a] < level)
            if open_.any():
                m = self.pairs.master[q[open_]]
                uplift = np.where(sim.contributor(m) & rule.uplift, pol.uplift_rate, 0.0)
                total += milestone_value(remaining[open_], within, uplift, amount,
                                         odds.get(ladder.name(level), 0.0))
        return {rule.id: total}

    def waiting(self) -> int:
        """Pairing requests still waiting for a master's slot."""
        return len(self.slots.get_queue)

    def _pairing(self, request):
        """One pairing: wait for a master's slot, hold it for the pairing's months, free it."""
        q = yield request
        yield self.sim.until(int(self.pairs.start[q]) + int(self.p.duration_months), "durations end")
        self._close(np.array([q]))

    def _close(self, pair_ids: np.ndarray) -> None:
        """End these pairings (if still open): the apprentice's ladder returns to the usual pace."""
        pair_ids = pair_ids[self.pairs.open[pair_ids]]
        if not len(pair_ids):
            return
        self.pairs.open[pair_ids] = False
        a = self.pairs.apprentice[pair_ids]
        self.sim.workers.mentored[a] = False
        self.sim.workers.eligible_from[a] = self.sim.eligible_from(a)

    def _left(self, idx: np.ndarray) -> None:
        """Pairings whose apprentice or master leaves the district end."""
        q = self.pairs.open_ids()
        if len(q) and len(idx):
            leaving = np.zeros(self.sim.workers.n, bool)
            leaving[idx] = True
            self._close(q[leaving[self.pairs.apprentice[q]] | leaving[self.pairs.master[q]]])

    def _certified(self, idx: np.ndarray, new_levels: np.ndarray, t: int) -> None:
        """Certificates of apprentices within the milestone window go to their masters' rule."""
        sim, w = self.sim, self.sim.workers
        paired = w.pair[idx] >= 0
        if not paired.any():
            return
        q = w.pair[idx][paired]
        start = self.pairs.start[q]
        within = t - start <= self.window
        if within.any():
            masters = self.pairs.master[q][within]
            sim.log.emit("apprentice_certified", sim.date(t), recipient_kind="master", recipient=ids("W", masters),
                         person=ids("W", idx[paired][within]), level=new_levels[paired][within],
                         paired_on=sim.date(start[within]), contributor=sim.contributor(masters))
