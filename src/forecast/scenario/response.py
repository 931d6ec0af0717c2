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
such natural unit, so leaving it out for them is an error naming the key (the units are read
and checked with the section: `forecast.params.section`).

The reference amounts are those of the root base file, or stated in `[reference_amounts]`
(as a results folder's scenario does): a number for a fixed or range rule, else a table.
They are the root rule's base version: a rule's dated `changes` (docs/dated_parameters.md)
are what the response is to, so `ratio` takes the versions in force on a date
(`Scenario.response_ratio(section, date)`), and the expected payments cover the keys of
every version (`Rule.keys`).
"""
from __future__ import annotations

from forecast.core.errors import InputError
from forecast.params.param import AMOUNT
from forecast.params.section import units_of
from forecast.params.table import Table
from forecast.scenario.rule_reader import read_rule


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
