"""The budget view of a run: one object with everything a finance official reads.

`Budget(agg)` is built from the `Aggregate` of a run — in memory, so `forecast run` prints its
headline without reading files back — and `load(folder)` from a results folder through
`read_results`, the one reader of the one layout. A single run is a run of one replication:
one simulated future, so the outputs show its values and no bands or probabilities
(`monte_carlo` is false, and what only many futures give — P(shortfall), the principal
(or, for a budget appropriation, the yearly appropriation) needed — is None). From the aggregate it derives

- outlay statistics by year × rule (mean, 5/25/50/75/95th percentiles, yuan),
- committed liabilities: what the policy pays in the years after its validity ends,
- the fund's account per replication (`fund_view.py`, the formulas of `forecast.model.fund`),
- the targets (with their probabilities in a Monte Carlo run), the ladder with bands,
- the assumptions register: every parameter of the scenario with its specification, source
  and the values drawn across replications,
- the headline figures the terminal, workbook and report put first.

Amounts are yuan; the outputs show them in 万元.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from forecast.core.errors import InputError
from forecast.results.fund_view import FundView, fund_view
from forecast.results.folder import read_results
from forecast.futures.aggregate import Aggregate
from forecast.futures.statistics import STATS, TOTAL, bands
from forecast.params.param import Param

REPLICATIONS_FILE = "replications.parquet"


class Budget:
    """The budget view of one run (a Monte Carlo run, or a single run as one replication)."""

    def __init__(self, agg: Aggregate):
        sc = agg.scenario
        self.agg = agg
        self.scenario = sc
        self.policy = sc.policy
        self.title = sc.title
        self.name = sc.name
        self.years: list[int] = sc.years
        self.policy_years: list[int] = sc.policy_years
        self.later_years: list[int] = sc.later_years
        self.end_year: int = self.policy.valid_to.year
        self.replications: int = agg.reps
        self.cash: list[str] = self.policy.rule_ids()
        self.summary: dict = agg.summary
        self.stats: pd.DataFrame = agg.outlays_stats
        self.ladder: pd.DataFrame = agg.ladder_bands
        self.parameters: pd.DataFrame = agg.parameters
        self.outlays = agg.outlays_mean[self.cash].assign(**{TOTAL: agg.outlays_mean[self.cash].sum(axis=1)})
        self.replication_ids, self._cube, self._total = self._read_replications(agg.replications)
        fund = sc.resolve(None).fund
        self.fund: FundView = fund_view(self.years, self.replication_ids, self.total_matrix(), agg.parameters,
                                        bool(fund.draw_on_principal), self.policy.in_period(self.years), fund.kind)
        self.targets: pd.DataFrame = self._targets(agg.targets)
        self.assumptions: pd.DataFrame = self._assumptions()
        #: leading drivers from a sensitivity folder of the same scenario (set by the report), or None
        self.drivers = None
        #: the budget execution of the folder (`execution_view.find_execution`, set by the report), or None
        self.execution = None

    @property
    def monte_carlo(self) -> bool:
        return self.replications > 1

    @property
    def rules(self) -> tuple:
        return self.policy.rules

    # --- reading the aggregate ------------------------------------------------------------
    def _read_replications(self, wide: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The wide replications table as arrays in replication order: the replication ids (R,),
        the outlays by cash rule (R, years, rules) and the yearly totals (R, years)."""
        n, y = self.replications, len(self.years)
        table = wide.sort_values(["replication", "year"], kind="stable")
        if len(table) != n * y:
            raise InputError(REPLICATIONS_FILE, "", f"{len(table)} rows, not {n} replications × {y} years",
                             "one row per replication and year of the scenario")
        years = table["year"].to_numpy().reshape(n, y)
        if not (years == np.asarray(self.years)).all():
            raise InputError(REPLICATIONS_FILE, "year", f"the years are not the scenario's {self.years[0]}–"
                             f"{self.years[-1]} for every replication", ", ".join(map(str, self.years)))
        ids = table["replication"].to_numpy().reshape(n, y)[:, 0]
        cube = table[self.cash].to_numpy(dtype=float).reshape(n, y, len(self.cash))
        return ids, cube, table[TOTAL].to_numpy(dtype=float).reshape(n, y)

    def _targets(self, table: pd.DataFrame) -> pd.DataFrame:
        """The targets of the run with their entity and source from the scenario."""
        ids = [t.id for t in self.scenario.targets]
        if list(table["target"]) != ids:
            raise InputError("targets.csv", "target", f"targets {list(table['target'])} are not the scenario's",
                             ", ".join(ids))
        out = table.copy()
        out["entity"] = [t.entity for t in self.scenario.targets]
        out["source"] = [t.source for t in self.scenario.targets]
        return out

    def _assumptions(self) -> pd.DataFrame:
        """The scenario's assumptions register with each parameter's value across replications
        (mean, 5th and 95th percentile of the drawn values; none for a table by level)."""
        rows = []
        for row in self.scenario.parameters():
            path = row["parameter"]
            values = {"mean": np.nan, "p5": np.nan, "p95": np.nan}
            if isinstance(_spec_at(self.scenario.specs, path), Param):
                if path not in self.parameters.columns:
                    raise InputError("parameters.csv", path, "missing column: the value drawn in each replication",
                                     "the parameters.csv `forecast run` writes")
                col = self.parameters[path].to_numpy(dtype=float)
                values = {"mean": float(col.mean()), "p5": float(np.percentile(col, 5)),
                          "p95": float(np.percentile(col, 95))}
            rows.append({**row, **values})
        return pd.DataFrame(rows, columns=["parameter", "specification", "kind", "rules", "source", "mean", "p5",
                                           "p95"])

    # --- per replication ------------------------------------------------------------------
    def rule_matrix(self, rules=None) -> np.ndarray:
        """Yearly outlays per replication summed over `rules` (None: every cash rule), (R, years)."""
        if rules is None:
            return self._total
        idx = [self.cash.index(r) for r in rules]
        return self._cube[:, :, idx].sum(axis=2)

    def total_matrix(self) -> np.ndarray:
        """Yearly total outlays per replication, (R, years) yuan."""
        return self.rule_matrix(None)

    def period_totals(self, rules=None) -> dict:
        """Per replication: the policy period's total, the committed total (years after the
        policy) and the total over all years."""
        m = self.rule_matrix(rules)
        return {"in_period": m[:, self.policy.in_period(self.years)].sum(axis=1),
                "committed": m[:, self.policy.after(self.years)].sum(axis=1), "all": m.sum(axis=1)}

    # --- tables ---------------------------------------------------------------------------
    def rule_stats(self, rule: str) -> pd.DataFrame:
        """One rule's (or "total") yearly statistics, index year (yuan)."""
        part = self.stats[self.stats["rule"] == rule].set_index("year")[STATS]
        if list(part.index) != self.years:
            raise InputError("outlays_stats.csv", rule, "not one row per year of the scenario",
                             ", ".join(map(str, self.years)))
        return part.astype(float)

    def liabilities(self) -> pd.DataFrame:
        """Committed liabilities: outlays in the years after the policy's end by rule and in
        total, mean and percentiles (yuan); one row per (rule, year) and one per rule for the
        sum over those years (year "all"). Rules paying nothing after the end in every
        replication are left out."""
        after = self.policy.after(self.years)
        rows = []
        if not after.any():
            return pd.DataFrame(columns=["rule", "year"] + STATS)
        for rule in self.cash + [TOTAL]:
            sub = self.rule_matrix(None if rule == TOTAL else [rule])[:, after]
            if rule != TOTAL and not sub.any():
                continue
            for j, y in enumerate(self.later_years):
                rows.append({"rule": rule, "year": y, **stats_of(sub[:, j])})
            rows.append({"rule": rule, "year": "all", **stats_of(sub.sum(axis=1))})
        return pd.DataFrame(rows, columns=["rule", "year"] + STATS)

    def top_committed(self, n: int = 2) -> list[str]:
        """The rules carrying most of the committed liabilities, largest first."""
        liab = self.liabilities()
        part = liab[(liab["year"] == "all") & (liab["rule"] != TOTAL) & (liab["mean"] > 0)]
        return list(part.sort_values("mean", ascending=False, kind="stable")["rule"].head(n))

    def headline_numbers(self) -> dict:
        """The figures the terminal, workbook and report put first (yuan, rates, shares).

        Amounts are `stats_of` dicts (for one future every entry is its value: show "mean").
        For a budget appropriation (`kind` "appropriation"), returns_in_period is the period's
        appropriations, needed_p95 the yearly appropriation needed, `appropriation` the yearly
        amount drawn; principal, rate and principal_end are 0.
        Only many futures give a probability or a percentile: for a single run the
        p_shortfall_* entries, needed_p95 and targets_likely are None, and shortfall_years,
        first_shortfall and targets_met say what happened in that future."""
        tot = self.period_totals()
        f = self.fund
        inside = self.policy.in_period(self.years)
        total = self.rule_stats(TOTAL)
        peak_year = int(total["mean"].idxmax())
        mc = self.monte_carlo
        last_in = int(np.flatnonzero(inside)[-1]) if inside.any() else len(self.years) - 1
        met = self.targets["probability"]
        return {
            "in_period": stats_of(tot["in_period"]), "committed": stats_of(tot["committed"]),
            "owed_after": self.summary["headline"]["owed_after_horizon_yuan"],
            "all": stats_of(tot["all"]), "per_year_policy": stats_of(tot["in_period"] / max(inside.sum(), 1)),
            "returns_in_period": stats_of(getattr(f.paths, f.income)[:, inside].sum(axis=1)), "peak_year": peak_year,
            "peak_year_mean": float(total.loc[peak_year, "mean"]),
            "principal": stats_of(f.principal), "rate": stats_of(f.rate),
            "principal_end": stats_of(f.paths.principal[:, -1]), "account_end": stats_of(f.paths.account[:, -1]),
            "unfunded_end_period": stats_of(f.paths.unfunded[:, last_in]),
            "unfunded_end": stats_of(f.paths.unfunded[:, -1]),
            "p_shortfall_any": float(f.paths.shortfall.any(axis=1).mean()) if mc else None,
            "p_shortfall_by_year": dict(zip(self.years, map(float, f.shortfall_probability))) if mc else None,
            "needed_p95": f.needed_p95,
            "appropriation": stats_of(f.appropriation) if f.appropriated else None,
            "shortfall_years": None if mc else [y for y, s in zip(self.years, f.paths.shortfall[0]) if s],
            "first_shortfall": None if mc else f.first_shortfall(),
            "targets_likely": int((met >= 0.5).sum()) if mc else None,
            "targets_met": None if mc else int((met >= 1.0).sum()), "targets": len(self.targets),
        }


def stats_of(x) -> dict:
    """Mean and percentiles of a per-replication array, as floats."""
    return {k: float(v) for k, v in bands(x).items()}


def _spec_at(specs: dict, path: str):
    """The specification at a dotted parameter path ("pathways.night_school.pass_rate")."""
    node = specs
    for part in path.split("."):
        node = node[part]
    return node


def load(folder: str | Path) -> Budget:
    """The budget view of a results folder; InputError (naming file and problem) if the folder
    is not one `forecast run` writes."""
    return Budget(read_results(folder))
