"""The cheapest setting of some keys that reaches a target with a required probability: the
search behind `forecast optimise` (pure computation; `planner/optimise.py` runs and writes it).

Problem. Over a box of settings (each `--vary KEY=LOW:HIGH`), minimise the expected outlay
of the policy period (the mean over replications of the cash outlays in the years
`policy.in_period` selects) subject to P(target met) ≥ P and, when asked, P(every policy
year is covered by the fund's returns: no shortfall of the returns account, `model.fund`)
≥ Q. Both probabilities and the cost are estimated from the same N replications.

Method. Every candidate is evaluated on the **same** replications 0 … N−1 of the seed
(common random numbers, `planner/paired.py`), so two candidates differ by their setting, not by
chance, and a search step is not misled by noise between candidates. The evaluator is a
function given to `search` (the facade runs many candidates in one paired run):

- one varied key: the two bounds first; when exactly one of them is feasible the
  probability is taken as monotone between them and the boundary is found by bisection
  (each step halves the interval; whole-number bounds keep whole values and stop when no
  whole value is left between); otherwise the general method below uses what is left;
- several keys (or no bracket): a space-filling first stage, a seeded Latin hypercube of
  about half the evaluations over the box, then refinement rounds, each a small Latin
  hypercube in a box half as wide as the last, centred on the cheapest feasible point so far
  (or, while none is feasible, on the point closest to feasibility: the largest of
  min(P(met) − P, P(within) − Q)), until `max_evals` candidates are spent.

Limits. Probabilities have a resolution of 1/N and a Monte Carlo standard error of about
√(p(1−p)/N); the search keeps the best of many noisy estimates, so the selected point's
in-sample figures are biased in its favour (winner's curse). The facade therefore
re-estimates it on N fresh replications (N … 2N−1, unused by the search) and reports
whether the requirement still holds there. The search is a heuristic over the box: it finds
a good feasible setting within the budget, not a proof of the global optimum; with several
keys a finer answer needs more evaluations.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.stats import qmc

from forecast.core.errors import InputError
from forecast.model import fund as fundlib

METHOD = (
    "Minimises the expected policy-period cash outlay (mean over replications) over the box of the varied keys, "
    "subject to P(target met) ≥ P and, when asked, P(no shortfall of the fund's returns account in any policy year) "
    "≥ Q. Every candidate runs on the same replications 0…N−1 of the seed (common random numbers), so candidates "
    "differ by their setting, not by chance. One varied key: both bounds, then bisection between a feasible and an "
    "infeasible bound (the probability taken as monotone). Otherwise: a seeded Latin hypercube over the box (about "
    "half the evaluations), then refinement rounds in boxes halving in width around the cheapest feasible point "
    "(or the point closest to feasibility). Limits: probabilities are estimated from N replications (resolution "
    "1/N, standard error about sqrt(p(1−p)/N)); the selected point is the best of many noisy estimates (winner's "
    "curse), so it is re-estimated out of sample on N fresh replications (N…2N−1) with Monte Carlo standard "
    "errors; the search is a heuristic within max_evals evaluations, not a proof of the global optimum. When no "
    "candidate is feasible, no optimum is given: the verdict states the highest probability reached and where.")


@dataclass(frozen=True)
class Estimate:
    """A setting's figures over some replications: mean cost (yuan) and probabilities, each
    with its Monte Carlo standard error; `p_within` is None when not asked."""

    reps: int
    cost_mean: float
    cost_se: float
    p_target: float
    p_target_se: float
    p_within: float | None = None
    p_within_se: float | None = None

    def feasible(self, probability: float, within: float | None) -> bool:
        return self.p_target >= probability and (within is None or (self.p_within or 0.0) >= within)

    def margin(self, probability: float, within: float | None) -> float:
        """How far from feasible (≥ 0: feasible): the smaller of the probabilities' slacks."""
        m = self.p_target - probability
        return m if within is None else min(m, (self.p_within or 0.0) - within)

    def to_json(self) -> dict:
        out = {"replications": self.reps, "cost_mean_yuan": self.cost_mean, "cost_se_yuan": self.cost_se,
               "p_target": self.p_target, "p_target_se": self.p_target_se}
        if self.p_within is not None:
            out |= {"p_within_returns": self.p_within, "p_within_returns_se": self.p_within_se}
        return out


@dataclass(frozen=True)
class Candidate:
    """One evaluated setting: the stage that proposed it, key → value, and its estimate."""

    index: int
    stage: str
    setting: dict
    estimate: Estimate
    feasible: bool


@dataclass
class Search:
    """The outcome: every candidate in evaluation order, the cheapest feasible (or None)."""

    candidates: list
    best: Candidate | None = None
    closest: Candidate | None = None          # the highest margin, when none is feasible
    highest_target: Candidate | None = None   # the highest P(target met)
    highest_within: Candidate | None = None   # the highest P(within returns), when asked
    notes: list = field(default_factory=list)


def _proportion(x: np.ndarray) -> tuple[float, float]:
    p = float(np.mean(x))
    return p, math.sqrt(p * (1.0 - p) / len(x))


