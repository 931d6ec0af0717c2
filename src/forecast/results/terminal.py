"""Terminal tables (rich): a run's outlays by year and article and its targets, the Monte Carlo
summaries, and the budget headline, amounts in 万元. Words from the catalogue (`forecast.display.labels`):
the tables of `forecast run` are in English by default, the budget headline in Chinese."""
from __future__ import annotations

import pandas as pd
from rich.table import Table

from forecast.results.budget import Budget
from forecast.display.labels import Labels, pct, wan
from forecast.display.wording import (fund_state, goal_text, owed_after_text, policy_span, reached_text, value_text,
                                      year_head)
from forecast.futures.aggregate import Aggregate
from forecast.futures.statistics import TOTAL
from forecast.scenario.scenario import Scenario


def outlays_table(outlays: pd.DataFrame, scenario: Scenario, title: str, lang: str = "en",
                  owed_after: float | None = None) -> Table:
    """One future's outlays (yuan, year × cash rule): rules grouped by article, years as
    columns, cells in 万元; the total last; with `owed_after` (yuan) the caption also says
    what is still owed after the horizon, valued."""
    L = Labels(lang, scenario)
    end = scenario.policy.valid_to.year
    table = Table(title=title, title_justify="left")
    table.add_column(L("terminal.article_rule"))
    for y in outlays.index:
        table.add_column(year_head(scenario.policy, y), justify="right")
    table.add_column(L("total"), justify="right")
    for rule in scenario.policy.rules:
        if rule.id not in outlays:
            continue
        col = outlays[rule.id]
        table.add_row(f"{rule.article} {rule.id}", *[wan(v) for v in col], wan(col.sum()))
    total = outlays[[r for r in scenario.policy.rule_ids() if r in outlays]].sum(axis=1)
    table.add_row(L("total"), *[wan(v) for v in total], wan(total.sum()), style="bold")
    table.caption = L("terminal.outlays_caption", end=end)
    if owed_after is not None:
        table.caption += " " + owed_after_text(L, {"mean": owed_after}, scenario.end.year, False)
    return table


def targets_table(targets: pd.DataFrame, scenario: Scenario, lang: str = "en") -> Table:
    """One future's targets (target, value): the value, the goal and whether it is met."""
    L = Labels(lang, scenario)
    table = Table(title=L("terminal.targets_title", end=scenario.policy.valid_to.year), title_justify="left")
    for col, just in (("target", "left"), ("what", "left"), ("value", "right"), ("goal", "right")):
        table.add_column(L(col), justify=just)
    table.add_column(L("terminal.met"), justify="center")
    table.add_column(L("how_reached"))
    values = targets.set_index("target")["value"]
    for t in scenario.targets:
        v = float(values[t.id])
        table.add_row(t.id, t.text[:60], value_text(t, v), goal_text(t), L("yes") if t.met(v) else L("no"),
                      reached_text(L, t))
    if any(t.set_by for t in scenario.targets):
        table.caption = L("set_by_note")
    return table


def mc_outlays_table(agg: Aggregate, lang: str = "en") -> Table:
    """Monte Carlo outlays per year in 万元: mean, 90 % range (5th–95th percentile), median and
    the mean's Monte Carlo standard error; then the policy-period and horizon totals."""
    sc, s = agg.scenario, agg.summary
    L = Labels(lang, sc)
    end = sc.policy.valid_to.year
    table = Table(title=L("terminal.mc_title", title=sc.title, reps=agg.reps, seed=agg.seed), title_justify="left")
    for key, just in (("year", "left"), ("mean", "right"), ("range90", "right"), ("p50", "right"),
                      ("terminal.mc_se", "right")):
        table.add_column(L(key), justify=just)

    def cells(v: dict) -> list[str]:
        return [wan(v["mean"]), f"{wan(v['p5'])} – {wan(v['p95'])}", wan(v["p50"]),
                "" if v["mc_se"] is None else wan(v["mc_se"])]

    for y, v in s["outlays_yuan_by_year"].items():
        table.add_row(year_head(sc.policy, int(y)), *cells(v))
    h = s["headline"]
    rows = {"outlays_yuan_in_policy_period": L("terminal.policy_total", span=policy_span(sc.policy)),
            "outlays_yuan_horizon": L("terminal.horizon_total", span=f"{sc.start.year}–{sc.end.year}"),
            "committed_after_policy_yuan": L("terminal.committed_total", end=end),
            "owed_after_horizon_yuan": L("owed_after", end=sc.end.year)}
    for key, label in rows.items():
        table.add_row(label, *cells(h[key]), style="bold" if key == "outlays_yuan_in_policy_period" else None)
    conv = s["convergence"]
    unsettled = conv["unsettled"]
    which = (L.join(unsettled) if len(unsettled) <= 3 else L("terminal.unsettled_many", n=len(unsettled)))
    verdict = (L("terminal.settled") if conv["settled"] else
               L("terminal.unsettled", which=which, n=f"{conv['reps_needed']:,}") if conv["reps_needed"] else
               L("terminal.unsettled_plain", which=which))
    table.caption = L("terminal.mc_caption", end=end, verdict=verdict)
    return table


