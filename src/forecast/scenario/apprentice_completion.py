"""Checks of `[pathways.apprentice_years]` that involve several keys: what the pathway pays.

An apprenticeship subsidy is paid per training year (`rule`, e.g. HZ-A11 "每人每年不高于6000元"),
once on completion by the certificate's level (`completion_rule`, e.g. Dongxihu's DX-A5:
"对完成学徒培训计划并取得职业资格(技能等级)证书的按相应等级给予补贴", seed 004 3(五)), or both.
The completion subsidy is paid on the completion certificate the pathway emits (event
`certificate`, programme PROGRAMME), so its rule must be a table by level on `certificate`
events of that programme — then `forecast payouts` pays a real completion record (a
certificate of programme "apprentice_years" with the employer as recipient) by the same rule,
and no other certificate — and the pathway must certify on completion.
"""
from __future__ import annotations

from forecast.scenario.reader import Table

#: the programme of the certificates the apprentice-years pathway emits on completion
PROGRAMME = "apprentice_years"


def check_completion(t: Table, spec: dict, rules: dict) -> None:
    """At least one of `rule` and `completion_rule`; a completion rule pays certificates of
    PROGRAMME and needs `certify_on_completion = true`. (Its kind and event kind are checked
    with the schema's RULE_KINDS.)"""
    if spec.get("rule") is None and spec.get("completion_rule") is None:
        raise t.error("rule", "missing: the pathway pays per apprentice-year (`rule`), once on completion "
                              "(`completion_rule`) or both", "rule and/or completion_rule")
    rid = spec.get("completion_rule")
    if rid is None:
        return
    if not spec.get("certify_on_completion"):
        raise t.error("certify_on_completion", f"completion_rule {rid} pays the completion certificate, "
                                               "which is only emitted with certify_on_completion = true", "true")
    rule = rules[rid]
    if rule.programme != PROGRAMME:
        raise t.error("completion_rule", f"rules.{rid} pays certificates of "
                      + (f"programme {rule.programme!r}" if rule.programme else "every programme"),
                      f'a table rule by level with event = "certificate" and programme = "{PROGRAMME}"')
