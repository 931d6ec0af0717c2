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

from dataclasses import dataclass

import numpy as np

from forecast.model.behaviour import monthly_volume
from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.model.pathways.self_evaluation import next_level
from forecast.params.param import AGE, PROBABILITY, RATE, SHARE, Domain
from forecast.params.section import Responsive, param, setting
from forecast.params.table import Table
from forecast.policy import ladder

#: the programme of the certificates the pathway emits on completion
PROGRAMME = "apprentice_years"
#: years an apprenticeship's training lasts: a whole number in [1, 10]
TRAINING_YEARS = Domain(1, 10, True, "a whole number of years in [1, 10]")


@dataclass(frozen=True, eq=False)
class ApprenticeYearsSection(Responsive):
    """[pathways.apprentice_years]: subsidised apprenticeships (e.g. 企业新型学徒制) paid to the
    employer per apprentice-year (`rule`, a fixed rule or a range rule whose amount is drawn
    uniformly within its range). Enrolments a year (Poisson) are drawn from active workers at or
    below `max_level` and younger than `max_age`; each trains `training_years` and drops out
    during each year with chance `dropout_per_year` (a year dropped out of is not paid);
    with `certify_on_completion` a share `certified_share` of completers certify one level up.
    A subsidy paid once on completion by the certificate's level (e.g. DX-A5, "按相应等级") is
    `completion_rule`: a table rule by level paying `certificate` events of programme
    "apprentice_years" (the completion certificate; needs certify_on_completion = true), paid
    to the employer. Either or both of `rule` and `completion_rule` (`check`);
    without `rule` no apprentice-year is paid or recorded. The volume responds by default to
    both (a table rule needs its `expected_units` by level)."""
    PAYING_RULE = "rule"
    #: setting → (rule kinds it may name, event kind of the rule)
    RULE_KINDS = {"rule": (("fixed", "range"), "apprentice_year"), "completion_rule": (("table",), "certificate")}
    rule: str | None = setting("rule", optional=True)
    max_level: int = setting("level")
    max_age: float = param(AGE)
    enrolments_per_year: float = param(RATE)
    training_years: int = param(TRAINING_YEARS)
    dropout_per_year: float = param(PROBABILITY)
    certify_on_completion: bool = setting("flag", default=False)
    certified_share: float = param(SHARE, default=(1.0, "every completer is certified one level up"))
    completion_rule: str | None = setting("rule", optional=True)

    def rewarded(self) -> bool:
        return self.rule is not None or self.completion_rule is not None

    def response_rule_ids(self) -> list[str]:
        """The stated response rules, else whichever of `rule` and `completion_rule` is given."""
        return list(self.response_rules) if self.response_rules else [r for r in (self.rule, self.completion_rule) if r]

    @classmethod
    def paying(cls, spec: dict) -> str | None:
        """Apprentice-years may pay on completion only."""
        return spec.get("rule") or spec.get("completion_rule")

    @classmethod
    def check(cls, t: Table, spec: dict, rules: dict) -> None:
        """What the pathway pays: per apprentice-year (`rule`, e.g. HZ-A11 "每人每年不高于6000元"), once on
        completion by the certificate's level (`completion_rule`, e.g. Dongxihu's DX-A5:
        "对完成学徒培训计划并取得职业资格(技能等级)证书的按相应等级给予补贴", seed 004 3(五)), or both. The
        completion subsidy is paid on the completion certificate the pathway emits (event
        `certificate`, programme PROGRAMME), so its rule must be a table by level on `certificate`
        events of that programme — then `forecast payouts` pays a real completion record (a
        certificate of programme "apprentice_years" with the employer as recipient) by the same rule,
        and no other certificate — and the pathway must certify on completion. (The rules' kinds and
        event kinds are checked with RULE_KINDS.) Then the response, as every rewarded section's."""
        if spec.get("rule") is None and spec.get("completion_rule") is None:
            raise t.error("rule", "missing: the pathway pays per apprentice-year (`rule`), once on completion "
                                  "(`completion_rule`) or both", "rule and/or completion_rule")
        rid = spec.get("completion_rule")
        if rid is not None:
            if not spec.get("certify_on_completion"):
                raise t.error("certify_on_completion", f"completion_rule {rid} pays the completion certificate, "
                                                       "which is only emitted with certify_on_completion = true", "true")
            rule = rules[rid]
            if rule.programme != PROGRAMME:
                raise t.error("completion_rule", f"rules.{rid} pays certificates of "
                              + (f"programme {rule.programme!r}" if rule.programme else "every programme"),
                              f'a table rule by level with event = "certificate" and programme = "{PROGRAMME}"')
        super().check(t, spec, rules)


class ApprenticeYears(Pathway):
    NAME = "apprentice_years"
    SECTION = ApprenticeYearsSection
    STEP = ("apprentices enrol from young workers at or below a level (after demography and the "
                             "certification steps: the month's leavers cannot enrol, its hires can, at the level "
                             "the month gave them); a completed training year is paid at 'durations end'")

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
