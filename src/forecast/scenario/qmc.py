"""Randomised quasi-Monte Carlo (RQMC) uniforms for the parameter draws: `--sampling rqmc`.

What. In a plain Monte Carlo run (`random`, the default) each uncertain parameter's uniform in
replication r comes from its own pseudo-random stream (`params.param_rng`). With `rqmc` the
uniforms of the replications form K = SCRAMBLES independently randomised low-discrepancy
sequences instead: replication r is point j = r // K of randomisation k = r mod K. Within one
randomisation the points of every parameter are stratified: any 2^m consecutive points from
a multiple of 2^m (in particular the first 2^m) put exactly one point in each of the 2^m
intervals [i/2^m, (i+1)/2^m) of that parameter's uniform, so the quantiles of each
distribution are covered evenly rather than by chance. The correlations (a Gaussian copula,
`draws.py`) and the quantile functions act on these uniforms exactly as on random ones, so
each replication's marginal distributions are those the scenario states.

Why. The forecast's figures are means over replications of functions of ~100 drawn
parameters; most of their variance is the sum of one-parameter effects, which stratification
removes. Fewer replications then give the same precision (benchmarks/bench_rqmc.py measures how
many). The K randomisations are independent, so their K means are independent unbiased
estimates and their spread is an honest standard error (`futures/statistics.py rqmc_se`); the
binomial and i.i.d. formulas would overstate the error of a stratified sample.

Construction (and why not scipy's Sobol' table). A Sobol' point's coordinate d is a digital
(0,1)-sequence: the binary digits of j multiplied by an upper-triangular generator matrix over
GF(2), then scrambled. Sobol' picks the matrix of coordinate d from a table of direction numbers
by its *position* d. Positions are what an overlay shifts: a reform adding a pathway, an
activity or a pay lag (or giving a fixed figure a range) would renumber the parameters after
it, change their draws, and break the common random numbers base and reform share
(`planner/paired.py`). Hashing paths into Sobol' dimensions would collide now and then, and two
parameters on one dimension are strongly dependent. So each parameter here has its own
generator matrix, drawn, with a random digital shift, from a stream keyed by the run's seed,
the randomisation k and the parameter's path (never its position): upper triangular with a unit
diagonal (the (0,1)-sequence property above, for every parameter) and random bits above it.
A parameter's coordinate therefore depends on (seed, replication, path) alone: adding a
parameter moves no other one's draw, every backend computes a replication from its number
alone, and no matrix of all points is built (each replication costs ~10 µs per parameter).
The net over all parameters is a random digital net (its two-dimensional projections good on
average rather than optimised as Sobol's first dimensions are — which matters little with ~100
parameters, where Sobol's own later dimensions are no better), randomised by the shift: every
point is exactly uniform, the parameters independent, the randomisations independent.

Balance. The stratification is exact for 2^m points per randomisation; a run of N = K × 2^m
replications (e.g. 32, 64, 128 with K = 8) is balanced in every randomisation. Other N are
valid (unbiased, honest error) but the last, partial block of each randomisation is
stratified only as far as it goes; runs to a precision grow in balanced batches
(`balanced`). The dynamics (aleatory) streams are the same as in a plain run.
"""
from __future__ import annotations

import zlib

import numpy as np

from forecast.core.errors import InputError

#: the ways of drawing the parameters' uniforms (`--sampling`)
METHODS = ("random", "rqmc")
#: independent randomisations K: replication r is point r // K of randomisation r mod K. Eight
#: give the standard error 7 degrees of freedom while keeping 4–8 points per randomisation at
#: the 32–64 replications of a quick run.
SCRAMBLES = 8
BITS = 32
MASK = (1 << BITS) - 1
#: the spawn-key word naming the RQMC streams (SeedSequence(seed) children (STREAM, k, crc32(path)));
#: replication streams are children (r,), so these never meet them
STREAM = zlib.crc32(b"forecast.rqmc")
RULE = (f"randomised quasi-Monte Carlo: replication r draws its parameters' uniforms as point r // {SCRAMBLES} of "
        f"randomisation r mod {SCRAMBLES}; each parameter's coordinate is a digital (0,1)-sequence (stratified at "
        "every power of two) with a random generator matrix and digital shift from the stream "
        f"SeedSequence(seed) child ({STREAM}, randomisation, crc32(path)); the {SCRAMBLES} randomisations are "
        "independent, and standard errors are the spread of their means (sqrt(sum n_k (m_k - m)^2 / ((K-1) N))); "
        "dynamics as in plain Monte Carlo")


def check_method(method: str, option: str = "--sampling") -> str:
    """The sampling method, or an InputError (exit 2) saying which are known."""
    if method not in METHODS:
        raise InputError(option, "", f"{method!r} is not a sampling method", " | ".join(METHODS))
    return method


def position(replication: int) -> tuple[int, int]:
    """(randomisation k, point j) of a replication."""
    return replication % SCRAMBLES, replication // SCRAMBLES


def group(replications) -> np.ndarray:
    """The randomisation of each replication (numbers as in a run)."""
    return np.asarray(replications, dtype=np.int64) % SCRAMBLES


def coordinate(seed: int, k: int, j: int, path: str) -> float:
    """The uniform of parameter `path` at point j of randomisation k of a run with `seed`."""
    if not 0 <= j < 2 ** BITS:
        raise ValueError(f"point {j} beyond the {BITS}-bit sequence")
    ss = np.random.SeedSequence(entropy=seed, spawn_key=(STREAM, k, zlib.crc32(path.encode())))
    state = [int(w) for w in ss.generate_state(2 * BITS + 1, dtype=np.uint32)]
    y, c = 0, 0
    while j:                                      # y = C j: column c has its unit on row c (bit
        if j & 1:                                 # BITS-1-c) and random bits above it
            lead = 1 << (BITS - 1 - c)
            y ^= lead | (state[c] & ~(2 * lead - 1) & MASK)
        j >>= 1
        c += 1
    x = state[2 * BITS]                           # the digital shift, then z = L y (L lower
    for i in range(BITS):                         # triangular: bit i mixes in the bits above it)
        bit = 1 << (BITS - 1 - i)
        if (y & bit) ^ (bit if (y & state[BITS + i] & ~(2 * bit - 1) & MASK).bit_count() & 1 else 0):
            x ^= bit
    return (x + 0.5) / 2 ** BITS


def uniforms(seed: int, replication: int):
    """path → uniform of replication `replication` (a function for `draws.draw`)."""
    k, j = position(replication)
    return lambda path: coordinate(seed, k, j, path)


def balanced(n: int) -> int:
    """The smallest run of at least n replications balanced in every randomisation: K × 2^m."""
    per = max(1, -(-n // SCRAMBLES))
    return SCRAMBLES * (1 << (per - 1).bit_length())
