"""`forecast optimise SCENARIO --target ID --probability P --vary KEY=LOW:HIGH [...] --out DIR`:
the cheapest setting of the varied keys (e.g. rule amounts) whose P(target met) reaches P
(and, with --within-returns Q, whose outlays stay within the fund's returns with probability
Q), searched on common random numbers and re-checked on fresh replications.

No feasible setting is an answer (exit 0, the folder written without optimum.toml); bad input
exits 2 naming the option. Method and limits: `forecast.runs.optimise`.
"""
from __future__ import annotations

from forecast.cli.options import (add_backend_options, add_pinning_options, add_set_option,
                                   backend_of, progress_bar, set_items)
from forecast.core.errors import InputError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("optimise", help="cheapest setting meeting a target with a required probability")
    p.add_argument("scenario", help="the scenario TOML, e.g. scenarios/huishan.toml")
    p.add_argument("--target", required=True, metavar="ID", help="the target to meet, e.g. HS-T1")
    p.add_argument("--probability", required=True, type=float, metavar="P",
                   help="required P(target met), 0 < P < 1")
    p.add_argument("--vary", action="append", required=True, metavar="KEY=LOW:HIGH",
                   help="a numeric key and its bounds, e.g. rules.HS-A8a.amount=1000:6000 (repeatable)")
    p.add_argument("--within-returns", type=float, metavar="Q",
                   help="also require P(every policy year's outlays within the fund's returns) ≥ Q")
    p.add_argument("--reps", type=int, default=40, metavar="N", help="replications per candidate (default 40)")
    p.add_argument("--max-evals", type=int, default=24, metavar="M", help="candidates evaluated at most (default 24)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_set_option(p)
    add_pinning_options(p, fix=False)
    p.add_argument("--out", required=True, metavar="DIR", help="the folder written")
    add_backend_options(p)
    p.set_defaults(func=main)


def main(args) -> int:
    from forecast.api.optimise import optimise
    from forecast.outputs.terminal import console
    from forecast.scenario.settings import parse_vary

    if args.resume:
        raise InputError("--resume", "", "optimise does not resume (its batches are short and checkpointed in a "
                         "temporary folder)", "run it again without --resume")
    vary = [parse_vary(item, steps=False) for item in args.vary]
    backend = backend_of(args)
    with progress_bar(args.quiet, "replications") as progress:
        r = optimise(args.scenario, target=args.target, probability=args.probability, vary=vary,
                     within_returns=args.within_returns, reps=args.reps, max_evals=args.max_evals, seed=args.seed,
                     sets=set_items(args), uncertain=not args.central, backend=backend, workers=args.workers,
                     scheduler=args.scheduler, out=args.out, argv=args.argv, progress=progress)
    con = console()
    if r.optimum is not None:
        con.print(optimum_table(r, args.target, args.within_returns is not None))
    con.print(r.verdict)
    con.print(f"{len(r.search.candidates)} candidates × {args.reps} replications with the {backend} backend in "
              f"{r.seconds:,.1f} s; written to {r.out}/")
    return 0


def optimum_table(r, target: str, within: bool):
    """The optimum in sample and out of sample: cost (万元) and probabilities with their errors."""
    from rich.table import Table

    from forecast.runs.optimise import setting_text

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
