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


def mc_outlays_table(agg) -> Table:
    """Monte Carlo outlays per year in 万元: mean, 90 % range (5th–95th percentile), median and
    the mean's Monte Carlo standard error; then the policy-period and horizon totals."""
    sc, s = agg.scenario, agg.summary
    end = sc.policy.valid_to.year
    table = Table(title=f"{sc.title}: fund outlays by year, {agg.reps} replications (seed {agg.seed})",
                  title_justify="left")
    for col, just in (("year", "left"), ("mean", "right"), ("90 % range", "right"), ("median", "right"),
                      ("MC SE", "right")):
        table.add_column(col, justify=just)
    for y, v in s["outlays_yuan_by_year"].items():
        table.add_row(y + ("*" if int(y) > end else ""), f"{v['mean'] / WAN:,.1f}",
                      f"{v['p5'] / WAN:,.1f} – {v['p95'] / WAN:,.1f}", f"{v['p50'] / WAN:,.1f}",
                      "" if v["mc_se"] is None else f"{v['mc_se'] / WAN:,.1f}")
    h = s["headline"]
    labels = {"outlays_yuan_in_policy_period": f"{sc.policy.valid_from.year}–{end} (policy)",
              "outlays_yuan_horizon": f"{sc.start.year}–{sc.end.year} (all)",
              "committed_after_policy_yuan": f"committed after {end}"}
    for key, label in labels.items():
        v = h[key]
        table.add_row(label, f"{v['mean'] / WAN:,.1f}", f"{v['p5'] / WAN:,.1f} – {v['p95'] / WAN:,.1f}",
                      f"{v['p50'] / WAN:,.1f}", "" if v["mc_se"] is None else f"{v['mc_se'] / WAN:,.1f}",
                      style="bold" if key == "outlays_yuan_in_policy_period" else None)
    conv = s["convergence"]
    unsettled = conv["unsettled"]
    which = ", ".join(unsettled) if len(unsettled) <= 3 else f"{len(unsettled)} headline figures"
    verdict = ("settled: more replications would not move the headline figures beyond their tolerance"
               if conv["settled"] else
               f"not settled ({which}): about {conv['reps_needed']:,} replications needed"
               if conv["reps_needed"] else f"not settled ({which})")
    table.caption = (f"万元 (10,000 yuan). * after the policy's end ({end}): obligations it committed. "
                     f"90 % range: 5th–95th percentile over futures; MC SE: standard error of the mean. "
                     f"Convergence: {verdict}.")
    return table


def mc_targets_table(agg) -> Table:
    """Probability that each target is met, with its Monte Carlo standard error and the range of values."""
    table = Table(title=f"{agg.scenario.policy.valid_to.year} targets: probability of being met", title_justify="left")
    for col, just in (("target", "left"), ("what", "left"), ("goal", "right"), ("P(met)", "right"),
                      ("± MC SE", "right"), ("median value (90 % range)", "right")):
        table.add_column(col, justify=just)
    for row in agg.targets.itertuples():
        fmt = (lambda v: f"{v:.1%}") if row.metric == "skilled_share_end" else (lambda v: f"{v:,.0f}")
        table.add_row(row.target, row.text[:52], fmt(row.goal), f"{row.probability:.0%}", f"{row.mc_se:.1%}",
                      f"{fmt(row.value_p50)} ({fmt(row.value_p5)} – {fmt(row.value_p95)})")
    return table
