"""The reference toy of benchmarks/reference.py computes what it claims: both its forms (one SimPy
process per worker, numpy arrays) agree with the exact expectation of the Markov chain they
simulate, and are reproducible from their seed. The benchmarks' ratios are only meaningful if the
two forms do the same work, so this checks the work, on a small population (fast)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "reference.py"
spec = importlib.util.spec_from_file_location("benchmarks_reference", PATH)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

WORKERS, MONTHS = 2_000, 36
FORMS = {"naive": ref.naive, "vectorised": ref.vectorised}


def exact() -> tuple[np.ndarray, np.ndarray, float, float]:
    """Expected final counts and their variances; expected total reward and its variance.

    Workers are independent and start on fixed levels, so a final count is a sum of independent
    Bernoulli indicators (variance Σ p(1 − p)), and the total reward a sum of independent
    per-worker rewards whose first two moments follow from a backward recursion over months."""
    P = ref.transition()
    c0 = ref.initial_counts(WORKERS).astype(float)
    Pm = np.linalg.matrix_power(P, MONTHS)
    mean_counts = c0 @ Pm
    var_counts = c0 @ (Pm * (1 - Pm))
    h, r = ref.HAZARD, ref.REWARD
    up = np.minimum(np.arange(ref.LEVELS) + 1, ref.LEVELS - 1)
    V = np.zeros(ref.LEVELS)   # E[reward from month m on | level]
    W = np.zeros(ref.LEVELS)   # E[(reward from month m on)² | level]
    for _ in range(MONTHS):
        V, W = (h * (r + V[up]) + (1 - h) * V,
                h * (r ** 2 + 2 * r * V[up] + W[up]) + (1 - h) * W)
    return mean_counts, var_counts, float(c0 @ V), float(c0 @ (W - V ** 2))


def test_reward_recursion_matches_the_sum_over_months():
    """The expected total reward is Σ_months Σ_levels E[count at level l in month m] × h[l] × reward[l]."""
    P, c = ref.transition(), ref.initial_counts(WORKERS).astype(float)
    total = 0.0
    for _ in range(MONTHS):
        total += float(c @ (ref.HAZARD * ref.REWARD))
        c = c @ P
    assert exact()[2] == pytest.approx(total, rel=1e-12)


@pytest.mark.parametrize("form", FORMS)
def test_final_counts_within_five_standard_errors(form):
    mean, var, _, _ = exact()
    _, counts = FORMS[form](WORKERS, MONTHS, seed=3)
    assert counts.sum() == WORKERS
    assert np.all(np.abs(counts - mean) <= 5 * np.sqrt(var) + 1e-9), (counts, mean.round(1))


@pytest.mark.parametrize("form", FORMS)
def test_total_reward_within_five_standard_errors(form):
    _, _, mean, var = exact()
    total, _ = FORMS[form](WORKERS, MONTHS, seed=4)
    assert abs(total - mean) <= 5 * np.sqrt(var), (total, mean, np.sqrt(var))


@pytest.mark.parametrize("form", FORMS)
def test_same_seed_same_result(form):
    a, b, c = (FORMS[form](WORKERS, MONTHS, seed=s) for s in (7, 7, 8))
    assert a[0] == b[0] and np.array_equal(a[1], b[1])
    assert (a[0], a[1].tolist()) != (c[0], c[1].tolist())


def test_ratios():
    times = {"naive_s": 8.0, "numpy_s": 0.2, "workers": 360_000, "months": 36}
    assert ref.ratios(4.0, times) == {"x_naive_toy": 0.5, "x_numpy_floor": 20.0}
    assert ref.ratios(4.0, times, scale=96 / 36)["x_numpy_floor"] == pytest.approx(7.5)
    assert ref.ratios(4.0, {"skipped": True}) == {"x_naive_toy": None, "x_numpy_floor": None}
