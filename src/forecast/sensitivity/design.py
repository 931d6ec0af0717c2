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

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from forecast.core.errors import InputError
from forecast.model import fund as fundlib
from forecast.futures import backends
from forecast.futures.checkpoint import Checkpoint
from forecast.futures.provenance import scenario_hash
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
    rec = reduce_result(result)
    by_year = rec.outlays.sum(axis=1)
    inside = sc.policy.in_period(sc.years)
    f = v.fund
    paths = fundlib.account(by_year, f.kind, lambda key: getattr(f, key), f.draw_on_principal)
    forecast_targets = [i for i, t in enumerate(sc.targets) if not t.set_by]
    return np.concatenate([[by_year[inside].sum()], by_year, [rec.committed],
                           paths.shortfall.astype(float), rec.targets[forecast_targets]])


@dataclass(frozen=True)
class DesignTask:
    """What every point of a design shares (sent once to each worker)."""

    scenario: Scenario
    names: tuple              # parameter paths placed by the design
    points: np.ndarray        # n × len(names): quantiles in [0, 1]
    seed: int = 0
    rep: int = 0              # the replication whose dynamics every point uses


@dataclass
class PointRecord:
    """One evaluated point (the backends' unit of work)."""

    rep: int                  # the point's index (named like a replication for the backends)
    y: np.ndarray
    ledger: object = field(default=None, repr=False)

    def to_json(self) -> dict:
        return {"rep": self.rep, "y": self.y.tolist()}


def evaluate_point(task: DesignTask, i: int) -> PointRecord:
    """Simulate point i of the design (runs on a worker)."""
    at = dict(zip(task.names, map(float, task.points[i])))
    rep = task.rep + (min(int(at.pop(NOISE) * NOISE_REPS), NOISE_REPS - 1) if NOISE in at else 0)
    result = simulate(task.scenario, task.seed, rep, uncertain=False, at=at)
    return PointRecord(i, reduce_point(result))


def run_design(task: DesignTask, checkpoint: Path, backend: str = "processes", workers: int | None = None,
               scheduler: str | None = None, resume: bool = False, kind: str = "design",
               progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, int]:
    """Every point's outputs (n × len(outputs)), in point order, and how many were resumed."""
    n = len(task.points)
    cp = Checkpoint(checkpoint)
    meta = {"scenario": task.scenario.name, "scenario_sha256": scenario_hash(task.scenario), "seed": task.seed,
            "reps": n, "kind": kind, "names": list(task.names),
            "design_sha256": _hash(task.points)}
    if resume:
        _check_design(cp, meta)
    saved = cp.resume(meta) if resume else cp.start(meta)
    for i, why in sorted(cp.damaged.items()):
        backends.stderr_note(f"checkpoint entry of point {i} in {cp.folder}/ is damaged ({why}); it is recomputed")
    ys = {int(i): np.asarray(d["y"], dtype=float) for i, d in saved.items()}
    resumed = len(ys)
    if progress:
        progress(len(ys), n)
    todo = [i for i in range(n) if i not in ys]
    # closed at once on an error or Ctrl-C, so the workers stop now
    with contextlib.closing(backends.run(evaluate_point, task, todo, backend=backend, workers=workers,
                                         scheduler=scheduler)) as finished:
        for rec in finished:
            cp.save(rec.rep, rec.to_json(), None)
            ys[rec.rep] = rec.y
            if progress:
                progress(len(ys), n)
    return np.stack([ys[i] for i in range(n)]), resumed


def _check_design(cp: Checkpoint, meta: dict) -> None:
    """A resumed design must be this design (kind, parameters and points), not only this
    scenario and seed."""
    path = cp.folder / "meta.json"
    if not path.is_file():
        return   # Checkpoint.resume says there is nothing to resume
    saved = json.loads(path.read_text(encoding="utf-8"))
    for key in ("kind", "names", "design_sha256"):
        if saved.get(key) != meta[key]:
            raise InputError(str(path), key, f"the checkpoint holds another design ({key} differs)",
                             "the same method, parameters and sample size as the interrupted run; or run without "
                             "--resume to start afresh")


def _hash(points: np.ndarray) -> str:
    import hashlib
    return hashlib.sha256(np.ascontiguousarray(points, dtype=np.float64).tobytes()).hexdigest()
