"""Two mechanisms for the other policies (issue 12), on overlays of scenarios/huzhou:

* a title selected every few years (`[pathways.titles.scheme.NAME]` `every_years` and
  `first_year`, e.g. Dongxihu's five-yearly 临空港工匠, seed 004 3(八)): holders are named only in
  the years y ≥ first_year with (y − first_year) % every_years == 0, within the policy;
* an apprenticeship subsidy paid once on completion by the certificate's level
  (`[pathways.apprentice_years]` `completion_rule`, e.g. DX-A5 "按相应等级", seed 004 3(五)),
  with or without the per-year `rule`; the volume responds to the completion rule's amounts.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import forecast
from forecast.policy.events import frame

from conftest import ROOT, SMALL_CITY, forecast_cli, place_copy

HUZHOU = ROOT / "scenarios" / "huzhou"

#: a city of ~3,000 workers; the titles' counts fixed and their pools wide (高级工 and up)
SMALL = SMALL_CITY + """[pathways.apprentice_years.enrolments_per_year]
value = 20
range = [10, 30]
assumption = "test"
"""

#: the policy runs 2023–2027 (the calendar is 2022–2027); four titles: a five-yearly one from
#: 2025, a two-yearly one from the policy's first year, two yearly ones
CYCLES = """
[policy]
valid_from = 2023-01-01
valid_to = 2027-12-31
[pathways.titles.scheme.grand]
per_year = { value = 2, range = [2, 2], assumption = "test" }
min_level = "高级工"
every_years = 5
first_year = 2025
[pathways.titles.scheme.craftsman]
per_year = { value = 3, range = [3, 3], assumption = "test" }
min_level = "高级工"
every_years = 2
[pathways.titles.scheme.rural]
per_year = { value = 1, range = [1, 1], assumption = "test" }
[pathways.titles.scheme.young]
per_year = { value = 4, range = [4, 4], assumption = "test" }
"""

#: a completion subsidy by level paid to the employer (a DX-A5-like rule on Huzhou's pathway)
COMPLETION_RULE = """
[rules.HZ-X1]
article = "test"
text = "completion of the apprenticeship plan with a certificate: by level"
source = "test (DX-A5-like, seed 004 3(五))"
event = "certificate"
recipient = "employer"
kind = "table"
field = "level"
amounts = { "初级工" = 500, "中级工" = 1000, "高级工" = 2000 }
programme = "apprentice_years"
after_policy = true
"""

UNITS = """
[pathways.apprentice_years.expected_units]
assumption = "test: certificates per enrolment by level"
HZ-X1 = { "初级工" = 0.2, "中级工" = 0.5, "高级工" = 0.3 }
"""


def write(path: Path, text: str, base: Path = HUZHOU) -> Path:
    path.write_text(f'base = "{base.as_posix()}"\n' + text, encoding="utf-8")
    return path


def completion_only(tmp_path: Path, units: bool = True) -> Path:
    """Huzhou with the per-year `rule` and `response_rules` of its apprentice-years removed and the
    completion rule HZ-X1 added (a copy of its folder: an overlay cannot remove a key)."""
    folder = place_copy(tmp_path, "huzhou")
    text = (folder / "assumptions.toml").read_text(encoding="utf-8")
    old = '[pathways.apprentice_years]\n# HZ-A11: enterprise new apprenticeship (企业新型学徒), paid to the enterprise per training year.\nrule = "HZ-A11"\n'
    assert old in text and 'response_rules = ["HZ-A11"]\n' in text
    text = text.replace(old, '[pathways.apprentice_years]\ncompletion_rule = "HZ-X1"\n')
    text = text.replace('response_rules = ["HZ-A11"]\n', "")
    (folder / "assumptions.toml").write_text(text + COMPLETION_RULE + (UNITS if units else ""), encoding="utf-8")
    return folder


# --- titles selected every few years -------------------------------------------------------

def test_a_title_is_named_only_in_the_years_of_its_cycle(tmp_path):
    """grand: every 5 years from 2025 over a 2023–2027 policy → 2025 only (2030 is past the
    policy), 2 holders; craftsman: every 2 years from the policy's first year 2023 → 2023,
    2025, 2027, 3 holders each = 9; young: every year 2023–2027, 4 each = 20."""
    base = write(tmp_path / "small.toml", SMALL)
    scenario = forecast.load_scenario(write(tmp_path / "cycles.toml", CYCLES, base))
    ev = forecast.simulate(scenario, seed=5, uncertain=False).events
    titles = ev[ev["event"] == "title_awarded"]
    years = titles.groupby("programme")["date"].apply(lambda d: sorted(set(d.dt.year)))
    assert years["grand"] == [2025]
    assert years["craftsman"] == [2023, 2025, 2027]
    assert years["young"] == [2023, 2024, 2025, 2026, 2027]
    counts = titles["programme"].value_counts()
    assert counts["grand"] == 2          # one selection × 2
    assert counts["craftsman"] == 9      # three selections × 3
    assert counts["young"] == 20         # five selections × 4
    # in their selection months (grand 11, craftsman 9)
    assert set(titles.loc[titles["programme"] == "grand", "date"].dt.month) == {11}
    assert set(titles.loc[titles["programme"] == "craftsman", "date"].dt.month) == {9}


def test_the_cycle_keys_are_kept_when_written_back(tmp_path):
    base = write(tmp_path / "small.toml", SMALL)
    scenario = forecast.load_scenario(write(tmp_path / "cycles.toml", CYCLES, base))
    scheme = scenario.to_toml()["pathways"]["titles"]["scheme"]
    assert (scheme["grand"]["every_years"], scheme["grand"]["first_year"]) == (5, 2025)
    assert scheme["craftsman"]["every_years"] == 2 and "first_year" not in scheme["craftsman"]
    assert "every_years" not in scheme["young"]


@pytest.mark.parametrize("text, key, allowed", [
    ("every_years = 0\n", "pathways.titles.scheme.grand.every_years", "[1, 10]"),
    ("every_years = 11\n", "pathways.titles.scheme.grand.every_years", "[1, 10]"),
    ("every_years = 2.5\n", "pathways.titles.scheme.grand.every_years", "[1, 10]"),
    ("first_year = 2030\n", "pathways.titles.scheme.grand.first_year", "2022–2027"),
    ("first_year = 2021\n", "pathways.titles.scheme.grand.first_year", "2022–2027"),
])
def test_a_bad_cycle_exits_2(tmp_path, text, key, allowed):
    path = write(tmp_path / "bad.toml", "[pathways.titles.scheme.grand]\n" + text)
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2
    assert "bad.toml" in err and key in err and allowed in err


# --- apprenticeship paid once on completion by level ---------------------------------------

def test_the_completion_rule_pays_the_completion_certificate_by_level(tmp_path):
    """Certificates of programme apprentice_years: 中级工 1,000, 中级工 1,000, 高级工 2,000 →
    4,000; a certificate of another programme (self_evaluation) pays nothing under HZ-X1."""
    scenario = forecast.load_scenario(completion_only(tmp_path))
    assert scenario.policy.rule("HZ-X1").kind == "table"
    ev = frame({"date": pd.to_datetime(["2023-06-01"] * 4), "event": "certificate",
                "recipient": ["E1", "E2", "E3", "E4"], "person": ["W1", "W2", "W3", "W4"],
                "level": [3, 3, 4, 3],   # 中级工, 中级工, 高级工, 中级工
                "programme": ["apprentice_years", "apprentice_years", "apprentice_years", "self_evaluation"]})
    pay = forecast.compute_payouts(ev, scenario.policy)
    assert pay.ledger[["event_index", "rule", "amount"]].values.tolist() == [
        [0, "HZ-X1", 1000.0], [1, "HZ-X1", 1000.0], [2, "HZ-X1", 2000.0]]
    assert pay.ledger["amount"].sum() == 4000.0                       # 1,000 + 1,000 + 2,000
    assert set(pay.rejections["event_index"]) == {3}


def test_completion_only_pays_certificates_to_employers_and_no_apprentice_year(tmp_path):
    """Without `rule` no apprentice_year event is emitted; every completion certificate names
    an employer and is paid HZ-X1's amount for its level; the ledger of HZ-X1 is their sum."""
    base = completion_only(tmp_path)
    scenario = forecast.load_scenario(write(tmp_path / "small.toml", SMALL, base))
    result = forecast.simulate(scenario, seed=2, uncertain=False)
    ev = result.events
    assert not (ev["event"] == "apprentice_year").any()
    cert = ev[(ev["event"] == "certificate") & (ev["programme"] == "apprentice_years")]
    assert len(cert) > 0
    assert cert["recipient"].str.startswith("E").all() and (cert["recipient_kind"] == "employer").all()
    table = {2: 500.0, 3: 1000.0, 4: 2000.0}   # 初级工, 中级工, 高级工
    expected = sum(table.get(int(lv), 0.0) for lv in cert["level"])
    paid = result.ledger.loc[result.ledger["rule"] == "HZ-X1", "amount"].sum()
    assert paid == pytest.approx(expected)
    assert "HZ-A11" not in set(result.ledger["rule"])


