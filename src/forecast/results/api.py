"""Runs that write a results folder: the facade over `runs` (computing) and `outputs` (files),
used by the command line and by researchers in Python.

    import forecast
    scenario = forecast.load_scenario("scenarios/huishan")
    result = forecast.simulate(scenario, seed=1)               # one future, in memory
    forecast.write_results(result, "results/mine")            # … as a results folder
    agg, info = forecast.run_monte_carlo(scenario, seed=0, reps=100, out="results/x")
    agg = forecast.read_results("results/x")                  # the same tables, from the files
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from forecast.core.serialise import plain
from forecast.results.folder import read_results
from forecast.results.folder import write_results as _write
from forecast.futures import precision as prec
from forecast.futures.aggregate import Aggregate, aggregate
from forecast.futures.checkpoint import checkpoint_dir
from forecast.futures.montecarlo import RunInfo, run_replications
from forecast.futures.provenance import now, provenance, scenario_spec
from forecast.futures.summary import reduce_result
from forecast.futures.simulate import Result, simulate
from forecast.scenario import qmc
from forecast.scenario.scenario import Scenario


def folder_provenance(scenario, *, seed, reps, uncertain, backend, started, argv, workers=None, scheduler=None,
                resumed=0, keep_ledgers=False, fixed=frozenset(), sampling="random") -> Callable[[], dict]:
    """What makes a results folder's provenance.json, called when the folder is written (so its
    end time is the writing's): the run's settings and the scenario's specification."""
    def record() -> dict:
        more = {"sampling": sampling} if sampling != "random" else {}   # a plain run's file as before
        return provenance(scenario, seed=seed, reps=reps, uncertain=uncertain, fixed=fixed, backend=backend,
                          started=started,
                          ended=now(), argv=argv, scenario_file="scenario.resolved.toml (the specification; "
                          "drawn values per replication in parameters.csv)",
                          extra={"workers": workers, "scheduler": scheduler, "resumed_replications": resumed,
                                 "keep_ledgers": keep_ledgers,
                                 "scenario_spec": plain(scenario_spec(scenario), dates_as_text=True), **more})
    return record


def run_single(scenario: Scenario, *, seed: int = 0, out: str | Path, uncertain: bool = True,
               fixed: frozenset = frozenset(), argv: list[str] | None = None,
               sampling: str = "random") -> tuple[Result, Aggregate]:
    """One future (replication 0 of `seed`), written as a results folder of one replication
    with its ledger and events. `fixed`: parameter paths pinned at their central values;
    `sampling` as in `run_monte_carlo` (one future is the first point of the first randomisation)."""
    started = now()
    qmc.check_method(sampling)
    result = simulate(scenario, seed=seed, uncertain=uncertain, fixed=frozenset(fixed), sampling=sampling)
    return result, _write_one(result, out, started, argv, sampling)


def run_monte_carlo(scenario: Scenario, *, seed: int = 0, reps: int, out: str | Path, uncertain: bool = True,
                    fixed: frozenset = frozenset(), backend: str = "processes", workers: int | None = None, scheduler: str | None = None,
                    resume: bool = False, keep_ledgers: bool = False, argv: list[str] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    on_start: Callable[[int, int], None] | None = None, precision: float | None = None,
                    precision_floor: float = prec.FLOOR, max_reps: int = prec.MAX_REPS,
                    sampling: str = "random") -> tuple[Aggregate, RunInfo]:
    """Run (or resume) `reps` replications with a checkpoint beside `out`, write the results
    folder, then drop the checkpoint. KeyboardInterrupt leaves the checkpoint and no folder.

    With `precision` (a relative standard error, `futures/precision.py`), `reps` is the first batch
    and batches follow until the precision is reached or `max_reps`; summary.json and the
    returned info carry `precision: {target, achieved, reps, …}`.

    `sampling`: "random" (plain Monte Carlo: each parameter's uniform from its own stream) or
    "rqmc" (randomised quasi-Monte Carlo, `scenario/qmc.py`: stratified uniforms in independent
    randomisations, standard errors from their spread; balanced at K × 2^m replications)."""
    started = now()
    qmc.check_method(sampling)
    common = dict(seed=seed, checkpoint=checkpoint_dir(out), uncertain=uncertain, fixed=frozenset(fixed),
                  backend=backend, workers=workers, scheduler=scheduler, keep_ledgers=keep_ledgers,
                  progress=progress, on_start=on_start, sampling=sampling)
    if precision is None:
        run = run_replications(scenario, reps=reps, resume=resume, **common)
    else:
        run, reached = prec.run_until_precise(scenario, rel=precision, floor=precision_floor, first=reps,
                                              max_reps=max_reps, resume=resume, **common)
        reps = reached.reps
        run.aggregate.summary["precision"] = reached.to_json()
        run.info.precision = reached.to_json()
    _write(run.aggregate, out, folder_provenance(scenario, seed=seed, reps=reps, uncertain=uncertain, fixed=fixed,
                                           backend=backend,
                                           started=started, argv=argv, workers=run.info.workers,
                                           scheduler=scheduler, resumed=run.info.resumed,
                                           keep_ledgers=keep_ledgers, sampling=sampling), ledgers=run.ledgers)
    run.checkpoint.remove()
    return run.aggregate, run.info


def write_results(result: Result, out: str | Path) -> Path:
    """A simulated future (`simulate`) as a results folder of one replication."""
    _write_one(result, out, now(), None)
    return Path(out)


def _write_one(result: Result, out: str | Path, started: str, argv: list[str] | None,
               sampling: str = "random") -> Aggregate:
    """One future as an aggregate of one replication, written with its ledger and events."""
    agg = aggregate(result.scenario, [reduce_result(result)], result.seed, result.uncertain, result.fixed, sampling)
    _write(agg, out, folder_provenance(result.scenario, seed=result.seed, reps=1, uncertain=result.uncertain,
                                 fixed=result.fixed, sampling=sampling,
                                 backend="serial", started=started, argv=argv, workers=1), result=result)
    return agg


__all__ = ["run_single", "run_monte_carlo", "write_results", "read_results"]
