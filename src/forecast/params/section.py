"""Typed sections: how a scenario's section declares its keys, and how they are read and checked.

A section is a frozen dataclass whose fields carry their marker: `param(domain)` is a parameter
(fixed or drawn, with its source or labelled assumption), `level_table(domain)` a table by skill
level, `setting(kind)` a plain setting (a rule id, levels, months, a flag, or a table of the
section's own with its reader). The loader reads the TOML by these markers (`read_section`);
resolving a scenario fills the same classes with numbers, so each pathway receives a small typed
object instead of a dictionary. Each mechanism declares its section beside its model class
(`forecast.model.pathways`), with the checks that involve several of its keys (`check`) or other
sections (`check_in_scenario`).

A section that pays a reward rule must say how uptake responds to it (`Responsive`: `elasticity`
and `deadweight`, see forecast.model.behaviour) and how many payments of each rule one participant
earns (`expected_units`); without them the scenario is an error, never a silent "no response".
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Callable

from forecast.policy import ladder
from forecast.params.param import ELASTICITY, SHARE, Domain, LevelTable, Param
from forecast.params.table import Table

PARAM_FORMS = ("{value = …, source = \"seed …\"} or {value = …, range = [low, high], assumption = \"why\"} "
               "or {dist = \"triangular\"|\"uniform\"|\"normal\", low = …, high = …, assumption = \"why\"}")
#: expected payments per participant of a rule (`expected_units`)
UNITS = Domain(0.0, 1000.0, False, "expected payments per participant, a number in [0, 1000]")
#: rule kinds whose participant earns one payment unless the section says otherwise
ONE_UNIT_KINDS = ("fixed", "range")


# --- markers ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class P:
    """A parameter (fixed or drawn) in `domain`; `default` = (value, why) when it may be left out."""
    domain: Domain
    optional: bool = False
    default: tuple | None = None


@dataclass(frozen=True)
class L:
    """A table keyed by skill level, with one source or assumption for the whole table; with `mix`
    its shares add up to one (checked once the whole scenario is read)."""
    domain: Domain
    optional: bool = False
    mix: bool = False


@dataclass(frozen=True)
class S:
    """A plain setting: 'rule', 'rules', 'level', 'levels', 'month', 'months', 'text', 'flag' or
    'units', or a table of the section's own (`kind` names it, `reader(table, key, reading)` reads it)."""
    kind: str
    optional: bool = False
    default: object = None
    reader: Callable | None = None


def param(domain: Domain, optional: bool = False, default: tuple | None = None):
    return field(default=None, metadata={"spec": P(domain, optional or default is not None, default)})


def level_table(domain: Domain, optional: bool = False, mix: bool = False):
    return field(default=None, metadata={"spec": L(domain, optional, mix)})


def setting(kind: str, optional: bool = False, default=None, reader: Callable | None = None):
    return field(default=default, metadata={"spec": S(kind, optional or default is not None, default, reader)})


# --- sections ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Section:
    """A section of a scenario; subclasses list their keys as fields."""

    #: the setting naming the rule whose amount drives the response (None: the section pays nothing)
    PAYING_RULE = None
    #: setting → (rule kinds it may name, event kind of the rule), for sections that pay one way
    RULE_KINDS = {}

    @classmethod
    def schema(cls) -> dict:
        return {f.name: f.metadata["spec"] for f in fields(cls) if "spec" in f.metadata}

    @classmethod
    def check(cls, t: Table, spec: dict, rules: dict) -> None:
        """Checks that involve several keys of the section, after each key was read (`spec`)."""

    @classmethod
    def check_in_scenario(cls, origins, specs: dict, years: range) -> None:
        """Checks that involve other sections or the calendar, once every section is read
        (`origins`: the scenario's Origins, which names the file that set a key)."""


RESPONSE_KEYS = ("response_rules", "expected_units", "elasticity", "deadweight")


@dataclass(frozen=True, eq=False)
class Responsive(Section):
    """A section whose volume responds to the rewards it pays (forecast.model.behaviour)."""

    response_rules: list | None = setting("rules", optional=True)
    expected_units: dict | None = setting("units", optional=True)
    elasticity: float | None = param(ELASTICITY, optional=True)
    deadweight: float | None = param(SHARE, optional=True)

    #: keys that only mean something for a section that pays a rule
    REWARD_ONLY = RESPONSE_KEYS

    def rewarded(self) -> bool:
        return self.PAYING_RULE is not None and getattr(self, self.PAYING_RULE) is not None

    def response_rule_ids(self) -> list[str]:
        """The rules whose amounts the volume responds to (default: the section's own rule)."""
        return list(self.response_rules) if self.response_rules else [getattr(self, self.PAYING_RULE)]

    @classmethod
    def paying(cls, spec: dict) -> str | None:
        """The rule the section (as read) pays, if any."""
        return spec.get(cls.PAYING_RULE)

    @classmethod
    def responds(cls, t: Table, spec: dict, paying: str) -> bool:
        """Checks of a paying section's own reward keys; False when its volume does not respond
        to the reward (no response keys then)."""
        return True

    @classmethod
    def check(cls, t: Table, spec: dict, rules: dict) -> None:
        """A section that pays a rule states its response and the expected payments per
        participant of its response rules; reward-only keys need a rule."""
        paying = cls.paying(spec)
        if paying is None:
            stray = [k for k in cls.REWARD_ONLY if k in spec]
            if stray:
                raise t.error(stray[0], "only for a body with a reward rule", "set `rule` or leave the key out")
            return
        if not cls.responds(t, spec, paying):
            return
        for key in ("elasticity", "deadweight"):
            if key not in spec:
                raise t.error(key, f"missing: the section pays rules.{paying}, so it must say how uptake responds "
                                   "to the reward (an assumption with its range)", PARAM_FORMS)
        default = list(dict.fromkeys(r for r in (paying, spec.get("completion_rule")) if r))
        check_units(t, spec.get("response_rules") or default, spec.get("expected_units"), rules)


