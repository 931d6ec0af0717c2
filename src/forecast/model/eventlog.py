"""Events collected during a run, column by column, turned into one event table at the end."""
from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.policy.events import COLUMNS, EVENT_KINDS


class EventLog:
    """Chunks of events as arrays; cheap to append inside the monthly loop."""

    def __init__(self):
        self.chunks: list[tuple[int, dict]] = []

    def emit(self, event: str, date, **cols) -> None:
        """Record events of one kind: `date` and each column a scalar or an array of equal length."""
        if event not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {event!r}: one of {', '.join(EVENT_KINDS)}")
        n = max((len(v) if isinstance(v, LazyIds) else np.size(v) for v in cols.values() if not np.isscalar(v)),
                default=1)
        if n == 0:
            return
        self.chunks.append((n, {"event": event, "date": date, **cols}))

    def frame(self, clear: bool = False) -> pd.DataFrame:
        """All events, sorted by date (stable: same-day events keep emission order).

        Each column is put in date order as it is assembled, so no unsorted copy of the table
        is ever held; with `clear` the log hands its chunks over column by column (a run's
        log is read once), which keeps the peak memory of large populations low.
        """
        chunks = self.chunks
        if clear:
            self.chunks = []
        sizes = [n for n, _ in chunks]
        total = sum(sizes)
        order = None
        data = {}
        for col in ("date",) + tuple(c for c in COLUMNS if c != "date"):
            dtype, empty, _ = COLUMNS[col]
            parts = [chunk.pop(col, empty) if clear else chunk.get(col, empty) for _, chunk in chunks]
            _materialise(parts)
            arr = _column(col, dtype, parts, sizes, total)
            del parts
            if col == "date":
                order = np.argsort(arr, kind="stable")
            data[col] = pd.Series(arr[order], dtype=dtype) if total else pd.Series([], dtype=dtype)
            del arr
        return pd.DataFrame({col: data[col] for col in COLUMNS})


def _column(col: str, dtype: str, parts: list, sizes: list, total: int) -> np.ndarray:
    """One column of the table in emission order: each chunk's scalar or array written into
    its slice of one preallocated array (a scalar fills its slice), of the type concatenating
    the parts would give (dates as datetime64[s]; scalars of text columns as objects)."""
    if col in ("date", "paired_on"):
        parts = [np.datetime64("NaT", "D") if v is pd.NaT else np.asarray(v, dtype="datetime64[D]") for v in parts]
        kind = np.dtype("datetime64[s]")
    elif dtype == "object":
        kind = np.dtype(object)
    else:
        parts = [np.asarray(v) for v in parts]
        kind = np.result_type(*[v.dtype for v in parts]) if parts else np.dtype(float)
    arr = np.empty(total, dtype=kind)
    start = 0
    for v, n in zip(parts, sizes):
        arr[start:start + n] = v
        start += n
    return arr


def ids(prefix: str, numbers) -> np.ndarray:
    """String ids such as W000123 for worker 123 (records and ledger use text ids)."""
    arr = np.atleast_1d(np.asarray(numbers))
    if arr.size == 0:  # np.char.zfill fails on an empty array
        return np.empty(0, dtype=object)
    return np.char.add(prefix, np.char.zfill(arr.astype(str), 6)).astype(object)


class LazyIds:
    """Numbers whose text ids (`ids(prefix, numbers)`) are made only when the event table is
    built, all of a column at once: cheaper than a small string conversion per emit, and the
    log holds 8 bytes per row until then instead of a Python string."""

    __slots__ = ("prefix", "numbers")

    def __init__(self, prefix: str, numbers):
        self.prefix = prefix
        self.numbers = np.atleast_1d(np.asarray(numbers))

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, key) -> "LazyIds":
        return LazyIds(self.prefix, self.numbers[key])

    def __array__(self, dtype=None, copy=None):
        out = ids(self.prefix, self.numbers)
        return out if dtype is None else out.astype(dtype)


def lazy_ids(prefix: str, numbers) -> LazyIds:
    """Like `ids`, for event columns: the strings are made when the log becomes a table."""
    return LazyIds(prefix, numbers)


def _materialise(parts: list) -> None:
    """Turn the LazyIds among a column's parts into text ids, one conversion per prefix."""
    by_prefix: dict[str, list[int]] = {}
    for i, v in enumerate(parts):
        if isinstance(v, LazyIds):
            by_prefix.setdefault(v.prefix, []).append(i)
    for prefix, where in by_prefix.items():
        text = ids(prefix, np.concatenate([parts[i].numbers for i in where]))
        start = 0
        for i in where:
            k = len(parts[i].numbers)
            parts[i] = text[start:start + k]
            start += k
