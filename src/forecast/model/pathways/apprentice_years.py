"""Subsidised apprenticeships paid per apprentice-year (e.g. 企业新型学徒制): the employer earns
the rule's subsidy for each training year an apprentice completes.

Each month of the policy a number of apprentices enrol (Poisson with the section's yearly
rate / 12, which responds to the subsidy as every rewarded pathway's volume does:
`behaviour.monthly_volume`; counts from the pathway's own arrivals stream, so a reform that
changes nothing changes no count). They are drawn uniformly from active workers at or below
`max_level`, younger than `max_age`, who have never enrolled (a person is an apprentice once).

A month's cohort is one SimPy process (a duration is what SimPy is for here): it waits out
each training year and acts at "durations end" of the month the year completes (12, 24, …
months after enrolment). Reading of the drop-out: an apprentice drops out *during* a training
year with chance `dropout_per_year`, and a year dropped out of is not completed and not paid;
so of Y years an enrolment completes year j with chance (1 − d)^j and earns on average
Σ_{j=1}^{Y} (1 − d)^j apprentice-years. Whether (and in which year) each apprentice drops out
is drawn at enrolment. An apprentice who leaves the district (the engine's exits, heard
through `sim.on_exit`) stops training and earns nothing more. Completing the last year
certifies, with `certify_on_completion`, a share `certified_share` of completers one level up
(a certificate of programme "apprentice_years").

A subsidy paid once on completion by level (`completion_rule`, e.g. DX-A5 "按相应等级") is paid
on that certificate: with a completion rule the certificate names the apprentice's employer
as recipient (the enterprise is paid, as for the yearly subsidy) and its contributor flag, so
the rule's table by level pays it. Without a per-year `rule` no `apprentice_year` event is
emitted at all (reading: an apprentice-year record is a claim of the yearly subsidy; with no
such subsidy there is no claim, and the events file stays free of records no rule pays).

Each year paid is an `apprentice_year` event: recipient the employer (E…), the apprentice as
person, the apprentice's level when the year completes, count 1; for a range rule the amount
per apprentice-year is drawn uniformly within the range in force (rounded to 10 yuan), since
the texts ("≤ 6,000 per apprentice-year") give a ceiling and no distribution.
"""
from __future__ import annotations

import numpy as np

from forecast.model.behaviour import monthly_volume
from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.model.pathways.self_evaluation import next_level
from forecast.policy import ladder
from forecast.scenario.apprentice_completion import PROGRAMME


