"""`forecast sensitivity SCENARIO --method morris|sobol …`: what the forecast rests on.

Morris screening of every drawn parameter (`--trajectories N`, default 10), or Sobol' indices
(`--n N`, a power of two, default 64) of the leading ones (`--params KEY …`, or the `--top K`
of a Morris folder given by `--screening DIR`), on common random numbers, on the Monte Carlo
backends with a checkpoint beside DIR (`--resume` continues an interrupted analysis). Writes
DIR (see `forecast.sensitivity.files`) and prints the ranked "what drives this number"
table. The method is `forecast.sensitivity.analysis`.
"""
from __future__ import annotations

from forecast.cli.options import (SCENARIO_HELP, add_backend_options, add_seed_option, compute_of, draws_of, interrupted,
                                  progress_bar)
from forecast.core.errors import InputError


def add_parsers(subparsers) -> None:
    p = subparsers.add_parser("sensitivity", help="which assumptions drive each figure (SALib: Morris, Sobol')",
                              description=__doc__.splitlines()[0])
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--method", choices=("morris", "sobol"), required=True)
    p.add_argument("--trajectories", type=int, metavar="N", help="Morris trajectories (default 10)")
    p.add_argument("--n", type=int, metavar="N", help="Sobol' base sample, a power of two (default 64)")
    p.add_argument("--params", nargs="+", metavar="KEY", help="parameters to analyse (default: Morris all drawn)")
    p.add_argument("--screening", metavar="DIR", help="Sobol': a Morris folder of the same scenario to take the "
                                                      "leading parameters from")
    p.add_argument("--top", type=int, default=8, metavar="K", help="Sobol' with --screening: how many (default 8)")
    add_seed_option(p)
    add_backend_options(p, what="the design's points")
    p.add_argument("--out", required=True, help="folder to write (replaced atomically)")
    p.set_defaults(func=main)


def main(args) -> int:
    from forecast.sensitivity.api import run_sensitivity
    from forecast.sensitivity.files import drivers_table
    from forecast.display.console import console
    from forecast.scenario.scenario import load_scenario

    if args.method == "morris" and args.n is not None:
        raise InputError("--n", "", "is the Sobol' sample size", "--trajectories N for Morris")
    if args.method == "sobol" and args.trajectories is not None:
        raise InputError("--trajectories", "", "is the Morris design size", "--n N for Sobol'")
    size = (args.trajectories or 10) if args.method == "morris" else (args.n or 64)
    scenario = load_scenario(args.scenario)
    compute = compute_of(args)
    try:
        with progress_bar(args.quiet, "points") as progress:
            s = run_sensitivity(scenario, method=args.method, size=size, out=args.out, names=args.params,
                                screening=args.screening, top=args.top, draws=draws_of(args),
                                compute=compute.with_progress(progress), argv=args.argv)
    except KeyboardInterrupt:
        return interrupted(args.out, "points")
    con = console()
    con.print(drivers_table(s.table, s.outputs, s.method))
    conv = s.convergence
    verdict = ("stable" if conv.get("stable") else "settled" if conv.get("settled") else
               "not settled: " + ", ".join(conv.get("unstable") or conv.get("unsettled") or []))
    con.print(f"{s.runs} simulations ({s.method}, {len(s.names)} parameters) in {s.meta['seconds']:,.1f} s; "
              f"convergence: {verdict}; written to {args.out}/")
    return 0

