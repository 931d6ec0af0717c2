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

Work items are numbered i = k × reps + r (scenario k, replication r) so that the backends and
the checkpoint see one list; each finished item is saved at once and a run resumes where it
stopped.
"""
from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from forecast.core.errors import InputError
from forecast.policy.payouts import outlays_by_year
from forecast.futures import backends
from forecast.futures.checkpoint import Checkpoint
from forecast.futures.provenance import scenario_hash
from forecast.futures.summary import Record, reduce_result
from forecast.futures.simulate import priced, replication_seed, simulate
from forecast.scenario.scenario import Scenario


@dataclass(frozen=True)
class PairedTask:
    """What every work item shares (sent once to each worker): the scenarios (the base first)."""

    scenarios: tuple
    seed: int
    reps: int
    uncertain: bool = True
    fixed: frozenset = frozenset()
    reprice: bool = True          # the base's replications price their events under the others' rules
    first_rep: int = 0            # replications first_rep … first_rep + reps − 1 (optimise: fresh ones)


@dataclass
class ItemRecord:
    """One work item: scenario k's replication, and for the base its events repriced."""

    rep: int                      # the item number i = k × reps + r (named so for the backends)
    record: Record
    repriced: dict                # scenario index j → years × rules of j, yuan (base items only)

    def to_json(self) -> dict:
        return {"rep": self.rep, "record": self.record.to_json(),
                "repriced": {str(j): a.tolist() for j, a in self.repriced.items()}}

    @classmethod
    def from_json(cls, d: dict) -> "ItemRecord":
        return cls(int(d["rep"]), Record.from_json(d["record"]),
                   {int(j): np.asarray(a, dtype=float) for j, a in d["repriced"].items()})


@dataclass
class Paired:
    """The replications of every scenario, in replication order, and the base's repricings."""

    scenarios: tuple
    seed: int
    reps: int
    uncertain: bool
    fixed: frozenset
    records: list                 # [k][r] → Record
    repriced: dict                # j → reps × years × rules of scenario j (yuan); empty without repricing
    resumed: int = 0
    first_rep: int = 0


def values_of(scenario: Scenario, seed: int, rep: int, uncertain: bool, fixed: frozenset):
    """The parameter values replication `rep` draws for a scenario (as `simulate` does)."""
    param_ss, _ = replication_seed(seed, rep).spawn(2)
    return scenario.resolve(param_ss if uncertain else None, fixed)


def run_item(task: PairedTask, i: int) -> ItemRecord:
    """Simulate work item i (runs on a worker)."""
    k, r = divmod(i, task.reps)
    rep = task.first_rep + r
    result = simulate(task.scenarios[k], task.seed, rep, uncertain=task.uncertain, fixed=task.fixed)
    record = reduce_result(result)
    record.rep = r
    repriced = {}
    if k == 0 and task.reprice:
        for j, other in enumerate(task.scenarios[1:], start=1):
            repriced[j] = reprice(result, record, other, task, rep)
    return ItemRecord(i, record, repriced)


def reprice(result, record: Record, other: Scenario, task: PairedTask, rep: int) -> np.ndarray:
    """The base's events priced under another scenario's rules (years × that scenario's cash
    rules, yuan). Only the rules that differ are priced again — a rule's payouts depend on its
    own events, once-only claims and lag alone — the others are the base's own outlays."""
    base = task.scenarios[0]
    values = values_of(other, task.seed, rep, task.uncertain, task.fixed)
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
            out[:, c] = record.outlays[:, own.index(rid)]
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


def run_paired(scenarios, *, seed: int, reps: int, checkpoint: Path, uncertain: bool = True,
               fixed: frozenset = frozenset(), reprice: bool = True, first_rep: int = 0,
               backend: str = "processes", workers: int | None = None, scheduler: str | None = None,
               resume: bool = False, progress: Callable[[int, int], None] | None = None) -> Paired:
    """Run (or resume) `reps` paired replications of each scenario (scenarios[0] the base)."""
    scenarios = tuple(scenarios)
    for s in scenarios[1:]:
        check_comparable(scenarios[0], s, str(s.path))
    task = PairedTask(scenarios, seed, reps, uncertain, frozenset(fixed), reprice, first_rep)
    n = len(scenarios) * reps
    cp = Checkpoint(checkpoint)
    joint = hashlib.sha256("".join(scenario_hash(s) for s in scenarios).encode()).hexdigest()
    # the checkpoint's entries are the work items, n of them (it keeps the entries below "reps")
    meta = {"scenario": scenarios[0].name, "scenario_sha256": joint, "seed": seed, "reps": n,
            "replications_per_scenario": reps, "uncertain": uncertain, "fixed": sorted(fixed),
            "keep_ledgers": False, "kind": "paired", "first_rep": first_rep, "reprice": reprice}
    saved = cp.resume(meta) if resume else cp.start(meta)
    for i, why in sorted(cp.damaged.items()):
        backends.stderr_note(f"checkpoint entry of item {i} in {cp.folder}/ is damaged ({why}); it is recomputed")
    items = {int(i): ItemRecord.from_json(d) for i, d in saved.items()}
    resumed = len(items)
    if progress:
        progress(len(items), n)
    todo = [i for i in range(n) if i not in items]
    with contextlib.closing(backends.run(run_item, task, todo, backend=backend, workers=workers,
                                         scheduler=scheduler)) as finished:
        for item in finished:
            cp.save(item.rep, item.to_json(), None)
            items[item.rep] = item
            if progress:
                progress(len(items), n)
    records = [[items[k * reps + r].record for r in range(reps)] for k in range(len(scenarios))]
    repriced = {}
    if reprice:
        for j in range(1, len(scenarios)):
            repriced[j] = np.stack([items[r].repriced[j] for r in range(reps)])
    cp.remove()
    return Paired(scenarios, seed, reps, uncertain, frozenset(fixed), records, repriced, resumed, first_rep)
