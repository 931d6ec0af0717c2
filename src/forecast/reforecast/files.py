"""The files of a budget-execution re-forecast (`forecast reforecast`), written inside the
results folder of its plan: execution.csv (year × rule: plan, actual, committed, re-forecast
with its 90 % band, variance; a `total` row per year; fund cash, yuan), execution_rates.csv
(what the records show against the plan, pathway by pathway), execution_actual.csv (the
payout lines of the records to DATE), execution.json (DATE, records file, headline, notes)
and execution.png (cumulative cash: plan band, actual line, re-forecast band).
"""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecast.core.calendar import month_labels  # noqa: E402
from forecast.display.labels import WAN  # noqa: E402
from forecast.reforecast import rates  # noqa: E402
from forecast.reforecast.execution import Execution  # noqa: E402

FILES = ("execution.csv", "execution_rates.csv", "execution_actual.csv", "execution_bands.csv", "execution.json",
         "execution.png")
_METADATA = {"Software": None}


def headline(ex: Execution) -> dict:
    """DATE's year and the policy period: paid so far, plan, expected year-end and band (yuan)."""
    t = ex.table[ex.table["rule"] == "total"].set_index("year")
    year = ex.as_of.year
    row = t.loc[year]
    pol = ex.scenario.policy
    period = [y for y in ex.scenario.years if pol.valid_from.year <= y <= pol.valid_to.year]
    total = t.loc[period]
    return {"year": year, "paid": float(row["actual"]), "plan": float(row["plan"]),
            "plan_p5": float(row["plan_p5"]), "plan_p95": float(row["plan_p95"]),
            "expected": float(row["reforecast"]), "p5": float(row["reforecast_p5"]), "p95": float(row["reforecast_p95"]),
            "variance": float(row["variance"]), "period": [period[0], period[-1]],
            "period_plan": float(total["plan"].sum()), "period_reforecast": float(total["reforecast"].sum())}


def headline_text(ex: Execution) -> str:
    """'2026: paid X of a plan of Y; expected year-end Z (90 %: a–b)', in 万元."""
    h = headline(ex)
    w = lambda v: f"{v / WAN:,.1f}"   # noqa: E731
    hot = ("running hot" if h["variance"] > 0 and h["expected"] > h["plan_p95"] else
           "running cold" if h["variance"] < 0 and h["expected"] < h["plan_p5"] else "within the plan's band")
    return (f"{h['year']}: paid {w(h['paid'])} of a plan of {w(h['plan'])} 万元 (90 %: {w(h['plan_p5'])}–"
            f"{w(h['plan_p95'])}); expected year-end {w(h['expected'])} (90 %: {w(h['p5'])}–{w(h['p95'])}), "
            f"{h['variance'] / WAN:+,.1f} against the plan: {hot}. "
            f"Policy period {h['period'][0]}–{h['period'][1]}: plan {w(h['period_plan'])}, "
            f"re-forecast {w(h['period_reforecast'])} 万元.")


