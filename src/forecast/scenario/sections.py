"""Reading a merged scenario into checked specifications, section by section.

Every key is read through a `Table` (unknown keys are errors) by the markers of the typed
sections in `schema.py`; the checks that involve several keys (shares adding up to one, a
rewarded pathway's response, a range rule's amount bounds, a target's entity) follow. Each
error names the file that set the key, the key, and what is allowed.
"""
from __future__ import annotations

from forecast.core.errors import InputError
from forecast.policy import ladder
from forecast.policy.policy import ENTITY_METRICS, METRICS, RATE_METRICS, SHARE_METRICS
from forecast.scenario.files import Origins, OriginTable
from forecast.scenario.fund_kind import check_fund
from forecast.scenario.amount_scale import read_amount_scales
from forecast.scenario.apprentice_completion import check_completion
from forecast.scenario.draws import flat, read_correlations
from forecast.scenario.params import COUNT, MONTHS, RATE, SHARE, LevelTable, Param
from forecast.scenario.prize_tiers import read_tiers
from forecast.scenario.reader import Table
from forecast.scenario.response import check_units, read_reference, read_units
from forecast.scenario.rule_reader import read_rule
from forecast.scenario.self_evaluation_checks import check_self_evaluation
from forecast.scenario.session_programmes import read_programmes
from forecast.scenario.title_scheme import check_cycles, read_scheme
from forecast.scenario.schema import (FIXED, PATHWAYS, RESPONSE_KEYS, Activity, Apprenticeship, Entity, Fund, L, P,
                                      Responsive, S)

TOP_KEYS = ("base", "meta", "calendar", "policy", "rules", "reference_amounts", "pay_lag_months", "amount_scale",
            "targets", "population", "flows", "ladder", "pathways", "activities", "entities", "fund", "correlations")
#: names in [meta] that outputs print in the user's language: {zh = "…", en = "…"}
NAMES = ("place", "fund_name", "craftsman_title")
PARAM_FORMS = ("{value = …, source = \"seed …\"} or {value = …, range = [low, high], assumption = \"why\"} "
               "or {dist = \"triangular\"|\"uniform\"|\"normal\", low = …, high = …, assumption = \"why\"}")


def validate(data: dict, origins: dict, root: tuple) -> dict:
    """The scenario's parts, checked: name, meta, calendar, policy, rules, targets, specs, reference."""
    org = Origins(origins)
    top = OriginTable(data, org)
    for key in data:
        if key not in TOP_KEYS:
            raise top.error(key, "unknown section", ", ".join(TOP_KEYS))
    out = _meta(top.table("meta"))
    cal = top.table("calendar")
    out["start"], out["end"] = cal.date("start"), cal.date("end")
    if out["end"] < out["start"]:
        raise cal.error("end", f"{out['end']} ends before the start {out['start']}", "end on or after start")
    if out["start"].day != 1:
        raise cal.error("start", f"{out['start']} is not the first of a month", "the first day of a month")
    cal.close()
    pol = top.table("policy")
    out["valid_from"], out["valid_to"] = pol.date("valid_from"), pol.date("valid_to")
    if out["valid_to"] < out["valid_from"]:
        raise pol.error("valid_to", f"{out['valid_to']} ends before valid_from {out['valid_from']}",
                        "valid_to on or after valid_from")
    out["policy_name"], out["uplift"] = pol.text("name"), pol.number("uplift_rate", SHARE)
    out["uplift_reading"] = pol.text("uplift_reading", "")
    out["successor"] = pol.flag("successor")
    out["successor_reading"] = pol.text("successor_reading")
    pol.text("source", "")
    pol.close()
    rules_t = top.table("rules")
    rules = tuple(read_rule(rid, rules_t.table(rid)) for rid in rules_t.keys())
    rules_t.close()
    out["rules"] = rules
    by_id = {r.id: r for r in rules}
    for r in rules:
        unknown = [o for o in r.net_of if o not in by_id]
        if unknown:
            raise rules_t.table(r.id).error("net_of", f"{unknown[0]!r} is not a rule of this scenario",
                                            ", ".join(sorted(by_id)))
    out["reference"] = read_reference(top.table("reference_amounts", required=False), by_id, root)
    targets_t = top.table("targets", required=False)
    out["targets"] = [_target(tid, targets_t.table(tid)) for tid in targets_t.keys()]
    targets_t.close()

    specs = {name: _section(top.table(name), cls, by_id) for name, cls in FIXED.items()}
    for group in ("pathways", "activities", "entities"):
        t = top.table(group, required=False)
        specs[group] = {}
        for key in t.keys():
            cls = PATHWAYS.get(key) if group == "pathways" else (Activity if group == "activities" else Entity)
            if cls is None:
                raise t.error(key, "unknown pathway", ", ".join(PATHWAYS))
            specs[group][key] = _section(t.table(key), cls, by_id)
    specs["fund"] = _section(top.table("fund"), Fund, by_id)
    specs["pay_lag_months"] = _pay_lags(top.table("pay_lag_months"), by_id)
    specs["amount_scale"] = read_amount_scales(top.table("amount_scale", required=False), by_id,
                                               lambda t, key, domain: _param(t, key, P(domain)))
    _check_mix(org, specs)
    check_cycles(org, specs["pathways"], range(out["start"].year, out["end"].year + 1))
    check_self_evaluation(org, specs)
    params = flat(specs)
    out["correlations"] = read_correlations(top.table("correlations", required=False), params)
    for t in out["targets"]:
        for path in t["set_by"]:
            if path not in params:
                raise InputError(org.file(f"targets.{t['id']}"), f"targets.{t['id']}.set_by",
                                 f"{path!r} is not a parameter of this scenario", "a path as in parameters.csv")
    for t in out["targets"]:
        if t["metric"] in ENTITY_METRICS and t["entity"] not in specs["entities"]:
            raise InputError(org.file(f"targets.{t['id']}"), f"targets.{t['id']}.entity",
                             f"{t['entity']!r} is not an entity of this scenario", ", ".join(specs["entities"]))
    top.close()
    out["specs"] = specs
    return out