def test_both_rules_pay_years_and_completion(tmp_path):
    """With the per-year rule kept (Huzhou's HZ-A11) and a completion rule added, both pay."""
    text = COMPLETION_RULE + "[pathways.apprentice_years]\ncompletion_rule = \"HZ-X1\"\n" + SMALL
    scenario = forecast.load_scenario(write(tmp_path / "both.toml", text))
    assert scenario.specs["pathways"]["apprentice_years"]["response_rules"] == ["HZ-A11"]
    result = forecast.simulate(scenario, seed=2, uncertain=False)
    paid = result.ledger.groupby("rule")["amount"].sum()
    assert paid["HZ-A11"] > 0 and paid["HZ-X1"] > 0


def test_the_volume_responds_to_the_completion_rule(tmp_path):
    """Expected reward per enrolment under the base: 0.2 × 500 + 0.5 × 1,000 + 0.3 × 2,000 =
    1,200; a reform doubling every amount: 2,400 → ratio 2.0. Volume with elasticity 1.0 and
    deadweight 0.5 (central values): 0.5 + 0.5 × 2.0 = 1.5 times the base's. (Had the response
    ignored the completion rule, the ratio would stay 1.)"""
    base = completion_only(tmp_path)
    reform = write(tmp_path / "reform.toml",
                   '[rules.HZ-X1]\namounts = { "初级工" = 1000, "中级工" = 2000, "高级工" = 4000 }\n', base)
    for path, ratio in ((base, 1.0), (reform, 2.0)):
        scenario = forecast.load_scenario(path)
        section = scenario.resolve(None).pathways["apprentice_years"]
        assert section.response_rule_ids() == ["HZ-X1"]
        assert scenario.response_ratio(section) == pytest.approx(ratio)
    from forecast.model.behaviour import volume
    section = forecast.load_scenario(reform).resolve(None).pathways["apprentice_years"]
    assert volume(100.0, section, forecast.load_scenario(reform)) == pytest.approx(150.0)


