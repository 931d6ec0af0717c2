"""Checks of `[pathways.self_evaluation]`'s optional keys that involve other keys or sections:
evaluation bodies that raise certification capacity, and cross-level recognition (跨级评价).

    capacity_entity = "evaluation_body"          # an [entities.NAME] of the scenario
    capacity_elasticity = {value = 0.3, range = [0.0, 0.6], assumption = "…"}
    cross_level_share = {value = 0.03, range = [0.0, 0.08], assumption = "…"}
    cross_level_from = "中级工"                    # with the share, both required
    cross_level_to = "技师"

Why here and not key by key: the capacity entity is read after the pathways (it is another
section), and its `initial` must be above 0 in every drawn future, since the capacity factor
(N / N0)^elasticity divides by it. Every problem is an InputError naming the file and key.
"""
from __future__ import annotations

from forecast.core.errors import InputError
from forecast.policy import ladder
from forecast.scenario.files import Origins

PATH = "pathways.self_evaluation"
#: a skip starts from a certified level: 未取证 and 学徒工 already certify straight to 初级工
SKIP_FROM_MIN = ladder.JUNIOR
#: a skip ends at an evaluated level: 特级/首席技师 are employers' appointments, not evaluations
SKIP_TO_MAX = ladder.SENIOR_TECHNICIAN


def check_self_evaluation(org: Origins, specs: dict) -> None:
    """The capacity entity and the cross-level keys of the self-evaluation pathway, if any."""
    spec = specs["pathways"].get("self_evaluation")
    if spec is None:
        return
    _capacity(org, spec, specs["entities"])
    _cross_level(org, spec)


def _capacity(org: Origins, spec: dict, entities: dict) -> None:
    name = spec.get("capacity_entity")
    if name is None:
        if "capacity_elasticity" in spec:
            raise org.error(f"{PATH}.capacity_elasticity", "only with capacity_entity (the kind of bodies whose "
                            "number raises the certification rates)", "set capacity_entity or leave the key out")
        return
    if name not in entities:
        raise org.error(f"{PATH}.capacity_entity", f"{name!r} is not an entity of this scenario",
                        ", ".join(entities) or "an [entities.NAME] section (the scenario has none)")
    if "capacity_elasticity" not in spec:
        raise _missing(org, "capacity_elasticity", "capacity_entity", "capacity_entity needs the elasticity of "
                       "the certification rates to the number of bodies",
                       "{value = …, range = [low, high], assumption = \"why\"}: an elasticity in [0, 5]")
    initial = entities[name]["initial"]
    if initial.low <= 0:
        raise org.error(f"entities.{name}.initial", f"its range reaches {initial.low:g}, but bodies of this kind "
                        f"set the certification capacity (pathways.self_evaluation.capacity_entity), which is "
                        "relative to their initial number", "an initial count ≥ 1 in every drawn future")


def _missing(org: Origins, key: str, given: str, problem: str, allowed: str) -> InputError:
    """A key missing because `given` is set: named in the file that set `given` (an overlay's, not
    the base's that set the section)."""
    return InputError(org.file(f"{PATH}.{given}"), f"{PATH}.{key}", "missing: " + problem, allowed)


def _cross_level(org: Origins, spec: dict) -> None:
    keys = ("cross_level_from", "cross_level_to")
    if "cross_level_share" not in spec:
        stray = [k for k in keys if k in spec]
        if stray:
            raise org.error(f"{PATH}.{stray[0]}", "only with cross_level_share",
                            "set cross_level_share or leave the key out")
        return
    for key in keys:
        if key not in spec:
            raise _missing(org, key, "cross_level_share", "cross_level_share needs the lowest level a skip may "
                           "start from (cross_level_from) and the highest it may reach (cross_level_to)",
                           ladder.ALLOWED_LEVELS)
    lo, hi = spec["cross_level_from"], spec["cross_level_to"]
    if lo < SKIP_FROM_MIN:
        raise org.error(f"{PATH}.cross_level_from", f"{ladder.name(lo)}: uncertified workers and apprentices "
                        f"already certify straight to {ladder.name(ladder.JUNIOR)}",
                        f"a level from {ladder.name(SKIP_FROM_MIN)} up")
    if hi > SKIP_TO_MAX:
        raise org.error(f"{PATH}.cross_level_to", f"{ladder.name(hi)}: levels above "
                        f"{ladder.name(SKIP_TO_MAX)} are appointed by employers, not evaluated",
                        f"a level up to {ladder.name(SKIP_TO_MAX)}")
    if lo + 2 > hi:
        raise org.error(f"{PATH}.cross_level_to", f"{ladder.name(hi)} is less than two levels above "
                        f"cross_level_from ({ladder.name(lo)}): no skip could happen",
                        f"a level from {ladder.name(lo + 2)} up" if lo + 2 <= SKIP_TO_MAX
                        else "a lower cross_level_from")
