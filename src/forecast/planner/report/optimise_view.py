"""The planner's report of an optimisation folder (`forecast optimise`, planner/optimum_files.py):
what the templates and the workbook show.

The question (target, probability, bounds), the answer or the infeasible verdict, the optimum's
in-sample and out-of-sample figures with their Monte Carlo errors, every candidate the search
evaluated (points.csv, checked for the columns forecast writes) and the frontier chart, then the
method and its limits. An out-of-sample figure that no longer meets the requirement is said
plainly: the in-sample figure was partly luck.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecast.core.errors import InputError
from forecast.planner.report.common import (PlannerLabels, figure, pct, provenance, read_csv, read_json,
                                                     wan)
from forecast.policy.policy import SHARE_METRICS

KEYS = ("scenario", "target", "probability", "within_returns", "vary", "reps", "seed", "max_evals", "evaluated",
        "method", "feasible", "verdict", "optimum", "best_reached", "search_notes")


def load(folder: Path) -> dict:
    """optimise.json and points.csv of the folder (InputError naming a damaged or missing file)."""
    s = read_json(folder / "optimise.json", "optimise")
    lacking = [k for k in KEYS if k not in s]
    if lacking:
        raise InputError(str(folder / "optimise.json"), lacking[0], "missing", "the optimise.json forecast writes")
    keys = [v["key"] for v in s["vary"]]
    within = s["within_returns"] is not None
    required = ("eval", "stage", *keys, "cost_mean", "cost_se", "p_target", "p_target_se", "feasible",
                *(("p_within_returns", "p_within_returns_se") if within else ()))
    points = read_csv(folder / "points.csv", required=required)
    if s["feasible"] != (s["optimum"] is not None) or s["feasible"] != (folder / "optimum.toml").is_file():
        raise InputError(str(folder / "optimise.json"), "feasible", "disagrees with optimum / optimum.toml",
                         "a folder as `forecast optimise` wrote it")
    return {"summary": s, "points": points, "keys": keys, "within": within}


def setting_text(setting: dict) -> str:
    return ", ".join(f"{k}={float(v):g}" for k, v in setting.items())


def _estimate(P: PlannerLabels, label: str, e: dict, within: bool) -> dict:
    row = {"sample": label, "reps": e["replications"], "cost": f"{wan(e['cost_mean_yuan'])} ± {wan(e['cost_se_yuan'])}",
           "p": f"{pct(e['p_target'], 1)} ± {pct(e['p_target_se'], 1)}", "q": ""}
    if within:
        row["q"] = f"{pct(e['p_within_returns'], 1)} ± {pct(e['p_within_returns_se'], 1)}"
    return row


def context(folder: Path, data: dict) -> dict:
    """Everything planner.html renders for an optimisation."""
    s, points, keys, within = data["summary"], data["points"], data["keys"], data["within"]
    P = PlannerLabels()
    t = s["target"]
    goal = f"{t['goal']:.0%}" if t["metric"] in SHARE_METRICS else f"{t['goal']:,.0f}"
    question = P("optimise.question", target=t["id"], text=t["text"], goal=goal, p=pct(s["probability"]),
                 within=P("optimise.within", q=pct(s["within_returns"])) if within else "", reps=s["reps"],
                 seed=s["seed"], max_evals=s["max_evals"], evaluated=s["evaluated"])
    answer, estimates = [], []
    if s["feasible"]:
        o = s["optimum"]
        oos = o["out_of_sample"]
        answer = [P("optimise.found", setting=setting_text(o["setting"])),
                  P("optimise.oos_ok" if oos["meets_requirement"] else "optimise.oos_fail", reps=oos["replications"])]
        estimates = [_estimate(P, P("optimise.in_sample"), o["in_sample"], within),
                     _estimate(P, P("optimise.out_sample"), oos, within)]
    else:
        answer = [P("optimise.infeasible", reps=s["reps"], evaluated=s["evaluated"])]
        reached = s["best_reached"] or {}
        h = reached.get("highest_p_target")
        if h:
            answer.append(P("optimise.reached_target", target=t["id"], p=pct(h["estimate"]["p_target"], 1),
                            se=pct(h["estimate"]["p_target_se"], 1), setting=setting_text(h["setting"])))
        w = reached.get("highest_p_within_returns")
        if w:
            answer.append(P("optimise.reached_within", p=pct(w["estimate"]["p_within_returns"], 1),
                            se=pct(w["estimate"]["p_within_returns_se"], 1), setting=setting_text(w["setting"])))
    return {
        "kind": "optimise", "title": P("optimise.title"), "subtitle": P("optimise.subtitle"),
        "heading": s["scenario"]["title"], "versus": [],
        "meta": P("meta", base=s["scenario"]["name"], reps=s["reps"], seed=s["seed"]),
        "question": question, "cost_def": P("optimise.cost_def"),
        "sets": ", ".join(s.get("sets") or []),
        "bounds": [{"key": v["key"], "low": f"{v['low']:g}", "high": f"{v['high']:g}",
                    "whole": P("optimise.yes") if v.get("whole_numbers") else P("optimise.no")} for v in s["vary"]],
        "feasible": s["feasible"], "answer": answer, "estimates": estimates, "within": within,
        "p_head": P("optimise.p_target", target=t["id"]), "verdict": s["verdict"],
        "keys": keys, "points": [_point(P, r, keys, within) for r in points.to_dict("records")],
        "figures": [figure(folder / "frontier.png", 1, P("optimise.fig_frontier", target=t["id"]), "frontier")],
        "limits": P("optimise.limits", reps=s["reps"]), "notes": list(s.get("search_notes") or []),
        "method_title": P("method_title"), "method": s["method"], "method_cn": "",
        "provenance": provenance(folder, P), "P": P, "footer": P("footer", path=str(folder)),
    }


def _point(P: PlannerLabels, r: dict, keys: list, within: bool) -> dict:
    ok = str(r["feasible"]).lower() == "true"
    return {"eval": int(r["eval"]), "stage": r["stage"], "values": [f"{float(r[k]):g}" for k in keys],
            "cost": f"{wan(r['cost_mean'])} ± {wan(r['cost_se'])}",
            "p": f"{pct(r['p_target'], 1)} ± {pct(r['p_target_se'], 1)}",
            "q": f"{pct(r['p_within_returns'], 1)} ± {pct(r['p_within_returns_se'], 1)}" if within else "",
            "feasible": P("optimise.yes") if ok else P("optimise.no"), "ok": ok}


def write_optimise_workbook(path: Path, data: dict, ctx: dict) -> None:
    """planner.xlsx of an optimisation: the question, the answer, every candidate."""
    from forecast.planner.report.workbook import _Book, _provenance

    P, s, keys = ctx["P"], data["summary"], data["keys"]
    book = _Book(path, P("wan"))
    book.table(P("osheet.question"), [(P("sweep.key"), "text"), (P("sweep.low"), "num"), (P("sweep.high"), "num"),
                                      (P("optimise.whole"), "text")],
               [[v["key"], v["low"], v["high"], b["whole"]] for v, b in zip(s["vary"], ctx["bounds"])]
               + [[ctx["question"], None, None, ""]])
    rows = [[line, None, None, None, None, None, None] for line in ctx["answer"]]
    if s["feasible"]:
        o = s["optimum"]
        for label, e in ((P("optimise.in_sample"), o["in_sample"]), (P("optimise.out_sample"), o["out_of_sample"])):
            rows.append([label, e["replications"], e["cost_mean_yuan"], e["cost_se_yuan"], e["p_target"],
                         e["p_target_se"], e.get("p_within_returns")])
    book.table(P("osheet.answer"), [(P("optimise.sample"), "text"), (P("optimise.replications"), "num"),
                                    (P("optimise.cost"), "wan"), (P("optimise.se"), "wan"), (ctx["p_head"], "pct"),
                                    (P("optimise.se"), "pct"), (P("optimise.p_within"), "pct")], rows)
    pts: pd.DataFrame = data["points"]
    cols = [(P("optimise.eval"), "num"), (P("optimise.stage"), "text"), *[(k, "num") for k in keys],
            (P("optimise.cost"), "wan"), (P("optimise.se"), "wan"), (ctx["p_head"], "pct"), (P("optimise.se"), "pct")]
    if data["within"]:
        cols += [(P("optimise.p_within"), "pct"), (P("optimise.se"), "pct")]
    cols.append((P("optimise.feasible"), "text"))
    book.table(P("osheet.points"), cols,
               [[r["eval"], r["stage"], *[r[k] for k in keys], r["cost_mean"], r["cost_se"], r["p_target"],
                 r["p_target_se"], *([r["p_within_returns"], r["p_within_returns_se"]] if data["within"] else []),
                 p["feasible"]] for r, p in zip(pts.to_dict("records"), ctx["points"])])
    _provenance(book, P, ctx["provenance"])
    book.close()


__all__ = ["load", "context", "write_optimise_workbook"]
