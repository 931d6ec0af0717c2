"""Terminal tables of a comparison and a sweep (rich), amounts in 万元: what a planner reads
before opening the folder."""
from __future__ import annotations

import math

import pandas as pd
from rich.table import Table

from forecast.futures.statistics import TOTAL

WAN = 10_000.0


def _money(v: float) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v / WAN:,.1f}"


def _signed(v: float, share: bool = False, prob: bool = False) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    if prob:
        return f"{v * 100:+.0f} pp"
    if share:
        return f"{v * 100:+.2f} pp"
    return f"{v / WAN:+,.1f}"


def _value(v: float, unit: str) -> str:
    if not math.isfinite(v):
        return "–"
    if unit == "yuan":
        return _money(v)
    if unit == "probability":
        return f"{v:.0%}"
    if unit == "share":
        return f"{v:.2%}"
    return f"{v:,.0f}"


def comparison_table(long: pd.DataFrame, reform: str, scenario, reps: int) -> Table:
    """One reform against the base: the totals, the rules that move, each target's value and
    P(met), with the paired difference's band and both standard errors."""
    part = long[long["reform"] == reform]
    t = Table(title=f"{reform} − {scenario.name}: {reps} paired replications (common random numbers)",
              title_justify="left")
    for col, just in (("figure", "left"), ("base", "right"), ("reform", "right"), ("difference", "right"),
                      ("90 % of futures", "right"), ("paired SE", "right"), ("independent SE", "right")):
        t.add_column(col, justify=just)

    def add(label, r, unit):
        share, prob = unit == "share", unit == "probability"
        if unit == "yuan":
            band = f"{_signed(r.delta_p5)} … {_signed(r.delta_p95)}"
            se, ind = _money(r.delta_se), _money(r.independent_se)
        else:
            band = f"{_signed(r.delta_p5, share, prob)} … {_signed(r.delta_p95, share, prob)}" if not prob else ""
            fmt = (lambda v: "–" if not math.isfinite(v) else f"{v * 100:.2f} pp") if (share or prob) else \
                (lambda v: "–" if not math.isfinite(v) else f"{v:,.1f}")
            se, ind = fmt(r.delta_se), fmt(r.independent_se)
        delta = _signed(r.delta_mean, share, prob) if unit != "count" else f"{r.delta_mean:+,.1f}"
        if unit == "count":
            band = f"{r.delta_p5:+,.0f} … {r.delta_p95:+,.0f}"
        t.add_row(label, _value(r.base_mean, unit), _value(r.reform_mean, unit), delta, band, se, ind)

    out = part[part["measure"] == "outlay"]
    span = f"{scenario.policy.valid_from.year}–{scenario.policy.valid_to.year}"
    for period, label in (("policy", f"outlay {span} (万元)"), ("committed", "paid in later years (万元)"),
                          ("cost", "cost incl. owed after the horizon (万元)")):
        add(label, out[(out["item"] == TOTAL) & (out["period"] == period)].iloc[0], "yuan")
    rules = out[(out["period"] == "policy") & (out["item"] != TOTAL) & (out["delta_mean"] != 0)]
    for r in rules.itertuples():
        add(f"  {r.item} {span} (万元)", r, "yuan")
    for tg in scenario.targets:
        v = part[(part["item"] == tg.id) & (part["measure"] == "value")].iloc[0]
        p = part[(part["item"] == tg.id) & (part["measure"] == "p_met")].iloc[0]
        note = " (set by assumption)" if tg.set_by else ""
        add(f"{tg.id} value{note}", v, "share" if tg.share else "count")
        add(f"{tg.id} P(met)", p, "probability")
    return t


def effect_lines(effect: pd.DataFrame, dead: pd.DataFrame, reform: str) -> list[str]:
    """Cost-effectiveness and deadweight as sentences."""
    lines = []
    d = dead[dead["reform"] == reform].iloc[0]
    if math.isfinite(d["deadweight_share"]):
        lines.append(f"Deadweight: {d['deadweight_share']:.0%} of the extra outlay ({_money(d['extra_outlay_mean'])} 万元) "
                     f"pays for events that also happen without the reform (90 %: {d['deadweight_share_p5']:.0%}–"
                     f"{d['deadweight_share_p95']:.0%})" if math.isfinite(d["deadweight_share_p5"]) else
                     f"Deadweight: {d['deadweight_share']:.0%} of the extra outlay; {d['note']}")
    else:
        lines.append(f"Deadweight: {d['note']}")
    for r in effect[effect["reform"] == reform].itertuples():
        unit = "per +0.1 pp" if r.effect_unit == "+0.1 pp" else "per extra person"
        if math.isfinite(r.yuan_per_unit):
            band = (f" (90 %: {r.yuan_per_unit_p5:,.0f}–{r.yuan_per_unit_p95:,.0f})"
                    if math.isfinite(r.yuan_per_unit_p5) else f" ({r.note})")
            lines.append(f"{r.target}: {r.yuan_per_unit:,.0f} yuan {unit}{band}")
        else:
            lines.append(f"{r.target}: {r.note}")
    return lines
