"""Two generic mechanisms with hand-computed cases: rewards paid in instalments
(`instalments`, `instalment_months` on any rule) and a scheme of titles (pathway `titles`)
paid for the highest title only, with no double award (`net_of` on the titles' rules).

Reading "就高不重复" (Huzhou's seed 003: "按照就高、不重复享受原则"): a worker holding a title is
never named to an equal or lower title of the scheme, and a holder named to a higher title is
paid the higher title's award minus what the lower one already paid.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.model.engine import Engine
from forecast.policy.events import frame
from forecast.policy.payouts import compute_payouts
from forecast.policy.policy import Policy
from forecast.policy.rules import Rule
from forecast.futures.simulate import simulate
from tests.conftest import MINI, forecast_cli


def _policy(*rules, uplift=0.30):
    return Policy("test", tuple(rules), dt.date(2025, 1, 1), dt.date(2027, 12, 31), uplift)


GRAND = Rule("T-GRAND", "test", "title_awarded", "worker", "fixed", amount=200000, programme="grand",
             instalments=(0.5, 0.5), instalment_months=12, net_of=("T-MASTER", "T-YOUNG"))
MASTER = Rule("T-MASTER", "test", "title_awarded", "worker", "fixed", amount=10000, programme="master",
              net_of=("T-GRAND", "T-YOUNG"))
YOUNG = Rule("T-YOUNG", "test", "title_awarded", "worker", "fixed", amount=5000, programme="young",
             net_of=("T-GRAND", "T-MASTER"))


# --- instalments in the payout calculator -------------------------------------------------

def test_instalment_lines_by_hand():
    events = frame({"date": pd.to_datetime(["2025-11-15", "2027-03-31"]), "event": "title_awarded",
                    "recipient": ["W1", "W2"], "person": ["W1", "W2"], "programme": "grand",
                    "contributor": [True, False]})
    led = compute_payouts(events, _policy(GRAND), lags={"T-GRAND": 2}).ledger
    # W1 (a contributor, uplift 30 %): 200,000 + 60,000 = 260,000 in two halves of 100,000 + 30,000,
    # paid 2 months after the event (2026-01-15) and 12 months after that (2027-01-15).
    # W2 (no uplift): 100,000 on 2027-05-31 and 100,000 on 2028-05-31 (12 months later, same day).
    assert led["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-11-15"] * 2 + ["2027-03-31"] * 2
    assert led["paid_on"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-15", "2027-01-15", "2027-05-31", "2028-05-31"]
    assert led["year"].tolist() == [2026, 2027, 2027, 2028]
    assert led["base"].tolist() == [100000.0, 100000.0, 100000.0, 100000.0]
    assert led["uplift"].tolist() == [30000.0, 30000.0, 0.0, 0.0]
    assert led["amount"].tolist() == [130000.0, 130000.0, 100000.0, 100000.0]
    assert led["event_index"].tolist() == [0, 0, 1, 1]
    # without a lag the first instalment is paid on the event's date
    led0 = compute_payouts(events.iloc[[1]].reset_index(drop=True), _policy(GRAND)).ledger
    assert led0["paid_on"].dt.strftime("%Y-%m-%d").tolist() == ["2027-03-31", "2028-03-31"]


def test_uneven_shares_round_to_the_fen_and_add_up():
    rule = Rule("T-X", "test", "title_awarded", "worker", "fixed", amount=10000,
                instalments=(1 / 3, 1 / 3, 1 / 3), instalment_months=6)
    events = frame({"date": pd.to_datetime(["2025-01-31"]), "event": "title_awarded", "recipient": ["W1"],
                    "person": ["W1"]})
    led = compute_payouts(events, _policy(rule)).ledger
    # 10,000 / 3 = 3,333.33, 3,333.33 and the rest 3,333.34; every 6 months (the day clamped: 07-31, 2026-01-31)
    assert led["amount"].tolist() == [3333.33, 3333.33, 3333.34]
    assert led["paid_on"].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-31", "2025-07-31", "2026-01-31"]
    assert led["year"].tolist() == [2025, 2025, 2026]


def test_a_rule_without_instalments_is_one_line():
    rule = Rule("T-M", "test", "title_awarded", "worker", "fixed", amount=10000)
    events = frame({"date": pd.to_datetime(["2025-12-15"]), "event": "title_awarded", "recipient": ["W1"],
                    "person": ["W1"], "contributor": [True]})
    led = compute_payouts(events, _policy(rule), lags={"T-M": 1}).ledger
    # 10,000 + 30 % = 13,000, one line, paid in January 2026
    assert led[["amount", "year"]].values.tolist() == [[13000.0, 2026]]


# --- highest award only, no double award (net_of) -----------------------------------------

def test_upgrade_pays_the_difference_and_a_lower_title_after_a_higher_pays_nothing():
    events = frame({"date": pd.to_datetime(["2025-03-01", "2025-09-01", "2026-09-01", "2025-05-01", "2025-10-01"]),
                    "event": "title_awarded", "recipient": ["W1", "W1", "W1", "W2", "W2"],
                    "person": ["W1", "W1", "W1", "W2", "W2"],
                    "programme": ["young", "master", "grand", "grand", "young"]})
    pay = compute_payouts(events, _policy(GRAND, MASTER, YOUNG))
    led = pay.ledger
    by = led.groupby("event_index")["amount"].sum().to_dict()
    # reading 就高不重复: W1 young 5,000; then master 10,000 − 5,000 = 5,000; then grand
    # 200,000 − (5,000 + 5,000) = 190,000 (two instalments of 95,000); W2 grand 200,000, then young
    # 5,000 − 200,000 < 0 → nothing. W1 is paid 200,000 in all, the highest title's award.
    assert by == {0: 5000.0, 1: 5000.0, 2: 190000.0, 3: 200000.0}
    assert led.loc[led["event_index"] == 2, "amount"].tolist() == [95000.0, 95000.0]
    assert led.loc[led["person"] == "W1", "amount"].sum() == 200000.0
    why = pay.rejections.set_index("event_index")["reason"][4]
    assert "T-YOUNG: already paid 200,000.00 under T-GRAND" in why and "no double award" in why


# --- reading the keys ---------------------------------------------------------------------

TITLE_RULES = """
[rules.T-GRAND]
article = "test"
text = "grand title: 200,000 paid over two years"
source = "test"
reading = "就高不重复: only the excess over the scheme's other titles already paid"
event = "title_awarded"
recipient = "worker"
kind = "fixed"
amount = 200000
programme = "grand"
instalments = [0.5, 0.5]
instalment_months = 12
net_of = ["T-MASTER", "T-YOUNG"]
uplift = false
"""
OTHER_RULES = """
[rules.T-MASTER]
article = "test"
text = "master title: 10,000"
source = "test"
event = "title_awarded"
recipient = "worker"
kind = "fixed"
amount = 10000
programme = "master"
net_of = ["T-GRAND", "T-YOUNG"]
uplift = false

