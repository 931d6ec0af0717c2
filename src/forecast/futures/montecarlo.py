"""Monte Carlo forecasts: N futures of a scenario, each summarised as it finishes and saved in a
checkpoint, then aggregated.

Replication r is `summary.replicate(Task(scenario, draws), r)`, identical on every backend; the
job runner (`futures/jobs.py`) computes the replications and saves each at once in the
checkpoint beside the results folder: an interrupted run (KeyboardInterrupt) leaves it, and a
resumed run computes only the replications missing, and those whose entry is damaged (a
checksum that does not match: reported, then recomputed). Faults recovered from — a damaged
entry, a worker lost and its replications re-run — are told to `notice` (stderr by default).
Writing the results folder and removing the checkpoint afterwards is the caller's
(`forecast.results.api.run_monte_carlo`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from forecast.futures import backends, jobs
from forecast.futures.aggregate import Aggregate, aggregate
from forecast.futures.checkpoint import Checkpoint
from forecast.futures.provenance import scenario_hash
from forecast.futures.settings import Compute, Draws
from forecast.futures.summary import Summary, Task, replicate
from forecast.scenario.scenario import Scenario


@dataclass
class RunInfo:
    """How a run went: for the message at its end and provenance.json."""

    reps: int
    resumed: int
    computed: int
    seconds: float
    backend: str
    workers: int | None
    precision: dict | None = None     # a run to a precision: what was asked and reached (`precision.py`)


@dataclass
class MonteCarloRun:
    """A finished Monte Carlo run: its aggregate, how it went, its checkpoint (removed once the
    results folder is written) and, with --keep-ledgers, where each replication's ledger lies."""

    aggregate: Aggregate
    info: RunInfo
    checkpoint: Checkpoint
    ledgers: dict | None      # replication → its ledger's parquet file in the checkpoint (--keep-ledgers)


def run_replications(scenario: Scenario, *, reps: int, checkpoint: Path, draws: Draws, compute: Compute,
                     keep_ledgers: bool = False, on_start: Callable[[int, int], None] | None = None,
                     notice: Callable[[str], None] = backends.stderr_note, precision: dict | None = None) -> MonteCarloRun:
    """Run (or, with `compute.resume`, resume) `reps` replications, saving each in `checkpoint`,
    and aggregate them.

    `compute.progress(done, reps)` is called as replications finish; `on_start(resumed, reps)`
    once the checkpoint is read. KeyboardInterrupt leaves the checkpoint as it is. `precision`
    (`futures/precision.py`): the batches of a run to a precision share one checkpoint, whose
    replication count is then "until precision" rather than this batch's.
    """
    t0 = time.perf_counter()
    cp = Checkpoint(checkpoint)
    meta = {"kind": "monte carlo", "scenario": scenario.name, "scenario_sha256": scenario_hash(scenario),
            **draws.to_json(), "reps": reps if precision is None else "until precision", "keep_ledgers": keep_ledgers}
    if precision is not None:
        meta["precision"] = precision
    saving = jobs.Saving(cp, meta, Summary.to_json, Summary.from_json, noun="replication",
                         ledger=Summary.take_ledger if keep_ledgers else None)
    done = jobs.run(replicate, Task(scenario, draws, keep_ledgers), range(reps), compute, saving=saving,
                    notice=notice, on_start=on_start)
    agg = aggregate(scenario, done.outcomes, draws)
    ledgers = {r: cp.ledger_path(r) for r in range(reps)} if keep_ledgers else None
    info = RunInfo(reps, done.resumed, done.computed, time.perf_counter() - t0, compute.backend, compute.cores())
    return MonteCarloRun(agg, info, cp, ledgers)
