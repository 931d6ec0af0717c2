"""The outcome of one simulated future: events, ledger, ladder stocks, entities, targets.

Yearly outlays are always derived from the ledger. `write` puts every output file into a
results folder atomically.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from forecast.policy import ladder
from forecast.core.atomic import atomic_dir
from forecast.policy.payouts import outlays_by_year
from forecast.scenario.scenario import Scenario
from forecast.core.serialise import plain
from forecast.runs.targets import evaluate



@dataclass
class Result:
    scenario: Scenario
    values: dict
    seed: int
    replication: int
    events: pd.DataFrame
    ledger: pd.DataFrame
    ladder_counts: np.ndarray
    flows: np.ndarray
    entities: pd.DataFrame
    workers_end: int
    worker_bytes: int

    @classmethod
    def from_simulation(cls, sim, events, ledger, seed, replication) -> "Result":
        ent = pd.DataFrame(sim.entities, columns=["kind", "id", "created", "initial"])
        return cls(sim.scenario, sim.values, seed, replication, events, ledger, sim.ladder_counts,
                   sim.flows, ent, int(np.count_nonzero(sim.workers.active)), sim.workers.nbytes)

    # --- time ------------------------------------------------------------------------------
    def sim_month(self, date) -> int:
        return int((np.datetime64(date, "M") - np.datetime64(self.scenario.start, "M")).astype(int))

    def dates_of(self, months: np.ndarray) -> np.ndarray:
        return (np.datetime64(self.scenario.start, "M") + np.asarray(months, dtype=int)).astype("datetime64[D]")

    # --- derived tables --------------------------------------------------------------------
    def outlays(self, in_kind: bool = False) -> pd.DataFrame:
        """Fund outlays (yuan) by year × rule, from the ledger; in-kind rules apart."""
        rules = [r.id for r in self.scenario.policy.rules if r.in_kind == in_kind]
        return outlays_by_year(self.ledger, rules, self.scenario.years, in_kind=in_kind)

    def ladder(self) -> pd.DataFrame:
        """Stocks by level at each month's end, with shares and flows."""
        df = pd.DataFrame(self.ladder_counts, columns=list(ladder.NAMES))
        df.insert(0, "month", [str(d)[:7] for d in self.dates_of(np.arange(len(df)))])
        total = self.ladder_counts.sum(axis=1)
        df["employed"] = total
        df["skilled_share"] = self.ladder_counts[:, ladder.SKILLED_MIN:].sum(axis=1) / total
        df["high_skilled_share"] = self.ladder_counts[:, ladder.HIGH_SKILLED_MIN:].sum(axis=1) / total
        df["hires"], df["graduates"], df["exits"] = self.flows[:, 0], self.flows[:, 1], self.flows[:, 2]
        return df

    def targets(self) -> pd.DataFrame:
        return evaluate(self)

    def summary(self) -> dict:
        pol = self.scenario.policy
        out = self.outlays()
        total = out.sum(axis=1)
        committed = self.ledger[(~self.ledger["in_kind"]) & (self.ledger["date"] > pd.Timestamp(pol.valid_to))]
        return {
            "scenario": self.scenario.name, "seed": self.seed, "replication": self.replication,
            "policy_validity": [str(pol.valid_from), str(pol.valid_to)],
            "horizon": [str(self.scenario.start), str(self.scenario.end)],
            "outlays_yuan_by_year": {str(y): round(float(v), 2) for y, v in total.items()},
            "outlays_yuan_in_policy_period": round(float(total[[y for y in total.index if
                                                               pol.valid_from.year <= y <= pol.valid_to.year]].sum()), 2),
            "committed_after_policy_yuan": round(float(committed["amount"].sum()), 2),
            "outlays_yuan_by_rule": {r: round(float(v), 2) for r, v in out.sum(axis=0).items()},
            "in_kind_yuan_by_year": {str(y): round(float(v), 2) for y, v in self.outlays(True).sum(axis=1).items()},
            "payouts": int((~self.ledger["in_kind"]).sum()),
            "employed_start": int(self.ladder_counts[0].sum()), "employed_end": self.workers_end,
            "targets": self.targets().drop(columns=["source"]).to_dict(orient="records"),
        }

    # --- files -----------------------------------------------------------------------------
    def write(self, out_dir: str | Path, provenance=None) -> Path:
        """All outputs into `out_dir`, atomically; returns the folder. `provenance` (a dict, or a
        function returning one, called last) becomes provenance.json."""
        from forecast.outputs.charts import ladder_chart, outlays_chart
        out_dir = Path(out_dir)
        with atomic_dir(out_dir) as tmp:
            (tmp / "scenario.resolved.toml").write_text(
                tomli_w.dumps(plain(self.scenario.resolved_toml(self.values))), encoding="utf-8")
            outlays = self.outlays()
            outlays.assign(total=outlays.sum(axis=1)).to_csv(tmp / "outlays.csv", float_format="%.2f")
            self.ledger.to_csv(tmp / "ledger.csv", index=False, float_format="%.2f", date_format="%Y-%m-%d")
            self.events.to_parquet(tmp / "events.parquet", index=False)
            self.targets().to_csv(tmp / "targets.csv", index=False)
            self.ladder().to_csv(tmp / "ladder.csv", index=False, float_format="%.6f")
            (tmp / "summary.json").write_text(json.dumps(self.summary(), ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
            outlays_chart(outlays, self.scenario, tmp / "outlays.png")
            ladder_chart(self.ladder(), tmp / "ladder.png")
            if provenance is not None:
                from forecast.runs.provenance import write_provenance
                write_provenance(tmp, provenance() if callable(provenance) else provenance)
        return out_dir

