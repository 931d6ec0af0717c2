"""A reference workload timed in the same run as every benchmark, so figures travel between machines.

    python benchmarks/reference.py [--repeat 3]

Absolute times differ 2–3× between machines (and with the load on one machine), so each
benchmark also reports its times as ratios to this toy, timed just before its own
measurement in the same process. The toy is the skill ladder stripped to its bones:

* 360,000 workers on 9 levels (0 … 8), 36 monthly steps;
* a worker on level l is promoted to l + 1 in a month with the constant hazard `HAZARD[l]`
  (monthly: 2 %, 1.5 %, 1.2 %, 1 %, 0.8 %, 0.6 %, 0.4 %, 0.2 %, and 0 on the top level);
* at the start the workers are spread over the levels as `INITIAL` (30 %, 22 %, 16 %, 12 %,
  8 %, 5.5 %, 3.5 %, 2 %, 1 %; counts rounded by largest remainder, not drawn, so that the only
  randomness is the promotions);
* each promotion from level l pays `REWARD[l]` yuan (500, 800, 1,000, 1,500, 2,000, 3,000,
  5,000, 8,000, and nothing from the top) into a total. No other outputs.

It comes in two forms, both seeded, both returning (total reward, final counts by level):

* `naive`: one `simpy.Environment`, one SimPy process per worker that each month draws its
  promotion with Python's `random` and yields `env.timeout(1)` — the way an agent-based
  model is first written (26–28 s on this project's 2-core machine, saved under
  benchmarks/results/; the issue's own naive toy took 8.3 s on the same class of machine, so
  it was not this form, and ratios here are not comparable with its goals one for one);
* `vectorised`: numpy arrays over the workers, one `rng.random(n) < HAZARD[level]` a month —
  the floor an array model can hope for (0.05–0.09 s here).

`reference_times` times both (best of `repeat`; the naive toy is run at most twice, and only
once when its first run takes more than `NAIVE_ONCE_S` seconds, since it is slow and its spread
is small next to its length). `ratios` turns a benchmark's seconds into multiples of the two;
`measure` times the toy for a benchmark, in a fresh child process (`--json`) so the toy's memory
does not show in the benchmark's peak RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

#: monthly promotion hazard by level (the top level, 8, is never promoted)
HAZARD = np.array([0.02, 0.015, 0.012, 0.01, 0.008, 0.006, 0.004, 0.002, 0.0])
#: share of the workers on each level at the start
INITIAL = np.array([0.30, 0.22, 0.16, 0.12, 0.08, 0.055, 0.035, 0.02, 0.01])
#: yuan paid for each promotion from level l to l + 1
REWARD = np.array([500.0, 800.0, 1000.0, 1500.0, 2000.0, 3000.0, 5000.0, 8000.0, 0.0])
LEVELS = len(HAZARD)
WORKERS, MONTHS = 360_000, 36
#: a naive run longer than this is not repeated
NAIVE_ONCE_S = 5.0


def initial_counts(workers: int) -> np.ndarray:
    """Workers per level at the start: `INITIAL` × workers, rounded by largest remainder (sums to workers)."""
    exact = INITIAL * workers
    counts = np.floor(exact).astype(np.int64)
    short = workers - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts


def naive(workers: int = WORKERS, months: int = MONTHS, seed: int = 0) -> tuple[float, np.ndarray]:
    """The toy as one SimPy process per worker: (total reward, final counts by level)."""
    import simpy

    env = simpy.Environment()
    rng = random.Random(seed)
    hazard, reward = HAZARD.tolist(), REWARD.tolist()
    total = [0.0]
    final = [0] * LEVELS

    def worker(level: int):
        for _ in range(months):
            if rng.random() < hazard[level]:
                total[0] += reward[level]
                level += 1
            yield env.timeout(1)
        final[level] += 1

    for level, count in enumerate(initial_counts(workers).tolist()):
        for _ in range(count):
            env.process(worker(level))
    env.run()
    return total[0], np.array(final, dtype=np.int64)


def vectorised(workers: int = WORKERS, months: int = MONTHS, seed: int = 0) -> tuple[float, np.ndarray]:
    """The same toy with numpy arrays over the workers: (total reward, final counts by level)."""
    rng = np.random.default_rng(seed)
    level = np.repeat(np.arange(LEVELS), initial_counts(workers))
    total = 0.0
    for _ in range(months):
        up = rng.random(workers) < HAZARD[level]
        total += float(REWARD[level[up]].sum())
        level += up
    return total, np.bincount(level, minlength=LEVELS)


def transition() -> np.ndarray:
    """The monthly transition matrix P of one worker's level (row: from, column: to)."""
    P = np.diag(1.0 - HAZARD)
    P[np.arange(LEVELS - 1), np.arange(1, LEVELS)] = HAZARD[:-1]
    return P


