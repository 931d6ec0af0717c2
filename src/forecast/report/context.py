"""What the report's templates show: the budget view turned into texts and table rows.

Every figure is formatted here (万元, percentages), every word comes from the catalogue
(`labels.py`); the templates only lay the rows out, so they hold no arithmetic and no text of
their own. The charts are embedded as base64 SVG data URIs: the page needs no other file.

A single run (`mc` false) is one simulated future: no range, no percentile row, no probability
and no principal needed anywhere — its values, its targets met or not, its fund account — and
the page says so under the headline (`one_future`) and points to --reps.
"""
from __future__ import annotations

import base64
from pathlib import Path

import numpy as np

from forecast.display import fonts
from forecast.results.budget import Budget
from forecast.display.labels import Labels, num, pct, wan
from forecast.display.wording import (amounts_text, article_label, articles, fund_state, goal_text, owed_after_text,
                                      policy_span, reached_text, rule_label, rule_what, target_label, value_text,
                                      year_head)
from forecast.reforecast.view import report_context as execution_context
from forecast.sensitivity.view import report_context
from forecast.futures.statistics import TOTAL

#: the report's sections in order: (id, heading key, starts a new printed page)
SECTIONS = (("headline", "report.h_headline", False), ("execution", "execution.heading", True), ("articles", "report.h_articles", True),
            ("liabilities", "report.h_liabilities", False), ("targets", "report.h_targets", True),
            ("fund", "report.h_fund", False), ("ladder", "report.h_ladder", False),
            ("sensitivity", "sensitivity.heading", True), ("assumptions", "report.h_assumptions", False))
#: chart → figure number in the page
FIGURES = {"fan": 1, "articles": 2, "targets": 3, "fund": 4, "ladder": 5}


def context(b: Budget, charts: dict, lang: str, source: str, css: str) -> dict:
    """Everything report.html renders, for the budget `b` in `lang`."""
    L = Labels(lang, b.scenario)
    h = b.headline_numbers()
    span = policy_span(b.policy)
    later = f"{b.later_years[0]}–{b.later_years[-1]}" if b.later_years else "–"
    top = L.join(rule_label(L, b.policy, r) for r in b.top_committed()) or "–"
    mc = b.monte_carlo
    reps = L("reps_mc", n=b.replications) if mc else L("reps_one")
    one = "" if mc else "_one"
    return {
        "L": L, "mc": mc, "one_future": "" if mc else L("one_future"),
        "html_lang": L("html_lang"), "title": b.title, "css": css, "font_stack": fonts.CSS_STACK,
        "meta": L("report.meta", name=b.name, reps=reps, vf=b.policy.valid_from, vt=b.policy.valid_to),
        "sections": [{"id": s, "heading": L(key, end=b.end_year), "newpage": new} for s, key, new in SECTIONS
                     if (s != "sensitivity" or b.drivers is not None) and (s != "execution" or b.execution is not None)
                     and (s != "targets" or b.scenario.targets)],
        "drivers": None if b.drivers is None else report_context(b.drivers, L),
        "execution": None if b.execution is None else execution_context(b.execution, L, charts["execution"]),
        "figures": {name: _figure(charts[name], FIGURES[name]) for name in FIGURES if name in charts},
        "cards": _cards(b, L, h, span, later),
        "lead": _lead(b, L, h, span, top),
        "years": [{"label": year_head(b.policy, y), "later": y in b.later_years} for y in b.years],
        "yearly": _yearly(b, L),
        "committed_mark": L("committed_mark", end=b.end_year),
        "articles": _articles(b, L),
        "articles_intro": L(f"report.articles_intro{one}"),
        "liab_intro": L(f"report.liab_intro{one}", vt=b.policy.valid_to, later=later, last=b.years[-1], top=top),
        "simulated": L(f"report.simulated{one}"),
        "ladder_intro": L(f"report.ladder_intro{one}"),
        "liabilities": _liabilities(b, L),
        "owed_after": owed_after_text(L, h["owed_after"], b.years[-1], b.monte_carlo),
        "later_years": b.later_years,
        "targets": _targets(b, L),
        "fund_intro": L("report.fund_intro") + L("fund_formula")
                      + (L("draw_yes") if b.fund.draw_on_principal else L("draw_no")) + L("fund_rest")
                      + (L("fund_needed") if mc else ""),
        "fund": _fund(b, L), "appropriated": b.fund.appropriated,
        "rules": _rules(b, L),
        "parameters": _parameters(b, L),
        "footer": L("report.footer", path=source),
    }


