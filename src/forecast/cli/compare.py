"""`forecast compare BASE [REFORM …] [--set KEY=VALUE …] --out DIR`: reforms against their base
on paired replications (common random numbers), with cost-effectiveness and deadweight.

`--set` makes a reform from the command line: with no REFORM file it changes the base
(`forecast compare scenarios/huishan.toml --set rules.HS-A8a.amount=4000`); with REFORM files
it changes each of them, never the base.
"""
from __future__ import annotations

from pathlib import Path

from forecast.cli.options import (add_backend_options, add_pinning_options, add_set_option,
                                   backend_of, fixed_of, progress_bar, set_items)
from forecast.core.errors import InputError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("compare", help="reforms against a base on paired replications")
    p.add_argument("base", help="the base scenario TOML, e.g. scenarios/huishan.toml")
    p.add_argument("reforms", nargs="*", metavar="REFORM", help="reform scenario files (overlays of the base)")
    p.add_argument("--reps", type=int, default=40, metavar="N", help="paired replications (default 40)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", help="comparison folder (default results/compare-<base name>)")
    add_set_option(p, "a one-off change making the reform (applied to each REFORM, or to the base when none is given)")
    add_pinning_options(p)
    add_backend_options(p)
    p.set_defaults(func=main)


def main(args) -> int:
    from forecast.api.planning import compare, named
    from forecast.outputs.compare_terminal import comparison_table, effect_lines
    from forecast.outputs.terminal import console
    from forecast.scenario.scenario import load_scenario

    if args.reps < 2:
        raise InputError("--reps", "", f"{args.reps} replications", "a whole number ≥ 2")
    sets = set_items(args)
    base = load_scenario(args.base)
    if args.reforms:
        reforms = [named(load_scenario(f, sets), sets) for f in args.reforms]
    elif sets:
        reforms = [named(load_scenario(args.base, sets), sets)]
    else:
        raise InputError("compare", "REFORM", "nothing to compare with the base",
                         "one or more reform files, or --set KEY=VALUE to make one")
    fixed = fixed_of(base, args.fix)
    out = Path(args.out) if args.out else Path("results") / f"compare-{base.name}"
    backend = backend_of(args)
    with progress_bar(args.quiet, "replications") as progress:
        c = compare(base, reforms, seed=args.seed, reps=args.reps, out=out, uncertain=not args.central, fixed=fixed,
                    backend=backend, workers=args.workers, scheduler=args.scheduler, resume=args.resume,
                    argv=args.argv, progress=progress)
    con = console()
    for r in reforms:
        con.print(comparison_table(c.long, r.name, base, args.reps))
        for line in effect_lines(c.effectiveness, c.deadweight, r.name):
            con.print(line)
    con.print(f"{len(reforms) + 1} scenarios × {args.reps} paired replications with the {backend} backend in "
              f"{c.seconds:,.1f} s; written to {out}/ (forecast report {out} adds the planner's report)")
    return 0
