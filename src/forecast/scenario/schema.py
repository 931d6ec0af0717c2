"""What a scenario may contain: every parameter section, its keys and their domains.

Sections hold mechanisms, not places: any city's policy is written with them. A key marked
`P(domain)` is a parameter with its source or assumption; `L(domain)` a table by skill level;
the other markers are plain settings.
"""
from __future__ import annotations

from dataclasses import dataclass

from forecast.scenario.params import (AGE, AMOUNT, COUNT, ELASTICITY, FACTOR, GROWTH, MONTHS,
                     POSITIVE_COUNT, PROBABILITY, RATE, SHARE, Domain)


@dataclass(frozen=True)
class P:
    """A parameter (fixed or drawn) in `domain`."""
    domain: Domain
    optional: bool = False


@dataclass(frozen=True)
class L:
    """A table keyed by skill level, with one source or assumption for the whole table."""
    domain: Domain
    optional: bool = False


@dataclass(frozen=True)
class S:
    """A plain setting: 'rule', 'rules', 'level', 'levels', 'months', 'text' or 'flag'."""
    kind: str
    optional: bool = False


RESPONSE = {
    "response_rules": S("rules", optional=True),
    "elasticity": P(ELASTICITY, optional=True),
    "deadweight": P(SHARE, optional=True),
}

POPULATION = {
    "employed": P(POSITIVE_COUNT),
    "skilled_share": P(SHARE),
    "apprentice_share": P(SHARE),
    "skilled_mix": L(SHARE),
    "max_years_in_grade": P(RATE),
    "age_mean": P(AGE), "age_sd": P(RATE), "age_min": P(AGE), "age_max": P(AGE),
    "sector_share": P(SHARE),
    "employers": P(POSITIVE_COUNT),
    "employer_size_alpha": P(FACTOR),
    "state_owned_share": P(SHARE),
    "contributor_units": P(COUNT),
}

FLOWS = {
    "turnover": P(PROBABILITY),
    "retirement_age": P(AGE),
    "growth": P(GROWTH),
    "hire_age_min": P(AGE), "hire_age_mode": P(AGE), "hire_age_max": P(AGE),
    "hire_skilled_share": P(SHARE),
}

LADDER = {
    "min_months": L(MONTHS),
    "graduate_factor": P(FACTOR),
}

PATHWAYS = {
    "self_evaluation": {
        "yearly_rate": L(PROBABILITY),
        "rate_scale": P(FACTOR),
        "apprentice_entry": P(PROBABILITY),
        "apprentice_max_age": P(AGE),
    },
    "night_school": {
        "rule": S("rule"), "teaching_rule": S("rule", optional=True),
        "term_months": S("months"), "levels": S("levels"),
        "course_months": P(MONTHS), "seats_per_term": P(COUNT), "apply_rate": P(PROBABILITY),
        "pass_rate": P(PROBABILITY), "providers": P(POSITIVE_COUNT), "provider_contributor_share": P(SHARE),
        "class_size": P(POSITIVE_COUNT), "course_hours": L(COUNT), "craftsman_teaching_share": P(SHARE),
        "hourly_rate": P(AMOUNT), **RESPONSE,
    },
    "apprenticeship": {
        "rule": S("rule"), "milestone_rule": S("rule", optional=True),
        "master_min_level": S("level"), "apprentice_levels": S("levels"),
        "pairings_per_year": P(RATE), "master_capacity": P(POSITIVE_COUNT), "state_master_weight": P(FACTOR),
        "private_apprentice_weight": P(FACTOR), "mentoring_factor": P(FACTOR), "time_in_grade_factor": P(FACTOR),
        "duration_months": P(MONTHS), **RESPONSE,
    },
    "competition": {
        "month": S("month"), "entrant_levels": S("levels"), "promote_max_level": S("level"),
        "entrants": P(COUNT), "double_pass_share": P(PROBABILITY),
    },
    "craftsmen": {
        "selection_rule": S("rule"), "annuity_rule": S("rule", optional=True), "in_kind_rule": S("rule", optional=True),
        "selection_month": S("month"), "assessment_month": S("month"), "min_level": S("level"),
        "per_year": P(COUNT), "initial": P(COUNT), "pass_rate": P(PROBABILITY),
    },
    "colleges": {
        "count_rule": S("rule"), "counsellor_rules": S("rules", optional=True),
        "graduation_month": S("month"), "counted_month": S("month"),
        "colleges": P(POSITIVE_COUNT), "counsellors_per_college": P(POSITIVE_COUNT),
        "staying_per_year": P(RATE), "concentration": P(FACTOR), "graduate_level_mix": L(SHARE),
        "fits_sector_share": P(SHARE), "prize_share": P(PROBABILITY), "first_prize_share": P(SHARE),
        "second_prize_share": P(SHARE), "contributor_share": P(SHARE), **RESPONSE,
    },
}

#: [activities.NAME]: events a year done by craftsmen or high-skilled workers (lectures, projects).
ACTIVITY = {
    "rule": S("rule"), "recipients": S("text"), "per_year": P(RATE), "units_per_event": P(RATE, optional=True),
    "unit_amount_low": P(AMOUNT, optional=True), "unit_amount_high": P(AMOUNT, optional=True), **RESPONSE,
}

#: [entities.NAME]: counted bodies (studios, bases, stations, fairs, titles) with optional reward.
ENTITY = {
    "rule": S("rule", optional=True), "initial": P(COUNT), "initial_age_years": P(RATE, optional=True),
    "new_per_year": P(RATE), "until_policy_end": S("flag", optional=True),
    "lag_months": P(MONTHS, optional=True), "success_per_year": P(PROBABILITY, optional=True),
    "amount_low": P(AMOUNT, optional=True), "amount_high": P(AMOUNT, optional=True),
    "contributor_share": P(SHARE, optional=True), **RESPONSE,
}

FUND = {
    "principal": P(AMOUNT), "return_rate": P(Domain(-0.5, 0.5, False, "a yearly rate in [-0.5, 0.5]")),
    "top_up_per_year": P(AMOUNT), "draw_on_principal": S("flag"),
}

METRICS = ("new_certified_persons", "new_high_certified_persons", "skilled_share_end",
           "craftsmen_selected", "entities_created", "min_yearly_created")
