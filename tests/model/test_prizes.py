"""The `prizes` pathway (`new: prizes`, docs/policies.md): competition prize tiers as rare
events, paid to winners and to coaches or expert teams through ordinary rules, on a small
overlay of the Huishan scenario with hand-chosen amounts."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.model.engine import Options, Engine
from forecast.policy import ladder

from conftest import MINI, forecast_cli

#: rules and tiers of the test (amounts hand-chosen after Huzhou's HZ-A7c/A7d and HZ-A8)
PRIZES = """
[rules.T-PW]
article = "test"
text = "world competition prize, competitor"
source = "test: hand-chosen amounts"
event = "prize_won"
recipient = "competitor"
kind = "table"
field = "prize"
amounts = { gold = 1000000, silver = 500000, bronze = 200000, excellence = 100000 }
programme = "world"
uplift = false

[rules.T-PWC]
article = "test"
text = "world competition prize, expert team (half)"
source = "test: hand-chosen amounts"
event = "coach_award"
recipient = "expert_team"
kind = "table"
field = "prize"
amounts = { 1 = 500000, 2 = 250000, 3 = 100000, 4 = 50000 }
programme = "world"
uplift = false

[rules.T-PN]
article = "test"
text = "national competition prize, competitor"
source = "test: hand-chosen amounts"
event = "prize_won"
recipient = "competitor"
kind = "table"
field = "prize"
amounts = { "一等" = 200000, "二等" = 150000, "三等" = 100000, "优胜奖" = 20000 }
programme = "national"

[rules.T-PNC]
article = "test"
text = "national competition prize, coach (fixed)"
source = "test: hand-chosen amounts"
event = "coach_award"
recipient = "coach"
kind = "fixed"
amount = 30000
programme = "national"
uplift = false

[pathways.prizes]
month = 10
min_level = "高级工"
promote = true

[pathways.prizes.tiers.world_gold]
competition = "world"
place = "gold"
per_year = { value = 2.0, range = [1.0, 3.0], assumption = "test" }
rule = "T-PW"
coach_rule = "T-PWC"

[pathways.prizes.tiers.world_excellence]
competition = "world"
place = "excellence"
per_year = { value = 3.0, range = [2.0, 4.0], assumption = "test" }
rule = "T-PW"
coach_rule = "T-PWC"

