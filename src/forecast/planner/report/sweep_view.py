"""The planner's report of a sweep folder (`forecast sweep`): what the templates show.

The grid comes from sweep.json, every figure from sweep.csv (one row per point) and
compare.csv (the base's own outlay and probabilities), each checked for the columns forecast
writes. The targets' names come from the swept scenario file only when it still is the
scenario that was swept (its hash equals provenance.json's): otherwise the page says so and
shows the targets by their ids. Targets set by assumption are not shown as results of a
setting: their probability restates an input.

The cheapest point for a probability level is the point of least mean policy-period outlay
among those whose estimated P(met) reaches the level; with its Monte Carlo error beside it,
because a point that reaches 80 % on 20 replications may not on 2,000.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from forecast.core.errors import InputError
from forecast.planner.files import FILES
from forecast.display.labels import Labels
from forecast.planner.report.common import (PlannerLabels, figure, pct, provenance, read_csv,
                                                     read_json, signed, wan, yuan)
from forecast.display.wording import target_label
from forecast.futures.provenance import scenario_hash
from forecast.futures.statistics import TOTAL
from forecast.scenario.scenario import load_scenario

#: the probability levels a planner asks the cheapest point for
LEVELS = (0.5, 0.8, 0.9)
POINT_COLUMNS = ("point", "outlay_mean", "outlay_p5", "outlay_p95", "delta_outlay_mean", "delta_outlay_se",
                 "delta_cost_mean", "deadweight_share")


def load(folder: Path) -> dict:
    """The sweep folder's summary and tables (InputError naming a damaged or missing file)."""
    summary = read_json(folder / "sweep.json", "sweep")
    for key in ("base", "vary", "targets", "seed", "reps", "points"):
        if key not in summary:
            raise InputError(str(folder / "sweep.json"), key, "missing", "the sweep.json `forecast sweep` writes")
    keys = [v["key"] for v in summary["vary"]]
    forecast_ids = [t["id"] for t in summary["targets"] if not t["set_by"]]
    required = (*POINT_COLUMNS, *keys, *[f"p_met:{t['id']}" for t in summary["targets"]],
                *[f"{c}:{tid}" for tid in forecast_ids for c in ("p_met_se", "value", "yuan_per_unit")])
    table = read_csv(folder / "sweep.csv", required=required)
    if len(table) != summary["points"]:
        raise InputError(str(folder / "sweep.csv"), "", f"{len(table)} points, sweep.json says {summary['points']}",
                         "one row per grid point")
    tables = {name: read_csv(folder / name, columns=cols) for name, cols in FILES.items()}
    return {"summary": summary, "table": table, "keys": keys, "forecast": forecast_ids, **tables,
            "scenario": _scenario(folder, summary)}


def _scenario(folder: Path, summary: dict):
    """The swept base scenario if its file still holds what was swept; else (None, why)."""
    path = Path(summary["base"]["file"])
    if not path.is_file():
        return None, "absent"
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8")) \
        if (folder / "provenance.json").is_file() else {}
    scenario = load_scenario(path, tuple(summary["base"].get("set", [])))
    if scenario_hash(scenario) != (prov.get("scenario") or {}).get("sha256"):
        return None, "changed"
    return scenario, ""


def context(folder: Path, data: dict) -> dict:
    """Everything planner.html renders for a sweep."""
    s, table, keys = data["summary"], data["table"], data["keys"]
    scenario, why = data["scenario"]
    P = PlannerLabels(scenario)
    L = Labels("zh", scenario)
    names = {t.id: f"{t.id} {target_label(L, t)}" for t in scenario.targets} if scenario else {}

    def name(tid: str) -> str:
        """A target's id and, when the scenario is verified, its name."""
        return names.get(tid, tid)

    units = _units(P, data["effectiveness.csv"])
    figures = [figure(folder / "frontier.png", 1, P("sweep.frontier_caption"), "frontier")]
    if len(keys) == 2:
        figures.append(figure(folder / "heatmap_outlay.png", 2, P("sweep.heat_outlay"), "heatmap_outlay"))
        figures += [figure(folder / f"heatmap_{tid}.png", 3 + i, P("sweep.heat_target", target=name(tid)),
                           f"heatmap_{tid}") for i, tid in enumerate(data["forecast"])]
    set_by = [t["id"] for t in s["targets"] if t["set_by"]]
    return {
        "kind": "sweep", "title": P("sweep.title"), "subtitle": P("sweep.subtitle"), "heading": s["base"]["title"],
        "versus": [], "meta": P("meta", base=s["base"]["name"], reps=s["reps"], seed=s["seed"]),
        "names_note": "" if scenario else P("sweep.names_missing", file=s["base"]["file"], why=P(f"sweep.names_{why}")),
        "grid_intro": P("sweep.grid_intro", reps=s["reps"], seed=s["seed"], points=s["points"]),
        "base_set": P("sweep.base_set", sets=", ".join(s["base"]["set"])) if s["base"].get("set") else "",
        "grid": [{"key": v["key"], "low": f"{v['low']:g}", "high": f"{v['high']:g}", "steps": v["steps"],
                  "values": ", ".join(f"{x:g}" for x in sorted(table[v["key"]].unique()))} for v in s["vary"]],
        "keys": keys, "targets": [{"id": tid, "name": name(tid), "unit": units[tid]} for tid in data["forecast"]],
        "base_row": _base_row(data), "points": [_point(r, keys, data["forecast"]) for r in table.to_dict("records")],
        "set_by_note": P("sweep.set_by_intro", ids=L.join(set_by)) if set_by else "",
        "figures": figures, "cheapest": cheapest_rows(P, table, keys, data["forecast"], name),
        "cheapest_intro": P("sweep.cheapest_intro", reps=s["reps"]),
        "method_title": P("method_title"), "method": s.get("method", ""), "method_cn": P("compare.method_cn"),
        "provenance": provenance(folder, P), "P": P, "footer": P("footer", path=str(folder)),
    }


