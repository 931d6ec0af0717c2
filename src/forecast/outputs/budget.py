"""The budget view of a results folder: one object with everything a finance official reads.

`load(results_dir)` reads either a Monte Carlo results folder (`forecast run … --reps N`:
outlays.csv, outlays_stats.csv, replications.parquet, parameters.csv, targets.csv,
ladder_bands.csv, scenario.resolved.toml) or a single run's folder (outlays.csv, targets.csv,
ladder.csv, scenario.resolved.toml), which it treats as one replication: bands collapse onto
the value and probabilities are 0 or 1. From them it derives

- outlay statistics by year × rule (mean, 5/25/50/75/95th percentiles, yuan),
- committed liabilities: what the policy pays in the years after its validity ends,
- the fund: returns, surplus or shortfall and the principal's path per replication (`fund.py`),
- the targets with their probabilities, the ladder with bands,
- the assumptions register (every parameter, its specification, value and source) and the
  rules with their amounts and citations.

`headline(results_dir or Budget)` is the terminal summary in 万元 (a rich Table).
"""
from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.model import fund as fundlib
from forecast.policy import ladder as ladderlib
from forecast.runs.statistics import STATS, TOTAL, bands
from forecast.outputs.terminal import WAN
from forecast.core.errors import InputError
from forecast.scenario.params import Param

# --- labels -------------------------------------------------------------------------------
RECIPIENT = {
    "zh": {"college": "院校", "counsellor": "辅导员", "craftsman": "工匠", "base": "实训基地",
           "provider": "培训机构", "studio": "技能大师工作室", "master": "师傅", "rights_centre": "权益站",
           "station": "工作站", "person": "个人", "employer": "企业"},
    "en": {"college": "colleges", "counsellor": "counsellors", "craftsman": "craftsmen", "base": "bases",
           "provider": "providers", "studio": "master studios", "master": "masters",
           "rights_centre": "rights centre", "station": "stations", "person": "persons", "employer": "employers"},
}
EVENT = {
    "zh": {"station_accepted": "人才引育工作站建成", "graduates_stayed": "毕业生留惠(院校)",
           "graduate_stayed": "毕业生留惠(辅导员)", "craftsman_selected": "新评惠山工匠",
           "craftsman_assessed": "工匠年度考核(年金)", "craftsman_in_service": "D2类人才服务(实物)",
           "base_recognised": "工匠学院/实训基地授牌", "certificate": "夜校新取证",
           "class_hours": "工匠授课课时", "studio_reviewed": "技能大师工作室", "lecture_session": "宣讲团宣讲",
           "guest_lecture": "客座讲师授课", "pairing": "青蓝工程结对", "apprentice_certified": "徒弟晋级奖励",
           "challenge_completed": "揭榜领题项目", "rights_centre_built": "惠匠权益站建设"},
    "en": {"station_accepted": "talent station built", "graduates_stayed": "graduates staying (college)",
           "graduate_stayed": "graduates staying (counsellor)", "craftsman_selected": "new craftsmen",
           "craftsman_assessed": "craftsman annuity", "craftsman_in_service": "D2 services (in kind)",
           "base_recognised": "practice bases", "certificate": "night-school certificates",
           "class_hours": "teaching hours", "studio_reviewed": "master studios", "lecture_session": "lecture group",
           "guest_lecture": "guest lectures", "pairing": "apprentice pairing", "apprentice_certified":
           "apprentice milestones", "challenge_completed": "challenge projects", "rights_centre_built":
           "rights centre"},
}
TOPIC = {
    "zh": {"station_accepted": "引才留才", "graduates_stayed": "引才留才", "graduate_stayed": "引才留才",
           "craftsman_selected": "惠山工匠", "craftsman_assessed": "惠山工匠", "craftsman_in_service": "人才服务",
           "base_recognised": "工匠学院基地", "certificate": "夜校惠技课堂", "class_hours": "夜校惠技课堂",
           "studio_reviewed": "技能大师工作室", "lecture_session": "工匠宣讲团", "guest_lecture": "客座讲师",
           "pairing": "青蓝工程", "apprentice_certified": "青蓝工程", "challenge_completed": "揭榜领题",
           "rights_centre_built": "惠匠权益站"},
    "en": {"station_accepted": "graduate retention", "graduates_stayed": "graduate retention",
           "graduate_stayed": "graduate retention", "craftsman_selected": "craftsmen", "craftsman_assessed":
           "craftsmen", "craftsman_in_service": "talent services", "base_recognised": "practice bases",
           "certificate": "night school", "class_hours": "night school", "studio_reviewed": "master studios",
           "lecture_session": "lecture group", "guest_lecture": "guest lecturers", "pairing": "apprenticeship pairing",
           "apprentice_certified": "apprenticeship pairing", "challenge_completed": "challenge projects",
           "rights_centre_built": "rights centre"},
}
METRIC = {
    "zh": {"new_certified_persons": "新取得职业资格/技能等级证书人数", "new_high_certified_persons":
           "新取得高级工及以上证书人数", "skilled_share_end": "技能人才占就业人员比重",
           "craftsmen_selected": "新评惠山工匠", "entities_created": "新建", "min_yearly_created": "每年最少举办"},
    "en": {"new_certified_persons": "newly certified persons", "new_high_certified_persons":
           "newly certified at senior level or above", "skilled_share_end": "skilled share of employment",
           "craftsmen_selected": "craftsmen selected", "entities_created": "new", "min_yearly_created":
           "smallest yearly count of"},
}
ENTITY = {
    "zh": {"studio": "市级技能大师工作室", "practice_base": "工匠学院实训基地", "training_base": "工匠学院培训基地",
           "leading_talent": "先进制造技能领军人才", "excellent_technician": "卓越技师",
           "recruitment_fair": "专场招聘会", "station": "人才引育工作站", "rights_centre": "惠匠权益站"},
    "en": {"studio": "master studios", "practice_base": "practice bases", "training_base": "training bases",
           "leading_talent": "leading talents", "excellent_technician": "excellent technicians",
           "recruitment_fair": "recruitment fairs", "station": "talent stations", "rights_centre": "rights centres"},
}
_DIGITS = "一二三四五六七八九十"


