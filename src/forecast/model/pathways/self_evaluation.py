"""Certification outside the policy's paid programmes: enterprise self-evaluation, social
evaluation bodies and employers' appointments to 特级/首席技师 (no fund outlay).

Once a worker's time in grade is served, each month brings a chance to certify to the next
level; uncertified workers certify straight to 初级工 (the apprentice level is optional).
Apprentices in an open pairing (青蓝工程) certify `mentoring.rate_factor` times as often.

Evaluation bodies raise capacity (CZ-T14, WX-T11, DX-A3; docs/policies.md `new: evaluation
bodies`): with `capacity_entity`, every level's monthly rate is multiplied by
(N / N0)^capacity_elasticity (`capacity_factor`), N the bodies of that `[entities]` kind and N0
its `initial` count. Reading: N is the count at the end of the previous month, because the
entities step runs after this one (`engine.STEPS`): a body created this month certifies from the
next. Bodies never close, so the factor is never below 1 (exactly 1 with elasticity 0).

Cross-level recognition (跨级评价, DX-A4; `new: cross-level`): with `cross_level_share`, a worker
certifying here at a level L with cross_level_from ≤ L and L + 2 ≤ cross_level_to goes to L + 2
instead of L + 1 with that chance (`skips`), recorded with programme "cross_level". Reading: the
skip changes how far a certification goes, not how often one happens (the chance to certify is
unchanged). Its uniforms come from their own stream, so a scenario without the keys draws
exactly the numbers it drew before.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.core.errors import InputError
from forecast.model.pathways.base import Pathway
from forecast.model.population import monthly
from forecast.params.param import AGE, ELASTICITY, FACTOR, PROBABILITY, SHARE
from forecast.params.section import Section, level_table, param, setting
from forecast.policy import ladder


@dataclass(frozen=True, eq=False)
class SelfEvaluationSection(Section):
    yearly_rate: np.ndarray = level_table(PROBABILITY)
    rate_scale: float = param(FACTOR)
    apprentice_entry: float = param(PROBABILITY)
    apprentice_max_age: float = param(AGE)
    #: optional: capacity from evaluation bodies, 跨级评价 (`check_in_scenario`)
    capacity_entity: str | None = setting("text", optional=True)
    capacity_elasticity: float | None = param(ELASTICITY, optional=True)
    cross_level_share: float | None = param(SHARE, optional=True)
    cross_level_from: int | None = setting("level", optional=True)
    cross_level_to: int | None = setting("level", optional=True)

    @classmethod
    def check_in_scenario(cls, origins, specs: dict, years: range) -> None:
        """The capacity entity and the cross-level keys, which involve other keys or sections:

            capacity_entity = "evaluation_body"          # an [entities.NAME] of the scenario
            capacity_elasticity = {value = 0.3, range = [0.0, 0.6], assumption = "…"}
            cross_level_share = {value = 0.03, range = [0.0, 0.08], assumption = "…"}
            cross_level_from = "中级工"                    # with the share, both required
            cross_level_to = "技师"

        Why here and not key by key: the capacity entity is read after the pathways (it is another
        section), and its `initial` must be above 0 in every drawn future, since the capacity factor
        (N / N0)^elasticity divides by it. Every problem is an InputError naming the file and key."""
        _check_self_evaluation(origins, specs)


PATH = "pathways.self_evaluation"
#: a skip starts from a certified level: 未取证 and 学徒工 already certify straight to 初级工
SKIP_FROM_MIN = ladder.JUNIOR
#: a skip ends at an evaluated level: 特级/首席技师 are employers' appointments, not evaluations
SKIP_TO_MAX = ladder.SENIOR_TECHNICIAN


def _check_self_evaluation(org, specs: dict) -> None:
    """The capacity entity and the cross-level keys of the self-evaluation pathway, if any."""
    spec = specs["pathways"].get("self_evaluation")
    if spec is None:
        return
    _capacity(org, spec, specs["entities"])
    _cross_level(org, spec)


def _capacity(org, spec: dict, entities: dict) -> None:
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


def _missing(org, key: str, given: str, problem: str, allowed: str) -> InputError:
    """A key missing because `given` is set: named in the file that set `given` (an overlay's, not
    the base's that set the section)."""
    return InputError(org.file(f"{PATH}.{given}"), f"{PATH}.{key}", "missing: " + problem, allowed)


def _cross_level(org, spec: dict) -> None:
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


def next_level(levels: np.ndarray) -> np.ndarray:
    """One step up; 未取证 and 学徒工 both go to 初级工 (the only allowed skip)."""
    return np.where(levels < ladder.JUNIOR, ladder.JUNIOR, levels + 1).astype(np.int8)


def capacity_factor(n: int, n0: int, elasticity: float) -> float:
    """(n / n0)^elasticity: the multiplier of the certification rates when n evaluation bodies
    stand where n0 stood at the start (n0 > 0, checked when the scenario is read)."""
    return (n / n0) ** elasticity


def skips(levels: np.ndarray, u: np.ndarray, share: float, lo: int, hi: int) -> np.ndarray:
    """Which certifying workers (current `levels`, one uniform `u` each) skip a level: those at
    a level L with lo ≤ L and L + 2 ≤ hi whose uniform is below `share`."""
    levels = levels.astype(np.int64)
    return (levels >= lo) & (levels + 2 <= hi) & (u < share)


class SelfEvaluation(Pathway):
    NAME = "self_evaluation"
    SECTION = SelfEvaluationSection
    STEP = ("certification outside the paid programmes; new enterprise apprentices")

    def __init__(self, sim, p):
        self.sim = sim
        self.rng = sim.rng("self_evaluation")
        self.rate_month = monthly(p.yearly_rate * p.rate_scale)
        self.entry = monthly(p.apprentice_entry)
        self.max_age = int(p.apprentice_max_age * 12)
        #: (entity kind, N0, elasticity), or None: rates as written
        self.capacity = None if p.capacity_entity is None else \
            (p.capacity_entity, int(sim.values.entities[p.capacity_entity].initial), p.capacity_elasticity)
        self.cross = None if p.cross_level_share is None else \
            (sim.rng("self_evaluation:cross_level"), p.cross_level_share, p.cross_level_from, p.cross_level_to)

    def step(self, t: int) -> None:
        sim, w, rng = self.sim, self.sim.workers, self.rng
        eligible = w.active & (w.eligible_from <= t)
        eligible &= w.level < ladder.TOP
        idx = np.flatnonzero(eligible)
        u = rng.random(len(idx))
        idx = idx[self._certifies(u, idx, self._capacity())]
        new = next_level(w.level[idx])
        jump = np.zeros(len(idx), bool)
        if self.cross is not None:
            skip_rng, share, lo, hi = self.cross
            jump = skips(w.level[idx], skip_rng.random(len(idx)), share, lo, hi)
            new[jump] += 1
        appointed = new >= ladder.SPECIAL
        sim.promote(idx[~appointed & ~jump], new[~appointed & ~jump], t, "self_evaluation")
        sim.promote(idx[appointed], new[appointed], t, "appointment")
        sim.promote(idx[jump], new[jump], t, "cross_level")   # cross_level_to ≤ 高级技师: never appointed
        if self.entry > 0:
            young = self._young(t)
            start = young[rng.random(len(young)) < self.entry]
            sim.promote(start, np.full(len(start), ladder.APPRENTICE, np.int8), t, "apprenticeship_entry")

    def _young(self, t: int) -> np.ndarray:
        """Uncertified workers in the district younger than the entry age, in id order."""
        w = self.sim.workers
        young = w.level == ladder.UNCERTIFIED
        young &= w.active
        young &= w.birth > t - self.max_age   # t - birth < max_age, without an array for t - birth
        return np.flatnonzero(young)

    def _capacity(self) -> float:
        """This month's capacity factor: 1 without `capacity_entity`; else from the bodies at the
        end of last month (the entities step comes later in the month). Without the entities
        pathway (an `Options.pathways` experiment) no body is created, so N stays N0."""
        if self.capacity is None:
            return 1.0
        name, n0, elasticity = self.capacity
        bodies = self.sim.steps.get("entities")   # built after this pathway: looked up when used
        return capacity_factor(n0 if bodies is None else bodies.count(name), n0, elasticity)

    def _certifies(self, u: np.ndarray, idx: np.ndarray, capacity: float = 1.0) -> np.ndarray:
        """Positions in `idx` (eligible workers) whose uniform `u` is below their chance: their
        level's monthly rate times the capacity factor (at most 1), times the mentoring factor
        (at most 1) in an open pairing.

        Why this shape: no chance exceeds `bound`, so only the few uniforms below it (a few
        per cent) are compared with their worker's own chance; the rest fail whatever their
        level. Same comparisons, same float64 chances, as comparing every worker's, without
        gathering a chance for each of the hundreds of thousands of eligible workers."""
        rate, factor = self.rate_month, self.sim.mentoring.rate_factor
        if capacity != 1.0:   # a factor of exactly 1 keeps the very same float64 chances
            rate = np.minimum(1.0, rate * capacity)
        top = rate.max()
        bound = max(top, min(1.0, top * factor))
        cand = np.flatnonzero(u < bound)
        hit = idx[cand]
        prob = rate.take(self.sim.workers.level.take(hit))
        mentored = np.flatnonzero(self.sim.workers.mentored[hit])
        if len(mentored):
            prob[mentored] = np.minimum(1.0, prob[mentored] * factor)
        return cand[u[cand] < prob]
