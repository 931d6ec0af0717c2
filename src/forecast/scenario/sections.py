"""Reading a merged scenario into checked specifications, section by section.

Every key is read through a `Table` (unknown keys are errors) by the markers of the typed
sections (`forecast.params.section`): the fixed sections every scenario has
(`forecast.model.values.FIXED`), each mechanism's own (`forecast.model.pathways.SECTIONS`, declared
beside its model class), the fund. The checks that involve several sections (shares adding up to
one, a section's `check_in_scenario`, a target's entity) follow. Each error names the file that set
the key, the key, and what is allowed.
"""
from __future__ import annotations

from forecast.core.errors import InputError
from forecast.model.fund import Fund
from forecast.model.pathways import PATHWAYS, SECTIONS
from forecast.model.values import FIXED
from forecast.params.param import COUNT, MONTHS, RATE, SHARE, LevelTable
from forecast.params.section import L, P, read_param, read_section
from forecast.params.table import Table
from forecast.policy.policy import ENTITY_METRICS, METRICS, RATE_METRICS, SHARE_METRICS
from forecast.scenario.amount_scale import read_amount_scales
from forecast.scenario.draws import flat, read_correlations
from forecast.scenario.files import Origins, OriginTable
from forecast.scenario.response import read_reference
from forecast.scenario.rule_reader import read_rule

TOP_KEYS = ("base", "meta", "calendar", "policy", "rules", "reference_amounts", "pay_lag_months", "amount_scale",
            "targets", "population", "flows", "ladder", "pathways", "activities", "entities", "fund", "correlations")
#: names in [meta] that outputs print in the user's language: {zh = "…", en = "…"}
NAMES = ("place", "fund_name", "craftsman_title")


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

    specs = {name: read_section(top.table(name), cls, by_id) for name, cls in FIXED.items()}
    known = SECTIONS["pathways"]
    for group in ("pathways", "activities", "entities"):
        t = top.table(group, required=False)
        specs[group] = {}
        for key in t.keys():
            cls = known.get(key) if group == "pathways" else SECTIONS[group]
            if cls is None:
                raise t.error(key, "unknown pathway", ", ".join(known))
            specs[group][key] = read_section(t.table(key), cls, by_id)
    specs["fund"] = read_section(top.table("fund"), Fund, by_id)
    specs["pay_lag_months"] = _pay_lags(top.table("pay_lag_months"), by_id)
    specs["amount_scale"] = read_amount_scales(top.table("amount_scale", required=False), by_id,
                                               lambda t, key, domain: read_param(t, key, P(domain)))
    _check_mixes(org, specs)
    years = range(out["start"].year, out["end"].year + 1)
    for cls in PATHWAYS:
        if cls.GROUP == "pathways" and cls.NAME in specs["pathways"]:
            cls.SECTION.check_in_scenario(org, specs, years)
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
    reference = meta.text("reform_reference", "")   # a reform's [reform] reference (`files.py`)
    if reference:
        out["meta"]["reform_reference"] = reference
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
    out = {"default": read_param(t, "default", P(MONTHS))}
    for rid in t.keys():
        if rid == "default":
            continue
        if rid not in rules:
            raise t.error(rid, "not a rule of this scenario", ", ".join(sorted(rules)) + " or default")
        out[rid] = read_param(t, rid, P(MONTHS))
    t.close()
    return out


def _check_mixes(org: Origins, specs: dict) -> None:
    """Tables of shares that must add up to one (`level_table(…, mix=True)`) do: the fixed sections'
    first, then the pathways', in the scenario's order."""
    found = [(f"{name}.{key}", specs[name].get(key)) for name, cls in FIXED.items() for key, kind in cls.schema().items()
             if isinstance(kind, L) and kind.mix]
    for name, spec in specs["pathways"].items():
        found += [(f"pathways.{name}.{key}", spec.get(key)) for key, kind in SECTIONS["pathways"][name].schema().items()
                  if isinstance(kind, L) and kind.mix]
    for path, table in found:
        if not isinstance(table, LevelTable):
            continue
        total = sum(table.values.values())
        if abs(total - 1.0) > 1e-6:
            raise InputError(org.file_under(path), path + ".values", f"shares add up to {total:g}",
                             "shares adding up to 1")
