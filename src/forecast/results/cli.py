"""`forecast run SCENARIO [--reps N] …`: simulate one future or N and write the results folder.

One future (`--reps 1`, the default) and N futures write the same layout
(`forecast.results.folder`); one future adds its ledger and events. The tables printed come
from the run in memory, not from reading the folder back. A re-forecast from records actually
paid is its own command, `forecast reforecast` (`forecast.reforecast.cli`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from forecast.cli.options import (SCENARIO_HELP, add_backend_options, add_pinning_options, add_sampling_option, add_seed_option,
                                  add_set_option, check_count, compute_of, draws_of, interrupted, progress_bar,
                                  set_items)
from forecast.core.errors import InputError

MC_ONLY = ("--backend", "--scheduler", "--workers", "--resume", "--keep-ledgers")


def add_parsers(subparsers) -> None:
    run = subparsers.add_parser("run", help="simulate a scenario and write its results")
    run.add_argument("scenario", help=SCENARIO_HELP)
    add_seed_option(run)
    run.add_argument("--out", help="results folder (default results/<scenario name>)")
    add_pinning_options(run)
    run.add_argument("--reps", type=int, default=1, metavar="N",
                     help="Monte Carlo: N replications, each drawing the uncertain parameters once (default 1: one run)")
    add_backend_options(run)
    run.add_argument("--keep-ledgers", action="store_true",
                     help="also keep every replication's payout ledger (ledgers/rep-NNNNNN.parquet)")
    add_set_option(run)
    add_sampling_option(run)
    run.add_argument("--precision", type=float, metavar="REL",
                     help="Monte Carlo to a precision: batches of replications (the first --reps N, default 40) until "
                          "the MC standard error of the policy-period total is ≤ REL of its mean and of each "
                          "probability of a target (strictly between 0 and 1) ≤ max(REL × p, --precision-floor)")
    run.add_argument("--precision-floor", type=float, default=0.01, metavar="SE",
                     help="with --precision: the absolute standard error enough for a probability (default 0.01)")
    run.add_argument("--max-reps", type=int, default=2000, metavar="M",
                     help="with --precision: stop at M replications even if the precision is not reached (default 2000)")
    # the re-forecast's options moved to `forecast reforecast`: an old command line is told so
    for flag in ("--actuals", "--as-of"):
        run.add_argument(flag, help=argparse.SUPPRESS)
    run.add_argument("--no-update", action="store_true", help=argparse.SUPPRESS)
    run.set_defaults(func=main)


def main(args) -> int:
    from forecast.scenario.scenario import load_scenario

    if args.actuals is not None or args.as_of is not None or args.no_update:
        raise InputError("--actuals", "", "a re-forecast from records actually paid is its own command",
                         f"forecast reforecast {args.scenario} --actuals RECORDS --as-of DATE …")
    check_count("--reps", args.reps, 1)
    compute = compute_of(args)
    scenario = load_scenario(args.scenario, set_items(args))
    draws = draws_of(args, scenario)
    out = Path(args.out) if args.out else Path("results") / scenario.name
    if args.precision is not None:
        from forecast.futures.precision import FIRST, check_request
        args.reps = args.reps if args.reps > 1 else FIRST
        check_request(args.precision, args.precision_floor, args.reps, args.max_reps)
        return _monte_carlo(args, scenario, draws, compute, out)
    if args.reps == 1:
        given = [o for o, v in zip(MC_ONLY, (args.backend, args.scheduler, args.workers, args.resume,
                                             args.keep_ledgers)) if v]
        if given and not args.quiet:
            print(f"forecast: note: {', '.join(given)} apply to Monte Carlo runs (--reps N > 1); "
                  "one run writes its ledger always", file=sys.stderr)
        return _single(args, scenario, draws, out)
    return _monte_carlo(args, scenario, draws, compute, out)


def _single(args, scenario, draws, out: Path) -> int:
    from forecast.display.console import console
    from forecast.display.labels import Labels
    from forecast.results.api import run_single
    from forecast.results.budget import Budget
    from forecast.results.terminal import headline, outlays_table, targets_table

    result, agg = run_single(scenario, out=out, draws=draws, argv=args.argv)
    con = console()
    L = Labels("en", scenario)
    con.print(outlays_table(result.outlays(), scenario, L("terminal.single_title", title=scenario.title,
                                                          seed=args.seed), owed_after=result.owed_after_horizon()))
    con.print(targets_table(result.targets(), scenario) if scenario.targets else L("terminal.no_targets"))
    con.print(headline(Budget(agg)))
    con.print(L("one_future"), style="bold")
    con.print(f"results written to {out}/ (forecast report {out} adds the Excel workbook and the printable report)")
    return 0


def _monte_carlo(args, scenario, draws, compute, out: Path) -> int:
    from rich.console import Console

    from forecast.display.console import console
    from forecast.display.labels import Labels
    from forecast.futures.checkpoint import checkpoint_dir
    from forecast.results.api import run_monte_carlo
    from forecast.results.budget import Budget
    from forecast.results.terminal import headline, mc_outlays_table, mc_targets_table

    err = Console(stderr=True, highlight=False)
    cp = checkpoint_dir(out)

    def on_start(resumed: int, reps: int) -> None:
        if resumed and not args.quiet:
            err.print(f"resuming: {resumed} of {reps} replications already in {cp}/")

    if not args.resume and cp.exists() and not args.quiet:
        err.print(f"note: starting afresh; the checkpoint in {cp}/ is discarded (--resume continues it)")
    try:
        with progress_bar(args.quiet, "replications") as progress:
            agg, info = run_monte_carlo(scenario, reps=args.reps, out=out, draws=draws,
                                        compute=compute.with_progress(progress), keep_ledgers=args.keep_ledgers,
                                        argv=args.argv, on_start=on_start, precision=args.precision,
                                        precision_floor=args.precision_floor, max_reps=args.max_reps)
    except KeyboardInterrupt:
        return interrupted(out, "replications", args.reps)
    con = console()
    con.print(mc_outlays_table(agg))
    con.print(mc_targets_table(agg) if scenario.targets else Labels("en", scenario)("terminal.no_targets"))
    con.print(headline(Budget(agg)))
    if info.precision is not None:
        con.print(precision_text(info.precision))
    resumed = f", {info.resumed} resumed from the checkpoint" if info.resumed else ""
    con.print(f"{info.reps} replications ({info.computed} computed{resumed}) with the {compute.backend} backend "
              f"in {info.seconds:,.1f} s; results written to {out}/ "
              f"(forecast report {out} adds the Excel workbook and the printable report)")
    return 0


def precision_text(p: dict) -> str:
    """What a run to a precision reached, in one or two sentences."""
    worst = max(p["figures"], key=lambda f: f["mc_se"] / f["tolerance"] if f["tolerance"] else float("inf"))
    batches = " → ".join(str(b) for b in p["batches"])
    if p["achieved"]:
        return (f"precision {p['target']:.2%} reached with {p['reps']} replications (batches {batches}); "
                f"the tightest figure, {worst['figure']}, has MC SE {worst['mc_se']:,.4g} against "
                f"{worst['tolerance']:,.4g} allowed")
    return (f"precision {p['target']:.2%} NOT reached within --max-reps {p['max_reps']} (batches {batches}): "
            f"{worst['figure']} has MC SE {worst['mc_se']:,.4g} against {worst['tolerance']:,.4g} allowed; "
            "the figures printed carry that error")
