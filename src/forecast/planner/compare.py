"""The planner's runs: a reform against its base (`compare`) and a grid of settings (`sweep`),
each on paired replications (common random numbers), written as a folder.

    import forecast
    base = forecast.load_scenario("scenarios/huishan")
    reform = forecast.load_scenario("scenarios/huishan", sets=["rules.HS-A8a.amount=4000"])
    c = forecast.compare(base, [reform], reps=40, out="results/compare")
    c.long, c.effectiveness, c.deadweight, c.summary
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecast.core.errors import InputError
from forecast.planner.files import METHOD, write_comparison
from forecast.results.folder import write_results
from forecast.planner import comparison as cmp
from forecast.futures.aggregate import aggregate
from forecast.futures.checkpoint import checkpoint_dir
from forecast.planner.paired import Paired, run_paired
from forecast.futures.provenance import now, provenance, scenario_hash
from forecast.futures.settings import Compute, Draws
from forecast.futures.statistics import TOTAL, rounded
from forecast.scenario.scenario import Scenario


@dataclass
class Comparison:
    """A finished comparison: its tables (as written) and the paired replications."""

    long: pd.DataFrame
    effectiveness: pd.DataFrame
    deadweight: pd.DataFrame
    summary: dict
    paired: Paired
    seconds: float


def named(scenario: Scenario, settings) -> Scenario:
    """A scenario changed by `--set` gets a name and title that say so (a comparison's rows and
    folders are named by scenario)."""
    if not settings:
        return scenario
    text = ", ".join(str(s) for s in settings)
    return dataclasses.replace(scenario, name=f"{scenario.name}+set", title=f"{scenario.title} (--set {text})")


def _check_names(scenarios) -> None:
    seen = set()
    for s in scenarios:
        if s.name in seen:
            raise InputError(str(s.path), "meta.name", f"two scenarios of the comparison are named {s.name!r}",
                             "a reform with its own [meta] name (a comparison's rows and folders are named by it)")
        seen.add(s.name)


def headline(long: pd.DataFrame, effect: pd.DataFrame, dead: pd.DataFrame, reform: str, scenario) -> dict:
    """The figures a planner reads first, for one reform."""
    def fig(item, period):
        r = long[(long["reform"] == reform) & (long["item"] == item) & (long["period"] == period)].iloc[0]
        return {k: rounded(r[k]) for k in ("base_mean", "reform_mean", "delta_mean", "delta_p5", "delta_p95",
                                           "delta_se", "independent_se")} | {
            "se_ratio": rounded(r["delta_se"] / r["independent_se"]) if r["independent_se"] > 0 else None}
    out = {"policy_period": fig(TOTAL, "policy"), "committed_later": fig(TOTAL, "committed"), "cost": fig(TOTAL, "cost"),
           "targets": {t.id: {"set_by": list(t.set_by), "value": fig(t.id, "target"),
                              "p_met": {k: rounded(v) for k, v in long[(long["reform"] == reform) & (long["item"] == t.id)
                                        & (long["measure"] == "p_met")].iloc[0][["base_mean", "reform_mean",
                                                                                   "delta_mean", "delta_se"]].items()}}
                       for t in scenario.targets}}
    d = dead[dead["reform"] == reform].iloc[0]
    out["deadweight"] = {k: (rounded(d[k]) if k != "note" else (d[k] if isinstance(d[k], str) else ""))
                         for k in cmp.DEADWEIGHT_COLUMNS[1:]}
    out["effectiveness"] = {r["target"]: {"yuan_per_unit": rounded(r["yuan_per_unit"]), "unit": r["effect_unit"],
                                          "p5": rounded(r["yuan_per_unit_p5"]), "p95": rounded(r["yuan_per_unit_p95"]),
                                          "note": r["note"] if isinstance(r["note"], str) else ""}
                            for _, r in effect[effect["reform"] == reform].iterrows()}
    return out


def compare(base: Scenario, reforms: list, *, reps: int, out: str | Path, draws: Draws = Draws(),
            compute: Compute = Compute(), argv: list[str] | None = None) -> Comparison:
    """Each reform against the base on `reps` paired replications; writes the comparison folder.
    `draws`: the seed, --central and --fix; `compute`: the backend, resume and progress."""
    if reps < 2:
        raise InputError("--reps", "", f"{reps} replications", "a whole number ≥ 2 (a difference needs its error)")
    if not reforms:
        raise InputError("compare", "REFORM", "nothing to compare with the base", "one or more reform files, or --set")
    scenarios = [base, *reforms]
    _check_names(scenarios)
    t0, started = time.perf_counter(), now()
    paired = run_paired(scenarios, reps=reps, checkpoint=checkpoint_dir(out), draws=draws, compute=compute)
    long, effect, dead = tables(paired)
    seconds = time.perf_counter() - t0
    seed = draws.seed
    summary = {"kind": "compare", "base": _about(base), "reforms": [_about(s) for s in reforms], "seed": seed,
               "reps": reps, "uncertain_parameters": draws.uncertain, "fixed_parameters": sorted(draws.fixed),
               "common_random_numbers": f"replication r of every scenario uses SeedSequence({seed}).spawn({reps})[r]",
               "headline": {s.name: headline(long, effect, dead, s.name, base) for s in reforms},
               "method": METHOD, "seconds": round(seconds, 1)}
    runs = {s.name: _results_writer(s, records, draws, compute.backend, started, argv)
            for s, records in zip(scenarios, paired.summaries)}
    write_comparison(out, long=long, effect=effect, dead=dead, summary=summary, runs=runs,
                     provenance=lambda: provenance(base, draws=draws, reps=reps, backend=compute.backend,
                                                   started=started, ended=now(), argv=argv,
                                                   scenario_file="runs/*/scenario.resolved.toml",
                                                   extra={"kind": "compare", "workers": compute.workers,
                                                          "scenarios": [_about(s) for s in scenarios],
                                                          "resumed_items": paired.resumed}))
    return Comparison(long, effect, dead, summary, paired, seconds)


def tables(paired: Paired) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every scenario against the base: the long table, effectiveness and deadweight (`comparison.py`)."""
    return tuple(pd.concat([table(paired, j) for j in range(1, len(paired.scenarios))], ignore_index=True)
                 for table in (cmp.long_table, cmp.effectiveness, cmp.deadweight))


def _about(s: Scenario) -> dict:
    return {"name": s.name, "title": s.title, "file": str(s.path), "sha256": scenario_hash(s)}


def _results_writer(scenario, records, draws, backend, started, argv):
    def write(folder: Path) -> None:
        agg = aggregate(scenario, dict(enumerate(records)), draws)
        write_results(agg, folder, lambda: provenance(scenario, draws=draws, reps=len(records), backend=backend,
                                                       started=started, ended=now(), argv=argv,
                                                       scenario_file="scenario.resolved.toml",
                                                       extra={"part_of": "a paired comparison (../../compare.json)"}))
    return write


__all__ = ["compare", "Comparison", "named"]
