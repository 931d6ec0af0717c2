"""The event table: one row per real-world event that a reward rule can pay for.

The simulation emits these rows and `forecast payouts` reads them from files; the payout
calculator turns either into the same ledger, so the rules have one source of truth.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: column → (dtype, empty value, meaning). The record format in docs/records.md follows this.
COLUMNS: dict[str, tuple[str, object, str]] = {
    "date": ("datetime64[s]", pd.NaT, "day the event happened or the condition was met"),
    "event": ("object", "", "event kind, one of EVENT_KINDS"),
    "recipient_kind": ("object", "", "who is paid: college, counsellor, craftsman, provider, …"),
    "recipient": ("object", "", "id of who is paid"),
    "person": ("object", "", "id of the person the event is about (graduate, apprentice), if any"),
    "level": ("int8", -1, "skill level code 0–8 (-1 none)"),
    "count": ("int64", 1, "how many (graduates, class hours, sessions, lectures)"),
    "amount": ("float64", np.nan, "amount per unit set by review or rate, for range rules"),
    "paired_on": ("datetime64[s]", pd.NaT, "pairing date of a master and apprentice"),
    "prize": ("int8", 0, "competition prize or place: 1 first/gold, 2 second/silver, 3 third/bronze, "
              "4 excellence, 5 squad member, 0 none (policy.places)"),
    "fits_sector": ("bool", False, "major or job in 三新四强五未来 industries"),
    "passed": ("bool", False, "yearly assessment passed"),
    "years": ("float64", np.nan, "age of the entity in years (studios)"),
    "programme": ("object", "", "route of a certificate: night_school, self_evaluation, competition, …; "
                  "the competition level of a prize (prize_won, coach_award): city, province, world, …"),
    "contributor": ("bool", False, "recipient or the employer of the person rewarded contributes to the fund"),
}

#: event kind → columns a record of that kind must fill (beyond date, event, recipient).
EVENT_KINDS: dict[str, tuple[str, ...]] = {
    "station_accepted": (),
    "graduates_stayed": ("count",),
    "graduate_stayed": ("person", "level", "prize", "fits_sector"),
    "craftsman_selected": (),
    "craftsman_assessed": ("passed",),
    "craftsman_in_service": (),
    "base_recognised": (),
    "certificate": ("person", "level", "programme"),
    "class_hours": ("count", "amount"),
    "studio_reviewed": ("years", "amount"),
    "lecture_session": ("count", "amount"),
    "guest_lecture": ("count",),
    "pairing": ("person",),
    "apprentice_certified": ("person", "level", "paired_on"),
    "challenge_completed": ("amount",),
    "rights_centre_built": (),
    "title_awarded": ("person", "level", "programme"),   # programme: the title's name in its scheme
    "apprentice_year": ("person", "level", "count"),
    "settled_in": ("person", "level"),
    "prize_won": ("person", "level", "prize", "programme"),
    "coach_award": ("person", "prize", "programme"),
    "training_sessions": ("count", "programme"),   # a programme's providers' claim for sessions (人次)
}


def frame(columns: dict[str, object], n: int | None = None) -> pd.DataFrame:
    """An event table with every canonical column, missing ones filled with their empty value."""
    if n is None:
        n = max((len(v) for v in columns.values() if not np.isscalar(v)), default=0)
    data = {}
    for col, (dtype, empty, _) in COLUMNS.items():
        value = columns.get(col, empty)
        if np.isscalar(value) or value is pd.NaT:
            data[col] = pd.Series([value] * n, dtype=dtype) if n else pd.Series([], dtype=dtype)
        else:
            data[col] = pd.Series(np.asarray(value)).astype(dtype)
    return pd.DataFrame(data)

