"""Monte Carlo throughput: N replications of the default Huishan district on all cores.

    python benchmarks/bench_montecarlo.py [--reps 1000] [--backend processes] [--workers K] [--out DIR]

Runs `forecast run scenarios/huishan --reps N` through the same code as the command
line (checkpointing, aggregation and writing the results folder included) and reports the
wall time, the time per replication per core and the CPU time of the workers, with what
the machine is (cores, load before and after: other work on the machine slows the run).
The goal it is measured against: 1,000 replications in at most 10 minutes on 2 cores.
Before the run the reference toy (benchmarks/reference.py) is timed in the same run (in a fresh child process); the wall
time is also given as a multiple of the naive toy and of the numpy toy scaled to the work
(replications × the central employment × months, in units of the toy's 360,000 × 36
worker-months, shared among the workers), which is what compares between
machines; `--no-reference` skips it for a quick try. The toy runs in a child process of its
own, whose CPU is not counted in the workers' CPU time.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import forecast  # noqa: E402
from forecast.futures import backends  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save  # noqa: E402
import reference  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "huishan"))
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", default="processes", choices=backends.BACKENDS)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", help="results folder (default: a temporary folder, removed at the end)")
    reference.add_flag(parser)
    args = parser.parse_args()
    workers = forecast.Compute(args.backend, args.workers).cores()
    scenario = forecast.load_scenario(args.scenario)
    print(f"machine   {machine()}")
    ref = reference.measure(args.no_reference)
    toy = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_reference = toy.ru_utime + toy.ru_stime
    employed = scenario.parameter_specs()["population.employed"].central
    scale = reference.size(args.reps * employed * scenario.months) / workers
    load_before = os.getloadavg()[0]
    print(f"load      {load_before:.2f} (1-minute load average before the run)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else Path(tmp) / "mc"
        done = [0]
        t0 = time.perf_counter()
        marks = {}

        def progress(n: int, total: int) -> None:
            done[0] = n
            if n and n % max(1, total // 10) == 0:
                marks[n] = time.perf_counter() - t0
                print(f"  {n:>6,} / {total:,} replications  {marks[n]:7.1f} s", flush=True)

        agg, info = forecast.run_monte_carlo(scenario, reps=args.reps, out=out, draws=forecast.Draws(args.seed),
                                             compute=forecast.Compute(args.backend, args.workers, progress=progress),
                                             argv=sys.argv)
        wall = time.perf_counter() - t0
        load_after = os.getloadavg()[0]
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)
        cpu_children = child.ru_utime + child.ru_stime - cpu_reference
        cpu_self = own.ru_utime + own.ru_stime
        conv = agg.summary["convergence"]
        head = agg.summary["headline"]["outlays_yuan_in_policy_period"]
        figures = {
            "reps": args.reps, "backend": args.backend, "workers": workers, "wall_s": wall,
            "per_rep_per_core_s": wall * workers / args.reps,
            "worker_cpu_per_rep_s": cpu_children / args.reps if args.backend == "processes" else None,
            "parent_cpu_s": cpu_self, "load_before": load_before, "load_after": load_after,
            "in_period_mean_wan": head["mean"] / 1e4, "in_period_mc_se_wan": head["mc_se"] / 1e4,
            "settled": conv["settled"], "reps_needed": conv["reps_needed"],
            "reference": ref, **reference.ratios(wall, ref, scale),
        }
        print(f"wall time {wall:,.1f} s for {args.reps:,} replications ({args.backend}, {workers} workers) = "
              f"{figures['per_rep_per_core_s']:.2f} s per replication per core")
        print(f"reference {reference.describe(wall, ref, scale)} "
              f"(numpy toy scaled to {args.reps:,} reps × {employed:,.0f} × {scenario.months} worker-months "
              f"/ {workers} workers)")
        if figures["worker_cpu_per_rep_s"] is not None:
            print(f"CPU       {figures['worker_cpu_per_rep_s']:.2f} s per replication in the workers; "
                  f"parent (aggregation, checkpoint, files) {cpu_self:.1f} s in all")
        print(f"load      {load_after:.2f} (1-minute load average after the run)")
        print(f"headline  outlays 2025–2027: mean {head['mean'] / 1e4:,.1f} 万元 ± {head['mc_se'] / 1e4:,.1f} (MC SE); "
              f"90 % range {head['p5'] / 1e4:,.1f} – {head['p95'] / 1e4:,.1f}")
        print(f"converged {conv['settled']} (reps needed ≈ {conv['reps_needed']}; unsettled: {conv['unsettled']})")
        print(f"goal      {args.reps:,} replications in ≤ 10 min on 2 cores: "
              f"{'met' if wall <= 600 * args.reps / 1000 else 'NOT met'} (scaled to this N)")
        save("bench_montecarlo", figures)


if __name__ == "__main__":
    main()
