"""A reward rule read from its scenario table (`[rules.HS-…]`): the kind decides which amount
keys it takes; every key is checked against its domain, unknown keys are errors."""
from __future__ import annotations

from forecast.policy import ladder
from forecast.policy.events import EVENT_KINDS
from forecast.policy.rules import CONDITIONS, KINDS, ONCE_KEYS, Rule
from forecast.scenario.params import AMOUNT, COUNT, MONTHS
from forecast.scenario.reader import Table

TIERS = "[{min, amount}, …] by increasing min"


def read_rule(rule_id: str, t: Table) -> Rule:
    """A rule from its scenario table; the kind decides which amount keys it takes."""
    kind = t.text("kind", choices=KINDS)
    event = t.text("event", choices=tuple(EVENT_KINDS))
    args = dict(id=rule_id, article=t.text("article"), event=event, recipient_kind=t.text("recipient"),
                kind=kind, text=t.text("text", ""), source=t.text("source"), reading=t.text("reading", ""))
    if kind == "fixed":
        args["amount"] = t.number("amount", AMOUNT)
    elif kind == "table":
        args["field"] = t.text("field", "level", ("level", "prize"))
        amounts = t.table("amounts")
        table = {}
        for key in amounts.keys():
            try:
                code = ladder.parse_level(key) if args["field"] == "level" else _prize(key)
            except ValueError:
                allowed = ladder.ALLOWED_LEVELS if args["field"] == "level" else "1, 2, 3"
                raise amounts.error(key, "not a " + args["field"], allowed) from None
            table[code] = amounts.number(key, AMOUNT)
        amounts.close()
        if not table:
            raise t.error("amounts", "empty", "at least one entry")
        args["table"] = dict(sorted(table.items()))
    elif kind == "tiers":
        tiers = []
        for rt in t.rows("tiers", TIERS):
            tiers.append((rt.number("min", COUNT), rt.number("amount", AMOUNT)))
            rt.close()
        if not tiers or [m for m, _ in tiers] != sorted({m for m, _ in tiers}):
            raise t.error("tiers", "tiers must be non-empty with increasing min", TIERS)
        args["tiers"] = tuple(tiers)
    elif kind == "range":
        args["range"] = t.pair("range", AMOUNT)
    else:
        ms = []
        for rt in t.rows("milestones", "[{level, within_months, amount}, …]"):
            try:
                level = ladder.parse_level(rt.raw("level"))
            except ValueError:
                raise rt.error("level", f"not a level: {rt.raw('level')!r}", ladder.ALLOWED_LEVELS) from None
            ms.append((level, rt.number("within_months", MONTHS), rt.number("amount", AMOUNT)))
            rt.close()
        args["milestones"] = tuple(ms)
    for key, allowed in (("requires_true", CONDITIONS),
                         ("requires_any_true", CONDITIONS),
                         ("once_per", ONCE_KEYS)):
        if t.has(key):
            values = t.raw(key)
            if not isinstance(values, list) or any(v not in allowed for v in values):
                raise t.error(key, f"{values!r} is not allowed", "a list of " + ", ".join(allowed))
            args[key] = tuple(values)
    if t.has("programme"):
        args["programme"] = t.text("programme")
    if t.has("min_years"):
        args["min_years"] = t.number("min_years", AMOUNT)
    args["anchor"] = t.text("anchor", "date", ("date", "paired_on"))
    args["after_policy"] = t.flag("after_policy", False)
    args["uplift"] = t.flag("uplift", True)
    args["in_kind"] = t.flag("in_kind", False)
    t.close()
    return Rule(**args)


def _prize(key) -> int:
    code = int(key)
    if code not in (1, 2, 3):
        raise ValueError(key)
    return code
