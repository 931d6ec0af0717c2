"""Counted bodies: master studios, bases, stations, rights centres, titles and fairs.

Each kind starts with `initial` bodies and gains new ones (a Poisson number a month that
responds to its reward). A body with a reward rule earns it once: after `lag_months` it
qualifies each month with the chance implied by `success_per_year`; the review amount of a
range rule is drawn within the scenario's bounds.
"""
from __future__ import annotations

import numpy as np

from forecast.model.engine import response
from forecast.model.population import monthly


def entities(env, sim):
    kinds = {}
    for name, e in sim.values["entities"].items():
        rng = sim.rng("entity:" + name)
        ratio = sim.scenario.response_ratio(e["response_rules"]) if e.get("response_rules") else 1.0
        k0 = int(e["initial"])
        age = rng.uniform(0, 2 * e.get("initial_age_years", 0.0), k0) * 12
        kinds[name] = dict(rng=rng, e=e, born=list(-np.round(age).astype(int)), paid=[False] * k0,
                           contributor=list(rng.random(k0) < e.get("contributor_share", 0.0)),
                           rate=e["new_per_year"] * response(ratio, e.get("elasticity", 0.0), e.get("deadweight", 1.0)) / 12)
        for i in range(k0):
            sim.entities.append(dict(kind=name, id=f"{name}-{i + 1:03d}", created=int(kinds[name]["born"][i]),
                                     initial=True))
    for t in range(sim.T):
        for name, k in kinds.items():
            e, rng = k["e"], k["rng"]
            if not e.get("until_policy_end", False) or sim.in_policy(t):
                for _ in range(rng.poisson(k["rate"])):
                    k["born"].append(t)
                    k["paid"].append(False)
                    k["contributor"].append(rng.random() < e.get("contributor_share", 0.0))
                    sim.entities.append(dict(kind=name, id=f"{name}-{len(k['born']):03d}", created=t, initial=False))
            if "rule" in e:
                _reward(sim, t, name, k)
        yield env.timeout(1)


def _reward(sim, t, name, k):
    e, rng = k["e"], k["rng"]
    born = np.array(k["born"])
    due = np.flatnonzero(~np.array(k["paid"], bool) & (t - born >= e.get("lag_months", 0)))
    due = due[rng.random(len(due)) < monthly(e.get("success_per_year", 1.0))]
    if not len(due):
        return
    rule = sim.scenario.policy.rule(e["rule"])
    cols = dict(recipient_kind=rule.recipient_kind, recipient=np.array([f"{name}-{i + 1:03d}" for i in due], object),
                years=(t - born[due]) / 12.0, contributor=np.array(k["contributor"], bool)[due])
    if "amount_low" in e:
        cols["amount"] = np.round(rng.uniform(e["amount_low"], e["amount_high"], len(due)), -3)
    for i in due:
        k["paid"][i] = True
    sim.log.emit(rule.event, sim.date(t), **cols)
