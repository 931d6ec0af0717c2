"""What real records have already committed the fund to: the future of real apprentices and
real craftsmen, from the model's own hazards (`forecast reforecast`, `forecast.reforecast.execution`).

A budget re-forecast cannot simulate the district's real people, but it knows the ones the
fund owes: a master paired with an apprentice at a known level on a known day earns HS-A8b's
milestones if the apprentice certifies within the windows; a named craftsman earns HS-A2b's
annuity at each yearly assessment passed while in the district. Their futures follow the same
monthly chain as the simulation's workers (`engine.STEPS`: the month's exits, then the
month's certifications), with the replication's parameters:

- an apprentice leaves the district with the monthly equivalent of `flows.turnover`;
- then, once the time in grade is served (the ladder's minimum months, × the mentoring
  time-in-grade factor while the pairing is open), certifies to the next level with the
  monthly equivalent of the self-evaluation rate × `rate_scale` (× the mentoring factor
  while the pairing is open, capped at 1);
- a craftsman stays to a month with the monthly equivalent of `leave_rate` and passes each
  assessment with `pass_rate`.

Readings and simplifications, stated where the figures are used: the records give no age, so
retirement is not applied before the horizon (craftsmen's own `leave_rate` covers their
exits); an apprentice's time in grade runs from the apprentice's last certificate recorded
after the pairing, and without one it is not known: it is then taken as equally likely any
whole number of months from 0 to `population.max_years_in_grade` years before the pairing, as
the engine draws the start population's (an assumption); the night school and competitions, which lift few apprentices, are
not counted as routes; a master who leaves does not end the apprentice's window (the
engine's reading: a certificate within the window is reported to the master's rule).

Two forms of each: `*_chances` / `annuity_expectation` give exact expectations (the Markov
chain's probabilities month by month, checked by hand in the tests); `draw_*` sample one
future of the same chain for a replication, so the re-forecast band holds the chance of each
real pairing too. The sampler is checked against the expectation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.model.population import monthly
from forecast.policy import ladder


@dataclass(frozen=True)
class Chain:
    """The monthly hazards of a paired apprentice's ladder (one replication's values)."""

    rate_month: np.ndarray       # by level: monthly chance to certify once eligible (unmentored)
    min_months: np.ndarray       # by level: minimum months in grade (unmentored)
    exit_month: float            # monthly chance of leaving the district
    mentoring_factor: float = 1.0
    time_in_grade_factor: float = 1.0
    duration_months: int = 10 ** 6   # months a pairing stays open

    @classmethod
    def from_values(cls, values) -> "Chain":
        """The chain of a replication's parameter values (`forecast.model.values.Values`)."""
        se = values.pathways["self_evaluation"]
        ap = values.pathways["apprenticeship"]
        return cls(rate_month=monthly(np.minimum(1.0, se.yearly_rate * se.rate_scale)),
                   min_months=np.asarray(values.ladder.min_months, dtype=float),
                   exit_month=float(monthly(values.flows.turnover)),
                   mentoring_factor=float(ap.mentoring_factor), time_in_grade_factor=float(ap.time_in_grade_factor),
                   duration_months=int(round(ap.duration_months)))

    def hazard(self, level: np.ndarray, open_: np.ndarray) -> np.ndarray:
        p = self.rate_month[level] * np.where(open_, self.mentoring_factor, 1.0)
        return np.where(level < ladder.TOP, np.minimum(1.0, p), 0.0)

    def wait(self, level: np.ndarray, open_: np.ndarray) -> np.ndarray:
        m = self.min_months[np.minimum(level, ladder.TOP)]
        return np.where(open_, np.ceil(m * self.time_in_grade_factor), m)


