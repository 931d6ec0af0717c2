"""The district's employed persons as numpy columns, the synthetic population at the start,
and the sections that set them up (`[population]`, `[ladder]`).

One row per worker, a few bytes per column (25 bytes a worker in all), so a district of
360,000 (or a province of 10 million) fits in memory and every monthly step is vectorised.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.params.param import AGE, COUNT, FACTOR, MONTHS, POSITIVE_COUNT, RATE, SHARE
from forecast.params.section import Section, level_table, param
from forecast.policy import ladder

#: column → dtype. `since` / `eligible_from` / `birth` / `exit_month` are month indices
#: (0 = the scenario's first month; negative = before it). `pair` is the worker's pairing as an
#: apprentice (-1: never paired); `mentored` whether that pairing is still open; `master`
#: whether the worker would take apprentices as a 带徒工匠 once at master level (drawn by the
#: apprenticeship pathway; craftsmen are masters whatever it says).
COLUMNS = {
    "level": np.int8, "since": np.int16, "eligible_from": np.int16, "birth": np.int16,
    "exit_month": np.int16, "employer": np.int32, "pair": np.int32,
    "active": np.bool_, "sector": np.bool_, "graduate": np.bool_, "craftsman": np.bool_,
    "mentored": np.bool_, "master": np.bool_,
}
NEVER = np.iinfo(np.int16).max


@dataclass(frozen=True, eq=False)
class Population(Section):
    """[population]: the district's employed persons at the start — how many, their skill levels
    and ages, time already in grade, employers (Pareto-sized, some state-owned, some fund
    contributors)."""
    employed: int = param(POSITIVE_COUNT)
    skilled_share: float = param(SHARE)
    apprentice_share: float = param(SHARE)
    skilled_mix: np.ndarray = level_table(SHARE, mix=True)
    max_years_in_grade: float = param(RATE)
    age_mean: float = param(AGE)
    age_sd: float = param(RATE)
    age_min: float = param(AGE)
    age_max: float = param(AGE)
    sector_share: float = param(SHARE)
    employers: int = param(POSITIVE_COUNT)
    employer_size_alpha: float = param(FACTOR)
    state_owned_share: float = param(SHARE)
    contributor_units: int = param(COUNT)


@dataclass(frozen=True, eq=False)
class Ladder(Section):
    """[ladder]: the time-in-grade minima before each exam (national standards) and how much
    shorter they are for vocational graduates."""
    min_months: np.ndarray = level_table(MONTHS)
    graduate_factor: float = param(FACTOR)


class Workers:
    """Struct of arrays with room to grow as hires and graduates arrive."""

    def __init__(self, capacity: int):
        self.n = 0
        self._cols = {name: np.zeros(capacity, dtype=dt) for name, dt in COLUMNS.items()}
        self._cols["pair"][:] = -1

    def __getattr__(self, name):
        cols = self.__dict__.get("_cols")
        if cols is not None and name in cols:
            return cols[name][: self.n]
        raise AttributeError(name)

    def add(self, **values) -> np.ndarray:
        """Append workers; returns their ids."""
        k = len(values["level"])
        if self.n + k > len(self._cols["level"]):
            grow = max(self.n + k, int(len(self._cols["level"]) * 1.25) + 1)
            for name, col in self._cols.items():
                new = np.zeros(grow, dtype=col.dtype)
                if name == "pair":
                    new[:] = -1
                new[: self.n] = col[: self.n]
                self._cols[name] = new
        for name, value in values.items():
            self._cols[name][self.n:self.n + k] = value   # a slice: cheaper than indexing by ids
        ids = np.arange(self.n, self.n + k)
        self.n += k
        return ids

    def release(self) -> None:
        """Drop the columns once a run is over (frees memory before the payouts are computed)."""
        self._cols = {name: col[:0].copy() for name, col in self._cols.items()}
        self.n = 0

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self._cols.values())


def at_levels(level: np.ndarray, levels) -> np.ndarray:
    """level ∈ levels (a few level numbers): one comparison per run of consecutive levels
    (two for a run of several), faster than indexing a table by level or `np.isin`. Levels
    are compared as Python ints, since an int64 scalar would first widen the int8 column to
    int64 (ten times the cost)."""
    out = None
    for lo, hi in _runs(sorted({int(lv) for lv in np.asarray(levels).tolist()})):
        hit = level == lo if lo == hi else level >= lo
        if lo != hi:
            hit &= level <= hi
        if out is None:
            out = hit
        else:
            out |= hit
    return np.zeros(len(level), bool) if out is None else out


def _runs(values: list) -> list:
    """Sorted distinct ints as runs of consecutive values: [3, 4, 5, 7] → [(3, 5), (7, 7)]."""
    runs = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def monthly(p_year: np.ndarray | float) -> np.ndarray | float:
    """Monthly probability equivalent to a yearly one."""
    return 1.0 - (1.0 - np.asarray(p_year, dtype=float)) ** (1.0 / 12.0)


def build_employers(pop, rng: np.random.Generator) -> dict:
    """Employers: size weights (Pareto), state ownership and fund contribution, by employment."""
    n = int(pop.employers)
    weight = rng.pareto(pop.employer_size_alpha, n) + 1.0
    share = weight / weight.sum()
    # state-owned: size-biased random order until their employment share is reached
    order = np.argsort(-weight * rng.random(n))
    cum = np.cumsum(share[order])
    state = np.zeros(n, bool)
    state[order[: np.searchsorted(cum, pop.state_owned_share) + 1]] = pop.state_owned_share > 0
    contributor = np.zeros(n, bool)
    k = min(int(pop.contributor_units), n)
    if k:
        contributor[rng.choice(n, k, replace=False, p=share)] = True
    return {"share": share, "cum": np.cumsum(share), "state": state, "contributor": contributor}


def draw_employers(employers: dict, k: int, rng: np.random.Generator) -> np.ndarray:
    """Employers of k new workers, in proportion to employer size."""
    cum = employers["cum"]
    u = rng.random(k) * cum[-1]
    if k > 256:  # more than a few keys: look them up in sorted order (3× faster), same positions
        order = np.argsort(u)
        pos = np.empty(k, dtype=np.intp)
        pos[order] = np.searchsorted(cum, u[order])
    else:
        pos = np.searchsorted(cum, u)
    return np.minimum(pos, len(cum) - 1).astype(np.int32)


def draw_levels(k: int, skilled_share: float, apprentice_share: float, skilled_mix: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """Levels of k workers: the skilled share spread by the mix over 初级工 … 首席技师."""
    p = np.zeros(ladder.TOP + 1)
    mix = skilled_mix[ladder.SKILLED_MIN:]
    p[ladder.SKILLED_MIN:] = skilled_share * mix / mix.sum()
    p[ladder.APPRENTICE] = apprentice_share
    p[ladder.UNCERTIFIED] = max(0.0, 1.0 - p.sum())
    return rng.choice(ladder.TOP + 1, size=k, p=p / p.sum()).astype(np.int8)


def draw_ages(k: int, mean: float, sd: float, low: float, high: float, rng: np.random.Generator) -> np.ndarray:
    ages = rng.normal(mean, sd, k)
    bad = (ages < low) | (ages > high)
    while bad.any():
        ages[bad] = rng.normal(mean, sd, bad.sum())
        bad = (ages < low) | (ages > high)
    return ages


def exit_months(entry: int, birth: np.ndarray, turnover_year: float, retirement_age: float,
                rng: np.random.Generator) -> np.ndarray:
    """Month each worker leaves: the earlier of leaving the district and retiring."""
    p = monthly(turnover_year)
    leave = entry + (rng.geometric(p, len(birth)) if p > 0 else np.full(len(birth), NEVER))
    retire = birth.astype(np.int64) + int(round(retirement_age * 12))
    return np.clip(np.minimum(leave, np.maximum(retire, entry + 1)), 0, NEVER).astype(np.int16)
