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


def metric(name: str, result, entity: str = "") -> float:
    """The value of one metric in one simulated future."""
    sc = result.scenario
    pol = sc.policy
    ev = result.events
    in_period = (ev["date"] >= pd.Timestamp(pol.valid_from)) & (ev["date"] <= pd.Timestamp(pol.valid_to))
    if name in ("new_certified_persons", "new_high_certified_persons"):
        low = ladder.SKILLED_MIN if name == "new_certified_persons" else ladder.HIGH_SKILLED_MIN
        certs = ev[in_period & (ev["event"] == "certificate") & (ev["level"] >= low)]
        return float(certs["person"].nunique())
    if name == "skilled_share_end":
        counts = result.ladder_counts[month_index(sc.start, pol.valid_to)]
        return float(counts[ladder.SKILLED_MIN:].sum() / counts.sum())
    if name == "craftsmen_selected":
        return float((in_period & (ev["event"] == "craftsman_selected")).sum())
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
