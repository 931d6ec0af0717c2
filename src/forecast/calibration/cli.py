"""`forecast calibrate SCENARIO --observed FILE --params KEY … --out DIR`: pin assumptions
with observed figures.

Reads the observed figures (`forecast.calibration.observed`), calibrates the given parameters on the
ones with use = "fit" by ABC-SMC within `--max-runs` simulations (`forecast.calibration.abc`,
whose docstring says why this method and what the intervals mean), writes DIR
(`forecast.calibration.files`: calibration.csv, fit.csv, particles.csv, calibrated.toml,
provenance.json) and prints the estimate with its 90 % interval and the fit table.
Everything is checked before the first simulation: bad input exits 2 and writes nothing.
"""
from __future__ import annotations

import sys

from forecast.cli.options import SCENARIO_HELP, add_backend_options, add_seed_option, compute_of, draws_of, progress_bar


def add_parsers(subparsers) -> None:
    p = subparsers.add_parser("calibrate", help="calibrate assumptions on observed figures (ABC-SMC)",
                              description=__doc__.splitlines()[0])
    p.add_argument("scenario", help=SCENARIO_HELP)
    p.add_argument("--observed", required=True, metavar="FILE", help="observed figures (TOML)")
    p.add_argument("--params", nargs="+", required=True, metavar="KEY",
                   help="parameter paths to calibrate (as in parameters.csv); repeat or separate by commas")
    p.add_argument("--max-runs", type=int, default=200, metavar="N", help="simulations at most (default 200)")
    add_seed_option(p)
    add_backend_options(p, resume=False, what="simulations")
    p.add_argument("--out", required=True, help="folder to write (replaced atomically)")
    p.set_defaults(func=main)


def main(args) -> int:
    from forecast.calibration.abc import calibrate, check_params
    from forecast.calibration.files import write_calibration
    from forecast.calibration.observed import read_observed
    from forecast.futures.provenance import now
    from forecast.scenario.scenario import load_scenario

    started = now()
    scenario = load_scenario(args.scenario)
    names = check_params(scenario, [k.strip() for arg in args.params for k in arg.split(",") if k.strip()])
    observations = read_observed(args.observed, scenario)
    compute = compute_of(args)
    try:
        with progress_bar(args.quiet, "simulations") as progress:
            cal = calibrate(scenario, observations, names, max_runs=args.max_runs, draws=draws_of(args),
                            compute=compute.with_progress(progress))
    except KeyboardInterrupt:
        print("forecast: interrupted, nothing written", file=sys.stderr)
        return 130
    write_calibration(cal, scenario, args.observed, args.out, seed=args.seed, backend=compute.backend,
                      started=started, argv=args.argv)
    _print(cal, args.out)
    return 0


def _print(cal, out) -> None:
    from rich.table import Table

    from forecast.display.console import console

    con = console()
    est = Table(title=f"Calibrated parameters ({cal.method})")
    for col in ("parameter", "prior", "prior 90 %", "estimate", "90 % interval"):
        est.add_column(col, justify="left" if col in ("parameter", "prior") else "right")
    for row in cal.table().itertuples():
        est.add_row(row.parameter, cal.specs[row.parameter].describe(), f"{row.prior_p5:,.4g} – {row.prior_p95:,.4g}",
                    f"{row.estimate:,.4g}",
                    f"{row.p5:,.4g} – {row.p95:,.4g}")
    con.print(est)
    fit = Table(title="Fit at the estimate (simulated: mean and 90 % range over replications)")
    for col in ("observation", "metric", "period", "observed ± sd", "simulated", "residual", "use"):
        fit.add_column(col, justify="right" if col in ("observed ± sd", "simulated", "residual") else "left")
    proxies: list[str] = []
    for r in cal.fit.itertuples():
        sim = "–" if r.simulated_mean != r.simulated_mean else \
            f"{r.simulated_mean:,.4g} ({r.simulated_p5:,.4g}–{r.simulated_p95:,.4g})"
        res = "" if r.residual != r.residual else f"{r.residual:+.2f}"
        metric = f"{r.metric} [{r.programme}]" if r.programme else r.metric
        if r.proxy:
            proxies.append(f"[{len(proxies) + 1}] {r.observation}: {r.proxy}")
        use = r.use + (f", proxy [{len(proxies)}]" if r.proxy else "")
        fit.add_row(r.observation, metric, r.period, f"{r.observed:,.4g} ± {r.sd:,.3g}", sim, res, use)
    con.print(fit)
    for line in proxies:
        con.print(f"proxy {line}")
    for note in cal.notes:
        con.print(f"note: {note}")
    con.print(f"{cal.runs} simulations in {cal.generations} generations, {cal.seconds:,.1f} s; tolerance "
              f"{cal.tolerance:.2f}, effective sample size {cal.ess:,.0f}; written to {out}/ "
              f"(run the calibrated scenario: forecast run {out}/calibrated.toml)")

