"""Competition prizes as rare events (`new: prizes` of docs/policies.md): tiers of a
competition level (city, province, national, world — the scenario's own labels) and a place
(gold … excellence, squad member; policy.places), each with an expected number a year.

Each tier's number in its month is Poisson with mean `per_year`, drawn by inversion from the
tier's own arrivals stream (`arrivals:prizes:NAME`, model/arrivals.py), and its winners are
drawn without replacement from the active workers at the tier's minimum level or above, from
the tier's own process stream: adding a tier, or the section itself, moves no other draw.
A winner's `prize_won` event carries the place in `prize` and the competition level in
`programme` (a rule selects a level with `programme = "world"`); a tier with a `coach_rule`
also emits one `coach_award` per prize — one amount per coach or expert team, not per member —
whose amount (a share or a fixed sum) is the rule's. With `promote` a winner below the top
level rises one level (破格晋升), certified through programme "prizes", after the prize is
recorded at the level it was won at. Prizes are paid by the fund only inside the policy period.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.model.eventlog import ids
from forecast.model.pathways.base import Pathway
from forecast.params.param import RATE
from forecast.params.section import Reading, Section, setting
from forecast.params.table import Table
from forecast.policy import ladder
from forecast.policy.places import PLACE_TEXT, parse_place

# Reading the prize tiers of `[pathways.prizes]`: one table per tier, named by the scenario.
#
#     [pathways.prizes.tiers.world_gold]
#     competition = "world"          # the competition's level: a label of the scenario, not code
#     place = "gold"                 # policy.places: gold/silver/bronze/excellence/squad, 一等…, or 1–5
#     per_year = { value = 0.02, range = [0, 0.1], assumption = "…" }   # expected prizes a year
#     rule = "HZ-A7c"                # pays the winner: a rule on `prize_won` events
#     coach_rule = "HZ-A7d"          # optional: pays the coach or expert team, on `coach_award`
#     month = 9                      # optional: the month of the award (default: the section's)
#     min_level = "高级工"            # optional: the lowest level of a winner (default: the section's)
#
# Why tables of their own: a policy names several competitions, each with its places and
# amounts, and each tier's expected count is an uncertain parameter drawn from its own stream
# (path `pathways.prizes.tiers.NAME.per_year`), so adding a tier never moves another's draw.
# Every error names the file and the tier's key.
#: the event kind each rule of a tier must pay for
RULE_EVENTS = {"rule": "prize_won", "coach_rule": "coach_award"}
PER_YEAR_FORMS = ('{value = …, source = "seed …"} or {value = …, range = [low, high], assumption = "why"} '
                  'or {dist = …, low = …, high = …, assumption = "why"}')


def read_tiers(t: Table, key: str, reading: Reading) -> dict:
    """tier name → {competition, place, per_year (Param), rule, [coach_rule], [month], [min_level]}."""
    tiers_t = t.table(key)
    names = tiers_t.keys()
    if not names:
        raise t.error(key, "no tiers", "one table per tier: [pathways.prizes.tiers.NAME]")
    out = {name: _tier(tiers_t.table(name), reading.rules) for name in names}
    tiers_t.close()
    return out


#: the keys of a tier's table
TIER_KEYS = ("competition", "place", "per_year", "rule", "coach_rule", "month", "min_level")


def _tier(t: Table, rules: dict) -> dict:
    for key in t.keys():   # a misspelt key is named before anything it leaves missing
        if key not in TIER_KEYS:
            raise t.error(key, "unknown key", ", ".join(TIER_KEYS))
    competition = t.text("competition")
    if not competition.strip():
        raise t.error("competition", "empty", "the competition's level as text: city, province, national, world, …")
    try:
        place = parse_place(t.raw("place"))
    except ValueError:
        raise t.error("place", f"{t.raw('place')!r} is not a place", PLACE_TEXT) from None
    out = {"competition": competition, "place": place, "per_year": _per_year(t)}
    for key, event in RULE_EVENTS.items():
        if key == "coach_rule" and not t.has(key):
            continue
        rid = t.text(key)
        if rid not in rules:
            raise t.error(key, f"{rid!r} is not a rule of this scenario", ", ".join(sorted(rules)))
        if rules[rid].event != event:
            raise t.error(key, f"rules.{rid} pays {rules[rid].event!r} events, not {event!r}",
                          f"a rule with event = \"{event}\"")
        out[key] = rid
    if t.has("month"):
        m = t.raw("month")
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
            raise t.error("month", f"{m!r} is not a month", "a month 1–12")
        out["month"] = m
    if t.has("min_level"):
        try:
            out["min_level"] = ladder.parse_level(t.raw("min_level"))
        except ValueError as exc:
            raise t.error("min_level", str(exc), ladder.ALLOWED_LEVELS) from None
    t.close()
    return out


def _per_year(t: Table):
    """The expected number of prizes a year: a seed figure (`source`) or a labelled assumption."""
    raw = t.raw("per_year")
    if not isinstance(raw, dict):
        raise t.error("per_year", "a parameter needs its source (a seed figure) or must be labelled an "
                                  "assumption", PER_YEAR_FORMS)
    return t.param("per_year", RATE, assumption=not ("source" in raw and "assumption" not in raw))


@dataclass(frozen=True, eq=False)
class PrizesSection(Section):
    """[pathways.prizes]: competition prizes as rare events (a Poisson number a year of each
    tier, `read_tiers`), won by active workers at `min_level` or above, each
    `prize_won` paid by its tier's rule and, with a `coach_rule`, a `coach_award` for the coach
    or expert team. With `promote` a winner also rises one level (破格晋升). The count is set by
    the competitions' places, not by the reward: no behavioural response."""
    month: int = setting("month")
    min_level: int = setting("level")
    tiers: dict = setting("tiers", reader=read_tiers)
    promote: bool = setting("flag", default=False)


