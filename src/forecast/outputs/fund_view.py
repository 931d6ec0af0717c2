"""The fund per replication: the pure arithmetic of `forecast.model.fund` applied to each
replication's yearly total outlays with that replication's drawn principal, return rate and
top-up (parameters.csv: fund.principal, fund.return_rate, fund.top_up_per_year) and the
scenario's draw_on_principal setting.

Nothing is assumed here: a run whose parameters lack one of those columns, or hold no value
for a replication, is refused with an InputError naming the column.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.core.errors import InputError
from forecast.model import fund as fundlib

#: the columns of parameters.csv the fund's arithmetic reads, per replication
FUND_PARAMETERS = ("fund.principal", "fund.return_rate", "fund.top_up_per_year")
PARAMETERS_FILE = "parameters.csv"


@dataclass(frozen=True)
class FundView:
    """The fund's path in every replication and what the outputs read from it (yuan)."""

    years: list
    principal: np.ndarray          # (R,) at the start of the first year
    rate: np.ndarray               # (R,)
    top_up: np.ndarray             # (R,) a year
    draw_on_principal: bool
    paths: fundlib.FundPaths       # arrays (R, years)
    exceed_probability: np.ndarray  # (years,) P(outlays > returns)
    needed: np.ndarray             # (R,) principal whose returns alone cover every year
    needed_p95: float              # its 95th percentile over replications

    def table(self) -> pd.DataFrame:
        """Year by year: outlays, returns, surplus, drawn, balance (mean, 5th, 50th, 95th
        percentile over replications) and P(outlays > returns)."""
        rows = []
        p = self.paths
        for i, y in enumerate(self.years):
            row = {"year": y}
            for name, arr in (("outlays", p.outlays), ("returns", p.returns), ("surplus", p.surplus),
                              ("drawn", p.drawn), ("balance", p.balance)):
                col = arr[:, i]
                row[f"{name}_mean"] = float(col.mean())
                row[f"{name}_p5"], row[f"{name}_p50"], row[f"{name}_p95"] = map(float, np.percentile(col, [5, 50, 95]))
            row["p_exceed"] = float(self.exceed_probability[i])
            rows.append(row)
        return pd.DataFrame(rows)


def fund_view(years: list, replication_ids: np.ndarray, outlays: np.ndarray, parameters: pd.DataFrame,
              draw_on_principal: bool) -> FundView:
    """The fund per replication. `outlays` is (R, years) in the order of `replication_ids`;
    `parameters` has one row per replication (column "replication") and the FUND_PARAMETERS."""
    missing = [c for c in ("replication", *FUND_PARAMETERS) if c not in parameters.columns]
    if missing:
        raise InputError(PARAMETERS_FILE, missing[0], "missing column: the fund's arithmetic needs each "
                         "replication's drawn value", "the parameters.csv `forecast run` writes")
    params = parameters.set_index("replication")
    if sorted(params.index) != sorted(replication_ids) or params.index.has_duplicates:
        raise InputError(PARAMETERS_FILE, "replication", "its replications are not those of the outlays "
                         "(replications.parquet)", "one row per replication of the run")
    params = params.loc[replication_ids]
    principal, rate, top_up = (_column(params, c) for c in FUND_PARAMETERS)
    paths = fundlib.fund_paths(outlays, principal, rate, top_up, draw_on_principal)
    return FundView(list(years), principal, rate, top_up, bool(draw_on_principal), paths,
                    fundlib.exceed_probability(paths.outlays, paths.returns),
                    fundlib.principal_needed(outlays, rate), fundlib.principal_needed_quantile(outlays, rate, 0.95))


def _column(params: pd.DataFrame, name: str) -> np.ndarray:
    values = pd.to_numeric(params[name], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        raise InputError(PARAMETERS_FILE, name, "not a number in every replication", "the drawn value, yuan or a rate")
    return values
