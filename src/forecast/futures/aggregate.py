"""Statistics over the replications of a run: the tables a results folder holds.

`aggregate` turns the replications' summaries (in replication order, so every backend and a resumed run give
the same bytes) into means and 5/25/50/75/95th percentiles by year × rule, the probability
that each target is met with its Monte Carlo standard error, the monthly ladder and queues
with bands, and the summary with the Monte Carlo error of the headline figures and a
convergence verdict (`statistics.CONVERGENCE_RULE`). A single run is an aggregate of one
replication. With `sampling="rqmc"` (`scenario/qmc.py`) every Monte Carlo standard error is the
spread of the independent randomisations' means (`statistics.rqmc_se`), and the summary says so
under "sampling"; a plain run's files are as they always were.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecast.core.calendar import month_labels
from forecast.model.engine import FLOWS
from forecast.policy import ladder
from forecast.futures.settings import Draws
from forecast.futures.summary import Summary
from forecast.model.fund import fund_block
from forecast.futures.statistics import CONVERGENCE_RULE, STATS, TOTAL, bands, convergence, rounded, rqmc_se
from forecast.scenario import qmc
from forecast.scenario.scenario import Scenario

#: column prefix of in-kind rules in replications.parquet
IN_KIND_PREFIX = "in_kind:"
#: series prefix of queue lengths in ladder_bands.csv
WAITING_PREFIX = "waiting:"
TARGET_COLUMNS = ["target", "text", "metric", "goal", "set_by", "probability", "mc_se"] + [f"value_{k}" for k in STATS]


@dataclass
class Aggregate:
    """Everything a results folder holds, as tables (yuan, persons, shares)."""

    scenario: Scenario
    seed: int
    reps: int
    uncertain: bool
    outlays_mean: pd.DataFrame       # year × cash rule, yuan (mean over replications)
    outlays_stats: pd.DataFrame      # long: year, rule (and total), mean, p5 … p95
    targets: pd.DataFrame            # TARGET_COLUMNS
    ladder_bands: pd.DataFrame       # long: month, series (levels, employed, shares, flows, waiting:…), mean, p5 … p95
    replications: pd.DataFrame       # replication, year, cash rules, total, in-kind rules (IN_KIND_PREFIX)
    parameters: pd.DataFrame         # replication × scalar parameter (drawn values)
    summary: dict = field(default_factory=dict)
    fixed: tuple = ()                # parameter paths pinned at their central values (--fix)
    sampling: str = "random"         # the parameters' uniforms: "random" or "rqmc" (`scenario/qmc.py`)


def aggregate(scenario: Scenario, summaries: dict[int, Summary], draws: Draws = Draws()) -> Aggregate:
    """Statistics over the replications (replication number → its summary), computed in
    replication order; `draws`: how they were drawn."""
    numbers = sorted(summaries)
    records = [summaries[r] for r in numbers]
    n = len(records)
    if not n:
        raise ValueError("no replications to aggregate")
    groups = qmc.group(numbers) if draws.sampling == "rqmc" else None
    years = scenario.years
    cash, in_kind = scenario.policy.rule_ids(), scenario.policy.rule_ids(in_kind=True)
    O = np.stack([r.outlays for r in records])                      # N × Y × R
    IK = np.stack([r.in_kind for r in records]).reshape(n, len(years), len(in_kind))
    tot = O.sum(axis=2)                                               # N × Y
    committed = np.array([r.committed for r in records])
    owed = np.array([r.owed_after for r in records])
    V = np.stack([r.targets for r in records]) if scenario.targets else np.zeros((n, 0))

    mean = pd.DataFrame(O.mean(axis=0), index=pd.Index(years, name="year"), columns=cash)
    s_rules, s_tot = bands(O), bands(tot)
    rows = []
    for yi, y in enumerate(years):
        for ri, rid in enumerate(cash):
            rows.append([y, rid] + [s_rules[k][yi, ri] for k in STATS])
        rows.append([y, TOTAL] + [s_tot[k][yi] for k in STATS])
    stats = pd.DataFrame(rows, columns=["year", "rule"] + STATS)

    trows = []
    for j, t in enumerate(scenario.targets):
        met = t.met(V[:, j]).astype(float)
        p = float(met.mean())
        se = rqmc_se(met, groups) if groups is not None and n > 1 else math.sqrt(p * (1 - p) / n)
        sv = bands(V[:, j])
        trows.append({"target": t.id, "text": t.text, "metric": t.metric, "goal": t.goal,
                      "set_by": ", ".join(t.set_by), "probability": p,
                      "mc_se": se, **{f"value_{k}": float(sv[k]) for k in STATS}})
    targets = pd.DataFrame(trows, columns=TARGET_COLUMNS)

    reps = np.array(numbers)
    wide = {"replication": np.repeat(reps, len(years)), "year": np.tile(np.asarray(years, dtype=np.int64), n)}
    for ri, rid in enumerate(cash):
        wide[rid] = O[:, :, ri].reshape(-1)
    wide[TOTAL] = tot.reshape(-1)
    for ri, rid in enumerate(in_kind):
        wide[IN_KIND_PREFIX + rid] = IK[:, :, ri].reshape(-1)
    names = list(records[0].params)
    parameters = pd.DataFrame([[rep] + [r.params[k] for k in names] for rep, r in zip(numbers, records)],
                              columns=["replication"] + names)

    agg = Aggregate(scenario, draws.seed, n, draws.uncertain, mean, stats, targets, _monthly_bands(scenario, records),
                    pd.DataFrame(wide), parameters, fixed=tuple(sorted(draws.fixed)), sampling=draws.sampling)
    agg.summary = _summary(agg, tot, committed, owed, IK, V, groups)
    agg.summary.update(fund_block(scenario, [r.params for r in records], tot))   # {} for an endowment
    return agg


def _monthly_bands(scenario: Scenario, records: list[Summary]) -> pd.DataFrame:
    """Month-end stocks by level, employment, the skilled shares, the month's hires, graduates
    and exits, and queue lengths, with bands."""
    L = np.stack([r.ladder for r in records])                       # N × T × 9
    employed = L.sum(axis=2)
    series = {name: L[:, :, k] for k, name in enumerate(ladder.NAMES)}
    series["employed"] = employed
    series["skilled_share"] = L[:, :, ladder.SKILLED_MIN:].sum(axis=2) / employed
    series["high_skilled_share"] = L[:, :, ladder.HIGH_SKILLED_MIN:].sum(axis=2) / employed
    F = np.stack([r.flows for r in records])                        # N × T × flows
    for i, flow in enumerate(FLOWS):
        series[flow] = F[:, :, i]
    for name in records[0].queues:
        series[WAITING_PREFIX + name] = np.stack([r.queues[name] for r in records])
    months = month_labels(scenario.start, scenario.months)
    parts = []
    for name, arr in series.items():
        st = bands(arr)
        parts.append(pd.DataFrame({"month": months, "series": name, **{k: st[k] for k in STATS}}))
    out = pd.concat(parts, ignore_index=True)
    out["_order"] = np.tile(np.arange(len(months)), len(series))
    return out.sort_values(["_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def _summary(agg: Aggregate, tot: np.ndarray, committed: np.ndarray, owed: np.ndarray, IK: np.ndarray,
             V: np.ndarray, groups: np.ndarray | None = None) -> dict:
    sc = agg.scenario
    pol = sc.policy
    years = sc.years
    in_period = pol.in_period(years)

    def figure(x):
        st = bands(x)
        return {"mean": round(float(st["mean"]), 2), **{k: round(float(st[k]), 2) for k in STATS[1:]},
                **convergence(x, groups=groups)}

    headline = {
        "outlays_yuan_in_policy_period": figure(tot[:, in_period].sum(axis=1)),
        "outlays_yuan_horizon": figure(tot.sum(axis=1)),
        "committed_after_policy_yuan": figure(committed),
        "owed_after_horizon_yuan": figure(owed),
        "in_kind_yuan_horizon": figure(IK.sum(axis=(1, 2))),
    }
    by_year = {}
    for yi, y in enumerate(years):
        st = bands(tot[:, yi])
        se = None
        if agg.reps > 1:
            se = rqmc_se(tot[:, yi], groups) if groups is not None else float(tot[:, yi].std(ddof=1) / math.sqrt(agg.reps))
        by_year[str(y)] = {"mean": round(float(st["mean"]), 2), "p5": round(float(st["p5"]), 2),
                           "p50": round(float(st["p50"]), 2), "p95": round(float(st["p95"]), 2),
                           "mc_se": None if se is None else round(se, 2)}
    targets = []
    for j, t in enumerate(sc.targets):
        met = t.met(V[:, j]).astype(float)
        row = agg.targets.iloc[j]
        targets.append({"target": t.id, "metric": t.metric, "goal": t.goal, "set_by": list(t.set_by),
                        "probability": round(float(row["probability"]), 6), **convergence(met, probability=True, groups=groups),
                        "value_mean": rounded(row["value_mean"]), "value_p5": rounded(row["value_p5"]),
                        "value_p95": rounded(row["value_p95"])})
        targets[-1]["mc_se"] = round(float(row["mc_se"]), 6)
    out = {
        "scenario": sc.name,
        "title": sc.title,
        "reps": agg.reps,
        "seed": agg.seed,
        "uncertain_parameters": agg.uncertain,
        "fixed_parameters": list(agg.fixed),
        "streams": "replication r uses numpy.random.SeedSequence(seed).spawn(reps)[r]: parameters from one child, "
                   "dynamics from another",
        "policy_validity": [str(pol.valid_from), str(pol.valid_to)],
        "horizon": [str(sc.start), str(sc.end)],
        "headline": headline,
        "outlays_yuan_by_year": by_year,
        "targets": targets,
    }
    if groups is not None:
        out["sampling"] = {"method": "rqmc", "randomisations": qmc.SCRAMBLES, "rule": qmc.RULE}
    if agg.reps == 1:
        return _one_future(out)
    checks = list(headline.values()) + targets
    settled = all(c["settled"] for c in checks)
    needed = [c["reps_needed"] for c in checks]
    out["convergence"] = {
        "rule": CONVERGENCE_RULE,
        "settled": settled,
        "more_replications_would_change_headline": not settled,
        "reps_needed": None if any(v is None for v in needed) else max(needed),
        "unsettled": [k for k, c in headline.items() if not c["settled"]]
                     + [t["target"] for t in targets if not t["settled"]],
    }
    return out


#: what a single run's summary says of itself
ONE_FUTURE = ("one simulated future: each figure is its value in this future (under 'mean', the key Monte Carlo "
              "runs use), with no range, no probability and no convergence check; run with --reps N for them")


def _one_future(out: dict) -> dict:
    """A single run's summary: each figure's value only; a target's value and whether it was met."""
    value = lambda f: {"mean": f["mean"]}  # noqa: E731
    out["one_future"] = ONE_FUTURE
    out["headline"] = {k: value(f) for k, f in out["headline"].items()}
    out["outlays_yuan_by_year"] = {y: value(f) for y, f in out["outlays_yuan_by_year"].items()}
    out["targets"] = [{"target": t["target"], "metric": t["metric"], "goal": t["goal"], "set_by": t["set_by"],
                       "value": t["value_mean"], "met": t["probability"] == 1.0} for t in out["targets"]]
    return out
