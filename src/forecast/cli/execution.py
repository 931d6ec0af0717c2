"""`forecast run SCENARIO --actuals RECORDS --as-of DATE`: budget execution, the rest of the
policy re-forecast from what was actually paid (`forecast.api.execution`).

Prints the year's headline ("2026: paid X of a plan of Y; expected year-end Z (90 %: a–b)"),
the plan against the re-forecast year by year, what the records show against the plan's
rates, and writes the plan's results folder with execution.csv and its companions.
"""
from __future__ import annotations

import sys
from pathlib import Path

from forecast.cli.options import date_arg
from forecast.core.errors import InputError

DEFAULT_REPS = 40
NOT_WITH = (("--precision", "precision"), ("--resume", "resume"), ("--keep-ledgers", "keep_ledgers"))


def add_options(run) -> None:
    """Register --actuals, --as-of and --no-update on `forecast run`."""
    run.add_argument("--actuals", metavar="RECORDS",
                     help="budget execution: records actually paid (the `forecast payouts` format, .csv or .xlsx); "
                          "re-forecasts the rest of the policy from them (needs --as-of; --reps default 40)")
    run.add_argument("--as-of", type=date_arg, metavar="DATE",
                     help="with --actuals: the records are complete to this date (YYYY-MM-DD), later ones are left out")
    run.add_argument("--no-update", action="store_true",
                     help="with --actuals: keep the scenario's rates instead of updating them from the records "
                          "(for records not complete for every kind)")


def wanted(args) -> bool:
    """Whether this `forecast run` is a budget execution; inconsistent options are an error."""
    if args.actuals is None:
        for flag, given in (("--as-of", args.as_of is not None), ("--no-update", args.no_update)):
            if given:
                raise InputError(flag, "", "given without --actuals", "--actuals RECORDS --as-of DATE")
        return False
    if args.as_of is None:
        raise InputError("--as-of", "", "missing: a re-forecast needs the date the records are complete to",
                         "--as-of YYYY-MM-DD within the policy's period")
    for flag, attr in NOT_WITH:
        if getattr(args, attr, None):
            raise InputError(flag, "", "not available with --actuals", "a plain `forecast run --reps N`")
    if getattr(args, "sampling", "random") != "random":
        raise InputError("--sampling", args.sampling, "not available with --actuals (the re-forecast draws its "
                         "parameters at random, paired with its plan)", "--sampling random")
    return True


def main(args, scenario, out: Path) -> int:
    from rich.table import Table

    from forecast.api.execution import run_execution
    from forecast.outputs.execution_files import headline_text
    from forecast.outputs.labels import WAN
    from forecast.outputs.terminal import console

    from forecast.cli.options import progress_bar

    reps = args.reps if args.reps > 1 else DEFAULT_REPS
    backend = args.backend or ("dask" if args.scheduler else "processes")
    try:
        with progress_bar(args.quiet, "plan, then re-forecast") as progress:
            ex = run_execution(scenario, args.actuals, as_of=args.as_of, reps=reps, seed=args.seed, out=out,
                               uncertain=not args.central, fixed=args.fixed, backend=backend, workers=args.workers,
                               scheduler=args.scheduler, argv=args.argv, update=not args.no_update,
                               progress=progress)
    except KeyboardInterrupt:
        print(f"forecast: interrupted: nothing written to {out}/ (a re-forecast keeps no checkpoint: run the "
              "command again)", file=sys.stderr)
        return 130
    con = console()
    t = ex.table[ex.table["rule"] == "total"]
    table = Table(title=f"Budget execution of {scenario.title} as of {ex.as_of}: fund cash by year, 万元",
                  title_justify="left")
    for col, head in (("year", "year"), ("plan", "plan"), ("plan_band", "plan 90 %"), ("actual", "paid"),
                      ("committed", "committed"), ("reforecast", "re-forecast"), ("band", "re-forecast 90 %"),
                      ("variance", "variance")):
        table.add_column(head, justify="right")
    w = lambda v: f"{v / WAN:,.1f}"   # noqa: E731
    for _, r in t.iterrows():
        table.add_row(str(r["year"]), w(r["plan"]), f"{w(r['plan_p5'])}–{w(r['plan_p95'])}", w(r["actual"]),
                      w(r["committed"]), w(r["reforecast"]), f"{w(r['reforecast_p5'])}–{w(r['reforecast_p95'])}",
                      f"{r['variance'] / WAN:+,.1f}")
    con.print(table)
    con.print(headline_text(ex), style="bold")
    for note in ex.notes:
        con.print(f"• {note}")
    print(f"{reps} replications (plan and re-forecast, paired) with the {backend} backend; results written to "
          f"{out}/ (execution.csv, execution_rates.csv, execution.png; forecast report {out} adds the 预算执行 "
          "sheet and section)", file=sys.stdout)
    return 0