def milestone_chances(chain: Chain, level: int, since, paired: int, first: int, last: int) -> np.ndarray:
    """Exact chances that one apprentice certifies at each level in each month.

    `level`: the apprentice's level at the start; `since`: month index of the last
    certificate, or an array of equally likely such months (a time in grade not known);
    `paired`: month index of the pairing; months `first` … `last` (inclusive) are simulated.
    Returns (last − first + 1) × 9: P(certifies to level ℓ in month t). The state is (level,
    month of the last certificate): the time-in-grade rule needs the second."""
    months = last - first + 1
    starts = np.atleast_1d(np.asarray(since, dtype=float))
    s0 = len(starts)
    out = np.zeros((max(months, 0), ladder.TOP + 1))
    # columns: the possible months of the last certificate at the start, then one per month simulated
    mass = np.zeros((ladder.TOP + 1, s0 + months))
    mass[level, :s0] = 1.0 / s0
    since_of = np.concatenate([starts, np.arange(first, last + 1)])
    levels = np.arange(ladder.TOP + 1)
    for k, t in enumerate(range(first, last + 1)):
        mass *= 1.0 - chain.exit_month
        open_ = t < paired + chain.duration_months
        p = chain.hazard(levels, np.full(len(levels), open_))
        wait = chain.wait(levels, np.full(len(levels), open_))
        eligible = t >= since_of[None, :] + wait[:, None]
        moved = np.where(eligible, mass * p[:, None], 0.0)
        mass -= moved
        up = moved.sum(axis=1)
        mass[1:, s0 + k] += up[:-1]
        out[k, 1:] += up[:-1]
    return out


def draw_certifications(chain: Chain, level: np.ndarray, since: np.ndarray, paired: np.ndarray, first: int,
                        last: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One future of many apprentices' chains at once: (apprentice index, month, level) of
    every certificate from month `first` to each apprentice's `last` month."""
    level = np.asarray(level, dtype=np.int64).copy()
    since = np.asarray(since, dtype=np.int64).copy()
    paired = np.asarray(paired, dtype=np.int64)
    last = np.asarray(last, dtype=np.int64)
    active = last >= first
    out_i, out_t, out_l = [], [], []
    for t in range(first, int(last.max(initial=first - 1)) + 1):
        active &= t <= last
        if not active.any():
            break
        active &= rng.random(len(level)) >= chain.exit_month
        open_ = t < paired + chain.duration_months
        eligible = active & (level < ladder.TOP) & (t >= since + chain.wait(level, open_))
        up = eligible & (rng.random(len(level)) < chain.hazard(level, open_))
        i = np.flatnonzero(up)
        if len(i):
            level[i] += 1
            since[i] = t
            out_i.append(i), out_t.append(np.full(len(i), t)), out_l.append(level[i].copy())
    if not out_i:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    return np.concatenate(out_i), np.concatenate(out_t), np.concatenate(out_l)


def annuity_expectation(months_ahead: np.ndarray, pass_rate: float, leave_rate: float) -> np.ndarray:
    """Chance that a craftsman is still in the district `months_ahead` months on and passes
    that assessment: pass_rate × (1 − leave_rate)^(months / 12)."""
    return pass_rate * (1.0 - leave_rate) ** (np.asarray(months_ahead, dtype=float) / 12.0)


def draw_assessments(months_ahead: np.ndarray, pass_rate: float, leave_rate: float,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One future of the yearly assessments of craftsmen: `months_ahead` is craftsmen ×
    assessments (months from now; NaN where there is none). Each craftsman leaves after a
    geometric number of months (monthly equivalent of `leave_rate`); each assessment while
    present is passed with `pass_rate`. Returns (present, passed), both boolean like the input."""
    months_ahead = np.asarray(months_ahead, dtype=float)
    n = months_ahead.shape[0]
    m = float(monthly(leave_rate))
    stay = rng.geometric(m, n) if m > 0 else np.full(n, np.iinfo(np.int64).max)   # first month gone
    present = np.isfinite(months_ahead) & (np.nan_to_num(months_ahead, nan=0.0) < stay[:, None])
    passed = present & (rng.random(months_ahead.shape) < pass_rate)
    return present, passed
