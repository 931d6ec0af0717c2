"""`forecast sweep SCENARIO --vary KEY=LOW:HIGH:STEPS [--vary …] [--set …] --out DIR`: a 1- or
2-D grid of settings, each point against the base on paired replications (`api/sweep.py`)."""
from __future__ import annotations

import math
from pathlib import Path

from forecast.cli.options import (add_backend_options, add_pinning_options, add_set_option,
                                   backend_of, progress_bar, set_items)
from forecast.core.errors import InputError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="a grid of settings, each compared with the base")
    p.add_argument("scenario", help="the base scenario TOML")
    p.add_argument("--vary", action="append", default=[], metavar="KEY=LOW:HIGH:STEPS",
                   help="a dotted key and its grid, e.g. rules.HS-A8a.amount=1000:6000:6 (once or twice)")
    p.add_argument("--reps", type=int, default=20, metavar="N", help="paired replications per point (default 20)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", help="sweep folder (default results/sweep-<scenario name>)")
    add_set_option(p, "a one-off change of the base (every point starts from it)")
    add_pinning_options(p)
    add_backend_options(p)
    p.set_defaults(func=main)


def main(args) -> int:
    from rich.table import Table

    from forecast.api.sweep import sweep
    from forecast.outputs.terminal import console
    from forecast.scenario.scenario import load_scenario
    from forecast.scenario.settings import parse_vary

    if not args.vary:
        raise InputError("--vary", "", "nothing to vary", "--vary KEY=LOW:HIGH:STEPS (once or twice)")
    vary = [parse_vary(v, steps=True) for v in args.vary]
    sets = set_items(args)
    name = load_scenario(args.scenario, sets).name
    out = Path(args.out) if args.out else Path("results") / f"sweep-{name}"
    backend = backend_of(args)
    keys = [k for item in args.fix for k in item.split(",")]
    with progress_bar(args.quiet, "scenarios × replications") as progress:
        s = sweep(args.scenario, vary, sets=sets, seed=args.seed, reps=args.reps, out=out,
                  uncertain=not args.central, fixed_keys=keys, backend=backend, workers=args.workers,
                  scheduler=args.scheduler, resume=args.resume, argv=args.argv, progress=progress)
    t = Table(title=f"sweep of {', '.join(v.key for v in vary)}: {args.reps} paired replications per point",
              title_justify="left")
    targets = [x["id"] for x in s.summary["targets"] if not x["set_by"]]
    for col in [v.key for v in vary] + ["outlay 万元 (90 %)", "Δ vs base 万元"] + [f"P({tid})" for tid in targets] + \
            ["deadweight"]:
        t.add_column(col, justify="right")
    for _, r in s.table.iterrows():
        dw = r["deadweight_share"]
        t.add_row(*[f"{r[v.key]:g}" for v in vary],
                  f"{r['outlay_mean'] / 1e4:,.1f} ({r['outlay_p5'] / 1e4:,.0f}–{r['outlay_p95'] / 1e4:,.0f})",
                  f"{r['delta_outlay_mean'] / 1e4:+,.1f} ± {1.645 * r['delta_outlay_se'] / 1e4:,.1f}",
                  *[f"{r[f'p_met:{tid}']:.0%}" for tid in targets],
                  "–" if not math.isfinite(dw) else f"{dw:.0%}")
    con = console()
    con.print(t)
    con.print(f"{len(s.table)} points and the base × {args.reps} replications with the {backend} backend in "
              f"{s.seconds:,.1f} s; written to {out}/")
    return 0
