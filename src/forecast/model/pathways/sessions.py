"""Subsidised vocational training counted in sessions (人次), not certificates (`new: sessions`
of docs/policies.md: Changzhou's ≥ 120,000 人次 over 2025–27, Wuxi's 1.5 million over 2021–23).

Each programme of `[pathways.sessions.programmes]` runs `per_year` sessions a year within the
policy, spread evenly over the months: month m (0–11 in the calendar year) has
k·(m+1)//12 − k·m//12 of the k sessions, as scheduled entities do, so a year holds exactly k
and a count that is not a multiple of 12 is split into whole sessions. A month's sessions are
one `training_sessions` event of programme NAME with that count, paid to "NAME-providers":
one record is the providers' monthly claim, and a fixed rule pays its amount per session.

Of the n sessions of a month, Binomial(n, certified_share) end in a certificate one level up,
each for a distinct worker drawn at random from the eligible: active, at or below `max_level`,
time in grade served (`eligible_from ≤ t`). They are promoted through programme NAME, whose
`certificate` events a `certificate_rule` (a table by level) pays. When fewer workers are
eligible than certificates are due, all the eligible are promoted and no more: the sessions
are then more than the people who can certify (a session is 人次 — one person may train
several times — so the count is not capped by the eligible, only the certificates are).

Reading: the counts are the government's funded plan (the seeds state them as targets of
subsidised training, "补贴性职业技能培训 … 人次"), so sessions do not respond to the subsidy's
amount — no elasticity, a reform of the amount changes the outlay, not the count. Each
programme draws from its own stream (`sessions:NAME`): adding a programme moves no other draw.
"""
from __future__ import annotations

import numpy as np

from forecast.model.pathways.base import Pathway, spread_over_year
from forecast.model.pathways.self_evaluation import next_level

#: the event kind of a month's sessions
EVENT = "training_sessions"


def providers(name: str) -> str:
    """The recipient of a programme's claims and certificates: its providers taken together."""
    return f"{name}-providers"


class Sessions(Pathway):
    NAME = "sessions"

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        self.rng = {name: sim.rng("sessions:" + name) for name in p.programmes}

    def step(self, t: int) -> None:
        sim = self.sim
        if not sim.in_policy(t):
            return
        month = sim.month_of_year(t) - 1
        for name, prog in self.p.programmes.items():
            n = spread_over_year(prog["per_year"], month)
            if not n:
                continue
            sim.log.emit(EVENT, sim.date(t), recipient_kind="provider", recipient=providers(name), count=n,
                         programme=name)
            self._certify(t, name, prog, n)

    def _certify(self, t: int, name: str, prog: dict, n: int) -> None:
        """Binomial(n, certified_share) distinct eligible workers promoted one level through
        programme NAME (all the eligible if they are fewer)."""
        rng, sim, w = self.rng[name], self.sim, self.sim.workers
        k = int(rng.binomial(n, float(prog["certified_share"])))
        if not k:
            return
        pool = np.flatnonzero(w.active & (w.level <= prog["max_level"]) & (w.eligible_from <= t))
        chosen = pool if k >= len(pool) else np.sort(rng.choice(pool, k, replace=False))
        sim.promote(chosen, next_level(w.level[chosen]), t, name, recipient=providers(name),
                    recipient_kind="provider")
