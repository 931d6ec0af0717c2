"""Options several commands share: `--set`, the backends, pinned parameters and the progress bar."""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt

from forecast.core.errors import InputError


def add_set_option(p, what: str = "a one-off change of the scenario") -> None:
    p.add_argument("--set", action="append", default=[], dest="sets", metavar="KEY=VALUE",
                   help=f"{what}: a dotted key of the scenario and its value, e.g. rules.HS-A8a.amount=3000 "
                        "(repeatable; validated like a file)")


def set_items(args) -> tuple:
    """The `--set` settings, read (an unreadable one is an error naming it)."""
    from forecast.scenario.settings import parse_sets
    return parse_sets(args.sets)


def add_pinning_options(p, fix: bool = True) -> None:
    """--central, and (with `fix`) --fix KEY[,KEY…]: parameters at their central values."""
    p.add_argument("--central", action="store_true", help="pin every uncertain parameter at its central value")
    if fix:
        p.add_argument("--fix", action="append", default=[], metavar="KEY[,KEY…]",
                       help="pin these parameters at their central values (paths as in parameters.csv, or a section)")


def add_sampling_option(p) -> None:
    """--sampling {random,rqmc}: how the replications draw the parameters' uniforms."""
    p.add_argument("--sampling", choices=("random", "rqmc"), default="random",
                   help="how the replications draw the uncertain parameters: random (plain Monte Carlo, the "
                        "default) or rqmc (randomised quasi-Monte Carlo: stratified draws in 8 independent "
                        "randomisations, standard errors from their spread; balanced at 8 × 2^m replications, "
                        "e.g. 32, 64, 128)")


def add_backend_options(p) -> None:
    p.add_argument("--backend", choices=("serial", "processes", "dask"),
                   help="where replications run (default: processes on all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask.distributed scheduler (dask backend)")
    p.add_argument("--workers", type=int, metavar="K", help="worker processes (default: one per core)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its checkpoint")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def backend_of(args) -> str:
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers", "", f"{args.workers} workers", "a whole number ≥ 1")
    backend = args.backend or ("dask" if args.scheduler else "processes")
    if args.scheduler and backend != "dask":
        raise InputError("--scheduler", "", f"a scheduler address needs --backend dask, not {backend}",
                         "--backend dask")
    return backend


def fixed_of(scenario, fix: list) -> frozenset:
    keys = [k for item in fix for k in item.split(",")]
    return scenario.fixed_parameters(keys) if keys else frozenset()


@contextlib.contextmanager
def progress_bar(quiet: bool, what: str):
    """Yield progress(done, total) drawing a bar on stderr when it is a terminal (else nothing)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err = Console(stderr=True, highlight=False)
    if quiet or not err.is_terminal:
        yield None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=True)
    task = bar.add_task(what, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


def date_arg(text: str) -> dt.date:
    """An argparse type: a date YYYY-MM-DD (`--as-of`)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (allowed: YYYY-MM-DD)") from None
