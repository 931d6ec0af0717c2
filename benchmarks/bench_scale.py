"""Cost against the size of the district: wall time and peak memory for 10^4 … 10^7 workers.

    python benchmarks/bench_scale.py [--sizes 1e4 1e5 1e6 1e7] [--seed 0]

Each size runs in a fresh subprocess (so its peak RSS, from resource.getrusage, is its own):
one replication of the default Huishan scenario with central parameter values and an overlay
that sets `population.employed` to the size and scales the other counts with it (employers,
contributor units, night-school seats, pairings, staying graduates, competition entrants).
Titles and bodies the policy counts (craftsmen, studios, bases) keep the scenario's numbers.
Peak memory per worker is the growth of peak RSS over the process's RSS after start-up
(imports and scenario loaded), divided by the workers employed at the start.
Before the sizes the reference toy (benchmarks/reference.py) is timed in the same run (in a fresh child process); each wall
time is also given as a multiple of the naive toy and of the numpy toy scaled to the size's
worker-months (÷ 360,000 × 36), which is what compares between machines; `--no-reference`
skips it for a quick try.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

ROOT = Path(__file__).resolve().parents[1]
HUISHAN = ROOT / "scenarios" / "huishan"
#: counts scaled in proportion to employment (their central values are read from the scenario)
SCALED = ("population.employers", "population.contributor_units", "pathways.night_school.seats_per_term",
          "pathways.apprenticeship.pairings_per_year", "pathways.colleges.staying_per_year",
          "pathways.competition.entrants")


def centres() -> tuple[float, dict]:
    """The scenario's central employment and the central values of the scaled counts."""
    from forecast import load_scenario
    specs = load_scenario(HUISHAN).parameter_specs()
    return specs["population.employed"].central, {k: specs[k].central for k in SCALED}


sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import save  # noqa: E402
import reference  # noqa: E402


def overlay(size: int, path: Path) -> Path:
    """A scenario file on top of Huishan with `size` employed persons and counts to match."""
    central, scaled = centres()
    f = size / central
    lines = [f'base = "{HUISHAN.as_posix()}"', ""]
    why = f'assumption = "benchmark: {size:,} employed, counts scaled ×{f:.4g} from the Huishan centre"'
    for key, value in {"population.employed": size, **{k: max(1, round(v * f)) for k, v in scaled.items()}}.items():
        lines += [f"[{key}]", f"value = {value}", f"range = [{value}, {value}]", why, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def one(scenario_path: str, seed: int) -> dict:
    """Run in the child: one replication, its reduction, and the process's peak RSS."""
    import numpy as np

    import forecast
    from forecast.futures.summary import reduce_result

    scenario = forecast.load_scenario(scenario_path)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    result = forecast.simulate(scenario, seed=seed, uncertain=False)
    record = reduce_result(result)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = int(result.ladder_counts[0].sum())
    return {"workers": start, "ever": start + int(result.flows[:, :2].sum()), "months": scenario.months,
            "worker_months": int(result.ladder_counts.sum()), "wall_s": wall, "peak_rss": peak, "base_rss": base,
            "events": len(result.events), "payout_lines": len(result.ledger),
            "outlays_total": float(np.sum(record.outlays))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e4, 1e5, 1e6, 1e7])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    reference.add_flag(parser)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.seed)))
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    ref = reference.measure(args.no_reference)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = overlay(int(size), Path(tmp) / f"scale_{int(size)}.toml")
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, __file__, "--one", str(path), "--seed", str(args.seed)],
                                 capture_output=True, text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["process_s"] = time.perf_counter() - t0
            row.update(reference.ratios(row["wall_s"], ref, reference.size(row["worker_months"])))
            rows.append(row)
            print(_line(row), flush=True)
    print()
    save("bench_scale", {"seed": args.seed, "reference": ref, "rows": rows})
    print("| workers | worker-months | events | wall time | per 10^6 worker-months | peak RSS | above start-up | per worker "
          "| × naive toy | × numpy floor |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        grow = r["peak_rss"] - r["base_rss"]
        print(f"| {r['workers']:,} | {r['worker_months']:,} | {r['events']:,} | {r['wall_s']:.1f} s | "
              f"{r['wall_s'] / r['worker_months'] * 1e6:.3f} s | {r['peak_rss'] / 2**20:,.0f} MiB | "
              f"{grow / 2**20:,.0f} MiB | {grow / r['workers']:.0f} B | {_x(r['x_naive_toy'])} | "
              f"{_x(r['x_numpy_floor'])} |")


def _x(ratio: float | None) -> str:
    """A ratio to the reference toy for the table, or a dash when it was skipped."""
    return "–" if ratio is None else f"{ratio:.3g}"


def _line(r: dict) -> str:
    grow = r["peak_rss"] - r["base_rss"]
    return (f"{r['workers']:>12,} workers ({r['ever']:,} ever), {r['months']} months: {r['wall_s']:7.1f} s, "
            f"peak RSS {r['peak_rss'] / 2**20:,.0f} MiB ({grow / r['workers']:.0f} B per worker above start-up), "
            f"{r['events']:,} events" + ("" if r.get("x_naive_toy") is None else
                                         f"; {r['x_naive_toy']:.3g} × naive toy, {r['x_numpy_floor']:.3g} × numpy floor"))


if __name__ == "__main__":
    main()
