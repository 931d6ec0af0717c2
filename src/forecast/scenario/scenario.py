"""Scenario files: load, overlay, validate and resolve.

A scenario is a TOML file holding a policy (its rules and targets, each with its rule id
and citation) and the population and behaviour assumptions. A reform is a small file with
`base = "other.toml"` that changes a few keys; behaviour responds to the reform's amounts
relative to the root base's (the policy under which the uptake rates were set).
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from forecast.policy import ladder
from forecast.core.errors import InputError
from forecast.scenario.params import COUNT, SHARE, Param, param_rng
from forecast.policy.payouts import Policy
from forecast.scenario.reader import Table
from forecast.policy.rules import read_rule
from forecast.scenario.schema import ACTIVITY, ENTITY, FLOWS, FUND, LADDER, METRICS, PATHWAYS, POPULATION, L, P, S

TOP_KEYS = ("base", "meta", "calendar", "policy", "rules", "targets", "population", "flows", "ladder",
            "pathways", "activities", "entities", "fund")


@dataclass(frozen=True)
class LevelTable:
    """Values by skill level (e.g. months in grade before the next exam) with their source."""

    values: dict
    source: str
    assumption: bool

    def array(self, fill: float = 0.0) -> np.ndarray:
        out = np.full(ladder.TOP + 1, fill, dtype=float)
        for k, v in self.values.items():
            out[k] = v
        return out

    def to_toml(self) -> dict:
        key = "assumption" if self.assumption else "source"
        return {key: self.source, "values": {ladder.name(k): v for k, v in self.values.items()}}


@dataclass(frozen=True)
class Target:
    """A policy target (HS-T1 …): which simulated metric it reads and the goal it must reach."""

    id: str
    text: str
    source: str
    metric: str
    goal: float
    entity: str = ""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: policy, targets and parameter specifications (not yet drawn)."""

    path: Path
    name: str
    title: str
    start: dt.date
    end: dt.date
    policy: Policy
    targets: tuple
    sections: dict
    reference_scales: dict
    files: tuple = field(default=())

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def response_ratio(self, rule_ids: list[str]) -> float:
        """How generous these rules are now relative to the root base policy (1 in the base)."""
        ref = sum(self.reference_scales[r] for r in rule_ids)
        now = sum(self.policy.rule(r).scale() for r in rule_ids)
        return now / ref if ref > 0 else 1.0

    def resolve(self, seed_sequence: np.random.SeedSequence | None = None) -> dict:
        """Every parameter as a number: drawn once from its distribution, or its central value
        when `seed_sequence` is None."""
        def value(path: str, spec):
            if isinstance(spec, Param):
                return spec.central if seed_sequence is None else spec.draw(param_rng(seed_sequence, path))
            if isinstance(spec, LevelTable):
                return spec.array()
            return spec
        return _map_leaves(self.sections, value)

    def resolved_toml(self, values: dict) -> dict:
        """The scenario as resolved, for the results folder: each drawn value beside its specification."""
        def leaf(path, spec):
            v = _lookup(values, path)
            if isinstance(spec, Param):
                out = spec.to_toml()
                out["resolved"] = v
                return out
            if isinstance(spec, LevelTable):
                return spec.to_toml()
            return spec
        return {
            "meta": {"name": self.name, "title": self.title, "files": [str(f) for f in self.files]},
            "calendar": {"start": self.start, "end": self.end},
            "policy": {"name": self.policy.name, "valid_from": self.policy.valid_from,
                       "valid_to": self.policy.valid_to, "uplift_rate": self.policy.uplift_rate,
                       "uplift_reading": self.policy.uplift_reading},
            "rules": {r.id: r.to_toml() for r in self.policy.rules},
            "targets": {t.id: {"text": t.text, "source": t.source, "metric": t.metric, "goal": t.goal,
                               **({"entity": t.entity} if t.entity else {})} for t in self.targets},
            **_map_leaves(self.sections, leaf),
        }

    def parameters(self) -> list[dict]:
        """Every parameter with its specification and source: the assumptions register."""
        rows = []

        def visit(path, spec):
            if isinstance(spec, Param):
                rows.append({"parameter": path, "specification": spec.describe(),
                             "kind": "assumption" if spec.assumption else "policy", "source": spec.source})
            elif isinstance(spec, LevelTable):
                text = ", ".join(f"{ladder.name(k)} {v:g}" for k, v in spec.values.items())
                rows.append({"parameter": path, "specification": text,
                             "kind": "assumption" if spec.assumption else "policy", "source": spec.source})
            return spec
        _map_leaves(self.sections, visit)
        return rows


