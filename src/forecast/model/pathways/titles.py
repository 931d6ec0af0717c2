"""A scheme of named titles (e.g. a city's 大工匠, 工匠, 乡村工匠, 青年工匠): in each year of the
title's cycle (every year unless it has `every_years`/`first_year`, e.g. a five-yearly 临空港工匠:
`title_scheme.selects_in`), in its selection month within the policy, `per_year` holders
(read as the count named at each selection) are named from the active
workers at or above the title's `min_level` (and under its `max_age`, if it has one), higher
levels likelier (weight 2^(level − min_level), as the craftsmen pathway draws), and each award
is a `title_awarded` event of programme NAME, paid by the title's own rule.

Highest title only, no double award — reading "就高不重复" (a policy's "按照就高、不重复享受原则",
seed 003): a worker holding a title is never named to an equal or lower one of the scheme (so two
titles of equal rank exclude each other), and a holder named to a higher one is paid that
title's award minus what the lower one paid. The pathway enforces the first part by its pool;
the second is the rules' (`net_of` in the scenario: the payout calculator cuts an award by what
the scheme's other rules already paid that person), so a real record of an upgrade read by
`forecast payouts` is netted exactly as a simulated one. Titles due in the same month are
named highest rank first, so no one receives two titles in one month.
"""
from __future__ import annotations

import numpy as np

from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway, senior_first
from forecast.scenario.title_scheme import selects_in


class Titles(Pathway):
    NAME = "titles"

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.rng = sim.rng("titles")
        #: (name, title) highest rank first; equal ranks in the scenario's order
        self.order = sorted(p.scheme.items(), key=lambda item: -item[1]["rank"])
        self.rank = np.zeros(0, dtype=np.int16)   # per worker: rank of the highest title held (0: none)
        self.first_year = sim.scenario.policy.valid_from.year   # a cycle's default first year

    def step(self, t: int) -> None:
        sim = self.sim
        if not sim.in_policy(t):
            return
        month = sim.month_of_year(t)
        for name, title in self.order:
            if title["selection_month"] != month or not selects_in(title, sim.year(t), self.first_year):
                continue
            chosen = self._select(title, t)
            if not len(chosen):
                continue
            w = sim.workers
            sim.log.emit("title_awarded", sim.date(t), recipient_kind="worker", recipient=ids("W", chosen),
                         person=ids("W", chosen), level=w.level[chosen], programme=name,
                         contributor=sim.contributor(chosen))

    def held(self) -> np.ndarray:
        """Per worker, the rank of the highest title of the scheme held (0: none)."""
        n = self.sim.workers.n
        if len(self.rank) < n:
            self.rank = np.concatenate([self.rank, np.zeros(n - len(self.rank), dtype=np.int16)])
        return self.rank[:n]

    def _select(self, title: dict, t: int) -> np.ndarray:
        """Name up to `per_year` holders of `title` from its pool, higher levels likelier."""
        w, min_level, rank = self.sim.workers, title["min_level"], title["rank"]
        held = self.held()
        ok = w.active & (w.level >= min_level) & (held < rank)
        if title.get("max_age") is not None:
            ok &= (t - w.birth.astype(float)) / 12.0 < title["max_age"]
        pool = np.flatnonzero(ok)
        chosen = np.sort(senior_first(self.rng, pool, w.level[pool], min_level, int(title["per_year"])))
        held[chosen] = rank
        return chosen
