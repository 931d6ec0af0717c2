"""Precision on demand: replications in batches until the Monte Carlo error is small enough.

`forecast run SCENARIO --precision REL` runs a first batch (`--reps N`, default 40), then asks
of the aggregate whether every figure it watches is precise enough, and if not runs more:

- the policy period's total outlay: its MC standard error ≤ REL × its mean;
- each target's probability of being met that lies strictly between 0 and 1: its standard
  error √(p(1−p)/N) ≤ max(REL × p, FLOOR) — relative where p is large, the absolute floor
  (`--precision-floor`, default 0.01) where a relative error of a small probability would
  ask for millions of futures. A probability of exactly 0 or 1 has no binomial error to
  measure and is left out (a first batch of 40 makes an unseen 5 % event unlikely: 0.95^40
  = 13 %).

The next batch size is what the worst figure needs, N × (SE / tolerance)² (a standard error
shrinks as 1/√N), with 10 % to spare, at least N + the first batch and at most 4 N (a need
estimated from few replications is noisy), capped by `--max-reps`. Every replication r is the same whatever the batches (its streams depend on
the seed and r only), so the answer equals a plain run of the final N; the batches share
one checkpoint, and `--resume` continues an interrupted run from it, replaying the same
batches (saved replications are read, not computed) so that it stops where the
uninterrupted run would have. Nothing is promised
beyond `--max-reps`: if the precision is not reached there, the summary says so.

With `--sampling rqmc` (`scenario/qmc.py`) the errors are the randomised quasi-Monte Carlo ones
of the summary (the spread of the independent randomisations' means; a probability's never
below the resolution of N outcomes, sqrt(p(1-p))/N), and every batch after the first is
rounded up to a balanced run, K × 2^m replications (`qmc.balanced`), capped by `--max-reps`.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from forecast.core.errors import InputError
from forecast.futures.montecarlo import MonteCarloRun, run_replications
from forecast.futures.settings import Compute, Draws
from forecast.scenario import qmc

#: absolute floor of a probability's standard error (see the module docstring)
FLOOR = 0.01
#: default first batch and step
FIRST = 40
#: default cap on the replications
MAX_REPS = 2000
#: a batch at most this many times the last: a need estimated from few replications is itself
#: noisy (a rare target's probability above all), so the run grows in steps rather than one leap
GROWTH = 4
RULE = ("Stops when the MC standard error of the policy-period total outlay is at most REL of its mean and, for each "
        "target whose probability of being met is strictly between 0 and 1, sqrt(p(1-p)/N) is at most "
        "max(REL*p, floor); batches grow to N*(SE/tolerance)^2*1.1 (at least N + first batch, at most 4N), capped "
        "by max_reps.")


@dataclass
class Figure:
    name: str
    value: float
    se: float
    tolerance: float

    @property
    def met(self) -> bool:
        return self.se <= self.tolerance

    def needed(self, n: int) -> int:
        return n if self.met or self.tolerance <= 0 else math.ceil(n * (self.se / self.tolerance) ** 2)

    def to_json(self) -> dict:
        return {"figure": self.name, "value": round(self.value, 6), "mc_se": round(self.se, 6),
                "tolerance": round(self.tolerance, 6), "met": self.met}


@dataclass
class Precision:
    """What was asked and what was reached."""

    target: float
    floor: float
    max_reps: int
    reps: int = 0
    achieved: bool = False
    batches: list = field(default_factory=list)
    figures: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"target": self.target, "floor": self.floor, "max_reps": self.max_reps, "achieved": self.achieved,
                "reps": self.reps, "batches": list(self.batches), "figures": [f.to_json() for f in self.figures],
                "rule": RULE}


def check_request(rel: float, floor: float, first: int, max_reps: int) -> None:
    if not 0 < rel < 1:
        raise InputError("--precision", "", f"{rel!r}", "a relative standard error between 0 and 1, e.g. 0.01")
    if not 0 < floor < 0.5:
        raise InputError("--precision-floor", "", f"{floor!r}", "an absolute standard error in (0, 0.5), e.g. 0.01")
    if first < 2:
        raise InputError("--reps", "", f"first batch of {first}", "at least 2 replications")
    if max_reps < first:
        raise InputError("--max-reps", "", f"{max_reps} is below the first batch of {first}", f"at least {first}")


def figures(summary: dict, rel: float, floor: float) -> list[Figure]:
    """The watched figures of an aggregate's summary, with their errors and tolerances."""
    n = summary["reps"]
    total = summary["headline"]["outlays_yuan_in_policy_period"]
    se = total["mc_se"] if total["mc_se"] is not None else math.inf
    out = [Figure("outlays in the policy period (yuan)", total["mean"], se, rel * abs(total["mean"]))]
    rqmc = "sampling" in summary
    for t in summary["targets"]:
        p = t["probability"]
        if 0 < p < 1:
            se = max(t["mc_se"], math.sqrt(p * (1 - p)) / n) if rqmc else math.sqrt(p * (1 - p) / n)
            out.append(Figure(f"P({t['target']} met)", p, se, max(rel * p, floor)))
    return out


def run_until_precise(scenario, *, rel: float, floor: float = FLOOR, first: int = FIRST, max_reps: int = MAX_REPS,
                      checkpoint: Path, draws: Draws, compute: Compute,
                      on_start: Callable[[int, int], None] | None = None, **kwargs) -> tuple[MonteCarloRun, Precision]:
    """Run batches of replications until `figures` are all within tolerance (or `max_reps`);
    `kwargs` as `run_replications`'s. `on_start` is told of the first batch only."""
    check_request(rel, floor, first, max_reps)
    prec = Precision(rel, floor, max_reps)
    spec = {"target": rel, "floor": floor, "first": first, "max_reps": max_reps}
    # a resumed run replays the same batches (the saved replications are not computed again),
    # so it stops where the uninterrupted run would have
    n = first
    t0, computed = time.perf_counter(), 0
    while True:
        run = run_replications(scenario, reps=n, checkpoint=checkpoint, draws=draws, compute=compute, precision=spec,
                               on_start=on_start, **kwargs)
        compute, on_start = replace(compute, resume=True), None   # later batches continue the same checkpoint
        computed += run.info.computed
        prec.batches.append(n)
        prec.figures = figures(run.aggregate.summary, rel, floor)
        prec.reps, prec.achieved = n, all(f.met for f in prec.figures)
        if prec.achieved or n >= max_reps:
            # the run's info covers every batch: replications computed now, resumed from an earlier run
            run.info.computed, run.info.resumed, run.info.seconds = computed, n - computed, time.perf_counter() - t0
            return run, prec
        want = max(f.needed(n) for f in prec.figures)
        n = min(max_reps, max(n + first, min(GROWTH * n, math.ceil(1.1 * want))))
        if draws.sampling != "random":
            n = min(max_reps, qmc.balanced(n))