[rules.T-YOUNG]
article = "test"
text = "young title: 5,000"
source = "test"
event = "title_awarded"
recipient = "worker"
kind = "fixed"
amount = 5000
programme = "young"
net_of = ["T-GRAND", "T-MASTER"]
uplift = false
"""


@pytest.mark.parametrize("bad, problem", [
    ("instalments = [0.5, 0.6]", "shares add up to 1.1"),
    ("instalments = [1.0, 0.0]", "shares > 0"),
    ("instalments = 0.5", "not a list"),
    ("instalment_months = 0", "out of range"),
])
def test_a_bad_instalments_key_exits_2_naming_file_and_key(overlay, tmp_path, bad, problem):
    key = bad.split(" =")[0]
    text = "\n".join(f"{key} = {bad.split('= ', 1)[1]}" if line.startswith(key + " =") else line
                     for line in TITLE_RULES.splitlines())
    path = overlay(text + OTHER_RULES, "bad.toml")
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2
    assert "bad.toml" in err and f"rules.T-GRAND.{key}" in err and problem in err


def test_net_of_must_name_rules_of_the_scenario(overlay, tmp_path):
    path = overlay(TITLE_RULES.replace('["T-MASTER", "T-YOUNG"]', '["T-NONE"]'), "bad.toml")
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2 and "bad.toml" in err and "rules.T-GRAND.net_of" in err and "T-NONE" in err


def test_the_keys_survive_writing_back(overlay):
    s = forecast.load_scenario(overlay(TITLE_RULES + OTHER_RULES))
    toml = s.to_toml()["rules"]["T-GRAND"]
    assert toml["instalments"] == [0.5, 0.5] and toml["instalment_months"] == 12
    assert toml["net_of"] == ["T-MASTER", "T-YOUNG"]
    assert "instalments" not in s.to_toml()["rules"]["HS-A2a"]


# --- the titles pathway -------------------------------------------------------------------

def _scheme(grand=2, master=10, young=40, only_grand=False):
    """A scheme of three titles (or the grand one alone), with the grand title's payment lag."""
    text = _GRAND.format(grand=grand) + ("" if only_grand else _LOWER.format(master=master, young=young))
    return text + _LAG


