"""What behaviour responds to: the expected reward per participant, now and under the base.

A rewarded section's volume responds to the ratio of the expected reward per participant
under the rules in force to that under the root base policy (`model.behaviour`). The
expected reward of a rule is Σ units[key] × amount[key] (`Rule.expected`): `units` is the
section's assumption `[….expected_units]` — how many payments of each key one participant
earns on average (a pairing earns HS-A8a once and each HS-A8b milestone with its odds).
Summing nominal amounts of unlike payments (2,000 at pairing + the mean milestone 3,333)
would weigh a rare milestone like a certain payment; this does not.

A section whose response rules are all fixed or range rules may leave `expected_units` out:
each participant earns each rule once (one unit). Table, tier and milestone rules have no
such natural unit, so leaving it out for them is an error naming the key.

The reference amounts are those of the root base file, or stated in `[reference_amounts]`
(as a results folder's scenario does): a number for a fixed or range rule, else a table.
They are the root rule's base version: a rule's dated `changes` (docs/dated_parameters.md)
are what the response is to, so `ratio` takes the versions in force on a date
(`Scenario.response_ratio(section, date)`), and the expected payments cover the keys of
every version (`Rule.keys`).
"""
from __future__ import annotations

from forecast.core.errors import InputError
from forecast.scenario.params import AMOUNT, Domain
from forecast.scenario.reader import Table
from forecast.scenario.rule_reader import read_rule

UNITS = Domain(0.0, 1000.0, False, "expected payments per participant, a number in [0, 1000]")
ONE_UNIT_KINDS = ("fixed", "range")


def read_reference(t: Table, rules: dict, root: tuple) -> dict:
    """rule id → {key: amount} under the root base policy (or as stated)."""
    root_file, root_data = root
    computed = {rid: read_rule(rid, Table(body, str(root_file), f"rules.{rid}")).amounts()
                for rid, body in root_data.get("rules", {}).items() if isinstance(body, dict)}
    stated = {}
    for rid in t.keys():
        if rid not in rules:
            raise t.error(rid, "not a rule of this scenario", ", ".join(rules))
        raw = t.raw(rid)
        if isinstance(raw, dict):
            sub = t.table(rid)
            stated[rid] = {k: sub.number(k, AMOUNT) for k in sub.keys()}
            sub.close()
        else:
            stated[rid] = {"unit": t.number(rid, AMOUNT)}
    t.close()
    return {rid: stated.get(rid, computed.get(rid, rule.amounts())) for rid, rule in rules.items()}


def reference_to_toml(reference: dict) -> dict:
    return {rid: (a["unit"] if list(a) == ["unit"] else dict(a)) for rid, a in reference.items()}


def read_units(t: Table, key: str, rules: dict) -> dict:
    """`[….expected_units]`: {assumption = "why", RULE = number | {key = number}} →
    {"assumption": text, rule id: {key: units}}."""
    u = t.table(key)
    out = {"assumption": u.text("assumption")}
    if not out["assumption"]:
        raise u.error("assumption", "missing: say where the expected payments come from", "text")
    for rid in u.keys():
        if rid == "assumption":
            continue
        if rid not in rules:
            raise u.error(rid, "not a rule of this scenario", ", ".join(sorted(rules)))
        rule = rules[rid]
        raw = u.raw(rid)
        if isinstance(raw, dict):
            sub = u.table(rid)
            allowed = rule.keys()
            units = {}
            for k in sub.keys():
                if k not in allowed:
                    raise sub.error(k, f"rules.{rid} pays nothing under {k!r}", ", ".join(allowed))
                units[k] = sub.number(k, UNITS)
            sub.close()
            out[rid] = units
        else:
            if rule.kind not in ONE_UNIT_KINDS:
                raise u.error(rid, f"rules.{rid} is a {rule.kind} rule: give the expected payments by key",
                              "{" + ", ".join(f'"{k}" = …' for k in rule.keys()) + "}")
            out[rid] = {"unit": u.number(rid, UNITS)}
    u.close()
    return out


def units_to_toml(units: dict) -> dict:
    return {k: (v if k == "assumption" else (v["unit"] if list(v) == ["unit"] else dict(v)))
            for k, v in units.items()}


def check_units(t: Table, rule_ids: list, units: dict | None, rules: dict) -> None:
    """Every response rule has its expected payments: stated, or one unit for a fixed or
    range rule; every key the rule pays is covered."""
    for rid in rule_ids:
        rule = rules[rid]
        if units is None or rid not in units:
            if rule.kind not in ONE_UNIT_KINDS:
                raise t.error("expected_units", f"missing for rules.{rid}, a {rule.kind} rule: how many payments "
                              "of each key does a participant earn on average (an assumption)",
                              f"[….expected_units] {rid} = {{" + ", ".join(f'"{k}" = …' for k in rule.keys()) + "}")
            continue
        missing = [k for k in rule.keys() if k not in units[rid]]
        if missing:
            raise t.error("expected_units", f"{rid} lacks {missing[0]!r}, which rules.{rid} pays",
                          ", ".join(rule.keys()))


def units_of(rule, units: dict | None) -> dict:
    """The expected payments of one rule per participant (one unit when not stated)."""
    if units and rule.id in units:
        return units[rule.id]
    return {"unit": 1.0}


def expected_reward(rules: list, units: dict | None, reference: dict | None = None) -> float:
    """Σ over the rules of the expected reward per participant (with `reference`: the amounts
    of the root base policy, rule id → {key: amount})."""
    return sum(r.expected(units_of(r, units), None if reference is None else reference[r.id]) for r in rules)


def ratio(rules: list, units: dict | None, reference: dict, path: str) -> float:
    """Expected reward now ÷ under the root base (1 in the base), `rules` being the versions
    in force at the time the volume is for. A base that pays nothing for the rules gives no
    reference: a reform that starts paying needs its own volume assumption."""
    ref = expected_reward(rules, units, reference)
    now = expected_reward(rules, units)
    if ref > 0:
        return now / ref
    if now > 0:
        raise InputError(path, "reference_amounts", "the base policy pays nothing for "
                         + ", ".join(r.id for r in rules) + ", so a response to paying for them cannot be scaled from it",
                         "a base that pays the rules, or the volume under the new amounts as the assumption")
    return 1.0
