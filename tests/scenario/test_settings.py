"""`--set KEY=VALUE`: a one-off overlay from the command line, validated like a file; and
`--vary` parsing. Each case is computed by hand from the Huishan scenario file."""
from __future__ import annotations

import tomllib

import pytest

import forecast
from forecast.core.errors import InputError
from forecast.scenario.settings import parse_set, parse_vary

from conftest import HUISHAN, forecast_cli


def test_set_changes_one_rule_amount_and_nothing_else():
    base = forecast.load_scenario(HUISHAN)
    s = forecast.load_scenario(HUISHAN, ["rules.HS-A8a.amount=3000"])
    assert base.policy.rule("HS-A8a").amount == 2000 and s.policy.rule("HS-A8a").amount == 3000
    assert [r for r in s.policy.rules if r.id != "HS-A8a"] == [r for r in base.policy.rules if r.id != "HS-A8a"]
    # the behavioural reference stays the root file's: a --set reform responds like a reform file
    assert s.reference["HS-A8a"] == {"unit": 2000.0}
    assert base.response_ratio(base.resolve(None).pathways["apprenticeship"]) == 1.0
    assert s.response_ratio(s.resolve(None).pathways["apprenticeship"]) > 1.0


def test_set_on_an_assumption_fixes_it_and_labels_it():
    s = forecast.load_scenario(HUISHAN, ["fund.return_rate=0.02"])
    p = s.parameter_specs()["fund.return_rate"]
    assert (p.dist, p.value, p.low, p.high) == ("fixed", 0.02, 0.02, 0.02)
    assert "--set fund.return_rate=0.02" in p.source and p.assumption


def test_set_value_keeps_the_range():
    s = forecast.load_scenario(HUISHAN, ["population.employed.mode=500000"])
    p = s.parameter_specs()["population.employed"]
    assert p.value == 500000 and (p.low, p.high) == (420000, 620000)


@pytest.mark.parametrize("item, key, words", [
    ("rules.HS-A8a.amout=3", "rules.HS-A8a.amout", "unknown key"),
    ("rules.HS-A8a.amount=-5", "rules.HS-A8a.amount", "out of range"),
    ("rules.HS-X.amount=3", "rules.HS-X.amount", "no table 'rules.HS-X'"),
    ("population.employed=many", "population.employed", "expected a number"),
    ("rules.HS-A8a.amount", "rules.HS-A8a.amount", "KEY=VALUE"),
])
def test_bad_set_names_the_key(item, key, words):
    with pytest.raises(InputError) as e:
        forecast.load_scenario(HUISHAN, [item])
    assert key in str(e.value) and words in str(e.value)


def test_bad_set_on_the_command_line_exits_2_and_writes_nothing(tmp_path):
    status, _, err = forecast_cli("run", str(HUISHAN), "--set", "rules.HS-A8a.amout=3", "--out", str(tmp_path / "r"))
    assert status == 2 and "rules.HS-A8a.amout" in err and "--set" in err
    assert not (tmp_path / "r").exists()


def test_run_with_set_writes_the_setting_into_the_resolved_scenario(mini_path, tmp_path):
    status, _, err = forecast_cli("run", str(mini_path), "--set", "rules.HS-A8a.amount=3500",
                                  "--out", str(tmp_path / "r"))
    assert status == 0, err
    resolved = tomllib.loads((tmp_path / "r" / "scenario.resolved.toml").read_text(encoding="utf-8"))
    assert resolved["rules"]["HS-A8a"]["amount"] == 3500


def test_values_are_read_as_toml_else_text():
    assert parse_set("a.b=3000").value == 3000
    assert parse_set("a.b=0.25").value == 0.25
    assert parse_set("a.b=true").value is True
    assert parse_set("a.b=[1, 2]").value == [1, 2]
    assert parse_set("meta.title=试点 A").value == "试点 A"


@pytest.mark.parametrize("item, steps, words", [
    ("rules.HS-A8a.amount=1000:6000", True, "KEY=LOW:HIGH:STEPS"),
    ("rules.HS-A8a.amount=6000:1000:3", True, "LOW ≤ HIGH"),
    ("rules.HS-A8a.amount=a:b:3", True, "not numbers"),
    ("rules.HS-A8a.amount=1000:6000:0", True, "steps"),
    ("rules.HS-A8a.amount=1000:6000:3", False, "KEY=LOW:HIGH"),
])
def test_bad_vary_names_it(item, steps, words):
    with pytest.raises(InputError) as e:
        parse_vary(item, steps)
    assert words in str(e.value)


def test_vary_grid_is_even_and_whole_numbers_stay_whole():
    assert parse_vary("k=1000:6000:6", True).grid() == [1000, 2000, 3000, 4000, 5000, 6000]
    assert parse_vary("k=0.5:1.5:3", True).grid() == [0.5, 1.0, 1.5]
