"""Where work items run: in this process, on all cores, or on a Dask cluster.

Every backend calls the same function on the same (task, item) pairs and yields the outcomes
as they finish, in whatever order; the job runner (`futures/jobs.py`) puts them back in item
order. A replication's random streams depend on the seed and its number only, so the
results are identical whatever the backend or the number of workers.

- `serial`: one after the other, in this process.
- `processes`: a pool of worker processes (spawned, so nothing is inherited by accident),
  one per core by default. Workers ignore Ctrl-C; the parent stops them.
- `dask`: `--scheduler ADDRESS` submits to a running dask.distributed cluster (its workers
  need this package installed, same version); without an address a LocalCluster of worker
  processes is started on 127.0.0.1 without a dashboard and closed at the end.

A worker lost mid-run (killed, out of memory) costs only time. Because replication r is the
same whatever runs it, its lost work is simply done again: the processes backend recreates its
pool and re-submits the replications it had not returned (at most RETRIES times each, then
`WorkerLost` naming them); on Dask the scheduler re-runs a lost worker's tasks elsewhere and
the nanny restarts the worker (at most `distributed.scheduler.allowed-failures` times, 3 by
default, then `WorkerLost`). The task travels, pickled, inside each Dask task rather than scattered,
so no copy of it can be lost with a worker.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import uuid
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator

from forecast.core.atomic import interrupts_held
from forecast.core.errors import WorkerLost

BACKENDS = ("serial", "processes", "dask")
#: how many times a replication lost with its worker process is run again before giving up
RETRIES = 3


def stderr_note(message: str) -> None:
    """The default `notice`: a fault recovered from is told on stderr, where the run's notes go,
    so the results on stdout stay clean and the user still learns the run was disturbed."""
    print(f"forecast: note: {message}", file=sys.stderr, flush=True)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(fn: Callable, task, reps: Iterable[int], backend: str = "processes", workers: int | None = None,
        scheduler: str | None = None, notice: Callable[[str], None] = stderr_note) -> Iterator:
    """fn(task, r) for each replication r, yielded as each finishes, by a generator: close it
    (contextlib.closing) to stop the workers at once when the caller stops early.
    `notice(message)` is told of faults recovered from (a worker lost and its replications re-run)."""
    reps = list(reps)
    if not reps:
        return (r for r in ())
    if backend == "serial":
        return (fn(task, r) for r in reps)
    if backend == "processes":
        return _processes(fn, task, reps, workers or default_workers(), notice)
    if backend == "dask":
        return _dask(fn, task, reps, workers, scheduler, notice)
    raise ValueError(f"unknown backend {backend!r}: one of {', '.join(BACKENDS)}")


# --- processes ------------------------------------------------------------------------------
_TASK = None


def _init_worker(task) -> None:
    global _TASK
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    _TASK = task


def _call(fn: Callable, r: int):
    return fn(_TASK, r)


def _processes(fn, task, reps, workers, notice):
    """Run the replications on a pool; when a worker dies (the pool breaks), start a new pool
    for the replications not yet returned."""
    lost_before = dict.fromkeys(reps, 0)
    todo = list(reps)
    while todo:
        lost = yield from _one_pool(fn, task, todo, workers)
        if not lost:
            return
        for r in lost:
            lost_before[r] += 1
        given_up = [r for r in lost if lost_before[r] > RETRIES]
        if given_up:
            raise WorkerLost(f"replication{'s' if len(given_up) > 1 else ''} {', '.join(map(str, given_up))} "
                             f"lost {RETRIES + 1} times with its worker process (killed, or out of memory?); "
                             "the replications finished are in the checkpoint: continue with --resume")
        notice(f"worker lost; {len(lost)} replication{'s' if len(lost) > 1 else ''} re-run "
               f"({', '.join(map(str, lost))})")
        todo = lost


def _one_pool(fn, task, reps, workers):
    """Yield the replications' records from one pool; return those lost when the pool broke."""
    pool = cf.ProcessPoolExecutor(max_workers=max(1, min(workers, len(reps))),
                                  mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_init_worker, initargs=(task,))
    done, broken, returned = False, False, set()
    try:
        futures = {}
        for r in reps:
            futures[pool.submit(_call, fn, r)] = r
        for fut in cf.as_completed(futures):
            if isinstance(fut.exception(), BrokenProcessPool):
                broken = True
                continue
            yield fut.result()
            returned.add(futures[fut])
        done = not broken
    except BrokenProcessPool:   # the pool broke while replications were being submitted
        broken = True
    finally:
        # a second Ctrl-C waits the few milliseconds this takes rather than leave workers running
        with interrupts_held():
            if not done:  # interrupted, failed or broken: stop the workers now rather than finish the queue
                for proc in list((getattr(pool, "_processes", None) or {}).values()):
                    with contextlib.suppress(Exception):
                        proc.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
    return [r for r in reps if r not in returned] if broken else []


# --- dask -----------------------------------------------------------------------------------
def _unpickled(blob: bytes, r: int):
    """fn(task, r) on a Dask worker, with (fn, task) as pickled by `_dask`."""
    fn, task = pickle.loads(blob)
    return fn(task, r)


def _rep_of(key: str) -> str:
    """The replication number in a task key `replication-<r>-<unique>`."""
    return key.split("-")[1] if key.startswith("replication-") else key


def _workers(client) -> set:
    """The addresses of the cluster's workers now (a restarted worker has a new address)."""
    try:
        return set(client.scheduler_info().get("workers", {}))
    except Exception:   # only for the note on lost workers: never fail the run for it
        return set()


def _dask(fn, task, reps, workers, scheduler, notice):
    try:
        from distributed import Client, KilledWorker, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise RuntimeError("the dask backend needs dask[distributed]: pip install 'dask[distributed]'") from exc
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        # the worker processes inherit SIGINT ignored: Ctrl-C is the parent's to handle (it closes them)
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR)
        finally:
            signal.signal(signal.SIGINT, previous)
        client = Client(cluster)
    futures = []
    try:
        before = _workers(client)
        import cloudpickle   # a dependency of distributed; pickles functions defined in __main__ too
        blob = cloudpickle.dumps((fn, task))   # plain bytes: Dask neither traverses nor scatters them
        futures = [client.submit(_unpickled, blob, r, pure=False, key=f"replication-{r}-{uuid.uuid4().hex}")
                   for r in reps]
        for fut in as_completed(futures):
            try:
                result = fut.result()
            except KilledWorker as exc:
                raise WorkerLost(f"replication {_rep_of(fut.key)} lost with its Dask worker more often than "
                                 f"distributed.scheduler.allowed-failures allows ({exc}); the replications finished "
                                 "are in the checkpoint: continue with --resume") from None
            fut.release()
            yield result
        gone = before - _workers(client)
        if gone:
            notice(f"worker lost: {len(gone)} Dask worker{'s' if len(gone) > 1 else ''} left during the run; "
                   "the scheduler re-ran their replications")
    finally:
        with contextlib.suppress(Exception):
            client.cancel(futures)
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
