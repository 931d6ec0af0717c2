"""`sweep`: a 1- or 2-D grid of settings, each point compared with the base on paired
replications, written as a folder a planner reads as a frontier of cost against effect.

    from forecast.futures.settings import Draws
    from forecast.planner.sweep import sweep
    from forecast.scenario.settings import parse_vary
    s = sweep("scenarios/huishan", [parse_vary("rules.HS-A8a.amount=1000:6000:6", True)], reps=20,
              out="results/sweep", draws=Draws(seed=0))
    s.table        # one row per point: the varied values, outlay band, P(met), cost-effectiveness

Every point is the base scenario with the varied keys set (`--vary KEY=LOW:HIGH:STEPS`, on
top of any `--set`), so a point differs from the base and from its neighbours by its setting,
not by chance: replication r of every point uses the same streams.

| file | content |
|---|---|
| sweep.csv | one row per point: point, the varied keys, outlay_mean/p5/p95 (policy period, yuan), delta_outlay_mean and its paired SE, delta_cost_mean, deadweight_share, and per forecast target `p_met:ID`, `p_met_se:ID`, `value:ID`, `yuan_per_unit:ID`; targets set by assumption `p_met:ID` only |
| compare.csv, effectiveness.csv, deadweight.csv | every point against the base, as `forecast compare` writes them (reform = point name) |
| sweep.json | the grid, the base, seed, replications, the method |
| frontier.png | outlay against P(met) of each forecast target, with the cheapest-for-its-probability frontier |
| heatmap_outlay.png, heatmap_ID.png | two varied keys only: mean outlay and each forecast target's P(met) over the grid |
"""
from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from forecast.core.atomic import atomic_dir
from forecast.core.errors import InputError
from forecast.planner.files import METHOD
from forecast.planner.compare import tables
from forecast.futures.checkpoint import checkpoint_dir
from forecast.planner.paired import run_paired
from forecast.futures.provenance import now, provenance, write_provenance
from forecast.futures.settings import Compute, Draws
from forecast.futures.statistics import TOTAL
from forecast.scenario.scenario import load_scenario
from forecast.scenario.settings import parse_sets

#: at most this many points (a 2-D grid of 10 × 10 is already 101 scenarios per replication)
MAX_POINTS = 121


@dataclass
class SweepResult:
    table: pd.DataFrame
    long: pd.DataFrame
    summary: dict
    seconds: float


def grid_points(vary: list) -> list[tuple]:
    """Every combination of the varied keys' grid values, the first key varying slowest."""
    if not 1 <= len(vary) <= 2:
        raise InputError("--vary", "", f"{len(vary)} keys varied", "one or two --vary KEY=LOW:HIGH:STEPS")
    keys = [v.key for v in vary]
    if len(set(keys)) != len(keys):
        raise InputError("--vary", keys[0], "varied twice", "two different keys")
    points = list(itertools.product(*[v.grid() for v in vary]))
    if len(points) > MAX_POINTS:
        raise InputError("--vary", "", f"{len(points)} points", f"at most {MAX_POINTS} (fewer STEPS)")
    return points


