"""The planner's report of a comparison folder (`forecast compare`): what the templates show.

Every figure is read from the folder's exact tables (compare.csv, effectiveness.csv,
deadweight.csv, via `read_comparison`, which refuses a damaged table naming it) and formatted
here; the scenarios' rules (article, text, amounts) come from each runs/NAME/scenario.resolved.toml,
so the report quotes the rules that were actually run. A target set by assumption is shown
with its values and probabilities but never with a difference: its probability restates an
input, and a difference there is not an effect of the reform.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from forecast.core.errors import InputError
from forecast.planner.files import read_comparison
from forecast.display.labels import Labels, pct
from forecast.planner.report.common import (PlannerLabels, figure, missing, provenance, share_or_count,
                                                     signed, wan, yuan)
from forecast.display.wording import amounts_text, goal_text, policy_span, target_label
from forecast.futures.statistics import TOTAL
from forecast.scenario.scenario import load_scenario

CN_NUMBERS = "一二三四五六七八九十"


def load(folder: Path) -> dict:
    """The comparison folder's tables, summary and resolved scenarios (InputError if damaged)."""
    summary, long, effect, dead = read_comparison(folder)
    scenarios = {}
    for about in [summary["base"], *summary["reforms"]]:
        path = folder / "runs" / about["name"] / "scenario.resolved.toml"
        if not path.is_file():
            raise InputError(str(path), "", "missing", "the comparison folder as `forecast compare` wrote it")
        scenarios[about["name"]] = load_scenario(path)
    return {"summary": summary, "long": long, "effect": effect, "dead": dead, "scenarios": scenarios}


def _row(long: pd.DataFrame, reform: str, item: str, measure: str, period: str) -> pd.Series:
    part = long[(long["reform"] == reform) & (long["item"] == item) & (long["measure"] == measure)
                & (long["period"].astype(str) == period)]
    if part.empty:
        raise InputError("compare.csv", "", f"no row for {reform} {item} {measure} {period}",
                         "the rows `forecast compare` writes")
    return part.iloc[0]


def context(folder: Path, data: dict) -> dict:
    """Everything planner.html renders for a comparison."""
    s = data["summary"]
    base = data["scenarios"][s["base"]["name"]]
    P, L = PlannerLabels(base), Labels("zh", base)
    span = policy_span(base.policy)
    reforms = [_reform(P, L, data, about, i + 2, span) for i, about in enumerate(s["reforms"])]
    n_after = len(reforms) + 2
    figures = [figure(folder / "delta_by_article.png", 1, P("compare.fig_articles"), "delta_by_article"),
               figure(folder / "cost_effect.png", 2, P("compare.fig_cost_effect"), "cost_effect")]
    return {
        "kind": "compare", "title": P("compare.title"), "subtitle": P("compare.subtitle"),
        "heading": base.title,
        "versus": [P("compare.versus", base=s["base"]["title"], reform=a["title"]) for a in s["reforms"]],
        "meta": P("meta", base=s["base"]["name"], reps=s["reps"], seed=s["seed"]),
        "h_how": P("compare.h_how"),
        "how": [P("compare.how", base=s["base"]["title"], k=len(s["reforms"]), reps=s["reps"], seed=s["seed"]),
                P("compare.se_explained", reps=s["reps"])] + [r["reduction"] for r in reforms],
        "reforms": reforms, "figures": figures,
        "h_figures": f"{CN_NUMBERS[n_after - 1]}、{L('report.figure')}",
        "h_method": P("compare.h_method", n=CN_NUMBERS[n_after]),
        "method_cn": P("compare.method_cn"), "method_title": P("method_title"), "method": s.get("method", ""),
        "provenance": provenance(folder, P), "P": P, "footer": P("footer", path=str(folder)),
    }