[pathways.prizes.tiers.national_bronze]
competition = "national"
place = 3
per_year = { value = 4.0, range = [3.0, 5.0], assumption = "test" }
rule = "T-PN"
coach_rule = "T-PNC"
month = 5
min_level = "技师"
"""
WORLD = {1: 1_000_000, 2: 500_000, 3: 200_000, 4: 100_000}          # T-PW, no uplift
WORLD_TEAM = {1: 500_000, 2: 250_000, 3: 100_000, 4: 50_000}        # T-PWC: half, no uplift
NATIONAL = {1: 200_000, 2: 150_000, 3: 100_000, 4: 20_000}          # T-PN, with the uplift
NATIONAL_COACH = 30_000                                               # T-PNC, fixed, no uplift
UPLIFT = 0.30                                                         # Huishan's uplift_rate


@pytest.fixture
def prizes_path(overlay) -> Path:
    return overlay(MINI + PRIZES, "prizes.toml")


def _hand(event: str, programme: str, prize: int, contributor: bool) -> tuple[str, float]:
    """The rule and the amount a prize or coach event earns, by hand from the tables above."""
    if event == "prize_won":
        if programme == "world":
            return "T-PW", WORLD[prize]
        return "T-PN", NATIONAL[prize] * (1 + UPLIFT if contributor else 1)
    return ("T-PWC", WORLD_TEAM[prize]) if programme == "world" else ("T-PNC", NATIONAL_COACH)


def test_ledger_pays_the_hand_computed_amounts_of_the_events(prizes_path):
    scenario = forecast.load_scenario(prizes_path)
    assert scenario.policy.uplift_rate == UPLIFT
    result = forecast.simulate(scenario, seed=3, uncertain=False)
    ev = result.events.reset_index(drop=True)
    mine = ev[ev["event"].isin(["prize_won", "coach_award"])]
    won, coach = mine[mine["event"] == "prize_won"], mine[mine["event"] == "coach_award"]
    assert len(won) > 10 and len(coach) == len(won)        # one coach or team award per prize
    # world tiers in October, the national tier in its own month (May), inside the policy period
    months = mine["date"].dt.month.to_numpy()
    assert set(months[mine["programme"].to_numpy() == "world"]) == {10}
    assert set(months[mine["programme"].to_numpy() == "national"]) == {5}
    assert mine["date"].min() >= pd.Timestamp(scenario.policy.valid_from)
    assert mine["date"].max() <= pd.Timestamp(scenario.policy.valid_to)
    assert set(zip(won["programme"], won["prize"])) == {("world", 1), ("world", 4), ("national", 3)}
    # winners at the tier's minimum level or above: 高级工 for world, 技师 for national
    assert (won.loc[won["programme"] == "world", "level"] >= ladder.parse_level("高级工")).all()
    assert (won.loc[won["programme"] == "national", "level"] >= ladder.parse_level("技师")).all()

    ledger = result.ledger[result.ledger["rule"].str.startswith("T-P")]
    assert len(ledger) == len(mine)                      # every prize and coach event paid once
    for line in ledger.itertuples():
        e = ev.loc[line.event_index]
        rule, amount = _hand(e["event"], e["programme"], int(e["prize"]), bool(e["contributor"]))
        assert (line.rule, line.recipient, line.person) == (rule, e["recipient"], e["person"])
        assert line.amount == pytest.approx(amount, abs=0.01)
    hand = sum(_hand(e.event, e.programme, int(e.prize), bool(e.contributor))[1] for e in mine.itertuples())
    assert ledger["amount"].sum() == pytest.approx(hand, abs=0.01)

    # promote = true: each winner of a month is certified one level up through "prizes"
    certs = ev[(ev["event"] == "certificate") & (ev["programme"] == "prizes")]
    winners = won.drop_duplicates(["date", "person"])
    assert len(certs) == int((winners["level"] < ladder.TOP).sum())
    merged = certs.merge(winners, on=["date", "person"], suffixes=("", "_won"))
    assert (merged["level"] == merged["level_won"] + 1).all()


def test_without_promote_no_certificate_comes_from_a_prize(overlay):
    text = PRIZES.replace("promote = true\n", "")
    result = forecast.simulate(forecast.load_scenario(overlay(MINI + text, "p.toml")), seed=3, uncertain=False)
    ev = result.events
    assert (ev["event"] == "prize_won").sum() > 0
    assert not ((ev["event"] == "certificate") & (ev["programme"] == "prizes")).any()


def test_yearly_prizes_of_a_tier_have_the_stated_poisson_mean(prizes_path):
    """The national tier's yearly number over 300 seeds × 3 policy years: mean 4 within five
    standard errors (sd of the mean √(4/900) ≈ 0.067, so ± 0.33) and variance equal to the
    mean within ± 1.0 (about five standard errors of a Poisson sample variance of 900 draws:
    √(λ/n + 2λ²/(n−1)) ≈ 0.2). A fixed count, or a mean off by a tenth, fails."""
    scenario = forecast.load_scenario(prizes_path)
    values = scenario.resolve(None)
    assert values.pathways["prizes"].tiers["national_bronze"]["per_year"] == 4.0
    yearly = []
    for seed in range(300):
        sim = Engine(scenario, values, np.random.SeedSequence(seed), Options(pathways=("prizes",)))
        counts = sim.steps["prizes"].counts["national_bronze"]
        for year in scenario.policy_years:
            yearly.append(sum(int(counts[t]) for t in range(sim.T) if sim.year(t) == year))
    yearly = np.array(yearly)
    assert len(yearly) == 900
    assert abs(yearly.mean() - 4.0) < 5 * np.sqrt(4.0 / 900)
    assert abs(yearly.var(ddof=1) - 4.0) < 1.0


def test_tiers_draw_from_their_own_streams(overlay, prizes_path):
    """Removing a tier changes no other tier's counts (each has its own arrivals stream)."""
    text = PRIZES
    cut = text[:text.index("[pathways.prizes.tiers.world_excellence]")] + \
        text[text.index("[pathways.prizes.tiers.national_bronze]"):]
    counts = []
    for path in (prizes_path, overlay(MINI + cut, "cut.toml")):
        scenario = forecast.load_scenario(path)
        sim = Engine(scenario, scenario.resolve(None), np.random.SeedSequence(7), Options(pathways=("prizes",)))
        counts.append(sim.steps["prizes"].counts)
    assert "world_excellence" not in counts[1]
    for name in counts[1]:
        assert (counts[0][name] == counts[1][name]).all()


