"""Scenario files a policy analyst can read (scenario/files.py): a place folder holds the law
(policy.toml) apart from the assumptions (assumptions.toml), national facts are stated once
(scenarios/national.toml), a reform is a small delta with a header, a number may state its unit,
and a single file (as a results folder holds) still loads."""
from __future__ import annotations

import tomllib

import pytest
import tomli_w

import forecast
from forecast.core.serialise import plain
from forecast.futures.provenance import scenario_hash
from forecast.params.param import UNITS
from forecast.policy.policy import METRICS

from conftest import HUISHAN, ROOT, place_copy, write_overlay

PLACES = ("huishan", "changzhou", "wuxi_2021", "huzhou", "dongxihu")
LAW = {"meta", "policy", "rules", "targets"}


@pytest.mark.parametrize("place", PLACES)
def test_a_place_is_its_law_apart_from_its_assumptions(place):
    folder = ROOT / "scenarios" / place
    law = tomllib.loads((folder / "policy.toml").read_text(encoding="utf-8"))
    assumptions = tomllib.loads((folder / "assumptions.toml").read_text(encoding="utf-8"))
    assert set(law) <= LAW and {"meta", "policy", "rules"} <= set(law)
    assert not set(assumptions) & LAW
    assert assumptions["base"] == ["../national.toml", "policy.toml"]
    scenario = forecast.load_scenario(folder)
    assert scenario.name == law["meta"]["name"]
    assert [str(f.relative_to(ROOT)) for f in map(lambda f: f.resolve(), scenario.files)] == [
        "scenarios/national.toml", f"scenarios/{place}/policy.toml", f"scenarios/{place}/assumptions.toml"]
    # the file and the folder name the same scenario
    assert scenario_hash(forecast.load_scenario(folder / "assumptions.toml")) == scenario_hash(scenario)
    assert all(t.metric in METRICS for t in scenario.targets)


def test_national_facts_are_stated_once():
    national = tomllib.loads((ROOT / "scenarios" / "national.toml").read_text(encoding="utf-8"))
    shared = [f"{section}.{key}" for section, table in national.items() for key, value in table.items()
              if isinstance(value, dict) and ("value" in value or "dist" in value or "values" in value)]
    shared += [f"pathways.self_evaluation.{k}" for k in national.get("pathways", {}).get("self_evaluation", {})]
    assert len(shared) >= 12
    for place in PLACES:
        text = (ROOT / "scenarios" / place / "assumptions.toml").read_text(encoding="utf-8")
        own = tomllib.loads(text)
        for path in shared:
            node = own
            for part in path.split("."):
                node = node.get(part, {}) if isinstance(node, dict) else {}
            # a place may add its own note to a national figure, never restate its number
            assert not set(node) & {"value", "range", "dist", "low", "high", "mode", "values"}, (place, path)


def test_an_overlay_may_name_a_folder_or_a_file(tmp_path):
    on_folder = forecast.load_scenario(write_overlay(tmp_path, HUISHAN, '[rules.HS-A8a]\namount = 4000\n', "a.toml"))
    on_file = forecast.load_scenario(write_overlay(tmp_path, HUISHAN / "assumptions.toml",
                                                   '[rules.HS-A8a]\namount = 4000\n', "b.toml"))
    assert on_folder.policy.rule("HS-A8a").amount == on_file.policy.rule("HS-A8a").amount == 4000
    # the behavioural reference is the place as a whole: 2,000 at pairing
    assert on_folder.reference["HS-A8a"] == on_file.reference["HS-A8a"] == {"unit": 2000.0}
    assert scenario_hash(on_folder) == scenario_hash(on_file)


def test_a_reform_is_one_line_with_a_header(tmp_path):
    path = tmp_path / "double.toml"
    path.write_text(f'[reform]\ntitle = "HS-A8a doubled"\nreference = "a planner\'s test"\n'
                    f'baseline = "{HUISHAN.as_posix()}"\n\n[rules.HS-A8a]\namount = 4000\n', encoding="utf-8")
    reform = forecast.load_scenario(path)
    base = forecast.load_scenario(HUISHAN)
    assert reform.name == "double" and reform.title == "HS-A8a doubled"
    assert reform.meta["reform_reference"] == "a planner's test"
    assert reform.policy.rule("HS-A8a").amount == 4000
    assert [r for r in reform.policy.rules if r.id != "HS-A8a"] == [r for r in base.policy.rules if r.id != "HS-A8a"]
    assert reform.response_ratio(reform.resolve().pathways["apprenticeship"]) > 1.0
    # the shipped reform says the same as its header and delta
    shipped = forecast.load_scenario(ROOT / "scenarios" / "reforms" / "huishan_apprentice_x2.toml")
    assert shipped.name == "huishan-apprentice-x2" and shipped.policy.rule("HS-A8a").amount == 4000


@pytest.mark.parametrize("text, key, problem", [
    ('[reform]\ntitle = "x"\nbaseline = "{base}"\n', "reform.reference", "missing"),
    ('[reform]\ntitle = "x"\nreference = " "\nbaseline = "{base}"\n', "reform.reference", "empty"),
    ('[reform]\ntitle = "x"\nreference = "y"\nbaseline = "{base}"\ncolour = "red"\n', "reform.colour", "unknown key"),
    ('base = "{base}"\n[reform]\ntitle = "x"\nreference = "y"\nbaseline = "{base}"\n', "base", "names its baseline"),
    ('base = 3\n', "base", "expected a file or folder name"),
])
def test_bad_headers_and_bases_name_the_file_and_key(tmp_path, text, key, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text.format(base=HUISHAN.as_posix()), encoding="utf-8")
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(path)
    assert info.value.file == str(path) and info.value.key == key and problem in str(info.value)


def test_a_folder_without_its_assumptions_is_refused(tmp_path):
    folder = place_copy(tmp_path)
    (folder / "assumptions.toml").unlink()
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(folder)
    assert info.value.file == str(folder) and "assumptions.toml" in str(info.value)


def test_units_are_known_and_read(tmp_path):
    scenario = forecast.load_scenario(HUISHAN)
    specs = scenario.parameter_specs()
    assert specs["population.employed"].unit == "persons"
    assert specs["pathways.night_school.seats_per_term"].unit == "seats"
    assert specs["fund.principal"].unit == "yuan"
    assert scenario.specs["ladder"]["min_months"].unit == ""
    assert all(p.unit in UNITS or p.unit == "" for p in specs.values())
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(write_overlay(tmp_path, HUISHAN, '[population.employed]\nvalue = 5000\n'
                                             'range = [4000, 6000]\nunit = "heads"\nassumption = "x"\n'))
    assert info.value.key == "population.employed.unit" and "persons" in info.value.allowed


def test_a_single_file_scenario_still_loads(tmp_path):
    """A results folder's scenario.resolved.toml is one file: it loads to the same fingerprint."""
    scenario = forecast.load_scenario(HUISHAN)
    path = tmp_path / "one.toml"
    path.write_text(tomli_w.dumps(plain(scenario.to_toml())), encoding="utf-8")
    again = forecast.load_scenario(path)
    assert scenario_hash(again) == scenario_hash(scenario) and again.files == (path,)
