"""Typed scenario sections: each pathway receives a small typed object; what a section needs
depends on what it pays, and nothing missing is silently replaced.

A section that pays a reward rule must state its behavioural response (elasticity and
deadweight) and, for table, tier and milestone rules, the expected payments per participant;
a counted body states exactly one way it arrives; a planned build does not respond to its
reward; reward-only keys need a rule; a default the engine applies (units per event) appears in the
assumptions register as such; [meta] names the place, the fund and the craftsman title; the
fund section is required.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.stats import truncnorm

import forecast
from forecast.model.behaviour import response, volume
from forecast.params.param import Param
from forecast.model.pathways.apprenticeship import ApprenticeshipSection as Apprenticeship
from forecast.model.pathways.entities import EntitySection as Entity
from forecast.model.pathways.night_school import NightSchoolSection as NightSchool
from forecast.model.population import Population
from conftest import place_copy


def without(tmp_path, *tables: str, extra: str = ""):
    """A copy of the Huishan folder with whole [tables] removed from the file that holds them (an
    overlay can only add or replace), and `extra` added to its assumptions."""
    folder = place_copy(tmp_path)
    for table in tables:
        block = re.compile(r"^\[" + re.escape(table) + r"\]\n(?:(?!\[).*\n)*", re.M)
        hits = 0
        for name in ("policy.toml", "assumptions.toml"):
            text, n = block.subn("", (folder / name).read_text(encoding="utf-8"))
            (folder / name).write_text(text, encoding="utf-8")
            hits += n
        assert hits == 1, table
    with (folder / "assumptions.toml").open("a", encoding="utf-8") as f:
        f.write(extra)
    return folder


def error_of(path) -> forecast.InputError:
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(path)
    return info.value


def test_pathways_get_typed_sections(huishan):
    values = huishan.resolve(None)
    night = values.pathways["night_school"]
    assert isinstance(night, NightSchool) and isinstance(values.population, Population)
    assert isinstance(values.pathways["apprenticeship"], Apprenticeship)
    assert isinstance(values.entities["studio"], Entity)
    assert night.course_months == 3 and night.term_months == [3, 9] and night.teaching_rule == "HS-A3b"
    assert night.course_hours.shape == (9,) and night.course_hours[3] == 56
    assert night.response_rule_ids() == ["HS-A3a"]
    assert values.entities["recruitment_fair"].rule is None and not values.entities["recruitment_fair"].rewarded()
    # the drawn scalars, by path, for parameters.csv (level tables are not scalars)
    assert values.drawn["pathways.night_school.seats_per_term"] == 600
    assert "ladder.min_months" not in values.drawn


def test_a_rewarded_pathway_without_its_response_is_an_error(tmp_path):
    err = error_of(without(tmp_path, "pathways.night_school.elasticity"))
    assert err.key == "pathways.night_school.elasticity"
    assert "pays rules.HS-A3a" in str(err) and "assumption" in str(err)
    err = error_of(without(tmp_path, "activities.guest_lecture.deadweight"))
    assert err.key == "activities.guest_lecture.deadweight"


def test_a_rewarded_body_needs_its_reward_keys(tmp_path):
    err = error_of(without(tmp_path, "entities.rights_centre.contributor_share"))
    assert err.key == "entities.rights_centre.contributor_share"


def test_a_body_states_exactly_one_way_to_arrive(tmp_path, overlay):
    err = error_of(overlay('[entities.studio.planned]\nvalue = 2\nrange = [1, 3]\nassumption = "x"\n'
                           '[entities.studio.built_month]\nvalue = 6\nrange = [3, 9]\nassumption = "x"\n'))
    assert err.key == "entities.studio.planned" and "exactly one way" in str(err)
    err = error_of(without(tmp_path, "entities.rights_centre.built_month"))
    assert err.key == "entities.rights_centre.built_month" and "count and its month" in str(err)
    # a planned build is the district's decision: a response to the reward is an error
    err = error_of(overlay('[entities.rights_centre.elasticity]\nvalue = 0.3\nrange = [0, 1]\nassumption = "x"\n'))
    assert err.key == "entities.rights_centre.elasticity" and "does not respond" in str(err)


def test_a_milestone_or_table_rule_needs_its_expected_payments(tmp_path, overlay):
    err = error_of(without(tmp_path, "pathways.apprenticeship.expected_units"))
    assert err.key == "pathways.apprenticeship.expected_units" and "HS-A8b" in str(err) and "milestone" in str(err)
    err = error_of(without(tmp_path, "pathways.apprenticeship.expected_units",
                           extra='[pathways.apprenticeship.expected_units]\nassumption = "x"\nHS-A8a = 1\n'
                                 'HS-A8b = { "高级工" = 0.1, "技师" = 0.05 }\n'))
    assert err.key == "pathways.apprenticeship.expected_units" and "高级技师" in str(err)
    err = error_of(overlay('[pathways.apprenticeship.expected_units]\nassumption = "x"\nHS-A8a = 1\n'
                           'HS-A8b = { "中级工" = 0.1, "高级工" = 0.1, "技师" = 0.05, "高级技师" = 0.01 }\n'))
    assert err.key == "pathways.apprenticeship.expected_units.HS-A8b.中级工" and "pays nothing" in str(err)
    err = error_of(overlay('[pathways.apprenticeship.expected_units]\nassumption = "x"\nHS-A8a = 1\nHS-A8b = 0.5\n'))
    assert err.key == "pathways.apprenticeship.expected_units.HS-A8b" and "by key" in str(err)


def test_reward_keys_without_a_rule_are_errors(overlay):
    err = error_of(overlay('[entities.leading_talent.lag_months]\nvalue = 3\nrange = [1, 6]\nassumption = "x"\n'))
    assert err.key == "entities.leading_talent.lag_months" and "only for a body with a reward rule" in str(err)


def test_review_amounts_come_from_the_rule_not_from_bounds(overlay):
    """A range rule's amount is drawn within the rule's own range: bounds beside it would be a
    second, possibly inconsistent statement of the same policy figure, so they are unknown keys."""
    err = error_of(overlay('[activities.challenge.unit_amount_low]\nvalue = 10000\nrange = [10000, 50000]\n'
                           'assumption = "x"\n'))
    assert err.key == "activities.challenge.unit_amount_low" and "unknown key" in str(err)


def test_meta_names_and_fund_are_required(tmp_path):
    folder = place_copy(tmp_path)
    policy, assumptions = folder / "policy.toml", folder / "assumptions.toml"
    law = policy.read_text(encoding="utf-8")
    policy.write_text(re.sub(r"^place = .*\n", "", law, flags=re.M), encoding="utf-8")
    err = error_of(folder)
    assert err.key == "meta.place" and err.file == str(policy)
    policy.write_text(law, encoding="utf-8")
    assumptions.write_text(assumptions.read_text(encoding="utf-8").split("\n[fund]\n")[0], encoding="utf-8")
    err = error_of(folder)
    assert err.key == "fund" and "missing" in str(err)


def test_durations_are_at_least_a_month(overlay):
    err = error_of(overlay('[pathways.night_school.course_months]\nvalue = 0\nrange = [0, 4]\nassumption = "x"\n'))
    assert err.key == "pathways.night_school.course_months.value" and "[1, 1200]" in str(err)


def test_defaults_are_labelled_in_the_assumptions_register(huishan):
    rows = {r["parameter"]: r for r in huishan.parameters()}
    units = rows["activities.guest_lecture.units_per_event"]
    assert units["kind"] == "assumption" and units["source"].startswith("default of forecast, not set by the scenario")
    assert rows["pathways.night_school.seats_per_term"]["rules"] == "HS-A3a, HS-A3b"
    assert rows["population.skilled_share"]["kind"] == "policy"


def test_truncated_normal_draws_are_exact_quantiles():
    p = Param("normal", 0.0, -1.0, 2.0, sd=1.0)
    us = np.random.default_rng(0).random(5)
    draws = [p.draw(np.random.default_rng(0)) for _ in range(1)]
    # one uniform per draw, mapped through the truncated normal's quantile function
    assert draws[0] == pytest.approx(truncnorm.ppf(us[0], -1.0, 2.0))
    many = np.array([p._truncated_normal(u) for u in np.linspace(0.001, 0.999, 999)])
    assert many.min() >= -1.0 and many.max() <= 2.0 and np.all(np.diff(many) > 0)
    assert Param("normal", 5.0, 5.0, 5.0, sd=2.0)._truncated_normal(0.3) == 5.0


def test_the_response_rule_by_hand(huishan, overlay):
    assert response(1.0, 0.7, 0.6) == 1.0
    assert response(2.0, 1.0, 0.5) == pytest.approx(1.5)          # 0.5 + 0.5 × 2
    assert response(0.0, 1.0, 0.25) == 0.25                        # no reward: the deadweight
    reform = forecast.load_scenario(overlay('[rules.HS-A3a]\namounts = { "初级工" = 1000, "中级工" = 2000, '
                                            '"高级工" = 3000 }\n'))
    night = reform.resolve(None).pathways["night_school"]
    # doubled amounts: seats 600 × (0.6 + 0.4 × 2^0.3) = 600 × 1.09249…
    assert volume(600, night, reform) == pytest.approx(600 * (0.6 + 0.4 * 2 ** 0.3))
