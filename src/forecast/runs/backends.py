"""Where replications run: in this process, on all cores, or on a Dask cluster.

Every backend calls the same function on the same (task, replication) pairs and yields the
compact records as they finish, in whatever order; the caller puts them back in replication
order. A replication's random streams depend on the seed and its number only, so the
results are identical whatever the backend or the number of workers.

- `serial`: one after the other, in this process.
- `processes`: a pool of worker processes (spawned, so nothing is inherited by accident),
  one per core by default. Workers ignore Ctrl-C; the parent stops them.
- `dask`: `--scheduler ADDRESS` submits to a running dask.distributed cluster (its workers
  need this package installed, same version); without an address a LocalCluster of worker
  processes is started on 127.0.0.1 without a dashboard and closed at the end.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import signal
from typing import Callable, Iterable, Iterator

BACKENDS = ("serial", "processes", "dask")


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(fn: Callable, task, reps: Iterable[int], backend: str = "processes", workers: int | None = None,
        scheduler: str | None = None) -> Iterator:
    """fn(task, r) for each replication r, yielded as each finishes."""
    reps = list(reps)
    if not reps:
        return iter(())
    if backend == "serial":
        return (fn(task, r) for r in reps)
    if backend == "processes":
        return _processes(fn, task, reps, workers or default_workers())
    if backend == "dask":
        return _dask(fn, task, reps, workers, scheduler)
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


def _processes(fn, task, reps, workers):
    n = max(1, min(workers, len(reps)))
    pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_init_worker, initargs=(task,))
    done = False
    try:
        futures = [pool.submit(_call, fn, r) for r in reps]
        for fut in cf.as_completed(futures):
            yield fut.result()
        done = True
    finally:
        if not done:  # interrupted or failed: stop the workers now rather than finish the queue
            for proc in list(getattr(pool, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


# --- dask -----------------------------------------------------------------------------------
def _dask(fn, task, reps, workers, scheduler):
    try:
        from distributed import Client, LocalCluster, as_completed
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
        shared = client.scatter(task, broadcast=True)
        futures = [client.submit(fn, shared, r, pure=False) for r in reps]
        for fut in as_completed(futures):
            result = fut.result()
            fut.release()
            yield result
    finally:
        with contextlib.suppress(Exception):
            client.cancel(futures)
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
