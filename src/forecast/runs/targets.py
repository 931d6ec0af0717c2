"""The policy's targets (HS-T1 …) computed from a simulated run: value, goal, met or not."""
from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.policy import ladder


def metric(name: str, result, entity: str = "") -> float:
    """The value of one metric over the policy's validity (or at its end, for stocks)."""
    pol = result.scenario.policy
    ev = result.events
    in_period = (ev["date"] >= pd.Timestamp(pol.valid_from)) & (ev["date"] <= pd.Timestamp(pol.valid_to))
    if name in ("new_certified_persons", "new_high_certified_persons"):
        low = ladder.SKILLED_MIN if name == "new_certified_persons" else ladder.HIGH_SKILLED_MIN
        certs = ev[in_period & (ev["event"] == "certificate") & (ev["level"] >= low)]
        return float(certs["person"].nunique())
    if name == "skilled_share_end":
        t = result.sim_month(pol.valid_to)
        counts = result.ladder_counts[t]
        return float(counts[ladder.SKILLED_MIN:].sum() / counts.sum())
    if name == "craftsmen_selected":
        return float((in_period & (ev["event"] == "craftsman_selected")).sum())
    ent = result.entities
    new = ent[(ent["kind"] == entity) & ~ent["initial"]]
    created = result.dates_of(new["created"].to_numpy())
    inside = (created >= np.datetime64(pol.valid_from)) & (created <= np.datetime64(pol.valid_to))
    if name == "entities_created":
        return float(inside.sum())
    years = created[inside].astype("datetime64[Y]").astype(int) + 1970
    per_year = [int((years == y).sum()) for y in range(pol.valid_from.year, pol.valid_to.year + 1)]
    return float(min(per_year))


def evaluate(result) -> pd.DataFrame:
    rows = []
    for t in result.scenario.targets:
        value = metric(t.metric, result, t.entity)
        rows.append({"target": t.id, "text": t.text, "metric": t.metric, "value": value, "goal": t.goal,
                     "met": bool(value >= t.goal), "source": t.source})
    return pd.DataFrame(rows, columns=["target", "text", "metric", "value", "goal", "met", "source"])
