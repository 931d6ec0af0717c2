"""A validated scenario: the policy (rules, targets), its calendar and the parameter
specifications of every section, not yet drawn.

`load_scenario` reads a file and its overlays (`files.py`) and checks every key against the
typed sections the model declares (`sections.py` does the reading). `Scenario.resolve` turns the
specifications into numbers — each drawn once from its named stream, or its central value —
as typed section objects (`forecast.model.values.Values`). `to_toml` writes the scenario back as specified:
the results folder's `scenario.resolved.toml`, which `load_scenario` reads again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from forecast.model.fund import Fund
from forecast.model.pathways import SECTIONS
from forecast.model.values import FIXED, Values
from forecast.params.param import LevelTable, Param
from forecast.params.section import rule_ids_of, units_to_toml
from forecast.policy.policy import Policy, Target
from forecast.scenario import response
from forecast.scenario.draws import draw, flat, resolve_fixed
from forecast.scenario.files import load_chain
from forecast.scenario.sections import validate
from forecast.scenario.settings import apply_settings, parse_sets


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: policy, targets and parameter specifications (not yet drawn)."""

    path: Path                # the place folder or the file it was loaded from
    name: str
    title: str
    meta: dict                # source, place, fund_name, craftsman_title ({zh, en} names)
    start: dt.date
    end: dt.date
    policy: Policy
    targets: tuple
    specs: dict               # section → key → Param | LevelTable | setting (see schema.Values)
    reference: dict           # rule id → {key: amount} under the root base (behaviour's reference)
    correlations: tuple = ()  # draws.Correlation groups drawn jointly
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
    def response_ratio(self, section, date=None) -> float:
        """The expected reward per participant of a rewarded section's response rules under
        the rules in force, relative to the root base policy's (1 in the base; `response.py`).
        With `date`, the versions in force on that date (rules with dated `changes`); without,
        the rules' base versions."""
        rules = [self.policy.rule(r) for r in section.response_rule_ids()]
        if date is not None:
            rules = [r.on(date) for r in rules]
        return response.ratio(rules, section.expected_units, self.reference, str(self.path))

    # --- drawing ----------------------------------------------------------------------------
    def parameter_specs(self) -> dict:
        """path → Param of every scalar parameter (the columns of parameters.csv)."""
        return flat(self.specs)

    def fixed_parameters(self, keys) -> frozenset:
        """The paths `--fix KEY[,KEY…]` pins (InputError for an unknown key)."""
        return resolve_fixed(keys, self.parameter_specs())

    def resolve(self, seed_sequence: np.random.SeedSequence | None = None, fixed: frozenset = frozenset(),
                at: dict | None = None, given: dict | None = None, uniform=None) -> Values:
        """Every parameter as a number — drawn (jointly where `[correlations]` says so, see
        `draws.py`) from its named stream, or its central value when `seed_sequence` is None
        or the path is in `fixed`; `at` places parameters at given quantiles (a design point);
        `given` (path → value) sets some outright after the draw (a posterior draw made
        elsewhere, e.g. `forecast.reforecast.execution`) — returned as typed sections. `uniform` (path → u)
        replaces the named streams' uniforms: a quasi-random point (`qmc.py`)."""
        drawn = draw(self.parameter_specs(), self.correlations, seed_sequence, fixed, at, uniform)
        if given:
            unknown = sorted(set(given) - set(drawn))
            if unknown:
                raise KeyError(f"not parameters of this scenario: {', '.join(unknown)}")
            drawn = {**drawn, **given}

        def nested(path: str, specs: dict) -> dict:
            """A table of named parts (prize tiers): each part's parameters drawn, the rest as is."""
            return {k: drawn[f"{path}.{k}"] if isinstance(v, Param) else nested(f"{path}.{k}", v)
                    if isinstance(v, dict) else v for k, v in specs.items()}

        def section(cls, path: str, specs: dict):
            values = {}
            for key, spec in specs.items():
                if isinstance(spec, Param):
                    v = drawn[f"{path}.{key}"]
                elif isinstance(spec, LevelTable):
                    v = spec.array()
                elif isinstance(spec, dict) and key != "expected_units":
                    v = nested(f"{path}.{key}", spec)
                else:
                    v = spec
                values[key] = v
            return cls(**values)

        s = self.specs
        fixed_sections = {name: section(cls, name, s[name]) for name, cls in FIXED.items()}
        pathways = {n: section(SECTIONS["pathways"][n], f"pathways.{n}", v) for n, v in s["pathways"].items()}
        activities = {n: section(SECTIONS["activities"], f"activities.{n}", v) for n, v in s["activities"].items()}
        entities = {n: section(SECTIONS["entities"], f"entities.{n}", v) for n, v in s["entities"].items()}
        fund = section(Fund, "fund", s["fund"])
        lags = {rid: int(drawn[f"pay_lag_months.{rid if rid in s['pay_lag_months'] else 'default'}"])
                for rid in self.policy.rule_ids()}
        scales = {rid: float(drawn[f"amount_scale.{rid}"]) for rid in s.get("amount_scale", {})}
        return Values(**fixed_sections, pathways=pathways, activities=activities, entities=entities, fund=fund,
                      pay_lag=lags, drawn=drawn, amount_scale=scales)

    # --- writing back -----------------------------------------------------------------------
    def to_toml(self) -> dict:
        """The scenario as specified (every parameter with its distribution, nothing drawn), in
        the form of a scenario file: `load_scenario` reads it back to the same scenario."""
        def specs(tree):
            return {k: (units_to_toml(v) if k == "expected_units" else specs(v) if isinstance(v, dict)
                        else v.to_toml() if isinstance(v, (Param, LevelTable)) else v) for k, v in tree.items()}
        pol = self.policy
        return {
            "meta": {"name": self.name, "title": self.title, **self.meta, "files": [str(f) for f in self.files]},
            "calendar": {"start": self.start, "end": self.end},
            "policy": {"name": pol.name, "valid_from": pol.valid_from, "valid_to": pol.valid_to,
                       "uplift_rate": pol.uplift_rate, "uplift_reading": pol.uplift_reading,
                       "successor": pol.successor, "successor_reading": pol.successor_reading},
            "rules": {r.id: r.to_toml() for r in pol.rules},
            "reference_amounts": response.reference_to_toml(self.reference),
            "targets": {t.id: {"text": t.text, "source": t.source, "metric": t.metric, "goal": t.goal,
                               **({"entity": t.entity} if t.entity else {}),
                               **({"set_by": list(t.set_by)} if t.set_by else {})} for t in self.targets},
            **{k: v for k, v in specs(self.specs).items() if v or k != "amount_scale"},   # no empty section
            "correlations": {g.name: g.to_toml() for g in self.correlations},
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
                elif isinstance(spec, dict) and key != "expected_units":   # named parts (prize tiers)
                    visit(f"{path}.{key}", spec, rule_ids_of(spec) or rules)

        for name in FIXED:
            visit(name, self.specs[name], [])
        for group in ("pathways", "activities", "entities"):
            for name, tree in self.specs[group].items():
                visit(f"{group}.{name}", tree, rule_ids_of(tree))
        visit("fund", self.specs["fund"], [])
        for rid, spec in self.specs["pay_lag_months"].items():
            visit("pay_lag_months", {rid: spec}, [] if rid == "default" else [rid])
        for rid, spec in self.specs.get("amount_scale", {}).items():
            visit("amount_scale", {rid: spec}, [rid])
        return rows


def load_scenario(path: str | Path, sets=()) -> Scenario:
    """Read, overlay and validate a scenario file; raise InputError naming file and key.

    `sets`: one-off overlays `KEY=VALUE` (or `settings.Setting`s) applied after the file's
    chain, as `--set` does (`settings.py`); an error in one names `--set KEY=VALUE`."""
    path = Path(path)
    data, origins, files, root = load_chain(path)
    apply_settings(data, origins, parse_sets(sets))
    v = validate(data, origins, root)
    return Scenario(path if path.is_dir() else files[-1], v["name"], v["title"], v["meta"],
                    v["start"], v["end"],
                    Policy(v["policy_name"], v["rules"], v["valid_from"], v["valid_to"], v["uplift"],
                           v["uplift_reading"], v["successor"], v["successor_reading"]),
                    tuple(Target(**t) for t in v["targets"]), v["specs"], v["reference"], v["correlations"], files)
