"""The comparison folder `forecast compare` writes, and its reader.

| file | content |
|---|---|
| compare.csv | long: reform, item (rule id, target id or `total`), measure (`outlay`, `value`, `p_met`), period (a year, `policy`, `committed`, `cost`, `target`), unit, base_mean, reform_mean, delta_mean, delta_p5, delta_p95, delta_se (paired MC standard error), independent_se (two independent runs' standard error) |
| effectiveness.csv | reform, target: extra cost per extra unit (person, or +0.1 pp of a share) with its 90 % interval, or why none is given |
| deadweight.csv | reform: extra outlay, the part paying for events that happen in the base too, its share with a 90 % interval |
| compare.json | what was compared (files, --set, seed, replications), the headline per reform, the method |
| compare.xlsx | the three tables, in 万元 where money (对比, 成本效益, 无谓支出) |
| delta_by_article.png, cost_effect.png | the difference by article; extra cost against each target's effect |
| runs/NAME/ | each scenario's own results folder (as `forecast run --reps N` writes it) |
| provenance.json | what made the folder |

The folder is written atomically; the CSVs are exact (yuan, probabilities), the workbook and
charts rounded for reading.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pandas as pd

from forecast.core.atomic import atomic_dir
from forecast.core.errors import InputError
from forecast.planner.comparison import DEADWEIGHT_COLUMNS, EFFECT_COLUMNS, LONG_COLUMNS
from forecast.futures.provenance import write_provenance

FILES = {"compare.csv": LONG_COLUMNS, "effectiveness.csv": EFFECT_COLUMNS, "deadweight.csv": DEADWEIGHT_COLUMNS}
WAN = 10_000.0
METHOD = ("Paired replications on common random numbers: replication r of every scenario draws its parameters "
          "and its dynamics from the same named streams of SeedSequence(seed).spawn(N)[r]; each figure's "
          "difference is taken replication by replication. delta_p5/delta_p95 are the 5th/95th percentiles of "
          "that difference across futures; delta_se is its Monte Carlo standard error (sd/sqrt(N)); "
          "independent_se = sqrt(s_base^2/N + s_reform^2/N), what two independent runs of N would give. Cost = "
          "every year's outlay in the horizon plus what is still owed after it (valued). Cost-effectiveness = "
          "mean extra cost / mean extra target value (per person, or per +0.1 pp of a share), 90 % interval by a "
          "paired bootstrap over replications; not given when the effect's 90 % interval includes 0. "
          "Deadweight = (the base's events priced under the reform's rules - what the base pays) / (reform's "
          "outlay - base's outlay), over the horizon's years.")


def write_comparison(out: str | Path, *, long: pd.DataFrame, effect: pd.DataFrame, dead: pd.DataFrame,
                     summary: dict, runs: dict, provenance: Callable[[], dict]) -> Path:
    """Write the comparison folder atomically. `runs`: name → callable(folder) writing that
    scenario's results folder."""
    from forecast.planner.charts import cost_effect_chart, delta_chart

    out = Path(out)
    with atomic_dir(out) as tmp:
        long.to_csv(tmp / "compare.csv", index=False, float_format="%.10g")
        effect.to_csv(tmp / "effectiveness.csv", index=False, float_format="%.10g")
        dead.to_csv(tmp / "deadweight.csv", index=False, float_format="%.10g")
        (tmp / "compare.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_compare_workbook(long, effect, dead, tmp / "compare.xlsx")
        delta_chart(long, summary, tmp / "delta_by_article.png")
        cost_effect_chart(long, effect, tmp / "cost_effect.png")
        for name, write in runs.items():
            write(tmp / "runs" / name)
        write_provenance(tmp, provenance())
    return out


def read_comparison(folder: str | Path) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(summary, compare, effectiveness, deadweight) of a comparison folder, or InputError."""
    d = Path(folder)
    missing = [n for n in ("compare.json", *FILES) if not (d / n).is_file()]
    if missing:
        raise InputError(str(d), "", f"not a comparison folder: missing {', '.join(missing)}",
                         "a folder written by `forecast compare`")
    tables = []
    for name, columns in FILES.items():
        df = pd.read_csv(d / name, keep_default_na=True)
        if list(df.columns) != columns:
            raise InputError(str(d / name), "", f"columns {list(df.columns)} are not those forecast writes",
                             ", ".join(columns))
        tables.append(df)
    summary = json.loads((d / "compare.json").read_text(encoding="utf-8"))
    return (summary, *tables)


def write_compare_workbook(long: pd.DataFrame, effect: pd.DataFrame, dead: pd.DataFrame, path: Path) -> None:
    """The comparison's tables for Excel: money in 万元 (2 decimals), probabilities and shares as
    they are; one sheet each, headers frozen."""
    money = ["base_mean", "reform_mean", "delta_mean", "delta_p5", "delta_p95", "delta_se", "independent_se"]
    shown = long.copy()
    is_yuan = shown["unit"] == "yuan"
    shown.loc[is_yuan, money] = shown.loc[is_yuan, money] / WAN
    shown.loc[is_yuan, "unit"] = "万元"
    eff = effect.copy()
    for c in ("delta_cost_mean", "yuan_per_unit", "yuan_per_unit_p5", "yuan_per_unit_p95"):
        eff[c] = eff[c] / WAN
    eff = eff.rename(columns={"delta_cost_mean": "delta_cost_mean_wan", "yuan_per_unit": "wan_per_unit",
                              "yuan_per_unit_p5": "wan_per_unit_p5", "yuan_per_unit_p95": "wan_per_unit_p95"})
    dw = dead.copy()
    for c in ("extra_outlay_mean", "deadweight_mean", "extra_events_mean"):
        dw[c] = dw[c] / WAN
    dw = dw.rename(columns={c: c + "_wan" for c in ("extra_outlay_mean", "deadweight_mean", "extra_events_mean")})
    with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
        for sheet, df in (("对比 compare", shown), ("成本效益 effectiveness", eff), ("无谓支出 deadweight", dw)):
            df.round(6).to_excel(xw, sheet_name=sheet, index=False, freeze_panes=(1, 0))
            ws = xw.sheets[sheet]
            for c, name in enumerate(df.columns):
                ws.set_column(c, c, max(10, min(40, len(str(name)) + 2)))
