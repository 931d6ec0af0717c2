"""The yearly district skills competition (二、(四)): 'double-pass' entrants are promoted one
level without waiting out their time in grade. No fund outlay in Huishan's attachment.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.model.pathways.base import Pathway
from forecast.model.population import at_levels
from forecast.params.param import COUNT, PROBABILITY
from forecast.params.section import Section, param, setting


@dataclass(frozen=True, eq=False)
class CompetitionSection(Section):
    month: int = setting("month")
    entrant_levels: list = setting("levels")
    promote_max_level: int = setting("level")
    entrants: int = param(COUNT)
    double_pass_share: float = param(PROBABILITY)


class Competition(Pathway):
    NAME = "competition"
    SECTION = CompetitionSection
    STEP = ("the yearly competition promotes 'double-pass' entrants")

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.rng = sim.rng("competition")
        self.levels = np.array(p.entrant_levels)

    def step(self, t: int) -> None:
        sim, p, w = self.sim, self.p, self.sim.workers
        if not (sim.in_policy(t) and sim.month_of_year(t) == p.month):
            return
        pool = np.flatnonzero(w.active & at_levels(w.level, self.levels))
        entrants = self.rng.choice(pool, min(int(p.entrants), len(pool)), replace=False)
        promoted = entrants[self.rng.random(len(entrants)) < p.double_pass_share]
        promoted = promoted[w.level[promoted] < p.promote_max_level]
        sim.promote(promoted, (w.level[promoted] + 1).astype(np.int8), t, "competition")