#: the programme of a certificate a prize promotes to (破格晋升)
PROMOTION_PROGRAMME = "prizes"


class Prizes(Pathway):
    NAME = "prizes"
    SECTION = PrizesSection
    STEP = ("competition prizes of each tier won, paid to winners and coaches; winners promoted if "
                   "the scenario says so")

    def __init__(self, sim, p):
        self.sim, self.p = sim, p
        policy_months = np.array([sim.in_policy(t) for t in range(sim.T)])
        month_of_year = np.array([sim.month_of_year(t) for t in range(sim.T)])
        self.rng, self.counts = {}, {}
        for name, tier in p.tiers.items():
            month = tier.get("month", p.month)
            rates = np.where(policy_months & (month_of_year == month), float(tier["per_year"]), 0.0)
            self.rng[name] = sim.rng("prizes:" + name)
            self.counts[name] = sim.arrivals("prizes:" + name).counts(rates)

    def step(self, t: int) -> None:
        sim, w = self.sim, self.sim.workers
        winners_of_month = []
        for name, tier in self.p.tiers.items():
            k = int(self.counts[name][t])
            if not k:
                continue
            pool = np.flatnonzero(w.active & (w.level >= tier.get("min_level", self.p.min_level)))
            winners = self.rng[name].choice(pool, min(k, len(pool)), replace=False)
            if len(winners):
                self._emit(t, tier, winners)
                winners_of_month.append(winners)
        if self.p.promote and winners_of_month:
            who = np.unique(np.concatenate(winners_of_month))   # one level, however many prizes
            who = who[w.active[who] & (w.level[who] < ladder.TOP)]
            sim.promote(who, (w.level[who] + 1).astype(np.int8), t, PROMOTION_PROGRAMME)

    def _emit(self, t: int, tier: dict, winners: np.ndarray) -> None:
        """A `prize_won` per winner and, with a coach rule, a `coach_award` per prize."""
        sim = self.sim
        policy = sim.scenario.policy
        person = ids("W", winners)
        common = dict(person=person, level=sim.workers.level[winners], prize=tier["place"],
                      programme=tier["competition"], contributor=sim.contributor(winners))
        sim.log.emit("prize_won", sim.date(t), recipient_kind=policy.rule(tier["rule"]).recipient_kind,
                     recipient=person, **common)
        if tier.get("coach_rule"):
            # the coach or expert team of the winner's entry, taken to be of the winner's employer
            sim.log.emit("coach_award", sim.date(t), recipient_kind=policy.rule(tier["coach_rule"]).recipient_kind,
                         recipient=np.char.add("coach of ", person.astype(str)).astype(object), **common)
