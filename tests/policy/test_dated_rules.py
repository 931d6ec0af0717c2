"""Rule amounts that change on a date (docs/dated_parameters.md), checked by hand.

The reform scenarios/reforms/huishan_apprentice_x2_from_2026.toml doubles HS-A8a (2,000 →
4,000 yuan a pairing) from 2026-01-01. An event is paid at the amounts in force on its date;
a pairing's volume responds, month by month, to the amounts in force in that month; the
results folder's scenario file keeps the changes.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import tomli_w

import forecast
from forecast.cli import main
from forecast.core.errors import InputError
from forecast.core.serialise import plain
from forecast.model.behaviour import response
from forecast.model.engine import Engine
from forecast.policy.events import frame
from forecast.policy.payouts import compute_payouts
from forecast.futures.simulate import replication_seed

from conftest import MINI, ROOT

REFORM = ROOT / "scenarios" / "reforms" / "huishan_apprentice_x2_from_2026.toml"
CHANGE = dt.date(2026, 1, 1)
#: expected payments per pairing ([pathways.apprenticeship.expected_units] of huishan.toml):
#: HS-A8a once; HS-A8b 高级工 0.04 × 2,000 + 技师 0.05 × 3,000 + 高级技师 0.01 × 5,000 = 280
MILESTONES = 0.04 * 2000 + 0.05 * 3000 + 0.01 * 5000
RATIO = (4000 + MILESTONES) / (2000 + MILESTONES)    # 4,280 / 2,280


def reform_overlay(tmp_path, text: str = "", name: str = "mini_reform.toml"):
    """The tiny district (conftest.MINI) on top of the reform file."""
    path = tmp_path / name
    path.write_text(f'base = "{REFORM.as_posix()}"\n' + MINI + text, encoding="utf-8")
    return path


# --- (a) reading -------------------------------------------------------------------------------

def test_the_reform_file_pays_2000_before_and_4000_from_2026():
    scenario = forecast.load_scenario(REFORM)
    rule = scenario.policy.rule("HS-A8a")
    assert rule.amount == 2000.0                                   # the base version
    assert rule.on(dt.date(2025, 12, 31)).amount == 2000.0
    assert rule.on(CHANGE).amount == 4000.0
    assert rule.on(np.datetime64("2027-06-30")).amount == 4000.0
    assert rule.on(pd.Timestamp("2025-01-01")).amount == 2000.0
    assert rule.on(CHANGE).source == "reform: doubled from 2026"
    assert rule.on(CHANGE).changes == () and rule.on(CHANGE).once_per == ("recipient", "person")
    periods = [(start, end, v.amount) for start, end, v in rule.versions()]
    assert periods == [(None, dt.date(2025, 12, 31), 2000.0), (CHANGE, None, 4000.0)]
    # the behavioural reference stays the root base's amount
    assert scenario.reference["HS-A8a"] == {"unit": 2000.0}
    # the other rules have no versions
    assert scenario.policy.rule("HS-A8b").changes == ()


@pytest.mark.parametrize("changes,key", [
    ('[{ from = 2026-01-01, amout = 4000, source = "x" }]', "rules.HS-A8a.changes[0].amout"),
    ('[{ from = 2026-01-01, amount = 4000, source = "x" }, { from = 2026-01-01, amount = 5000, source = "y" }]',
     "rules.HS-A8a.changes[1].from"),
    ('[{ from = 2027-01-01, amount = 4000, source = "x" }, { from = 2026-01-01, amount = 5000, source = "y" }]',
     "rules.HS-A8a.changes[1].from"),
    ('[{ from = 2026-01-01, tiers = [{ min = 1, amount = 1 }], source = "x" }]', "rules.HS-A8a.changes[0].tiers"),
    ('[{ from = 2026-01-01, amount = 4000, kind = "range", source = "x" }]', "rules.HS-A8a.changes[0].kind"),
    ('[{ amount = 4000, source = "x" }]', "rules.HS-A8a.changes[0].from"),
    ('[{ from = 2026-01-01T00:00:00, amount = 4000, source = "x" }]', "rules.HS-A8a.changes[0].from"),
    ('[{ from = 2026-01-01, amount = 4000 }]', "rules.HS-A8a.changes[0].source"),
    ('[{ from = 2026-01-01, amount = 4000, source = " " }]', "rules.HS-A8a.changes[0].source"),
    ('[{ from = 2026-01-01, amount = -1, source = "x" }]', "rules.HS-A8a.changes[0].amount"),
    ('[{ from = 2026-01-01, source = "x" }]', "rules.HS-A8a.changes[0].amount"),
    ("[]", "rules.HS-A8a.changes"),
    ("4000", "rules.HS-A8a.changes"),
    ("[4000]", "rules.HS-A8a.changes[0]"),
])
def test_bad_changes_name_the_file_and_the_key(overlay, changes, key):
    path = overlay(f"[rules.HS-A8a]\nchanges = {changes}\n", "bad.toml")
    with pytest.raises(InputError) as err:
        forecast.load_scenario(path)
    assert err.value.key == key
    assert err.value.file == str(path)


def test_a_table_change_is_read_like_the_base_amounts(overlay):
    """HS-A1c (a table by level): a change's `amounts` goes through the base's checks."""
    bad = overlay('[rules.HS-A1c]\nchanges = [{ from = 2026-01-01, amounts = { "大师" = 1 }, source = "x" }]\n',
                  "bad_level.toml")
    with pytest.raises(InputError) as err:
        forecast.load_scenario(bad)
    assert err.value.key == "rules.HS-A1c.changes[0].amounts.大师"
    good = overlay('[rules.HS-A1c]\nchanges = [{ from = 2026-01-01, amounts = { "技师" = 2500, "高级工" = 1000 }, '
                   'source = "x" }]\n', "good_level.toml")
    rule = forecast.load_scenario(good).policy.rule("HS-A1c")
    assert rule.on(dt.date(2025, 6, 1)).table == {3: 300.0, 4: 800.0, 5: 2000.0}
    assert rule.on(CHANGE).table == {4: 1000.0, 5: 2500.0}
    assert rule.keys() == ["中级工", "高级工", "技师"]


def test_a_key_only_a_change_pays_needs_its_expected_payments(overlay):
    """A change that starts paying 高级技师 under HS-A1c: the colleges' response needs the
    expected payments of that key too, else the scenario is an error naming the key."""
    text = ('[rules.HS-A1c]\nchanges = [{ from = 2026-01-01, amounts = { "技师" = 2500, "高级技师" = 4000 }, '
            'source = "x" }]\n')
    with pytest.raises(InputError) as err:
        forecast.load_scenario(overlay(text, "new_key.toml"))
    assert err.value.key == "pathways.colleges.expected_units" and "'高级技师'" in err.value.problem
    units = ('[pathways.colleges.expected_units.HS-A1c]\n'
             '"中级工" = 0.1\n"高级工" = 0.1\n"技师" = 0.05\n"高级技师" = 0.01\n')
    rule = forecast.load_scenario(overlay(text + units, "new_key_units.toml")).policy.rule("HS-A1c")
    assert rule.on(CHANGE).table == {5: 2500.0, 6: 4000.0}
    assert rule.keys() == ["中级工", "高级工", "技师", "高级技师"]


# --- (b) compute_payouts ----------------------------------------------------------------------

def _pairings(dates, contributor):
    n = len(dates)
    return frame({"date": pd.to_datetime(dates), "event": "pairing", "recipient_kind": "master",
                  "recipient": [f"M{i}" for i in range(n)], "person": [f"A{i}" for i in range(n)],
                  "contributor": contributor}, n)


def test_pairings_are_paid_at_the_amount_in_force_on_their_date():
    policy = forecast.load_scenario(REFORM).policy
    events = _pairings(["2025-12-31", "2026-01-01", "2025-12-31", "2026-01-01"], [False, False, True, True])
    led = compute_payouts(events, policy).ledger
    assert list(led["base"]) == [2000.0, 2000.0, 4000.0, 4000.0]
    # the 30 % contributor uplift on the base of the version in force: 600 and 1,200
    assert list(led["uplift"]) == [0.0, 600.0, 0.0, 1200.0]
    assert list(led["amount"]) == [2000.0, 2600.0, 4000.0, 5200.0]


def test_a_lag_does_not_move_an_event_into_the_next_version():
    """A pairing of 2025-12-31 paid two months later (2026-02-28) is still owed 2,000."""
    policy = forecast.load_scenario(REFORM).policy
    led = compute_payouts(_pairings(["2025-12-31"], [False]), policy, lags={"HS-A8a": 2}).ledger
    assert str(led["paid_on"].iloc[0].date()) == "2026-02-28" and led["year"].iloc[0] == 2026
    assert led["base"].iloc[0] == 2000.0


def test_once_only_and_the_reason_name_the_version(overlay):
    """HS-A8b's 高级工 window shortened to 6 months and its bonus raised to 2,500 from 2026: a
    certificate is judged with the window and paid the amount in force on its date."""
    path = overlay('[rules.HS-A8b]\nchanges = [{ from = 2026-01-01, source = "test", milestones = [\n'
                   '  { level = "高级工", within_months = 6, amount = 2500 },\n'
                   '  { level = "技师", within_months = 36, amount = 3000 },\n'
                   '  { level = "高级技师", within_months = 60, amount = 5000 }] }]\n', "a8b.toml")
    policy = forecast.load_scenario(path).policy
    events = frame({"date": pd.to_datetime(["2025-12-01", "2026-02-01", "2026-03-01", "2026-02-15"]),
                    "event": "apprentice_certified", "recipient_kind": "master",
                    "recipient": ["M1", "M2", "M3", "M1"], "person": ["A1", "A2", "A3", "A1"],
                    "level": [4, 4, 4, 4],          # 高级工
                    "paired_on": pd.to_datetime(["2025-06-01", "2025-09-01", "2025-03-01", "2025-09-01"])}, 4)
    out = compute_payouts(events, policy)
    # 2025-12-01: old window (12 months), 2,000; 2026-02-01: 5 months after pairing, new 2,500
    assert [(r.event_index, r.base) for r in out.ledger.itertuples()] == [(0, 2000.0), (1, 2500.0)]
    reasons = dict(zip(out.rejections["event_index"], out.rejections["reason"]))
    assert reasons[2] == ("HS-A8b: apprentice reached 高级工 12 months after pairing: HS-A8b 6-month window missed "
                          "(its last day was 2025-09-01) (HS-A8b amounts in force from 2026-01-01)")
    assert reasons[3] == "HS-A8b: already paid once for this recipient, person, level (first on 2025-12-01)"


# --- (c) the command --------------------------------------------------------------------------

HEADER = "date,event,recipient,person,level,count,amount,paired_on,prize,fits_sector,passed,years,programme,contributor"


def test_forecast_payouts_pays_old_then_new_amounts(tmp_path, capsys):
    rows = ["2025-12-31,pairing,M1,A1,,,,,,,,,,false",
            "2026-01-01,pairing,M2,A2,,,,,,,,,,false",
            "2025-12-31,pairing,M3,A3,,,,,,,,,,true",
            "2026-01-02,pairing,M4,A4,,,,,,,,,,true",
            "2026-02-01,pairing,M1,A1,,,,,,,,,,false"]          # the same pair again: once only
    records = tmp_path / "records.csv"
    records.write_text("\n".join([HEADER] + rows) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "payouts.csv"
    assert main(["payouts", "--policy", str(REFORM), str(records), "--out", str(out)]) == 0
    capsys.readouterr()
    read = dict(keep_default_na=False, encoding="utf-8-sig")
    lines = pd.read_csv(out, **read)
    got = [(r.line, r.rule, r.base, r.uplift, r.amount) for r in lines.itertuples()]
    assert sorted(got) == [(2, "HS-A8a", 2000.0, 0.0, 2000.0), (3, "HS-A8a", 4000.0, 0.0, 4000.0),
                           (4, "HS-A8a", 2000.0, 600.0, 2600.0), (5, "HS-A8a", 4000.0, 1200.0, 5200.0)]
    unpaid = pd.read_csv(out.with_name("payouts.unpaid.csv"), **read)
    assert list(unpaid["line"]) == [6] and "already paid once" in unpaid["reason"].iloc[0]
    totals = pd.read_csv(out.with_name("payouts.totals.csv"), **read)
    cash = totals[(totals["group"] == "total") & (totals["in_kind"] == "False")].iloc[0]
    assert (int(cash["lines"]), float(cash["amount"])) == (4, 13800.0)


# --- (d) the simulation -----------------------------------------------------------------------

def test_simulated_pairings_are_paid_the_amount_in_force_on_their_date(tmp_path):
    result = forecast.simulate(forecast.load_scenario(reform_overlay(tmp_path)), seed=5)
    a8a = result.ledger[result.ledger["rule"] == "HS-A8a"]
    before = a8a[a8a["date"] < pd.Timestamp(CHANGE)]
    after = a8a[a8a["date"] >= pd.Timestamp(CHANGE)]
    assert len(before) and len(after)
    assert set(before["base"]) == {2000.0} and set(after["base"]) == {4000.0}
    assert np.allclose(after["amount"], 4000.0 * (1 + after["uplift_rate"]))


def test_the_tail_values_an_annuity_at_the_amount_in_force_at_the_horizons_end(mini, tmp_path):
    """HS-A2b raised from 3,000 to 4,500 from 2028 (the tiny district ends 2028-12-31): the
    craftsmen pathway does not respond, so the futures are the same and everything HS-A2b
    still owes after the horizon is 1.5 times the base's."""
    dated = tmp_path / "a2b.toml"
    dated.write_text(f'base = "{mini.as_posix()}"\n[rules.HS-A2b]\n'
                     'changes = [{ from = 2028-01-01, amount = 4500, source = "test" }]\n', encoding="utf-8")
    base = forecast.simulate(forecast.load_scenario(mini), seed=2)
    reform = forecast.simulate(forecast.load_scenario(dated), seed=2)
    assert base.owed_after["HS-A2b"] > 0
    assert reform.owed_after["HS-A2b"] == pytest.approx(1.5 * base.owed_after["HS-A2b"], rel=1e-12)
    a2b = reform.ledger[reform.ledger["rule"] == "HS-A2b"]
    assert set(a2b.loc[a2b["date"].dt.year == 2028, "base"]) == {4500.0}
    assert set(a2b.loc[a2b["date"].dt.year < 2028, "base"]) == {3000.0}