def _best(fn, workers: int, months: int, runs: int, once_over: float | None = None) -> float:
    """Best wall time of up to `runs` calls of fn; stop after one when it took more than `once_over` s."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(workers, months, seed=0)
        best = min(best, time.perf_counter() - t0)
        if once_over is not None and best > once_over:
            break
    return best


def reference_times(repeat: int = 3, workers: int = WORKERS, months: int = MONTHS) -> dict:
    """Time both toys: the numpy one best of `repeat`, the naive one best of min(repeat, 2) (1 if slow)."""
    numpy_s = _best(vectorised, workers, months, max(1, repeat))
    naive_s = _best(naive, workers, months, max(1, min(repeat, 2)), once_over=NAIVE_ONCE_S)
    return {"naive_s": naive_s, "numpy_s": numpy_s, "workers": workers, "months": months}


def ratios(seconds: float, ref: dict | None, scale: float = 1.0) -> dict:
    """Seconds as multiples of the naive toy and of the numpy toy (its time × `scale`, the workload's size
    relative to the toy's, e.g. months / 36); None for both when the reference was skipped."""
    if not ref or ref.get("skipped"):
        return {"x_naive_toy": None, "x_numpy_floor": None}
    return {"x_naive_toy": seconds / ref["naive_s"], "x_numpy_floor": seconds / (ref["numpy_s"] * scale)}


# --- what the benchmarks share -------------------------------------------------------------------

def size(worker_months: float) -> float:
    """A workload's worker-months relative to the toy's (360,000 × 36): the numpy toy's `scale`."""
    return worker_months / (WORKERS * MONTHS)


def add_flag(parser: argparse.ArgumentParser) -> None:
    """The `--no-reference` flag every benchmark takes (a quick try without the toy's ~10 s)."""
    parser.add_argument("--no-reference", action="store_true",
                        help="skip timing the reference toy (figures then carry no ratios)")


def measure(skip: bool = False, repeat: int = 3) -> dict:
    """Time the reference (unless skipped), print it, and return what goes into the saved figures.

    The toy runs in a fresh child process: its ~400 MB of SimPy processes would otherwise raise
    the benchmark's own peak RSS, which Linux also hands down to the processes it starts. The
    child's CPU time shows in RUSAGE_CHILDREN; a benchmark that reads it subtracts what it was
    when this returned."""
    if skip:
        print("reference skipped (--no-reference): no ratios to the toy")
        return {"skipped": True}
    load = os.getloadavg()[0]
    out = subprocess.run([sys.executable, __file__, "--json", "--repeat", str(repeat)],
                         capture_output=True, text=True, check=True)
    ref = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"reference naive SimPy toy {ref['naive_s']:.2f} s, numpy toy {ref['numpy_s']:.3f} s "
          f"({ref['workers']:,} workers × {ref['months']} months, same run; load {load:.2f} before)", flush=True)
    ref["load_before"] = load
    return ref


def describe(seconds: float, ref: dict | None, scale: float = 1.0) -> str:
    """`seconds` as text with its ratios, e.g. '12.30 s = 1.48 × naive toy = 38.2 × numpy floor'."""
    r = ratios(seconds, ref, scale)
    if r["x_naive_toy"] is None:
        return f"{seconds:,.2f} s"
    return f"{seconds:,.2f} s = {r['x_naive_toy']:.3g} × naive toy = {r['x_numpy_floor']:.3g} × numpy floor"


def main() -> None:
    """Print the two times and save them under benchmarks/results/reference-<date>.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="numpy runs (best of); the naive toy runs ≤ 2")
    parser.add_argument("--json", action="store_true", help="print the times as JSON only, save nothing")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(reference_times(args.repeat)))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import machine, save

    print(f"machine   {machine()}")
    print(f"load      {os.getloadavg()[0]:.2f} (1-minute load average before)")
    ref = reference_times(args.repeat)
    print(f"naive     {ref['naive_s']:.2f} s (one SimPy process per worker)")
    print(f"numpy     {ref['numpy_s']:.3f} s (arrays over workers); naive / numpy = {ref['naive_s'] / ref['numpy_s']:.0f}")
    save("reference", {**ref, "repeat": args.repeat, "hazard": HAZARD.tolist(), "initial": INITIAL.tolist(),
                       "reward": REWARD.tolist()})


if __name__ == "__main__":
    main()
