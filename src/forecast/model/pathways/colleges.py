"""Graduates of the region's vocational colleges who stay in the district (HS-A1b, HS-A1c,
HS-A1d).

Each year's staying graduates (their number responds to the college and counsellor rewards
in force in the graduation month, `behaviour.monthly_volume`) are spread over colleges and
their year counsellors, join the district's employment with their certificates, and are
counted once they have stayed to `counted_month`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.model.behaviour import monthly_volume
from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.params.param import FACTOR, POSITIVE_COUNT, PROBABILITY, RATE, SHARE
from forecast.params.section import Responsive, level_table, param, setting
from forecast.policy import ladder


@dataclass(frozen=True, eq=False)
class CollegesSection(Responsive):
    PAYING_RULE = "count_rule"
    count_rule: str = setting("rule")
    counsellor_rules: list | None = setting("rules", optional=True)
    graduation_month: int = setting("month")
    counted_month: int = setting("month")
    colleges: int = param(POSITIVE_COUNT)
    counsellors_per_college: int = param(POSITIVE_COUNT)
    staying_per_year: float = param(RATE)
    concentration: float = param(FACTOR)
    graduate_level_mix: np.ndarray = level_table(SHARE, mix=True)
    fits_sector_share: float = param(SHARE)
    prize_share: float = param(PROBABILITY)
    first_prize_share: float = param(SHARE)
    second_prize_share: float = param(SHARE)
    contributor_share: float = param(SHARE)


class Colleges(Pathway):
    NAME = "colleges"
    SECTION = CollegesSection
    STEP = ("graduates arrive; staying graduates counted for colleges and counsellors (HS-A1b–d)")

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        rng = self.rng = sim.rng("colleges")
        self.n = int(p.colleges)
        self.share = rng.dirichlet(np.full(self.n, p.concentration))
        self.contrib = rng.random(self.n) < p.contributor_share
        self.per_year = monthly_volume(p.staying_per_year, p, sim.scenario, sim.date(np.arange(sim.T)))
        self.arrivals = sim.arrivals("colleges").counts(self.per_year)
        self.mix = p.graduate_level_mix / p.graduate_level_mix.sum()
        prize_p = np.array([p.first_prize_share, p.second_prize_share,
                            max(0.0, 1 - p.first_prize_share - p.second_prize_share)])
        self.prize_p = prize_p / prize_p.sum()
        self.cohort = None

    def step(self, t: int) -> None:
        sim, p, rng, w = self.sim, self.p, self.rng, self.sim.workers
        month = sim.month_of_year(t)
        if month == p.graduation_month:
            k = int(self.arrivals[t])
            college = rng.choice(self.n, k, p=self.share)
            levels = rng.choice(ladder.TOP + 1, k, p=self.mix).astype(np.int8)
            ages = rng.uniform(19, 23, k)
            new = sim.add_workers(k, t, rng, levels=levels, ages=ages, graduate=True)
            w.since[new] = t
            w.eligible_from[new] = sim.eligible_from(new)
            prize = np.where(rng.random(k) < p.prize_share, rng.choice([1, 2, 3], k, p=self.prize_p), 0)
            counsellor = rng.integers(0, int(p.counsellors_per_college), k)
            self.cohort = dict(ids=new, college=college, counsellor=counsellor, prize=prize.astype(np.int8),
                               fits=rng.random(k) < p.fits_sector_share)
            sim.record_flow(t, "graduates", k)
        if month == p.counted_month and self.cohort is not None:
            self._count(t, self.cohort)
            self.cohort = None

    def _count(self, t: int, c: dict) -> None:
        """Staying graduates are counted for the colleges and their counsellors."""
        sim, w = self.sim, self.sim.workers
        stay = w.active[c["ids"]]
        date = sim.date(t, last_day=True)
        counts = np.bincount(c["college"][stay], minlength=self.n)
        sim.log.emit("graduates_stayed", date, recipient_kind="college", recipient=ids("C", np.arange(self.n)),
                     count=counts, contributor=self.contrib)
        if self.p.counsellor_rules is not None:
            g = np.flatnonzero(stay)
            counsellor = np.char.add(ids("C", c["college"][g]).astype(str),
                                     np.char.add("-K", c["counsellor"][g].astype(str))).astype(object)
            sim.log.emit("graduate_stayed", date, recipient_kind="counsellor", recipient=counsellor,
                         person=ids("W", c["ids"][g]), level=w.level[c["ids"][g]], prize=c["prize"][g],
                         fits_sector=c["fits"][g], contributor=self.contrib[c["college"][g]])