# --- (e) the response -------------------------------------------------------------------------

def _apprenticeship(scenario):
    values = scenario.resolve(None)             # central values: the same in both scenarios
    sim = Engine(scenario, values, replication_seed(3).spawn(2)[1])
    return sim.steps["apprenticeship"], values.pathways["apprenticeship"]


def test_the_pairing_volume_follows_the_amount_in_force_month_by_month(mini, tmp_path):
    reformed, p = _apprenticeship(forecast.load_scenario(reform_overlay(tmp_path)))
    base, _ = _apprenticeship(forecast.load_scenario(mini))
    t = 12                                        # 2026-01, the first month of the new amount
    assert len(reformed.per_month) == 48
    by_hand_base = p.pairings_per_year * response(1.0, p.elasticity, p.deadweight) / 12
    by_hand_new = p.pairings_per_year * response(RATIO, p.elasticity, p.deadweight) / 12
    assert RATIO == pytest.approx(4280 / 2280)
    assert np.array_equal(reformed.per_month[:t], base.per_month[:t])
    assert reformed.per_month[:t] == pytest.approx(np.full(t, by_hand_base), rel=1e-12)
    assert reformed.per_month[t:] == pytest.approx(np.full(48 - t, by_hand_new), rel=1e-12)
    assert np.all(base.per_month[t:] == base.per_month[0])
    assert by_hand_new > by_hand_base * 1.01         # the response is real (elasticity > 0)


