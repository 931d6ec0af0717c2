"""A validated scenario: the policy (rules, targets), its calendar and the parameter
specifications of every section, not yet drawn.

`load_scenario` reads a file and its overlays (`files.py`) and checks every key against the
typed sections of `schema.py` (`sections.py` does the reading). `Scenario.resolve` turns the
specifications into numbers — each drawn once from its named stream, or its central value —
as typed section objects (`schema.Values`). `to_toml` writes the scenario back as specified:
the results folder's `scenario.resolved.toml`, which `load_scenario` reads again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from forecast.core.errors import InputError
from forecast.policy.policy import Policy, Target
from forecast.scenario.files import load_chain
from forecast.scenario.params import LevelTable, Param, param_rng
from forecast.scenario.schema import FIXED, PATHWAYS, Activity, Entity, Fund, Values
from forecast.scenario.sections import rule_ids_of, validate


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: policy, targets and parameter specifications (not yet drawn)."""

    path: Path
    name: str
    title: str
    meta: dict                # source, place, fund_name, craftsman_title ({zh, en} names)
    start: dt.date
    end: dt.date
    policy: Policy
    targets: tuple
    specs: dict               # section → key → Param | LevelTable | setting (see schema.Values)
    reference_scales: dict    # rule id → its amount scale under the root base (behaviour's reference)
    files: tuple = field(default=())

    # --- calendar ---------------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def policy_years(self) -> list[int]:
        return [y for y, inside in zip(self.years, self.policy.in_period(self.years)) if inside]

    @property
    def later_years(self) -> list[int]:
        """Years after the policy's end within the horizon: what it committed for later."""
        return [y for y, after in zip(self.years, self.policy.after(self.years)) if after]

    def name_in(self, key: str, lang: str) -> str:
        """A name from [meta] (place, fund_name, craftsman_title) in a language (zh or en)."""
        return self.meta[key][lang]

    # --- behaviour --------------------------------------------------------------------------
    def response_ratio(self, rule_ids: list[str]) -> float:
        """How generous these rules are now relative to the root base policy (1 in the base).

        A base that pays nothing for the rules gives no reference: a reform that starts paying
        for them needs its own volume assumption, so that is an error, not a ratio of 1."""
        ref = sum(self.reference_scales[r] for r in rule_ids)
        now = sum(self.policy.rule(r).scale() for r in rule_ids)
        if ref > 0:
            return now / ref
        if now > 0:
            raise InputError(str(self.path), "reference_amounts", f"the base policy pays nothing for {', '.join(rule_ids)}, "
                             "so a response to paying for them cannot be scaled from it",
                             "a base that pays the rules, or the volume under the new amounts as the assumption")
        return 1.0

    # --- drawing ----------------------------------------------------------------------------
    def resolve(self, seed_sequence: np.random.SeedSequence | None = None) -> Values:
        """Every parameter as a number: drawn once from its named stream, or its central value
        when `seed_sequence` is None; returned as typed sections."""
        drawn = {}

        def section(cls, path: str, specs: dict):
            values = {}
            for key, spec in specs.items():
                p = f"{path}.{key}"
                if isinstance(spec, Param):
                    v = spec.central if seed_sequence is None else spec.draw(param_rng(seed_sequence, p))
                    drawn[p] = v
                elif isinstance(spec, LevelTable):
                    v = spec.array()
                else:
                    v = spec
                values[key] = v
            return cls(**values)

        s = self.specs
        fixed = {name: section(cls, name, s[name]) for name, cls in FIXED.items()}
        pathways = {n: section(PATHWAYS[n], f"pathways.{n}", v) for n, v in s["pathways"].items()}
        activities = {n: section(Activity, f"activities.{n}", v) for n, v in s["activities"].items()}
        entities = {n: section(Entity, f"entities.{n}", v) for n, v in s["entities"].items()}
        fund = section(Fund, "fund", s["fund"])
        return Values(**fixed, pathways=pathways, activities=activities, entities=entities, fund=fund, drawn=drawn)

    # --- writing back -----------------------------------------------------------------------
    def to_toml(self) -> dict:
        """The scenario as specified (every parameter with its distribution, nothing drawn), in
        the form of a scenario file: `load_scenario` reads it back to the same scenario."""
        def specs(tree):
            return {k: (specs(v) if isinstance(v, dict) else v.to_toml() if isinstance(v, (Param, LevelTable))
                        else v) for k, v in tree.items()}
        pol = self.policy
        return {
            "meta": {"name": self.name, "title": self.title, **self.meta, "files": [str(f) for f in self.files]},
            "calendar": {"start": self.start, "end": self.end},
            "policy": {"name": pol.name, "valid_from": pol.valid_from, "valid_to": pol.valid_to,
                       "uplift_rate": pol.uplift_rate, "uplift_reading": pol.uplift_reading},
            "rules": {r.id: r.to_toml() for r in pol.rules},
            "reference_amounts": dict(self.reference_scales),
            "targets": {t.id: {"text": t.text, "source": t.source, "metric": t.metric, "goal": t.goal,
                               **({"entity": t.entity} if t.entity else {})} for t in self.targets},
            **specs(self.specs),
        }

    # --- the assumptions register -----------------------------------------------------------
    def parameters(self) -> list[dict]:
        """Every parameter with its specification, kind, the rules its section feeds and its
        source: the assumptions register (written as the results folder's assumptions.csv)."""
        rows = []

        def visit(path: str, tree: dict, rules: list):
            for key, spec in tree.items():
                if isinstance(spec, (Param, LevelTable)):
                    rows.append({"parameter": f"{path}.{key}", "specification": spec.describe(),
                                 "kind": "assumption" if spec.assumption else "policy",
                                 "rules": ", ".join(rules), "source": spec.source})

        for name in FIXED:
            visit(name, self.specs[name], [])
        for group in ("pathways", "activities", "entities"):
            for name, tree in self.specs[group].items():
                visit(f"{group}.{name}", tree, rule_ids_of(tree))
        visit("fund", self.specs["fund"], [])
        return rows


def load_scenario(path: str | Path) -> Scenario:
    """Read, overlay and validate a scenario file; raise InputError naming file and key."""
    path = Path(path)
    data, origins, files, root = load_chain(path)
    v = validate(data, origins, root)
    return Scenario(files[-1], v["name"], v["title"], v["meta"], v["start"], v["end"],
                    Policy(v["policy_name"], v["rules"], v["valid_from"], v["valid_to"], v["uplift"],
                           v["uplift_reading"]),
                    tuple(Target(**t) for t in v["targets"]), v["specs"], v["reference"], files)
