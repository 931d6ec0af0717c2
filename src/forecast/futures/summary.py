"""One replication reduced to what the aggregates need: its `Summary`, a few kilobytes.

Replication r draws the uncertain parameters once (epistemic) from one child of
`SeedSequence(seed).spawn(N)[r]` and simulates with another (aleatory), exactly as
`simulate(scenario, seed, r)` does, so any backend and any number of workers give the same
numbers. Full results and ledgers are never held for more than one replication. (A summary is
simulated; the real payment records a user brings are `policy/records.py`'s.)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecast.futures import targets
from forecast.futures.settings import Draws
from forecast.futures.simulate import Result, simulate
from forecast.scenario.scenario import Scenario


@dataclass(frozen=True)
class Task:
    """What every replication of a Monte Carlo run shares (sent once to each worker)."""

    scenario: Scenario
    draws: Draws = Draws()
    keep_ledgers: bool = False


@dataclass
class Summary:
    """One replication summarised: yearly outlays by rule (cash and in kind), what is committed
    after the policy's end, the targets' values, the monthly ladder stocks, flows and queue
    lengths, and the drawn scalar parameters. Which replication it is, is the key it is kept
    under (`futures/jobs.py`, `aggregate`)."""

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

    def take_ledger(self) -> pd.DataFrame | None:
        """The replication's ledger (--keep-ledgers), taken off the summary: it goes to a file
        and the summary stays small."""
        ledger, self.ledger = self.ledger, None
        return ledger

    def to_json(self) -> dict:
        return {"outlays": self.outlays.tolist(), "in_kind": self.in_kind.tolist(),
                "committed": float(self.committed), "owed_after": float(self.owed_after), "targets": self.targets.tolist(),
                "ladder": self.ladder.tolist(), "flows": self.flows.tolist(), "queues": {k: v.tolist() for k, v in self.queues.items()},
                "params": self.params}

    @classmethod
    def from_json(cls, d: dict) -> "Summary":
        return cls(years_by_columns(d["outlays"]), years_by_columns(d["in_kind"]), float(d["committed"]),
                   float(d["owed_after"]),
                   np.array(d["targets"], dtype=float), np.array(d["ladder"], dtype=np.int64),
                   np.array(d["flows"], dtype=np.int64),
                   {k: np.array(v, dtype=np.int64) for k, v in d["queues"].items()}, dict(d["params"]))


def years_by_columns(rows: list) -> np.ndarray:
    """A years × rules table of yuan read back from its JSON rows (no rules: still one row a year)."""
    return np.asarray(rows, dtype=float).reshape(len(rows), -1)


def reduce_result(result: Result, keep_ledger: bool = False) -> Summary:
    """The summary of one simulated future."""
    ledger = None
    if keep_ledger:
        ledger = result.ledger.copy()
        ledger.insert(0, "rep", result.replication)
    return Summary(outlays=result.outlays().to_numpy(dtype=float),
                   in_kind=result.outlays(in_kind=True).to_numpy(dtype=float), committed=result.committed(),
                   owed_after=result.owed_after_horizon(),
                   targets=targets.values(result), ladder=np.asarray(result.ladder_counts, dtype=np.int64).copy(),
                   flows=np.asarray(result.flows, dtype=np.int64).copy(),
                   queues={k: np.asarray(v, dtype=np.int64).copy() for k, v in result.queues.items()},
                   params=dict(result.values.drawn), ledger=ledger)


def simulate_drawn(scenario: Scenario, draws: Draws, replication: int, **more) -> Result:
    """Replication `replication` of a run that draws as `draws` says: `simulate` with their
    seed, uncertain, fixed and sampling (`more`: its other arguments, e.g. `given`)."""
    return simulate(scenario, draws.seed, replication, uncertain=draws.uncertain, fixed=draws.fixed,
                    sampling=draws.sampling, **more)


def replicate(task: Task, rep: int) -> Summary:
    """Simulate replication `rep` of the run and summarise it (runs on a worker)."""
    return reduce_result(simulate_drawn(task.scenario, task.draws, rep), task.keep_ledgers)