@pytest.mark.parametrize("factor", [0.25, 4.0])
def test_night_school_seats_follow_the_amounts_in_force(mini, tmp_path, factor):
    """HS-A3a cut to a quarter (or quadrupled) from 2026: the seats offered from January 2026
    are those of the new response; the intakes of 2026–2027 never exceed them."""
    amounts = ", ".join(f'"{k}" = {v * factor:g}' for k, v in (("初级工", 500), ("中级工", 1000), ("高级工", 1500)))
    dated = tmp_path / "a3a.toml"
    dated.write_text(f'base = "{mini.as_posix()}"\n[rules.HS-A3a]\n'
                     f'changes = [{{ from = 2026-01-01, amounts = {{ {amounts} }}, source = "test" }}]\n',
                     encoding="utf-8")
    scenario = forecast.load_scenario(dated)
    values = scenario.resolve(None)
    p = values.pathways["night_school"]
    sim = Engine(scenario, values, replication_seed(1).spawn(2)[1])
    school = sim.steps["night_school"]
    ratio = factor    # every amount scaled alike: the expected reward per learner too
    seats_new = round(p.seats_per_term * response(ratio, p.elasticity, p.deadweight))
    seats_old = round(p.seats_per_term * response(1.0, p.elasticity, p.deadweight))
    assert seats_new != seats_old
    assert set(school.seats_by_month[:12]) == {seats_old} and set(school.seats_by_month[12:]) == {seats_new}
    assert school.seats.capacity == max(seats_old, seats_new)
    intakes = []
    school._course = lambda enrolled, run=school._course: (intakes.append((sim.month(), len(enrolled))),
                                                          run(enrolled))[1]
    sim.run()
    assert school.seats_n == seats_new
    assert intakes and all(k <= (seats_old if t < 12 else seats_new) for t, k in intakes)
    assert any(t >= 12 for t, _ in intakes)


