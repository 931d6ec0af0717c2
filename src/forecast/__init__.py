"""forecast: an agent-based simulation and budget forecast of skilled-worker incentive policies.

    import forecast
    scenario = forecast.load_scenario("scenarios/huishan.toml")
    result = forecast.simulate(scenario, seed=1)
    result.outlays()      # yuan by year × rule, from the ledger
    result.targets()      # HS-T targets: value, goal, met
"""
from forecast.core.errors import InputError
from forecast.policy.payouts import compute_payouts
from forecast.scenario.scenario import load_scenario
from forecast.runs.simulate import simulate

__version__ = "0.1.0"
__all__ = ["load_scenario", "simulate", "compute_payouts", "InputError", "__version__"]
