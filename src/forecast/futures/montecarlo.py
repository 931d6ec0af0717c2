"""Monte Carlo forecasts: N futures of a scenario, each reduced as it finishes and saved in a
checkpoint, then aggregated.

Replication r is `record.replicate(Task(scenario, seed), r)`, identical on every backend
(`backends.py`). Each finished replication is saved at once in the checkpoint beside the
results folder (`checkpoint.py`): an interrupted run (KeyboardInterrupt) leaves it, and a
resumed run computes only the replications missing, and those whose entry is damaged (a
checksum that does not match: reported, then recomputed). Faults recovered from — a damaged
entry, a worker lost and its replications re-run — are told to `notice` (stderr by default).
Writing the results folder and removing the checkpoint afterwards is the caller's
(`forecast.results.api.run_monte_carlo`).
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from forecast.futures import backends
from forecast.futures.aggregate import Aggregate, aggregate
from forecast.futures.checkpoint import Checkpoint
from forecast.futures.provenance import scenario_hash
from forecast.futures.summary import Record, Task, replicate
from forecast.scenario import qmc
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
class Run:
    aggregate: Aggregate
    info: RunInfo
    checkpoint: Checkpoint
    ledgers: dict | None      # replication → its ledger's parquet file in the checkpoint (--keep-ledgers)


def run_replications(scenario: Scenario, *, seed: int, reps: int, checkpoint: Path, uncertain: bool = True,
                     fixed: frozenset = frozenset(), backend: str = "processes", workers: int | None = None, scheduler: str | None = None,
                     resume: bool = False, keep_ledgers: bool = False,
                     progress: Callable[[int, int], None] | None = None,
                     on_start: Callable[[int, int], None] | None = None,
                     notice: Callable[[str], None] = backends.stderr_note, precision: dict | None = None,
                     sampling: str = "random") -> Run:
    """Run (or resume) `reps` replications, saving each in `checkpoint`, and aggregate them.

    `progress(done, reps)` is called as replications finish; `on_start(resumed, reps)` once
    the checkpoint is read. KeyboardInterrupt leaves the checkpoint as it is. `precision`
    (`futures/precision.py`): the batches of a run to a precision share one checkpoint, whose
    replication count is then "until precision" rather than this batch's. `sampling`: "random"
    or "rqmc", the parameters' uniforms (`scenario/qmc.py`).
    """
    qmc.check_method(sampling)
    t0 = time.perf_counter()
    cp = Checkpoint(checkpoint)
    meta = {"scenario": scenario.name, "scenario_sha256": scenario_hash(scenario), "seed": seed,
            "reps": reps if precision is None else "until precision",
            "uncertain": uncertain, "fixed": sorted(fixed), "keep_ledgers": keep_ledgers}
    if precision is not None:
        meta["precision"] = precision
    if sampling != "random":   # a plain run's checkpoint as before
        meta["sampling"] = sampling
    saved = cp.resume(meta) if resume else cp.start(meta)
    records = {rep: Record.from_json(d) for rep, d in saved.items() if rep < reps}
    for rep, why in sorted(cp.damaged.items()):
        notice(f"checkpoint entry of replication {rep} in {cp.folder}/ is damaged ({why}); it is recomputed")
    if on_start:
        on_start(len(records), reps)
    if progress:
        progress(len(records), reps)
    task = Task(scenario, seed, uncertain, keep_ledgers, frozenset(fixed), sampling)
    todo = [r for r in range(reps) if r not in records]
    computed = 0
    # closed at once on an error or Ctrl-C here, not whenever the traceback is freed: the workers stop now
    with contextlib.closing(backends.run(replicate, task, todo, backend=backend, workers=workers,
                                         scheduler=scheduler, notice=notice)) as finished:
        for rec in finished:
            cp.save(rec.rep, rec.to_json(), rec.ledger)
            rec.ledger = None
            records[rec.rep] = rec
            computed += 1
            if progress:
                progress(len(records), reps)
    agg = aggregate(scenario, list(records.values()), seed, uncertain, fixed, sampling)
    ledgers = {r: cp.ledger_path(r) for r in range(reps)} if keep_ledgers else None
    used = 1 if backend == "serial" else (workers or (None if scheduler else backends.default_workers()))
    info = RunInfo(reps, len(saved), computed, time.perf_counter() - t0, backend, used)
    return Run(agg, info, cp, ledgers)