_GRAND = """
[pathways.titles.scheme.grand]
rule = "T-GRAND"
rank = 3
per_year = {{ value = {grand}, source = "test" }}
min_level = "技师"
selection_month = 12
"""
_LOWER = """
[pathways.titles.scheme.master]
rule = "T-MASTER"
rank = 2
per_year = {{ value = {master}, source = "test" }}
min_level = "技师"
selection_month = 9

[pathways.titles.scheme.young]
rule = "T-YOUNG"
rank = 1
per_year = {{ value = {young}, source = "test" }}
min_level = "高级工"
selection_month = 3
max_age = 35
"""
_LAG = """
[pay_lag_months.T-GRAND]
value = 2
source = "test: paid two months after the award"
"""


def _run(path):
    """One future at central values, keeping the simulation (workers' ages and titles)."""
    s = forecast.load_scenario(path)
    values = s.resolve(None)
    sim = Engine(s, values, np.random.SeedSequence(11))
    sim.run()
    return s, values, sim, sim.log.frame(clear=True)


def test_titles_selects_the_stated_counts_highest_only(overlay):
    s, values, sim, events = _run(overlay(MINI + TITLE_RULES + OTHER_RULES + _scheme()))
    t = events[events["event"] == "title_awarded"]
    # the policy runs 2025–2027: 3 selections of each title → grand 3 × 2 = 6, master 3 × 10 = 30,
    # young 3 × 40 = 120, in their months
    counts = t.groupby([t["date"].dt.year, "programme"]).size().unstack()
    assert counts.to_dict("list") == {"grand": [2, 2, 2], "master": [10, 10, 10], "young": [40, 40, 40]}
    assert set(t.loc[t["programme"] == "grand", "date"].dt.month) == {12}
    assert set(t.loc[t["programme"] == "young", "date"].dt.month) == {3}
    # levels at or above each title's minimum (技师 = 5, 高级工 = 4); the young under 35 on the day
    assert (t.loc[t["programme"] != "young", "level"] >= 5).all() and (t["level"] >= 4).all()
    w = sim.workers
    young = t[t["programme"] == "young"]
    month = (young["date"].dt.year - 2025) * 12 + young["date"].dt.month - 1
    who = young["person"].str[1:].astype(int).to_numpy()
    assert ((month.to_numpy() - w.birth[who].astype(float)) / 12.0 < 35).all()
    # never a lower or equal title to a holder: each person's titles rise strictly with time
    rank = {"young": 1, "master": 2, "grand": 3}
    for _, g in t.sort_values("date", kind="stable").groupby("person"):
        ranks = [rank[p] for p in g["programme"]]
        assert ranks == sorted(set(ranks))
    # upgrades happen in this district (young holders among the 技师-and-above pool)
    assert (t.groupby("person").size() > 1).sum() > 0


