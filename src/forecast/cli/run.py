"""`forecast run SCENARIO [--reps N] …`: simulate one future or N and write the results folder.

One future (`--reps 1`, the default) and N futures write the same layout
(`forecast.outputs.results`); one future adds its ledger and events. The tables printed come
from the run in memory, not from reading the folder back.
"""
from __future__ import annotations

import signal
import sys
from pathlib import Path

from forecast.cli import execution
from forecast.cli.options import add_sampling_option, add_set_option, set_items
from forecast.core.errors import InputError

MC_ONLY = ("--backend", "--scheduler", "--workers", "--resume", "--keep-ledgers")


def add_parser(subparsers) -> None:
    run = subparsers.add_parser("run", help="simulate a scenario and write its results")
    run.add_argument("scenario", help="scenario TOML file, e.g. scenarios/huishan.toml")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--out", help="results folder (default results/<scenario name>)")
    run.add_argument("--central", action="store_true",
                     help="pin every uncertain parameter at its central value instead of drawing it")
    run.add_argument("--fix", action="append", default=[], metavar="KEY[,KEY…]",
                     help="pin these parameters (paths as in parameters.csv, e.g. population.employed, or a "
                          "section such as pathways.night_school) at their central values; the others are drawn")
    run.add_argument("--reps", type=int, default=1, metavar="N",
                     help="Monte Carlo: N replications, each drawing the uncertain parameters once (default 1: one run)")
    run.add_argument("--backend", choices=("serial", "processes", "dask"),
                     help="where replications run (default: processes on all cores when N > 1)")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="dask.distributed scheduler to submit to, e.g. tcp://scheduler-host:8786 "
                          "(dask backend; without it a LocalCluster on 127.0.0.1 is started)")
    run.add_argument("--workers", type=int, metavar="K", help="worker processes (default: one per core)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or notes")
    run.add_argument("--resume", action="store_true",
                     help="continue an interrupted Monte Carlo run from its checkpoint (<out>.checkpoint/)")
    run.add_argument("--keep-ledgers", action="store_true",
                     help="also keep every replication's payout ledger (ledgers/rep-NNNNNN.parquet)")
    add_set_option(run)
    add_sampling_option(run)
    execution.add_options(run)
    run.add_argument("--precision", type=float, metavar="REL",
                     help="Monte Carlo to a precision: batches of replications (the first --reps N, default 40) until "
                          "the MC standard error of the policy-period total is ≤ REL of its mean and of each "
                          "probability of a target (strictly between 0 and 1) ≤ max(REL × p, --precision-floor)")
    run.add_argument("--precision-floor", type=float, default=0.01, metavar="SE",
                     help="with --precision: the absolute standard error enough for a probability (default 0.01)")
    run.add_argument("--max-reps", type=int, default=2000, metavar="M",
                     help="with --precision: stop at M replications even if the precision is not reached (default 2000)")
    run.set_defaults(func=main)


def main(args) -> int:
    from forecast.scenario.scenario import load_scenario

    if args.reps < 1:
        raise InputError("--reps", "", f"{args.reps} replications", "a whole number ≥ 1")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers", "", f"{args.workers} workers", "a whole number ≥ 1")
    scenario = load_scenario(args.scenario, set_items(args))
    keys = [k for item in args.fix for k in item.split(",")]
    fixed = scenario.fixed_parameters(keys) if keys else frozenset()
    args.fixed = fixed
    out = Path(args.out) if args.out else Path("results") / scenario.name
    if execution.wanted(args):
        return execution.main(args, scenario, out)
    if args.precision is not None:
        from forecast.runs.precision import FIRST, check_request
        args.reps = args.reps if args.reps > 1 else FIRST
        check_request(args.precision, args.precision_floor, args.reps, args.max_reps)
        return _monte_carlo(args, scenario, out)
    if args.reps == 1:
        given = [o for o, v in zip(MC_ONLY, (args.backend, args.scheduler, args.workers, args.resume,
                                             args.keep_ledgers)) if v]
        if given and not args.quiet:
            print(f"forecast: note: {', '.join(given)} apply to Monte Carlo runs (--reps N > 1); "
                  "one run writes its ledger always", file=sys.stderr)
        return _single(args, scenario, out)
    return _monte_carlo(args, scenario, out)


