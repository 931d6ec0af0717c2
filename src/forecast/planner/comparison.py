"""A reform against its base, replication by replication: the differences a planner reads.

For paired replications (`paired.py`) of a base and a reform, every figure is computed per
replication and then summarised: the base's and the reform's means, the mean paired difference
with its 5th/95th percentiles across futures and its Monte Carlo standard error (and the
reform's own 5th/95th percentiles), and beside it
the standard error two *independent* runs of the same size would give (√(s²_base/N + s²_reform/N)),
so the user sees what pairing saved.

Figures (`long` table, one row per item × measure × period):
- `outlay`: each cash rule and `total`, by budget year, over the policy period (`policy`),
  after it (`committed`: what the policy pays in later years) and the policy's whole `cost`
  (every year of the horizon plus what is still owed after it, valued);
- `value` and `p_met`: each target's value and whether it is met (1/0; its mean is P(met)).

Cost-effectiveness (`effectiveness`): the extra cost per extra unit of each target the model
forecasts (targets set by assumption restate an input and are left out): yuan per extra person
for counts, per +0.1 percentage point for shares, as the ratio of mean differences, with a 90 %
interval from a paired bootstrap over replications. When the effect cannot be told from zero
(its 90 % interval includes 0) the ratio is not given: a cost per nothing is not a number.

Deadweight (`deadweight`): the share of the extra outlay (years of the horizon) that pays for
events that also happen in the paired base: (base events priced under the reform's rules −
what the base pays) ÷ (reform's outlay − base's outlay). The rest pays for extra events. This is
the textbook split ΔC = Δp·q_base + p_reform·Δq; it counts as "would have happened anyway" every
base event, so a reform that also suppresses some base events is not credited for that.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.planner.paired import Paired
from forecast.futures.statistics import TOTAL

LONG_COLUMNS = ["reform", "item", "measure", "period", "unit", "base_mean", "reform_mean", "reform_p5", "reform_p95",
                "delta_mean", "delta_p5", "delta_p95", "delta_se", "independent_se"]
EFFECT_COLUMNS = ["reform", "target", "metric", "effect_unit", "delta_cost_mean", "delta_effect_mean",
                  "delta_effect_se", "yuan_per_unit", "yuan_per_unit_p5", "yuan_per_unit_p95", "note"]
DEADWEIGHT_COLUMNS = ["reform", "extra_outlay_mean", "deadweight_mean", "extra_events_mean", "deadweight_share",
                      "deadweight_share_p5", "deadweight_share_p95", "note"]
#: bootstrap resamples for the intervals of ratios
BOOTSTRAP = 2000
#: a share target's effect is counted in steps of 0.1 percentage point
SHARE_STEP = 0.001


@dataclass
class Figures:
    """One scenario's per-replication figures (N × …), aligned on the base's rows."""

    outlays: np.ndarray      # N × years × rules (the union of rules; 0 where a scenario lacks one)
    committed: np.ndarray    # N
    cost: np.ndarray         # N: every year of the horizon plus what is owed after it
    values: np.ndarray       # N × targets
    met: np.ndarray          # N × targets (0/1)


def figures(records, scenario, rules: list) -> Figures:
    own = scenario.policy.rule_ids()
    O = np.stack([r.outlays for r in records])
    out = np.zeros(O.shape[:2] + (len(rules),))
    for c, rid in enumerate(rules):
        if rid in own:
            out[:, :, c] = O[:, :, own.index(rid)]
    committed = np.array([r.committed for r in records])
    cost = O.sum(axis=(1, 2)) + np.array([r.owed_after for r in records])
    values = np.stack([r.targets for r in records])
    met = np.stack([[t.met(v) for t, v in zip(scenario.targets, r.targets)] for r in records]).astype(float)
    return Figures(out, committed, cost, values, met)


def rule_union(paired: Paired) -> list:
    rules = list(paired.scenarios[0].policy.rule_ids())
    for s in paired.scenarios[1:]:
        rules += [r for r in s.policy.rule_ids() if r not in rules]
    return rules


def _row(reform, item, measure, period, unit, b, r) -> dict:
    b, r = np.asarray(b, dtype=float), np.asarray(r, dtype=float)
    d = r - b
    n = len(d)
    se = float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    ind = float(math.sqrt(b.var(ddof=1) / n + r.var(ddof=1) / n)) if n > 1 else math.nan
    p5, p95 = np.percentile(d, [5, 95])
    r5, r95 = np.percentile(r, [5, 95])
    return {"reform": reform, "item": item, "measure": measure, "period": period, "unit": unit,
            "base_mean": float(b.mean()), "reform_mean": float(r.mean()), "reform_p5": float(r5),
            "reform_p95": float(r95), "delta_mean": float(d.mean()),
            "delta_p5": float(p5), "delta_p95": float(p95), "delta_se": se, "independent_se": ind}


def long_table(paired: Paired, j: int) -> pd.DataFrame:
    """Every figure of reform j against the base (LONG_COLUMNS)."""
    base, reform = paired.scenarios[0], paired.scenarios[j]
    rules = rule_union(paired)
    B, R = figures(paired.summaries[0], base, rules), figures(paired.summaries[j], reform, rules)
    years = base.years
    inside = np.asarray(base.policy.in_period(years), dtype=bool)
    name = reform.name
    rows = []
    for c, rid in enumerate(rules + [TOTAL]):
        b = B.outlays.sum(axis=2) if rid == TOTAL else B.outlays[:, :, c]
        r = R.outlays.sum(axis=2) if rid == TOTAL else R.outlays[:, :, c]
        for y_i, y in enumerate(years):
            rows.append(_row(name, rid, "outlay", str(y), "yuan", b[:, y_i], r[:, y_i]))
        rows.append(_row(name, rid, "outlay", "policy", "yuan", b[:, inside].sum(axis=1), r[:, inside].sum(axis=1)))
        rows.append(_row(name, rid, "outlay", "committed", "yuan", b[:, ~inside].sum(axis=1),
                         r[:, ~inside].sum(axis=1)))
    rows.append(_row(name, TOTAL, "outlay", "cost", "yuan", B.cost, R.cost))
    for t_i, t in enumerate(base.targets):
        unit = "share" if t.share else "count"
        rows.append(_row(name, t.id, "value", "target", unit, B.values[:, t_i], R.values[:, t_i]))
        rows.append(_row(name, t.id, "p_met", "target", "probability", B.met[:, t_i], R.met[:, t_i]))
    return pd.DataFrame(rows, columns=LONG_COLUMNS)


def _resamples(n: int, seed: int) -> np.ndarray:
    """BOOTSTRAP × n replication indices, the same for every ratio of a comparison."""
    return np.random.default_rng([seed, 0x5EED]).integers(0, n, size=(BOOTSTRAP, n))


def _ratio_interval(num: np.ndarray, den: np.ndarray, idx: np.ndarray) -> tuple[float, float, bool]:
    """5th/95th percentile of mean(num)/mean(den) over bootstrap resamples; `bounded` is False
    when some resample's denominator is ≤ 0 (the ratio is then unbounded)."""
    n_m, d_m = num[idx].mean(axis=1), den[idx].mean(axis=1)
    if np.any(d_m <= 0):
        return math.nan, math.nan, False
    ratios = n_m / d_m
    lo, hi = np.percentile(ratios, [5, 95])
    return float(lo), float(hi), True


