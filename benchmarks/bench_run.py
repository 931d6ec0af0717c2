"""One run of the default Huishan district: wall time, worker-months per second, memory per worker.

    python benchmarks/bench_run.py [--repeat 5] [--baseline OTHER/src]

Each measurement runs in a fresh process pinned to one core, with the central parameter
values (so the population is the scenario's 360,000 employed persons). Peak memory is the
growth of the process's peak RSS during its first run, divided by the workers simulated.
With `--baseline`, the same measurement of another source tree of forecast (e.g. a checkout
of an earlier commit's `src/`) runs alternately in the same session, so the two are compared
on the same machine under the same load. Before the measurement the reference toy
(benchmarks/reference.py) is timed in the same run (in a fresh child process) and the best wall time is also given as a
multiple of the naive toy and of the numpy toy scaled to the run's worker-months (÷ 360,000 × 36),
which is what compares between machines; `--no-reference` skips it for a quick try.
The whole command `forecast run SCENARIO` (a fresh process: imports, the run, writing the
results folder and its charts) is timed too, best of `--commands` runs, as a multiple of the
naive toy (issue 13's goal: ≤ 0.25). Figures are saved under benchmarks/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import save  # noqa: E402
import reference  # noqa: E402


def one(scenario_path: str, repeat: int) -> dict:
    """In the child: `repeat` runs of seeds 0 … repeat − 1 with central values."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import forecast
    scenario = forecast.load_scenario(scenario_path)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    times = []
    for rep in range(repeat):
        t0 = time.perf_counter()
        result = forecast.simulate(scenario, seed=rep, uncertain=False)
        times.append(time.perf_counter() - t0)
        if rep == 0:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss0
    workers = int(result.ladder_counts[0].sum())
    ever = workers + int(result.flows[:, :2].sum())
    return {"source": str(Path(forecast.__file__).resolve().parents[1]), "times_s": times,
            "workers": workers, "ever": ever, "months": scenario.months,
            "worker_months": int(result.ladder_counts.sum()), "peak_bytes": peak,
            "worker_bytes": int(result.worker_bytes), "events": len(result.events), "payouts": len(result.ledger)}


def child(source: str | None, scenario: str, repeat: int) -> dict:
    env = dict(os.environ)
    if source:
        env["PYTHONPATH"] = str(Path(source).resolve())
    out = subprocess.run([sys.executable, __file__, "--one", scenario, "--repeat", str(repeat)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def command_times(scenario: str, n: int) -> list[float]:
    """Wall times of `forecast run SCENARIO --quiet` in fresh processes (the whole command)."""
    import tempfile
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import sys; from forecast.cli import main; sys.exit(main())",
                            "run", scenario, "--out", str(Path(tmp) / f"r{i}"), "--quiet"],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "huishan"))
    parser.add_argument("--repeat", type=int, default=5, help="runs per process (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="fresh processes per tree, alternating (default 2)")
    parser.add_argument("--baseline", help="another forecast source tree (its src/ folder) to time alongside, "
                                           "on its own copy of the scenario (../scenarios/huishan from it, or huishan.toml in a tree "
                                           "from before the place folders)")
    parser.add_argument("--commands", type=int, default=3, help="runs of the whole command to time (default 3)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    reference.add_flag(parser)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.repeat)))
        return
    ref = reference.measure(args.no_reference)
    trees = {"this": (None, args.scenario)}
    if args.baseline:
        folder = Path(args.baseline).resolve().parent / "scenarios" / "huishan"
        trees["baseline"] = (args.baseline, str(folder if folder.is_dir() else folder.with_suffix(".toml")))
    runs = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, (source, scenario) in trees.items():
            runs[name].append(child(source, scenario, args.repeat))
    figures = {}
    for name, rs in runs.items():
        r = rs[0]
        times = [t for x in rs for t in x["times_s"]]
        best = min(times)
        figures[name] = {"source": r["source"], "best_s": best, "median_s": sorted(times)[len(times) // 2],
                         "times_s": times, "worker_months_per_s": r["worker_months"] / best,
                         "peak_bytes_per_worker": r["peak_bytes"] / r["ever"],
                         "column_bytes_per_worker": r["worker_bytes"] / r["ever"], "workers": r["workers"],
                         "ever": r["ever"], "months": r["months"], "events": r["events"], "payouts": r["payouts"],
                         **reference.ratios(best, ref, reference.size(r["worker_months"]))}
        print(f"{name:<9} {r['source']}")
        print(f"  scenario           {r['workers']:,} workers at start, {r['ever']:,} ever, {r['months']} months")
        print(f"  wall time          best {best:.2f} s, median {figures[name]['median_s']:.2f} s over {len(times)} runs "
              f"in {len(rs)} processes (one core)")
        print(f"  against reference  {reference.describe(best, ref, reference.size(r['worker_months']))} "
              f"(numpy toy scaled to {r['worker_months']:,} worker-months)")
        print(f"  throughput         {figures[name]['worker_months_per_s'] / 1e6:.1f} million worker-months per second")
        print(f"  peak memory        {r['peak_bytes'] / 2**20:.0f} MiB above start-up = "
              f"{figures[name]['peak_bytes_per_worker']:.0f} bytes per worker (worker columns alone: "
              f"{figures[name]['column_bytes_per_worker']:.0f})")
        print(f"  events / payouts   {r['events']:,} events, {r['payouts']:,} payout lines")
    if args.commands:
        ctimes = command_times(args.scenario, args.commands)
        figures["command"] = {"argv": f"forecast run {args.scenario} --quiet", "times_s": ctimes,
                              "best_s": min(ctimes), **reference.ratios(min(ctimes), ref)}
        print(f"whole command      forecast run (fresh process, results folder written): "
              f"{reference.describe(min(ctimes), ref)}")
    if args.baseline:
        ratio = figures["this"]["best_s"] / figures["baseline"]["best_s"]
        figures["ratio_best_this_to_baseline"] = ratio
        print(f"this tree / baseline (best wall time): {ratio:.2f}")
    save("bench_run", {"reference": ref, **figures})


if __name__ == "__main__":
    main()
