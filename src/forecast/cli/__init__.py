"""The `forecast` command: one command per product, each registered by the product's own
`cli` module (`PRODUCTS`), which imports at its top only argparse and `forecast.cli.options` —
the work (numpy, pandas, matplotlib, the engine) is imported inside the command that runs, so
`forecast --help` and a command's `--help` start at once.

Bad input (unknown key, wrong type, value out of range, missing file) prints one message
naming the file, the key and what is allowed, exits with status 2 and writes nothing; a
machine fault a run could not recover from prints one message and exits 1 (the checkpoint is
kept for `--resume`).
"""
from __future__ import annotations

import argparse
import importlib
import sys

from forecast.core.errors import InputError, WorkerLost

#: the products' command modules, in the order `forecast --help` lists their commands
PRODUCTS = ("forecast.results.cli",        # run
            "forecast.reforecast.cli",     # reforecast
            "forecast.planner.cli",        # compare, sweep, optimise
            "forecast.payouts.cli",        # payouts
            "forecast.report.cli",         # report
            "forecast.sensitivity.cli",    # sensitivity
            "forecast.calibration.cli")    # calibrate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forecast", description="Engine and budget forecast of "
                                     "skilled-worker incentive policies.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in PRODUCTS:
        importlib.import_module(name).add_parsers(sub)
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