def article_number(article: str) -> int | None:
    core = article.strip().removeprefix("第").removesuffix("条")
    if core == "十":
        return 10
    if core.startswith("十") and len(core) == 2 and core[1] in _DIGITS:
        return 10 + _DIGITS.index(core[1]) + 1
    if len(core) == 2 and core[1] == "十" and core[0] in _DIGITS:
        return (_DIGITS.index(core[0]) + 1) * 10
    if len(core) == 1 and core in _DIGITS:
        return _DIGITS.index(core) + 1
    return int(core) if core.isdigit() else None


# --- the object ---------------------------------------------------------------------------
@dataclass
class FundAnalysis:
    """The fund per replication (`fund.py` formulas) and what the report reads from it."""

    years: list
    principal: np.ndarray          # (R,) yuan at the start of the first year
    rate: np.ndarray               # (R,)
    top_up: np.ndarray             # (R,) yuan a year
    draw_on_principal: bool
    paths: fundlib.FundPaths       # arrays (R, years)
    exceed_probability: np.ndarray  # (years,) P(outlays > returns)
    needed: np.ndarray             # (R,) principal for returns-only coverage
    needed_p95: float
    source: str                    # where principal and rate came from

    def table(self) -> pd.DataFrame:
        """Year by year: outlays, returns, surplus, balance (mean and 5–95 %), P(outlays > returns)."""
        rows = []
        p = self.paths
        for i, y in enumerate(self.years):
            row = {"year": y}
            for name, arr in (("outlays", p.outlays), ("returns", p.returns), ("surplus", p.surplus),
                              ("drawn", p.drawn), ("balance", p.balance)):
                col = arr[:, i]
                row[f"{name}_mean"] = float(col.mean())
                row[f"{name}_p5"], row[f"{name}_p50"], row[f"{name}_p95"] = np.percentile(col, [5, 50, 95])
            row["p_exceed"] = float(self.exceed_probability[i])
            rows.append(row)
        return pd.DataFrame(rows)