def effectiveness(paired: Paired, j: int) -> pd.DataFrame:
    """Extra cost per extra unit of each forecast target (EFFECT_COLUMNS)."""
    base, reform = paired.scenarios[0], paired.scenarios[j]
    rules = rule_union(paired)
    B, R = figures(paired.summaries[0], base, rules), figures(paired.summaries[j], reform, rules)
    dc = R.cost - B.cost
    idx = _resamples(paired.reps, paired.seed)
    rows = []
    for t_i, t in enumerate(base.targets):
        if t.set_by:
            continue
        step = SHARE_STEP if t.share else 1.0
        de = (R.values[:, t_i] - B.values[:, t_i]) / step
        n = len(de)
        se = float(de.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        mean_e = float(de.mean())
        row = {"reform": reform.name, "target": t.id, "metric": t.metric,
               "effect_unit": "+0.1 pp" if t.share else "+1", "delta_cost_mean": float(dc.mean()),
               "delta_effect_mean": mean_e, "delta_effect_se": se, "yuan_per_unit": math.nan,
               "yuan_per_unit_p5": math.nan, "yuan_per_unit_p95": math.nan, "note": ""}
        if not (n > 1 and mean_e - 1.645 * se > 0):
            row["note"] = ("no effect: the target does not move" if mean_e == 0 and se == 0 else
                           "effect not distinguishable from zero (its 90 % interval includes 0): no cost per unit")
        else:
            row["yuan_per_unit"] = float(dc.mean() / mean_e)
            lo, hi, bounded = _ratio_interval(dc, de, idx)
            row["yuan_per_unit_p5"], row["yuan_per_unit_p95"] = lo, hi
            if not bounded:
                row["note"] = "interval unbounded: in some bootstrap resamples the effect is not positive"
        rows.append(row)
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def deadweight(paired: Paired, j: int) -> pd.DataFrame:
    """The share of reform j's extra outlay paid for events that happen in the paired base too."""
    reform = paired.scenarios[j]
    base_total = np.array([r.outlays.sum() for r in paired.summaries[0]])
    reform_total = np.array([r.outlays.sum() for r in paired.summaries[j]])
    if j not in paired.repriced:
        raise ValueError("the base's events were not repriced under the reform's rules (run with reprice=True)")
    dw = paired.repriced[j].sum(axis=(1, 2)) - base_total
    extra = reform_total - base_total
    row = {"reform": reform.name, "extra_outlay_mean": float(extra.mean()), "deadweight_mean": float(dw.mean()),
           "extra_events_mean": float((extra - dw).mean()), "deadweight_share": math.nan,
           "deadweight_share_p5": math.nan, "deadweight_share_p95": math.nan, "note": ""}
    if extra.mean() > 0:
        row["deadweight_share"] = float(dw.mean() / extra.mean())
        lo, hi, bounded = _ratio_interval(dw, extra, _resamples(paired.reps, paired.seed))
        row["deadweight_share_p5"], row["deadweight_share_p95"] = lo, hi
        if not bounded:
            row["note"] = "interval unbounded: in some bootstrap resamples the reform costs no more"
    else:
        row["note"] = "the reform costs no more than the base: no extra outlay to split"
    return pd.DataFrame([row], columns=DEADWEIGHT_COLUMNS)
