"""Reading the programmes of `[pathways.sessions]` (schema `Sessions`): subsidised training
counted in sessions (人次), one table per programme, named by the scenario.

    [pathways.sessions.programmes.skills]
    rule = "CZ-A1"             # a fixed rule paying `training_sessions` events of programme "skills"
    per_year = { value = 40000, range = [35000, 45000], assumption = "…" }   # sessions a year
    certified_share = { value = 0.3, range = [0.2, 0.4], assumption = "…" } # share ending in a certificate
    max_level = "中级工"        # trainees are at or below this level; the certificate is one level up
    certificate_rule = "WX-A1" # optional: a table rule by level paying `certificate` events of "skills"

Why tables of their own: a policy funds several programmes at once (Changzhou's 120,000 人次
over three years besides 3,000 and 6,000 a year in others; Wuxi's 500,000 in 2021 besides
technical schools' 25,000 a year), each with its own count and subsidy; each programme's
parameters are drawn from their own streams (`pathways.sessions.programmes.NAME.per_year`).

A programme pays per session (`rule`), per certificate by level (`certificate_rule`: Jiangsu
pays per certificate obtained), or both; one with neither is an error, since a programme that
pays nothing is not a subsidy. Each rule must select the programme's own events (`programme =
NAME`), so `forecast payouts` pays a real providers' claim by the same rule as the simulation.
"""
from __future__ import annotations

from typing import Callable

from forecast.policy import ladder
from forecast.scenario.params import COUNT, SHARE
from forecast.scenario.reader import Table

#: the keys of a programme's table
PROGRAMME_KEYS = ("rule", "certificate_rule", "per_year", "certified_share", "max_level")
#: setting → (rule kind, event kind) of the rule it names
RULES = {"rule": ("fixed", "training_sessions"), "certificate_rule": ("table", "certificate")}
#: the highest max_level: a training certificate goes at most to 高级技师 (特级/首席技师 are
#: employers' appointments, as the self-evaluation pathway reads them, not exams after training)
MAX_LEVEL = ladder.TECHNICIAN
MAX_LEVEL_TEXT = "a level from 未取证 to 技师 (0–5): the certificate is one level up, at most 高级技师"


def read_programmes(t: Table, key: str, rules: dict, read_param: Callable, read_setting: Callable) -> dict:
    """NAME → {per_year (Param), certified_share (Param), max_level[, rule][, certificate_rule]},
    checked. `read_param(table, key, domain)` and `read_setting(table, key, kind)` are the section
    reader's own, so a programme's keys are read and reported like any section's."""
    progs = t.table(key)
    names = progs.keys()
    if not names:
        raise t.error(key, "empty: sessions need at least one programme",
                      f"[{key}.NAME] tables with {', '.join(PROGRAMME_KEYS)}")
    out = {name: _programme(progs.table(name), name, rules, read_param, read_setting) for name in names}
    progs.close()
    return out


def _programme(pt: Table, name: str, rules: dict, read_param: Callable, read_setting: Callable) -> dict:
    for key in pt.keys():   # a misspelt key is named before anything it leaves missing
        if key not in PROGRAMME_KEYS:
            raise pt.error(key, "unknown key", ", ".join(PROGRAMME_KEYS))
    paying = [k for k in RULES if pt.has(k)]
    if not paying:
        raise pt.error("rule", "missing: a programme that pays nothing is not a subsidy",
                       "rule (per session), certificate_rule (per certificate by level) or both")
    out = {"per_year": read_param(pt, "per_year", COUNT),
           "certified_share": read_param(pt, "certified_share", SHARE),
           "max_level": read_setting(pt, "max_level", "level")}
    if out["max_level"] > MAX_LEVEL:
        raise pt.error("max_level", f"{ladder.name(out['max_level'])} is above 技师", MAX_LEVEL_TEXT)
    for key in paying:
        rid = read_setting(pt, key, "rule")
        rule, (kind, event) = rules[rid], RULES[key]
        by_level = kind != "table" or rule.field == "level"
        if rule.kind != kind or rule.event != event or rule.programme != name or not by_level:
            shape = f"a {rule.kind} rule" + (f" by {rule.field}" if rule.kind == "table" else "")
            raise pt.error(key, f"rules.{rule.id} is {shape} paying {rule.event!r} events"
                           + (f" of programme {rule.programme!r}" if rule.programme else " of any programme"),
                           f'a {kind} rule with event = "{event}" and programme = "{name}"'
                           + (' (field = "level")' if kind == "table" else ""))
        out[key] = rid
    pt.close()
    return out
