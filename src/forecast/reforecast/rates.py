"""Learning each pathway's volume from the records so far: a conjugate gamma–Poisson update.

A re-forecast (`forecast.reforecast.execution`) should run hotter when the year is running hot. For each
pathway whose volume is a rate the scenario assumes — pairings a year, staying graduates a
year, night-school seats, lectures a year — the records to DATE are counted and compared with
what the scenario expects by then:

- prior: the rate parameter v (its scenario distribution) is approximated by the gamma
  distribution with the same mean μ and variance σ² (shape a = μ²/σ², rate b = μ/σ²);
- exposure: the events the model produces by DATE are proportional to v; the constant
  c = Σ_r n_r / Σ_r v_r (events per unit of v) is measured in the plan's own replications
  (n_r: events of the kind dated from the policy's start to DATE in replication r, v_r its
  drawn v), so it holds the model's timing, the behavioural response and the queues;
- likelihood: the n events recorded are Poisson with mean c·v;
- posterior: v | n ~ Gamma(a + n, b + c). Each re-forecast replication draws v from it (its
  own stream) and simulates with it; parameters scaled together with v (`SCALED_WITH`: the
  night school's apply rate with its seats, since certificates follow the smaller of seats and
  applicants) are multiplied by the same ratio v_post / v_prior of the replication.

The records are read as complete: a kind with no record to DATE is evidence of none. A
pathway whose parameter is fixed (no range) or that the model expects nothing of by DATE
(c = 0: e.g. no term has ended yet) is not updated, and the table says why.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.futures.targets import dated_within
from forecast.scenario.scenario import Scenario

#: pathway section → (what is counted, event kind, filter column and value or None, rate parameter);
#: an activity (`activities.NAME.per_year` events a year) counts its rule's events
UPDATES = {
    "apprenticeship": ("青蓝工程 pairings", "pairing", None, "pairings_per_year"),
    "night_school": ("night-school certificates", "certificate", ("programme", "night_school"), "seats_per_term"),
    "colleges": ("staying graduates (colleges' counts)", "graduates_stayed", None, "staying_per_year"),
}
#: kinds whose rate is a number of people in a record's `count`, not a number of records: a
#: college's yearly record counts its staying graduates (`staying_per_year` is graduates a year)
SUM_COUNTS = ("graduates_stayed",)
#: parameters moved in proportion with an updated rate (see the module's docstring)
SCALED_WITH = {"pathways.night_school.seats_per_term": ("pathways.night_school.apply_rate",)}
GRID = 4000   # quantile points used to take a parameter distribution's mean and variance


@dataclass(frozen=True)
class Update:
    """One pathway's update: what the records show against the plan, and the posterior."""

    name: str            # pathway or activity section, e.g. "apprenticeship"
    what: str
    event: str
    where: tuple | None  # (column, value) the events must have, or None
    parameter: str       # parameter path, e.g. pathways.apprenticeship.pairings_per_year
    prior_mean: float
    prior_sd: float
    recorded: float      # n: events recorded to DATE (sum of `count` for counted kinds)
    expected: float      # c · μ: events the plan expects by DATE
    per_unit: float      # c
    used: bool
    note: str

    @property
    def shape(self) -> float:
        return self.prior_mean ** 2 / self.prior_sd ** 2 + self.recorded

    @property
    def rate(self) -> float:
        return self.prior_mean / self.prior_sd ** 2 + self.per_unit

    def posterior_mean(self) -> float:
        return self.shape / self.rate if self.used else self.prior_mean

    def posterior_interval(self, level: float = 0.90) -> tuple[float, float]:
        from scipy.stats import gamma
        if not self.used:
            return (np.nan, np.nan)
        lo, hi = gamma.ppf([(1 - level) / 2, (1 + level) / 2], self.shape, scale=1.0 / self.rate)
        return float(lo), float(hi)

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.gamma(self.shape, 1.0 / self.rate))