def measure(summaries, scenario, target_index: int, within: bool) -> Estimate:
    """The estimate of one setting from its replications' summaries (`futures/summary.py`): policy-period
    cash outlays, whether the target is met, and (with `within`) whether the fund's returns
    account has no shortfall in any policy year (`model.fund.fund_paths`, per replication with
    its drawn principal, return rate and top-up)."""
    inside = scenario.policy.in_period(scenario.years)
    target = scenario.targets[target_index]
    by_year = np.stack([r.outlays.sum(axis=1) for r in summaries])          # reps × years
    cost = by_year[:, inside].sum(axis=1)
    met = np.array([bool(target.met(float(r.targets[target_index]))) for r in summaries], dtype=float)
    n = len(summaries)
    se = float(cost.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    p, p_se = _proportion(met)
    if not within:
        return Estimate(n, float(cost.mean()), se, p, p_se)
    fund = scenario.resolve(None).fund
    par = [r.params for r in summaries]
    paths = fundlib.account(by_year, fund.kind, lambda key: [d[f"fund.{key}"] for d in par], fund.draw_on_principal)
    ok = (~paths.shortfall[:, inside].any(axis=1)).astype(float)
    q, q_se = _proportion(ok)
    return Estimate(n, float(cost.mean()), se, p, p_se, q, q_se)


def snap(vary, x: float):
    """A point of the box as the value written into the scenario: whole-number bounds give
    whole values; others keep six significant figures (a readable setting, the same on
    every machine)."""
    x = min(max(float(x), vary.low), vary.high)
    return int(round(x)) if vary.integer else float(f"{x:.6g}")


def search(vary: list, evaluate: Callable[[list], list], *, probability: float, within: float | None,
           max_evals: int, seed: int) -> Search:
    """Search the box of `vary` (settings.Vary) for the cheapest feasible setting.

    `evaluate(settings)` takes a list of {key: value} and returns one `Estimate` each, every
    one on the same replications. At most `max_evals` distinct settings are evaluated."""
    if max_evals < 2:
        raise InputError("--max-evals", "", f"{max_evals} evaluations", "a whole number ≥ 2")
    keys = [v.key for v in vary]
    lo = np.array([v.low for v in vary], dtype=float)
    hi = np.array([v.high for v in vary], dtype=float)
    out = Search([])
    seen: set = set()

    def run(stage: str, points) -> int:
        batch = []
        for x in points:
            values = tuple(snap(v, xi) for v, xi in zip(vary, x))
            if values not in seen and len(seen) < max_evals:
                seen.add(values)
                batch.append(values)
        if batch:
            estimates = evaluate([dict(zip(keys, b)) for b in batch])
            for b, e in zip(batch, estimates):
                out.candidates.append(Candidate(len(out.candidates), stage, dict(zip(keys, b)), e,
                                                e.feasible(probability, within)))
        return len(batch)

    if len(vary) == 1:
        run("bounds", [lo, hi])
        _bisect(out, run, vary[0], probability, within, max_evals)
    if len(seen) < max_evals:
        _space_filling(out, run, lo, hi, seen, probability, within, max_evals, seed)
    _conclude(out, probability, within)
    return out


def _bisect(out: Search, run, vary, probability, within, max_evals) -> None:
    """One key: bisection between the feasible and the infeasible bound, when exactly one is."""
    ends = [c for c in out.candidates if c.stage == "bounds"]
    if len(ends) != 2 or ends[0].feasible == ends[1].feasible:
        out.notes.append("bounds both feasible or both infeasible: no bracket for bisection")
        return
    good, bad = (ends[0], ends[1]) if ends[0].feasible else (ends[1], ends[0])
    a, b = float(good.setting[vary.key]), float(bad.setting[vary.key])
    while len(out.candidates) < max_evals:
        m = snap(vary, (a + b) / 2)
        if m in (snap(vary, a), snap(vary, b)):
            out.notes.append("bisection stopped: no distinct value left between the bracket")
            break
        if not run("bisection", [np.array([m])]):
            break
        if out.candidates[-1].feasible:
            a = m
        else:
            b = m


def _space_filling(out: Search, run, lo, hi, seen, probability, within, max_evals, seed) -> None:
    """A Latin hypercube over the box, then rounds in shrinking boxes around the best point."""
    d = len(lo)
    left = max_evals - len(seen)
    first = max(1, left // 2) if out.candidates else max(2, left // 2)
    run("sample", lo + qmc.LatinHypercube(d=d, seed=seed).random(first) * (hi - lo))
    width = hi - lo
    for round_ in range(1, 64):
        left = max_evals - len(seen)
        if left <= 0 or not np.any(width > 0):
            break
        width = width / 2
        centre = _centre(out, probability, within)
        box_lo = np.clip(centre - width / 2, lo, hi)
        box_hi = np.clip(centre + width / 2, lo, hi)
        k = min(left, max(2, d + 1))
        u = qmc.LatinHypercube(d=d, seed=seed + round_).random(k)
        run("refine", box_lo + u * (box_hi - box_lo))


def _centre(out: Search, probability, within) -> np.ndarray:
    feasible = [c for c in out.candidates if c.feasible]
    pick = (min(feasible, key=lambda c: (c.estimate.cost_mean, c.index)) if feasible else
            max(out.candidates, key=lambda c: (c.estimate.margin(probability, within), -c.index)))
    return np.array([float(v) for v in pick.setting.values()])


def _conclude(out: Search, probability, within) -> None:
    cands = out.candidates
    feasible = [c for c in cands if c.feasible]
    out.best = min(feasible, key=lambda c: (c.estimate.cost_mean, c.index)) if feasible else None
    out.closest = max(cands, key=lambda c: (c.estimate.margin(probability, within), -c.index))
    out.highest_target = max(cands, key=lambda c: (c.estimate.p_target, -c.estimate.cost_mean, -c.index))
    if within is not None:
        out.highest_within = max(cands, key=lambda c: (c.estimate.p_within or 0.0, -c.estimate.cost_mean, -c.index))


def setting_text(setting: dict) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in setting.items())
