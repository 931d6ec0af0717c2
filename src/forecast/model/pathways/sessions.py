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

from dataclasses import dataclass

import numpy as np

from forecast.model.pathways.base import Pathway, spread_over_year
from forecast.model.pathways.self_evaluation import next_level
from forecast.params.param import COUNT, SHARE
from forecast.params.section import Reading, Section, setting
from forecast.params.table import Table
from forecast.policy import ladder

# Reading the programmes of `[pathways.sessions]` (schema `Sessions`): subsidised training
# counted in sessions (人次), one table per programme, named by the scenario.
#
#     [pathways.sessions.programmes.skills]
#     rule = "CZ-A1"             # a fixed rule paying `training_sessions` events of programme "skills"
#     per_year = { value = 40000, range = [35000, 45000], assumption = "…" }   # sessions a year
#     certified_share = { value = 0.3, range = [0.2, 0.4], assumption = "…" } # share ending in a certificate
#     max_level = "中级工"        # trainees are at or below this level; the certificate is one level up
#     certificate_rule = "WX-A1" # optional: a table rule by level paying `certificate` events of "skills"
#
# Why tables of their own: a policy funds several programmes at once (Changzhou's 120,000 人次
# over three years besides 3,000 and 6,000 a year in others; Wuxi's 500,000 in 2021 besides
# technical schools' 25,000 a year), each with its own count and subsidy; each programme's
# parameters are drawn from their own streams (`pathways.sessions.programmes.NAME.per_year`).
#
# A programme pays per session (`rule`), per certificate by level (`certificate_rule`: Jiangsu
# pays per certificate obtained), or both; one with neither is an error, since a programme that
# pays nothing is not a subsidy. Each rule must select the programme's own events (`programme =
# NAME`), so `forecast payouts` pays a real providers' claim by the same rule as the simulation.
#: the keys of a programme's table
PROGRAMME_KEYS = ("rule", "certificate_rule", "per_year", "certified_share", "max_level")
#: setting → (rule kind, event kind) of the rule it names
RULES = {"rule": ("fixed", "training_sessions"), "certificate_rule": ("table", "certificate")}
#: the highest max_level: a training certificate goes at most to 高级技师 (特级/首席技师 are
#: employers' appointments, as the self-evaluation pathway reads them, not exams after training)
MAX_LEVEL = ladder.TECHNICIAN
MAX_LEVEL_TEXT = "a level from 未取证 to 技师 (0–5): the certificate is one level up, at most 高级技师"


def read_programmes(t: Table, key: str, reading: Reading) -> dict:
    """NAME → {per_year (Param), certified_share (Param), max_level[, rule][, certificate_rule]},
    checked; a programme's keys are read and reported like any section's (`reading`)."""
    progs = t.table(key)
    names = progs.keys()
    if not names:
        raise t.error(key, "empty: sessions need at least one programme",
                      f"[{key}.NAME] tables with {', '.join(PROGRAMME_KEYS)}")
    out = {name: _programme(progs.table(name), name, reading) for name in names}
    progs.close()
    return out


def _programme(pt: Table, name: str, reading: Reading) -> dict:
    for key in pt.keys():   # a misspelt key is named before anything it leaves missing
        if key not in PROGRAMME_KEYS:
            raise pt.error(key, "unknown key", ", ".join(PROGRAMME_KEYS))
    paying = [k for k in RULES if pt.has(k)]
    if not paying:
        raise pt.error("rule", "missing: a programme that pays nothing is not a subsidy",
                       "rule (per session), certificate_rule (per certificate by level) or both")
    out = {"per_year": reading.param(pt, "per_year", COUNT),
           "certified_share": reading.param(pt, "certified_share", SHARE),
           "max_level": reading.setting(pt, "max_level", "level")}
    if out["max_level"] > MAX_LEVEL:
        raise pt.error("max_level", f"{ladder.name(out['max_level'])} is above 技师", MAX_LEVEL_TEXT)
    for key in paying:
        rid = reading.setting(pt, key, "rule")
        rule, (kind, event) = reading.rules[rid], RULES[key]
        by_level = kind != "table" or rule.field == "level"
        if rule.kind != kind or rule.event != event or rule.programme != name or not by_level:
            shape = f"a {rule.kind} rule" + (f" by {rule.field}" if rule.kind == "table" else "")
            raise pt.error(key, f"rules.{rule.id} is {shape} paying {rule.event!r} events"
                           + (f" of programme {rule.programme!r}" if rule.programme else " of any programme"),
                           f'a {kind} rule with event = "{event}" and programme = "{name}"'
                           + (' (field = "level")' if kind == "table" else ""))
        out[key] = rid
    pt.close()
    return out


@dataclass(frozen=True, eq=False)
class SessionsSection(Section):
    """[pathways.sessions]: subsidised training counted in sessions (人次), one
    `[pathways.sessions.programmes.NAME]` per programme (`read_programmes`): `rule`
    (fixed, per session) and/or `certificate_rule` (table by level, per certificate), `per_year`,
    `certified_share`, `max_level`. The counts are the funded plan: no behavioural response."""
    programmes: dict = setting("sessions", reader=read_programmes)


#: the event kind of a month's sessions
EVENT = "training_sessions"


def providers(name: str) -> str:
    """The recipient of a programme's claims and certificates: its providers taken together."""
    return f"{name}-providers"


class Sessions(Pathway):
    NAME = "sessions"
    SECTION = SessionsSection
    STEP = ("each programme's subsidised training sessions (人次) of the month claimed by its providers; "
                     "a share of them certifies eligible workers one level up")

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
