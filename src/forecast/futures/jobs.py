"""The one job runner: N work items computed on a backend, each saved in a checkpoint as it
finishes, their outcomes returned by item number.

A job is `fn(task, i)` for item numbers i, `task` shared by every item (sent once to each
worker): a Monte Carlo replication (`futures/montecarlo.py`), an item of a paired comparison
(`planner/paired.py`), a point of a sensitivity design, a replication of a re-forecast's plan
or re-forecast, a calibration run. `run` computes the items on the backend `Compute` names
(`futures/backends.py`, which re-runs a lost worker's items), with a `Saving` starts a
checkpoint (`futures/checkpoint.py`) or, with `Compute.resume`, checks it is this run's and
reads back the items saved (a damaged entry is told to `notice` and recomputed), and saves each
finished item at once by the job's own `encode`. On an error or Ctrl-C it closes the backend at
once (the workers stop now) and leaves the checkpoint, every entry in it whole. The backend
runs fn wrapped to yield (i, outcome), so an outcome need not know its number; outcomes come
back in item order, so every backend and a resumed run give the same results.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import pandas as pd

from forecast.futures import backends
from forecast.futures.checkpoint import Checkpoint
from forecast.futures.settings import Compute


@dataclass(frozen=True)
class Saving:
    """Where and how a job saves its finished items: the checkpoint, what identifies the run
    (`meta`, checked on resume: `checkpoint.CHECKED`), how an outcome becomes JSON and back,
    and, for a job that keeps ledgers, `ledger(outcome)`: the ledger taken off the outcome, to
    be saved as a file beside its entry. `noun`: what an item is called in messages."""

    checkpoint: Checkpoint
    meta: dict
    encode: Callable[[Any], dict]
    decode: Callable[[dict], Any]
    ledger: Callable[[Any], pd.DataFrame | None] | None = None
    noun: str = "item"


@dataclass
class Finished:
    """A job's outcomes by item number, in item order, and how many were read back from the
    checkpoint rather than computed."""

    outcomes: dict
    resumed: int

    @property
    def computed(self) -> int:
        return len(self.outcomes) - self.resumed

    def in_order(self) -> list:
        return list(self.outcomes.values())


@dataclass(frozen=True)
class _Numbered:
    """fn(task, i) as (i, fn(task, i)): what the backend yields (pickled to the workers)."""

    fn: Callable

    def __call__(self, task, i: int) -> tuple[int, Any]:
        return i, self.fn(task, i)


def run(fn: Callable, task, items: Iterable[int], compute: Compute, *, saving: Saving | None = None,
        notice: Callable[[str], None] = backends.stderr_note,
        on_start: Callable[[int, int], None] | None = None) -> Finished:
    """fn(task, i) for every item i (see the module's docstring); KeyboardInterrupt leaves the
    checkpoint as it is."""
    items = list(items)
    done: dict = {}
    if saving is not None:
        cp = saving.checkpoint
        saved = cp.resume(saving.meta, items) if compute.resume else cp.start(saving.meta)
        done = {i: saving.decode(d) for i, d in saved.items()}
        for i, why in sorted(cp.damaged.items()):
            notice(f"checkpoint entry of {saving.noun} {i} in {cp.folder}/ is damaged ({why}); it is recomputed")
    resumed, total = len(done), len(items)
    if on_start:
        on_start(resumed, total)
    if compute.progress:
        compute.progress(resumed, total)
    todo = [i for i in items if i not in done]
    # closed at once on an error or Ctrl-C here, not whenever the traceback is freed: the workers stop now
    with contextlib.closing(backends.run(_Numbered(fn), task, todo, backend=compute.backend, workers=compute.workers,
                                         scheduler=compute.scheduler, notice=notice)) as finished:
        for i, outcome in finished:
            if saving is not None:
                ledger = saving.ledger(outcome) if saving.ledger else None
                saving.checkpoint.save(i, saving.encode(outcome), ledger)
            done[i] = outcome
            if compute.progress:
                compute.progress(len(done), total)
    return Finished({i: done[i] for i in items}, resumed)