def test_response_ratio_takes_the_versions_of_a_date():
    scenario = forecast.load_scenario(REFORM)
    p = scenario.resolve(None).pathways["apprenticeship"]
    assert scenario.response_ratio(p, dt.date(2025, 12, 31)) == pytest.approx(1.0)
    assert scenario.response_ratio(p, CHANGE) == pytest.approx(RATIO)
    assert scenario.response_ratio(p) == pytest.approx(1.0)      # no date: the base versions


# --- (f) the round trip -----------------------------------------------------------------------

def test_to_toml_and_load_keep_the_changes(tmp_path):
    original = forecast.load_scenario(REFORM)
    assert original.to_toml()["rules"]["HS-A8a"]["changes"] == [
        {"from": CHANGE, "amount": 4000.0, "source": "reform: doubled from 2026"}]
    path = tmp_path / "scenario.resolved.toml"
    path.write_text(tomli_w.dumps(plain(original.to_toml())), encoding="utf-8")
    back = forecast.load_scenario(path)
    assert back.policy.rule("HS-A8a") == original.policy.rule("HS-A8a")
    assert back.policy.rule("HS-A8a").on(CHANGE).amount == 4000.0
    assert back.reference == original.reference
    assert back.policy == original.policy


def test_a_results_folder_reruns_the_dated_reform(tmp_path):
    from forecast.futures.settings import Draws
    from forecast.results.api import run_single
    scenario = forecast.load_scenario(reform_overlay(tmp_path))
    out = tmp_path / "results"
    run_single(scenario, out=out, draws=Draws(seed=4))
    back = forecast.load_scenario(out / "scenario.resolved.toml")
    assert back.policy.rule("HS-A8a").changes == scenario.policy.rule("HS-A8a").changes
    assert forecast.simulate(back, seed=4).ledger.equals(forecast.simulate(scenario, seed=4).ledger)
