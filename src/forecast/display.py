"""Terminal tables: outlays by year and article in 万元, targets with value against goal."""
from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

WAN = 10_000.0


def outlays_table(outlays: pd.DataFrame, scenario, title: str) -> Table:
    """Rows are rules grouped by article, columns years, cells 万元; totals last."""
    table = Table(title=title, title_justify="left")
    table.add_column("article / rule")
    years = list(outlays.index)
    end = scenario.policy.valid_to.year
    for y in years:
        table.add_column(str(y) + ("*" if y > end else ""), justify="right")
    table.add_column("total", justify="right")
    for rule in scenario.policy.rules:
        if rule.id not in outlays:
            continue
        col = outlays[rule.id] / WAN
        table.add_row(f"{rule.article} {rule.id}", *[f"{v:,.1f}" for v in col], f"{col.sum():,.1f}")
    total = outlays.sum(axis=1) / WAN
    table.add_row("total", *[f"{v:,.1f}" for v in total], f"{total.sum():,.1f}", style="bold")
    table.caption = f"万元 (10,000 yuan). * after the policy's end ({end}): obligations it committed."
    return table


def targets_table(targets: pd.DataFrame) -> Table:
    table = Table(title="2027 targets", title_justify="left")
    for col, just in (("target", "left"), ("what", "left"), ("value", "right"), ("goal", "right"), ("met", "center")):
        table.add_column(col, justify=just)
    for row in targets.itertuples():
        fmt = (lambda v: f"{v:.1%}") if row.metric == "skilled_share_end" else (lambda v: f"{v:,.0f}")
        table.add_row(row.target, row.text[:60], fmt(row.value), fmt(row.goal), "yes" if row.met else "no")
    return table


def console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=160)
