"""`forecast reforecast SCENARIO --actuals RECORDS --as-of DATE`: budget execution, the rest of
the policy re-forecast from what was actually paid (`forecast.reforecast.api`).

Prints the year's headline ("2026: paid X of a plan of Y; expected year-end Z (90 %: a–b)"),
the plan against the re-forecast year by year, what the records show against the plan's
rates, and writes the plan's results folder with execution.csv and its companions. An
interrupted re-forecast leaves its checkpoint beside the folder: `--resume` continues it.
"""
from __future__ import annotations

import sys
from pathlib import Path

from forecast.cli.options import (SCENARIO_HELP, add_backend_options, add_pinning_options, add_seed_option, add_set_option,
                                  check_count, compute_of, date_arg, draws_of, interrupted, progress_bar,
                                  set_items)

DEFAULT_REPS = 40


def add_parsers(subparsers) -> None:
    """Register `forecast reforecast`."""
    p = subparsers.add_parser("reforecast", help="budget execution: re-forecast the rest of the policy from the "
                              "records actually paid")
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--actuals", required=True, metavar="RECORDS",
                   help="records actually paid (the `forecast payouts` format, .csv or .xlsx)")
    p.add_argument("--as-of", required=True, type=date_arg, metavar="DATE",
                   help="the records are complete to this date (YYYY-MM-DD, within the policy), later ones are left out")
    p.add_argument("--no-update", action="store_true",
                   help="keep the scenario's rates instead of updating them from the records "
                        "(for records not complete for every kind)")
    p.add_argument("--reps", type=int, default=DEFAULT_REPS, metavar="N",
                   help=f"paired replications of the plan and the re-forecast (default {DEFAULT_REPS})")
    add_seed_option(p)
    p.add_argument("--out", help="results folder of the plan, with the execution files (default results/<scenario name>)")
    add_pinning_options(p)
    add_set_option(p)
    add_backend_options(p)
    p.set_defaults(func=main)


def main(args) -> int:
    from rich.table import Table

    from forecast.display.console import console
    from forecast.display.labels import WAN
    from forecast.reforecast.api import run_execution
    from forecast.reforecast.files import headline_text
    from forecast.scenario.scenario import load_scenario

    check_count("--reps", args.reps, 2)
    compute = compute_of(args)
    scenario = load_scenario(args.scenario, set_items(args))
    draws = draws_of(args, scenario)
    out = Path(args.out) if args.out else Path("results") / scenario.name
    reps = args.reps
    try:
        with progress_bar(args.quiet, "plan, then re-forecast") as progress:
            ex = run_execution(scenario, args.actuals, as_of=args.as_of, reps=reps, out=out, draws=draws,
                               compute=compute.with_progress(progress), argv=args.argv, update=not args.no_update)
    except KeyboardInterrupt:
        return interrupted(out, "replications (plan, then re-forecast)", 2 * reps)
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
    print(f"{reps} replications (plan and re-forecast, paired) with the {compute.backend} backend; results written to "
          f"{out}/ (execution.csv, execution_rates.csv, execution.png; forecast report {out} adds the 预算执行 "
          "sheet and section)", file=sys.stdout)
    return 0