def _figure(chart: dict, n: int) -> dict:
    data = base64.b64encode(Path(chart["svg"]).read_bytes()).decode("ascii")
    return {"n": n, "title": chart["title"], "src": f"data:image/svg+xml;base64,{data}"}


def _cards(b: Budget, L: Labels, h: dict, span: str, later: str) -> list[dict]:
    ip, cm, ret = h["in_period"], h["committed"], h["returns_in_period"]
    principal = wan(h["principal"]["mean"], 0)
    a = wan(h["appropriation"]["mean"], 0) if h["appropriation"] else ""    # a budget appropriation's
    unit = L("wan")
    if not b.monte_carlo:
        return _cards_one(b, L, h, span, later)
    by_year = h["p_shortfall_by_year"]
    worst = max(by_year, key=by_year.get)
    return [
        {"key": L("report.c_in_period", span=span), "value": wan(ip["mean"], 0), "unit": unit,
         "sub": L("report.c_in_period_sub", lo=wan(ip["p5"], 0), hi=wan(ip["p95"], 0),
                  avg=wan(h["per_year_policy"]["mean"], 0))},
        {"key": L("report.c_committed", end=b.end_year), "value": wan(cm["mean"], 0), "unit": unit,
         "sub": L("report.c_committed_sub", later=later, lo=wan(cm["p5"], 0), hi=wan(cm["p95"], 0))},
        {"key": L("report.c_returns"), "value": wan(ret["mean"], 0), "unit": unit,
         "sub": L("report.c_returns_sub", p=principal, r=pct(h["rate"]["mean"], 2), a=a, n=len(b.policy_years))},
        {"key": L("report.c_shortfall"), "value": pct(h["p_shortfall_any"]), "unit": "",
         "sub": L("report.c_shortfall_sub", year=worst, p=pct(by_year[worst]))},
        {"key": L("needed"), "value": wan(h["needed_p95"], 0), "unit": unit,
         "sub": L("report.c_needed_sub", span=span, p=principal, a=a)},
        {"key": L("report.c_targets"), "value": f"{h['targets_likely']} / {h['targets']}" if h["targets"] else "–", "unit": "",
         "sub": L("report.c_targets_sub")},
    ]


def _cards_one(b: Budget, L: Labels, h: dict, span: str, later: str) -> list[dict]:
    """One future's headline figures: its values, its account, its targets met; no range."""
    ip, cm, ret = h["in_period"], h["committed"], h["returns_in_period"]
    unit = L("wan")
    end = b.end_year if b.end_year in b.years else b.years[-1]
    account = float(b.fund.paths.account[0, b.years.index(end)])
    return [
        {"key": L("report.c_in_period", span=span), "value": wan(ip["mean"], 0), "unit": unit,
         "sub": L("report.c_in_period_one_sub", avg=wan(h["per_year_policy"]["mean"], 0))},
        {"key": L("report.c_committed", end=b.end_year), "value": wan(cm["mean"], 0), "unit": unit,
         "sub": L("report.c_committed_one_sub", later=later)},
        {"key": L("report.c_returns"), "value": wan(ret["mean"], 0), "unit": unit,
         "sub": L("report.c_returns_one_sub", p=wan(h["principal"]["mean"], 0), r=pct(h["rate"]["mean"], 2),
                  a=wan(h["appropriation"]["mean"], 0) if h["appropriation"] else "", n=len(b.policy_years))},
        {"key": L("report.c_account", year=end), "value": wan(account, 0), "unit": unit, "sub": fund_state(L, b)},
        {"key": L("report.c_targets"), "value": f"{h['targets_met']} / {h['targets']}" if h["targets"] else "–", "unit": "",
         "sub": L("report.c_targets_one_sub")},
    ]