# --- reading a section ------------------------------------------------------------------------
class Reading:
    """What a section's own tables are read with (a setting's `reader`): the scenario's rules and
    the section reader's own ways of reading a parameter and a setting, so their keys are read and
    reported like any section's."""

    def __init__(self, rules: dict):
        self.rules = rules

    def param(self, t: Table, key: str, domain: Domain) -> Param:
        return read_param(t, key, P(domain))

    def setting(self, t: Table, key: str, kind: str):
        return read_setting(t, key, S(kind), self.rules)


def read_section(t: Table, cls, rules: dict) -> dict:
    """The specifications of one section, key by key in the schema's order, then its checks."""
    out = {}
    for key, kind in cls.schema().items():
        if not t.has(key):
            if isinstance(kind, P) and kind.default is not None:
                value, why = kind.default
                out[key] = Param("fixed", value, value, value, integer=kind.domain.integer,
                                 source=f"default of forecast, not set by the scenario: {why}", assumption=True)
            elif not kind.optional:
                raise t.error(key, "missing", describe(kind))
            continue
        if isinstance(kind, P):
            out[key] = read_param(t, key, kind)
        elif isinstance(kind, L):
            out[key] = read_levels(t, key, kind)
        else:
            out[key] = read_setting(t, key, kind, rules)
    t.close()
    check_rule_kinds(t, cls, out, rules)
    cls.check(t, out, rules)
    return out


def check_rule_kinds(t: Table, cls, spec: dict, rules: dict) -> None:
    """A section that pays its rules by one event kind and reads their amounts one way
    (`RULE_KINDS`: setting → (rule kinds, event kind)) names only rules of those kinds."""
    for key, (kinds, event) in cls.RULE_KINDS.items():
        rule = rules.get(spec.get(key))
        if rule is None:
            continue
        if rule.kind not in kinds:
            raise t.error(key, f"rules.{rule.id} is a {rule.kind} rule", "a rule of kind " + " or ".join(kinds))
        if rule.event != event:
            raise t.error(key, f"rules.{rule.id} pays {rule.event!r} events", f"a rule with event = {event!r}")
        if rule.kind == "table" and rule.field != "level":
            raise t.error(key, f"rules.{rule.id} is a table by {rule.field}", 'a table by level (field = "level")')


def read_param(t: Table, key: str, kind: P) -> Param:
    """A parameter: a seed figure (a table with its `source`) or a labelled assumption."""
    raw = t.raw(key)
    if isinstance(raw, dict) and "source" in raw and "assumption" not in raw:
        return t.param(key, kind.domain, assumption=False)
    if not isinstance(raw, dict):
        raise t.error(key, "a parameter needs its source (a seed figure) or must be labelled an assumption",
                      PARAM_FORMS)
    return t.param(key, kind.domain, assumption=True)


def read_levels(t: Table, key: str, kind: L) -> LevelTable:
    lt = t.table(key)
    unit = lt.unit()
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
    return LevelTable(dict(sorted(values.items())), source, assumption, unit)


def read_setting(t: Table, key: str, kind: S, rules: dict):
    if kind.reader is not None:
        return kind.reader(t, key, Reading(rules))
    if kind.kind == "rule":
        rid = t.text(key)
        if rid not in rules:
            raise t.error(key, f"{rid!r} is not a rule of this scenario", ", ".join(sorted(rules)))
        return rid
    if kind.kind == "rules":
        rids = t.raw(key)
        if not isinstance(rids, list) or any(r not in rules for r in rids):
            raise t.error(key, f"{rids!r} names a rule not in this scenario", ", ".join(sorted(rules)))
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
    if kind.kind == "units":
        return read_units(t, key, rules)
    return t.text(key)


def describe(kind) -> str:
    """What form a key takes, for a message about it."""
    if isinstance(kind, P):
        return "a parameter table: " + kind.domain.text
    if isinstance(kind, L):
        return "a table {assumption|source = …, values = {level = …}}: " + kind.domain.text
    return kind.kind


def rule_ids_of(spec: dict) -> list[str]:
    """The rule ids a section's settings name (`rule`, `*_rule`, `*_rules`), in order."""
    out = []
    for key, v in spec.items():
        if key == "rule" or key.endswith("_rule") or key.endswith("_rules"):
            for rid in (v if isinstance(v, list) else [v]):
                if isinstance(rid, str) and rid not in out:
                    out.append(rid)
    return out


# --- expected payments per participant ----------------------------------------------------------
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
