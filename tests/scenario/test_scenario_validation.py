"""Bad scenario input is refused with one message naming the file, the key and what is allowed.

Every case goes through the Python API (`forecast.load_scenario` raises `InputError`) and the
command line (`forecast run` prints one message on stderr, exits 2 and writes no results).
"""
from __future__ import annotations


import pytest

import forecast
from conftest import place_copy, write_overlay
from forecast.scenario import response
from forecast import cli

#: case id → (overlay text, key named in the message, words of the problem or of what is allowed)
CASES = {
    "unknown_top_level_key": ("bogus = 1\n", "bogus", "unknown section"),
    "unknown_nested_key_in_rule": ('[rules.HS-A1a]\nbonus = 5\n', "rules.HS-A1a.bonus", "unknown key"),
    "unknown_nested_key_in_parameter": (
        '[population.employed]\nvalue = 20000\nrange = [10000, 30000]\nassumption = "test"\nmedian = 3\n',
        "population.employed.median", "unknown key"),
    "wrong_type_amount": ('[rules.HS-A1a]\namount = "twenty thousand"\n', "rules.HS-A1a.amount",
                          "expected a number"),
    "wrong_type_date": ('[calendar]\nend = "2032"\n', "calendar.end", "expected a date"),
    "wrong_type_flag": ('[rules.HS-A2b]\nafter_policy = "yes"\n', "rules.HS-A2b.after_policy", "true | false"),
    "negative_amount": ('[rules.HS-A8a]\namount = -2000\n', "rules.HS-A8a.amount", "an amount ≥ 0"),
    "negative_tier_amount": ('[rules.HS-A1b]\ntiers = [{ min = 20, amount = -1 }]\n',
                             "rules.HS-A1b.tiers[0].amount", "an amount ≥ 0"),
    "probability_above_one": ('[flows.turnover]\nvalue = 1.5\nrange = [0.0, 1.0]\nassumption = "test"\n',
                              "flows.turnover.value", "a probability in [0, 1]"),
    "probability_below_zero_in_level_table": (
        '[pathways.self_evaluation.yearly_rate]\nassumption = "test"\nvalues = { "初级工" = -0.1 }\n',
        "pathways.self_evaluation.yearly_rate.values.初级工", "a probability in [0, 1]"),
    "policy_valid_to_before_valid_from": ('[policy]\nvalid_to = 2024-12-31\n', "policy.valid_to",
                                          "valid_to on or after valid_from"),
    "calendar_end_before_start": ('[calendar]\nend = 2024-06-30\n', "calendar.end", "end on or after start"),
    "range_high_below_low": ('[rules.HS-A4]\nrange = [30000, 10000]\n', "rules.HS-A4.range",
                             "low ≤ high"),
    "assumption_without_source": ('[population.age_mean]\nvalue = 38\nrange = [35, 41]\n',
                                  "population.age_mean.assumption", "missing"),
    "assumption_as_bare_number": ('[population]\nage_mean = 38\n', "population.age_mean",
                                  "must be labelled an assumption"),
    "distribution_low_above_high": (
        '[flows.turnover]\ndist = "uniform"\nlow = 0.15\nhigh = 0.04\nassumption = "test"\n',
        "flows.turnover.high", "high ≥ low"),
    "level_mix_not_summing_to_one": (
        '[population.skilled_mix]\nassumption = "test"\nvalues = { "初级工" = 0.5, "中级工" = 0.3 }\n',
        "population.skilled_mix.values", "shares adding up to 1"),
    "rule_naming_unknown_level_in_table": ('[rules.HS-A3a]\namounts = { "初级工" = 500, "大师" = 900 }\n',
                                           "rules.HS-A3a.amounts.大师", "高级技师"),
    "rule_naming_unknown_level_in_milestone": (
        '[rules.HS-A8b]\nmilestones = [{ level = "大师", within_months = 12, amount = 2000 }]\n',
        "rules.HS-A8b.milestones[0].level", "高级技师"),
    "pathway_naming_unknown_level": ('[pathways.apprenticeship]\nmaster_min_level = "大师"\n',
                                     "pathways.apprenticeship.master_min_level", "首席技师"),
    "setting_naming_unknown_rule": ('[pathways.night_school]\nrule = "HS-A99"\n', "pathways.night_school.rule",
                                    "HS-A3a"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_overlay_raises_input_error_naming_overlay_file_and_key(overlay, case):
    text, key, words = CASES[case]
    path = overlay(text, name=f"{case}.toml")
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(path)
    err = info.value
    message = str(err)
    assert err.file == str(path), f"names {err.file}, not the overlay"
    assert err.key == key
    assert message.startswith(f"{path}: {key}: ")
    assert words in message


@pytest.mark.parametrize("case", list(CASES))
def test_bad_overlay_cli_prints_one_message_exits_2_writes_nothing(overlay, case, tmp_path, capsys):
    text, key, words = CASES[case]
    path = overlay(text, name=f"{case}.toml")
    out = tmp_path / "results"
    status = cli.main(["run", str(path), "--seed", "1", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert str(path) in lines[0] and key in lines[0] and words in lines[0]
    assert captured.out == ""
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".results")], "temporary folder left"


def test_missing_file_raises_input_error(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(path)
    assert info.value.file == str(path)
    assert "file not found" in str(info.value)


def test_missing_file_cli_exits_2_writes_nothing(tmp_path, capsys):
    path = tmp_path / "nowhere.toml"
    out = tmp_path / "results"
    assert cli.main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and "file not found" in err[0]
    assert not out.exists()


def test_missing_base_of_overlay_named(tmp_path):
    path = tmp_path / "reform.toml"
    path.write_text('base = "no_such_base.toml"\n', encoding="utf-8")
    with pytest.raises(forecast.InputError) as info:
        forecast.load_scenario(path)
    assert info.value.file == str(tmp_path / "no_such_base.toml")


def test_error_in_the_base_file_itself_names_the_base(tmp_path):
    """A bad key in a place's law is named in its policy.toml, whether the folder is loaded or an
    overlay built on it."""
    folder = place_copy(tmp_path)
    policy = folder / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("uplift_rate = 0.30", "uplift_rate = 1.30"),
                      encoding="utf-8")
    overlay = write_overlay(tmp_path, folder, '[rules.HS-A8a]\namount = 3000\n')
    for path in (folder, overlay):
        with pytest.raises(forecast.InputError) as info:
            forecast.load_scenario(path)
        assert info.value.file == str(policy) and info.value.key == "policy.uplift_rate"


def test_reform_changing_one_amount_loads_with_response_ratio_not_one(overlay, huishan):
    reform = forecast.load_scenario(overlay('[rules.HS-A8a]\namount = 4000\n', name="reform.toml"))
    assert reform.policy.rule("HS-A8a").amount == 4000
    assert huishan.response_ratio(huishan.resolve().pathways["apprenticeship"]) == 1.0
    # HS-A8a alone (one payment per pairing): 4,000 / 2,000 = 2
    a8a = reform.policy.rule("HS-A8a")
    assert response.ratio([a8a], None, reform.reference, "x") == pytest.approx(2.0)
    # the expected reward per pairing: HS-A8a once, and the HS-A8b milestones (2,000, 3,000,
    # 5,000) with the odds the scenario states (0.04, 0.05, 0.01): 80 + 150 + 50 = 280 yuan,
    # not the mean milestone of 3,333 as if it were certain: (4,000 + 280) / (2,000 + 280)
    appr = reform.resolve().pathways["apprenticeship"]
    assert reform.response_ratio(appr) == pytest.approx(4280 / 2280)
    assert reform.response_ratio(reform.resolve().pathways["night_school"]) == 1.0   # rules not changed
