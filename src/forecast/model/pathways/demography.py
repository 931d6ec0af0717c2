"""Exits (leaving the district, retirement) and hires that keep employment on its growth path."""
from __future__ import annotations

import numpy as np

from forecast.policy import ladder


def demography(env, sim):
    w, rng = sim.workers, sim.rng("demography")
    growth = sim.values["flows"]["growth"]
    for t in range(sim.T):
        if t > 0:
            snapshot(sim, t - 1)
        if sim.options.demography:
            leaving = np.flatnonzero(w.active & (w.exit_month <= t))
            sim.deactivate(leaving)
            sim.flows[t, 2] = len(leaving)
            target = sim.n0 * (1.0 + growth) ** (t / 12.0)
            hires = max(0, int(round(target - np.count_nonzero(w.active))))
            sim.add_workers(hires, t, rng)
            sim.flows[t, 0] = hires
        yield env.timeout(1)


def snapshot(sim, t: int) -> None:
    """Stocks by level at the end of month t."""
    w = sim.workers
    active, level = w.active, w.level
    # one comparison per level: much faster than bincount over a boolean-masked copy
    sim.ladder_counts[t] = [np.count_nonzero(active & (level == k)) for k in range(ladder.TOP + 1)]