def _units(P: PlannerLabels, effect: pd.DataFrame) -> dict:
    """Each forecast target's cost unit (元/人 or 元/0.1个百分点), as effectiveness.csv states it."""
    return {t: P("per_share") if u == "+0.1 pp" else P("per_person")
            for t, u in effect.drop_duplicates("target")[["target", "effect_unit"]].itertuples(index=False)}


def point_label(r: dict, keys: list) -> str:
    """A point's setting, "rules.HS-A8a.amount=4000"."""
    return ", ".join(f"{k}={float(r[k]):g}" for k in keys)


def _point(r: dict, keys: list, targets: list) -> dict:
    return {"point": r["point"], "values": [f"{float(r[k]):g}" for k in keys], "outlay": wan(r["outlay_mean"]),
            "band": f"{wan(r['outlay_p5'])}–{wan(r['outlay_p95'])}",
            "delta": f"{signed(r['delta_outlay_mean'])} ± {wan(r['delta_outlay_se'])}",
            "p_met": [f"{pct(r[f'p_met:{t}'])} ± {pct(r[f'p_met_se:{t}'])}" for t in targets],
            "deadweight": pct(r["deadweight_share"]),
            "cost_per": [yuan(r[f"yuan_per_unit:{t}"]) for t in targets]}


def _base_row(data: dict) -> dict:
    """The base's own outlay and probabilities (the same in every point's comparison)."""
    long = data["compare.csv"]
    first = data["table"]["point"].iloc[0]
    part = long[long["reform"] == first]
    pol = part[(part["item"] == TOTAL) & (part["measure"] == "outlay") & (part["period"].astype(str) == "policy")]
    if pol.empty:
        raise InputError("compare.csv", "", f"no total policy-period outlay row for {first}", "the rows forecast writes")
    p = {t: part[(part["item"] == t) & (part["measure"] == "p_met")]["base_mean"] for t in data["forecast"]}
    return {"outlay": wan(pol.iloc[0]["base_mean"]),
            "p_met": [pct(v.iloc[0]) if len(v) else "—" for v in p.values()]}


def cheapest(table: pd.DataFrame, target: str, level: float) -> dict | None:
    """The point of least mean outlay whose P(met) of `target` reaches `level`, or None."""
    ok = table[table[f"p_met:{target}"] >= level - 1e-12]
    if ok.empty:
        return None
    return ok.sort_values(["outlay_mean", "point"]).iloc[0].to_dict()


def cheapest_rows(P: PlannerLabels, table: pd.DataFrame, keys: list, targets: list, name) -> list[dict]:
    rows = []
    for t in targets:
        for level in LEVELS:
            r = cheapest(table, t, level)
            if r is None:
                rows.append({"target": name(t), "level": pct(level), "none": P("sweep.none_reaches", target=name(t),
                                                                                 level=pct(level))})
                continue
            rows.append({"target": name(t), "level": pct(level), "none": "", "point": r["point"],
                         "setting": point_label(r, keys), "outlay": wan(r["outlay_mean"]),
                         "band": f"{wan(r['outlay_p5'])}–{wan(r['outlay_p95'])}",
                         "p_met": f"{pct(r[f'p_met:{t}'])} ± {pct(r[f'p_met_se:{t}'])}",
                         "cost_per": yuan(r[f"yuan_per_unit:{t}"])})
    return rows


__all__ = ["load", "context", "cheapest", "LEVELS"]