def candidates(scenario: Scenario) -> list[tuple]:
    """(section name, what, event, filter, parameter path) of the rates this scenario has:
    the pathways of `UPDATES` and every activity (its rule's event, `per_year`)."""
    params = scenario.parameter_specs()
    out = []
    for name, (what, event, where, key) in UPDATES.items():
        path = f"pathways.{name}.{key}"
        if path in params:
            out.append((name, what, event, where, path))
    for name in scenario.specs.get("activities", {}):
        path = f"activities.{name}.per_year"
        rule_id = scenario.specs["activities"][name].get("rule")
        if path in params and rule_id:
            out.append((name, f"{name} events", scenario.policy.rule(rule_id).event, None, path))
    return out


def count(events: pd.DataFrame, event: str, where: tuple | None, start, end) -> float:
    """Records of a kind dated in [start, end] (for `SUM_COUNTS` kinds, the sum of their `count`)."""
    mask = (events["event"] == event) & dated_within(events, start, end)
    if where is not None:
        mask &= events[where[0]] == where[1]
    part = events.loc[mask]
    if event in SUM_COUNTS:
        return float(part["count"].sum())
    return float(len(part))


def moments(spec) -> tuple[float, float]:
    """Mean and standard deviation of a parameter's distribution, from its quantiles."""
    u = (np.arange(GRID) + 0.5) / GRID
    x = np.array([spec.quantile(q) for q in u], dtype=float)
    return float(x.mean()), float(x.std())


def updates(scenario: Scenario, records: pd.DataFrame, plan_counts: dict, plan_values: dict,
            start, as_of, enabled: bool = True) -> list[Update]:
    """The update of every candidate rate. `plan_counts[name]`: events to DATE in each plan
    replication; `plan_values[path]`: the drawn parameter in each (same order)."""
    params = scenario.parameter_specs()
    out = []
    for name, what, event, where, path in candidates(scenario):
        spec = params[path]
        mu, sd = moments(spec)
        n = count(records, event, where, start, as_of)
        sims, vs = np.asarray(plan_counts[name], float), np.asarray(plan_values[path], float)
        c = float(sims.sum() / vs.sum()) if vs.sum() > 0 else 0.0
        used, note = True, ""
        if not enabled:
            used, note = False, "updating from the records switched off (--no-update): the scenario's rate"
        elif not spec.uncertain or sd <= 0:
            used, note = False, f"{path} is fixed in the scenario (no range): not updated"
        elif c <= 0:
            used, note = False, (f"the model expects no {what} by {as_of} (none in any plan replication): "
                                 f"the {n:,.0f} recorded cannot update {path}")
        out.append(Update(name, what, event, where, path, mu, sd, n, c * mu, c, used, note))
    return out


def posterior_values(ups: list[Update], prior: dict, rng_of) -> dict:
    """path → value for one re-forecast replication: each updated rate drawn from its
    posterior (`rng_of(name)`: that update's stream), the parameters scaled with it moved in
    proportion to the replication's prior draw (`prior`: path → drawn value)."""
    given = {}
    for u in ups:
        if not u.used:
            continue
        v = u.draw(rng_of(u.name))
        given[u.parameter] = v
        ratio = v / prior[u.parameter] if prior[u.parameter] > 0 else 1.0
        for other in SCALED_WITH.get(u.parameter, ()):
            if other in prior:
                given[other] = min(1.0, prior[other] * ratio) if other.endswith("_rate") else prior[other] * ratio
    return given


def table(ups: list[Update], as_of) -> pd.DataFrame:
    """What the records show against the plan, pathway by pathway (execution_rates.csv)."""
    rows = []
    for u in ups:
        lo, hi = u.posterior_interval()
        rows.append({"pathway": u.name, "what": u.what, "event": u.event, "parameter": u.parameter,
                     "as_of": str(as_of), "recorded": u.recorded, "plan_expected": round(u.expected, 2),
                     "prior_mean": round(u.prior_mean, 4), "prior_sd": round(u.prior_sd, 4),
                     "posterior_mean": round(u.posterior_mean(), 4),
                     "posterior_p5": round(lo, 4), "posterior_p95": round(hi, 4),
                     "updated": u.used, "note": u.note})
    return pd.DataFrame(rows)
