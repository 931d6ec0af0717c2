"""Analytic oracle for the ladder dynamics.

With capacities and demography off, only the self-evaluation pathway, no apprenticeship
entry, no minimum time in grade and central values, every worker follows the same Markov
chain, independently of the others: each month a worker at level L certifies to the next
level (未取证 and 学徒工 go straight to 初级工) with the monthly equivalent r_L = 1 − (1 − p_L)^(1/12)
of the yearly rate p_L; 首席技师 is absorbing. Month-end stocks of month t (0 = January 2025)
are then Multinomial(n0, π_t) with π_t = π0 · P^(t+1), π0 the initial level distribution
(skilled share spread by the skilled mix, apprentice share, the rest uncertified).

Tolerance: the mean over R independent replications of a stock has standard error
SE = sqrt(n0 · π_t(1 − π_t) / R); every level at every checked month must lie within 4 SE of
n0 · π_t (a false alarm per cell has probability 6e-5, about 0.3 % over the 45 cells).
"""
from __future__ import annotations

import numpy as np
import pytest

import forecast
from forecast.model.engine import Options

N0 = 20000
REPLICATIONS = 40
CHECK_MONTHS = [0, 5, 11, 23, 47]
#: yearly certification rates set by the overlay (higher than the scenario's, so the chain moves)
YEARLY = [0.10, 0.45, 0.30, 0.25, 0.20, 0.15, 0.10, 0.05, 0.0]
NAMES = ["未取证", "学徒工", "初级工", "中级工", "高级工", "技师", "高级技师", "特级技师"]

OVERLAY = f"""
[calendar]
end = 2028-12-31

[population.employed]
value = {N0}
range = [{N0}, {N0}]
assumption = "oracle: fixed head count"

[pathways.self_evaluation.apprentice_entry]
value = 0.0
range = [0.0, 0.0]
assumption = "oracle: no entry into apprenticeship"

[pathways.self_evaluation.rate_scale]
value = 1.0
range = [1.0, 1.0]
assumption = "oracle: rates as given"

[pathways.self_evaluation.yearly_rate]
assumption = "oracle: fast ladder"
values = {{ {", ".join(f'"{n}" = {p}' for n, p in zip(NAMES, YEARLY))} }}

[ladder.min_months]
assumption = "oracle: no time in grade"
values = {{ {", ".join(f'"{n}" = 0' for n in NAMES)} }}
"""

# Initial distribution, from the Huishan scenario's central values: skilled share 0.28 spread by
# skilled_mix (初级工 .30, 中级工 .37, 高级工 .22, 技师 .08, 高级技师 .025, 特级技师 .003,
# 首席技师 .002 — they sum to 1), apprentice share 0.01, uncertified the rest 1 − 0.28 − 0.01 = 0.71.
PI0 = np.array([0.71, 0.01, 0.28 * 0.30, 0.28 * 0.37, 0.28 * 0.22, 0.28 * 0.08, 0.28 * 0.025,
                0.28 * 0.003, 0.28 * 0.002])


def transition_matrix() -> np.ndarray:
    monthly = 1.0 - (1.0 - np.array(YEARLY)) ** (1.0 / 12.0)
    P = np.zeros((9, 9))
    for level in range(9):
        nxt = 2 if level < 2 else min(level + 1, 8)
        P[level, level] += 1.0 - monthly[level]
        P[level, nxt] += monthly[level]
    return P


def expected_shares(months: int) -> np.ndarray:
    """π_t for t = 0 … months − 1: shares at each month's end."""
    P = transition_matrix()
    out, pi = [], PI0.copy()
    for _ in range(months):
        pi = pi @ P
        out.append(pi)
    return np.array(out)


@pytest.fixture(scope="module")
def mean_counts(tmp_path_factory):
    from pathlib import Path
    huishan = Path(__file__).resolve().parents[2] / "scenarios" / "huishan"
    path = tmp_path_factory.mktemp("oracle") / "oracle.toml"
    path.write_text(f'base = "{huishan.as_posix()}"\n' + OVERLAY, encoding="utf-8")
    scenario = forecast.load_scenario(path)
    options = Options(capacities=False, demography=False, pathways=("self_evaluation",))
    runs = [forecast.simulate(scenario, seed=2025, replication=r, uncertain=False, options=options).ladder_counts
            for r in range(REPLICATIONS)]
    return np.mean(runs, axis=0), np.array(runs)


def test_closed_population_keeps_its_head_count(mean_counts):
    _, runs = mean_counts
    assert (runs.sum(axis=2) == N0).all()


def test_ladder_stocks_match_markov_chain_within_4_standard_errors(mean_counts):
    mean, _ = mean_counts
    pi = expected_shares(mean.shape[0])
    for t in CHECK_MONTHS:
        expected = N0 * pi[t]
        se = np.sqrt(N0 * pi[t] * (1 - pi[t]) / REPLICATIONS)
        z = (mean[t] - expected) / se
        assert np.all(np.abs(z) < 4), f"month {t}: expected {expected.round(1)}, got {mean[t]}, z {z.round(2)}"


def test_oracle_detects_a_one_month_shift(mean_counts):
    """The check above has power: the chain one month behind (π0 · P^t) is rejected."""
    mean, _ = mean_counts
    pi = expected_shares(mean.shape[0])
    behind = np.vstack([PI0, pi[:-1]])
    t = 11
    se = np.sqrt(N0 * behind[t] * (1 - behind[t]) / REPLICATIONS)
    z = (mean[t] - N0 * behind[t]) / se
    assert np.max(np.abs(z)) > 4
