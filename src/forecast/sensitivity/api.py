"""`run_sensitivity`: what the forecast rests on, as a folder — the design evaluated on the
backends with a checkpoint beside the folder, analysed with SALib (`forecast.sensitivity.analysis`)
and written atomically (`forecast.sensitivity.files`).

    from forecast.sensitivity.api import run_sensitivity
    s = run_sensitivity(scenario, method="morris", size=10, out="results/huishan/sensitivity")
    s.table             # output, parameter, rank, mu_star … (Morris) or S1, ST … (Sobol')
"""
from __future__ import annotations

import time
from pathlib import Path

from forecast.core.errors import InputError
from forecast.futures.checkpoint import Checkpoint, checkpoint_dir
from forecast.futures.provenance import now, scenario_hash
from forecast.futures.settings import Compute, Draws
from forecast.scenario.scenario import Scenario
from forecast.sensitivity import analysis as sa
from forecast.sensitivity.design import NOISE, DesignTask, outputs, run_design
from forecast.sensitivity.files import read_sensitivity, write_sensitivity


def run_sensitivity(scenario: Scenario, *, method: str, size: int, out: str | Path, names: list | None = None,
                    screening: str | Path | None = None, top: int = 8, draws: Draws = Draws(),
                    compute: Compute = Compute(), argv: list[str] | None = None):
    """Morris screening (`size` trajectories) or Sobol' indices (`size` = N, a power of two) of
    the drawn parameters (`names`; Morris default: all; Sobol': `names`, or the `top` leading
    ones of the Morris folder `screening`), evaluated on common random numbers with a
    checkpoint beside `out`; writes the sensitivity folder and returns the analysis. Of
    `draws` only the seed is used (the design places the parameters); `compute`: the
    backend, resume and progress."""
    draws.refuse("a sensitivity analysis (the design places the parameters)", "uncertain", "fixed", "sampling")
    seed = draws.seed
    if method not in sa.METHODS:
        raise InputError("--method", "", f"{method!r}", " | ".join(sa.METHODS))
    drawn = [p for p, spec in scenario.parameter_specs().items() if spec.uncertain]
    if names:
        unknown = [n for n in names if n not in drawn]
        if unknown:
            raise InputError("--params", unknown[0], "not a drawn parameter of this scenario",
                             "a parameter path with a range, as in parameters.csv")
    elif method == "sobol":
        if screening is None:
            raise InputError("--params", "", "Sobol' indices need the parameters to quantify",
                             "--params KEY … or --screening DIR (a Morris folder of this scenario)")
        table, meta = read_sensitivity(screening)
        if meta.get("method") != "morris" or meta.get("scenario_sha256") != scenario_hash(scenario):
            raise InputError(str(screening), "", "not a Morris screening of this scenario",
                             "the folder of `forecast sensitivity SCENARIO --method morris` for the same scenario")
        names = sa.screened(table, top)
    names = list(names or drawn) + [NOISE]     # the model's chance, measured as a pseudo-parameter
    X = sa.morris_design(names, size, seed) if method == "morris" else sa.sobol_design(names, size, seed)
    t0, started = time.perf_counter(), now()
    task = DesignTask(scenario, tuple(names), X, seed)
    Y, resumed = run_design(task, checkpoint_dir(out), compute, kind=method)
    outs = outputs(scenario)
    if method == "morris":
        table = sa.analyse_morris(names, X, Y, outs, seed)
        conv = sa.morris_convergence(table, names, X, Y, outs, size, seed)
    else:
        table = sa.analyse_sobol(names, Y, outs, seed)
        conv = sa.sobol_convergence(table)
    meta = {"scenario": scenario.name, "scenario_sha256": scenario_hash(scenario), "seed": seed, "size": size,
            "size_means": "trajectories" if method == "morris" else "N (base sample)",
            "common_random_numbers": f"every point uses the dynamics of replication 0 of seed {seed}, except "
                                     f"that the pseudo-parameter {NOISE!r} moves it among replications 0–3: "
                                     "its effect is the model's chance, the floor below which an effect is noise",
            "noise": NOISE,
            "space": "each parameter at a quantile u in [0, 1] of its own distribution; others at central values; "
                     "inputs independent",
            "backend": compute.backend, "resumed_points": resumed, "started": started, "ended": now(),
            "seconds": round(time.perf_counter() - t0, 1),
            "command": " ".join(argv) if argv else ""}
    result = sa.Sensitivity(method, names, outs, X, Y, table, conv, meta)
    write_sensitivity(result, out)
    Checkpoint(checkpoint_dir(out)).remove()
    return result


__all__ = ["run_sensitivity"]
