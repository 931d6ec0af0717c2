"""Observed aggregates for `forecast calibrate`: the observed file, and the same aggregates
computed from a simulated future.

An observed file (TOML) holds one table per figure under `[observations.NAME]`:

    metric = "certificates_per_employed"   # one of METRICS
    period = [2025-01-01, 2025-12-31]      # dates (or "YYYY-MM-DD" text), start ≤ end
    value = 0.0165
    sd = 0.005                             # its uncertainty, one standard deviation, > 0
    source = "zzndh.com/a/202108/520309.html (FACTS.md)"
    use = "fit"                            # or "context": listed, not fitted (default "fit")
    proxy = "Wuxi H1 2021 used for Huishan 2025"   # required wording when the figure is
                                           # another place's or time's, shown in every output
    programme = "night_school"             # certificate metrics only: one pathway's certificates

A figure to fit must lie inside the scenario's calendar (it is simulated); a figure dated
before the simulation starts (the 28 % skilled share at end-2024, craftsmen named in 2022) can
only be `use = "context"`. Every problem is an `InputError` naming the file and the key.

The metrics read the simulated future the way the targets do (`futures/targets.py`): persons
certified are distinct persons, stocks are month-end stocks of the month a period ends in.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from forecast.core.calendar import month_index
from forecast.core.errors import InputError
from forecast.core.toml_file import read_toml
from forecast.policy import ladder
from forecast.futures.targets import certificates, count, persons, stock_share

#: metric → what it counts in a simulated future over the observation's period
METRICS = {
    "certificates": "distinct persons newly certified at 初级工 or above in the period",
    "high_certificates": "distinct persons newly certified at 高级工 or above in the period",
    "certificates_per_employed": "certificates in the period / employed at its start (a rate)",
    "high_share_of_certificates": "high_certificates / certificates in the period",
    "craftsmen_selected": "惠山工匠 named in the period",
    "pairings": "青蓝 pairings formed in the period",
    "skilled_share_end": "share of employment at 初级工 or above at the period's end",
    "high_share_of_skilled_end": "share of the skilled at 高级工 or above at the period's end",
}
CERTIFICATE_METRICS = ("certificates", "high_certificates", "certificates_per_employed",
                       "high_share_of_certificates")
#: the `programme` of certificate events (the pathway that certified; `Engine.promote`) in
#: every scenario; a scenario's subsidised-training programmes add their own names (`programmes`)
PROGRAMMES = ("self_evaluation", "night_school", "competition", "appointment", "apprenticeship_entry",
              "cross_level", "apprentice_years")


def programmes(scenario) -> tuple[str, ...]:
    """The certificate programmes a scenario's futures can hold: PROGRAMMES and the names of
    its `[pathways.sessions.programmes]` (a training programme certifies under its own name)."""
    sessions = scenario.specs["pathways"].get("sessions", {}).get("programmes", {})
    return PROGRAMMES + tuple(sessions)
USES = ("fit", "context")
KEYS = ("metric", "period", "value", "sd", "source", "use", "proxy", "programme")
TOP_KEYS = ("title", "observations")


@dataclass(frozen=True)
class Observation:
    """One observed aggregate, with its uncertainty and where it comes from."""

    name: str
    metric: str
    start: dt.date
    end: dt.date
    value: float
    sd: float
    source: str
    use: str = "fit"
    proxy: str = ""
    programme: str = ""

    @property
    def period(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def inside(self, scenario) -> bool:
        """Whether the period lies within the scenario's calendar (can be simulated)."""
        return scenario.start <= self.start and self.end <= scenario.end


def read_observed(path: str | Path, scenario) -> tuple[Observation, ...]:
    """The observations of an observed file, checked against the scenario's calendar."""
    path = Path(path)
    file = str(path)
    data = read_toml(path, "a path to an observed-figures .toml file")
    for key in data:
        if key not in TOP_KEYS:
            raise InputError(file, key, "unknown key", ", ".join(TOP_KEYS))
    tables = data.get("observations")
    if not isinstance(tables, dict) or not tables:
        raise InputError(file, "observations", "missing or empty", "one [observations.NAME] table per figure")
    obs = tuple(_observation(file, name, table, scenario) for name, table in tables.items())
    if not any(o.use == "fit" for o in obs):
        raise InputError(file, "observations", "no figure to fit (all are use = \"context\")",
                         "at least one observation with use = \"fit\" inside the scenario's calendar")
    return obs