def _single(args, scenario, out: Path) -> int:
    from forecast.api import run_single
    from forecast.outputs.budget import Budget
    from forecast.outputs.labels import Labels
    from forecast.outputs.terminal import console, headline, outlays_table, targets_table

    result, agg = run_single(scenario, seed=args.seed, out=out, uncertain=not args.central, fixed=args.fixed,
                             argv=args.argv, sampling=args.sampling)
    con = console()
    L = Labels("en", scenario)
    con.print(outlays_table(result.outlays(), scenario, L("terminal.single_title", title=scenario.title,
                                                          seed=args.seed), owed_after=result.owed_after_horizon()))
    con.print(targets_table(result.targets(), scenario) if scenario.targets else L("terminal.no_targets"))
    con.print(headline(Budget(agg)))
    con.print(L("one_future"), style="bold")
    con.print(f"results written to {out}/ (forecast report {out} adds the Excel workbook and the printable report)")
    return 0


def _monte_carlo(args, scenario, out: Path) -> int:
    from rich.console import Console

    from forecast.api import run_monte_carlo
    from forecast.outputs.budget import Budget
    from forecast.outputs.labels import Labels
    from forecast.outputs.terminal import console, headline, mc_outlays_table, mc_targets_table
    from forecast.runs.checkpoint import Checkpoint, checkpoint_dir

    backend = args.backend or ("dask" if args.scheduler else "processes")
    if args.scheduler and backend != "dask":
        raise InputError("--scheduler", "", f"a scheduler address needs --backend dask, not {backend}", "--backend dask")
    err = Console(stderr=True, highlight=False)
    bar = _progress(err) if not args.quiet and err.is_terminal else None
    cp = checkpoint_dir(out)
    task = None

    def on_start(resumed: int, reps: int) -> None:
        nonlocal task
        if resumed and not args.quiet:
            err.print(f"resuming: {resumed} of {reps} replications already in {cp}/")
        if bar is not None:
            bar.start()
            task = bar.add_task("replications", total=reps, completed=resumed)

    def progress(done: int, reps: int) -> None:
        if bar is not None and task is not None:
            bar.update(task, completed=done)

    if not args.resume and cp.exists() and not args.quiet:
        err.print(f"note: starting afresh; the checkpoint in {cp}/ is discarded (--resume continues it)")
    try:
        agg, info = run_monte_carlo(scenario, seed=args.seed, reps=args.reps, out=out, uncertain=not args.central,
                                    fixed=args.fixed,
                                    backend=backend, workers=args.workers, scheduler=args.scheduler,
                                    resume=args.resume, keep_ledgers=args.keep_ledgers, argv=args.argv,
                                    progress=progress, on_start=on_start, precision=args.precision,
                                    precision_floor=args.precision_floor, max_reps=args.max_reps,
                                    sampling=args.sampling)
    except KeyboardInterrupt:
        # the workers are stopped and every checkpoint entry is whole (each is written with Ctrl-C
        # held back): a further Ctrl-C now would only turn this message into a traceback
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if bar is not None:
                bar.stop()
            done = Checkpoint(cp).finished()
            print(f"forecast: interrupted: {done} of {args.reps} replications saved in {cp}/, no results written; "
                  f"continue with the same command and --resume", file=sys.stderr)
        finally:
            signal.signal(signal.SIGINT, previous)
        return 130
    finally:
        if bar is not None:
            bar.stop()
    con = console()
    con.print(mc_outlays_table(agg))
    con.print(mc_targets_table(agg) if scenario.targets else Labels("en", scenario)("terminal.no_targets"))
    con.print(headline(Budget(agg)))
    if info.precision is not None:
        con.print(precision_text(info.precision))
    resumed = f", {info.resumed} resumed from the checkpoint" if info.resumed else ""
    con.print(f"{info.reps} replications ({info.computed} computed{resumed}) with the {backend} backend "
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


def _progress(err):
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("•"),
                    TimeElapsedColumn(), TextColumn("elapsed •"), TimeRemainingColumn(), TextColumn("left"),
                    console=err, transient=True)
