"""The fund per replication: the account of `forecast.model.fund` applied to each replication's
yearly total outlays with that replication's drawn principal, return rate and top-up
(parameters.csv: fund.principal, fund.return_rate, fund.top_up_per_year) and the scenario's
draw_on_principal setting — or, for a fund of kind "appropriation", its drawn yearly
appropriation (fund.appropriation_per_year), carried over when unspent.

A Monte Carlo run (more than one replication) adds what only many futures can say: the share
of futures with a shortfall in each year and the principal needed (95th percentile over
replications of the principal whose returns cover the policy period's cumulative outlays; for
an appropriation: the yearly appropriation needed, the constant yearly amount covering them). A
single run is one future: its account's path only, no probability, no principal needed.

Nothing is assumed here: a run whose parameters lack one of those columns, or hold no value
for a replication, is refused with an InputError naming the column.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.core.errors import InputError
from forecast.model import fund as fundlib

#: the columns of parameters.csv the fund's arithmetic reads, per replication (an endowment's)
FUND_PARAMETERS = ("fund.principal", "fund.return_rate", "fund.top_up_per_year")
PARAMETERS_FILE = "parameters.csv"
#: the account's yearly series (FundPaths fields), in the order tables show them
SERIES = ("outlays", "returns", "account", "drawn", "unfunded", "principal")
#: an appropriation's series: no returns, no drawing, no principal; "account" is the carried balance
SERIES_APPROPRIATION = ("outlays", "appropriation", "account", "unfunded")
#: the percentiles a Monte Carlo table gives for each series
PERCENTILES = (5, 50, 95)


@dataclass(frozen=True)
class FundView:
    """The fund's account in every replication and what the outputs read from it (yuan)."""

    years: list
    in_period: np.ndarray          # (years,) bool: the policy period
    principal: np.ndarray          # (R,) at the start of the first year
    rate: np.ndarray               # (R,)
    top_up: np.ndarray             # (R,) a year
    draw_on_principal: bool
    paths: fundlib.FundPaths       # arrays (R, years)
    shortfall_probability: np.ndarray | None  # (years,) P(shortfall); None for one future
    needed: np.ndarray | None      # (R,) principal covering the period's cumulative outlays; None for one future
    needed_p95: float | None       # its 95th percentile over replications; None for one future
    kind: str = fundlib.ENDOWMENT  # or fundlib.APPROPRIATION: then `needed` is a yearly appropriation
    appropriation: np.ndarray | None = None   # (R,) a year (kind appropriation)

    @property
    def monte_carlo(self) -> bool:
        return self.paths.outlays.shape[0] > 1

    @property
    def appropriated(self) -> bool:
        """A yearly budget appropriation (no principal, no returns), not an endowment."""
        return self.kind == fundlib.APPROPRIATION

    @property
    def series(self) -> tuple:
        return SERIES_APPROPRIATION if self.appropriated else SERIES

    @property
    def income(self) -> str:
        """The series of the year's income: "returns" (endowment) or "appropriation"."""
        return "appropriation" if self.appropriated else "returns"

    def table(self) -> pd.DataFrame:
        """Year by year. A Monte Carlo run: each series of SERIES as mean, p5, p50, p95 over
        replications ("account_mean" …) and p_shortfall. One future: each series' value
        ("account" …) and shortfall (true in a shortfall year of this future)."""
        p = self.paths
        rows = []
        for i, y in enumerate(self.years):
            row = {"year": y}
            for name in self.series:
                col = getattr(p, name)[:, i]
                if not self.monte_carlo:
                    row[name] = float(col[0])
                    continue
                row[f"{name}_mean"] = float(col.mean())
                for q, v in zip(PERCENTILES, np.percentile(col, PERCENTILES)):
                    row[f"{name}_p{q}"] = float(v)
            if self.monte_carlo:
                row["p_shortfall"] = float(self.shortfall_probability[i])
            else:
                row["shortfall"] = bool(p.shortfall[0, i])
            rows.append(row)
        return pd.DataFrame(rows)

    def first_shortfall(self) -> int | None:
        """One future: the first year its account goes negative (None if it never does)."""
        hit = np.flatnonzero(self.paths.shortfall[0])
        return int(self.years[hit[0]]) if hit.size else None


def fund_view(years: list, replication_ids: np.ndarray, outlays: np.ndarray, parameters: pd.DataFrame,
              draw_on_principal: bool, in_period, kind: str = fundlib.ENDOWMENT) -> FundView:
    """The fund per replication. `outlays` is (R, years) in the order of `replication_ids`;
    `parameters` has one row per replication (column "replication") and the kind's drawn
    parameters (`fundlib.PARAMETERS`); `in_period` marks the policy period's years (the
    principal or appropriation needed covers those)."""
    if kind == fundlib.APPROPRIATION:
        return _appropriation_view(years, replication_ids, outlays, parameters, in_period)
    params = _params(parameters, replication_ids, FUND_PARAMETERS)
    principal, rate, top_up = (_column(params, c) for c in FUND_PARAMETERS)
    mask = np.asarray(in_period, dtype=bool)
    paths = fundlib.fund_paths(np.atleast_2d(outlays), principal, rate, top_up, draw_on_principal)
    many = len(replication_ids) > 1
    needed = fundlib.principal_needed(outlays, rate, mask) if many else None
    return FundView(list(years), mask, principal, rate, top_up, bool(draw_on_principal), paths,
                    fundlib.shortfall_probability(paths) if many else None, needed,
                    fundlib.principal_needed_quantile(outlays, rate, mask, 0.95) if many else None)


def _appropriation_view(years: list, replication_ids: np.ndarray, outlays: np.ndarray, parameters: pd.DataFrame,
                        in_period) -> FundView:
    """A yearly budget appropriation per replication: its account (`fundlib.appropriation_paths`)
    and, for many futures, the yearly appropriation needed; principal, rate and top-up are 0."""
    params = _params(parameters, replication_ids, ("fund.appropriation_per_year",))
    a = _column(params, "fund.appropriation_per_year")
    mask = np.asarray(in_period, dtype=bool)
    paths = fundlib.appropriation_paths(np.atleast_2d(outlays), a)
    many = len(replication_ids) > 1
    zero = np.zeros_like(a)
    return FundView(list(years), mask, zero, zero, zero, False, paths,
                    fundlib.shortfall_probability(paths) if many else None,
                    fundlib.appropriation_needed(outlays, mask) if many else None,
                    fundlib.appropriation_needed_quantile(outlays, mask, 0.95) if many else None,
                    fundlib.APPROPRIATION, a)


def _params(parameters: pd.DataFrame, replication_ids: np.ndarray, columns: tuple) -> pd.DataFrame:
    """The parameters' rows in the order of the replications, refused if a column is missing."""
    missing = [c for c in ("replication", *columns) if c not in parameters.columns]
    if missing:
        raise InputError(PARAMETERS_FILE, missing[0], "missing column: the fund's arithmetic needs each "
                         "replication's drawn value", "the parameters.csv `forecast run` writes")
    params = parameters.set_index("replication")
    if sorted(params.index) != sorted(replication_ids) or params.index.has_duplicates:
        raise InputError(PARAMETERS_FILE, "replication", "its replications are not those of the outlays "
                         "(replications.parquet)", "one row per replication of the run")
    return params.loc[replication_ids]


def _column(params: pd.DataFrame, name: str) -> np.ndarray:
    values = pd.to_numeric(params[name], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        raise InputError(PARAMETERS_FILE, name, "not a number in every replication", "the drawn value, yuan or a rate")
    return values
