"""What the policy still owes after the horizon, valued as expected amounts (yuan, nominal,
undiscounted: the figure a budget would carry for later years).

A horizon is a cut-off, not an end of liabilities: HS-A2b annuities run while a craftsman
stays, and HS-A8b milestones of late pairings can fall after the last simulated month. Cutting
them off would understate what the policy commits; this values them instead, from the same
assumptions the simulation uses.

- Annuity (a yearly payment after an assessment, e.g. HS-A2b): for a craftsman aged a at the
  horizon's end, with yearly pass rate π, yearly leave rate ℓ and retirement age R, the k-th
  later assessment (k = 1 … K, K = ⌊R − a⌋ years of work left) pays amount × (1 + uplift) × π
  if the craftsman is still in the district, probability (1 − ℓ)^k:

      E = amount × (1 + uplift) × π × Σ_{k=1..K} (1 − ℓ)^k
        = amount × (1 + uplift) × π × q (1 − q^K) / (1 − q),   q = 1 − ℓ   (K q when ℓ = 0).

- Milestone (a bonus when an apprentice reaches a level within a window of pairing, e.g.
  HS-A8b): for a pairing whose window for a level is still open at the horizon's end, with
  `odds` the chance that a pairing reaches that level within the whole window (the section's
  `expected_units`, the same figure behaviour uses), the part still to come is taken in
  proportion to the window's remaining months (certificates spread evenly over the window):

      E = amount × (1 + uplift) × odds × remaining / window.

A rule whose amounts change on dates (`Rule.changes`) is valued at the version in force at
the horizon's end (`Rule.on(scenario.end)`, chosen by the pathways that call these): the
tail is one figure, not a dated schedule, so a change dated after the horizon is not applied
to it (a scenario that needs it should extend the horizon past the change).
"""
from __future__ import annotations

import numpy as np


def annuity_value(ages: np.ndarray, uplift: np.ndarray, amount: float, pass_rate: float, leave_rate: float,
                  retirement_age: float) -> float:
    """Expected annuity payments after the horizon for craftsmen of these ages (formula above)."""
    ages = np.asarray(ages, dtype=float)
    years_left = np.maximum(0, np.floor(retirement_age - ages))
    q = 1.0 - leave_rate
    if q >= 1.0:
        factor = years_left
    else:
        factor = q * (1.0 - q ** years_left) / (1.0 - q)
    return float(np.sum(amount * (1.0 + np.asarray(uplift, dtype=float)) * pass_rate * factor))


def milestone_value(remaining: np.ndarray, window: int, uplift: np.ndarray, amount: float, odds: float) -> float:
    """Expected milestone payments still to come for open windows (`remaining` months of a
    `window`-month window each; ≤ 0: closed)."""
    rem = np.clip(np.asarray(remaining, dtype=float), 0, window)
    return float(np.sum(amount * (1.0 + np.asarray(uplift, dtype=float)) * odds * rem / window))
