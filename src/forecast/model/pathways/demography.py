"""Exits (leaving the district, retirement) and hires that keep employment on its growth path.
Every scenario has it: it is the engine's first step after durations end."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.model.pathways.base import Pathway
from forecast.params.param import AGE, GROWTH, PROBABILITY, SHARE
from forecast.params.section import Section, param


@dataclass(frozen=True, eq=False)
class Flows(Section):
    """[flows]: leaving the district (turnover), retirement, employment growth and who is hired."""
    turnover: float = param(PROBABILITY)
    retirement_age: float = param(AGE)
    growth: float = param(GROWTH)
    hire_age_min: float = param(AGE)
    hire_age_mode: float = param(AGE)
    hire_age_max: float = param(AGE)
    hire_skilled_share: float = param(SHARE)


class Demography(Pathway):
    """Every scenario's first step: exits and hires ([flows])."""
    NAME = "demography"
    GROUP = "flows"
    SECTION = Flows
    STEP = "workers leave (turnover, retirement); hires keep employment on its growth path"

    def __init__(self, sim, flows: Flows):
        self.sim = sim
        self.rng = sim.rng("demography")
        self.growth = flows.growth
        #: the ids of the hires of month `hired_month` (read by pathways that act on recruits)
        self.hired, self.hired_month = np.empty(0, np.int64), -1

    def step(self, t: int) -> None:
        sim = self.sim
        if not sim.options.demography:
            return
        w = sim.workers
        leaving = np.flatnonzero(w.active & (w.exit_month <= t))
        sim.deactivate(leaving)
        sim.record_flow(t, "exits", len(leaving))
        target = sim.n0 * (1.0 + self.growth) ** (t / 12.0)
        hires = max(0, int(round(target - int(sim.by_level.sum()))))   # by_level: the workers in the district
        self.hired, self.hired_month = sim.add_workers(hires, t, self.rng), t
        sim.record_flow(t, "hires", hires)