@dataclass
class Budget:
    path: Path
    name: str
    title: str
    valid_from: dt.date
    valid_to: dt.date
    years: list
    monte_carlo: bool
    replications: int
    rules: pd.DataFrame            # id, article, text, source, reading, kind, amounts, after_policy, in_kind, …
    outlays: pd.DataFrame          # mean yuan, index year, columns rule ids + total (as outlays.csv)
    stats: pd.DataFrame            # long: year, rule (incl. total), mean, p5 … p95 (yuan)
    reps: pd.DataFrame             # long: replication, year, rule, amount (yuan; cash rules)
    parameters: pd.DataFrame       # one row per replication, one column per scalar parameter
    targets: pd.DataFrame          # target, text, metric, entity, goal, probability, mc_se, mean, p5, p50, p95
    ladder: pd.DataFrame           # long: month, series, mean, p5 … p95
    fund: FundAnalysis
    assumptions: pd.DataFrame      # parameter, specification, kind, rules, source, value, low, high
    summary: dict = field(default_factory=dict)

    # --- derived --------------------------------------------------------------------------
    @property
    def end_year(self) -> int:
        return self.valid_to.year

    @property
    def policy_years(self) -> list:
        return [y for y in self.years if self.valid_from.year <= y <= self.end_year]

    @property
    def later_years(self) -> list:
        return [y for y in self.years if y > self.end_year]

    @property
    def rule_ids(self) -> list:
        return [r for r in self.outlays.columns if r != TOTAL]

    def total_matrix(self) -> np.ndarray:
        """Yearly total outlays per replication, (R, years) yuan."""
        return self.rule_matrix(None)

    def rule_matrix(self, rules) -> np.ndarray:
        """Yearly outlays per replication summed over `rules` (None: all cash rules), (R, years)."""
        part = self.reps if rules is None else self.reps[self.reps["rule"].isin(list(rules))]
        wide = part.pivot_table(index="replication", columns="year", values="amount", aggfunc="sum", fill_value=0.0)
        reps = sorted(self.reps["replication"].unique())
        return wide.reindex(index=reps, columns=self.years, fill_value=0.0).to_numpy(dtype=float)

    def period_totals(self, rules=None) -> dict:
        """Per replication: in-period total, committed (after the policy) total, all years."""
        m = self.rule_matrix(rules)
        inside = np.array([self.valid_from.year <= y <= self.end_year for y in self.years])
        later = np.array(self.years) > self.end_year
        return {"in_period": m[:, inside].sum(axis=1), "committed": m[:, later].sum(axis=1),
                "all": m.sum(axis=1)}

    def liabilities(self) -> pd.DataFrame:
        """Committed liabilities: outlays in the years after the policy's end, by rule and in
        total, with mean and percentiles (yuan); one row per (rule, year) plus a row per rule
        for the sum over those years (year = "all"). Rules with nothing after the end in every
        replication are left out."""
        later = self.later_years
        rows = []
        if not later:
            return pd.DataFrame(columns=["rule", "year"] + STATS)
        for rule in self.rule_ids + [TOTAL]:
            m = self.rule_matrix(None if rule == TOTAL else [rule])
            idx = [self.years.index(y) for y in later]
            sub = m[:, idx]
            if rule != TOTAL and not np.any(sub):
                continue
            for j, y in enumerate(later):
                rows.append({"rule": rule, "year": y, **_stats(sub[:, j])})
            rows.append({"rule": rule, "year": "all", **_stats(sub.sum(axis=1))})
        return pd.DataFrame(rows, columns=["rule", "year"] + STATS)

    def article_of(self, rule: str) -> str:
        hit = self.rules[self.rules["id"] == rule]
        return str(hit["article"].iloc[0]) if len(hit) else ""

    def articles(self) -> list:
        """Articles in policy order, each with its cash rules present in the outlays."""
        out: dict[str, list] = {}
        for row in self.rules.itertuples():
            if row.id in self.rule_ids:
                out.setdefault(row.article, []).append(row.id)
        return list(out.items())

    def article_label(self, article: str, lang: str = "zh") -> str:
        rules = self.rules[(self.rules["article"] == article) & ~self.rules["in_kind"]]
        topics = list(dict.fromkeys(TOPIC[lang].get(e, RECIPIENT[lang].get(k, k))
                                    for e, k in zip(rules["event"], rules["recipient"])))
        who = ("、" if lang == "zh" else ", ").join(topics)
        if lang == "zh":
            return f"{article} {who}".strip()
        n = article_number(article)
        return f"Art. {n if n is not None else article} {who}".strip()

    def rule_label(self, rule: str, lang: str = "zh") -> str:
        hit = self.rules[self.rules["id"] == rule]
        if not len(hit):
            return rule
        event = str(hit["event"].iloc[0])
        return f"{rule} {EVENT[lang].get(event, event)}"

    def target_label(self, row, lang: str = "zh") -> str:
        metric = getattr(row, "metric", "") or ""
        entity = getattr(row, "entity", "") or ""
        if metric in ("entities_created", "min_yearly_created") and entity:
            name = METRIC[lang][metric] + ("" if lang == "zh" else " ") + ENTITY[lang].get(entity, entity)
        elif metric in METRIC[lang]:
            name = METRIC[lang][metric]
        else:
            name = str(getattr(row, "text", ""))
        return name

    def goal_text(self, row) -> str:
        return f"{row.goal:.0%}" if getattr(row, "metric", "") == "skilled_share_end" else f"{row.goal:,.0f}"

    def rule_stats(self, rule: str) -> pd.DataFrame:
        """One rule's (or "total") yearly statistics, index year (yuan)."""
        part = self.stats[self.stats["rule"] == rule].set_index("year")[STATS]
        return part.reindex(self.years).astype(float)

    def headline_numbers(self) -> dict:
        """The figures the report and the terminal put first (yuan, probabilities)."""
        tot = self.period_totals()
        f = self.fund
        inside = [self.years.index(y) for y in self.policy_years]
        returns_in = f.paths.returns[:, inside].sum(axis=1)
        any_exceed = (f.paths.outlays > f.paths.returns).any(axis=1)
        total = self.rule_stats(TOTAL)
        peak_year = int(total["mean"].idxmax())
        return {
            "in_period": _stats(tot["in_period"]), "committed": _stats(tot["committed"]), "all": _stats(tot["all"]),
            "per_year_policy": _stats(tot["in_period"] / max(len(self.policy_years), 1)),
            "returns_in_period": _stats(returns_in), "peak_year": peak_year,
            "peak_year_mean": float(total.loc[peak_year, "mean"]),
            "p_exceed_any": float(any_exceed.mean()),
            "p_exceed_by_year": dict(zip(self.years, map(float, f.exceed_probability))),
            "principal": _stats(f.principal), "rate": _stats(f.rate), "needed_p95": f.needed_p95,
            "balance_end": _stats(f.paths.balance[:, -1]),
            "targets_likely": int((self.targets["probability"] >= 0.5).sum()), "targets": len(self.targets),
        }


