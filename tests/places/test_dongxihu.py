"""The Dongxihu 2022 draft scenario (scenarios/dongxihu, seed 004): it loads on its own, a
small-district overlay runs through `forecast run` and its outlays are the sum of its ledger,
every rule cites its article and seed 004, every (assumed) amount has its spread, the
settling-in, title, prize, completion and entity-grant rules pay hand-computed amounts through
`forecast.compute_payouts`, and a misspelt Dongxihu key exits 2.

Readings checked here (docs/policies.md §5): no numeric target (no [targets]); the 临空港工匠
selection is held every five years from 2023 (so once in 2023–2027); the district's titles are
NOT netted (seed 004 has no 就高不重复: a higher title after a lower one pays in full);
名次 = the first three places (an excellence award earns nothing); DX-A5 is paid once on
completion, by the certificate's level, only on certificates of the apprenticeship programme,
also after 2027 (after_policy); settling-in pays 高级工 and above, once per person, within
the policy only; no uplift (uplift_rate 0).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.policy.events import frame
from forecast.model.pathways.titles import selects_in

from conftest import stand_alone, ROOT, forecast_cli
from place_checks import SMALL_CITY

DONGXIHU = ROOT / "scenarios" / "dongxihu"

RULE_IDS = {"DX-A1", "DX-A2a", "DX-A2b", "DX-A5", "DX-A7a", "DX-A7b", "DX-A7c", "DX-A7d",
            "DX-A8a", "DX-A8b", "DX-A8c", "DX-A9"}

#: a district of ~3,000 workers, counts scaled down (the settling-in share raised so that a few
#: recruits a year are paid: ~270 hires a year × 24 % certified × 30 % 高级工+ ≈ 19 × 0.5)
SMALL = SMALL_CITY + """
[pathways.titles.scheme.tech_expert]
per_year = { value = 2, range = [1, 3], assumption = "test" }
[pathways.titles.scheme.skill_master]
per_year = { value = 1, range = [1, 2], assumption = "test" }
[pathways.titles.scheme.chief_technician]
per_year = { value = 1, range = [1, 2], assumption = "test" }
[pathways.titles.scheme.craftsman]
per_year = { value = 2, range = [1, 3], assumption = "test" }
[pathways.prizes.tiers.district_1]
per_year = { value = 2, range = [1, 3], assumption = "test" }
[pathways.prizes.tiers.district_2]
per_year = { value = 3, range = [2, 4], assumption = "test" }
[pathways.prizes.tiers.district_3]
per_year = { value = 4, range = [3, 5], assumption = "test" }
[pathways.settling_in.apply_share]
value = 0.5
range = [0.4, 0.6]
assumption = "test"
[pathways.apprentice_years.enrolments_per_year]
value = 15
range = [10, 20]
assumption = "test"
[fund.appropriation_per_year]
value = 60000
range = [30000, 120000]
assumption = "test"
"""


def write(tmp_path: Path, text: str, name: str = "dx.toml") -> Path:
    path = tmp_path / name
    path.write_text(f'base = "{DONGXIHU.as_posix()}"\n' + text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dongxihu():
    return forecast.load_scenario(DONGXIHU)


def test_the_scenario_loads_on_its_own_without_targets(dongxihu):
    assert dongxihu.name == "dongxihu"
    assert {r.id for r in dongxihu.policy.rules} == RULE_IDS
    assert dongxihu.targets == ()           # seed 004 states no numeric target; none invented
    assert dongxihu.policy.uplift_rate == 0.0
    assert str(dongxihu.policy.valid_from) == "2023-01-01" and str(dongxihu.policy.valid_to) == "2027-12-31"
    assert str(dongxihu.start) == "2023-01-01" and str(dongxihu.end) == "2028-12-31"
    assert dongxihu.name_in("place", "zh") == "武汉市东西湖区"
    assert dongxihu.name_in("craftsman_title", "zh") == "临空港工匠"
    assert "惠山" not in dongxihu.name_in("fund_name", "zh")
    assert dongxihu.specs["fund"]["kind"] == "appropriation"


def test_stand_alone_no_huishan_rule_or_base():
    text = stand_alone(DONGXIHU)
    assert "HS-A" not in text
    assert not any(line.startswith("[targets") for line in text.splitlines())


def test_every_rule_has_article_source_and_an_amount_spread(dongxihu):
    scales = dongxihu.specs["amount_scale"]
    for rule in dongxihu.policy.rules:
        assert rule.article.strip(), rule.id
        assert rule.source.strip() and "seed 004" in rule.source, rule.id
        # no amount is in seed 004: each rule says so and has its spread, an assumption
        assert "ASSUMPTION" in rule.reading, rule.id
        assert rule.id in scales and scales[rule.id].assumption, rule.id
        assert scales[rule.id].low < 1.0 < scales[rule.id].high, rule.id


def test_the_craftsman_title_is_selected_every_five_years(dongxihu):
    """3(八) 每5年评选一次: from 2023, selections in 2023 and 2028 only (2028 is past the
    policy, so one selection in 2023–2027); the 3(七) titles (定期, read yearly) every year."""
    scheme = dongxihu.specs["pathways"]["titles"]["scheme"]
    craftsman, yearly = scheme["craftsman"], scheme["tech_expert"]
    assert [y for y in range(2023, 2034) if selects_in(craftsman, y, 2023)] == [2023, 2028, 2033]
    assert all(selects_in(yearly, y, 2023) for y in range(2023, 2029))


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dx")
    path = write(tmp, SMALL)
    out = tmp / "out"
    status, _, err = forecast_cli("run", str(path), "--central", "--seed", "1", "--quiet", "--out", str(out))
    assert status == 0, err
    return forecast.load_scenario(path), out


def test_small_district_outlays_equal_the_sum_of_the_ledger(small_run):
    scenario, out = small_run
    outlays = pd.read_csv(out / "outlays.csv", index_col="year")
    ledger = pd.read_csv(out / "ledger.csv")
    assert len(ledger) > 0
    cash = ledger[ledger["rule"].isin(scenario.policy.rule_ids()) & ledger["year"].isin(scenario.years)]
    pivot = cash.pivot_table(index="year", columns="rule", values="amount", aggfunc="sum", fill_value=0.0)
    rules = [c for c in outlays.columns if c != "total"]
    pivot = pivot.reindex(index=outlays.index, columns=rules, fill_value=0.0)
    np.testing.assert_allclose(outlays[rules].to_numpy(), pivot.to_numpy(), atol=0.01)
    np.testing.assert_allclose(outlays["total"].to_numpy(), pivot.sum(axis=1).to_numpy(), atol=0.01)
    # the settling-in, apprenticeship, title, prize and entity rules all paid something here
    paid = outlays[rules].sum()
    for rid in ("DX-A1", "DX-A5", "DX-A7d", "DX-A8a", "DX-A9", "DX-A2b"):
        assert paid[rid] > 0, rid
    # at the central amounts (scale 1): DX-A1 by its table, DX-A5 by its table, to employers
    assert set(ledger.loc[ledger["rule"] == "DX-A1", "amount"]) <= {10000.0, 20000.0, 30000.0, 50000.0}
    a5 = ledger[ledger["rule"] == "DX-A5"]
    assert set(a5["amount"]) <= {6000.0, 8000.0, 10000.0}
    assert a5["recipient"].str.startswith("E").all()


def test_small_district_events_follow_the_readings(small_run):
    _, out = small_run
    ev = pd.read_parquet(out / "events.parquet")
    titles = ev[ev["event"] == "title_awarded"]
    years = {name: set(pd.to_datetime(g["date"]).dt.year) for name, g in titles.groupby("programme")}
    # 临空港工匠: every five years from 2023 → only in 2023 within the policy (2 named, per selection)
    assert years["craftsman"] == {2023}
    assert (titles["programme"] == "craftsman").sum() == 2
    # 临空港技术能手: every year 2023–2027 (2 a year at the central count → 10)
    assert years["tech_expert"] == {2023, 2024, 2025, 2026, 2027}
    assert (titles["programme"] == "tech_expert").sum() == 10
    # settling-in only for recruits at 高级工 (code 4) or above
    assert (ev.loc[ev["event"] == "settled_in", "level"] >= 4).all()
    # the completion certificates of the apprenticeship are at 初级工–高级工 (enrolled at ≤ 中级工)
    certs = ev[(ev["event"] == "certificate") & (ev["programme"] == "apprentice_years")]
    assert len(certs) > 0 and certs["level"].between(2, 4).all()


def test_rules_by_hand(dongxihu):
    """One line per event at the hand-computed amount (no lag given here: paid on the date)."""
    rows = [
        # event, programme, level, prize, person → expected (rule, amount)
        # DX-A1 settling-in by level: 高级工 10,000; 技师 20,000; 高级技师 30,000; 首席技师 50,000
        ("settled_in", "", 4, 0, "P1", "DX-A1", 10_000),
        ("settled_in", "", 5, 0, "P2", "DX-A1", 20_000),
        ("settled_in", "", 6, 0, "P3", "DX-A1", 30_000),
        ("settled_in", "", 8, 0, "P4", "DX-A1", 50_000),
        # DX-A9 临空港工匠 50,000; DX-A8a/b/c 5,000 / 10,000 / 20,000
        ("title_awarded", "craftsman", 6, 0, "P5", "DX-A9", 50_000),
        ("title_awarded", "tech_expert", 4, 0, "P6", "DX-A8a", 5_000),
        ("title_awarded", "skill_master", 5, 0, "P7", "DX-A8b", 10_000),
        ("title_awarded", "chief_technician", 6, 0, "P8", "DX-A8c", 20_000),
        # DX-A7 places: national 一等 50,000; province 二等 10,000; city 一等 10,000; district 三等 1,000
        ("prize_won", "national", 5, 1, "P9", "DX-A7a", 50_000),
        ("prize_won", "province", 5, 2, "P10", "DX-A7b", 10_000),
        ("prize_won", "city", 4, 1, "P11", "DX-A7c", 10_000),
        ("prize_won", "district", 3, 3, "P12", "DX-A7d", 1_000),
        # DX-A5 completion by the certificate's level: 初级工 6,000; 中级工 8,000; 高级工 10,000
        ("certificate", "apprentice_years", 2, 0, "P13", "DX-A5", 6_000),
        ("certificate", "apprentice_years", 3, 0, "P14", "DX-A5", 8_000),
        ("certificate", "apprentice_years", 4, 0, "P15", "DX-A5", 10_000),
        # DX-A2 one-off grants: a training base 500,000; a master studio 50,000
        ("base_recognised", "training_base", -1, 0, "", "DX-A2a", 500_000),
        ("studio_reviewed", "master_studio", -1, 0, "", "DX-A2b", 50_000),
    ]
    n = len(rows)
    ev = frame({"date": pd.to_datetime(["2024-10-15"] * n), "event": [r[0] for r in rows],
                "recipient": [f"R{i}" for i in range(n)], "person": [r[4] for r in rows],
                "level": [r[2] for r in rows], "programme": [r[1] for r in rows], "prize": [r[3] for r in rows],
                "count": 1})
    pay = forecast.compute_payouts(ev, dongxihu.policy)
    led = pay.ledger
    assert led["event_index"].tolist() == list(range(n))
    assert led["rule"].tolist() == [r[5] for r in rows]
    assert led["amount"].tolist() == [float(r[6]) for r in rows]
    assert (led["uplift"] == 0).all()
    # the sum by hand: 110,000 (A1) + 85,000 (titles) + 71,000 (prizes) + 24,000 (A5) + 550,000
    assert led["amount"].sum() == 840_000.0


def test_what_earns_nothing_by_hand(dongxihu):
    """Readings that refuse: below 高级工, a second settling-in, a settling-in after 2027, an
    excellence award (not a 名次), a certificate of another programme, another entity's event;
    and what still pays: a 2028 completion (after_policy) and an upgrade paid in full (no net_of)."""
    rows = [
        ("2024-03-01", "settled_in", "", 3, 0, "Q1"),            # 0: 中级工: nothing
        ("2024-03-01", "settled_in", "", 5, 0, "Q2"),            # 1: 20,000
        ("2025-03-01", "settled_in", "", 6, 0, "Q2"),            # 2: once per person: nothing
        ("2028-03-01", "settled_in", "", 5, 0, "Q3"),            # 3: after the policy: nothing
        ("2024-10-01", "prize_won", "national", 4, 4, "Q4"),     # 4: excellence: nothing
        ("2024-10-01", "certificate", "self_evaluation", 3, 0, "Q5"),   # 5: not the apprenticeship: nothing
        ("2028-03-01", "certificate", "apprentice_years", 3, 0, "Q6"),  # 6: after_policy: 8,000
        ("2024-10-01", "base_recognised", "other_base", -1, 0, ""),     # 7: not a training base: nothing
        ("2023-10-01", "title_awarded", "tech_expert", 5, 0, "Q7"),     # 8: 5,000
        ("2024-10-01", "title_awarded", "skill_master", 5, 0, "Q7"),    # 9: 10,000 in full (not 10,000 − 5,000)
    ]
    n = len(rows)
    ev = frame({"date": pd.to_datetime([r[0] for r in rows]), "event": [r[1] for r in rows],
                "recipient": [f"R{i}" for i in range(n)], "person": [r[5] for r in rows],
                "level": [r[3] for r in rows], "programme": [r[2] for r in rows], "prize": [r[4] for r in rows],
                "count": 1})
    pay = forecast.compute_payouts(ev, dongxihu.policy)
    by_event = pay.ledger.groupby("event_index")["amount"].sum().to_dict()
    assert by_event == {1: 20000.0, 6: 8000.0, 8: 5000.0, 9: 10000.0}
    assert set(pay.rejections["event_index"]) >= {0, 2, 3, 4, 5, 7}
    # Q7: 5,000 + 10,000 = 15,000 (with Huzhou's net_of reading it would be 10,000)
    assert pay.ledger.loc[pay.ledger["person"] == "Q7", "amount"].sum() == 15000.0


@pytest.mark.parametrize("text, key", [
    ("[pathways.titles.scheme.craftsman]\nevery_year = 5\n", "pathways.titles.scheme.craftsman.every_year"),
    ('[pathways.apprentice_years]\ncompletion_rul = "DX-A5"\n', "pathways.apprentice_years.completion_rul"),
    ('[pathways.prizes.tiers.district_1]\nplce = "一等"\n', "pathways.prizes.tiers.district_1.plce"),
    ("[rules.DX-A1]\nonce_pr = [\"person\"]\n", "rules.DX-A1.once_pr"),
])
def test_a_misspelt_dongxihu_key_exits_2(tmp_path, text, key):
    path = write(tmp_path, text, "bad.toml")
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2
    assert "bad.toml" in err and key in err


def test_a_policy_without_targets_prints_and_reports_without_a_targets_section(small_run):
    """Seed 004 sets no numeric target: the run says so instead of an empty table, and the
    report (HTML, workbook, PDF) is written without a targets chart or section."""
    scenario, out = small_run
    assert scenario.targets == ()
    status, stdout, err = forecast_cli("report", str(out))
    assert status == 0, err
    html = (out / "report" / "report.html").read_text(encoding="utf-8")
    assert 'id="targets"' not in html and "targets_probability" not in html
    assert not (out / "report" / "charts" / "targets_probability.png").exists()
    assert (out / "report" / "forecast.xlsx").exists()
