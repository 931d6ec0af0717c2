"""A reward rule read from its scenario table (`[rules.HS-…]`): the kind decides which amount
keys it takes; every key is checked against its domain, unknown keys are errors.

A rule's amounts may change on dates (docs/dated_parameters.md):

    changes = [{ from = 2026-01-01, amount = 4000, source = "reform: doubled from 2026" }]

Each row sets the amount key of the rule's kind (`rules.AMOUNT_KEYS`), read and checked by the
same code as the base keys, with its `from` date (strictly increasing) and its `source`.
"""
from __future__ import annotations

from forecast.policy import ladder
from forecast.policy.events import EVENT_KINDS
from forecast.policy.places import PLACE_TEXT, parse_place
from forecast.policy.rules import AMOUNT_KEYS, CONDITIONS, KINDS, ONCE_KEYS, Rule
from forecast.params.param import AMOUNT, COUNT, MONTHS
from forecast.params.table import Table

TIERS = "[{min, amount}, …] by increasing min"
CHANGES = "[{from = DATE, <the kind's amount key> = …, source = \"…\"}, …] by increasing from"


def read_rule(rule_id: str, t: Table) -> Rule:
    """A rule from its scenario table; the kind decides which amount keys it takes."""
    kind = t.text("kind", choices=KINDS)
    event = t.text("event", choices=tuple(EVENT_KINDS))
    args = dict(id=rule_id, article=t.text("article"), event=event, recipient_kind=t.text("recipient"),
                kind=kind, text=t.text("text", ""), source=t.text("source"), reading=t.text("reading", ""))
    if kind == "table":
        args["field"] = t.text("field", "level", ("level", "prize"))
    args.update(_amounts(kind, args.get("field", "level"), t))
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
    args.update(_instalments(t))
    if t.has("net_of"):
        others = t.raw("net_of")
        if not isinstance(others, list) or not others or any(not isinstance(r, str) or r == rule_id for r in others):
            raise t.error("net_of", f"{others!r} is not a list of other rules' ids",
                          "a non-empty list of the ids of the scheme's other rules, e.g. [\"HZ-A3b\"]")
        args["net_of"] = tuple(others)
    changes = _changes(kind, args.get("field", "level"), t) if t.has("changes") else ()
    t.close()
    rule = Rule(**args)
    return rule.with_changes(changes) if changes else rule


def _instalments(t: Table) -> dict:
    """`instalments` (shares of the amount, each > 0, summing to 1 within 1e-9) with
    `instalment_months` (months between instalments, ≥ 1): both or neither."""
    if not (t.has("instalments") or t.has("instalment_months")):
        return {}
    if not t.has("instalments"):
        raise t.error("instalments", "missing: instalment_months needs the shares it spaces",
                      "a list of shares > 0 summing to 1, e.g. [0.5, 0.5]")
    shares = t.raw("instalments")
    if (not isinstance(shares, list) or len(shares) < 2
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 for v in shares)):
        raise t.error("instalments", f"{shares!r} is not a list of two or more shares > 0",
                      "a list of two or more shares > 0 summing to 1, e.g. [0.5, 0.5]")
    if abs(sum(shares) - 1.0) > 1e-9:
        raise t.error("instalments", f"shares add up to {sum(shares):.12g}", "shares summing to 1 (within 1e-9)")
    if not t.has("instalment_months"):
        raise t.error("instalment_months", "missing: instalments need the months between them",
                      "a whole number of months in [1, 1200]")
    months = t.number("instalment_months", MONTHS)
    if months < 1:
        raise t.error("instalment_months", f"{months!r} is out of range", "a whole number of months in [1, 1200]")
    return {"instalments": tuple(float(v) for v in shares), "instalment_months": months}


def _changes(kind: str, field: str, t: Table) -> list[tuple]:
    """`changes`: ((from, {amount args}, source), …), each row's amounts read like the base's."""
    own = AMOUNT_KEYS[kind]
    rows = t.rows("changes", CHANGES)
    if not rows:
        raise t.error("changes", "empty: leave `changes` out when the amounts never change", CHANGES)
    out = []
    for rt in rows:
        for key in rt.keys():
            if key not in ("from", "source", own):
                problem = (f"a {kind} rule's amounts are set by {own!r}, not {key!r}" if key in AMOUNT_KEYS.values()
                           else "unknown key: a change sets only the rule's amounts")
                raise rt.error(key, problem, f"from, {own}, source")
        start = rt.date("from")
        if out and start <= out[-1][0]:
            raise rt.error("from", f"{start} is not after the previous change's {out[-1][0]}",
                           "dates strictly increasing from row to row")
        amounts = _amounts(kind, field, rt)
        source = rt.text("source")
        if not source.strip():
            raise rt.error("source", "empty: say where the changed amount comes from", "text")
        rt.close()
        out.append((start, amounts, source))
    return out


def _amounts(kind: str, field: str, t: Table) -> dict:
    """The amount keys of a rule of this kind (the base's or a change's), as Rule arguments."""
    if kind == "fixed":
        return {"amount": t.number("amount", AMOUNT)}
    if kind == "table":
        amounts = t.table("amounts")
        table = {}
        for key in amounts.keys():
            try:
                code = ladder.parse_level(key) if field == "level" else _prize(key)
            except ValueError:
                allowed = ladder.ALLOWED_LEVELS if field == "level" else PLACE_TEXT
                raise amounts.error(key, "not a " + field, allowed) from None
            table[code] = amounts.number(key, AMOUNT)
        amounts.close()
        if not table:
            raise t.error("amounts", "empty", "at least one entry")
        return {"table": dict(sorted(table.items()))}
    if kind == "tiers":
        tiers = []
        for rt in t.rows("tiers", TIERS):
            tiers.append((rt.number("min", COUNT), rt.number("amount", AMOUNT)))
            rt.close()
        if not tiers or [m for m, _ in tiers] != sorted({m for m, _ in tiers}):
            raise t.error("tiers", "tiers must be non-empty with increasing min", TIERS)
        return {"tiers": tuple(tiers)}
    if kind == "range":
        return {"range": t.pair("range", AMOUNT)}
    ms = []
    for rt in t.rows("milestones", "[{level, within_months, amount}, …]"):
        try:
            level = ladder.parse_level(rt.raw("level"))
        except ValueError:
            raise rt.error("level", f"not a level: {rt.raw('level')!r}", ladder.ALLOWED_LEVELS) from None
        ms.append((level, rt.number("within_months", MONTHS), rt.number("amount", AMOUNT)))
        rt.close()
    return {"milestones": tuple(ms)}


def _prize(key) -> int:
    """A place (policy.places): 1–3 as before, 4 excellence, 5 squad member, or its name."""
    return parse_place(key)
