"""How uptake responds to a reward: the one behavioural rule every rewarded pathway uses.

Relative to the root base policy (the one under which a pathway's volume was set), a share
`deadweight` of the volume happens whatever the reward; the rest scales with the ratio of the
reward to the base reward raised to the `elasticity`. A pathway's section names the rules it
responds to and states both numbers (`scenario.schema.Responsive`); without them the scenario
is an error, never a silent "no response".
"""
from __future__ import annotations


def response(ratio: float, elasticity: float, deadweight: float) -> float:
    """Volume relative to the base policy's: 1 under the base policy, `deadweight` with no
    reward, and 1 + (1 − deadweight)(2^ε − 1) when the reward doubles."""
    return deadweight + (1.0 - deadweight) * ratio ** elasticity


def volume(base: float, section, scenario) -> float:
    """A rewarded section's volume under the scenario's rules: `base` (its volume under the
    root base policy) times the response to the ratio of the rules' amounts to the base's."""
    ratio = scenario.response_ratio(section.response_rule_ids())
    return base * response(ratio, section.elasticity, section.deadweight)
