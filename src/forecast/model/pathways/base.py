"""What a pathway is to the engine: a class that owns its state, reads its typed parameters and
acts at its step of every month (`forecast.model.engine.STEPS`)."""
from __future__ import annotations

import numpy as np


class Pathway:
    """A pathway named `NAME` in the scenario's [pathways] (or, for GROUP "activities" and
    "entities", all sections of that group together)."""

    NAME = ""
    GROUP = "pathways"

    @classmethod
    def configured(cls, values) -> bool:
        """Whether the scenario has this pathway."""
        return bool(getattr(values, cls.GROUP)) if cls.GROUP != "pathways" else cls.NAME in values.pathways

    @classmethod
    def params(cls, values):
        """Its typed parameters (`scenario.schema`): a section, or a group's sections by name."""
        return getattr(values, cls.GROUP) if cls.GROUP != "pathways" else values.pathways[cls.NAME]

    def step(self, t: int) -> None:  # pragma: no cover - every pathway defines it
        raise NotImplementedError


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