def load_scenario(path: str | Path) -> Scenario:
    """Read, overlay and validate a scenario file; raise InputError naming file and key."""
    path = Path(path)
    data, origins, files, root = _load_chain(path, set())
    reference = {rid: read_rule(rid, Table(body, str(root[0]), f"rules.{rid}")).scale()
                 for rid, body in root[1].get("rules", {}).items() if isinstance(body, dict)}
    return _validate(data, origins, files, reference)


def _load_chain(path: Path, seen: set) -> tuple[dict, dict, tuple, tuple]:
    """The merged data of a file and its bases, which file each key came from, and the root."""
    if not path.is_file():
        raise InputError(str(path), "", "file not found", "a path to a scenario .toml file")
    if path.resolve() in seen:
        raise InputError(str(path), "base", "overlays form a loop", "a chain of bases that ends")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), "", f"not valid TOML: {exc}", "a UTF-8 TOML file") from None
    if "base" not in data:
        return data, {"": str(path)}, (path,), (path, copy.deepcopy(data))
    base = data.pop("base")
    if not isinstance(base, str):
        raise InputError(str(path), "base", f"expected a file name, got {base!r}", "a path relative to this file")
    merged, origins, files, root = _load_chain(path.parent / base, seen | {path.resolve()})
    _merge(merged, data, origins, str(path), "")
    return merged, origins, files + (path,), root


def _merge(into: dict, over: dict, origins: dict, file: str, prefix: str) -> None:
    for key, value in over.items():
        p = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and isinstance(into.get(key), dict) and "dist" not in value and "value" not in value:
            _merge(into[key], value, origins, file, p)
        else:
            into[key] = copy.deepcopy(value)
            origins[p] = file


class _Origins:
    """Which file a key path came from, for error messages after overlays are merged."""

    def __init__(self, origins: dict):
        self.origins = origins

    def file(self, path: str) -> str:
        parts = re.sub(r"\[\d+\]", "", path).split(".")
        for n in range(len(parts), 0, -1):
            if ".".join(parts[:n]) in self.origins:
                return self.origins[".".join(parts[:n])]
        return self.origins[""]

    def file_under(self, path: str) -> str:
        """The file that set a key at or under `path` (an overlay, if one did), for whole-table checks."""
        hits = [f for k, f in self.origins.items() if k == path or k.startswith(path + ".")]
        return hits[-1] if hits else self.file(path)