class ApprenticeYears(Pathway):
    NAME = "apprentice_years"

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.rng = sim.rng("apprentice_years")
        self.amount_rng = sim.rng("apprentice_years:amount")
        self.per_month = monthly_volume(p.enrolments_per_year, p, sim.scenario, sim.date(np.arange(sim.T))) / 12
        self.arrivals = sim.arrivals("apprentice_years").counts(self.per_month)
        self.years = int(p.training_years)
        self.max_age = int(round(p.max_age * 12))
        #: by worker: enrolled once (never again), in training now, month enrolled (-1: never)
        self.enrolled = np.zeros(0, bool)
        self.training = np.zeros(0, bool)
        self.start = np.zeros(0, np.int64)
        sim.on_exit.append(self._left)

    def _grow(self) -> None:
        """Extend the per-worker columns to every worker the district has had so far."""
        n = self.sim.workers.n
        if n > len(self.enrolled):
            extra = n - len(self.enrolled)
            self.enrolled = np.concatenate([self.enrolled, np.zeros(extra, bool)])
            self.training = np.concatenate([self.training, np.zeros(extra, bool)])
            self.start = np.concatenate([self.start, np.full(extra, -1, np.int64)])

    def step(self, t: int) -> None:
        """This month's enrolments, each cohort a SimPy process of its training years."""
        sim, p, rng = self.sim, self.p, self.rng
        if not sim.in_policy(t):
            return
        k = int(self.arrivals[t])
        if not k:
            return
        self._grow()
        w = sim.workers
        cand = w.active & (w.level <= p.max_level)
        cand &= w.birth > t - self.max_age   # younger than max_age at month t
        cand &= ~self.enrolled
        cand = np.flatnonzero(cand)
        k = min(k, len(cand))
        if not k:
            return
        who = np.sort(rng.choice(cand, k, replace=False))
        drop = rng.random((k, self.years)) < p.dropout_per_year
        completes = np.where(drop.any(axis=1), drop.argmax(axis=1), self.years)   # years completed
        self.enrolled[who] = True
        self.training[who] = True
        self.start[who] = t
        sim.env.process(self._cohort(who, completes, t))

    def _cohort(self, who: np.ndarray, completes: np.ndarray, t0: int):
        """One month's apprentices: at the end of each training year, those still training who
        complete it are paid; those who dropped out during it stop; the last year certifies."""
        sim = self.sim
        for year in range(1, self.years + 1):
            yield sim.until(t0 + 12 * year, "durations end")
            t = t0 + 12 * year
            going = self.training[who]           # still in the district and not dropped out
            done = going & (completes >= year)
            self.training[who[going & ~done]] = False
            self._pay(who[done], t)
            if year == self.years:
                self.training[who] = False
                self._certify(who[done], t)

    def _pay(self, idx: np.ndarray, t: int) -> None:
        """One `apprentice_year` event per apprentice who completed a training year in month t."""
        if not len(idx) or self.p.rule is None:
            return
        sim, w = self.sim, self.sim.workers
        rule = sim.scenario.policy.rule(self.p.rule).on(sim.date(t))
        cols = dict(recipient_kind=rule.recipient_kind, recipient=ids("E", w.employer[idx]), person=ids("W", idx),
                    level=w.level[idx], count=1, contributor=sim.contributor(idx))
        if rule.kind == "range":
            cols["amount"] = np.round(self.amount_rng.uniform(*rule.range, len(idx)), -1)
        sim.log.emit("apprentice_year", sim.date(t), **cols)

    def _certify(self, idx: np.ndarray, t: int) -> None:
        """A share of the completers certify one level up (with `certify_on_completion`); with a
        `completion_rule` the certificate is the employer's claim of the completion subsidy."""
        if not self.p.certify_on_completion or not len(idx):
            return
        sim, w = self.sim, self.sim.workers
        idx = idx[self.rng.random(len(idx)) < self.p.certified_share]
        idx = idx[w.level[idx] < ladder.TOP]
        claim = {}   # with a completion subsidy the certificate is the employer's claim of it
        if self.p.completion_rule is not None:
            rule = sim.scenario.policy.rule(self.p.completion_rule).on(sim.date(t))
            claim = dict(recipient=ids("E", w.employer[idx]), recipient_kind=rule.recipient_kind,
                         contributor=sim.contributor(idx))
        sim.promote(idx, next_level(w.level[idx]), t, PROGRAMME, **claim)

    def _left(self, idx: np.ndarray) -> None:
        """Apprentices who leave the district stop training: no further year is paid."""
        self._grow()
        self.training[idx] = False

    def owed_after(self) -> dict:
        """What those still training at the horizon's end are expected to earn after it: an
        apprentice with r training years still to complete completes each further year j with
        chance stay^j, stay = (1 − d)(1 − turnover); the yearly subsidy (`rule`) of each such
        year and the completion subsidy (`completion_rule`) of those who complete, valued by
        `_owed_years` and `_owed_on_completion`."""
        sim, p = self.sim, self.p
        self._grow()
        open_ = np.flatnonzero(self.training)
        if not len(open_):
            return {}
        turnover = sim.values.flows.turnover if sim.options.demography else 0.0
        stay = (1.0 - p.dropout_per_year) * (1.0 - turnover)
        done = (sim.T - 1 - self.start[open_]) // 12          # anniversaries already passed
        remaining = np.clip(self.years - done, 0, self.years)
        out = {}
        if p.rule is not None:
            out.update(self._owed_years(open_, stay, remaining))
        if p.completion_rule is not None:
            out.update(self._owed_on_completion(open_, stay, remaining))
        return out

    def _uplift(self, rule, idx: np.ndarray) -> np.ndarray:
        """The uplift rate of each apprentice's payment: the policy's rate for contributors' employers."""
        return np.where(self.sim.contributor(idx) & rule.uplift, self.sim.scenario.policy.uplift_rate, 0.0)

    def _owed_years(self, open_: np.ndarray, stay: float, remaining: np.ndarray) -> dict:
        """The yearly subsidy still owed after the horizon: Σ_{j ≤ r} stay^j years at the amount in
        force at the horizon's end (a range rule's midpoint), with the uplift."""
        rule = self.sim.scenario.policy.rule(self.p.rule).on(self.sim.scenario.end)
        amount = rule.amount if rule.kind == "fixed" else 0.5 * (rule.range[0] + rule.range[1])
        expected = np.array([sum(stay ** j for j in range(1, r + 1)) for r in range(self.years + 1)])
        return {rule.id: float(np.sum(expected[remaining] * amount * (1.0 + self._uplift(rule, open_))))}

    def _owed_on_completion(self, open_: np.ndarray, stay: float, remaining: np.ndarray) -> dict:
        """The completion subsidy still owed after the horizon: an apprentice completes the r
        remaining years with chance stay^r, is certified with `certified_share` and is paid the
        table's amount for the level one above the current one (the level reached if no other
        certification intervenes), with the uplift."""
        rule = self.sim.scenario.policy.rule(self.p.completion_rule).on(self.sim.scenario.end)
        level = self.sim.workers.level[open_]
        reach = np.where(level < ladder.TOP, next_level(level), level)
        amount = np.array([rule.table.get(int(lv), 0.0) if lv > lev else 0.0 for lv, lev in zip(reach, level)])
        return {rule.id: float(np.sum(stay ** remaining * self.p.certified_share * amount
                                      * (1.0 + self._uplift(rule, open_))))}
