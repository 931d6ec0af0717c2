"""The model at chosen parameter points: what sensitivity analysis and calibration evaluate.

A design is a list of points, each placing some parameters at quantiles u ∈ [0, 1] of their
own distributions (`Scenario.resolve(at=…)`): u = 0 is a parameter's low bound, u = 1 its
high bound, so every design stays inside the ranges the scenario states and follows their
shapes. Parameters outside the design keep their central values. Every point is simulated
with the **same** dynamics (the streams of replication `rep` of `seed`): common random
numbers, so two points differ only by their parameters, not by the model's chance.

Common random numbers do not remove the model's chance altogether: a parameter that changes
how many workers, courses or pairings there are also changes which random numbers later steps
use. To measure that floor, a design may include the pseudo-parameter `NOISE`: it changes
nothing but the replication whose dynamics the point uses, so its effect is chance alone, and
a parameter whose effect is no larger cannot be told from chance.

Each point is reduced to the figures analysed (`outputs`): the policy period's total outlay,
each year's outlay, what is paid after the policy, whether the fund's returns account falls
short in each year (1 or 0, so its mean over a design is a probability), and the value of
each target that the model forecasts (targets set by assumption are left out). Points run on
the Monte Carlo backends and are saved one by one in a checkpoint, so an interrupted design
resumes where it stopped.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from forecast.model import fund as fundlib
from forecast.futures import jobs
from forecast.futures.checkpoint import Checkpoint
from forecast.futures.provenance import scenario_hash
from forecast.futures.settings import Compute
from forecast.futures.summary import reduce_result
from forecast.futures.simulate import simulate
from forecast.scenario.scenario import Scenario


#: the pseudo-parameter that moves only the dynamics' replication (the model's chance)
NOISE = "(chance: the model's own randomness)"
#: how many replications the noise parameter spans (its quantile u picks one of them)
NOISE_REPS = 4


def outputs(scenario: Scenario) -> list[str]:
    """The figures each point is reduced to, in order."""
    pol = scenario.policy
    years = scenario.years
    span = f"{pol.valid_from.year}–{pol.valid_to.year}"
    names = [f"outlays {span}"] + [f"outlays {y}" for y in years] + [f"paid after {pol.valid_to.year}"]
    names += [f"shortfall {y}" for y in years]
    names += [t.id for t in scenario.targets if not t.set_by]
    return names


def reduce_point(result) -> np.ndarray:
    """One simulated point as the vector of `outputs`."""
    sc, v = result.scenario, result.values
    summary = reduce_result(result)
    by_year = summary.outlays.sum(axis=1)
    inside = sc.policy.in_period(sc.years)
    f = v.fund
    paths = fundlib.account(by_year, f.kind, lambda key: getattr(f, key), f.draw_on_principal)
    forecast_targets = [i for i, t in enumerate(sc.targets) if not t.set_by]
    return np.concatenate([[by_year[inside].sum()], by_year, [summary.committed],
                           paths.shortfall.astype(float), summary.targets[forecast_targets]])


@dataclass(frozen=True)
class DesignTask:
    """What every point of a design shares (sent once to each worker)."""

    scenario: Scenario
    names: tuple              # parameter paths placed by the design
    points: np.ndarray        # n × len(names): quantiles in [0, 1]
    seed: int = 0
    rep: int = 0              # the replication whose dynamics every point uses


def evaluate_point(task: DesignTask, i: int) -> np.ndarray:
    """Simulate point i of the design and reduce it to its `outputs` (runs on a worker)."""
    at = dict(zip(task.names, map(float, task.points[i])))
    rep = task.rep + (min(int(at.pop(NOISE) * NOISE_REPS), NOISE_REPS - 1) if NOISE in at else 0)
    return reduce_point(simulate(task.scenario, task.seed, rep, uncertain=False, at=at))


def run_design(task: DesignTask, checkpoint: Path, compute: Compute, kind: str = "design") -> tuple[np.ndarray, int]:
    """Every point's outputs (n × len(outputs)), in point order, and how many were resumed
    (`compute.resume`: from the checkpoint of the same design, `kind` its method)."""
    meta = {"kind": kind, "scenario": task.scenario.name, "scenario_sha256": scenario_hash(task.scenario),
            "names": list(task.names), "design_sha256": _hash(task.points), "seed": task.seed,
            "reps": len(task.points)}
    done = jobs.run(evaluate_point, task, range(len(task.points)), compute,
                    saving=jobs.Saving(Checkpoint(checkpoint), meta, _point_json, _point_outputs, noun="point"))
    return np.stack(done.in_order()), done.resumed


def _point_json(y: np.ndarray) -> dict:
    return {"y": y.tolist()}


def _point_outputs(d: dict) -> np.ndarray:
    return np.asarray(d["y"], dtype=float)


def _hash(points: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(points, dtype=np.float64).tobytes()).hexdigest()
