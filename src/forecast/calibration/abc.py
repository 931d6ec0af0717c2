"""`forecast calibrate`: pin assumptions with observed figures, by ABC-SMC.

**Method: ABC-SMC** — approximate Bayesian computation by sequential Monte Carlo, in the
population Monte Carlo form of Beaumont et al. (2009), with a Gaussian kernel (Wilkinson 2013)
whose tolerance shrinks generation by generation to the observations' own uncertainty.

- *Space.* Each calibrated parameter is moved by its quantile u ∈ (0, 1) of its own prior (the
  scenario's distribution, `Param.quantile`), written as a normal score z = Φ⁻¹(u): the prior
  is then N(0, I) whatever the distributions, and the proposals need no bounds. The other
  parameters stay at their central values; the prior's correlations are not used.
- *Distance.* d² = Σ_j ((s_j − o_j) / sd_j)² over the observations with `use = "fit"`: s_j is
  the metric in one simulated future, o_j the observed value, sd_j its stated uncertainty.
- *Weights.* A run i at tolerance ε weighs w_i ∝ π(z_i) exp(−d²_i / 2ε²) / q(z_i), where q is
  the mixture of every proposal used so far in proportion to its runs (deterministic mixture
  importance sampling: every run of every generation counts in the final estimate). At ε = 1
  the kernel is the Gaussian likelihood of the observations with their sd, so the weighted
  runs are the Bayesian posterior: prior × likelihood, with the model's own randomness in it,
  because every run is a different replication (its own dynamics).
- *Generations.* The first draws n runs from the prior. Each later one chooses the smallest
  ε ≥ 1 that keeps an effective sample size (Σw)² / Σw² of n/2 (never above the last ε), and
  draws n runs from the weighted runs perturbed by a normal with twice their weighted
  covariance (Beaumont et al.). n = min(200, max(10, budget / 4)): four or more generations.
- *Why not simulated method of moments on common random numbers.* SMM gives a point that
  matches the moments and an interval from a local, linear sensitivity of the moments and
  their simulation noise; with a few aggregates, counts of a stochastic district and priors
  that are ranges, the fit surface is flat along ridges (seats and certification rates trade
  off) and the local interval is unreliable. ABC-SMC costs more runs but needs no derivative,
  keeps the prior's bounds and gives intervals that mean what they say.
- *What the intervals mean.* p5 and p95 are the 5th and 95th weighted percentiles of the
  posterior (a 90 % credible interval); the estimate is its median. When the budget ends
  before ε reaches 1, the intervals are those of the ABC approximation at that ε (the
  observations' sd widened ε times): wider than the data alone would give, reported as
  `tolerance` in the outputs.
- *Cost.* `max_runs` bounds the simulations: the search takes all but `fit_reps`, which
  simulate the estimate to show the fit. One default-district run takes 1.5–3 s.

Every run is `simulate(scenario, seed, r, uncertain=False, at=…)` with r its number, so the
result is the same whatever the backend.
"""
from __future__ import annotations

import difflib
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import logsumexp, ndtr

from forecast.core.errors import InputError
from forecast.futures import jobs
from forecast.calibration.observed import Observation, simulated
from forecast.futures.settings import Compute, Draws
from forecast.futures.simulate import simulate

METHOD = "ABC-SMC (population Monte Carlo, Gaussian kernel, shrinking tolerance) in prior quantiles"
#: the smallest budget that leaves a first generation and a fit
MIN_RUNS = 30
#: replications of the estimate shown in the fit table
FIT_REPS = 5
#: effective sample size kept when the tolerance shrinks, as a share of a generation
ESS_SHARE = 0.5
U_CLIP = 1e-6
#: a calibration's default settings: its runs one after the other in this process
SERIAL = Compute(backend="serial")


