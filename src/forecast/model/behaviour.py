"""How uptake responds to a reward: the one behavioural rule every rewarded pathway uses.

Relative to the root base policy (the one under which a pathway's volume was set), a share
`deadweight` of the volume happens whatever the reward; the rest scales with the ratio of the
expected reward per participant to the base's (`scenario.response`) raised to the `elasticity`. A pathway's section names the rules it
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
    root base policy) times the response to the ratio of the expected reward per participant
    to the base's (`Scenario.response_ratio`)."""
    return base * response(scenario.response_ratio(section), section.elasticity, section.deadweight)


def without_reward(base: float, section) -> float:
    """The volume when no reward is paid any more (after the policy, with no successor): the
    deadweight share of the base, the part that happens whatever the reward."""
    return base * response(0.0, section.elasticity, section.deadweight)