def _observation(file: str, name: str, table, scenario) -> Observation:
    where = f"observations.{name}"
    if not isinstance(table, dict):
        raise InputError(file, where, "expected a table", "[observations.NAME] with " + ", ".join(KEYS))
    for key in table:
        if key not in KEYS:
            raise InputError(file, f"{where}.{key}", "unknown key", ", ".join(KEYS))
    for key in ("metric", "period", "value", "sd", "source"):
        if key not in table:
            raise InputError(file, f"{where}.{key}", "missing", "every observation states " +
                             "metric, period, value, sd and source")
    metric = table["metric"]
    if metric not in METRICS:
        raise InputError(file, f"{where}.metric", f"unknown metric {metric!r}", ", ".join(METRICS))
    start, end = _period(file, f"{where}.period", table["period"])
    value, sd = _number(file, f"{where}.value", table["value"]), _number(file, f"{where}.sd", table["sd"])
    if not sd > 0:
        raise InputError(file, f"{where}.sd", f"must be > 0, got {sd:g}", "one standard deviation, > 0")
    use = table.get("use", "fit")
    if use not in USES:
        raise InputError(file, f"{where}.use", f"got {use!r}", " or ".join(USES))
    for key in ("source", "proxy"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            raise InputError(file, f"{where}.{key}", "expected a non-empty text", "a citation or description")
    programme = table.get("programme", "")
    if programme and metric not in CERTIFICATE_METRICS:
        raise InputError(file, f"{where}.programme", f"not for metric {metric!r}", ", ".join(CERTIFICATE_METRICS))
    if programme and programme not in programmes(scenario):
        raise InputError(file, f"{where}.programme", f"unknown programme {programme!r}",
                         ", ".join(programmes(scenario)))
    obs = Observation(name, metric, start, end, value, sd, table["source"].strip(), use,
                      table.get("proxy", "").strip(), programme)
    if use == "fit" and not obs.inside(scenario):
        raise InputError(file, f"{where}.period", f"{obs.period} is outside the scenario's calendar "
                         f"({scenario.start} – {scenario.end}): it cannot be simulated",
                         "a period inside the calendar, or use = \"context\" to list the figure without fitting it")
    return obs


def _period(file: str, key: str, value) -> tuple[dt.date, dt.date]:
    allowed = "[start, end] as TOML dates or \"YYYY-MM-DD\" texts, start ≤ end"
    if not isinstance(value, list) or len(value) != 2:
        raise InputError(file, key, f"got {value!r}", allowed)
    dates = []
    for v in value:
        if isinstance(v, dt.datetime):
            v = v.date()
        elif isinstance(v, str):
            try:
                v = dt.date.fromisoformat(v)
            except ValueError:
                raise InputError(file, key, f"not a date: {v!r}", allowed) from None
        if not isinstance(v, dt.date):
            raise InputError(file, key, f"not a date: {v!r}", allowed)
        dates.append(v)
    if dates[1] < dates[0]:
        raise InputError(file, key, "ends before it starts", allowed)
    return dates[0], dates[1]


def _number(file: str, key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise InputError(file, key, f"expected a number, got {value!r}", "a finite number")
    return float(value)


def metric_value(result, obs: Observation) -> float:
    """The observation's metric in one simulated future (NaN for a rate with a zero base)."""
    sc = result.scenario
    ev = result.events
    counts = result.ladder_counts
    if obs.metric == "skilled_share_end":
        return stock_share(counts[month_index(sc.start, obs.end)], ladder.SKILLED_MIN)
    if obs.metric == "high_share_of_skilled_end":
        return stock_share(counts[month_index(sc.start, obs.end)], ladder.HIGH_SKILLED_MIN, ladder.SKILLED_MIN)
    if obs.metric == "craftsmen_selected":
        return float(count(ev, "craftsman_selected", obs.start, obs.end))
    if obs.metric == "pairings":
        return float(count(ev, "pairing", obs.start, obs.end))
    certs = certificates(ev, obs.start, obs.end, obs.programme)
    n = persons(certs)
    high = persons(certs, ladder.HIGH_SKILLED_MIN)
    if obs.metric == "certificates":
        return float(n)
    if obs.metric == "high_certificates":
        return float(high)
    if obs.metric == "high_share_of_certificates":
        return float(high / n) if n else float("nan")
    # certificates_per_employed: employed at the start = the stock at the end of the month before
    before = max(month_index(sc.start, obs.start) - 1, 0)
    employed = counts[before].sum()
    return float(n / employed) if employed else float("nan")


def simulated(result, observations) -> np.ndarray:
    """Each observation's metric in one simulated future, in order."""
    return np.array([metric_value(result, o) for o in observations], dtype=float)