def mc_targets_table(agg: Aggregate, lang: str = "en") -> Table:
    """Probability that each target is met, with its Monte Carlo standard error and the range of values."""
    sc = agg.scenario
    L = Labels(lang, sc)
    table = Table(title=L("terminal.mc_targets_title", end=sc.policy.valid_to.year), title_justify="left")
    for key, just in (("target", "left"), ("what", "left"), ("goal", "right"), ("terminal.p_met", "right"),
                      ("terminal.pm_se", "right"), ("terminal.median_range", "right"), ("how_reached", "left")):
        table.add_column(L(key), justify=just)
    rows = agg.targets.set_index("target")
    for t in sc.targets:
        row = rows.loc[t.id]
        f = lambda v: value_text(t, v)  # noqa: E731
        table.add_row(t.id, t.text[:52], goal_text(t), f"{row['probability']:.0%}", f"{row['mc_se']:.1%}",
                      f"{f(row['value_p50'])} ({f(row['value_p5'])} – {f(row['value_p95'])})", reached_text(L, t))
    if any(t.set_by for t in sc.targets):
        table.caption = L("set_by_note")
    return table


def headline(budget: Budget, lang: str = "zh") -> Table:
    """The budget headline in 万元, year by year.

    A Monte Carlo run: total outlays (mean and 90 % range), the fund's returns, its returns
    account, the cumulative unfunded amount and the principal (means), and P(shortfall); the
    caption gives the policy period's total, the committed liabilities and the principal needed.
    A single run is one simulated future: its values only — no percentile rows, no probability,
    no principal needed — and the caption says so and points to --reps. A budget appropriation
    (`[fund] kind = "appropriation"`) shows the yearly appropriation instead of returns, the
    carried balance, no principal, and the yearly appropriation needed (labels' overlay)."""
    b = budget
    L = Labels(lang, b.scenario)
    h = b.headline_numbers()
    table = Table(title=L("terminal.headline_title", title=b.title), title_justify="left")
    table.add_column("")
    for y in b.years:
        table.add_column(year_head(b.policy, y), justify="right")
    fund = b.fund.table().set_index("year")
    ip, cm = h["in_period"], h["committed"]
    span = policy_span(b.policy)
    kept = not b.fund.appropriated          # a budget appropriation has no principal (rows below)
    a = wan(h["appropriation"]["mean"], 0) if h["appropriation"] else ""
    if not b.monte_carlo:
        rows = [(L("outlays"), fund["outlays"]), (L("returns"), fund[b.fund.income]),
                (L("account"), fund["account"]), (L("unfunded"), fund["unfunded"])]
        rows += [(L("drawn"), fund["drawn"])] if b.fund.draw_on_principal else []
        rows += [(L("principal_end"), fund["principal"])] if kept else []
        for label, series in rows:
            table.add_row(label, *[wan(series.loc[y]) for y in b.years])
        table.add_row(L("shortfall"), *[L("yes") if fund.loc[y, "shortfall"] else L("no") for y in b.years],
                      style="bold")
        table.caption = L("terminal.headline_caption_one", span=span, end=b.end_year, ip=wan(ip["mean"], 0),
                          cm=wan(cm["mean"], 0), p=wan(h["principal"]["mean"], 0), r=pct(h["rate"]["mean"], 2),
                          state=fund_state(L, b), note=L("one_future"), a=a)
        return table
    tot = b.rule_stats(TOTAL)
    rows = [(f"{L('outlays')} {L('mean')}", tot["mean"]), (f"{L('outlays')} {L('p5')}", tot["p5"]),
            (f"{L('outlays')} {L('p95')}", tot["p95"]), (f"{L('returns')} {L('mean')}", fund[f"{b.fund.income}_mean"]),
            (f"{L('account')} {L('mean')}", fund["account_mean"]),
            (f"{L('unfunded')} {L('mean')}", fund["unfunded_mean"])]
    rows += [(f"{L('drawn')} {L('mean')}", fund["drawn_mean"])] if b.fund.draw_on_principal else []
    rows += [(f"{L('principal_end')} {L('mean')}", fund["principal_mean"])] if kept else []
    for label, series in rows:
        table.add_row(label, *[wan(series.loc[y]) for y in b.years])
    table.add_row(L("p_shortfall"), *[pct(p) for p in b.fund.shortfall_probability], style="bold")
    table.caption = L("terminal.headline_caption", span=span, end=b.end_year,
                      ip=wan(ip["mean"], 0), lo=wan(ip["p5"], 0), hi=wan(ip["p95"], 0), cm=wan(cm["mean"], 0),
                      clo=wan(cm["p5"], 0), chi=wan(cm["p95"], 0), needed=wan(h["needed_p95"], 0),
                      draw=L("terminal.draw_yes") if b.fund.draw_on_principal else L("terminal.draw_no"),
                      reps=b.replications, a=a)
    return table
