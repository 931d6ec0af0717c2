"""The `forecast` command: `forecast run SCENARIO`, and the other subcommands.

Bad input (unknown key, wrong type, value out of range, missing file) prints one message
naming the file, the key and what is allowed, exits with status 2 and writes nothing.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import InputError


def _run(args) -> int:
    from .display import console, outlays_table, targets_table
    from .scenario import load_scenario
    from .simulate import simulate

    scenario = load_scenario(args.scenario)
    result = simulate(scenario, seed=args.seed, uncertain=not args.central)
    out = Path(args.out) if args.out else Path("results") / scenario.name
    result.write(out)
    con = console()
    con.print(outlays_table(result.outlays(), scenario,
                            f"{scenario.title}: fund outlays by year (seed {args.seed}, one future)"))
    con.print(targets_table(result.targets()))
    con.print(f"results written to {out}/")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forecast", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario and write its results")
    run.add_argument("scenario", help="scenario TOML file, e.g. scenarios/huishan.toml")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--out", help="results folder (default results/<scenario name>)")
    run.add_argument("--central", action="store_true",
                     help="use central values of uncertain parameters instead of drawing them")
    run.set_defaults(func=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"forecast: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