def test_titles_pay_the_difference_on_an_upgrade(overlay):
    s, values, sim, events = _run(overlay(MINI + TITLE_RULES + OTHER_RULES + _scheme()))
    led = compute_payouts(events, s.policy, explain=False, lags=values.pay_lag).ledger
    led = led[led["rule"].str.startswith("T-")]
    t = events[events["event"] == "title_awarded"].sort_values("date", kind="stable")
    amount = {"young": 5000.0, "master": 10000.0, "grand": 200000.0}
    upgrades = 0
    for person, g in t.groupby("person"):
        paid = led[led["person"] == person]
        # whatever the path, a holder is paid the highest title's award in all (uplift off):
        # young → master = 5,000 + 5,000 = 10,000; young → grand = 5,000 + 195,000 = 200,000
        assert paid["amount"].sum() == pytest.approx(max(amount[p] for p in g["programme"]))
        before = 0.0
        for i, prog in zip(g.index, g["programme"]):
            got = paid.loc[paid["event_index"] == i, "amount"].sum()
            assert got == pytest.approx(amount[prog] - before)   # the higher award minus what was paid
            upgrades += before > 0
            before = amount[prog]
    assert upgrades > 0


def test_titles_instalments_past_the_horizon_are_owed_after(overlay):
    # one title only (no upgrades): grand, 1 a year in December 2025, 2026, 2027, 200,000 in two
    # halves 12 months apart, paid 2 months after the award (uplift off). Ledger by hand:
    # 2025-12 award → 100,000 in 2026-02 and 2027-02; 2026-12 → 2027-02 and 2028-02;
    # 2027-12 → 2028-02 and 2029-02, after the 2028 horizon: owed after it, 100,000.
    path = overlay(MINI + TITLE_RULES + OTHER_RULES + _scheme(grand=1, only_grand=True))
    r = simulate(forecast.load_scenario(path), seed=3, uncertain=False)
    grand = r.ledger[r.ledger["rule"] == "T-GRAND"]
    assert grand["paid_on"].dt.strftime("%Y-%m").tolist() == ["2026-02", "2027-02", "2027-02", "2028-02",
                                                              "2028-02", "2029-02"]
    assert r.outlays()["T-GRAND"].to_dict() == {2025: 0.0, 2026: 100000.0, 2027: 200000.0, 2028: 200000.0}
    assert r.owed_after["T-GRAND"] == 100000.0


def test_a_scheme_title_needs_its_own_fixed_rule(overlay, tmp_path):
    path = overlay(MINI + TITLE_RULES + OTHER_RULES + _scheme().replace('rule = "T-MASTER"', 'rule = "HS-A2a"'),
                   "bad.toml")
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2 and "bad.toml" in err and "pathways.titles.scheme.master.rule" in err
    assert 'programme = "master"' in err


# --- real records through `forecast payouts` ----------------------------------------------

def test_forecast_payouts_on_title_records(overlay, tmp_path):
    records = tmp_path / "titles.csv"
    records.write_text("date,event,recipient,person,level,programme,contributor\n"
                       "2025-03-10,title_awarded,张三,张三,高级工,young,false\n"
                       "2025-06-01,title_awarded,李四,李四,高级技师,grand,false\n"
                       "2025-09-10,title_awarded,张三,张三,技师,master,false\n", encoding="utf-8")
    out = tmp_path / "pay.csv"
    status, stdout, err = forecast_cli("payouts", "--policy", str(overlay(TITLE_RULES + OTHER_RULES)),
                                       str(records), "--out", str(out))
    assert status == 0, err
    lines = pd.read_csv(out)
    # 张三 young 5,000 (2025-03-10); 李四 grand 200,000 as 100,000 on 2025-06-01 and 100,000 on
    # 2026-06-01 (no lag for records); 张三 master 10,000 − 5,000 = 5,000 (2025-09-10).
    got = sorted(zip(lines["person"], lines["rule"], lines["paid_on"].str[:10], lines["amount"]))
    assert got == [("张三", "T-MASTER", "2025-09-10", 5000.0), ("张三", "T-YOUNG", "2025-03-10", 5000.0),
                   ("李四", "T-GRAND", "2025-06-01", 100000.0), ("李四", "T-GRAND", "2026-06-01", 100000.0)]
    assert lines["amount"].sum() == 210000.0
