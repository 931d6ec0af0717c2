"""鳗鹏夜校惠技课堂 (HS-A3a, HS-A3b): terms with limited seats, a waiting list and an exam.

Each term, eligible workers at the levels taught apply; seats (a SimPy container, refilled
when a course ends) go to the waiting list first. Seats respond to the provider's reward.
Passing the exam earns the provider HS-A3a; craftsmen's class hours earn HS-A3b.
"""
from __future__ import annotations

import numpy as np
import simpy

from forecast.policy import ladder
from forecast.model.engine import response
from forecast.model.eventlog import ids
from forecast.model.pathways.self_evaluation import next_level


def night_school(env, sim):
    p = sim.values["pathways"]["night_school"]
    ratio = sim.scenario.response_ratio(p.get("response_rules", [p["rule"]]))
    seats_n = int(round(p["seats_per_term"] * response(ratio, p.get("elasticity", 0.0), p.get("deadweight", 1.0))))
    if not sim.options.capacities:
        seats_n = 10 ** 9
    seats = simpy.Container(env, capacity=max(seats_n, 1), init=seats_n)
    rng = sim.rng("night_school")
    providers = int(p["providers"])
    provider_contrib = rng.random(providers) < p["provider_contributor_share"]
    taught = np.array(sorted({lv for lv in p["levels"]}))
    starts = np.zeros(ladder.TOP + 1, bool)  # levels from which a taught certificate is the next step
    starts[[lv for lv in range(ladder.TOP) if next_level(np.array([lv]))[0] in taught]] = True
    w = sim.workers
    waitlist = np.empty(0, np.int64)
    sim.night_school_queue = []
    for t in range(sim.T):
        if sim.month_of_year(t) in p["term_months"]:
            still = waitlist[w.active[waitlist] & starts[w.level[waitlist]]]
            waiting = np.zeros(w.n, bool)
            waiting[still] = True
            pool = np.flatnonzero(w.active & (w.eligible_from <= t) & starts[w.level] & ~waiting)
            applicants = pool[rng.random(len(pool)) < p["apply_rate"]]
            queue = np.concatenate([still, rng.permutation(applicants)])
            k = min(len(queue), int(seats.level))
            if k:
                yield seats.get(k)
            env.process(_course(env, sim, queue[:k], seats, p, rng, provider_contrib))
            waitlist = queue[k:]
            sim.night_school_queue.append((t, len(waitlist)))
        yield env.timeout(1)


def _course(env, sim, enrolled, seats, p, rng, provider_contrib):
    w = sim.workers
    start_level = w.level[enrolled].copy()
    provider = rng.integers(0, len(provider_contrib), len(enrolled))
    yield env.timeout(int(p["course_months"]))
    t = int(env.now)
    if t < sim.T:
        _teaching(sim, t, start_level, p, rng)
        ok = w.active[enrolled] & (w.level[enrolled] == start_level) & (rng.random(len(enrolled)) < p["pass_rate"])
        sim.promote(enrolled[ok], next_level(start_level[ok]), t, "night_school",
                    recipient=ids("P", provider[ok]), recipient_kind="provider",
                    contributor=provider_contrib[provider[ok]])
    if len(enrolled):
        yield seats.put(len(enrolled))


def _teaching(sim, t, start_level, p, rng):
    """Class hours taught by 惠山工匠 (HS-A3b): one event per class, a craftsman per class."""
    if "teaching_rule" not in p:
        return
    crafts = np.flatnonzero(sim.workers.craftsman)
    if not len(crafts):
        return
    hours = p["course_hours"]
    counts = np.bincount(next_level(start_level), minlength=ladder.TOP + 1)
    classes = np.ceil(counts / p["class_size"]).astype(int)
    class_hours = np.repeat(np.round(hours * p["craftsman_teaching_share"]).astype(int), classes)
    class_hours = class_hours[class_hours > 0]
    if len(class_hours):
        teacher = rng.choice(crafts, len(class_hours))
        sim.log.emit("class_hours", sim.date(t), recipient_kind="craftsman", recipient=ids("W", teacher),
                     count=class_hours, amount=float(p["hourly_rate"]), contributor=sim.contributor(teacher))
