"""What a scenario may contain, as typed sections: every key, its domain, and its value type.

Each section is a frozen dataclass whose fields carry their marker: `param(domain)` is a
parameter (fixed or drawn, with its source or labelled assumption), `level_table(domain)` a table
by skill level, `setting(kind)` a plain setting (a rule id, levels, months, a flag). The loader
reads the TOML by these markers; resolving a scenario fills the same classes with numbers, so
each pathway receives a small typed object (`NightSchool`, `Apprenticeship`, …) instead of a
dictionary. Sections hold mechanisms, not places: any city's policy is written with them.

A pathway that pays a reward rule must say how uptake responds to it (`elasticity` and
`deadweight`, see forecast.model.behaviour); without them the scenario is an error, never a
silent "no response".
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from forecast.scenario.params import (AGE, AMOUNT, COUNT, ELASTICITY, FACTOR, GROWTH, MONTHS,
                                      POSITIVE_COUNT, PROBABILITY, RATE, RETURN, SHARE, Domain)

#: months a course or a pairing lasts: at least one (it ends in a later month than it starts)
DURATION = Domain(1, 1200, True, "a whole number of months in [1, 1200]")


@dataclass(frozen=True)
class P:
    """A parameter (fixed or drawn) in `domain`; `default` = (value, why) when it may be left out."""
    domain: Domain
    optional: bool = False
    default: tuple | None = None


@dataclass(frozen=True)
class L:
    """A table keyed by skill level, with one source or assumption for the whole table."""
    domain: Domain
    optional: bool = False


@dataclass(frozen=True)
class S:
    """A plain setting: 'rule', 'rules', 'level', 'levels', 'month', 'months', 'text' or 'flag'."""
    kind: str
    optional: bool = False
    default: object = None


def param(domain: Domain, optional: bool = False, default: tuple | None = None):
    return field(default=None, metadata={"spec": P(domain, optional or default is not None, default)})


def level_table(domain: Domain, optional: bool = False):
    return field(default=None, metadata={"spec": L(domain, optional)})


def setting(kind: str, optional: bool = False, default=None):
    return field(default=default, metadata={"spec": S(kind, optional or default is not None, default)})


@dataclass(frozen=True, eq=False)
class Section:
    """A section of a scenario; subclasses list their keys as fields."""

    #: the setting naming the rule whose amount drives the response (None: the section pays nothing)
    PAYING_RULE = None

    @classmethod
    def schema(cls) -> dict:
        return {f.name: f.metadata["spec"] for f in fields(cls) if "spec" in f.metadata}


@dataclass(frozen=True, eq=False)
class Responsive(Section):
    """A section whose volume responds to the rewards it pays (forecast.model.behaviour)."""

    response_rules: list | None = setting("rules", optional=True)
    expected_units: dict | None = setting("units", optional=True)
    elasticity: float | None = param(ELASTICITY, optional=True)
    deadweight: float | None = param(SHARE, optional=True)

    def rewarded(self) -> bool:
        return self.PAYING_RULE is not None and getattr(self, self.PAYING_RULE) is not None

    def response_rule_ids(self) -> list[str]:
        """The rules whose amounts the volume responds to (default: the section's own rule)."""
        return list(self.response_rules) if self.response_rules else [getattr(self, self.PAYING_RULE)]


RESPONSE_KEYS = ("response_rules", "expected_units", "elasticity", "deadweight")


@dataclass(frozen=True, eq=False)
class Population(Section):
    employed: int = param(POSITIVE_COUNT)
    skilled_share: float = param(SHARE)
    apprentice_share: float = param(SHARE)
    skilled_mix: np.ndarray = level_table(SHARE)
    max_years_in_grade: float = param(RATE)
    age_mean: float = param(AGE)
    age_sd: float = param(RATE)
    age_min: float = param(AGE)
    age_max: float = param(AGE)
    sector_share: float = param(SHARE)
    employers: int = param(POSITIVE_COUNT)
    employer_size_alpha: float = param(FACTOR)
    state_owned_share: float = param(SHARE)
    contributor_units: int = param(COUNT)


@dataclass(frozen=True, eq=False)
class Flows(Section):
    turnover: float = param(PROBABILITY)
    retirement_age: float = param(AGE)
    growth: float = param(GROWTH)
    hire_age_min: float = param(AGE)
    hire_age_mode: float = param(AGE)
    hire_age_max: float = param(AGE)
    hire_skilled_share: float = param(SHARE)


@dataclass(frozen=True, eq=False)
class Ladder(Section):
    min_months: np.ndarray = level_table(MONTHS)
    graduate_factor: float = param(FACTOR)


@dataclass(frozen=True, eq=False)
class SelfEvaluation(Section):
    yearly_rate: np.ndarray = level_table(PROBABILITY)
    rate_scale: float = param(FACTOR)
    apprentice_entry: float = param(PROBABILITY)
    apprentice_max_age: float = param(AGE)
    #: optional: capacity from evaluation bodies, 跨级评价 (scenario/self_evaluation_checks.py)
    capacity_entity: str | None = setting("text", optional=True)
    capacity_elasticity: float | None = param(ELASTICITY, optional=True)
    cross_level_share: float | None = param(SHARE, optional=True)
    cross_level_from: int | None = setting("level", optional=True)
    cross_level_to: int | None = setting("level", optional=True)


@dataclass(frozen=True, eq=False)
class NightSchool(Responsive):
    PAYING_RULE = "rule"
    rule: str = setting("rule")
    teaching_rule: str | None = setting("rule", optional=True)
    term_months: list = setting("months")
    levels: list = setting("levels")
    course_months: int = param(DURATION)
    seats_per_term: int = param(COUNT)
    apply_rate: float = param(PROBABILITY)
    pass_rate: float = param(PROBABILITY)
    providers: int = param(POSITIVE_COUNT)
    provider_contributor_share: float = param(SHARE)
    class_size: int = param(POSITIVE_COUNT)
    course_hours: np.ndarray = level_table(COUNT)
    craftsman_teaching_share: float = param(SHARE)
    hourly_rate: float = param(AMOUNT)


@dataclass(frozen=True, eq=False)
class Apprenticeship(Responsive):
    PAYING_RULE = "rule"
    rule: str = setting("rule")
    milestone_rule: str | None = setting("rule", optional=True)
    master_min_level: int = setting("level")
    apprentice_levels: list = setting("levels")
    #: masters are 带徒工匠 (HS-A8a/b): the named craftsmen, and with `other_masters` also a share
    #: `other_master_share` of the other workers at master_min_level or above (an assumption)
    other_masters: bool = setting("flag")
    other_master_share: float | None = param(SHARE, optional=True)
    pairings_per_year: float = param(RATE)
    master_capacity: int = param(POSITIVE_COUNT)
    state_master_weight: float = param(FACTOR)
    private_apprentice_weight: float = param(FACTOR)
    mentoring_factor: float = param(FACTOR)
    time_in_grade_factor: float = param(FACTOR)
    duration_months: int = param(DURATION)


@dataclass(frozen=True, eq=False)
class Competition(Section):
    month: int = setting("month")
    entrant_levels: list = setting("levels")
    promote_max_level: int = setting("level")
    entrants: int = param(COUNT)
    double_pass_share: float = param(PROBABILITY)


@dataclass(frozen=True, eq=False)
class Prizes(Section):
    """[pathways.prizes]: competition prizes as rare events (a Poisson number a year of each
    tier, `scenario/prize_tiers.py`), won by active workers at `min_level` or above, each
    `prize_won` paid by its tier's rule and, with a `coach_rule`, a `coach_award` for the coach
    or expert team. With `promote` a winner also rises one level (破格晋升). The count is set by
    the competitions' places, not by the reward: no behavioural response."""
    month: int = setting("month")
    min_level: int = setting("level")
    tiers: dict = setting("tiers")
    promote: bool = setting("flag", default=False)


@dataclass(frozen=True, eq=False)
class Craftsmen(Section):
    selection_rule: str = setting("rule")
    annuity_rule: str | None = setting("rule", optional=True)
    in_kind_rule: str | None = setting("rule", optional=True)
    selection_month: int = setting("month")
    assessment_month: int = setting("month")
    min_level: int = setting("level")
    per_year: int = param(COUNT)
    initial: int = param(COUNT)
    pass_rate: float = param(PROBABILITY)
    leave_rate: float = param(PROBABILITY)


@dataclass(frozen=True, eq=False)
class Colleges(Responsive):
    PAYING_RULE = "count_rule"
    count_rule: str = setting("rule")
    counsellor_rules: list | None = setting("rules", optional=True)
    graduation_month: int = setting("month")
    counted_month: int = setting("month")
    colleges: int = param(POSITIVE_COUNT)
    counsellors_per_college: int = param(POSITIVE_COUNT)
    staying_per_year: float = param(RATE)
    concentration: float = param(FACTOR)
    graduate_level_mix: np.ndarray = level_table(SHARE)
    fits_sector_share: float = param(SHARE)
    prize_share: float = param(PROBABILITY)
    first_prize_share: float = param(SHARE)
    second_prize_share: float = param(SHARE)
    contributor_share: float = param(SHARE)


@dataclass(frozen=True, eq=False)
class Activity(Responsive):
    """[activities.NAME]: events a year done by craftsmen (lectures, projects), each paid by `rule`.
    A range rule's amount is drawn uniformly within the rule's own range (the article gives no
    distribution of review results)."""
    PAYING_RULE = "rule"
    rule: str = setting("rule")
    recipients: str = setting("text")
    per_year: float = param(RATE)
    units_per_event: float = param(RATE, default=(1.0, "one unit (session, lecture, project) per event"))


@dataclass(frozen=True, eq=False)
class Entity(Responsive):
    """[entities.NAME]: counted bodies (studios, bases, stations, fairs, titles). New bodies
    arrive in one of three ways, exactly one of which the section states: `new_per_year` (a
    Poisson number: bodies others decide to create), `per_year_scheduled` (exactly that many
    every year: the district's own schedule, e.g. fairs), or `planned` bodies built by
    `built_month` months after the policy's start (a planned build, e.g. HS-A10's centre).
    With a `rule` a body earns it once, `lag_months` after it is created, with chance
    `success_per_year`; a range rule's amount is drawn uniformly within the rule's range."""
    PAYING_RULE = "rule"
    rule: str | None = setting("rule", optional=True)
    initial: int = param(COUNT)
    initial_age_years: float | None = param(RATE, optional=True)
    new_per_year: float | None = param(RATE, optional=True)
    per_year_scheduled: int | None = param(COUNT, optional=True)
    planned: int | None = param(COUNT, optional=True)
    built_month: int | None = param(MONTHS, optional=True)
    until_policy_end: bool = setting("flag", default=False)
    lag_months: int | None = param(MONTHS, optional=True)
    success_per_year: float | None = param(PROBABILITY, optional=True)
    contributor_share: float | None = param(SHARE, optional=True)

    #: keys that only mean something for a body with a reward rule
    REWARD_KEYS = ("initial_age_years", "lag_months", "success_per_year", "contributor_share") + RESPONSE_KEYS
    #: the ways new bodies arrive; a section states exactly one
    ARRIVALS = ("new_per_year", "per_year_scheduled", "planned")


#: years an apprenticeship's training lasts: a whole number in [1, 10]
TRAINING_YEARS = Domain(1, 10, True, "a whole number of years in [1, 10]")


@dataclass(frozen=True, eq=False)
class ApprenticeYears(Responsive):
    """[pathways.apprentice_years]: subsidised apprenticeships (e.g. 企业新型学徒制) paid to the
    employer per apprentice-year (`rule`, a fixed rule or a range rule whose amount is drawn
    uniformly within its range). Enrolments a year (Poisson) are drawn from active workers at or
    below `max_level` and younger than `max_age`; each trains `training_years` and drops out
    during each year with chance `dropout_per_year` (a year dropped out of is not paid);
    with `certify_on_completion` a share `certified_share` of completers certify one level up.
    A subsidy paid once on completion by the certificate's level (e.g. DX-A5, "按相应等级") is
    `completion_rule`: a table rule by level paying `certificate` events of programme
    "apprentice_years" (the completion certificate; needs certify_on_completion = true), paid
    to the employer. Either or both of `rule` and `completion_rule` (scenario/apprentice_completion.py);
    without `rule` no apprentice-year is paid or recorded. The volume responds by default to
    both (a table rule needs its `expected_units` by level)."""
    PAYING_RULE = "rule"
    #: setting → (rule kinds it may name, event kind of the rule)
    RULE_KINDS = {"rule": (("fixed", "range"), "apprentice_year"), "completion_rule": (("table",), "certificate")}
    rule: str | None = setting("rule", optional=True)
    max_level: int = setting("level")
    max_age: float = param(AGE)
    enrolments_per_year: float = param(RATE)
    training_years: int = param(TRAINING_YEARS)
    dropout_per_year: float = param(PROBABILITY)
    certify_on_completion: bool = setting("flag", default=False)
    certified_share: float = param(SHARE, default=(1.0, "every completer is certified one level up"))
    completion_rule: str | None = setting("rule", optional=True)

    def rewarded(self) -> bool:
        return self.rule is not None or self.completion_rule is not None

    def response_rule_ids(self) -> list[str]:
        """The stated response rules, else whichever of `rule` and `completion_rule` is given."""
        return list(self.response_rules) if self.response_rules else [r for r in (self.rule, self.completion_rule) if r]


@dataclass(frozen=True, eq=False)
class SettlingIn(Section):
    """[pathways.settling_in]: a one-off settling-in (安家) subsidy to recruits moving into the
    district: of each month's hires at the levels of `rule` (a table rule by level), a share
    `apply_share` (eligible and applying) is paid once, at the table's amount for their level."""
    RULE_KINDS = {"rule": (("table",), "settled_in")}
    rule: str = setting("rule")
    apply_share: float = param(SHARE)


@dataclass(frozen=True, eq=False)
class Titles(Section):
    """[pathways.titles]: a scheme of named titles (e.g. a city's 大工匠, 工匠, 青年工匠), each
    `[pathways.titles.scheme.NAME]` with its `rule` (a fixed rule paying `title_awarded`
    events whose programme is NAME), `rank` (higher is the higher title; equal ranks are
    equal titles), `per_year` (holders named a year, a parameter), `min_level`,
    `selection_month` and an optional `max_age` (under that age on the day of selection).
    A title selected every few years (e.g. a five-yearly 临空港工匠) has `every_years` (1–10,
    default 1) and `first_year` (a calendar year of the scenario, default the policy's first
    year): selections fall in the years y ≥ first_year with (y − first_year) % every_years == 0,
    and `per_year` is then read as the holders named at each selection. A title is awarded
    only to a worker holding no equal or higher title of the scheme; what an upgrade pays
    is the rules' own (`net_of`: highest award only, no double award)."""
    scheme: dict = setting("titles")


@dataclass(frozen=True, eq=False)
class Sessions(Section):
    """[pathways.sessions]: subsidised training counted in sessions (人次), one
    `[pathways.sessions.programmes.NAME]` per programme (scenario/session_programmes.py): `rule`
    (fixed, per session) and/or `certificate_rule` (table by level, per certificate), `per_year`,
    `certified_share`, `max_level`. The counts are the funded plan: no behavioural response."""
    programmes: dict = setting("sessions")


@dataclass(frozen=True, eq=False)
class Fund(Section):
    """What pays the rewards: `kind = "endowment"` (default) a fund whose returns pay them
    (Huishan: 惠山工匠基金, seed 000 三、配套保障; principal, return_rate, top_up_per_year,
    draw_on_principal), or `kind = "appropriation"` a yearly budget appropriation (Huzhou seed 003
    三(二); appropriation_per_year only). Which keys each kind takes: scenario/fund_kind.py."""
    kind: str = setting("fund_kind", default="endowment")
    principal: float = param(AMOUNT, optional=True)
    return_rate: float = param(RETURN, optional=True)
    top_up_per_year: float = param(AMOUNT, optional=True)
    draw_on_principal: bool = setting("flag", optional=True)
    appropriation_per_year: float = param(AMOUNT, optional=True)


#: [pathways.NAME] sections the engine knows
PATHWAYS = {"self_evaluation": SelfEvaluation, "night_school": NightSchool, "apprenticeship": Apprenticeship,
            "competition": Competition, "craftsmen": Craftsmen, "colleges": Colleges}
PATHWAYS["prizes"] = Prizes
PATHWAYS.update(apprentice_years=ApprenticeYears, settling_in=SettlingIn)
PATHWAYS.update(titles=Titles)
PATHWAYS.update(sessions=Sessions)
#: fixed sections, in the order a scenario lists them
FIXED = {"population": Population, "flows": Flows, "ladder": Ladder}


@dataclass(frozen=True, eq=False)
class Values:
    """A scenario with every parameter a number: what one simulated future runs on."""

    population: Population
    flows: Flows
    ladder: Ladder
    pathways: dict          # name → SelfEvaluation, NightSchool, …
    activities: dict        # name → Activity
    entities: dict          # name → Entity
    fund: Fund
    pay_lag: dict           # cash rule id → months from event to payment
    drawn: dict             # "section.key" → value of every scalar parameter (parameters.csv)
    #: rule id → this future's factor on the rule's assumed amounts (`[amount_scale]`; absent: 1)
    amount_scale: dict = field(default_factory=dict)
