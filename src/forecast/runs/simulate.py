"""`simulate`: one replication of a scenario, from seed to ledger, ladder and targets."""
from __future__ import annotations

import numpy as np

from forecast.model.engine import Options, Simulation
from forecast.model.pathways.demography import snapshot
from forecast.policy.payouts import compute_payouts
from forecast.runs.result import Result
from forecast.scenario.scenario import Scenario


def replication_seed(seed: int, replication: int = 0, replications: int = 1) -> np.random.SeedSequence:
    """The stream of replication r of a run with `seed`: SeedSequence(seed).spawn(N)[r].

    A single run is replication 0, so `run --seed S` equals the first replication of any
    Monte Carlo run with the same seed, whatever the backend or the number of workers.
    """
    return np.random.SeedSequence(seed).spawn(max(replications, replication + 1))[replication]


def simulate(scenario: Scenario, seed: int = 0, replication: int = 0, uncertain: bool = True,
             options: Options | None = None) -> Result:
    """Simulate one future of the scenario.

    Each uncertain parameter is drawn once (epistemic) from one child of the replication's
    seed; the dynamics (aleatory) use another. With `uncertain=False` parameters take their
    central values.
    """
    ss = replication_seed(seed, replication)
    param_ss, dynamics_ss = ss.spawn(2)
    values = scenario.resolve(param_ss if uncertain else None)
    sim = Simulation(scenario, values, dynamics_ss, options)
    sim.run()
    snapshot(sim, sim.T - 1)
    events = sim.log.frame(clear=True)
    result = Result.from_simulation(sim, events, None, seed, replication)
    sim.workers.release()  # the worker columns are not needed for the payouts: free them first
    result.ledger = compute_payouts(events, scenario.policy, explain=False).ledger
    return result
