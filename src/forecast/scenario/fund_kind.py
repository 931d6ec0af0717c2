"""The keys of `[fund]` each kind of fund takes (`schema.Fund`, `forecast.model.fund`).

`kind = "endowment"` (the default, Huishan's 惠山工匠基金): principal, return_rate,
top_up_per_year and draw_on_principal are required, appropriation_per_year is refused.
`kind = "appropriation"` (a yearly budget line: Huzhou, Changzhou, Wuxi, Dongxihu):
appropriation_per_year is required, the endowment's keys are refused — a budget has no
principal to earn on, top up or draw on, and a key that would be silently ignored is an error.
"""
from __future__ import annotations

from typing import Callable

from forecast.scenario.reader import Table

#: the kinds of fund: an endowment whose returns pay, or a yearly budget appropriation
ENDOWMENT, APPROPRIATION = "endowment", "appropriation"
KINDS = (ENDOWMENT, APPROPRIATION)
#: kind → the keys only that kind takes (each required for it, refused for the other)
KEYS = {ENDOWMENT: ("principal", "return_rate", "top_up_per_year", "draw_on_principal"),
        APPROPRIATION: ("appropriation_per_year",)}


def check_fund(t: Table, spec: dict, schema: dict, describe: Callable) -> None:
    """`[fund]` as read (`spec`): its kind is known, the kind's keys are all given and the
    other kind's keys none. `schema` is Fund.schema(), `describe` the reader's text of a key's form."""
    kind = spec.get("kind", ENDOWMENT)
    if kind not in KINDS:
        raise t.error("kind", f"{kind!r} is not a kind of fund", " | ".join(KINDS))
    for other, keys in KEYS.items():
        for key in keys:
            if other != kind and key in spec:
                raise t.error(key, f"only for kind = {other} (this fund is kind = {kind})",
                              "leave the key out, or set kind = " + other)
            if other == kind and key not in spec:
                raise t.error(key, "missing" + (f" (kind = {kind})" if kind != ENDOWMENT else ""),
                              describe(schema[key]))
