"""What the forecast rests on: global sensitivity analysis with SALib.

Two methods, as the literature uses them (Saltelli et al., *Global Sensitivity Analysis: The
Primer*, 2008):

- **Morris** elementary effects screen *every* drawn parameter at low cost: r trajectories,
  each moving one parameter at a time across a 4-level grid of its quantiles (so a step goes
  from a third of its range to two thirds, following its own distribution). For each output,
  μ* (mean absolute effect, in the output's units) ranks influence, σ says whether the effect
  depends on the other parameters (interaction or non-linearity); μ*'s 95 % confidence
  interval comes from SALib's bootstrap. Cost: r (d + 1) runs.
- **Sobol'** indices (Saltelli sampling) quantify the leading parameters: S1 the share of the
  output's variance due to a parameter alone, ST including its interactions, each with a
  bootstrap 95 % interval. Cost: N (k + 2) runs for k parameters (second-order indices are
  not computed). The leading parameters come from a Morris run (`--screening`) or are named.

Every parameter is sampled in quantile space: u ∈ [0, 1] of its own distribution (low bound at
0, high bound at 1), so the design respects the scenario's ranges and shapes; parameters
outside the design stay at their central values. Inputs are treated as independent (the
scenario's `[correlations]` are not imposed on the design: Morris and Sobol' indices are
defined for independent inputs). All points share the dynamics of one replication (common
random numbers), so an effect is the parameters', not the model's chance.

**Chance.** The design includes the pseudo-parameter `design.NOISE`, which moves only the
replication of the dynamics: its μ* (or ST) is the model's chance, the *noise floor*. Only
parameters above it are reported as drivers.

**Convergence.** Morris: the top ten above the noise floor by μ* of each output from the first half of the
trajectories against all of them — the share of common parameters (1.0 = the same ten); a
ranking is called *stable* at ≥ 0.8. Sobol': the widest ST interval among the leading
parameters; *settled* when it is ≤ 0.1.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecast.core.errors import InputError
from forecast.sensitivity.design import NOISE

METHODS = ("morris", "sobol")
LEVELS = 4
TOP = 10
STABLE_OVERLAP = 0.8
SOBOL_SETTLED = 0.1
#: SALib's sobol.analyze takes a seed of 0 for none (`if seed:`) and then bootstraps from numpy's
#: global state, so the intervals of `--seed 0` changed from run to run: 0 is passed as this instead
SOBOL_SEED_ZERO = 2 ** 31 - 1
MORRIS_COLUMNS = ["output", "parameter", "rank", "mu_star", "mu_star_conf", "mu", "sigma", "mu_star_relative"]
SOBOL_COLUMNS = ["output", "parameter", "rank", "S1", "S1_conf", "ST", "ST_conf"]


def problem(names) -> dict:
    """SALib's problem: every parameter on its quantile scale [0, 1]."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def morris_design(names, trajectories: int, seed: int) -> np.ndarray:
    """r (d + 1) points of r Morris trajectories on a 4-level grid of quantiles."""
    from SALib.sample import morris
    if trajectories < 2:
        raise InputError("--trajectories", "", f"{trajectories}", "a whole number ≥ 2")
    return morris.sample(problem(names), trajectories, num_levels=LEVELS, seed=seed)


def sobol_design(names, n: int, seed: int) -> np.ndarray:
    """N (k + 2) points of Saltelli's scheme (first-order and total indices)."""
    from SALib.sample import sobol
    if n < 2 or n & (n - 1):
        raise InputError("--n", "", f"{n}", "a power of two ≥ 2 (Sobol' sequences balance on powers of two)")
    return sobol.sample(problem(names), n, calc_second_order=False, scramble=True, seed=seed)


def analyse_morris(names, X: np.ndarray, Y: np.ndarray, outputs, seed: int) -> pd.DataFrame:
    """μ*, its bootstrap interval, μ and σ of every parameter for every output, ranked."""
    from SALib.analyze import morris
    rows = []
    for k, out in enumerate(outputs):
        y = Y[:, k]
        if np.ptp(y) == 0:   # the output never moves: no parameter matters
            res = {"mu_star": np.zeros(len(names)), "mu_star_conf": np.zeros(len(names)),
                   "mu": np.zeros(len(names)), "sigma": np.zeros(len(names))}
        else:
            res = morris.analyze(problem(names), X, y, conf_level=0.95, num_resamples=1000, num_levels=LEVELS,
                                 seed=seed)
        top = max(float(np.max(res["mu_star"])), 0.0)
        order = np.argsort(-np.asarray(res["mu_star"]), kind="stable")
        for rank, j in enumerate(order, start=1):
            rows.append([out, names[j], rank, float(res["mu_star"][j]), float(res["mu_star_conf"][j]),
                         float(res["mu"][j]), float(res["sigma"][j]),
                         float(res["mu_star"][j]) / top if top > 0 else 0.0])
    return pd.DataFrame(rows, columns=MORRIS_COLUMNS)


