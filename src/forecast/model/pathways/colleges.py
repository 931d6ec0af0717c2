"""Wuxi vocational colleges' graduates who stay in Huishan (HS-A1b, HS-A1c, HS-A1d).

Each year's staying graduates (their number responds to the college and counsellor rewards)
are spread over colleges and their year counsellors, join the district's employment with
their certificates, and are counted once they have stayed to `counted_month`.
"""
from __future__ import annotations

import numpy as np

from forecast.policy import ladder
from forecast.model.engine import response
from forecast.model.eventlog import ids


def colleges(env, sim):
    p = sim.values["pathways"]["colleges"]
    rng = sim.rng("colleges")
    n = int(p["colleges"])
    share = rng.dirichlet(np.full(n, p["concentration"]))
    contrib = rng.random(n) < p["contributor_share"]
    rules = p.get("response_rules", [p["count_rule"]])
    per_year = p["staying_per_year"] * response(sim.scenario.response_ratio(rules), p.get("elasticity", 0.0),
                                                p.get("deadweight", 1.0))
    mix = p["graduate_level_mix"] / p["graduate_level_mix"].sum()
    prize_p = np.array([p["first_prize_share"], p["second_prize_share"],
                        max(0.0, 1 - p["first_prize_share"] - p["second_prize_share"])])
    w = sim.workers
    cohort = None
    for t in range(sim.T):
        month = sim.month_of_year(t)
        if month == p["graduation_month"]:
            k = rng.poisson(per_year)
            college = rng.choice(n, k, p=share)
            levels = rng.choice(ladder.TOP + 1, k, p=mix).astype(np.int8)
            ages = rng.uniform(19, 23, k)
            new = sim.add_workers(k, t, rng, levels=levels, ages=ages, graduate=True)
            w.since[new] = t
            w.eligible_from[new] = sim.eligible_from(new)
            prize = np.where(rng.random(k) < p["prize_share"], rng.choice([1, 2, 3], k, p=prize_p / prize_p.sum()), 0)
            cohort = dict(ids=new, college=college, counsellor=rng.integers(0, int(p["counsellors_per_college"]), k),
                          prize=prize.astype(np.int8), fits=rng.random(k) < p["fits_sector_share"])
            sim.flows[t, 1] += k
        if month == p["counted_month"] and cohort is not None:
            _count(sim, t, cohort, n, contrib, p)
            cohort = None
        yield env.timeout(1)


def _count(sim, t, c, n, contrib, p):
    """Staying graduates are counted for the colleges and their counsellors."""
    w = sim.workers
    stay = w.active[c["ids"]]
    date = sim.date(t, last_day=True)
    counts = np.bincount(c["college"][stay], minlength=n)
    sim.log.emit("graduates_stayed", date, recipient_kind="college", recipient=ids("C", np.arange(n)),
                 count=counts, contributor=contrib)
    if "counsellor_rules" in p:
        g = np.flatnonzero(stay)
        counsellor = np.char.add(ids("C", c["college"][g]).astype(str),
                                 np.char.add("-K", c["counsellor"][g].astype(str))).astype(object)
        sim.log.emit("graduate_stayed", date, recipient_kind="counsellor", recipient=counsellor,
                     person=ids("W", c["ids"][g]), level=w.level[c["ids"][g]], prize=c["prize"][g],
                     fits_sector=c["fits"][g], contributor=contrib[c["college"][g]])
