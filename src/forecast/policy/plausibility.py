"""Plausibility of well-formed records: a count or amount far beyond the usual scale of its
event kind is flagged for an administrator to check, and still paid exactly as the rules say.

Why: a record with `count` 1,000,000,000 guest lectures is well formed and the rules pay it
800 billion yuan; refusing it would second-guess the rules, paying it silently would let a
typing slip through. So such a record is paid and listed (`forecast payouts` prints the
warnings and writes `<out stem>.warnings.csv`, docs/records.md).

The usual maxima per record are `USUAL_MAX` (event kind → column → maximum), a documented
default sized on the Huishan policy; `read_usual_max` reads a TOML file that overrides some of
them (`forecast payouts --plausible FILE`):

    [guest_lecture]
    count = 200        # a record of more than 200 lectures is flagged
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.core.errors import InputError
from forecast.core.toml_file import read_toml
from forecast.policy.events import EVENT_KINDS

#: event kind → column → the largest value one record usually holds. Counts are sized on a
#: busy recipient (a college keeps hundreds of graduates a year, a craftsman teaches a few
#: hundred class hours, gives tens of sessions or guest lectures, in one record); amounts per
#: unit on ten times the top of Huishan's range for the rule that pays them (a rate or review
#: grade above the range earns nothing and is already listed as unpaid; ten times it suggests
#: a slip such as yuan typed as fen); a studio's age on half a century.
USUAL_MAX: dict[str, dict[str, float]] = {
    "graduates_stayed": {"count": 2_000},
    "class_hours": {"count": 500, "amount": 2_000},
    "studio_reviewed": {"years": 50, "amount": 300_000},
    "lecture_session": {"count": 100, "amount": 10_000},
    "guest_lecture": {"count": 100},
    "challenge_completed": {"amount": 500_000},
    "training_sessions": {"count": 200_000},
}
#: the numeric columns a scale can be set for
FIELDS = ("count", "amount", "years")
WARNING_COLUMNS = ["line", "event", "field", "value", "usual_max", "why"]
DEFAULT_SOURCE = "the default of forecast"


def _allowed_fields(kind: str) -> tuple[str, ...]:
    return tuple(f for f in FIELDS if f in EVENT_KINDS[kind])


def _finite_positive(value) -> bool:
    """A number > 0 that is neither inf, nan nor an integer too large for a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value)) and value > 0
    except OverflowError:
        return False


def read_usual_max(path: str | Path) -> tuple[dict, str]:
    """The usual maxima with a TOML file's overrides, and where they come from (for the why).

    Each table is an event kind, each key one of its numeric columns, each value a finite
    number > 0; kinds and columns not in the file keep their default. Anything else is an
    InputError naming the file and the key.
    """
    path = Path(path)
    file = str(path)
    data = read_toml(path, "a TOML file of usual maxima per event kind")
    out = {kind: dict(v) for kind, v in USUAL_MAX.items()}
    allowed = [k for k in EVENT_KINDS if _allowed_fields(k)]
    for kind, table in data.items():
        if kind not in allowed:
            raise InputError(file, kind, "not an event kind with a count, amount or years", ", ".join(allowed))
        if not isinstance(table, dict):
            raise InputError(file, kind, f"expected a table, got {table!r}", "[kind] with field = maximum")
        for field, value in table.items():
            fields = _allowed_fields(kind)
            if field not in fields:
                raise InputError(file, f"{kind}.{field}", f"a {kind} record has no {field}", ", ".join(fields))
            if not _finite_positive(value):
                raise InputError(file, f"{kind}.{field}", f"{value!r} is not a usual maximum",
                                 "a finite number > 0")
            out.setdefault(kind, {})[field] = float(value)
    return out, file


def implausible(records: pd.DataFrame, usual_max: dict | None = None, paid: pd.Series | None = None,
                source: str = DEFAULT_SOURCE) -> pd.DataFrame:
    """One warning per record and column above its usual maximum (`WARNING_COLUMNS`), by line.

    `records` is an event table with its `line` column (`records.read_records`); `paid`, the
    amount the rules pay for each line (line → yuan), goes into the why.
    """
    usual_max = USUAL_MAX if usual_max is None else usual_max
    parts = []
    for kind, fields in usual_max.items():
        of_kind = records["event"].to_numpy() == kind
        if not of_kind.any():
            continue
        for field, limit in fields.items():
            values = records[field].to_numpy(dtype=float)
            hit = of_kind & np.isfinite(values) & (values > limit)
            if hit.any():
                parts.append(pd.DataFrame({"line": records["line"].to_numpy()[hit], "event": kind, "field": field,
                                           "value": values[hit], "usual_max": float(limit)}))
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in
                             zip(WARNING_COLUMNS, ("int64", object, object, float, float, object))})
    out = pd.concat(parts, ignore_index=True).sort_values(["line", "field"], kind="stable").reset_index(drop=True)
    owed = (paid if paid is not None else pd.Series(dtype=float)).reindex(out["line"]).fillna(0.0).to_numpy()
    out["why"] = [f"{r.field} {r.value:,.10g} is above the usual {r.usual_max:,.10g} for a {r.event} record "
                  f"({source}); paid as the rules say ({o:,.2f} yuan for this line): check the record"
                  for r, o in zip(out.itertuples(), owed)]
    return out[WARNING_COLUMNS]
