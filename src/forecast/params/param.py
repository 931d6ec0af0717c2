"""Scenario parameters: a fixed value or a distribution, each with where it comes from.

A figure from a seed is a policy fact and needs only its source. Any other figure is an
*assumption*: the scenario must say so, give its source or reasoning and a plausible range
(for a fixed value) or a bounded distribution. One run draws every distribution once.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from forecast.policy import ladder


@dataclass(frozen=True)
class Domain:
    """The values a parameter may take, and how to say so in an error message."""

    low: float
    high: float
    integer: bool
    text: str

    def contains(self, x: float) -> bool:
        """Whether x is a finite number of the domain: inf, -inf, nan and integers too large
        for a float are outside every domain (they would crash or poison the arithmetic)."""
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            return False
        try:
            f = float(x)
        except OverflowError:   # a TOML integer beyond any float
            return False
        if not math.isfinite(f):
            return False
        if self.integer and f != int(f):
            return False
        return self.low <= f <= self.high


#: The largest amount a scenario may state, in yuan (a reward, a rule's tier or range, a
#: reference amount, the fund's principal or yearly top-up): one billion, ten times the
#: Huishan fund's 100–130 million principal and 10,000 times its largest single reward
#: (HS-A1b's 100,000). A larger figure is a typing slip (or TOML's `inf`), and refusing it keeps
#: the sums of a run's amounts far inside a float's precision.
MAX_AMOUNT = 1e9
#: The largest count a scenario may state (workers, employers, seats, entrants, a target's
#: goal, a tier's minimum) and the largest yearly rate of arrivals: one hundred million, more
#: than the employed of any Chinese province and 200 times Huishan's; the engine holds one row
#: per worker, so a larger district could not be simulated anyway.
MAX_COUNT = 10**8

PROBABILITY = Domain(0.0, 1.0, False, "a probability in [0, 1]")
SHARE = Domain(0.0, 1.0, False, "a share in [0, 1]")
AMOUNT = Domain(0.0, MAX_AMOUNT, False, "an amount ≥ 0 (yuan), at most 1e9")
COUNT = Domain(0, MAX_COUNT, True, "a whole number ≥ 0, at most 1e8")
RATE = Domain(0.0, MAX_COUNT, False, "a rate ≥ 0, at most 1e8")
ELASTICITY = Domain(0.0, 5.0, False, "an elasticity in [0, 5]")
MONTHS = Domain(0, 1200, True, "a whole number of months in [0, 1200]")
GROWTH = Domain(-0.5, 0.5, False, "a yearly growth rate in [-0.5, 0.5]")
RETURN = Domain(-0.5, 0.5, False, "a yearly rate in [-0.5, 0.5]")
AGE = Domain(14, 80, False, "an age in years in [14, 80]")
FACTOR = Domain(0.0, 100.0, False, "a factor in [0, 100]")
#: months a course or a pairing lasts: at least one (it ends in a later month than it starts)
DURATION = Domain(1, 1200, True, "a whole number of months in [1, 1200]")
POSITIVE_COUNT = Domain(1, MAX_COUNT, True, "a whole number ≥ 1, at most 1e8")
#: a normal distribution's standard deviation (in the parameter's own unit)
SPREAD = Domain(0.0, MAX_AMOUNT, False, "a standard deviation ≥ 0, at most 1e9")


#: The units a scenario's number may state (`unit = "…"`), with their Chinese names: what the
#: number counts or measures, so a reader (and the workbench's forms) can say "800 座/期", not "800".
UNITS = {
    "yuan": "元", "yuan a year": "元/年", "persons": "人", "persons a year": "人/年", "events a year": "次/年",
    "sessions a year": "人次/年", "seats": "个座位", "bodies": "个", "bodies a year": "个/年", "months": "个月",
    "years": "年", "years of age": "岁", "share": "比例", "probability": "概率", "probability a year": "年概率",
    "rate a year": "年率", "factor": "倍数", "elasticity": "弹性", "hours": "课时",
}


#: How a bare range is drawn: an assumption written `{value = v, range = [low, high]}` is the
#: triangular distribution on [low, high] with its mode at v (the stated value is the most
#: likely one, the range its plausible limits). A degenerate range (low = high) is fixed.
BARE_RANGE_RULE = "a bare range {value = v, range = [low, high]} is drawn from triangular(low, mode v, high)"


@dataclass(frozen=True)
class Param:
    """A fixed value, or a distribution drawn once per run (epistemic uncertainty).

    `dist` is "fixed" (a policy figure, or a degenerate range), "range" (a bare range, drawn
    by `BARE_RANGE_RULE`), "uniform", "triangular" or "normal" (truncated to [low, high]).
    Every draw is the quantile of one uniform number, so correlated parameters (a Gaussian
    copula, `scenario.draws`) and quasi-random designs use the same inverse CDF.
    """

    dist: str
    value: float
    low: float
    high: float
    sd: float = 0.0
    integer: bool = False
    source: str = ""
    assumption: bool = False
    #: what the number counts or measures (a key of UNITS), "" for a pure number; documentation only:
    #: not part of the scenario's fingerprint, and not written back into a run's scenario file
    unit: str = ""

    @property
    def central(self) -> float:
        """The value used when uncertainty is switched off: the fixed value or the mode/mean."""
        return self._cast(self.value)

    @property
    def uncertain(self) -> bool:
        """Drawn in a Monte Carlo run: a distribution with some width."""
        return self.dist != "fixed" and self.high > self.low

    def draw(self, rng: np.random.Generator) -> float:
        return self.quantile(rng.random()) if self.uncertain else self.central

    def quantile(self, u: float) -> float:
        """The value at cumulative probability u ∈ [0, 1) of the parameter's distribution."""
        if not self.uncertain:
            return self.central
        lo, hi = self.low, self.high
        if self.dist == "uniform":
            x = lo + u * (hi - lo)
        elif self.dist in ("triangular", "range"):
            c = (self.value - lo) / (hi - lo)
            x = lo + math.sqrt(u * c) * (hi - lo) if u < c else hi - math.sqrt((1 - u) * (1 - c)) * (hi - lo)
        else:
            x = self._truncated_normal(u)
        return self._cast(min(max(x, lo), hi))

    def _truncated_normal(self, u: float) -> float:
        """The u-quantile of the normal(value, sd) truncated to [low, high] (exact, no rejection)."""
        if self.sd == 0 or self.low == self.high:
            return min(max(self.value, self.low), self.high)
        from scipy.stats import truncnorm  # only scenarios with a normal parameter pay for the import
        a, b = (self.low - self.value) / self.sd, (self.high - self.value) / self.sd
        return float(truncnorm.ppf(u, a, b, loc=self.value, scale=self.sd))

    def _cast(self, x: float):
        return int(round(x)) if self.integer else float(x)

    def describe(self) -> str:
        if self.dist == "fixed":
            rng = f" (range {self.low:g}–{self.high:g})" if self.assumption and self.high > self.low else ""
            return f"{self.value:g}{rng}"
        if self.dist == "range":
            return f"{self.value:g}, drawn triangular({self.low:g}, {self.value:g}, {self.high:g})"
        if self.dist == "uniform":
            return f"uniform({self.low:g}, {self.high:g})"
        if self.dist == "triangular":
            return f"triangular({self.low:g}, {self.value:g}, {self.high:g})"
        return f"normal({self.value:g}, sd {self.sd:g}) in [{self.low:g}, {self.high:g}]"

    def to_toml(self) -> dict:
        """The parameter as the scenario file writes it (for the scenario a run writes)."""
        out: dict = {}
        if self.dist in ("fixed", "range"):
            out["value"] = self.central
            if self.assumption:
                out["range"] = [self._cast(self.low), self._cast(self.high)]
        else:
            out["dist"] = self.dist
            out["low"], out["high"] = self._cast(self.low), self._cast(self.high)
            if self.dist == "triangular":
                out["mode"] = self.value
            if self.dist == "normal":
                out["mean"], out["sd"] = self.value, self.sd
        if self.source:
            out["assumption" if self.assumption else "source"] = self.source
        return out


@dataclass(frozen=True)
class LevelTable:
    """Values by skill level (e.g. months in grade before the next exam) with their source."""

    values: dict
    source: str
    assumption: bool
    unit: str = ""    # as Param.unit

    def array(self, fill: float = 0.0) -> np.ndarray:
        out = np.full(ladder.TOP + 1, fill, dtype=float)
        for k, v in self.values.items():
            out[k] = v
        return out

    def describe(self) -> str:
        return ", ".join(f"{ladder.name(k)} {v:g}" for k, v in self.values.items())

    def to_toml(self) -> dict:
        key = "assumption" if self.assumption else "source"
        return {key: self.source, "values": {ladder.name(k): v for k, v in self.values.items()}}


def param_rng(seed_sequence: np.random.SeedSequence, path: str) -> np.random.Generator:
    """A stream for one named parameter or process.

    Keyed by name, not by order, so adding a parameter or a reform does not shift the draws
    of the others: base and reform runs with one seed share their common random numbers.
    """
    child = np.random.SeedSequence(entropy=seed_sequence.entropy,
                                   spawn_key=tuple(seed_sequence.spawn_key) + (zlib.crc32(path.encode()),))
    return np.random.default_rng(child)