def sweep(path: str | Path, vary: list, *, sets=(), reps: int, out: str | Path, draws: Draws = Draws(),
          compute: Compute = Compute(), argv: list[str] | None = None) -> SweepResult:
    """Every grid point against the base (the scenario with `sets`) on `reps` paired replications.
    `draws`: the seed, --central and --fix (parameter paths of the base); `compute`: the
    backend, resume and progress."""
    if reps < 2:
        raise InputError("--reps", "", f"{reps} replications", "a whole number ≥ 2 (a difference needs its error)")
    sets = parse_sets(sets)
    base = load_scenario(path, sets)
    points = grid_points(vary)
    scenarios = [base]
    for i, values in enumerate(points):
        s = load_scenario(path, sets + tuple(v.setting(x) for v, x in zip(vary, values)))
        label = ", ".join(f"{v.key}={x:g}" for v, x in zip(vary, values))
        scenarios.append(replace(s, name=f"point-{i:03d}", title=f"{base.title} ({label})"))
    t0, started = time.perf_counter(), now()
    paired = run_paired(scenarios, reps=reps, checkpoint=checkpoint_dir(out), draws=draws, compute=compute)
    long, effect, dead = tables(paired)
    table = sweep_table(base, vary, points, long, effect, dead, reps)
    seconds = time.perf_counter() - t0
    summary = {"kind": "sweep", "base": {"name": base.name, "title": base.title, "file": str(path),
                                         "set": [str(s) for s in sets]},
               "vary": [{"key": v.key, "low": v.low, "high": v.high, "steps": v.steps} for v in vary],
               "points": len(points), "seed": draws.seed, "reps": reps, "uncertain_parameters": draws.uncertain,
               "fixed_parameters": sorted(draws.fixed),
               "targets": [{"id": t.id, "set_by": list(t.set_by), "goal": t.goal} for t in base.targets],
               "method": "Each point is the base with the varied keys set; " + METHOD, "seconds": round(seconds, 1)}
    _write(out, table, long, effect, dead, summary, vary, base,
           lambda: provenance(base, draws=draws, reps=reps, backend=compute.backend, started=started, ended=now(),
                              argv=argv, scenario_file=str(path),
                              extra={"kind": "sweep", "workers": compute.workers, "resumed_items": paired.resumed}))
    return SweepResult(table, long, summary, seconds)


def sweep_table(base, vary: list, points: list, long: pd.DataFrame, effect: pd.DataFrame,
                dead: pd.DataFrame, reps: int) -> pd.DataFrame:
    """One row per point (see the module's table)."""
    rows = []
    for i, values in enumerate(points):
        name = f"point-{i:03d}"
        part = long[long["reform"] == name]
        pol = part[(part["item"] == TOTAL) & (part["period"] == "policy")].iloc[0]
        cost = part[(part["item"] == TOTAL) & (part["period"] == "cost")].iloc[0]
        d = dead[dead["reform"] == name].iloc[0]
        row = {"point": name, **{v.key: x for v, x in zip(vary, values)},
               "outlay_mean": pol["reform_mean"], "outlay_p5": pol["reform_p5"],
               "outlay_p95": pol["reform_p95"], "delta_outlay_mean": pol["delta_mean"],
               "delta_outlay_se": pol["delta_se"], "delta_cost_mean": cost["delta_mean"],
               "deadweight_share": d["deadweight_share"]}
        for t in base.targets:
            p = part[(part["item"] == t.id) & (part["measure"] == "p_met")].iloc[0]
            row[f"p_met:{t.id}"] = p["reform_mean"]
            if t.set_by:
                continue
            v = part[(part["item"] == t.id) & (part["measure"] == "value")].iloc[0]
            e = effect[(effect["reform"] == name) & (effect["target"] == t.id)].iloc[0]
            row[f"p_met_se:{t.id}"] = (p["reform_mean"] * (1 - p["reform_mean"]) / (reps - 1)) ** 0.5
            row[f"value:{t.id}"] = v["reform_mean"]
            row[f"yuan_per_unit:{t.id}"] = e["yuan_per_unit"]
        rows.append(row)
    return pd.DataFrame(rows)


def _write(out, table, long, effect, dead, summary, vary, base, prov) -> None:
    from forecast.planner.charts import frontier_chart, heatmap_chart

    forecast_targets = [t.id for t in base.targets if not t.set_by]
    with atomic_dir(Path(out)) as tmp:
        table.to_csv(tmp / "sweep.csv", index=False, float_format="%.10g")
        long.to_csv(tmp / "compare.csv", index=False, float_format="%.10g")
        effect.to_csv(tmp / "effectiveness.csv", index=False, float_format="%.10g")
        dead.to_csv(tmp / "deadweight.csv", index=False, float_format="%.10g")
        (tmp / "sweep.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        frontier_chart(table, forecast_targets, tmp / "frontier.png")
        if len(vary) == 2:
            keys = [v.key for v in vary]
            heatmap_chart(table, keys, "outlay_mean", "mean outlay, policy period (yuan)", tmp / "heatmap_outlay.png")
            for tid in forecast_targets:
                heatmap_chart(table, keys, f"p_met:{tid}", f"P({tid} met)", tmp / f"heatmap_{tid}.png")
        write_provenance(tmp, prov())
