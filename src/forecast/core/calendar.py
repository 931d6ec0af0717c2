"""Month arithmetic shared by the rules, the engine and the outputs.

A simulation counts months from the scenario's first month: month index 0 is its start,
an event of month t is dated its first day (or its last, for counts taken at a month's end).
Windows of the rules (HS-A8b's "within 1/3/5 years of pairing") are whole calendar months
from a date, the last day included.
"""
from __future__ import annotations

import datetime as dt

import numpy as np


def month_index(start: dt.date | np.datetime64, date) -> int:
    """Months from the month of `start` to the month of `date` (0 for the same month)."""
    return int((np.datetime64(date, "M") - np.datetime64(start, "M")).astype(int))


def month_dates(start: dt.date | np.datetime64, months, last_day: bool = False) -> np.ndarray:
    """First (or last) day of the months `months` (indices from `start`), as datetime64[D]."""
    m = np.datetime64(start, "M") + np.asarray(months, dtype=np.int64)
    return (m + 1).astype("datetime64[D]") - 1 if last_day else m.astype("datetime64[D]")


def month_labels(start: dt.date | np.datetime64, n: int) -> list[str]:
    """'YYYY-MM' of the first n months from `start`."""
    return [str(m) for m in np.datetime64(start, "M") + np.arange(n)]


def month_of_year(start: dt.date | np.datetime64, t: int) -> int:
    """Calendar month (1–12) of month index t."""
    return int((np.datetime64(start, "M") + np.timedelta64(int(t), "M")).astype(int) % 12 + 1)


def year_of(start: dt.date | np.datetime64, t: int) -> int:
    """Calendar year of month index t."""
    return int((np.datetime64(start, "M") + np.timedelta64(int(t), "M")).astype("datetime64[Y]").astype(int) + 1970)


def add_months(dates: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """The same day `months` later (clamped to the month's end): a window's last day."""
    d = np.asarray(dates).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day = d - month.astype("datetime64[D]")
    target = month + np.asarray(months).astype("timedelta64[M]")
    last = (target + 1).astype("datetime64[D]") - 1
    return np.minimum(target.astype("datetime64[D]") + day, last)


def months_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whole months from start to end (13 for 2025-03-01 → 2026-04-01)."""
    s = np.asarray(start).astype("datetime64[D]")
    e = np.asarray(end).astype("datetime64[D]")
    sm, em = s.astype("datetime64[M]"), e.astype("datetime64[M]")
    months = (em - sm).astype(int)
    early = (e - em.astype("datetime64[D]")) < (s - sm.astype("datetime64[D]"))
    return months - early.astype(int)


def span_text(months: int) -> str:
    """'1-year' for 12, '18-month' for 18: how a window is named in explanations."""
    return f"{months // 12}-year" if months % 12 == 0 else f"{months}-month"
