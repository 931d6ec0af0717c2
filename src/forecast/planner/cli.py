"""The planner's commands, on paired replications (common random numbers):

- `forecast compare BASE [REFORM …] [--set KEY=VALUE …] --out DIR`: reforms against their base,
  with cost-effectiveness and deadweight. `--set` makes a reform from the command line: with no
  REFORM it changes the base (`forecast compare scenarios/huishan --set rules.HS-A8a.amount=4000`);
  with REFORM files it changes each of them, never the base.
- `forecast sweep SCENARIO --vary KEY=LOW:HIGH:STEPS [--vary …] [--set …] --out DIR`: a 1- or 2-D
  grid of settings, each point against the base (`forecast.planner.sweep`).
- `forecast optimise SCENARIO --target ID --probability P --vary KEY=LOW:HIGH [...] --out DIR`: the
  cheapest setting of the varied keys whose P(target met) reaches P (and, with --within-returns Q,
  whose outlays stay within the fund's returns with probability Q), searched on common random
  numbers and re-checked on fresh replications. No feasible setting is an answer (exit 0, the
  folder written without optimum.toml). Method and limits: `forecast.planner.search`.
"""
from __future__ import annotations

import math
from pathlib import Path

from forecast.cli.options import (SCENARIO_HELP, add_backend_options, add_pinning_options, add_seed_option, add_set_option,
                                  check_count, compute_of, draws_of, interrupted, progress_bar, set_items)
from forecast.core.errors import InputError



def add_parsers(subparsers) -> None:
    """Register `forecast compare`, `forecast sweep` and `forecast optimise`."""
    add_compare(subparsers)
    add_sweep(subparsers)
    add_optimise(subparsers)

def add_compare(subparsers) -> None:
    p = subparsers.add_parser("compare", help="reforms against a base on paired replications")
    p.add_argument("base", help="the base " + SCENARIO_HELP)
    p.add_argument("reforms", nargs="*", metavar="REFORM", help="reform scenario files (overlays of the base)")
    p.add_argument("--reps", type=int, default=40, metavar="N", help="paired replications (default 40)")
    add_seed_option(p)
    p.add_argument("--out", help="comparison folder (default results/compare-<base name>)")
    add_set_option(p, "a one-off change making the reform (applied to each REFORM, or to the base when none is given)")
    add_pinning_options(p)
    add_backend_options(p)
    p.set_defaults(func=compare_main)


def compare_main(args) -> int:
    from forecast.planner.compare import compare, named
    from forecast.planner.terminal import comparison_table, effect_lines
    from forecast.display.console import console
    from forecast.scenario.scenario import load_scenario

    check_count("--reps", args.reps, 2)
    sets = set_items(args)
    base = load_scenario(args.base)
    if args.reforms:
        reforms = [named(load_scenario(f, sets), sets) for f in args.reforms]
    elif sets:
        reforms = [named(load_scenario(args.base, sets), sets)]
    else:
        raise InputError("compare", "REFORM", "nothing to compare with the base",
                         "one or more reform files, or --set KEY=VALUE to make one")
    draws = draws_of(args, base)
    out = Path(args.out) if args.out else Path("results") / f"compare-{base.name}"
    compute = compute_of(args)
    try:
        with progress_bar(args.quiet, "replications") as progress:
            c = compare(base, reforms, reps=args.reps, out=out, draws=draws, compute=compute.with_progress(progress),
                        argv=args.argv)
    except KeyboardInterrupt:
        return interrupted(out, "items (scenarios × replications)", (len(reforms) + 1) * args.reps)
    con = console()
    for r in reforms:
        con.print(comparison_table(c.long, r.name, base, args.reps))
        for line in effect_lines(c.effectiveness, c.deadweight, r.name):
            con.print(line)
    con.print(f"{len(reforms) + 1} scenarios × {args.reps} paired replications with the {compute.backend} backend in "
              f"{c.seconds:,.1f} s; written to {out}/ (forecast report {out} adds the planner's report)")
    return 0

def add_sweep(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="a grid of settings, each compared with the base")
    p.add_argument("scenario", help="the base " + SCENARIO_HELP)
    p.add_argument("--vary", action="append", default=[], metavar="KEY=LOW:HIGH:STEPS",
                   help="a dotted key and its grid, e.g. rules.HS-A8a.amount=1000:6000:6 (once or twice)")
    p.add_argument("--reps", type=int, default=20, metavar="N", help="paired replications per point (default 20)")
    add_seed_option(p)
    p.add_argument("--out", help="sweep folder (default results/sweep-<scenario name>)")
    add_set_option(p, "a one-off change of the base (every point starts from it)")
    add_pinning_options(p)
    add_backend_options(p)
    p.set_defaults(func=sweep_main)