def write_execution(folder: Path, ex: Execution, records_file: str) -> None:
    """Every execution file into `folder` (the caller's atomic results folder)."""
    ex.table.to_csv(folder / "execution.csv", index=False, float_format="%.2f")
    rates.table(ex.updates, ex.as_of).to_csv(folder / "execution_rates.csv", index=False)
    ex.actual.ledger.to_csv(folder / "execution_actual.csv", index=False, float_format="%.2f",
                            date_format="%Y-%m-%d")
    meta = {"as_of": str(ex.as_of), "records": records_file, "records_used": int(len(ex.actual.records)),
            "records_after_as_of": ex.actual.left_out, "records_unpaid": int(len(ex.actual.rejections)),
            "replications": ex.reps, "headline": headline(ex), "headline_text": headline_text(ex),
            "notes": list(ex.notes), "money": "yuan, fund cash (in-kind rules apart)",
            "columns": {"plan": "mean of the forecast made without actuals (plan_p5/plan_p95: its 90 % band)",
                        "actual": "records dated on or before as_of, paid as `forecast payouts` pays them, in the "
                                  "year of the record's date",
                        "committed": "mean of what real records oblige (real craftsmen's annuities, real "
                                     "pairings' milestones), drawn from the model's hazards",
                        "reforecast": "actual + committed + the simulated rest after as_of (mean; p5/p95: 90 % band)",
                        "variance": "reforecast − plan"}}
    (folder / "execution.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    bands = cumulative_bands(ex)
    bands.to_csv(folder / "execution_bands.csv", index=False, float_format="%.4f")
    execution_chart(bands, ex.as_of, folder / "execution.png")


def cumulative_bands(ex: Execution) -> pd.DataFrame:
    """Month × (plan mean, p5, p95; re-forecast mean, p5, p95; actual) of cumulative cash over
    the policy period (万元): the chart's data."""
    sc, pol = ex.scenario, ex.scenario.policy
    labels = np.array(month_labels(sc.start, sc.months))
    months = np.datetime64(sc.start, "M") + np.arange(sc.months)
    sel = (months >= np.datetime64(pol.valid_from, "M")) & (months <= np.datetime64(pol.valid_to, "M"))
    plan = np.cumsum(ex.plan_monthly[:, sel], axis=1) / WAN
    re = np.cumsum(ex.reforecast_monthly[:, sel], axis=1) / WAN
    now = np.datetime64(ex.as_of, "M")
    past = months[sel] < now                      # the re-forecast starts from DATE's month, joining the line
    actual = np.where(months[sel] <= now, re[0], np.nan)
    q = lambda a, p: np.quantile(a, p, axis=0)   # noqa: E731
    return pd.DataFrame({"month": labels[sel], "plan": plan.mean(axis=0), "plan_p5": q(plan, 0.05),
                         "plan_p95": q(plan, 0.95), "reforecast": np.where(past, np.nan, re.mean(axis=0)),
                         "reforecast_p5": np.where(past, np.nan, q(re, 0.05)),
                         "reforecast_p95": np.where(past, np.nan, q(re, 0.95)), "actual": actual})


def execution_chart(bands: pd.DataFrame, as_of, path: Path, lang: str = "en", svg: Path | None = None) -> None:
    """Cumulative fund cash over the policy period (`cumulative_bands`, or execution_bands.csv
    read back): the plan's band, the actual line to DATE, the re-forecast's band after it."""
    from forecast.display import fonts
    lang = fonts.chart_language(lang)
    with matplotlib.rc_context(fonts.rc(lang)):
        _draw(bands, as_of, path, lang == "zh", svg)


def _draw(b: pd.DataFrame, as_of, path: Path, zh: bool, svg: Path | None) -> None:
    x = np.arange(len(b))
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.fill_between(x, b["plan_p5"], b["plan_p95"], color="#9ecae1", alpha=0.5,
                    label="计划 90 % 区间" if zh else "plan, 90 % band")
    ax.plot(x, b["plan"], color="#3182bd", lw=1, ls="--", label="计划（均值）" if zh else "plan (mean)")
    ax.plot(x, b["actual"], color="black", lw=2, label="实际支付" if zh else "actually paid")
    ax.fill_between(x, b["reforecast_p5"], b["reforecast_p95"], color="#fdae6b", alpha=0.6,
                    label="重新预测 90 % 区间" if zh else "re-forecast, 90 % band")
    ax.plot(x, b["reforecast"], color="#e6550d", lw=1.5, label="重新预测（均值）" if zh else "re-forecast (mean)")
    cut = int(np.flatnonzero(b["actual"].notna())[-1]) if b["actual"].notna().any() else 0
    ax.axvline(cut, color="grey", lw=1, ls=":")
    step = 3 if len(b) <= 36 else 6
    ax.set_xticks(x[::step], list(b["month"].iloc[::step]), rotation=45, ha="right")
    ax.set_ylabel("万元（累计）" if zh else "万元, cumulative")
    ax.set_title((f"预算执行：截至 {as_of} 的实际支付与重新预测" if zh else
                  f"Budget execution: paid to {as_of} and re-forecast"))
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    if svg is not None:
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
    plt.close(fig)
