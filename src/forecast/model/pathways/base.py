"""What a pathway is to the engine: a class that owns its state, reads its typed parameters (its
`SECTION`), acts at its step of every month (`forecast.model.engine.STEPS`), and answers what the
results need of it through its own methods — the people waiting in its queue, what the policy
still owes after the horizon for it, the tables it adds to a future's results."""
from __future__ import annotations

import numpy as np


class Pathway:
    """A pathway named `NAME` in the scenario's [pathways] (or, for GROUP "activities" and
    "entities", all sections of that group together; for GROUP "flows", the fixed section every
    scenario has)."""

    NAME = ""
    GROUP = "pathways"
    #: the section class of its parameters (`forecast.params.section`)
    SECTION = None
    #: what its step of the month does (the README's and the docs' list of the month)
    STEP = ""
    #: whether people wait in a queue of it (its length recorded every month: `waiting`)
    QUEUE = False

    @classmethod
    def configured(cls, values) -> bool:
        """Whether the scenario has this pathway."""
        if cls.GROUP == "pathways":
            return cls.NAME in values.pathways
        return bool(getattr(values, cls.GROUP))

    @classmethod
    def params(cls, values):
        """Its typed parameters: its section, or a group's sections by name."""
        return getattr(values, cls.GROUP) if cls.GROUP != "pathways" else values.pathways[cls.NAME]

    def step(self, t: int) -> None:  # pragma: no cover - every pathway defines it
        raise NotImplementedError

    def waiting(self) -> int:
        """People waiting in its queue at the end of the month (only for a pathway with QUEUE)."""
        raise NotImplementedError(f"{self.NAME} has no queue")

    def owed_after(self) -> dict:
        """rule id → yuan it still owes after the horizon, valued (`forecast.model.tail`): none by default."""
        return {}

    def tables(self) -> dict:
        """name → table it adds to a future's results (e.g. the entities' register): none by default."""
        return {}


def senior_first(rng: np.random.Generator, pool: np.ndarray, level: np.ndarray, min_level: int, k: int) -> np.ndarray:
    """Up to k of `pool` (worker ids, `level` their levels) without replacement, each weighted
    2^(level − min_level): how a title or a craftsman is named, higher levels likelier."""
    k = min(k, len(pool))
    if not k:
        return pool[:0]
    weight = 2.0 ** (level - min_level)
    return rng.choice(pool, k, replace=False, p=weight / weight.sum())


def spread_over_year(per_year: int, month_index: int) -> int:
    """Month `month_index`'s share (0–11 in the calendar year) of `per_year` whole events a year
    spread evenly: k·(m+1)//12 − k·m//12, so a year holds exactly k and a count that is not a
    multiple of 12 is split into whole events (1,200 → 100 every month; 10 → 0,1,1,1,1,1,0,1,…).
    Scheduled bodies (`entities`) and training sessions (`sessions`) both arrive so."""
    k, m = int(per_year), int(month_index)
    return k * (m + 1) // 12 - k * m // 12
