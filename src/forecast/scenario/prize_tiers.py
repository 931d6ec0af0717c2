"""Reading the prize tiers of `[pathways.prizes]`: one table per tier, named by the scenario.

    [pathways.prizes.tiers.world_gold]
    competition = "world"          # the competition's level: a label of the scenario, not code
    place = "gold"                 # policy.places: gold/silver/bronze/excellence/squad, 一等…, or 1–5
    per_year = { value = 0.02, range = [0, 0.1], assumption = "…" }   # expected prizes a year
    rule = "HZ-A7c"                # pays the winner: a rule on `prize_won` events
    coach_rule = "HZ-A7d"          # optional: pays the coach or expert team, on `coach_award`
    month = 9                      # optional: the month of the award (default: the section's)
    min_level = "高级工"            # optional: the lowest level of a winner (default: the section's)

Why tables of their own: a policy names several competitions, each with its places and
amounts, and each tier's expected count is an uncertain parameter drawn from its own stream
(path `pathways.prizes.tiers.NAME.per_year`), so adding a tier never moves another's draw.
Every error names the file and the tier's key.
"""
from __future__ import annotations

from forecast.policy import ladder
from forecast.policy.places import PLACE_TEXT, parse_place
from forecast.scenario.params import RATE
from forecast.scenario.reader import Table

#: the event kind each rule of a tier must pay for
RULE_EVENTS = {"rule": "prize_won", "coach_rule": "coach_award"}
PER_YEAR_FORMS = ('{value = …, source = "seed …"} or {value = …, range = [low, high], assumption = "why"} '
                  'or {dist = …, low = …, high = …, assumption = "why"}')


def read_tiers(t: Table, key: str, rules: dict) -> dict:
    """tier name → {competition, place, per_year (Param), rule, [coach_rule], [month], [min_level]}."""
    tiers_t = t.table(key)
    names = tiers_t.keys()
    if not names:
        raise t.error(key, "no tiers", "one table per tier: [pathways.prizes.tiers.NAME]")
    out = {name: _tier(tiers_t.table(name), rules) for name in names}
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