def _meta(meta: Table) -> dict:
    out = {"name": meta.text("name"), "title": meta.text("title"), "meta": {"source": meta.text("source", "")}}
    for key in NAMES:
        t = meta.table(key)
        out["meta"][key] = {"zh": t.text("zh"), "en": t.text("en")}
        t.close()
    files = meta.raw("files", [], required=False)  # written by a run: the files it was assembled from
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise meta.error("files", f"{files!r} is not a list of file names", "a list of text")
    meta.close()
    return out


def _target(tid: str, t: Table) -> dict:
    metric = t.text("metric", choices=METRICS)
    domain = SHARE if metric in SHARE_METRICS else (RATE if metric in RATE_METRICS else COUNT)
    target = {"id": tid, "text": t.text("text"), "source": t.text("source"), "metric": metric,
              "goal": t.number("goal", domain),
              "entity": t.text("entity") if metric in ENTITY_METRICS else "",
              "set_by": tuple(_text_list(t, "set_by"))}
    t.close()
    return target


def _text_list(t: Table, key: str) -> list:
    value = t.raw(key, [], required=False)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise t.error(key, f"{value!r} is not a list of text", "a list of parameter paths")
    return value


def _pay_lags(t: Table, rules: dict) -> dict:
    """`[pay_lag_months]`: months from an event to its payment, an assumption per rule, with
    `default` for the rules not listed (itself a labelled assumption, required)."""
    out = {"default": _param(t, "default", P(MONTHS))}
    for rid in t.keys():
        if rid == "default":
            continue
        if rid not in rules:
            raise t.error(rid, "not a rule of this scenario", ", ".join(sorted(rules)) + " or default")
        out[rid] = _param(t, rid, P(MONTHS))
    t.close()
    return out


def _section(t: Table, cls, rules: dict) -> dict:
    """The specifications of one section, key by key in the schema's order, then its checks."""
    out = {}
    for key, kind in cls.schema().items():
        if not t.has(key):
            if isinstance(kind, P) and kind.default is not None:
                value, why = kind.default
                out[key] = Param("fixed", value, value, value, integer=kind.domain.integer,
                                 source=f"default of forecast, not set by the scenario: {why}", assumption=True)
            elif not kind.optional:
                raise t.error(key, "missing", _describe(kind))
            continue
        if isinstance(kind, P):
            out[key] = _param(t, key, kind)
        elif isinstance(kind, L):
            out[key] = _levels(t, key, kind)
        else:
            out[key] = _setting(t, key, kind, rules)
    t.close()
    _check_rule_kinds(t, cls, out, rules)
    if "completion_rule" in cls.schema():
        check_completion(t, out, rules)
    if issubclass(cls, Responsive):
        _check_reward(t, cls, out, rules)
    if cls is Fund:
        check_fund(t, out, cls.schema(), _describe)
    return out


def _check_rule_kinds(t: Table, cls, spec: dict, rules: dict) -> None:
    """A section that pays its rules by one event kind and reads their amounts one way
    (`RULE_KINDS`: setting → (rule kinds, event kind)) names only rules of those kinds."""
    for key, (kinds, event) in getattr(cls, "RULE_KINDS", {}).items():
        rule = rules.get(spec.get(key))
        if rule is None:
            continue
        if rule.kind not in kinds:
            raise t.error(key, f"rules.{rule.id} is a {rule.kind} rule", "a rule of kind " + " or ".join(kinds))
        if rule.event != event:
            raise t.error(key, f"rules.{rule.id} pays {rule.event!r} events", f"a rule with event = {event!r}")
        if rule.kind == "table" and rule.field != "level":
            raise t.error(key, f"rules.{rule.id} is a table by {rule.field}", 'a table by level (field = "level")')