def _stats(x) -> dict:
    return {k: float(v) for k, v in bands(x).items()}


# --- loading ------------------------------------------------------------------------------
def load(results_dir: str | Path) -> Budget:
    """Read a results folder (Monte Carlo or single run) into a Budget; InputError if it is not one."""
    d = Path(results_dir)
    if not d.is_dir():
        raise InputError(str(d), "", "results folder not found", "a folder written by `forecast run`")
    for name in ("outlays.csv", "scenario.resolved.toml", "targets.csv"):
        if not (d / name).is_file():
            raise InputError(str(d / name), "", "missing from the results folder",
                             "a folder written by `forecast run` (outlays.csv, targets.csv, scenario.resolved.toml)")
    try:
        resolved = tomllib.loads((d / "scenario.resolved.toml").read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(d / "scenario.resolved.toml"), "", f"not valid TOML: {exc}") from None
    meta, pol = resolved.get("meta", {}), resolved.get("policy", {})
    valid_from, valid_to = _date(pol.get("valid_from")), _date(pol.get("valid_to"))
    outlays = pd.read_csv(d / "outlays.csv", index_col="year")
    outlays.index = outlays.index.astype(int)
    if TOTAL not in outlays:
        outlays[TOTAL] = outlays.sum(axis=1)
    years = [int(y) for y in outlays.index]
    rules = _rules(resolved.get("rules", {}))
    cash = [r for r in outlays.columns if r != TOTAL]
    monte_carlo = (d / "replications.parquet").is_file()
    if monte_carlo:
        reps = _read_replications(d / "replications.parquet", cash, years)
    else:
        reps = outlays[cash].reset_index().melt(id_vars="year", var_name="rule", value_name="amount")
        reps.insert(0, "replication", 0)
    reps = reps[reps["rule"].isin(cash)]
    n = int(reps["replication"].nunique())
    if (d / "outlays_stats.csv").is_file():
        stats = pd.read_csv(d / "outlays_stats.csv")
        stats["year"] = stats["year"].astype(int)
        stats = stats[["year", "rule"] + STATS]
    else:
        stats = _stats_from_reps(reps, years, cash)
    parameters = _read_parameters(d, resolved, n)
    summary = {}
    if (d / "summary.json").is_file():
        try:
            summary = json.loads((d / "summary.json").read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            summary = {}
    budget = Budget(
        path=d, name=str(meta.get("name", d.name)), title=str(meta.get("title", meta.get("name", d.name))),
        valid_from=valid_from, valid_to=valid_to, years=years, monte_carlo=monte_carlo, replications=n,
        rules=rules, outlays=outlays, stats=stats, reps=reps, parameters=parameters,
        targets=_read_targets(d / "targets.csv", resolved.get("targets", {})),
        ladder=_read_ladder(d), fund=None, assumptions=assumptions_register(resolved, parameters),
        summary=summary)
    budget.fund = _fund(budget, resolved)
    return budget


def _date(v) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def _rules(table: dict) -> pd.DataFrame:
    rows = []
    for rid, r in table.items():
        rows.append({"id": rid, "article": r.get("article", ""), "text": r.get("text", ""),
                     "source": r.get("source", ""), "reading": r.get("reading", ""), "kind": r.get("kind", ""),
                     "event": r.get("event", ""), "recipient": r.get("recipient", ""),
                     "amounts_zh": amounts_text(r, "zh"), "amounts_en": amounts_text(r, "en"),
                     "after_policy": bool(r.get("after_policy", False)), "in_kind": bool(r.get("in_kind", False)),
                     "uplift": bool(r.get("uplift", True))})
    return pd.DataFrame(rows, columns=["id", "article", "text", "source", "reading", "kind", "event", "recipient",
                                       "amounts_zh", "amounts_en", "after_policy", "in_kind", "uplift"])


def amounts_text(r: dict, lang: str = "zh") -> str:
    """A rule's amounts in words (yuan): fixed, table, tiers, range or milestones."""
    kind = r.get("kind")
    yuan = "元" if lang == "zh" else " yuan"
    if kind == "fixed":
        return f"{r.get('amount', 0):,.0f}{yuan}"
    if kind == "table":
        field = r.get("field", "level")
        def key(k):
            if field == "prize":
                return (f"{'一二三'[int(k) - 1]}等奖" if lang == "zh" else f"prize {k}") if str(k) in "123" else str(k)
            return k
        return "; ".join(f"{key(k)} {v:,.0f}" for k, v in r.get("amounts", {}).items()) + yuan
    if kind == "tiers":
        return "; ".join((f"≥{t['min']}人 {t['amount']:,.0f}" if lang == "zh" else f"≥ {t['min']}: {t['amount']:,.0f}")
                         for t in r.get("tiers", [])) + yuan
    if kind == "range":
        lo, hi = r.get("range", [0, 0])
        return f"{lo:,.0f}–{hi:,.0f}{yuan}"
    if kind == "milestone":
        parts = []
        for m in r.get("milestones", []):
            if lang == "zh":
                parts.append(f"{m['within_months']}个月内达{m['level']} {m['amount']:,.0f}")
            else:
                parts.append(f"{m['level']} within {m['within_months']} months {m['amount']:,.0f}")
        return "; ".join(parts) + yuan
    return ""


def _read_replications(path: Path, cash: list, years: list) -> pd.DataFrame:
    """Per-replication yearly outlays as long (replication, year, rule, amount), whatever the
    parquet's layout: long (a rule and an amount column) or wide (one column per rule)."""
    df = pd.read_parquet(path)
    rep_col = next((c for c in ("replication", "rep", "r") if c in df.columns), None)
    if rep_col is None:
        raise InputError(str(path), "replication", "no replication column", "replication, year, rule columns")
    df = df.rename(columns={rep_col: "replication"})
    if "rule" in df.columns:
        amount = next(c for c in ("amount", "yuan", "outlay", "value") if c in df.columns)
        long = df[["replication", "year", "rule", amount]].rename(columns={amount: "amount"})
    else:
        ids = [c for c in df.columns if c in cash]
        long = df[["replication", "year"] + ids].melt(id_vars=["replication", "year"], var_name="rule",
                                                       value_name="amount")
    long["year"] = long["year"].astype(int)
    long["replication"] = long["replication"].astype(int)
    long["amount"] = long["amount"].astype(float)
    return long.groupby(["replication", "year", "rule"], as_index=False)["amount"].sum()


def _stats_from_reps(reps: pd.DataFrame, years: list, cash: list) -> pd.DataFrame:
    wide = reps.pivot_table(index=["replication", "year"], columns="rule", values="amount", aggfunc="sum",
                            fill_value=0.0).reindex(columns=cash, fill_value=0.0)
    wide[TOTAL] = wide.sum(axis=1)
    rows = []
    for y in years:
        block = wide.xs(y, level="year") if y in wide.index.get_level_values("year") else None
        for rule in cash + [TOTAL]:
            col = block[rule].to_numpy() if block is not None else np.zeros(1)
            rows.append({"year": y, "rule": rule, **_stats(col)})
    return pd.DataFrame(rows, columns=["year", "rule"] + STATS)


def _resolved_leaves(tree: dict, prefix: str = ""):
    """(path, table) for each parameter table of a resolved scenario (value/dist + source/assumption)."""
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if not isinstance(value, dict):
            continue
        if ("assumption" in value or "source" in value) and ("value" in value or "dist" in value or "values" in value):
            yield path, value
        else:
            yield from _resolved_leaves(value, path)


SECTIONS = ("population", "flows", "ladder", "pathways", "activities", "entities", "fund")


def _param_of(spec: dict) -> Param:
    assumption = "assumption" in spec
    source = spec.get("assumption", spec.get("source", ""))
    dist = spec.get("dist", "fixed")
    if dist == "fixed":
        value = spec.get("value", 0)
        low, high = (spec.get("range") or [value, value])
        return Param("fixed", value, low, high, source=source, assumption=assumption)
    if dist == "normal":
        return Param("normal", spec.get("mean", 0), spec["low"], spec["high"], sd=spec.get("sd", 0),
                     source=source, assumption=assumption)
    return Param(dist, spec.get("mode", (spec["low"] + spec["high"]) / 2), spec["low"], spec["high"],
                 source=source, assumption=assumption)


def assumptions_register(resolved: dict, parameters: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every parameter of the resolved scenario with its specification (as Scenario.parameters()
    writes it), kind (assumption / policy), source, and the value used: the drawn value of a
    single run, or the mean and 5–95 % of the values drawn across replications."""
    rows = []
    for section in SECTIONS:
        for path, spec in _resolved_leaves(resolved.get(section, {}), section):
            kind = "assumption" if "assumption" in spec else "policy"
            source = spec.get("assumption", spec.get("source", ""))
            rules = ", ".join(_section_rules(resolved, path.rsplit(".", 1)[0]))
            if "values" in spec and "value" not in spec and "dist" not in spec:
                text = ", ".join(f"{k} {v:g}" for k, v in spec["values"].items())
                rows.append({"parameter": path, "specification": text, "kind": kind, "rules": rules,
                             "source": source, "value": np.nan, "low": np.nan, "high": np.nan})
                continue
            try:
                text = _param_of(spec).describe()
            except (KeyError, TypeError, ValueError):
                text = str({k: v for k, v in spec.items() if k not in ("assumption", "source", "resolved")})
            value = low = high = np.nan
            if parameters is not None and path in parameters.columns and len(parameters) > 1:
                col = parameters[path].astype(float)
                value, low, high = float(col.mean()), float(np.percentile(col, 5)), float(np.percentile(col, 95))
            elif parameters is not None and path in parameters.columns and len(parameters) == 1:
                value = low = high = float(parameters[path].iloc[0])
            elif isinstance(spec.get("resolved"), (int, float)) and not isinstance(spec.get("resolved"), bool):
                value = low = high = float(spec["resolved"])
            elif "dist" not in spec and isinstance(spec.get("value"), (int, float)):
                value = low = high = float(spec["value"])
            rows.append({"parameter": path, "specification": text, "kind": kind, "rules": rules,
                         "source": source, "value": value, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["parameter", "specification", "kind", "rules", "source", "value", "low", "high"])


def _section_rules(resolved: dict, section: str) -> list:
    """The rule ids a section of the scenario names (`rule`, `*_rule`, `*_rules` settings)."""
    node = resolved
    for part in section.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    out = []
    for key, v in (node.items() if isinstance(node, dict) else []):
        if key == "rule" or key.endswith("_rule") or key.endswith("_rules"):
            for rid in (v if isinstance(v, list) else [v]):
                if isinstance(rid, str) and rid not in out:
                    out.append(rid)
    return out


def _read_parameters(d: Path, resolved: dict, n: int) -> pd.DataFrame:
    """Per-replication drawn scalar parameters (parameters.csv), or for a single run the
    resolved values of the scenario as one row."""
    path = d / "parameters.csv"
    if path.is_file():
        df = pd.read_csv(path)
        if "replication" not in df.columns and "parameter" in df.columns:  # long layout
            df = df.pivot_table(index="replication", columns="parameter", values="value").reset_index()
        if "replication" not in df.columns:
            df.insert(0, "replication", range(len(df)))
        return df.sort_values("replication").reset_index(drop=True)
    row = {"replication": 0}
    for section in SECTIONS:
        for p, spec in _resolved_leaves(resolved.get(section, {}), section):
            v = spec.get("resolved")
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                row[p] = float(v)
    return pd.DataFrame([row])


def _read_targets(path: Path, spec: dict) -> pd.DataFrame:
    """Targets with probability, Monte Carlo standard error and value statistics; a single
    run's met column becomes a probability of 0 or 1."""
    df = pd.read_csv(path)
    out = pd.DataFrame({"target": df["target"].astype(str)})
    out["text"] = df["text"] if "text" in df else [spec.get(t, {}).get("text", "") for t in out["target"]]
    out["metric"] = df["metric"] if "metric" in df else [spec.get(t, {}).get("metric", "") for t in out["target"]]
    out["entity"] = [spec.get(t, {}).get("entity", "") for t in out["target"]]
    out["source"] = df["source"] if "source" in df else [spec.get(t, {}).get("source", "") for t in out["target"]]
    out["goal"] = df["goal"].astype(float)
    if "probability" in df:
        out["probability"] = df["probability"].astype(float)
    else:
        out["probability"] = df["met"].astype(str).str.lower().isin(["true", "1", "1.0"]).astype(float)
    out["mc_se"] = df["mc_se"].astype(float) if "mc_se" in df else 0.0
    for stat in STATS:
        col = next((c for c in (f"value_{stat}", stat, f"{stat}_value") if c in df.columns), None)
        if col is None and stat == "mean" and "value" in df:
            col = "value"
        out[stat] = df[col].astype(float) if col else (df["value"].astype(float) if "value" in df else np.nan)
    return out


def _read_ladder(d: Path) -> pd.DataFrame:
    """Ladder stocks over time as long (month, series, mean, p5 … p95): series are the level
    names, employed, skilled_share, high_skilled_share."""
    cols = ["month", "series"] + STATS
    if (d / "ladder_bands.csv").is_file():
        df = pd.read_csv(d / "ladder_bands.csv")
        if "series" not in df.columns:
            for alt in ("level", "stock", "variable", "name"):
                if alt in df.columns:
                    df = df.rename(columns={alt: "series"})
                    break
        if "series" in df.columns and "mean" in df.columns:
            for c in STATS:
                if c not in df.columns:
                    df[c] = df["mean"]
            df["month"] = df["month"].astype(str).str[:7]
            return df[cols]
        # wide: month, <series>_<stat> …
        rows = []
        for _, r in df.iterrows():
            for s in list(ladderlib.NAMES) + ["employed", "skilled_share", "high_skilled_share"]:
                if f"{s}_mean" in df.columns:
                    rows.append({"month": str(r["month"])[:7], "series": s,
                                 **{c: r.get(f"{s}_{c}", r[f"{s}_mean"]) for c in STATS}})
        return pd.DataFrame(rows, columns=cols)
    if (d / "ladder.csv").is_file():
        df = pd.read_csv(d / "ladder.csv")
        series = [s for s in list(ladderlib.NAMES) + ["employed", "skilled_share", "high_skilled_share"] if s in df]
        long = df.melt(id_vars="month", value_vars=series, var_name="series", value_name="mean")
        for c in STATS[1:]:
            long[c] = long["mean"]
        long["month"] = long["month"].astype(str).str[:7]
        return long[cols]
    return pd.DataFrame(columns=cols)


def _fund(b: Budget, resolved: dict) -> FundAnalysis:
    """Fund arithmetic per replication, with that replication's principal, rate and top-up."""
    spec = resolved.get("fund", {})
    draw = bool(spec.get("draw_on_principal", True))
    reps = sorted(b.reps["replication"].unique())
    params = b.parameters.set_index("replication").reindex(reps)
    from_csv = (b.path / "parameters.csv").is_file()
    sources = []

    def values(name: str, default: float) -> np.ndarray:
        path = f"fund.{name}"
        if path in params.columns and params[path].notna().all():
            sources.append(f"{path}: per replication (parameters.csv)" if from_csv
                           else f"{path}: resolved value (scenario.resolved.toml)")
            return params[path].to_numpy(dtype=float)
        s = spec.get(name, {})
        if isinstance(s, dict) and isinstance(s.get("resolved"), (int, float)):
            sources.append(f"{path}: resolved value (scenario.resolved.toml)")
            return np.full(len(reps), float(s["resolved"]))
        if isinstance(s, dict) and ("value" in s or "dist" in s):
            sources.append(f"{path}: central value of its distribution (not drawn per replication)")
            return np.full(len(reps), float(_param_of(s).central))
        sources.append(f"{path}: default {default:g}")
        return np.full(len(reps), default)

    principal = values("principal", 100_000_000.0)
    rate = values("return_rate", 0.03)
    top_up = values("top_up_per_year", 0.0)
    outlays = b.total_matrix()
    paths = fundlib.fund_paths(outlays, principal, rate, top_up, draw)
    needed = fundlib.principal_needed(outlays, rate)
    return FundAnalysis(b.years, principal, rate, top_up, draw, paths,
                        fundlib.exceed_probability(paths.outlays, paths.returns), needed,
                        fundlib.principal_needed_quantile(outlays, rate, 0.95), "; ".join(sources))


# --- terminal ---------------------------------------------------------------------------
def headline(source, lang: str = "zh"):
    """The budget headline as a rich Table in 万元: yearly total outlays (mean and 90 % range),
    the fund's returns, P(outlays > returns); caption with the in-period total, the committed
    liabilities and the principal needed. `source` is a results folder or a Budget."""
    from rich.table import Table

    b = source if isinstance(source, Budget) else load(source)
    h = b.headline_numbers()
    zh = lang == "zh"
    table = Table(title=(f"{b.title}: 基金支出与收益 (万元)" if zh else f"{b.title}: fund outlays and returns (10,000 yuan)"),
                  title_justify="left")
    table.add_column("" if zh else "")
    for y in b.years:
        table.add_column(f"{y}{'*' if y > b.end_year else ''}", justify="right")
    tot = b.rule_stats(TOTAL)
    fund = b.fund.table().set_index("year")
    rows = [
        ("支出 均值" if zh else "outlays mean", tot["mean"]),
        ("支出 5%" if zh else "outlays 5 %", tot["p5"]),
        ("支出 95%" if zh else "outlays 95 %", tot["p95"]),
        ("基金收益 均值" if zh else "fund returns mean", fund["returns_mean"]),
        ("本金余额 均值" if zh else "principal mean", fund["balance_mean"]),
    ]
    for label, series in rows:
        table.add_row(label, *[f"{series.loc[y] / WAN:,.1f}" for y in b.years])
    table.add_row("P(支出>收益)" if zh else "P(outlays > returns)", *[f"{p:.0%}" for p in b.fund.exceed_probability],
                  style="bold")
    ip, cm = h["in_period"], h["committed"]
    span = f"{b.valid_from.year}–{b.end_year}"
    def w(v):
        return f"{v / WAN:,.0f}"
    if zh:
        table.caption = (f"{span} 期内支出 {w(ip['mean'])} 万元 (90%区间 {w(ip['p5'])}–{w(ip['p95'])}); "
                         f"* {b.end_year} 年后已承诺支出 {w(cm['mean'])} 万元 ({w(cm['p5'])}–{w(cm['p95'])}); "
                         f"收益覆盖95%情形所需本金 {w(h['needed_p95'])} 万元; 重复次数 {b.replications}")
    else:
        table.caption = (f"{span} outlays {w(ip['mean'])} (90 % {w(ip['p5'])}–{w(ip['p95'])}); "
                         f"* committed after {b.end_year}: {w(cm['mean'])} ({w(cm['p5'])}–{w(cm['p95'])}); "
                         f"principal for returns to cover 95 % of futures: {w(h['needed_p95'])}; "
                         f"replications {b.replications} (10,000 yuan)")
    return table
