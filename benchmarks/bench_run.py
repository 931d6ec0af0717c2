"""One run of the default Huishan district: wall time, worker-months per second, memory per worker.

    python benchmarks/bench_run.py [--repeat 3]

Pinned to one core (os.sched_setaffinity) with the central parameter values, so the
population is the scenario's 360,000 employed persons. Peak memory is the growth of the
process's peak RSS during the first run, divided by the workers simulated.
"""
from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import forecast  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "huishan.toml"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    scenario = forecast.load_scenario(args.scenario)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    times = []
    for rep in range(args.repeat):
        t0 = time.perf_counter()
        result = forecast.simulate(scenario, seed=rep, uncertain=False)
        times.append(time.perf_counter() - t0)
        if rep == 0:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss0
    workers = int(result.ladder_counts[0].sum())
    ever = workers + int(result.flows[:, :2].sum())
    months = scenario.months
    worker_months = int(result.ladder_counts.sum())
    best = min(times)
    print(f"scenario           {scenario.name}: {workers:,} workers at start, {ever:,} ever, {months} months "
          f"({scenario.start}–{scenario.end})")
    print(f"wall time          best {best:.2f} s, all {', '.join(f'{t:.2f}' for t in times)} s (one core)")
    print(f"throughput         {worker_months / best / 1e6:.1f} million worker-months per second")
    print(f"peak memory        {peak / 2**20:.0f} MiB above start-up = {peak / ever:.0f} bytes per worker "
          f"(worker columns alone: {result.worker_bytes / ever:.0f} bytes per worker)")
    print(f"events / payouts   {len(result.events):,} events, {len(result.ledger):,} payout lines")


if __name__ == "__main__":
    main()