def _reform(P: PlannerLabels, L: Labels, data: dict, about: dict, n: int, span: str) -> dict:
    name, long = about["name"], data["long"]
    base = data["scenarios"][data["summary"]["base"]["name"]]
    reform = data["scenarios"][name]
    pol = _row(long, name, TOTAL, "outlay", "policy")
    return {
        "name": name, "title": about["title"],
        "heading": P("compare.h_reform", n=CN_NUMBERS[n - 1], reform=about["title"]),
        "cards": [_card(P, P("compare.c_policy", span=span), pol),
                  _card(P, P("compare.c_cost"), _row(long, name, TOTAL, "outlay", "cost")),
                  _card(P, P("compare.c_later"), _row(long, name, TOTAL, "outlay", "committed")),
                  _dead_card(P, data["dead"], name)],
        "deadweight": deadweight_sentence(P, data["dead"], name),
        "reduction": _reduction(P, about["title"], pol),
        "targets": _targets(P, L, long, name, base, forecast=True),
        "set_by": _targets(P, L, long, name, base, forecast=False),
        "effect": _effect(P, L, data["effect"], name, base),
        "articles": _articles(L, long, name, base, reform),
        "articles_intro": P("compare.articles_intro", span=span),
    }


def _card(P: PlannerLabels, key: str, r: pd.Series) -> dict:
    return {"key": key, "value": signed(r["delta_mean"]), "unit": P("wan"),
            "sub": P("compare.c_sub", lo=signed(r["delta_p5"]), hi=signed(r["delta_p95"]), se=wan(r["delta_se"], 2)),
            "sub2": P("compare.c_levels", b=wan(r["base_mean"]), r=wan(r["reform_mean"]))}


def _dead(dead: pd.DataFrame, name: str) -> pd.Series:
    part = dead[dead["reform"] == name]
    if part.empty:
        raise InputError("deadweight.csv", "", f"no row for {name}", "one row per reform")
    return part.iloc[0]


def _dead_card(P: PlannerLabels, dead: pd.DataFrame, name: str) -> dict:
    d = _dead(dead, name)
    if missing(d["deadweight_share"]):
        return {"key": P("compare.c_deadweight"), "value": P("compare.c_dw_none"), "unit": "",
                "sub": P.note(d["note"]), "sub2": ""}
    sub = (P("compare.c_dw_sub", lo=pct(d["deadweight_share_p5"]), hi=pct(d["deadweight_share_p95"]))
           if not missing(d["deadweight_share_p5"]) else P.note(d["note"]))
    return {"key": P("compare.c_deadweight"), "value": pct(d["deadweight_share"]), "unit": "", "sub": sub, "sub2": ""}


def deadweight_sentence(P: PlannerLabels, dead: pd.DataFrame, name: str) -> str:
    """The one-sentence reading of the deadweight share."""
    d = _dead(dead, name)
    if missing(d["deadweight_share"]):
        return P("compare.deadweight_none", why=P.note(d["note"]))
    common = {"extra": wan(d["extra_outlay_mean"]), "share": pct(d["deadweight_share"]),
              "dw": wan(d["deadweight_mean"]), "rest": wan(d["extra_events_mean"])}
    if missing(d["deadweight_share_p5"]):
        return P("compare.deadweight_sentence_unbounded", **common, why=P.note(d["note"]))
    return P("compare.deadweight_sentence", **common, lo=pct(d["deadweight_share_p5"]),
             hi=pct(d["deadweight_share_p95"]))


def _reduction(P: PlannerLabels, title: str, pol: pd.Series) -> str:
    paired, ind = float(pol["delta_se"]), float(pol["independent_se"])
    if not ind > 0:
        return P("compare.reduction_none", reform=title)
    ratio = paired / ind
    times = "∞" if ratio == 0 else f"{1 / ratio ** 2:,.0f}"
    return P("compare.reduction", reform=title, paired=wan(paired, 2), independent=wan(ind, 2), ratio=pct(ratio),
             var=pct(ratio ** 2, 1), times=times)