def _lead(b: Budget, L: Labels, h: dict, span: str, top: str) -> str:
    n_policy = max(len(b.policy_years), 1)
    common = {"span": span, "avg": wan(h["per_year_policy"]["mean"], 0),
              "ret": wan(h["returns_in_period"]["mean"] / n_policy, 0), "committed": wan(h["committed"]["mean"], 0),
              "top": top}
    if not b.monte_carlo:
        return L("report.lead_one", **common, state=fund_state(L, b))
    return L("report.lead", **common, p=pct(h["p_shortfall_any"]), needed=wan(h["needed_p95"], 0))


def _cells(b: Budget, values, fmt=wan) -> list[dict]:
    return [{"text": fmt(float(v)), "later": y in b.later_years} for y, v in zip(b.years, values)]


def _yearly(b: Budget, L: Labels) -> list[dict]:
    """The headline's yearly rows; a budget appropriation has its appropriation for returns and no principal."""
    fund = b.fund.table().set_index("year").loc[b.years]
    kept = not b.fund.appropriated
    if not b.monte_carlo:
        rows = [(L("outlays"), fund["outlays"]), (L("returns"), fund[b.fund.income]), (L("account"), fund["account"]),
                (L("unfunded"), fund["unfunded"])] + ([(L("principal_end"), fund["principal"])] if kept else [])
        out = [{"label": label, "cells": _cells(b, series)} for label, series in rows]
        yes_no = [{"text": L("yes") if v else L("no"), "later": y in b.later_years}
                  for y, v in zip(b.years, fund["shortfall"])]
        return out + [{"label": L("shortfall"), "cells": yes_no}]
    tot = b.rule_stats(TOTAL)
    rows = [(f"{L('outlays')} {L('mean')}", tot["mean"], wan), (f"{L('outlays')} {L('p5')}", tot["p5"], wan),
            (f"{L('outlays')} {L('p95')}", tot["p95"], wan),
            (f"{L('returns')} {L('mean')}", fund[f"{b.fund.income}_mean"], wan),
            (f"{L('account')} {L('mean')}", fund["account_mean"], wan),
            (f"{L('unfunded')} {L('mean')}", fund["unfunded_mean"], wan),
            (L("p_shortfall"), fund["p_shortfall"], pct)]
    rows += [(f"{L('principal_end')} {L('mean')}", fund["principal_mean"], wan)] if kept else []
    return [{"label": label, "cells": _cells(b, series.loc[b.years], fmt)} for label, series, fmt in rows]


def _articles(b: Budget, L: Labels) -> list[dict]:
    """Per article: each cash rule's mean outlays by year, its total and (Monte Carlo) the
    total's 90 % range over replications; a total row where the article has more than one rule."""
    out = []
    for article, rules in articles(b.policy, b.cash):
        rows = []
        for ids in [[r] for r in rules] + ([rules] if len(rules) > 1 else []):
            vals = b.outlays.loc[b.years, ids].sum(axis=1)
            lo, hi = np.percentile(b.period_totals(ids)["all"], [5, 95])
            rule = b.policy.rule(ids[0]) if len(ids) == 1 else None
            rows.append({"id": rule.id if rule else L("total"), "what": rule_what(L, rule) if rule else "",
                         "amounts": amounts_text(L, rule) if rule else "", "total_row": rule is None,
                         "cells": _cells(b, vals), "total": wan(vals.sum()),
                         "range": f"{wan(lo)}–{wan(hi)}" if b.monte_carlo else ""})
        out.append({"article": article, "label": article_label(L, b.policy, article), "rows": rows})
    return out


def _liabilities(b: Budget, L: Labels) -> list[dict]:
    """Per rule paying after the policy (and the total): mean and (Monte Carlo) 90 % range by
    later year and over all later years."""
    liab = b.liabilities()
    out = []
    for rule, part in liab.groupby("rule", sort=False):
        part = part.set_index("year")
        total = rule == TOTAL

        def cell(y):
            return {"mean": wan(part.loc[y, "mean"]),
                    "range": f"{wan(part.loc[y, 'p5'])}–{wan(part.loc[y, 'p95'])}" if b.monte_carlo else ""}

        out.append({"id": "" if total else rule, "what": L("total") if total else rule_what(L, b.policy.rule(rule)),
                    "total_row": total, "cells": [cell(y) for y in b.later_years], "all": cell("all")})
    return out


