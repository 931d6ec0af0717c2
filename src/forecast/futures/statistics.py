"""Statistics over replications: the bands every output reports and the Monte Carlo error of a
mean with its convergence verdict (CONVERGENCE_RULE, written into summary.json)."""
from __future__ import annotations

import math

import numpy as np

QUANTILES = (5, 25, 50, 75, 95)
STATS = ["mean"] + [f"p{q}" for q in QUANTILES]
#: the row that sums all rules in the long statistics tables
TOTAL = "total"
#: convergence tolerances: MC standard error at most this share of an outlay total's mean …
REL_TOLERANCE = 0.01
#: … or at most this for a probability of meeting a target
PROB_TOLERANCE = 0.02
CONVERGENCE_RULE = (
    "MC SE = standard deviation across replications / sqrt(N). A headline figure is settled when "
    "(1) no drift: the means of the first and the second half of the replications (in replication "
    "order) differ by at most 2 standard errors of that difference, and (2) precision: its MC SE is at "
    f"most {REL_TOLERANCE:.0%} of its mean (outlay totals) or {PROB_TOLERANCE} (probability of meeting "
    "a target; for this check the probability is estimated as (k+1)/(N+2), so that 0 or N successes "
    "in few replications do not pass as exact). When every headline figure is settled, more "
    "replications are expected to move none of them by more than its tolerance; otherwise "
    "reps_needed = N*(SE/tolerance)^2 estimates how many replications would settle it.")


def bands(x, axis: int = 0) -> dict:
    """mean and percentiles of x over `axis` (the replications)."""
    x = np.asarray(x, dtype=float)
    q = np.percentile(x, QUANTILES, axis=axis)
    return {"mean": x.mean(axis=axis), **{f"p{p}": q[i] for i, p in enumerate(QUANTILES)}}


def rqmc_se(x, groups) -> float:
    """The standard error of the mean of x over replications drawn in independent
    randomisations (`groups`: each replication's randomisation, `scenario/qmc.py`): from the
    spread of the randomisations' means m_k (n_k replications each) around the mean m,
    sqrt(sum n_k (m_k - m)^2 / ((K - 1) N)) — the usual RQMC estimate when the n_k are equal,
    the i.i.d. one when each randomisation holds one replication. inf with one randomisation."""
    x = np.asarray(x, dtype=float)
    keys, inverse, counts = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)
    if len(keys) < 2:
        return math.inf
    means = np.bincount(inverse, weights=x) / counts
    return math.sqrt(float((counts * (means - x.mean()) ** 2).sum()) / ((len(keys) - 1) * len(x)))


def convergence(x: np.ndarray, probability: bool = False, groups=None) -> dict:
    """Monte Carlo error of a mean over replications and whether it has settled (CONVERGENCE_RULE).
    With `groups` (randomised quasi-Monte Carlo) the error is `rqmc_se`; a probability's check
    then uses it, but never below the resolution of N outcomes, sqrt(pt(1-pt))/N."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    mean = float(x.mean())
    if groups is not None:
        se = rqmc_se(x, groups) if n > 1 else math.inf
    else:
        se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf
    if probability:
        pt = (float(x.sum()) + 1.0) / (n + 2.0)
        se_check, tol = math.sqrt(pt * (1.0 - pt) / n), PROB_TOLERANCE
        if groups is not None:
            se_check = max(se, math.sqrt(pt * (1.0 - pt)) / n)
    else:
        se_check, tol = se, REL_TOLERANCE * abs(mean)
    h = n // 2
    out = {"mc_se": rounded(se if n > 1 else None), "tolerance": rounded(tol)}
    if h >= 2:
        a, b = x[:h], x[h:]
        diff = float(a.mean() - b.mean())
        se_diff = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        no_drift = abs(diff) <= 2.0 * se_diff
        out.update(first_half_mean=rounded(a.mean()), second_half_mean=rounded(b.mean()),
                   halves_differ_in_se=rounded(diff / se_diff) if se_diff > 0 else 0.0)
    else:
        no_drift = False
        out.update(first_half_mean=None, second_half_mean=None, halves_differ_in_se=None)
    precise = se_check <= tol
    needed = n if precise else (math.ceil(n * (se_check / tol) ** 2) if tol > 0 and math.isfinite(se_check) else None)
    out.update(no_drift=bool(no_drift), precise=bool(precise), settled=bool(no_drift and precise),
               reps_needed=None if needed is None else max(n, int(needed)))
    return out


def rounded(v, digits: int = 6):
    """A finite number rounded for JSON, or None."""
    if v is None:
        return None
    v = float(v)
    return round(v, digits) if math.isfinite(v) else None
