"""forecast: an agent-based simulation and budget forecast of skilled-worker incentive policies.

    import forecast
    scenario = forecast.load_scenario("scenarios/huishan.toml")
    result = forecast.simulate(scenario, seed=1)   # one future
    result.outlays()      # yuan by year × rule, from the ledger
    result.targets()      # HS-T targets: value, goal, met
    agg, info = forecast.run_monte_carlo(scenario, reps=100, out="results/x")

The package is layered; each layer imports only from those before it:
core → policy → scenario → model → runs → outputs → api → cli (README, "Architecture").
"""
from forecast.api import read_results, run_monte_carlo, write_results
from forecast.core.errors import InputError
from forecast.core.version import VERSION as __version__
from forecast.policy.payouts import compute_payouts
from forecast.policy.records import read_records, write_records
from forecast.runs.simulate import simulate
from forecast.scenario.scenario import load_scenario

__all__ = ["load_scenario", "simulate", "run_monte_carlo", "write_results", "read_results", "compute_payouts",
           "read_records", "write_records", "InputError", "__version__"]
