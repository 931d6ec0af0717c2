"""Activities of craftsmen paid per event: lecture-group sessions (HS-A5), guest lectures
(HS-A6), challenge projects (HS-A9). Their number responds to the reward; where the rule
pays a range, the amount set by review is drawn within the scenario's bounds.
"""
from __future__ import annotations

import numpy as np

from forecast.model.engine import response
from forecast.model.eventlog import ids


def activities(env, sim):
    specs = sim.values["activities"]
    rng = {name: sim.rng("activity:" + name) for name in specs}
    rate = {}
    for name, a in specs.items():
        ratio = sim.scenario.response_ratio(a.get("response_rules", [a["rule"]]))
        rate[name] = a["per_year"] * response(ratio, a.get("elasticity", 0.0), a.get("deadweight", 1.0)) / 12
    w = sim.workers
    for t in range(sim.T):
        if sim.in_policy(t):
            crafts = np.flatnonzero(w.craftsman)
            for name, a in specs.items():
                k = rng[name].poisson(rate[name])
                if not k or not len(crafts):
                    continue
                who = rng[name].choice(crafts, k)
                rule = sim.scenario.policy.rule(a["rule"])
                cols = dict(recipient_kind=rule.recipient_kind, recipient=ids("W", who), person=ids("W", who),
                            count=np.maximum(1, np.round(a.get("units_per_event", 1.0))).astype(int),
                            contributor=sim.contributor(who))
                if "unit_amount_low" in a:
                    cols["amount"] = np.round(rng[name].uniform(a["unit_amount_low"], a["unit_amount_high"], k), -1)
                sim.log.emit(rule.event, sim.date(t), **cols)
        yield env.timeout(1)
