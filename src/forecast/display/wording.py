"""Words for the policy's parts, in one language: articles, rules, targets and amounts.

Every output names things the same way: an article by its number and what it rewards
("第八条 青蓝工程", "Art. 8 apprenticeship pairing"), a rule by its id and event, a target by
its metric, a rule's amounts in words. The words come from the catalogue (`labels.py`).
"""
from __future__ import annotations

import pandas as pd

from forecast.display.labels import Labels, wan
from forecast.policy import ladder
from forecast.policy.policy import ENTITY_METRICS, Policy, Target
from forecast.policy.rules import Rule


def policy_span(policy: Policy) -> str:
    """The policy's years, "2025–2027"."""
    return f"{policy.valid_from.year}–{policy.valid_to.year}"


def year_head(policy: Policy, year: int) -> str:
    """A year as a column heading: marked * after the policy's end (what it committed for later)."""
    return f"{year}*" if policy.after([year])[0] else str(year)


def fund_state(L: Labels, b) -> str:
    """A single run's returns account in words (`b` a Budget of one future): no shortfall
    year; or the first one and the cumulative unfunded amount at the end of the policy period
    (at the end of the horizon when the first shortfall comes after the policy)."""
    first = b.fund.first_shortfall()
    if first is None:
        return L("report.lead_ok")
    year = b.end_year if first <= b.end_year and b.end_year in b.years else b.years[-1]
    return L("report.lead_short", year=first, end=year, u=wan(b.fund.paths.unfunded[0, b.years.index(year)], 0))


def articles(policy: Policy, rule_ids: list[str]) -> list[tuple[str, list[str]]]:
    """Articles in policy order, each with those of `rule_ids` it holds."""
    out: dict[str, list[str]] = {}
    for rule in policy.rules:
        if rule.id in rule_ids:
            out.setdefault(rule.article, []).append(rule.id)
    return list(out.items())


def article_label(L: Labels, policy: Policy, article: str) -> str:
    """The article's short name and what its cash rules reward: "第八条 青蓝工程"."""
    topics = dict.fromkeys(L(f"topic.{r.event}") for r in policy.rules if r.article == article and not r.in_kind)
    return f"{L.article(article)} {L.join(topics)}".strip()


def rule_what(L: Labels, rule: Rule) -> str:
    """What a rule pays for, in words: its event ("青蓝工程结对")."""
    return L(f"event.{rule.event}")


def rule_label(L: Labels, policy: Policy, rule_id: str) -> str:
    """A rule's id and what it pays for: "HS-A8b 徒弟晋级奖励"."""
    return f"{rule_id} {rule_what(L, policy.rule(rule_id))}"


def reached_text(L: Labels, target: Target) -> str:
    """How a target is reached: "forecast", or "set by assumption (the parameters)" when its
    value is an input of the scenario (`Target.set_by`): then its probability restates them."""
    return L("set_by", params=", ".join(target.set_by)) if target.set_by else L("forecast_target")


def owed_after_text(L: Labels, figure: dict, end: int, monte_carlo: bool) -> str:
    """One line: what is still owed after the horizon, valued (mean, and its 90 % range for
    many futures)."""
    rng = f" ({L('range90')} {wan(figure['p5'])}–{wan(figure['p95'])})" if monte_carlo else ""
    return L("owed_after_text", end=end, value=wan(figure["mean"]), range=rng)


def target_label(L: Labels, target: Target) -> str:
    """What a target counts, in words ("新建市级技能大师工作室"); a target on an entity the
    catalogue does not name is shown by its own text from the scenario."""
    if target.metric in ENTITY_METRICS:
        if not L.has(f"entity.{target.entity}"):
            return target.text
        return L(f"metric.{target.metric}", entity=L(f"entity.{target.entity}"))
    return L(f"metric.{target.metric}")


def goal_text(target: Target) -> str:
    return f"{target.goal:.0%}" if target.share else f"{target.goal:,.0f}"


def value_text(target: Target, v: float) -> str:
    """A simulated value of the target's metric: a share to 0.1 %, a count whole."""
    return f"{v:.1%}" if target.share else f"{v:,.0f}"


def amounts_text(L: Labels, rule: Rule) -> str:
    """A rule's amounts in words (yuan): fixed, table, tiers, range or milestones; a rule whose
    amounts change on a date lists each version with the date it takes effect."""
    if rule.changes:
        parts = [_version_amounts(L, v) for _, _, v in rule.versions()]
        dates = [None] + [d for d, _ in rule.changes]
        return "; ".join(text if d is None else f"{L('amount.from', date=d.isoformat())} {text}"
                         for d, text in zip(dates, parts))
    return _version_amounts(L, rule)


def _version_amounts(L: Labels, rule: Rule) -> str:
    if rule.kind == "fixed":
        text = f"{rule.amount:,.0f}"
    elif rule.kind == "table":
        text = "; ".join(f"{_table_key(L, rule, k)} {v:,.0f}" for k, v in rule.table.items())
    elif rule.kind == "tiers":
        text = "; ".join(L("amount.tier", min=m, amount=f"{a:,.0f}") for m, a in rule.tiers)
    elif rule.kind == "range":
        text = L("amount.range", low=f"{rule.range[0]:,.0f}", high=f"{rule.range[1]:,.0f}")
    else:
        text = "; ".join(L("amount.milestone", months=w, level=_level(L, lv), amount=f"{a:,.0f}")
                         for lv, w, a in rule.milestones)
    return L("amount.yuan", amounts=text)


def _level(L: Labels, code: int) -> str:
    return ladder.NAMES[code] if L.lang == "zh" else ladder.ENGLISH[code]


def _table_key(L: Labels, rule: Rule, key: int) -> str:
    if rule.field == "level":
        return _level(L, key)
    return L(f"prize.{key}") if L.has(f"prize.{key}") else L("prize.other", n=key)


def rules_table(L: Labels, policy: Policy) -> pd.DataFrame:
    """Every rule of the policy with its amounts in words and its citation."""
    rows = [{"id": r.id, "article": r.article, "text": r.text, "amounts": amounts_text(L, r),
             "after_policy": r.after_policy, "in_kind": r.in_kind, "source": r.source, "reading": r.reading}
            for r in policy.rules]
    return pd.DataFrame(rows, columns=["id", "article", "text", "amounts", "after_policy", "in_kind", "source",
                                       "reading"])
