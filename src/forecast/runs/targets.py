"""The policy's targets (HS-T1 …) read from a simulated future: value, goal, met or not.

Each metric of `forecast.policy.policy.METRICS` is computed here, over the policy's
validity (or at its end, for stocks). Readings (POLICY.md): HS-T1/T3 count distinct persons
certified in the district during the validity; HS-T2 is the skilled share of employment at
the end of its last month; entity targets count bodies created in the validity.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.core.calendar import month_dates, month_index
from forecast.policy import ladder

COLUMNS = ["target", "text", "metric", "value", "goal", "met", "set_by", "source"]


def dated_within(events: pd.DataFrame, start, end) -> pd.Series:
    """Which events are dated in [start, end] (days, both included)."""
    return (events["date"] >= pd.Timestamp(start)) & (events["date"] <= pd.Timestamp(end))


def certificates(events: pd.DataFrame, start, end, programme: str = "") -> pd.DataFrame:
    """Certificates (level ≥ 初级工) dated in [start, end], of one programme if named."""
    certs = events[dated_within(events, start, end) & (events["event"] == "certificate")
                   & (events["level"] >= ladder.SKILLED_MIN)]
    return certs[certs["programme"] == programme] if programme else certs


def persons(certs: pd.DataFrame, low: int = ladder.SKILLED_MIN) -> int:
    """Distinct persons among these certificates at level `low` or above (the HS-T1/T3 reading)."""
    return int(certs.loc[certs["level"] >= low, "person"].nunique())


def count(events: pd.DataFrame, kind: str, start, end) -> int:
    """Events of one kind dated in [start, end]."""
    return int((dated_within(events, start, end) & (events["event"] == kind)).sum())


def stock_share(counts: np.ndarray, low: int, of: int = 0) -> float:
    """Share of a month-end stock at level `low` or above among those at level `of` or above."""
    base = counts[of:].sum()
    return float(counts[low:].sum() / base) if base else float("nan")


def metric(name: str, result, entity: str = "") -> float:
    """The value of one metric in one simulated future."""
    sc = result.scenario
    pol = sc.policy
    ev = result.events
    if name in ("new_certified_persons", "new_high_certified_persons"):
        low = ladder.SKILLED_MIN if name == "new_certified_persons" else ladder.HIGH_SKILLED_MIN
        return float(persons(certificates(ev, pol.valid_from, pol.valid_to), low))
    if name == "skilled_share_end":
        return stock_share(result.ladder_counts[month_index(sc.start, pol.valid_to)], ladder.SKILLED_MIN)
    if name == "craftsmen_selected":
        return float(count(ev, "craftsman_selected", pol.valid_from, pol.valid_to))
    ent = result.entities
    new = ent[(ent["kind"] == entity) & ~ent["initial"].astype(bool)]
    created = month_dates(sc.start, new["created"].to_numpy(dtype=np.int64))
    inside = (created >= np.datetime64(pol.valid_from)) & (created <= np.datetime64(pol.valid_to))
    if name == "entities_created":
        return float(inside.sum())
    if name == "min_yearly_created":
        years = created[inside].astype("datetime64[Y]").astype(int) + 1970
        return float(min(int((years == y).sum()) for y in range(pol.valid_from.year, pol.valid_to.year + 1)))
    raise ValueError(f"no such metric {name!r}")


def values(result) -> np.ndarray:
    """Each target's value, in the scenario's order."""
    return np.array([metric(t.metric, result, t.entity) for t in result.scenario.targets], dtype=float)


def evaluate(result) -> pd.DataFrame:
    rows = [{"target": t.id, "text": t.text, "metric": t.metric, "value": v, "goal": t.goal, "met": t.met(v),
             "set_by": ", ".join(t.set_by), "source": t.source} for t, v in zip(result.scenario.targets, values(result))]
    return pd.DataFrame(rows, columns=COLUMNS)