def check_params(scenario, names) -> tuple[str, ...]:
    """The parameter paths to calibrate: each a drawn parameter of the scenario (InputError
    naming the key otherwise)."""
    specs = scenario.parameter_specs()
    names = tuple(dict.fromkeys(names or ()))
    if not names:
        raise InputError("--params", "", "no parameter given", "one or more paths of parameters.csv with a range")
    for name in names:
        if name not in specs:
            drawn = [p for p in specs if specs[p].uncertain]
            near = [p for p in drawn if p.startswith(name + ".")] or difflib.get_close_matches(name, drawn, 3, 0.6) \
                or drawn[:3]
            raise InputError("--params", name, f"not a parameter of {scenario.path}",
                             "a parameter path as in parameters.csv, e.g. " + ", ".join(near[:3]))
        if not specs[name].uncertain:
            raise InputError("--params", name, "is fixed in the scenario (no range to calibrate within)",
                             "a parameter with a range or a distribution")
    return names


@dataclass(frozen=True)
class Batch:
    """A batch of runs (picklable for the backends): run i places `names` at quantiles
    `points[i]` and is replication `first + i`."""

    scenario: object
    seed: int
    observations: tuple
    names: tuple
    points: np.ndarray
    first: int


def run_point(batch: Batch, i: int) -> np.ndarray:
    """Run i of a batch: the observations' metrics in its simulated future."""
    at = {n: float(u) for n, u in zip(batch.names, batch.points[i])}
    result = simulate(batch.scenario, batch.seed, batch.first + i, uncertain=False, at=at)
    return simulated(result, batch.observations)


def _run_batch(batch: Batch, compute: Compute) -> np.ndarray:
    """Every run of a batch (runs × observations), on the job runner (no checkpoint: a
    calibration's generations are short and each depends on the last)."""
    done = jobs.run(run_point, batch, range(len(batch.points)), compute)
    return np.asarray(done.in_order(), dtype=float).reshape(len(batch.points), len(batch.observations))


@dataclass
class Calibration:
    """The outcome: posterior percentiles per parameter, every run, the fit at the estimate."""

    names: tuple
    specs: dict                 # name → Param (the prior)
    u: np.ndarray               # parameters × (p5, estimate, p95), quantiles of the prior
    particles: pd.DataFrame     # every run: generation, replication, u per parameter, d2, weight
    fit: pd.DataFrame
    tolerance: float
    ess: float
    runs: int
    generations: int
    seconds: float
    method: str = METHOD
    notes: list = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """parameter, prior low/central/high and its own 5–95 % interval (to compare with the
        posterior's), estimate, p5, p95 (the parameter's own units), and the same as quantiles."""
        rows = []
        for name, (lo, mid, hi) in zip(self.names, self.u):
            s = self.specs[name]
            rows.append({"parameter": name, "prior_dist": s.dist, "prior_low": s.low, "prior_central": s.central,
                         "prior_high": s.high, "prior_p5": s.quantile(0.05), "prior_p95": s.quantile(0.95), "estimate": s.quantile(mid), "p5": s.quantile(lo),
                         "p95": s.quantile(hi), "u_estimate": mid, "u_p5": lo, "u_p95": hi})
        return pd.DataFrame(rows)


