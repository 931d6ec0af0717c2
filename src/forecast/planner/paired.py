"""Paired replications of several scenarios on common random numbers: what `forecast compare`,
`sweep` and `optimise` run.

Replication r of every scenario uses the same streams (`simulate(scenario, seed, r)`: the
parameters drawn from one child of `SeedSequence(seed).spawn(N)[r]`, each from the stream of
its name, the dynamics from another), so scenario k's replication r and the base's differ by
the policy, not by chance: differences are taken replication by replication, and their Monte
Carlo error is that of the difference (small), not of two independent runs (large).

Common random numbers are exact for what a reform leaves alone (a self-comparison gives
exactly zero) and approximate for what it changes: more pairings draw more random numbers, so
later draws of that stream shift. The paired standard error measures what is left.

The base's replication also prices its own events under each other scenario's rules
(`repriced`): what the reform would pay for what happens anyway. The deadweight of a reform is
that minus what the base pays: the extra money that buys nothing extra (`comparison.py`).

Work items are numbered i = k × reps + r (scenario k, replication r): one job for the runner
(`futures/jobs.py`), each finished item saved at once, so a run resumes where it stopped.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from forecast.core.errors import InputError
from forecast.policy.payouts import outlays_by_year
from forecast.futures import jobs
from forecast.futures.checkpoint import Checkpoint
from forecast.futures.provenance import scenario_hash
from forecast.futures.settings import Compute, Draws
from forecast.futures.simulate import draw_values, priced
from forecast.futures.summary import Summary, reduce_result, simulate_drawn, years_by_columns
from forecast.scenario.scenario import Scenario


@dataclass(frozen=True)
class PairedTask:
    """What every work item shares (sent once to each worker): the scenarios (the base first)."""

    scenarios: tuple
    draws: Draws
    reps: int
    reprice: bool = True          # the base's replications price their events under the others' rules
    first_rep: int = 0            # replications first_rep … first_rep + reps − 1 (optimise: fresh ones)


@dataclass
class PairedSummary:
    """One work item: scenario k's replication summarised and, for the base, its events priced
    under each other scenario's rules."""

    summary: Summary
    repriced: dict                # scenario index j → years × rules of j, yuan (base items only)

    def to_json(self) -> dict:
        return {"summary": self.summary.to_json(), "repriced": {str(j): a.tolist() for j, a in self.repriced.items()}}

    @classmethod
    def from_json(cls, d: dict) -> "PairedSummary":
        return cls(Summary.from_json(d["summary"]), {int(j): years_by_columns(a) for j, a in d["repriced"].items()})


@dataclass
class Paired:
    """The replications of every scenario, in replication order, and the base's repricings."""

    scenarios: tuple
    draws: Draws
    reps: int
    summaries: list               # [k][r] → Summary of scenario k's replication first_rep + r
    repriced: dict                # j → reps × years × rules of scenario j (yuan); empty without repricing
    resumed: int = 0
    first_rep: int = 0

    @property
    def seed(self) -> int:
        """The run's seed (the comparison's bootstrap resamples are drawn from it)."""
        return self.draws.seed


def run_item(task: PairedTask, i: int) -> PairedSummary:
    """Simulate work item i (runs on a worker)."""
    k, r = divmod(i, task.reps)
    rep = task.first_rep + r
    result = simulate_drawn(task.scenarios[k], task.draws, rep)
    summary = reduce_result(result)
    repriced = {}
    if k == 0 and task.reprice:
        for j, other in enumerate(task.scenarios[1:], start=1):
            repriced[j] = reprice(result, summary, other, task, rep)
    return PairedSummary(summary, repriced)


def reprice(result, summary: Summary, other: Scenario, task: PairedTask, rep: int) -> np.ndarray:
    """The base's events priced under another scenario's rules (years × that scenario's cash
    rules, yuan). Only the rules that differ are priced again — a rule's payouts depend on its
    own events, once-only claims and lag alone — the others are the base's own outlays."""
    base = task.scenarios[0]
    values, _ = draw_values(other, task.draws.seed, rep, task.draws.uncertain, task.draws.fixed,
                            sampling=task.draws.sampling)
    lags, scale, own_scale = values.pay_lag, values.amount_scale, result.values.amount_scale
    own = base.policy.rule_ids()
    same = {r.id for r in other.policy.rules
            if r.id in own and r == base.policy.rule(r.id) and lags[r.id] == result.values.pay_lag[r.id]
            and scale.get(r.id, 1.0) == own_scale.get(r.id, 1.0)}
    changed = tuple(r for r in other.policy.rules if r.id not in same)
    ids = other.policy.rule_ids()
    out = np.zeros((len(base.years), len(ids)))
    for c, rid in enumerate(ids):
        if rid in same:
            out[:, c] = summary.outlays[:, own.index(rid)]
    if changed:
        ledger = priced(result.events, replace(other.policy, rules=changed), values)
        table = outlays_by_year(ledger, ids, base.years)
        for c, rid in enumerate(ids):
            if rid not in same:
                out[:, c] = table[rid].to_numpy(dtype=float)
    return out


def check_comparable(base: Scenario, other: Scenario, label: str) -> None:
    """A scenario compared with the base keeps its calendar and targets (the rows must match)."""
    if other.years != base.years or other.start != base.start:
        raise InputError(label, "calendar", f"runs {other.start}…{other.end}, the base {base.start}…{base.end}",
                         "the base scenario's calendar (a reform changes rules and assumptions, not the horizon)")
    if [t.id for t in other.targets] != [t.id for t in base.targets]:
        raise InputError(label, "targets", "has other targets than the base", "the base scenario's targets")


def run_paired(scenarios, *, reps: int, checkpoint: Path, draws: Draws, compute: Compute, reprice: bool = True,
               first_rep: int = 0) -> Paired:
    """Run (or, with `compute.resume`, resume) `reps` paired replications of each scenario
    (scenarios[0] the base)."""
    scenarios = tuple(scenarios)
    draws.refuse("a paired comparison", "sampling")
    for s in scenarios[1:]:
        check_comparable(scenarios[0], s, str(s.path))
    joint = hashlib.sha256("".join(scenario_hash(s) for s in scenarios).encode()).hexdigest()
    meta = {"kind": "paired", "scenario": scenarios[0].name, "scenario_sha256": joint, **draws.to_json(),
            "reps": reps, "first_rep": first_rep, "reprice": reprice}
    saving = jobs.Saving(Checkpoint(checkpoint), meta, PairedSummary.to_json, PairedSummary.from_json)
    done = jobs.run(run_item, PairedTask(scenarios, draws, reps, reprice, first_rep), range(len(scenarios) * reps),
                    compute, saving=saving)
    items = done.outcomes
    summaries = [[items[k * reps + r].summary for r in range(reps)] for k in range(len(scenarios))]
    repriced = {}
    if reprice:
        for j in range(1, len(scenarios)):
            repriced[j] = np.stack([items[r].repriced[j] for r in range(reps)])
    saving.checkpoint.remove()
    return Paired(scenarios, draws, reps, summaries, repriced, done.resumed, first_rep)