@pytest.mark.parametrize("edit, key", [
    # neither rule: the completion rule's line removed too
    (lambda s: s.replace('completion_rule = "HZ-X1"\n', ""), "pathways.apprentice_years.rule"),
    # the completion certificate is only emitted with certify_on_completion
    (lambda s: s.replace("certify_on_completion = true", "certify_on_completion = false"),
     "pathways.apprentice_years.certify_on_completion"),
    # a completion rule must pay the pathway's own certificates
    (lambda s: s.replace('programme = "apprentice_years"\nafter_policy', 'programme = "night_school"\nafter_policy'),
     "pathways.apprentice_years.completion_rule"),
    # a table rule needs its expected payments by level
    (lambda s: s.split("\n[pathways.apprentice_years.expected_units]")[0] + "\n",
     "pathways.apprentice_years.expected_units"),
])
def test_a_bad_completion_setting_exits_2(tmp_path, edit, key):
    folder = completion_only(tmp_path)
    assumptions = folder / "assumptions.toml"
    assumptions.write_text(edit(assumptions.read_text(encoding="utf-8")), encoding="utf-8")
    status, _, err = forecast_cli("run", str(folder), "--central", "--out", str(tmp_path / "out"))
    assert status == 2, err
    assert str(assumptions) in err and key in err


def test_completion_subsidies_still_owed_at_the_horizon_are_valued(tmp_path):
    """A horizon ending 2024 while apprentices still train: the completion subsidy they would
    earn later is owed after it, at most open apprentices × certified_share (0.8 central) ×
    the highest amount (2,000), and more than nothing; no per-year rule, so nothing for HZ-A11."""
    base = completion_only(tmp_path)
    scenario = forecast.load_scenario(write(tmp_path / "short.toml", SMALL + "[calendar]\nend = 2024-12-31\n", base))
    result = forecast.simulate(scenario, seed=2, uncertain=False)
    owed = result.owed_after or {}
    assert "HZ-A11" not in owed
    # enrolments run at 20 a year: those of 2023–2024 still training are well under 100
    assert 0 < owed.get("HZ-X1", 0.0) <= 100 * 0.8 * 2000
