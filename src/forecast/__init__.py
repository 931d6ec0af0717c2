"""forecast: an agent-based simulation and budget forecast of skilled-worker incentive policies.

    import forecast
    scenario = forecast.load_scenario("scenarios/huishan")   # a place folder or a scenario file
    result = forecast.simulate(scenario, seed=1)   # one future
    result.outlays()      # yuan by year × rule, from the ledger
    result.targets()      # HS-T targets: value, goal, met
    agg, info = forecast.run_monte_carlo(scenario, reps=100, out="results/x")
    agg, info = forecast.run_monte_carlo(scenario, reps=100, out="results/y",
                                         draws=forecast.Draws(seed=3), compute=forecast.Compute(backend="serial"))

The engine (core → policy → scenario → model → futures) lies under one package per product
(results, report, payouts, reforecast, planner, sensitivity, calibration); docs/architecture.md
draws the house. The names below are imported when first used, so `import forecast` (and the
`forecast` command's start-up) costs nothing until they are.
"""
from __future__ import annotations

import importlib

#: the public API: name → module that defines it
PUBLIC = {
    "load_scenario": "forecast.scenario.scenario",
    "simulate": "forecast.futures.simulate",
    "run_monte_carlo": "forecast.results.api",
    "Draws": "forecast.futures.settings",
    "Compute": "forecast.futures.settings",
    "write_results": "forecast.results.api",
    "read_results": "forecast.results.api",
    "compute_payouts": "forecast.policy.payouts",
    "read_records": "forecast.policy.records",
    "write_records": "forecast.policy.records",
    "InputError": "forecast.core.errors",
}
__all__ = [*PUBLIC, "__version__"]


def __getattr__(name: str):
    if name == "__version__":
        from forecast.core.version import VERSION
        return VERSION
    if name in PUBLIC:
        value = getattr(importlib.import_module(PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'forecast' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
