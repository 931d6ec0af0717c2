"""Monthly arrival counts drawn by inversion: common random numbers that survive a reform.

A pathway's monthly number of arrivals (pairing requests, staying graduates, activity events,
new bodies) is Poisson with the month's rate. Drawn as `rng.poisson(rate)` from the pathway's
stream, a base and a reform with different rates would consume different random numbers and
every later draw of that stream would differ: the two futures drift apart by chance, and the
paired difference of a comparison is as noisy as that of two independent runs.

Here each month's count is the Poisson quantile of one uniform drawn for that month, in
advance, from a stream of its own (`arrivals:NAME`): the same uniforms in base and reform, so
a higher rate gives at least as many arrivals in every month (a monotone coupling, the
standard way to share random numbers across scenarios), and a reform that changes nothing
changes no count.
"""
from __future__ import annotations

import numpy as np
from scipy.stats import poisson


class Arrivals:
    """One uniform per month of the run; `count(t, rate)` is the Poisson(rate) count of month t."""

    def __init__(self, rng: np.random.Generator, months: int):
        self.u = rng.random(months)

    def count(self, t: int, rate: float) -> int:
        if rate <= 0:
            return 0
        return max(0, int(poisson.ppf(self.u[t], rate)))

    def counts(self, rates: np.ndarray) -> np.ndarray:
        """`count(t, rates[t])` of every month t, from one vectorised quantile call (the same
        numbers: the quantile is computed element by element); for rates known in advance,
        since one call to scipy costs as much as a month's worth of the model's arithmetic."""
        rates = np.asarray(rates, dtype=float)
        positive = rates > 0
        q = poisson.ppf(self.u, np.where(positive, rates, 1.0))
        return np.where(positive, np.maximum(q, 0), 0).astype(np.int64)