def sweep_main(args) -> int:
    from rich.table import Table

    from forecast.planner.sweep import sweep
    from forecast.display.console import console
    from forecast.scenario.scenario import load_scenario
    from forecast.scenario.settings import parse_vary

    if not args.vary:
        raise InputError("--vary", "", "nothing to vary", "--vary KEY=LOW:HIGH:STEPS (once or twice)")
    vary = [parse_vary(v, steps=True) for v in args.vary]
    sets = set_items(args)
    base = load_scenario(args.scenario, sets)
    draws = draws_of(args, base)
    out = Path(args.out) if args.out else Path("results") / f"sweep-{base.name}"
    compute = compute_of(args)
    try:
        with progress_bar(args.quiet, "scenarios × replications") as progress:
            s = sweep(args.scenario, vary, sets=sets, reps=args.reps, out=out, draws=draws,
                      compute=compute.with_progress(progress), argv=args.argv)
    except KeyboardInterrupt:
        return interrupted(out, "items (scenarios × replications)")
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
    con.print(f"{len(s.table)} points and the base × {args.reps} replications with the {compute.backend} backend in "
              f"{s.seconds:,.1f} s; written to {out}/")
    return 0

def add_optimise(subparsers) -> None:
    p = subparsers.add_parser("optimise", help="cheapest setting meeting a target with a required probability")
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--target", required=True, metavar="ID", help="the target to meet, e.g. HS-T1")
    p.add_argument("--probability", required=True, type=float, metavar="P",
                   help="required P(target met), 0 < P < 1")
    p.add_argument("--vary", action="append", required=True, metavar="KEY=LOW:HIGH",
                   help="a numeric key and its bounds, e.g. rules.HS-A8a.amount=1000:6000 (repeatable)")
    p.add_argument("--within-returns", type=float, metavar="Q",
                   help="also require P(every policy year's outlays within the fund's returns) ≥ Q")
    p.add_argument("--reps", type=int, default=40, metavar="N", help="replications per candidate (default 40)")
    p.add_argument("--max-evals", type=int, default=24, metavar="M", help="candidates evaluated at most (default 24)")
    add_seed_option(p)
    add_set_option(p)
    add_pinning_options(p, fix=False)
    p.add_argument("--out", required=True, metavar="DIR", help="the folder written")
    add_backend_options(p)
    p.set_defaults(func=optimise_main)


def optimise_main(args) -> int:
    from forecast.planner.optimise import optimise
    from forecast.display.console import console
    from forecast.scenario.settings import parse_vary

    compute = compute_of(args)
    vary = [parse_vary(item, steps=False) for item in args.vary]
    with progress_bar(args.quiet, "replications") as progress:
        r = optimise(args.scenario, target=args.target, probability=args.probability, vary=vary,
                     within_returns=args.within_returns, reps=args.reps, max_evals=args.max_evals,
                     sets=set_items(args), out=args.out, draws=draws_of(args),
                     compute=compute.with_progress(progress), argv=args.argv)
    con = console()
    if r.optimum is not None:
        con.print(optimum_table(r, args.target, args.within_returns is not None))
    con.print(r.verdict)
    con.print(f"{len(r.search.candidates)} candidates × {args.reps} replications with the {compute.backend} backend in "
              f"{r.seconds:,.1f} s; written to {r.out}/")
    return 0


def optimum_table(r, target: str, within: bool):
    """The optimum in sample and out of sample: cost (万元) and probabilities with their errors."""
    from rich.table import Table

    from forecast.planner.search import setting_text

    t = Table(title=f"Optimum: {setting_text(r.optimum.setting)}", title_justify="left")
    t.add_column("estimate")
    t.add_column("replications", justify="right")
    t.add_column("cost, policy period (万元)", justify="right")
    t.add_column(f"P({target} met)", justify="right")
    if within:
        t.add_column("P(within returns)", justify="right")
    n = r.optimum.estimate.reps
    for name, e, span in (("in sample (search)", r.optimum.estimate, f"0–{n - 1}"),
                          ("out of sample", r.out_of_sample, f"{n}–{2 * n - 1}")):
        cells = [name, span, f"{e.cost_mean / 1e4:,.1f} ± {e.cost_se / 1e4:,.1f}",
                 f"{e.p_target:.3f} ± {e.p_target_se:.3f}"]
        if within:
            cells.append(f"{e.p_within:.3f} ± {e.p_within_se:.3f}")
        t.add_row(*cells)
    t.caption = "± one Monte Carlo standard error"
    return t
