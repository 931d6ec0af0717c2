"""One replication reduced to what the aggregates need: a `Record` of a few kilobytes.

Replication r draws the uncertain parameters once (epistemic) from one child of
`SeedSequence(seed).spawn(N)[r]` and simulates with another (aleatory), exactly as
`simulate(scenario, seed, r)` does, so any backend and any number of workers give the same
numbers. Full results and ledgers are never held for more than one replication.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecast.futures import targets
from forecast.futures.simulate import Result, simulate
from forecast.scenario.scenario import Scenario


@dataclass(frozen=True)
class Task:
    """What every replication of a run shares (sent once to each worker)."""

    scenario: Scenario
    seed: int
    uncertain: bool = True
    keep_ledgers: bool = False
    fixed: frozenset = frozenset()   # parameter paths pinned at their central values
    sampling: str = "random"         # the parameters' uniforms: "random" or "rqmc" (`scenario/qmc.py`)


@dataclass
class Record:
    """One replication: yearly outlays by rule (cash and in kind), what is committed after the
    policy's end, the targets' values, the monthly ladder stocks, flows and queue lengths, and the
    drawn scalar parameters."""

    rep: int
    outlays: np.ndarray      # years × cash rules, yuan
    in_kind: np.ndarray      # years × in-kind rules, yuan
    committed: float         # cash outlays in the years after the policy's end, yuan
    owed_after: float        # cash owed after the horizon, valued (expected), yuan
    targets: np.ndarray      # value of each target
    ladder: np.ndarray       # months × 9 levels: stocks at each month's end
    flows: np.ndarray        # months × (hires, graduates, exits)
    queues: dict             # pathway → months: people waiting at each month's end
    params: dict             # parameter path → value drawn (scalars only)
    ledger: pd.DataFrame | None = field(default=None, repr=False)

    def to_json(self) -> dict:
        return {"rep": self.rep, "outlays": self.outlays.tolist(), "in_kind": self.in_kind.tolist(),
                "committed": float(self.committed), "owed_after": float(self.owed_after), "targets": self.targets.tolist(),
                "ladder": self.ladder.tolist(), "flows": self.flows.tolist(), "queues": {k: v.tolist() for k, v in self.queues.items()},
                "params": self.params}

    @classmethod
    def from_json(cls, d: dict) -> "Record":
        return cls(int(d["rep"]), np.array(d["outlays"], dtype=float).reshape(len(d["outlays"]), -1),
                   np.array(d["in_kind"], dtype=float).reshape(len(d["in_kind"]), -1), float(d["committed"]),
                   float(d["owed_after"]),
                   np.array(d["targets"], dtype=float), np.array(d["ladder"], dtype=np.int64),
                   np.array(d["flows"], dtype=np.int64),
                   {k: np.array(v, dtype=np.int64) for k, v in d["queues"].items()}, dict(d["params"]))


def reduce_result(result: Result, keep_ledger: bool = False) -> Record:
    """The compact record of one simulated future."""
    ledger = None
    if keep_ledger:
        ledger = result.ledger.copy()
        ledger.insert(0, "rep", result.replication)
    return Record(rep=result.replication, outlays=result.outlays().to_numpy(dtype=float),
                  in_kind=result.outlays(in_kind=True).to_numpy(dtype=float), committed=result.committed(),
                  owed_after=result.owed_after_horizon(),
                  targets=targets.values(result), ladder=np.asarray(result.ladder_counts, dtype=np.int64).copy(),
                  flows=np.asarray(result.flows, dtype=np.int64).copy(),
                  queues={k: np.asarray(v, dtype=np.int64).copy() for k, v in result.queues.items()},
                  params=dict(result.values.drawn), ledger=ledger)


def replicate(task: Task, rep: int) -> Record:
    """Simulate replication `rep` of the run and reduce it (runs on a worker)."""
    return reduce_result(simulate(task.scenario, task.seed, rep, uncertain=task.uncertain, fixed=task.fixed,
                                  sampling=task.sampling), task.keep_ledgers)
