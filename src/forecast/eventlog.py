"""Events collected during a run, column by column, turned into one event table at the end."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .events import COLUMNS, EVENT_KINDS


class EventLog:
    """Chunks of events as arrays; cheap to append inside the monthly loop."""

    def __init__(self):
        self.chunks: list[tuple[int, dict]] = []

    def emit(self, event: str, date, **cols) -> None:
        """Record events of one kind: `date` and each column a scalar or an array of equal length."""
        assert event in EVENT_KINDS, event
        n = max((np.size(v) for v in cols.values() if not np.isscalar(v)), default=1)
        if n == 0:
            return
        self.chunks.append((n, {"event": event, "date": date, **cols}))

    def frame(self) -> pd.DataFrame:
        """All events, sorted by date (stable: same-day events keep emission order)."""
        total = sum(n for n, _ in self.chunks)
        data = {}
        for col, (dtype, empty, _) in COLUMNS.items():
            parts = []
            for n, chunk in self.chunks:
                v = chunk.get(col, empty)
                if col in ("date", "paired_on"):
                    v = np.datetime64("NaT", "D") if v is pd.NaT else np.asarray(v, dtype="datetime64[D]")
                parts.append(np.broadcast_to(v, (n,)) if np.ndim(v) == 0 else np.asarray(v))
            if parts:
                arr = np.concatenate(parts) if col not in ("date", "paired_on") else \
                    np.concatenate(parts).astype("datetime64[s]")
            else:
                arr = np.empty(0)
            data[col] = pd.Series(arr, dtype=dtype) if total else pd.Series([], dtype=dtype)
        out = pd.DataFrame(data)
        order = np.argsort(out["date"].to_numpy(), kind="stable")
        return out.iloc[order].reset_index(drop=True)


def ids(prefix: str, numbers) -> np.ndarray:
    """String ids such as W000123 for worker 123 (records and ledger use text ids)."""
    arr = np.atleast_1d(np.asarray(numbers))
    return np.char.add(prefix, np.char.zfill(arr.astype(str), 6)).astype(object)