def _log_normal_mixture(z: np.ndarray, centres: np.ndarray, logw: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """log Σ_j w_j N(z; centre_j, LLᵀ) for each row of z."""
    k = z.shape[1]
    diff = z[:, None, :] - centres[None, :, :]
    sol = np.linalg.solve(chol, diff.reshape(-1, k).T).T.reshape(diff.shape)
    logdet = 2 * np.log(np.diag(chol)).sum()
    logpdf = -0.5 * (sol ** 2).sum(axis=2) - 0.5 * (k * np.log(2 * np.pi) + logdet)
    return logsumexp(logpdf + logw[None, :], axis=1)


def _log_prior(z: np.ndarray) -> np.ndarray:
    return -0.5 * (z ** 2).sum(axis=1) - 0.5 * z.shape[1] * np.log(2 * np.pi)


def _weights(log_base: np.ndarray, d2: np.ndarray, eps: float) -> np.ndarray:
    """Normalised importance weights at tolerance eps (0 for a run without a finite distance)."""
    logw = np.where(np.isfinite(d2), log_base - d2 / (2 * eps ** 2), -np.inf)
    if not np.isfinite(logw).any():
        return np.zeros_like(logw)
    w = np.exp(logw - logw.max())
    return w / w.sum()


def _ess(w: np.ndarray) -> float:
    return float(1 / (w ** 2).sum()) if w.sum() > 0 else 0.0


def _tolerance(log_base: np.ndarray, d2: np.ndarray, target: float, ceiling: float) -> float:
    """The smallest ε in [1, ceiling] whose weights keep an effective sample size of target."""
    if _ess(_weights(log_base, d2, 1.0)) >= target:
        return 1.0
    if _ess(_weights(log_base, d2, ceiling)) < target:
        return ceiling
    lo, hi = 0.0, np.log(ceiling)
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if _ess(_weights(log_base, d2, np.exp(mid))) >= target else (mid, hi)
    return float(np.exp(hi))


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The q-quantile of x under weights w (linear between the weighted midpoints)."""
    order = np.argsort(x)
    x, w = x[order], w[order]
    cum = np.cumsum(w) - 0.5 * w
    return float(np.interp(q * w.sum(), cum, x))


def generation_sizes(budget: int) -> list[int]:
    """How many runs each generation gets: n = min(200, max(10, budget // 4)), the rest last."""
    n = min(200, max(10, budget // 4))
    sizes = [n] * (budget // n)
    if budget % n:
        sizes.append(budget % n)
    return sizes


def calibrate(scenario, observations: tuple[Observation, ...], names, *, max_runs: int = 200,
              draws: Draws = Draws(), compute: Compute = SERIAL, fit_reps: int = FIT_REPS) -> Calibration:
    """Calibrate `names` on the observations with use = "fit" (see the module's docstring). Of
    `draws` only the seed is used (the runs place the parameters); `compute`: the backend and
    progress (serial by default; no resume)."""
    draws.refuse("a calibration (its runs place the parameters)", "uncertain", "fixed", "sampling")
    if compute.resume:
        raise InputError("--resume", "", "a calibration keeps no checkpoint", "run it again without --resume")
    seed = draws.seed
    names = check_params(scenario, names)
    if max_runs < MIN_RUNS:
        raise InputError("--max-runs", "", f"{max_runs} is too few", f"at least {MIN_RUNS} simulations")
    started = time.perf_counter()
    specs = {n: scenario.parameter_specs()[n] for n in names}
    fitted = tuple(o for o in observations if o.use == "fit")
    obs = np.array([o.value for o in fitted])
    sd = np.array([o.sd for o in fitted])
    k = len(names)
    budget = max_runs - fit_reps
    sizes = generation_sizes(budget)
    n = sizes[0]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xCA1]))
    z_all = np.empty((0, k))
    d2_all = np.empty(0)
    gen_all = np.empty(0, dtype=int)
    proposals: list = []          # (runs, centres, logw, chol); None centres = the prior
    eps = np.inf
    log_base = np.empty(0)        # the runs' log prior over proposal density: set after each generation
    for g, m in enumerate(sizes):
        if g == 0:
            z = rng.standard_normal((m, k))
            proposals.append((m, None, None, None))
        else:
            w = _weights(log_base, d2_all, eps)
            keep = w > 1e-12 * w.max()
            centres, wk = z_all[keep], w[keep] / w[keep].sum()
            mean = wk @ centres
            cov = 2 * ((centres - mean).T * wk) @ (centres - mean) + 1e-4 * np.eye(k)
            chol = np.linalg.cholesky(cov)
            picks = rng.choice(len(centres), size=m, p=wk)
            z = centres[picks] + rng.standard_normal((m, k)) @ chol.T
            proposals.append((m, centres, np.log(wk), chol))
        u = np.clip(ndtr(z), U_CLIP, 1 - U_CLIP)
        sims = _run_batch(Batch(scenario, seed, fitted, names, u, len(z_all)),
                          compute.counting_from(len(z_all), max_runs))
        d2 = (((sims - obs) / sd) ** 2).sum(axis=1)
        d2 = np.where(np.isfinite(d2), d2, np.inf)
        z_all, d2_all = np.vstack([z_all, z]), np.concatenate([d2_all, d2])
        gen_all = np.concatenate([gen_all, np.full(m, g)])
        if not np.isfinite(d2_all).any():
            raise InputError("--observed", "", "no simulated future gives a value for the figures to fit "
                             "(a share or rate whose base is zero in the period?)",
                             "figures whose metric the scenario produces in their period")
        log_base = _log_prior(z_all) - _log_mixture(z_all, proposals)
        finite = d2_all[np.isfinite(d2_all)]
        ceiling = max(1.0, float(np.sqrt(finite.max())) * 10) if finite.size else 1.0
        eps = min(eps, _tolerance(log_base, d2_all, ESS_SHARE * n, ceiling))
    w = _weights(log_base, d2_all, eps)
    u_all = np.clip(ndtr(z_all), U_CLIP, 1 - U_CLIP)
    pct = np.array([[weighted_quantile(u_all[:, j], w, q) for q in (0.05, 0.5, 0.95)] for j in range(k)])
    particles = pd.DataFrame({"generation": gen_all, "replication": np.arange(len(z_all))})
    for j, name in enumerate(names):
        particles[name] = [specs[name].quantile(x) for x in u_all[:, j]]
        particles[f"u:{name}"] = u_all[:, j]
    particles["d2"], particles["weight"] = d2_all, w
    fit = fit_table(scenario, observations, names, pct[:, 1], seed, budget, fit_reps,
                    compute.counting_from(budget, max_runs))
    if compute.progress:
        compute.progress(max_runs, max_runs)
    cal = Calibration(names, specs, pct, particles, fit, float(eps), _ess(w), len(z_all) + fit_reps,
                      len(sizes), time.perf_counter() - started)
    if eps > 1:
        cal.notes.append(f"the tolerance reached {eps:.2f}, not 1: the intervals are those of the ABC approximation "
                         f"(the observations' sd widened {eps:.2f} times); more --max-runs would narrow them")
    return cal


def _log_mixture(z: np.ndarray, proposals: list) -> np.ndarray:
    """log of the deterministic mixture of the proposals, each weighted by its share of runs."""
    total = sum(p[0] for p in proposals)
    parts = []
    for runs, centres, logw, chol in proposals:
        q = _log_prior(z) if centres is None else _log_normal_mixture(z, centres, logw, chol)
        parts.append(np.log(runs / total) + q)
    return logsumexp(np.vstack(parts), axis=0)


FIT_COLUMNS = ["observation", "metric", "programme", "period", "observed", "sd", "simulated_mean",
               "simulated_p5", "simulated_p95", "residual", "use", "proxy", "source"]


def fit_table(scenario, observations, names, u_estimate, seed: int, first: int, reps: int,
              compute: Compute = SERIAL) -> pd.DataFrame:
    """Observed against simulated at the estimate (mean and 90 % range over `reps`
    replications, numbered from `first`), with the standardised residual (observed − mean) / sd;
    figures outside the calendar are listed with empty simulated columns."""
    inside = tuple(o for o in observations if o.inside(scenario))
    sims = np.empty((reps, 0))
    if inside and reps:
        points = np.tile(np.asarray(u_estimate, dtype=float), (reps, 1))
        sims = _run_batch(Batch(scenario, seed, inside, tuple(names), points, first), compute)
    rows = []
    for o in observations:
        row = {"observation": o.name, "metric": o.metric, "programme": o.programme, "period": o.period,
               "observed": o.value, "sd": o.sd, "simulated_mean": np.nan, "simulated_p5": np.nan,
               "simulated_p95": np.nan, "residual": np.nan, "use": o.use, "proxy": o.proxy, "source": o.source}
        if o in inside and sims.size:
            s = sims[:, inside.index(o)]
            s = s[np.isfinite(s)]
            if s.size:
                mean = float(s.mean())
                row.update(simulated_mean=mean, simulated_p5=float(np.percentile(s, 5)),
                           simulated_p95=float(np.percentile(s, 95)), residual=(o.value - mean) / o.sd)
        rows.append(row)
    return pd.DataFrame(rows, columns=FIT_COLUMNS)