def _targets(P: PlannerLabels, L: Labels, long: pd.DataFrame, name: str, base, forecast: bool) -> list[dict]:
    rows = []
    for t in base.targets:
        if bool(t.set_by) == forecast:
            continue
        v, p = _row(long, name, t.id, "value", "target"), _row(long, name, t.id, "p_met", "target")
        row = {"id": t.id, "what": target_label(L, t), "goal": goal_text(t),
               "base": share_or_count(v["base_mean"], t.share), "reform": share_or_count(v["reform_mean"], t.share),
               "p_base": pct(p["base_mean"]), "p_reform": pct(p["reform_mean"])}
        if forecast:
            fmt = ((lambda x: P("pp2", v=float(x) * 100)) if t.share else (lambda x: f"{float(x):+,.1f}"))
            row.update({"delta": fmt(v["delta_mean"]), "band": P("to", lo=fmt(v["delta_p5"]), hi=fmt(v["delta_p95"])),
                        "se": fmt(v["delta_se"]).lstrip("+"), "dp": P("pp", v=float(p["delta_mean"]) * 100),
                        "dp_se": f"{float(p['delta_se']):.0%}"})
        else:
            row["label"] = P("set_by_label", params=L.join(t.set_by))
            row["cell"] = P("set_by_cell")
        rows.append(row)
    return rows


def _effect(P: PlannerLabels, L: Labels, effect: pd.DataFrame, name: str, base) -> list[dict]:
    targets = {t.id: t for t in base.targets}
    rows = []
    for r in effect[effect["reform"] == name].to_dict("records"):
        t = targets.get(r["target"])
        if t is None:
            raise InputError("effectiveness.csv", "target", f"{r['target']} is not a target of the base scenario",
                             ", ".join(targets))
        unit = P("per_share") if r["effect_unit"] == "+0.1 pp" else P("per_person")
        band = ("—" if missing(r["yuan_per_unit_p5"]) else f"{yuan(r['yuan_per_unit_p5'])}–{yuan(r['yuan_per_unit_p95'])}")
        se = "" if missing(r["delta_effect_se"]) else f" ± {float(r['delta_effect_se']):,.2f}"
        rows.append({"id": t.id, "what": target_label(L, t), "unit": unit, "cost": signed(r["delta_cost_mean"]),
                     "effect": f"{float(r['delta_effect_mean']):+,.2f}{se}",
                     "ratio": "—" if missing(r["yuan_per_unit"]) else f"{yuan(r['yuan_per_unit'])} {unit}",
                     "band": band, "note": P.note(r["note"])})
    return rows


def _articles(L: Labels, long: pd.DataFrame, name: str, base, reform) -> list[dict]:
    """Each rule's policy-period outlay, base against reform, in article order, and the total."""
    part = long[(long["reform"] == name) & (long["measure"] == "outlay") & (long["period"].astype(str) == "policy")]
    by_id = {r["item"]: r for r in part.to_dict("records")}
    order = [r.id for r in base.policy.rules] + [r.id for r in reform.policy.rules
                                                 if r.id not in base.policy.rule_ids()]
    rows = []
    for rid in [i for i in order if i in by_id]:
        r = by_id[rid]
        in_base = rid in base.policy.rule_ids()
        in_reform = rid in reform.policy.rule_ids()
        rule = reform.policy.rule(rid) if in_reform else base.policy.rule(rid)
        rows.append({"id": rid, "article": L.article(rule.article), "text": rule.text,
                     "amounts_base": amounts_text(L, base.policy.rule(rid)) if in_base else "—",
                     "amounts_reform": amounts_text(L, reform.policy.rule(rid)) if in_reform else "—",
                     **_money(r), "total_row": False})
    if TOTAL in by_id:
        rows.append({"id": L("total"), "article": "", "text": "", "amounts_base": "", "amounts_reform": "",
                     **_money(by_id[TOTAL]), "total_row": True})
    return rows


def _money(r: dict) -> dict:
    return {"base": wan(r["base_mean"]), "reform": wan(r["reform_mean"]), "delta": signed(r["delta_mean"]),
            "band": f"{signed(r['delta_p5'])} … {signed(r['delta_p95'])}", "se": wan(r["delta_se"], 2),
            "moved": not (math.isclose(r["delta_mean"], 0) and math.isclose(r["delta_p5"], 0)
                          and math.isclose(r["delta_p95"], 0))}