def _check_reward(t: Table, cls, spec: dict, rules: dict) -> None:
    """A section that pays a rule states its response and the expected payments per
    participant of its response rules; reward-only keys need a rule; an entity states exactly
    one way new bodies arrive; masters other than craftsmen need their share."""
    if cls is Entity:
        given = [k for k in Entity.ARRIVALS if k in spec]
        if len(given) != 1:
            raise t.error(given[1] if given else "new_per_year", "state exactly one way new bodies arrive"
                          + (f" (given: {', '.join(given)})" if given else ""), " | ".join(Entity.ARRIVALS))
        if ("planned" in spec) != ("built_month" in spec):
            raise t.error("built_month", "a planned build needs both its count and its month", "planned and built_month")
    if cls is Apprenticeship and spec.get("other_masters") and "other_master_share" not in spec:
        raise t.error("other_master_share", "missing: other_masters = true needs the share of other workers at "
                      "master level who take apprentices", PARAM_FORMS)
    paying = spec.get(cls.PAYING_RULE) or spec.get("completion_rule")   # apprentice-years may pay on completion only
    if paying is None:
        stray = [k for k in Entity.REWARD_KEYS if k in spec]
        if stray:
            raise t.error(stray[0], "only for a body with a reward rule", "set `rule` or leave the key out")
        return
    if cls is Entity:
        for key in ("lag_months", "success_per_year", "contributor_share"):
            if key not in spec:
                raise t.error(key, f"missing: a body paid by rules.{paying} needs it", PARAM_FORMS)
        if spec["initial"].high > 0 and "initial_age_years" not in spec:
            raise t.error("initial_age_years", "missing: bodies present at the start need an age for "
                                               f"rules.{paying}", PARAM_FORMS)
    if cls is Entity and "new_per_year" not in spec:
        stray = [k for k in RESPONSE_KEYS if k in spec]
        if stray:
            raise t.error(stray[0], "a scheduled or planned body is the district's decision: its count does not "
                          "respond to the reward", "leave the key out, or use new_per_year")
        return
    for key in ("elasticity", "deadweight"):
        if key not in spec:
            raise t.error(key, f"missing: the section pays rules.{paying}, so it must say how uptake responds "
                               "to the reward (an assumption with its range)", PARAM_FORMS)
    default = list(dict.fromkeys(r for r in (paying, spec.get("completion_rule")) if r))
    check_units(t, spec.get("response_rules") or default, spec.get("expected_units"), rules)


def rule_ids_of(spec: dict) -> list[str]:
    """The rule ids a section's settings name (`rule`, `*_rule`, `*_rules`), in order."""
    out = []
    for key, v in spec.items():
        if key == "rule" or key.endswith("_rule") or key.endswith("_rules"):
            for rid in (v if isinstance(v, list) else [v]):
                if isinstance(rid, str) and rid not in out:
                    out.append(rid)
    return out


def _param(t: Table, key: str, kind: P) -> Param:
    raw = t.raw(key)
    if isinstance(raw, dict) and "source" in raw and "assumption" not in raw:
        return t.param(key, kind.domain, assumption=False)
    if not isinstance(raw, dict):
        raise t.error(key, "a parameter needs its source (a seed figure) or must be labelled an assumption",
                      PARAM_FORMS)
    return t.param(key, kind.domain, assumption=True)


def _levels(t: Table, key: str, kind: L) -> LevelTable:
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


def _setting(t: Table, key: str, kind: S, rules: dict):
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
    if kind.kind == "titles":
        return read_scheme(t, key, rules, lambda tt, k, d: _param(tt, k, P(d)),
                           lambda tt, k, s: _setting(tt, k, S(s), rules))
    if kind.kind == "tiers":
        return read_tiers(t, key, rules)
    if kind.kind == "sessions":
        return read_programmes(t, key, rules, lambda tt, k, d: _param(tt, k, P(d)),
                               lambda tt, k, s: _setting(tt, k, S(s), rules))
    return t.text(key)


def _describe(kind) -> str:
    if isinstance(kind, P):
        return "a parameter table: " + kind.domain.text
    if isinstance(kind, L):
        return "a table {assumption|source = …, values = {level = …}}: " + kind.domain.text
    return kind.kind


def _check_mix(org: Origins, specs: dict) -> None:
    """Shares that must add up to one do."""
    checks = [("population.skilled_mix", specs["population"]["skilled_mix"])]
    if "colleges" in specs["pathways"]:
        checks.append(("pathways.colleges.graduate_level_mix", specs["pathways"]["colleges"]["graduate_level_mix"]))
    for path, table in checks:
        total = sum(table.values.values())
        if abs(total - 1.0) > 1e-6:
            raise InputError(org.file_under(path), path + ".values", f"shares add up to {total:g}",
                             "shares adding up to 1")

