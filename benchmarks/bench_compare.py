"""The cost of a paired comparison against a plain Monte Carlo run of the same size.

    python benchmarks/bench_compare.py [--reps 40] [--backend processes] [--workers K]

Times, in the same process one after the other, (1) `forecast run SCENARIO --reps N` through
the API (replications, aggregation, the results folder) and (2) `forecast compare SCENARIO
REFORM --reps N` (two scenarios × N paired replications, the base's events repriced under the
reform's rules, the comparison tables, workbook, charts and both results folders). The goal
(issue 11): the comparison costs at most 2.2 × the single run. The ratio is what to compare
between machines; the absolute times differ 2–3×. The two workloads alternate `--rounds` times
and each keeps its best time, so a burst of other work on the machine does not decide the ratio.
Before them the reference toy (benchmarks/reference.py) is timed in the same run (in a fresh child process), and both best
times are also given as multiples of the naive toy and of the numpy toy scaled to the single
run's work (replications × the central employment × months, in units of the toy's 360,000 × 36
worker-months, shared among the workers; the comparison simulates twice that, and more); `--no-reference` skips it for a quick try.
Figures are saved under benchmarks/results/.
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
from forecast.planner.compare import compare  # noqa: E402
from forecast.futures import backends  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save  # noqa: E402
import reference  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOAL = 2.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "huishan"))
    parser.add_argument("--reform", default=str(ROOT / "scenarios" / "reforms" / "huishan_apprentice_x2.toml"))
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", default="processes", choices=backends.BACKENDS)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternate the two workloads this many times and keep each one's best time")
    reference.add_flag(parser)
    args = parser.parse_args()
    base, reform = forecast.load_scenario(args.scenario), forecast.load_scenario(args.reform)
    print(f"machine   {machine()}")
    ref = reference.measure(args.no_reference)
    draws, compute = forecast.Draws(args.seed), forecast.Compute(args.backend, args.workers)
    cores = compute.cores()
    employed = base.parameter_specs()["population.employed"].central
    scale = reference.size(args.reps * employed * base.months) / cores
    load_before = os.getloadavg()[0]
    singles, pairs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.rounds):
            t0 = time.perf_counter()
            forecast.run_monte_carlo(base, reps=args.reps, out=Path(tmp) / f"run{k}", draws=draws, compute=compute)
            singles.append(time.perf_counter() - t0)
            print(f"run       {args.reps} replications of {base.name}: {singles[-1]:,.1f} s")
            t0 = time.perf_counter()
            c = compare(base, [reform], reps=args.reps, out=Path(tmp) / f"cmp{k}", draws=draws, compute=compute)
            pairs.append(time.perf_counter() - t0)
            print(f"compare   {base.name} and {reform.name} × {args.reps} paired replications: {pairs[-1]:,.1f} s")
    single, paired = min(singles), min(pairs)
    ratio = paired / single
    total = c.long[(c.long["item"] == "total") & (c.long["period"] == "policy")].iloc[0]
    print(f"ratio     {ratio:.2f} × the single run (goal ≤ {GOAL})")
    print(f"reference single run {reference.describe(single, ref, scale)}; "
          f"compare {reference.describe(paired, ref, scale)} (numpy toy scaled to {args.reps} reps × "
          f"{employed:,.0f} × {base.months} worker-months / {cores} workers)")
    print(f"precision paired SE of the policy-period difference {total['delta_se'] / 1e4:,.1f} 万元, "
          f"independent {total['independent_se'] / 1e4:,.1f} 万元 ({total['delta_se'] / total['independent_se']:.2f})")
    save("bench_compare", {"reps": args.reps, "backend": args.backend, "rounds": args.rounds,
                           "single_run_seconds_each": [round(x, 1) for x in singles],
                           "compare_seconds_each": [round(x, 1) for x in pairs],
                           "workers": cores,
                           "load_average_before": load_before, "single_run_seconds_best": round(single, 1),
                           "compare_seconds_best": round(paired, 1), "ratio": round(ratio, 3), "goal_ratio": GOAL,
                           "meets_goal": ratio <= GOAL,
                           "policy_total_delta_se": round(float(total["delta_se"]), 1),
                           "policy_total_independent_se": round(float(total["independent_se"]), 1),
                           "reference": ref,
                           "single_run": reference.ratios(single, ref, scale),
                           "compare": reference.ratios(paired, ref, scale)})


if __name__ == "__main__":
    main()
