"""The options several commands share, declared once: seed, `--set`, pinned parameters,
sampling, the backends, the progress bar and dates; and the two settings a run takes, built
from them (`draws_of`, `compute_of`: `futures/settings.py`).

Imported by every product's `cli` module at start-up, so it imports nothing heavy at its top.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt

from forecast.core.errors import InputError

BACKENDS = ("serial", "processes", "dask")
#: what a command's SCENARIO argument may be
SCENARIO_HELP = "a scenario: a place folder (scenarios/huishan), a scenario file, or a reform overlay"


def add_seed_option(p) -> None:
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


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
    p.add_argument("--central", action="store_true",
                   help="pin every uncertain parameter at its central value instead of drawing it")
    if fix:
        p.add_argument("--fix", action="append", default=[], metavar="KEY[,KEY…]",
                       help="pin these parameters (paths as in parameters.csv, e.g. population.employed, or a "
                            "section such as pathways.night_school) at their central values; the others are drawn")


def fix_keys(args) -> list[str]:
    """The keys given to --fix (repeated or comma-separated)."""
    return [k for item in getattr(args, "fix", []) for k in item.split(",") if k]


def fixed_of(scenario, args) -> frozenset:
    """The parameter paths --fix pins in this scenario (InputError for an unknown key)."""
    keys = fix_keys(args)
    return scenario.fixed_parameters(keys) if keys else frozenset()


def add_sampling_option(p) -> None:
    """--sampling {random,rqmc}: how the replications draw the parameters' uniforms."""
    p.add_argument("--sampling", choices=("random", "rqmc"), default="random",
                   help="how the replications draw the uncertain parameters: random (plain Monte Carlo, the "
                        "default) or rqmc (randomised quasi-Monte Carlo: stratified draws in 8 independent "
                        "randomisations, standard errors from their spread; balanced at 8 × 2^m replications, "
                        "e.g. 32, 64, 128)")


def add_backend_options(p, resume: bool = True, what: str = "replications") -> None:
    """--backend, --scheduler, --workers, (--resume) and --quiet."""
    p.add_argument("--backend", choices=BACKENDS,
                   help=f"where {what} run (default: processes on all cores; dask with --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="dask.distributed scheduler to submit to, e.g. tcp://scheduler-host:8786 "
                        "(dask backend; without it a LocalCluster on 127.0.0.1 is started)")
    p.add_argument("--workers", type=int, metavar="K", help="worker processes (default: one per core)")
    if resume:
        p.add_argument("--resume", action="store_true",
                       help="continue an interrupted run from its checkpoint (beside --out)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or notes")


def backend_of(args) -> str:
    """The backend the options ask for (InputError for inconsistent ones)."""
    return compute_of(args).backend


def compute_of(args, progress=None):
    """The `Compute` settings of the backend options (--backend, --workers, --scheduler,
    --resume; InputError for inconsistent ones), with `progress(done, total)` (`progress_bar`)."""
    from forecast.futures.settings import Compute
    return Compute(args.backend, args.workers, args.scheduler, bool(getattr(args, "resume", False)), progress)


def draws_of(args, scenario=None):
    """The `Draws` settings of the options: --seed, --central, --fix (the parameter paths it pins
    in `scenario`: InputError for an unknown key) and --sampling; a command without some of them
    has their defaults (`scenario` is needed only with --fix)."""
    from forecast.futures.settings import Draws
    return Draws(args.seed, not getattr(args, "central", False), fixed_of(scenario, args),
                 getattr(args, "sampling", "random"))


def interrupted(out, noun: str, total: int | None = None) -> int:
    """After Ctrl-C: say how many items the checkpoint beside `out` keeps and how to continue;
    exit status 130. The workers are stopped and every entry is whole (each is written with
    Ctrl-C held back), so a further Ctrl-C now would only turn the message into a traceback: it
    is ignored while the message is written."""
    import signal
    import sys

    from forecast.futures.checkpoint import Checkpoint, checkpoint_dir

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        cp = checkpoint_dir(out)
        done = Checkpoint(cp).finished()
        print(f"forecast: interrupted: {done}{f' of {total}' if total else ''} {noun} saved in {cp}/, nothing "
              f"written to {out}/; continue with the same command and --resume", file=sys.stderr)
    finally:
        signal.signal(signal.SIGINT, previous)
    return 130


def check_count(flag: str, value: int, least: int) -> None:
    """A whole-number option (--reps, --max-runs …) of at least `least`."""
    if value < least:
        raise InputError(flag, "", f"{value}", f"a whole number ≥ {least}")


@contextlib.contextmanager
def progress_bar(quiet: bool, what: str):
    """Yield progress(done, total) drawing a bar (done of total, elapsed, time left) on stderr when
    it is a terminal; otherwise yield None and draw nothing."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    err = Console(stderr=True, highlight=False)
    if quiet or not err.is_terminal:
        yield None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("•"),
                   TimeElapsedColumn(), TextColumn("elapsed •"), TimeRemainingColumn(), TextColumn("left"),
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
