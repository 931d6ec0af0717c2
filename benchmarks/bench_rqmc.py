"""Randomised quasi-Monte Carlo against plain Monte Carlo: the replications saved.

    python benchmarks/bench_rqmc.py [--repeats 10] [--reps 32 64] [--target HS-T1] [--workers K]

For each sampling method (`random`, `rqmc`, `scenario/qmc.py`) and each of R repetitions
(seeds 1000, 1001, …) the benchmark simulates replications 0 … N_max − 1 of
scenarios/huishan, exactly as `forecast run --reps N --sampling METHOD --seed S` does
(`futures.summary.replicate`; replication r does not depend on N, so the first N of a run of N_max are a
run of N). For N in --reps it takes the two estimates of a run — the policy period's total outlay
(mean over replications of the cash outlays in the policy's years) and P(target met) — and
measures the variance of each estimate two ways:

- across repetitions: the sample variance of the R estimates (direct, but only R − 1 degrees of
  freedom: with R = 10 a variance ratio is known to within a factor of about 2);
- pooled within runs: the mean over repetitions of each run's own squared standard error — s²/N
  for plain Monte Carlo (i.i.d. replications), the spread of the 8 randomisations' means for RQMC
  (`statistics.rqmc_se`); both unbiased for the variance, with R(N − 1) and 7R degrees of freedom.

The variance ratio random / rqmc is the factor of replications saved: RQMC with N replications is
as precise as plain Monte Carlo with ratio × N (equivalent replications saved = N (ratio − 1)
… or, put the other way, RQMC needs N / ratio for the precision plain Monte Carlo reaches with N).
The wall time is reported with the reference toy's (benchmarks/reference.py) as the other
benchmarks do; the figures are saved under benchmarks/results/.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import math
import multiprocessing
import os
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

import forecast  # noqa: E402
from forecast.futures import backends  # noqa: E402
from forecast.futures.summary import Task, replicate  # noqa: E402
from forecast.futures.statistics import rqmc_se  # noqa: E402
from forecast.scenario import qmc  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save  # noqa: E402
import reference  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("random", "rqmc")
_SCENARIO = None


def _init(path: str) -> None:
    global _SCENARIO
    _SCENARIO = forecast.load_scenario(path)


def one(method: str, seed: int, rep: int) -> tuple:
    """(method, seed, rep, policy-period total, value of each target) of one replication."""
    sc = _SCENARIO
    summary = replicate(Task(sc, forecast.Draws(seed, sampling=method)), rep)
    period = np.asarray(sc.policy.in_period(sc.years), dtype=bool)
    return method, seed, rep, float(summary.outlays[period].sum()), [float(v) for v in summary.targets]


def estimates(x: np.ndarray, n: int, method: str) -> tuple[float, float]:
    """(mean of the first n replications, its squared standard error as the run reports it)."""
    x = x[:n]
    if method == "rqmc":
        return float(x.mean()), rqmc_se(x, qmc.group(np.arange(n))) ** 2
    return float(x.mean()), float(x.var(ddof=1) / n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "huishan"))
    parser.add_argument("--repeats", type=int, default=10, help="independent runs (seeds) per method (default 10)")
    parser.add_argument("--reps", type=int, nargs="+", default=[32, 64], help="replications per run (default 32 64)")
    parser.add_argument("--target", default="HS-T1", help="the target whose P(met) is measured (default HS-T1)")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    reference.add_flag(parser)
    args = parser.parse_args()
    workers = args.workers or backends.default_workers()
    scenario = forecast.load_scenario(args.scenario)
    ids = [t.id for t in scenario.targets]
    if args.target not in ids:
        parser.error(f"--target {args.target!r}: not a target of the scenario ({', '.join(ids)})")
    tj = ids.index(args.target)
    target = scenario.targets[tj]
    nmax = max(args.reps)
    seeds = [args.first_seed + i for i in range(args.repeats)]
    print(f"machine   {machine()}")
    ref = reference.measure(args.no_reference, repeat=1)
    load_before = os.getloadavg()[0]
    jobs = [(m, s, r) for s in seeds for m in METHODS for r in range(nmax)]
    print(f"{len(jobs):,} replications of {scenario.name}: {args.repeats} runs × {nmax} × {len(METHODS)} methods "
          f"on {workers} workers", flush=True)
    total = {(m, s): np.zeros(nmax) for m in METHODS for s in seeds}
    values = {(m, s): np.zeros((nmax, len(ids))) for m in METHODS for s in seeds}
    t0 = time.perf_counter()
    with cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
                                initargs=(args.scenario,)) as pool:
        futures = [pool.submit(one, *job) for job in jobs]
        for i, fut in enumerate(cf.as_completed(futures), 1):
            m, s, r, tot, tv = fut.result()
            total[m, s][r], values[m, s][r] = tot, tv
            if i % max(1, len(jobs) // 20) == 0:
                print(f"  {i:>6,} / {len(jobs):,}  {time.perf_counter() - t0:7.1f} s", flush=True)
    wall = time.perf_counter() - t0
    mets = {key: np.stack([t.met(v[:, j]).astype(float) for j, t in enumerate(scenario.targets)], axis=1)
            for key, v in values.items()}
    # the stated target, and every other target whose probability is neither 0 nor 1 here
    p_all = np.mean([mets[key].mean(axis=0) for key in mets], axis=0)
    measured = [args.target] + [i for i, p in zip(ids, p_all) if 0 < p < 1 and i != args.target]
    figures = {"scenario": args.scenario, "repeats": args.repeats, "seeds": seeds, "target": args.target,
               "randomisations": qmc.SCRAMBLES, "workers": workers, "wall_s": wall,
               "per_rep_per_core_s": wall * workers / len(jobs), "load_before": load_before,
               "load_after": os.getloadavg()[0], "reference": ref,
               **reference.ratios(wall, ref), "by_n": {}}
    print(f"wall time {reference.describe(wall, ref)} for {len(jobs):,} replications")
    for n in sorted(args.reps):
        row = {}
        series = [("policy_period_total", total)] + [
            (f"p_{i}_met", {key: mets[key][:, ids.index(i)] for key in mets}) for i in measured]
        for name, data in series:
            fig = {}
            for m in METHODS:
                est = np.array([estimates(data[m, s], n, m) for s in seeds])
                fig[m] = {"mean_of_estimates": float(est[:, 0].mean()),
                          "variance_across_repeats": float(est[:, 0].var(ddof=1)),
                          "variance_pooled_within": float(est[:, 1].mean())}
            for how in ("variance_across_repeats", "variance_pooled_within"):
                a, b = fig["random"][how], fig["rqmc"][how]
                ratio = a / b if b > 0 else (math.inf if a > 0 else None)
                fig[f"ratio_{how}"] = ratio
                fig[f"equivalent_plain_reps_{how}"] = None if ratio is None or not math.isfinite(ratio) else n * ratio
            row[name] = fig
            print(f"N = {n:>3}  {name:<24} var random {fig['random']['variance_across_repeats']:.4g} / rqmc "
                  f"{fig['rqmc']['variance_across_repeats']:.4g} across repeats → ratio "
                  f"{_fmt(fig['ratio_variance_across_repeats'])}; pooled within runs → ratio "
                  f"{_fmt(fig['ratio_variance_pooled_within'])}  (means {fig['random']['mean_of_estimates']:.6g} / "
                  f"{fig['rqmc']['mean_of_estimates']:.6g})")
        figures["by_n"][str(n)] = row
    figures["probabilities"] = {i: float(p) for i, p in zip(ids, p_all)}
    figures["target_value_mean"] = float(np.mean([values[key][:, tj].mean() for key in values]))
    figures["target_goal"] = target.goal
    save("bench_rqmc", figures)


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.2f}"


if __name__ == "__main__":
    main()
