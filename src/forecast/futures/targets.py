"""The policy's targets (HS-T1 …) read from a simulated future: value, goal, met or not.

Each metric of `forecast.policy.policy.METRICS` is computed here, over the policy's
validity (or at its end, for stocks). Readings (POLICY.md): HS-T1/T3 count distinct persons
certified in the district during the validity; HS-T2 is the skilled share of employment at
the end of its last month; entity targets count bodies created in the validity. Skilled means
初级工 or above, high-skilled 高级工 or above (`forecast.policy.ladder`); the stock and ratio
metrics read the month-end stocks of the validity's last month, the flow metrics the events
and flows dated within the validity; a ratio with a zero base is NaN (never met).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.core.calendar import month_dates, month_index
from forecast.model.engine import FLOWS
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


def per_10k(counts: np.ndarray, low: int) -> float:
    """Workers at level `low` or above per 10,000 of a month-end stock (all levels: the employed)."""
    total = counts.sum()
    return float(counts[low:].sum() * 10_000 / total) if total else float("nan")


def staying_share(events: pd.DataFrame, flows: np.ndarray, start, first, last) -> float:
    """Graduates counted as staying (the `count` of `graduates_stayed` events dated in
    [first, last]) over the graduates arriving in the months of first … last (the `graduates`
    flow of those months)."""
    stayed = events.loc[dated_within(events, first, last) & (events["event"] == "graduates_stayed"), "count"].sum()
    m0, m1 = max(month_index(start, first), 0), month_index(start, last)
    arrived = flows[m0:m1 + 1, FLOWS.index("graduates")].sum()
    return float(stayed / arrived) if arrived else float("nan")


def min_yearly_persons(certs: pd.DataFrame, first, last, low: int = ladder.SKILLED_MIN) -> int:
    """The smallest, over the calendar years first.year … last.year, of the distinct persons
    certified at level `low` or above in that year (certificates already limited to [first, last],
    so a part year at either end counts only its months in the validity)."""
    years = certs["date"].dt.year
    return min(persons(certs[years == y], low) for y in range(first.year, last.year + 1))


def _end_metric(name: str, counts: np.ndarray) -> float:
    """A metric of the month-end stocks by level at the validity's end (see `metric`)."""
    if name == "skilled_share_end":
        return stock_share(counts, ladder.SKILLED_MIN)
    if name == "high_share_of_skilled_end":
        return stock_share(counts, ladder.HIGH_SKILLED_MIN, ladder.SKILLED_MIN)
    if name == "high_skilled_per_10k_end":
        return per_10k(counts, ladder.HIGH_SKILLED_MIN)
    low = ladder.SKILLED_MIN if name == "skilled_stock_end" else ladder.HIGH_SKILLED_MIN
    return float(counts[low:].sum())


#: metrics read from the month-end stocks at the end of the validity's last month
END_METRICS = ("skilled_share_end", "high_share_of_skilled_end", "high_skilled_per_10k_end",
               "skilled_stock_end", "high_skilled_stock_end")


def metric(name: str, result, entity: str = "") -> float:
    """The value of one metric in one simulated future.

    Over the policy's validity [valid_from, valid_to]:
    - new_certified_persons / new_high_certified_persons: distinct persons certified at 初级工 /
      高级工 or above (HS-T1/T3);
    - min_yearly_certified_persons / min_yearly_high_certified_persons: the smallest, over the
      calendar years of the validity, of the distinct persons certified in that year at 初级工 /
      高级工 or above ("每年新增技能人才 N 人" read as a minimum every year; a person certified in
      two years counts in each);
    - graduates_staying_share: staying graduates counted (graduates_stayed events) over
      graduates arriving (the graduates flow), both within the validity's months;
    - craftsmen_selected, entities_created, min_yearly_created: events and entities counted;
    - entities_at_end: bodies of the kind in existence at the end of the validity, those there at
      the start included ("全市评级机构达到500家", a stock; bodies are never closed in the model).
    At the end of the validity's last month (month-end stocks):
    - skilled_share_end: 初级工 or above / all employed (HS-T2);
    - high_share_of_skilled_end: 高级工 or above / 初级工 or above (高技能人才占技能人才比例);
    - high_skilled_per_10k_end: 高级工 or above per 10,000 employed (每万名从业人员中高技能人才);
    - skilled_stock_end / high_skilled_stock_end: the stocks at 初级工 / 高级工 or above
      (技能人才总量 / 高技能人才总量).
    """
    sc = result.scenario
    pol = sc.policy
    ev = result.events
    if name in ("new_certified_persons", "new_high_certified_persons"):
        low = ladder.SKILLED_MIN if name == "new_certified_persons" else ladder.HIGH_SKILLED_MIN
        return float(persons(certificates(ev, pol.valid_from, pol.valid_to), low))
    if name in ("min_yearly_certified_persons", "min_yearly_high_certified_persons"):
        low = ladder.SKILLED_MIN if name == "min_yearly_certified_persons" else ladder.HIGH_SKILLED_MIN
        return float(min_yearly_persons(certificates(ev, pol.valid_from, pol.valid_to), pol.valid_from,
                                        pol.valid_to, low))
    if name in END_METRICS:
        return _end_metric(name, result.ladder_counts[month_index(sc.start, pol.valid_to)])
    if name == "graduates_staying_share":
        return staying_share(ev, result.flows, sc.start, pol.valid_from, pol.valid_to)
    if name == "craftsmen_selected":
        return float(count(ev, "craftsman_selected", pol.valid_from, pol.valid_to))
    ent = result.entities
    new = ent[(ent["kind"] == entity) & ~ent["initial"].astype(bool)]
    created = month_dates(sc.start, new["created"].to_numpy(dtype=np.int64))
    inside = (created >= np.datetime64(pol.valid_from)) & (created <= np.datetime64(pol.valid_to))
    if name == "entities_created":
        return float(inside.sum())
    if name == "entities_at_end":
        initial = int(((ent["kind"] == entity) & ent["initial"].astype(bool)).sum())
        return float(initial + (created <= np.datetime64(pol.valid_to)).sum())
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
