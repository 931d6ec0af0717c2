"""The `forecast` command: `run`, `compare`, `sweep`, `optimise`, `payouts`, `report`, `sensitivity` and
`calibrate`, one module each.

Bad input (unknown key, wrong type, value out of range, missing file) prints one message
naming the file, the key and what is allowed, exits with status 2 and writes nothing.
"""
from __future__ import annotations

import argparse
import sys

from forecast.core.errors import InputError
from forecast.runs.backends import WorkerLost


def build_parser() -> argparse.ArgumentParser:
    from forecast.cli import calibrate, compare, optimise, payouts, report, run, sensitivity, sweep

    parser = argparse.ArgumentParser(prog="forecast", description="Simulation and budget forecast of "
                                     "skilled-worker incentive policies.")
    sub = parser.add_subparsers(dest="command", required=True)
    run.add_parser(sub)
    compare.add_parser(sub)
    sweep.add_parser(sub)
    optimise.add_parser(sub)
    payouts.add_parser(sub)
    report.add_parser(sub)
    sensitivity.add_parser(sub)
    calibrate.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = ["forecast", *(sys.argv[1:] if argv is None else argv)]
    try:
        return args.func(args)
    except InputError as exc:
        print(f"forecast: error: {exc}", file=sys.stderr)
        return 2
    except WorkerLost as exc:   # a machine fault the run could not recover from: the checkpoint is kept
        print(f"forecast: error: {exc}", file=sys.stderr)
        return 1