class _Table(Table):
    """A Table whose errors name the file the offending key came from."""

    def __init__(self, data, origins: _Origins, path: str = ""):
        self.origins = origins
        super().__init__(data, origins.file(path), path)

    def error(self, key, problem, allowed=""):
        return InputError(self.origins.file(self.key(key)), self.key(key), problem, allowed)

    def table(self, key, required=True):
        value = self.raw(key, {} if not required else None, required=required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {value!r}", "a TOML table")
        return _Table(value, self.origins, self.key(key))

    def child(self, data, key):
        return _Table(data, self.origins, self.key(key))


def _validate(data: dict, origins: dict, files: tuple, reference: dict) -> Scenario:
    org = _Origins(origins)
    top = _Table(data, org)
    for key in data:
        if key not in TOP_KEYS:
            raise top.error(key, "unknown section", ", ".join(TOP_KEYS))
    meta = top.table("meta")
    name, title = meta.text("name"), meta.text("title", "")
    meta.text("source", "")
    meta.close()
    cal = top.table("calendar")
    start, end = cal.date("start"), cal.date("end")
    if end < start:
        raise cal.error("end", f"{end} ends before the start {start}", "end on or after start")
    if start.day != 1:
        raise cal.error("start", f"{start} is not the first of a month", "the first day of a month")
    cal.close()
    pol = top.table("policy")
    valid_from, valid_to = pol.date("valid_from"), pol.date("valid_to")
    if valid_to < valid_from:
        raise pol.error("valid_to", f"{valid_to} ends before valid_from {valid_from}", "valid_to on or after valid_from")
    policy_name = pol.text("name")
    uplift = pol.number("uplift_rate", SHARE)
    uplift_reading = pol.text("uplift_reading", "")
    pol.text("source", "")
    pol.close()
    rules_t = top.table("rules")
    rules = tuple(read_rule(rid, rules_t.table(rid)) for rid in rules_t.keys())
    rules_t.close()
    policy = Policy(policy_name, rules, valid_from, valid_to, uplift, uplift_reading)
    rule_ids = {r.id for r in rules}
    targets_t = top.table("targets", required=False)
    targets = tuple(_read_target(tid, targets_t.table(tid)) for tid in targets_t.keys())
    targets_t.close()

    sections = {
        "population": _read_section(top.table("population"), POPULATION, rule_ids),
        "flows": _read_section(top.table("flows"), FLOWS, rule_ids),
        "ladder": _read_section(top.table("ladder"), LADDER, rule_ids),
    }
    for group, spec_of in (("pathways", PATHWAYS.get), ("activities", lambda _: ACTIVITY),
                           ("entities", lambda _: ENTITY)):
        t = top.table(group, required=False)
        sections[group] = {}
        for key in t.keys():
            spec = spec_of(key)
            if spec is None:
                raise t.error(key, "unknown pathway", ", ".join(PATHWAYS))
            sections[group][key] = _read_section(t.table(key), spec, rule_ids)
        t.close()
    fund = top.table("fund", required=False)
    sections["fund"] = _read_section(fund, FUND, rule_ids) if fund.keys() else {}
    fund.close()
    _check_mix(top, sections)
    for t in targets:
        if t.metric in ("entities_created", "min_yearly_created") and t.entity not in sections["entities"]:
            raise InputError(org.file(f"targets.{t.id}"), f"targets.{t.id}.entity",
                             f"{t.entity!r} is not an entity of this scenario", ", ".join(sections["entities"]))
    top.close()
    missing = [r for r in rule_ids if r not in reference]
    reference = {**{r: policy.rule(r).scale() for r in missing}, **reference}
    return Scenario(files[-1], name, title, start, end, policy, targets, sections, reference, files)


def _read_target(tid: str, t: Table) -> Target:
    metric = t.text("metric", choices=METRICS)
    target = Target(tid, t.text("text"), t.text("source"), metric, t.number("goal", SHARE if metric ==
                    "skilled_share_end" else COUNT), t.text("entity", "") if metric in
                    ("entities_created", "min_yearly_created") else "")
    t.close()
    return target


def _read_section(t: Table, spec: dict, rule_ids: set) -> dict:
    out = {}
    for key, kind in spec.items():
        if not t.has(key):
            if kind.optional:
                continue
            raise t.error(key, "missing", _describe(kind))
        if isinstance(kind, P):
            out[key] = _read_param(t, key, kind)
        elif isinstance(kind, L):
            out[key] = _read_levels(t, key, kind)
        else:
            out[key] = _read_setting(t, key, kind, rule_ids)
    t.close()
    return out


def _read_param(t: Table, key: str, kind: P) -> Param:
    raw = t.raw(key)
    if isinstance(raw, dict) and "source" in raw and "assumption" not in raw:
        return t.param(key, kind.domain, assumption=False)
    if not isinstance(raw, dict):
        raise t.error(key, "a parameter needs its source (a seed figure) or must be labelled an assumption",
                      "{value = …, source = \"seed …\"} or {value = …, range = [low, high], assumption = \"why\"} "
                      "or {dist = \"triangular\"|\"uniform\"|\"normal\", low = …, high = …, assumption = \"why\"}")
    return t.param(key, kind.domain, assumption=True)


def _read_levels(t: Table, key: str, kind: L) -> LevelTable:
    lt = t.table(key)
    assumption = lt.has("assumption")
    source = lt.text("assumption" if assumption else "source")
    vals = lt.table("values")
    values = {}
    for name in vals.keys():
        try:
            code = ladder.parse_level(name)
        except ValueError:
            raise vals.error(name, "not a level", ladder.ALLOWED_LEVELS) from None
        values[code] = vals.number(name, kind.domain)
    vals.close()
    lt.close()
    return LevelTable(dict(sorted(values.items())), source, assumption)


def _read_setting(t: Table, key: str, kind: S, rule_ids: set):
    if kind.kind == "rule":
        rid = t.text(key)
        if rid not in rule_ids:
            raise t.error(key, f"{rid!r} is not a rule of this scenario", ", ".join(sorted(rule_ids)))
        return rid
    if kind.kind == "rules":
        rids = t.raw(key)
        if not isinstance(rids, list) or any(r not in rule_ids for r in rids):
            raise t.error(key, f"{rids!r} names a rule not in this scenario", ", ".join(sorted(rule_ids)))
        return list(rids)
    if kind.kind in ("level", "levels"):
        raw = t.raw(key)
        items = raw if kind.kind == "levels" else [raw]
        if not isinstance(items, list):
            raise t.error(key, f"expected a list of levels, got {raw!r}", ladder.ALLOWED_LEVELS)
        try:
            codes = [ladder.parse_level(v) for v in items]
        except ValueError as exc:
            raise t.error(key, str(exc), ladder.ALLOWED_LEVELS) from None
        return codes if kind.kind == "levels" else codes[0]
    if kind.kind == "months":
        months = t.raw(key)
        if not isinstance(months, list) or not months or any(
                isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12 for m in months):
            raise t.error(key, f"{months!r} is not a list of months", "a list of months 1–12")
        return sorted(months)
    if kind.kind == "month":
        m = t.raw(key)
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
            raise t.error(key, f"{m!r} is not a month", "a month 1–12")
        return m
    if kind.kind == "flag":
        return t.flag(key)
    return t.text(key)


def _describe(kind) -> str:
    if isinstance(kind, P):
        return "a parameter table: " + kind.domain.text
    if isinstance(kind, L):
        return "a table {assumption|source = …, values = {level = …}}: " + kind.domain.text
    return kind.kind


def _check_mix(top: Table, sections: dict) -> None:
    """Shares that must add up to one do."""
    checks = [("population.skilled_mix", sections["population"]["skilled_mix"])]
    if "colleges" in sections["pathways"]:
        checks.append(("pathways.colleges.graduate_level_mix", sections["pathways"]["colleges"]["graduate_level_mix"]))
    for path, table in checks:
        total = sum(table.values.values())
        if abs(total - 1.0) > 1e-6:
            raise InputError(top.origins.file_under(path), path + ".values", f"shares add up to {total:g}", "shares adding up to 1")


def _map_leaves(tree: dict, fn, prefix: str = "") -> dict:
    out = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        out[key] = _map_leaves(value, fn, path) if isinstance(value, dict) else fn(path, value)
    return out


def _lookup(tree: dict, path: str):
    for part in path.split("."):
        tree = tree[part]
    return tree

