"""Morris screening of every drawn parameter of the default Huishan district: time and stability.

    python benchmarks/bench_sensitivity.py [--trajectories 10] [--backend processes] [--workers K]

Runs `forecast sensitivity scenarios/huishan --method morris --trajectories N` through
the same code as the command line (checkpoint and folder included) and reports the wall time
and the simulations run (N × (d + 1) for d drawn parameters and the noise pseudo-parameter).
Then, from the same design, how many trajectories give a stable top-10 ranking: for k = 2,
4, … N − 2 the share of each output's top ten (above the noise floor) that the first k
trajectories already name, against all N. The goal it is measured against: 10 trajectories
in at most 15 minutes on 2 cores. Before the run the reference toy (benchmarks/reference.py) is
timed in the same run (in a fresh child process); the wall time is also given as a multiple of the naive toy and of the
numpy toy scaled to the work (simulations × the central employment × months, in units of the
toy's 360,000 × 36 worker-months, shared among the workers), which is
what compares between machines; `--no-reference` skips it for a quick try.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import forecast  # noqa: E402
from forecast.sensitivity.api import run_sensitivity  # noqa: E402
from forecast.sensitivity import analysis as sa  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import save  # noqa: E402
import reference  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "huishan"))
    parser.add_argument("--trajectories", type=int, default=10)
    parser.add_argument("--backend", default="processes")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--seed", type=int, default=0)
    reference.add_flag(parser)
    args = parser.parse_args()
    scenario = forecast.load_scenario(args.scenario)
    ref = reference.measure(args.no_reference)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        s = run_sensitivity(scenario, method="morris", size=args.trajectories, out=Path(tmp) / "morris",
                            draws=forecast.Draws(args.seed), compute=forecast.Compute(args.backend, args.workers))
        seconds = time.perf_counter() - t0
    stability = {k: sa.top_overlap(s.table, s.names, s.X, s.Y, s.outputs, k, args.seed)
                 for k in range(2, args.trajectories, 2)}
    cores = args.workers or os.cpu_count() or 1
    employed = scenario.parameter_specs()["population.employed"].central
    scale = reference.size(s.runs * employed * scenario.months) / cores
    first_stable = next((k for k, ov in stability.items() if min(ov.values()) >= sa.STABLE_OVERLAP), None)
    figures = {
        "trajectories": args.trajectories, "parameters": len(s.names) - 1, "simulations": s.runs,
        "seconds": round(seconds, 1), "minutes": round(seconds / 60, 2),
        "seconds_per_simulation_per_core": round(seconds * (args.workers or os.cpu_count() or 1) / s.runs, 3),
        "goal_minutes": 15, "within_goal": seconds <= 15 * 60,
        "convergence": s.convergence,
        "top10_overlap_with_first_k_trajectories": stability,
        "first_k_with_every_output_stable": first_stable,
        "leading": {o: sa.leading(s.table, o, 3) for o in s.outputs},
        "reference": ref, **reference.ratios(seconds, ref, scale),
    }
    print(f"{s.runs} simulations ({len(s.names) - 1} parameters + noise) in {seconds / 60:.1f} min; "
          f"stable top-10 from {first_stable} trajectories" if first_stable else
          f"{s.runs} simulations in {seconds / 60:.1f} min; no k < {args.trajectories} gives a stable top 10")
    print(f"reference {reference.describe(seconds, ref, scale)} (numpy toy scaled to {s.runs} simulations × "
          f"{employed:,.0f} × {scenario.months} worker-months / {cores} workers)")
    save("bench_sensitivity", figures)


if __name__ == "__main__":
    main()
