"""The night school (Huishan: 鳗鹏夜校惠技课堂; HS-A3a, HS-A3b): terms with limited seats, a
waiting list and an exam.

Each term, eligible workers at the levels taught apply and join the waiting list behind those
still waiting from earlier terms. The term's intake — the head of the list, up to the seats
offered — is a course: a SimPy process that takes its seats from the `seats` container,
waiting while courses still running hold them, lasts `course_months`, and gives the seats
back after its exam. Passing the exam earns the provider HS-A3a; craftsmen's class hours earn
HS-A3b. Providers respond to the expected reward per learner (`scenario.response`) both in
the seats they offer and in the learners they recruit: seats and the apply rate are both
scaled by the response of the term's month (`behaviour.monthly_volume`: under the amounts in
force in that month). When the seats offered change with dated amounts, the container gains
the new seats at once, or gives up the withdrawn ones as running courses free them.

The programme is the policy's: a term takes an intake only if its exam falls within the
policy's validity (or a successor policy is assumed), so no certificate is funded after the
policy; when no intake is possible any more, the waiting list is dissolved.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from forecast.model.behaviour import monthly_volume
from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.model.pathways.self_evaluation import next_level
from forecast.model.population import at_levels
from forecast.params.param import (
    AMOUNT,
    COUNT,
    DURATION,
    POSITIVE_COUNT,
    PROBABILITY,
    SHARE,
)
from forecast.params.section import Responsive, level_table, param, setting
from forecast.policy import ladder


@dataclass(frozen=True, eq=False)
class NightSchoolSection(Responsive):
    PAYING_RULE = "rule"
    rule: str = setting("rule")
    teaching_rule: str | None = setting("rule", optional=True)
    term_months: list = setting("months")
    levels: list = setting("levels")
    course_months: int = param(DURATION)
    seats_per_term: int = param(COUNT)
    apply_rate: float = param(PROBABILITY)
    pass_rate: float = param(PROBABILITY)
    providers: int = param(POSITIVE_COUNT)
    provider_contributor_share: float = param(SHARE)
    class_size: int = param(POSITIVE_COUNT)
    course_hours: np.ndarray = level_table(COUNT)
    craftsman_teaching_share: float = param(SHARE)
    hourly_rate: float = param(AMOUNT)


class NightSchool(Pathway):
    NAME = "night_school"
    SECTION = NightSchoolSection
    QUEUE = True
    STEP = ("a term's applicants join the waiting list; its intake starts a course (HS-A3a)")

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.response = monthly_volume(1.0, p, sim.scenario, sim.date(np.arange(sim.T)))
        self.apply_rate = np.minimum(1.0, p.apply_rate * self.response)
        self.seats_by_month = (np.round(p.seats_per_term * self.response).astype(int) if sim.options.capacities
                               else np.full(sim.T, 10 ** 9))
        self.seats_n = int(self.seats_by_month[0])   # the seats offered now
        self.seats = simpy.Container(sim.env, capacity=max(int(self.seats_by_month.max()), 1), init=self.seats_n)
        self.rng = sim.rng("night_school")
        self.provider_contrib = self.rng.random(int(p.providers)) < p.provider_contributor_share
        taught = np.array(sorted(set(p.levels)))
        self.starts = np.zeros(ladder.TOP + 1, bool)  # levels from which a taught certificate is the next step
        self.starts[[lv for lv in range(ladder.TOP) if next_level(np.array([lv]))[0] in taught]] = True
        self.waitlist = np.empty(0, np.int64)
        self.admitted = 0   # learners of intakes still waiting for their seats

    def step(self, t: int) -> None:
        sim, p, w, rng = self.sim, self.p, self.sim.workers, self.rng
        if sim.month_of_year(t) not in p.term_months:
            return
        if not sim.in_policy(t + int(p.course_months)):
            if t > sim.policy_start_t:
                self.waitlist = self.waitlist[:0]   # the programme has closed: nobody waits for it
            return
        still = self.waitlist[self._on_list()]
        waiting = np.zeros(w.n, bool)
        waiting[still] = True
        pool = w.active & (w.eligible_from <= t)
        pool &= at_levels(w.level, np.flatnonzero(self.starts))   # = self.starts[w.level], without int8 → intp
        pool &= ~waiting
        pool = np.flatnonzero(pool)
        applicants = pool[rng.random(len(pool)) < self.apply_rate[t]]
        self._offer(int(self.seats_by_month[t]))
        queue = np.concatenate([still, rng.permutation(applicants)])
        k = min(len(queue), self.seats_n)
        self.waitlist = queue[k:]
        if k:
            self.admitted += k
            sim.env.process(self._course(queue[:k]))

    def _offer(self, seats: int) -> None:
        """Offer `seats` seats from now on: more at once, fewer as running courses free them
        (the withdrawal queues first, before later intakes)."""
        if seats > self.seats_n:
            self.seats.put(seats - self.seats_n)
        elif seats < self.seats_n:
            self.seats.get(self.seats_n - seats)
        self.seats_n = seats

    def waiting(self) -> int:
        """Learners waiting for a seat: on the list (still eligible) or admitted to an intake
        whose seats are still held by a running course."""
        return int(np.count_nonzero(self._on_list()) + self.admitted)

    def _on_list(self) -> np.ndarray:
        """Which of the waiting list are still in the district and at a level the school teaches from."""
        w = self.sim.workers
        return w.active[self.waitlist] & at_levels(w.level[self.waitlist], np.flatnonzero(self.starts))

    def _course(self, enrolled: np.ndarray):
        """One term's course: take the seats (waiting if need be), teach, examine, free the seats."""
        sim, p, w, rng = self.sim, self.p, self.sim.workers, self.rng
        yield self.seats.get(len(enrolled))
        self.admitted -= len(enrolled)
        start = sim.month()
        start_level = w.level[enrolled].copy()
        provider = rng.integers(0, len(self.provider_contrib), len(enrolled))
        end = start + int(p.course_months)
        yield sim.until(end, "durations end")
        self._teaching(end, start_level)
        ok = w.active[enrolled] & (w.level[enrolled] == start_level) & (rng.random(len(enrolled)) < p.pass_rate)
        sim.promote(enrolled[ok], next_level(start_level[ok]), end, "night_school",
                    recipient=ids("P", provider[ok]), recipient_kind="provider",
                    contributor=self.provider_contrib[provider[ok]])
        yield self.seats.put(len(enrolled))

    def _teaching(self, t: int, start_level: np.ndarray) -> None:
        """Class hours taught by craftsmen (HS-A3b): one event per class, a craftsman per class."""
        sim, p = self.sim, self.p
        if p.teaching_rule is None:
            return
        crafts = np.flatnonzero(sim.workers.craftsman)
        if not len(crafts):
            return
        counts = np.bincount(next_level(start_level), minlength=ladder.TOP + 1)
        classes = np.ceil(counts / p.class_size).astype(int)
        class_hours = np.repeat(np.round(p.course_hours * p.craftsman_teaching_share).astype(int), classes)
        class_hours = class_hours[class_hours > 0]
        if len(class_hours):
            teacher = self.rng.choice(crafts, len(class_hours))
            sim.log.emit("class_hours", sim.date(t), recipient_kind="craftsman", recipient=ids("W", teacher),
                         count=class_hours, amount=float(round(p.hourly_rate)), contributor=sim.contributor(teacher))