@pytest.mark.parametrize("old, new, key", [
    ('place = "gold"', 'plce = "gold"', "pathways.prizes.tiers.world_gold.plce"),
    ('place = "gold"', 'place = "platinum"', "pathways.prizes.tiers.world_gold.place"),
    ('place = 3', 'place = 6', "pathways.prizes.tiers.national_bronze.place"),
    ('rule = "T-PN"', 'rule = "T-PNC"', "pathways.prizes.tiers.national_bronze.rule"),
    ('coach_rule = "T-PWC"\n\n[pathways.prizes.tiers.world_excellence]',
     'coach_rule = "T-NONE"\n\n[pathways.prizes.tiers.world_excellence]', "pathways.prizes.tiers.world_gold.coach_rule"),
    ("month = 5", "month = 13", "pathways.prizes.tiers.national_bronze.month"),
    ('min_level = "技师"', 'min_level = "大师"', "pathways.prizes.tiers.national_bronze.min_level"),
    ('per_year = { value = 4.0, range = [3.0, 5.0], assumption = "test" }', "per_year = 4",
     "pathways.prizes.tiers.national_bronze.per_year"),
    ("amounts = { 1 = 500000,", "amounts = { 6 = 500000,", "rules.T-PWC.amounts.6"),
])
def test_a_bad_tier_key_exits_2_naming_file_and_key(overlay, tmp_path, old, new, key):
    text = PRIZES
    assert text.count(old) == 1
    path = overlay(MINI + text.replace(old, new), "bad_prizes.toml")
    rc, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert rc == 2
    assert "bad_prizes.toml" in err and key in err, err


def test_payouts_on_records_of_prizes_and_coach_awards(prizes_path, tmp_path):
    header = "date,event,recipient,person,level,prize,programme,contributor"
    rows = [
        "2025-10-01,prize_won,W1,W1,高级工,gold,world,false",          # T-PW 1,000,000
        "2025-10-01,coach_award,expert team A,W1,,1,world,false",       # T-PWC 500,000
        "2025-10-01,prize_won,W2,W2,技师,优胜奖,world,true",           # T-PW 100,000 (no uplift)
        "2025-10-01,coach_award,expert team B,W2,,4,world,true",        # T-PWC 50,000
        "2026-05-01,prize_won,W3,W3,技师,二等,national,true",          # T-PN 150,000 + 30 % = 195,000
        "2026-05-01,prize_won,W4,W4,高级技师,3,national,false",        # T-PN 100,000
        "2026-05-01,coach_award,coach C,W3,,2,national,false",          # T-PNC 30,000
        "2026-05-01,prize_won,W5,W5,技师,1,province,false",            # no rule for a province prize
        "2026-10-01,prize_won,W6,W6,技师,squad,world,false",           # T-PW pays no squad member
    ]
    records = tmp_path / "prizes.csv"
    records.write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "payouts.csv"
    rc, _, err = forecast_cli("payouts", "--policy", str(prizes_path), str(records), "--out", str(out))
    assert rc == 0, err
    read = dict(dtype={"rule": str, "recipient": str, "person": str, "reason": str}, keep_default_na=False,
                encoding="utf-8-sig")
    lines = pd.read_csv(out, **read)
    got = sorted((r.rule, r.recipient, round(float(r.amount), 2)) for r in lines.itertuples())
    assert got == sorted([("T-PW", "W1", 1_000_000.0), ("T-PWC", "expert team A", 500_000.0),
                          ("T-PW", "W2", 100_000.0), ("T-PWC", "expert team B", 50_000.0),
                          ("T-PN", "W3", 195_000.0), ("T-PN", "W4", 100_000.0),
                          ("T-PNC", "coach C", 30_000.0)])
    unpaid = pd.read_csv(out.with_name("payouts.unpaid.csv"), **read)
    assert sorted(unpaid["person"]) == ["W5", "W6"]
    reasons = dict(zip(unpaid["person"], unpaid["reason"]))
    assert "province" in reasons["W5"] and "prize 5 earns nothing" in reasons["W6"]
