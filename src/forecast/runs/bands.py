"""The spread every Monte Carlo output reports: the mean and the 5/25/50/75/95th percentiles
over replications, under one set of column names."""
from __future__ import annotations

import numpy as np

QUANTILES = (5, 25, 50, 75, 95)
STATS = ["mean"] + [f"p{q}" for q in QUANTILES]
#: the row that sums all rules in the long statistics tables
TOTAL = "total"


def bands(x, axis: int = 0) -> dict:
    """mean and percentiles of x over `axis` (the replications)."""
    x = np.asarray(x, dtype=float)
    q = np.percentile(x, QUANTILES, axis=axis)
    return {"mean": x.mean(axis=axis), **{f"p{p}": q[i] for i, p in enumerate(QUANTILES)}}