def _targets(b: Budget, L: Labels) -> list[dict]:
    rows = b.targets.set_index("target")
    out = []
    for t in b.scenario.targets:
        row = rows.loc[t.id]
        if not b.monte_carlo:
            v = float(row["value_mean"])
            out.append({"id": t.id, "what": target_label(L, t), "goal": goal_text(t), "value": value_text(t, v),
                        "met": L("yes") if t.met(v) else L("no"), "reached": reached_text(L, t), "source": t.source,
                        "drivers": _drivers(b, L, t)})
            continue
        se, p = float(row["mc_se"]), float(row["probability"])
        out.append({"id": t.id, "what": target_label(L, t), "goal": goal_text(t),
                    "bar": f"{max(p, 0) * 30:.1f}", "probability": pct(p),
                    "se": f" ± {1.96 * se:.0%}" if se > 0 else "",
                    "value": f"{value_text(t, row['value_mean'])} ({value_text(t, row['value_p5'])}–"
                             f"{value_text(t, row['value_p95'])})", "reached": reached_text(L, t), "source": t.source,
                    "drivers": _drivers(b, L, t)})
    return out


def _drivers(b: Budget, L: Labels, t) -> str:
    """A target's leading drivers when a sensitivity analysis is present ('' otherwise; a target
    set by assumption is driven by the parameters it names)."""
    if b.drivers is None:
        return ""
    return L.join(t.set_by) if t.set_by else b.drivers.text(t.id, L)


def _fund(b: Budget, L: Labels) -> list[dict]:
    """The account year by year: one future's values (and whether the year falls short), or
    the means with 90 % ranges and P(shortfall) over replications."""
    out = []
    keys = ("outlays", "returns", "account", "unfunded", "drawn", "principal")
    if b.fund.appropriated:          # a budget appropriation: its appropriation under "returns", no principal
        keys = ("outlays", "appropriation", "account", "unfunded")
    for r in b.fund.table().to_dict("records"):
        row = {"year": year_head(b.policy, int(r["year"])), "later": int(r["year"]) in b.later_years}
        if not b.monte_carlo:
            row.update({k: wan(r[k], 0 if k == "principal" else 1) for k in keys})
            row["shortfall"] = L("yes") if r["shortfall"] else L("no")
        else:
            for k in keys:
                digits = 0 if k == "principal" else 1
                row[k] = wan(r[f"{k}_mean"], digits)
                row[f"{k}_range"] = f"{wan(r[f'{k}_p5'], digits)}–{wan(r[f'{k}_p95'], digits)}"
            row["p_shortfall"] = pct(r["p_shortfall"])
        if b.fund.appropriated:
            row["returns"] = row.pop("appropriation")
            if "appropriation_range" in row:
                row["returns_range"] = row.pop("appropriation_range")
        out.append(row)
    return out


def _rules(b: Budget, L: Labels) -> list[dict]:
    return [{"id": r.id, "article": r.article, "text": r.text, "reading": r.reading, "amounts": amounts_text(L, r),
             "after": L("yes") if r.after_policy else L("no"), "source": r.source} for r in b.policy.rules]


def _parameters(b: Budget, L: Labels) -> list[dict]:
    """The assumptions register: a parameter's value is the mean of its drawn values and their
    5–95 % range where they vary; a table by level shows its specification only."""
    out = []
    for r in b.assumptions.itertuples(index=False):
        if np.isnan(r.mean):
            used = ""
        elif r.p5 == r.p95:
            used = num(r.mean)
        else:
            used = f"{num(r.mean)} ({num(r.p5)}–{num(r.p95)})"
        out.append({"parameter": r.parameter, "kind": L(r.kind), "spec": r.specification, "used": used,
                    "rules": r.rules, "source": r.source})
    return out
