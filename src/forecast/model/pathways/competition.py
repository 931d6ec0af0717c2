"""The yearly district skills competition (二、(四)): 'double-pass' entrants are promoted one
level without waiting out their time in grade. No fund outlay in Huishan's attachment.
"""
from __future__ import annotations

import numpy as np


def competition(env, sim):
    p = sim.values["pathways"]["competition"]
    rng = sim.rng("competition")
    w = sim.workers
    levels = np.array(p["entrant_levels"])
    for t in range(sim.T):
        if sim.in_policy(t) and sim.month_of_year(t) == p["month"]:
            pool = np.flatnonzero(w.active & np.isin(w.level, levels))
            entrants = rng.choice(pool, min(int(p["entrants"]), len(pool)), replace=False)
            promoted = entrants[rng.random(len(entrants)) < p["double_pass_share"]]
            promoted = promoted[w.level[promoted] < p["promote_max_level"]]
            sim.promote(promoted, (w.level[promoted] + 1).astype(np.int8), t, "competition")
        yield env.timeout(1)
