"""The folder `forecast calibrate` writes, atomically (`core.atomic.atomic_dir`):

| file | content |
|---|---|
| `calibration.csv` | parameter, prior distribution, low, central, high, the prior's own p5 and p95, estimate (posterior median), p5, p95, and the same as quantiles of the prior |
| `fit.csv` | observation, metric, programme, period, observed, sd, simulated at the estimate (mean, p5, p95 over a few replications), standardised residual, use, proxy, source |
| `particles.csv` | every search run: generation, replication, each parameter's value and quantile, distance d², final weight |
| `calibrated.toml` | an overlay on the scenario (`base` relative to the folder) with each calibrated parameter as triangular(p5, estimate, p95), for `forecast run` |
| `provenance.json` | command, seed, runs, method, tolerance, effective sample size, scenario and observed file fingerprints, times |
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import tomli_w

from forecast.core.atomic import atomic_dir
from forecast.core.serialise import plain
from forecast.futures.checkpoint import file_sha256
from forecast.futures.provenance import now, provenance, scenario_hash, write_provenance
from forecast.futures.settings import Draws


def overlay(cal, scenario, observed: str | Path, out: str | Path) -> str:
    """calibrated.toml: the scenario with each calibrated parameter replaced by
    triangular(p5, estimate, p95) (a fixed value when the interval has no width)."""
    table = cal.table()
    target, folder = Path(scenario.path).resolve(), Path(out).resolve()
    near = os.path.commonpath([target, folder]) != target.anchor   # share more than the root
    data: dict = {"base": Path(os.path.relpath(target, folder)).as_posix() if near else target.as_posix()}
    today = dt.date.today().isoformat()
    for row in table.itertuples():
        spec = cal.specs[row.parameter]
        lo, mode, hi = (spec._cast(x) for x in (row.p5, row.estimate, row.p95))
        note = (f"calibrated by forecast calibrate on {observed} ({cal.method}), {today}: "
                f"posterior median {mode:g}, 90 % interval {lo:g}–{hi:g}; tolerance {cal.tolerance:.2f}; "
                f"prior {spec.describe()} ({spec.source})")
        entry = ({"dist": "triangular", "low": lo, "mode": mode, "high": hi} if hi > lo else
                 {"value": mode, "range": [lo, hi]})
        entry["assumption"] = note
        node = data
        parts = row.parameter.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = entry
    header = (f"# Calibrated overlay written by forecast calibrate ({today}).\n"
              f"# Scenario {scenario.path}; observed figures {observed}; {cal.runs} simulations.\n"
              "# Each calibrated parameter is triangular(p5, posterior median, p95) of its posterior: the 90 %\n"
              "# interval becomes the whole range (the posterior's tails beyond it are cut); the others are the base's.\n")
    return header + tomli_w.dumps(plain(data))


def write_calibration(cal, scenario, observed: str | Path, out: str | Path, *, seed: int, backend: str,
                      started: str, argv: list[str] | None = None) -> Path:
    """Write the calibration folder `out` (replaced atomically; nothing is left on failure)."""
    out = Path(out)
    text = overlay(cal, scenario, observed, out)
    with atomic_dir(out) as tmp:
        cal.table().to_csv(tmp / "calibration.csv", index=False)
        cal.fit.to_csv(tmp / "fit.csv", index=False)
        cal.particles.to_csv(tmp / "particles.csv", index=False)
        (tmp / "calibrated.toml").write_text(text, encoding="utf-8")
        record = provenance(scenario, draws=Draws(seed, uncertain=False), reps=cal.runs, backend=backend,
                            started=started, ended=now(), argv=argv, scenario_file=str(scenario.path),
                            extra={"method": cal.method, "runs": cal.runs, "generations": cal.generations,
                                   "tolerance": cal.tolerance, "effective_sample_size": cal.ess,
                                   "parameters": list(cal.names), "notes": cal.notes,
                                   "observed": {"file": str(observed), "sha256": file_sha256(observed)},
                                   "scenario_sha256": scenario_hash(scenario)})
        write_provenance(tmp, record)
    return out
