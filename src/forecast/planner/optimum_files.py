"""The folder `forecast optimise` writes, atomically:

- `optimum.toml`: an overlay of the searched scenario with the optimum's setting (and the
  `--set` keys), which `forecast run` accepts; absent when no candidate is feasible;
- `points.csv`: every candidate, in evaluation order (stage, the varied values, mean cost and
  its Monte Carlo standard error, P(target met) and its error, P(within the fund's returns)
  when asked, feasible);
- `optimise.json`: the question, the method and its limits, the optimum in sample and out of
  sample with standard errors, or the infeasible verdict;
- `frontier.png`: cost against P(target met) of the candidates, the cheapest feasible marked;
- `provenance.json`: what made the folder (the only file with times and the machine).

Same inputs, same bytes (apart from provenance.json).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import pandas as pd
import tomli_w

from forecast.core.atomic import atomic_dir
from forecast.futures.provenance import write_provenance
from forecast.scenario.settings import lookup

WAN = 10_000.0


def points_table(found, keys: list, within: bool) -> pd.DataFrame:
    """One row per candidate (`forecast.planner.search.Search`), costs in yuan."""
    rows = []
    for c in found.candidates:
        e = c.estimate
        row = {"eval": c.index, "stage": c.stage, **{k: c.setting[k] for k in keys},
               "cost_mean": e.cost_mean, "cost_se": e.cost_se, "p_target": e.p_target, "p_target_se": e.p_target_se}
        if within:
            row |= {"p_within_returns": e.p_within, "p_within_returns_se": e.p_within_se}
        rows.append(row | {"feasible": c.feasible})
    return pd.DataFrame(rows)


def _put(tree: dict, key: str, value) -> None:
    *parents, leaf = key.split(".")
    node = tree
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def optimum_overlay(scenario_path: Path, out: Path, scenario, setting: dict, sets, spec: dict, target: str,
                    probability: float) -> dict:
    """The overlay of the optimum: `base` (the scenario's file, relative to the output folder
    when it can be), a [meta] saying what it is, and each varied and `--set` key as a nested
    table. A key that is a parameter table in the scenario is written as the table the
    optimum's scenario holds (a bare number is not a valid parameter in a file)."""
    base = Path(scenario_path).resolve()
    try:
        base_text = Path(os.path.relpath(base, Path(out).resolve())).as_posix()
    except ValueError:      # another drive (Windows): no relative path
        base_text = base.as_posix()
    tree: dict = {"base": base_text,
                  "meta": {"name": f"{scenario.name}-optimum",
                           "title": f"{scenario.title}: cheapest setting found by forecast optimise "
                                    f"(P({target} met) ≥ {probability:g})"}}
    values = {s.key: s.value for s in sets} | dict(setting)
    for key, value in values.items():
        node = lookup(spec, key)
        _put(tree, key, node if isinstance(node, dict) else value)
    return tree


def frontier_plot(points: pd.DataFrame, target: str, probability: float, best_index: int | None,
                  path: Path) -> None:
    """Cost (万元) against P(target met) of every candidate; feasible ones filled, the optimum
    starred, the required probability a dashed line."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    x = points["cost_mean"].to_numpy() / WAN
    p = points["p_target"].to_numpy()
    ok = points["feasible"].to_numpy(dtype=bool)
    ax.scatter(x[~ok], p[~ok], s=22, facecolors="none", edgecolors="C0", label="infeasible")
    ax.scatter(x[ok], p[ok], s=22, color="C0", label="feasible")
    if best_index is not None:
        row = points[points["eval"] == best_index].iloc[0]
        ax.scatter([row["cost_mean"] / WAN], [row["p_target"]], marker="*", s=180, color="C3", zorder=3,
                   label="cheapest feasible")
    ax.axhline(probability, color="grey", ls="--", lw=1)
    ax.set_xlabel("expected outlay, policy period (10k yuan)")
    ax.set_ylabel(f"P({target} met)")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(f"Candidates of the search ({len(points)})")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def write_optimum(out: str | Path, *, points: pd.DataFrame, summary: dict, overlay: dict | None, target: str,
                  probability: float, best_index: int | None, provenance: Callable[[], dict]) -> Path:
    """Write the optimise folder atomically (no optimum.toml when `overlay` is None)."""
    out = Path(out)
    with atomic_dir(out) as tmp:
        points.to_csv(tmp / "points.csv", index=False, float_format="%.10g")
        (tmp / "optimise.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
        if overlay is not None:
            (tmp / "optimum.toml").write_text("# written by forecast optimise: the cheapest setting found "
                                              "(optimise.json says how and how sure)\n" + tomli_w.dumps(overlay),
                                              encoding="utf-8")
        frontier_plot(points, target, probability, best_index, tmp / "frontier.png")
        write_provenance(tmp, provenance())
    return out