def analyse_sobol(names, Y: np.ndarray, outputs, seed: int) -> pd.DataFrame:
    """S1 and ST with bootstrap intervals of every parameter for every output, ranked by ST."""
    from SALib.analyze import sobol
    rows = []
    for k, out in enumerate(outputs):
        y = Y[:, k]
        if np.ptp(y) == 0:
            res = {key: np.zeros(len(names)) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            res = sobol.analyze(problem(names), y, calc_second_order=False, conf_level=0.95, num_resamples=1000,
                                seed=seed if seed else SOBOL_SEED_ZERO)
        order = np.argsort(-np.nan_to_num(np.asarray(res["ST"]), nan=-1.0), kind="stable")
        for rank, j in enumerate(order, start=1):
            rows.append([out, names[j], rank, float(res["S1"][j]), float(res["S1_conf"][j]), float(res["ST"][j]),
                         float(res["ST_conf"][j])])
    return pd.DataFrame(rows, columns=SOBOL_COLUMNS)


def top_overlap(full: pd.DataFrame, names, X: np.ndarray, Y: np.ndarray, outputs, k: int, seed: int) -> dict:
    """Per output, the share of the top ten (above the noise floor) of the full Morris analysis
    `full` that the first k trajectories of the design already name."""
    rows = k * (len(names) + 1)
    part = analyse_morris(names, X[:rows], Y[:rows], outputs, seed)
    overlap = {}
    for out in outputs:
        a, b = _top(full, out), _top(part, out)
        overlap[out] = round(len(a & b) / len(a), 3) if a else 1.0
    return overlap


def morris_convergence(full: pd.DataFrame, names, X: np.ndarray, Y: np.ndarray, outputs, trajectories: int,
                       seed: int) -> dict:
    """Per output, how many of the top ten by μ* of the full analysis `full` the first half of
    the trajectories already names (a share), and whether the ranking is stable (CONVERGENCE in
    the module docstring)."""
    if trajectories < 4:
        return {"rule": _RULE_MORRIS, "stable": False, "overlap": {}, "note": "fewer than 4 trajectories: no check"}
    overlap = top_overlap(full, names, X, Y, outputs, trajectories // 2, seed)
    stable = all(v >= STABLE_OVERLAP for v in overlap.values())
    return {"rule": _RULE_MORRIS, "stable": stable, "overlap": overlap,
            "unstable": [o for o, v in overlap.items() if v < STABLE_OVERLAP]}


def sobol_convergence(table: pd.DataFrame, top: int = 5) -> dict:
    """The widest ST interval among each output's leading parameters."""
    widest = {}
    for out, part in table.groupby("output", sort=False):
        lead = part.nsmallest(top, "rank")
        widest[out] = round(float(np.nan_to_num(lead["ST_conf"]).max()), 4)
    settled = all(v <= SOBOL_SETTLED for v in widest.values())
    return {"rule": _RULE_SOBOL, "settled": settled, "widest_ST_conf": widest,
            "unsettled": [o for o, v in widest.items() if v > SOBOL_SETTLED]}


def screened(table: pd.DataFrame, k: int) -> list[str]:
    """The k parameters a Morris screening finds most influential on any output: those above
    the output's noise floor, ranked by their largest relative μ* (μ* over the output's
    largest) across outputs."""
    above = pd.concat([_above_noise(table, out) for out in table["output"].unique()])
    best = above.groupby("parameter", sort=False)["mu_star_relative"].max()
    best = best[best > 0].sort_values(ascending=False, kind="stable")
    return best.index[:k].tolist()


def leading(table: pd.DataFrame, output: str, k: int = 3) -> list[str]:
    """The k parameters that drive an output most: its first ranks whose effect exceeds the
    noise floor (the pseudo-parameter `design.NOISE`, the model's chance alone)."""
    return _above_noise(table, output).nsmallest(k, "rank")["parameter"].tolist()


def noise_floor(table: pd.DataFrame, output: str) -> float:
    """The effect of chance alone on an output (μ* or ST of `design.NOISE`; 0 if not measured)."""
    measure = _measure(table)
    row = table[(table["output"] == output) & (table["parameter"] == NOISE)]
    return float(row[measure].iloc[0]) if len(row) else 0.0


def _above_noise(table: pd.DataFrame, output: str) -> pd.DataFrame:
    measure = _measure(table)
    part = table[(table["output"] == output) & (table["parameter"] != NOISE)]
    return part[part[measure] > max(noise_floor(table, output), 0.0)]


def _measure(table: pd.DataFrame) -> str:
    return "mu_star" if "mu_star" in table.columns else "ST"


def _top(table: pd.DataFrame, output: str) -> set:
    return set(leading(table, output, TOP))


_RULE_MORRIS = (f"the top {TOP} parameters by mu_star of each output from the first half of the trajectories "
                f"against all: stable when at least {STABLE_OVERLAP:.0%} are the same")
_RULE_SOBOL = f"settled when the widest ST 95 % interval of each output's 5 leading parameters is ≤ {SOBOL_SETTLED}"


@dataclass
class Sensitivity:
    """A finished analysis: its design, outputs and indices."""

    method: str
    names: list
    outputs: list
    X: np.ndarray
    Y: np.ndarray
    table: pd.DataFrame
    convergence: dict
    meta: dict = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return len(self.X)


def runs_needed(method: str, d: int, size: int) -> int:
    """How many simulations a design costs: r (d + 1) for Morris, N (d + 2) for Sobol'."""
    return size * (d + 1) if method == "morris" else size * (d + 2)

