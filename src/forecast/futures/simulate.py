"""`simulate`: one future of a scenario, from seed to events, ledger, ladder and targets."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.core.calendar import month_labels
from forecast.model.engine import FLOWS, Options, Engine
from forecast.model.pathways.entities import COLUMNS as ENTITY_COLUMNS
from forecast.model.values import Values
from forecast.policy import ladder
from forecast.policy.payouts import compute_payouts, outlays_by_year
from forecast.scenario import qmc
from forecast.scenario.scenario import Scenario


def replication_seed(seed: int, replication: int = 0, replications: int = 1) -> np.random.SeedSequence:
    """The stream of replication r of a run with `seed`: SeedSequence(seed).spawn(N)[r].

    A single run is replication 0, so `run --seed S` equals the first replication of any
    Monte Carlo run with the same seed, whatever the backend or the number of workers.
    """
    return np.random.SeedSequence(seed).spawn(max(replications, replication + 1))[replication]


@dataclass
class Result:
    """One simulated future: its events and ledger, month-end stocks, flows and queues.

    Yearly outlays are always derived from the ledger."""

    scenario: Scenario
    values: Values
    seed: int
    replication: int
    uncertain: bool               # parameters drawn (False: central values)
    events: pd.DataFrame
    ledger: pd.DataFrame
    ladder_counts: np.ndarray     # months × 9 levels: stocks at each month's end
    flows: np.ndarray             # months × (hires, graduates, exits)
    queues: dict                  # pathway → months: people waiting at each month's end
    entities: pd.DataFrame        # kind, id, month created, initial
    workers_end: int
    worker_bytes: int
    fixed: frozenset = frozenset()  # parameters pinned at their central values (--fix)
    owed_after: dict | None = None  # rule → yuan owed after the horizon (valued, `model.tail`)

    def outlays(self, in_kind: bool = False) -> pd.DataFrame:
        """Fund outlays (yuan) by year × rule, from the ledger; in-kind rules apart."""
        pol = self.scenario.policy
        return outlays_by_year(self.ledger, pol.rule_ids(in_kind), self.scenario.years, in_kind=in_kind)

    def committed(self) -> float:
        """Cash outlays in the budget years after the policy's end (`Policy.after`): what it
        committed for later years (yuan)."""
        outlays = self.outlays()
        return float(outlays[self.scenario.policy.after(outlays.index)].to_numpy().sum())

    def owed_after_horizon(self) -> float:
        """Cash the policy still owes after the horizon's last year, valued (yuan): expected
        annuities and milestones still to come, and payments whose lag falls past the end."""
        return float(sum(self.owed_after.values())) if self.owed_after else 0.0

    def ladder(self) -> pd.DataFrame:
        """Stocks by level at each month's end, with shares, flows and queue lengths."""
        counts = self.ladder_counts
        df = pd.DataFrame(counts, columns=list(ladder.NAMES))
        df.insert(0, "month", month_labels(self.scenario.start, len(df)))
        total = counts.sum(axis=1)
        df["employed"] = total
        df["skilled_share"] = counts[:, ladder.SKILLED_MIN:].sum(axis=1) / total
        df["high_skilled_share"] = counts[:, ladder.HIGH_SKILLED_MIN:].sum(axis=1) / total
        for i, flow in enumerate(FLOWS):
            df[flow] = self.flows[:, i]
        for name, lengths in self.queues.items():
            df[f"waiting:{name}"] = lengths
        return df

    def targets(self) -> pd.DataFrame:
        from forecast.futures.targets import evaluate
        return evaluate(self)


def priced(events: pd.DataFrame, policy, values: Values, lags: dict | None = None) -> pd.DataFrame:
    """The ledger of a future's events: `compute_payouts` with the future's payment lags (or
    `lags`), each rule of `[amount_scale]` times its factor drawn for this future (an assumed
    schedule's level, `scenario.amount_scale`). The one place a simulated ledger is priced."""
    ledger = compute_payouts(events, policy, explain=False, lags=values.pay_lag if lags is None else lags).ledger
    for rid, factor in values.amount_scale.items():
        rows = ledger["rule"].to_numpy() == rid
        if rows.any():
            ledger.loc[rows, "amount"] = ledger.loc[rows, "amount"].to_numpy() * factor
    return ledger


def draw_values(scenario: Scenario, seed: int = 0, replication: int = 0, uncertain: bool = True,
                fixed: frozenset = frozenset(), at: dict | None = None, given: dict | None = None,
                sampling: str = "random") -> tuple[Values, np.random.SeedSequence]:
    """Replication r's parameter values (arguments as `simulate`'s) and the seed of its
    dynamics: the one place that knows how a replication's seed is split, so a caller that
    needs the values a replication draws (a re-forecast's prior) gets exactly those."""
    ss = replication_seed(seed, replication)
    param_ss, dynamics_ss = ss.spawn(2)
    uniform = qmc.uniforms(seed, replication) if qmc.check_method(sampling) == "rqmc" else None
    return scenario.resolve(param_ss if uncertain else None, fixed, at, given, uniform), dynamics_ss


def simulate(scenario: Scenario, seed: int = 0, replication: int = 0, uncertain: bool = True,
             options: Options | None = None, fixed: frozenset = frozenset(), at: dict | None = None,
             given: dict | None = None, sampling: str = "random") -> Result:
    """Simulate one future of the scenario.

    Each uncertain parameter is drawn once (epistemic) from one child of the replication's
    seed; the dynamics (aleatory) use another. With `uncertain=False` parameters take their
    central values; `fixed` pins some of them (`Scenario.fixed_parameters`); `at` (path →
    quantile) places some at given quantiles of their distributions (a sensitivity design point);
    `given` (path → value) sets some outright (a re-forecast's posterior draw, `forecast.reforecast.execution`).
    `sampling="rqmc"`: the parameters' uniforms are replication r's quasi-random point
    (`scenario/qmc.py`) instead of their streams' numbers; the dynamics are the same.
    """
    values, dynamics_ss = draw_values(scenario, seed, replication, uncertain, fixed, at, given, sampling)
    sim = Engine(scenario, values, dynamics_ss, options)
    sim.run()
    owed: dict = {}
    tables: dict = {}
    for step in sim.steps.values():
        for rid, v in step.owed_after().items():
            owed[rid] = owed.get(rid, 0.0) + v * values.amount_scale.get(rid, 1.0)
        tables.update(step.tables())
    events = sim.log.frame(clear=True)
    entities = tables.get("entities", pd.DataFrame(columns=ENTITY_COLUMNS))
    result = Result(scenario, values, seed, replication, uncertain, events, None, sim.stocks, sim.flows, sim.queues,
                    entities, int(np.count_nonzero(sim.workers.active)), sim.workers.nbytes, frozenset(fixed))
    sim.workers.release()  # the worker columns are not needed for the payouts: free them first
    ledger = priced(events, scenario.policy, values)
    late = ledger[~ledger["in_kind"] & (ledger["year"] > scenario.end.year)]   # lagged past the horizon
    for rid, v in late.groupby("rule")["amount"].sum().items():
        owed[rid] = owed.get(rid, 0.0) + float(v)
    result.ledger, result.owed_after = ledger, owed
    return result
