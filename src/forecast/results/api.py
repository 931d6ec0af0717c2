"""Runs that write a results folder: the futures layer computes (`forecast.futures`), the one
writer of the folder writes (`forecast.results.folder`); used by the command line and by
researchers in Python.

    import forecast
    scenario = forecast.load_scenario("scenarios/huishan")
    result = forecast.simulate(scenario, seed=1)               # one future, in memory
    forecast.write_results(result, "results/mine")            # … as a results folder
    agg, info = forecast.run_monte_carlo(scenario, reps=100, out="results/x",
                                         draws=forecast.Draws(seed=3), compute=forecast.Compute(backend="serial"))
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
from forecast.futures.settings import Compute, Draws
from forecast.futures.simulate import Result
from forecast.futures.summary import reduce_result, simulate_drawn
from forecast.scenario.scenario import Scenario


def folder_provenance(scenario, *, draws: Draws, reps: int, backend: str, started: str, argv, workers=None,
                      scheduler=None, resumed: int = 0, keep_ledgers: bool = False) -> Callable[[], dict]:
    """What makes a results folder's provenance.json, called when the folder is written (so its
    end time is the writing's): the run's settings and the scenario's specification."""
    def record() -> dict:
        more = {"sampling": draws.sampling} if draws.sampling != "random" else {}   # a plain run's file as before
        return provenance(scenario, draws=draws, reps=reps, backend=backend, started=started,
                          ended=now(), argv=argv, scenario_file="scenario.resolved.toml (the specification; "
                          "drawn values per replication in parameters.csv)",
                          extra={"workers": workers, "scheduler": scheduler, "resumed_replications": resumed,
                                 "keep_ledgers": keep_ledgers,
                                 "scenario_spec": plain(scenario_spec(scenario), dates_as_text=True), **more})
    return record


def run_single(scenario: Scenario, *, out: str | Path, draws: Draws = Draws(),
               argv: list[str] | None = None) -> tuple[Result, Aggregate]:
    """One future (replication 0 of `draws.seed`), written as a results folder of one
    replication with its ledger and events. `draws` as in `run_monte_carlo` (with rqmc, one
    future is the first point of the first randomisation)."""
    started = now()
    result = simulate_drawn(scenario, draws, 0)
    return result, _write_one(result, out, started, argv, draws.sampling)


def run_monte_carlo(scenario: Scenario, *, reps: int, out: str | Path, draws: Draws = Draws(),
                    compute: Compute = Compute(), keep_ledgers: bool = False, argv: list[str] | None = None,
                    on_start: Callable[[int, int], None] | None = None, precision: float | None = None,
                    precision_floor: float = prec.FLOOR, max_reps: int = prec.MAX_REPS) -> tuple[Aggregate, RunInfo]:
    """Run (or, with `compute.resume`, resume) `reps` replications with a checkpoint beside
    `out`, write the results folder, then drop the checkpoint. KeyboardInterrupt leaves the
    checkpoint and no folder. `draws`: the seed, --central, --fix and the sampling ("random",
    plain Monte Carlo; "rqmc", randomised quasi-Monte Carlo, `scenario/qmc.py`: stratified
    uniforms in independent randomisations, standard errors from their spread, balanced at
    K × 2^m replications); `compute`: the backend, resume and progress(done, total).

    With `precision` (a relative standard error, `futures/precision.py`), `reps` is the first batch
    and batches follow until the precision is reached or `max_reps`; summary.json and the
    returned info carry `precision: {target, achieved, reps, …}`."""
    started = now()
    common = dict(checkpoint=checkpoint_dir(out), draws=draws, compute=compute, keep_ledgers=keep_ledgers,
                  on_start=on_start)
    if precision is None:
        run = run_replications(scenario, reps=reps, **common)
    else:
        run, reached = prec.run_until_precise(scenario, rel=precision, floor=precision_floor, first=reps,
                                              max_reps=max_reps, **common)
        reps = reached.reps
        run.aggregate.summary["precision"] = reached.to_json()
        run.info.precision = reached.to_json()
    _write(run.aggregate, out, folder_provenance(scenario, draws=draws, reps=reps, backend=compute.backend,
                                                 started=started, argv=argv, workers=run.info.workers,
                                                 scheduler=compute.scheduler, resumed=run.info.resumed,
                                                 keep_ledgers=keep_ledgers), ledgers=run.ledgers)
    run.checkpoint.remove()
    return run.aggregate, run.info


def write_results(result: Result, out: str | Path) -> Path:
    """A simulated future (`simulate`) as a results folder of one replication."""
    _write_one(result, out, now(), None)
    return Path(out)


def _write_one(result: Result, out: str | Path, started: str, argv: list[str] | None,
               sampling: str = "random") -> Aggregate:
    """One future as an aggregate of one replication, written with its ledger and events."""
    draws = Draws(result.seed, result.uncertain, result.fixed, sampling)
    agg = aggregate(result.scenario, {result.replication: reduce_result(result)}, draws)
    _write(agg, out, folder_provenance(result.scenario, draws=draws, reps=1, backend="serial", started=started,
                                       argv=argv, workers=1), result=result)
    return agg


__all__ = ["run_single", "run_monte_carlo", "write_results", "read_results"]
