"""A small Monte Carlo-shaped results folder, written directly (no simulation), for the
budget view's tests: the files `forecast run SCENARIO --reps N` writes, with made-up numbers.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from forecast.policy import ladder
from forecast.core.serialise import plain

QUANTILES = (5, 25, 50, 75, 95)


def make_mc_folder(scenario, folder: Path, replications: int = 40, seed: int = 7) -> Path:
    """Write a Monte Carlo results folder for `scenario` with `replications` made-up futures."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    years = scenario.years
    end = scenario.policy.valid_to.year
    cash = [r.id for r in scenario.policy.rules if not r.in_kind]
    later_rules = {"HS-A2b", "HS-A8b"}
    base = {rid: 20_000 + 60_000 * i for i, rid in enumerate(cash)}
    rows = []
    for rep in range(replications):
        scale = rng.lognormal(0, 0.25)
        for y in years:
            for rid in cash:
                if y > end and rid not in later_rules:
                    amount = 0.0
                elif y > end:
                    amount = base[rid] * scale * 0.5 * rng.uniform(0.6, 1.4)
                else:
                    amount = base[rid] * scale * rng.uniform(0.5, 1.5)
                rows.append({"replication": rep, "year": y, "rule": rid, "amount": round(amount, 2)})
    reps = pd.DataFrame(rows)
    reps.to_parquet(folder / "replications.parquet", index=False)
    wide = reps.pivot_table(index=["replication", "year"], columns="rule", values="amount").reindex(columns=cash)
    wide["total"] = wide.sum(axis=1)
    mean = wide.groupby(level="year").mean()
    mean.index.name = "year"
    mean.to_csv(folder / "outlays.csv", float_format="%.2f")
    stats = []
    for y in years:
        block = wide.xs(y, level="year")
        for rid in cash + ["total"]:
            q = np.percentile(block[rid], QUANTILES)
            stats.append({"year": y, "rule": rid, "mean": block[rid].mean(), **{f"p{k}": v for k, v in zip(QUANTILES, q)}})
    pd.DataFrame(stats).to_csv(folder / "outlays_stats.csv", index=False, float_format="%.2f")
    params = pd.DataFrame({
        "replication": range(replications),
        "fund.principal": rng.uniform(100e6, 130e6, replications),
        "fund.return_rate": rng.triangular(0.02, 0.03, 0.045, replications),
        "fund.top_up_per_year": np.zeros(replications),
        "population.employed": rng.triangular(330_000, 360_000, 600_000, replications).round(),
    })
    params.to_csv(folder / "parameters.csv", index=False)
    trows = []
    for t in scenario.targets:
        values = t.goal * rng.normal(1.0, 0.15, replications)
        p = float((values >= t.goal).mean())
        trows.append({"target": t.id, "text": t.text, "metric": t.metric, "goal": t.goal, "probability": p,
                      "mc_se": float(np.sqrt(p * (1 - p) / replications)), "mean": values.mean(),
                      **{f"p{k}": v for k, v in zip(QUANTILES, np.percentile(values, QUANTILES))},
                      "source": t.source})
    pd.DataFrame(trows).to_csv(folder / "targets.csv", index=False)
    lrows = []
    months = pd.period_range(scenario.start, scenario.end, freq="M").astype(str)
    for i, m in enumerate(months):
        stock = {name: 40_000 * (9 - k) * (1 + 0.002 * i * (k >= 2)) for k, name in enumerate(ladder.NAMES)}
        employed = sum(stock.values())
        skilled = sum(v for k, v in enumerate(stock.values()) if k >= ladder.SKILLED_MIN) / employed
        high = sum(v for k, v in enumerate(stock.values()) if k >= ladder.HIGH_SKILLED_MIN) / employed
        for name, v in {**stock, "employed": employed, "skilled_share": skilled, "high_skilled_share": high}.items():
            spread = 0.03 * v
            lrows.append({"month": m, "series": name, "mean": v, "p5": v - 2 * spread, "p25": v - spread,
                          "p50": v, "p75": v + spread, "p95": v + 2 * spread})
    pd.DataFrame(lrows).to_csv(folder / "ladder_bands.csv", index=False)
    resolved = scenario.resolved_toml(scenario.resolve(None))
    (folder / "scenario.resolved.toml").write_text(tomli_w.dumps(plain(resolved)), encoding="utf-8")
    (folder / "summary.json").write_text(json.dumps({"scenario": scenario.name, "replications": replications}),
                                         encoding="utf-8")
    return folder
