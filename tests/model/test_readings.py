"""The policy read right (issue 9), each reading with a hand-computed expectation:

- HS-A10 (第十条) is the district's planned build: paid once per planned centre, when built;
- HS-A8a/b (第八条) pay 带徒工匠: masters are craftsmen or workers named masters, and an
  apprentice is always below the master's level (a 技师 never the apprentice of a 技师);
- a December event with a one-month payment lag is paid from January's budget;
- the annuities and milestones still owed after the horizon are valued, not cut off;
- craftsmen leave at their own rate; the night school funds no certificate after the policy;
- recruitment fairs are a scheduled count, the same every year of a future.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.model.engine import Engine
from forecast.model.pathways.apprenticeship import Apprenticeship
from forecast.model.tail import annuity_value, milestone_value
from forecast.policy import ladder
from forecast.policy.events import frame
from forecast.futures.simulate import replication_seed
from conftest import HUISHAN, SMALL


def load(tmp_path, text: str = "", name: str = "s.toml"):
    path = tmp_path / name
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + SMALL + text, encoding="utf-8")
    return forecast.load_scenario(path)


@pytest.fixture(scope="module")
def central(small):
    """One future of the small district at central values."""
    return forecast.simulate(small, seed=3, uncertain=False)


# --- HS-A10: a planned build ------------------------------------------------------------------

def test_hs_a10_is_paid_once_per_planned_centre_when_built(tmp_path):
    scenario = load(tmp_path, """
[entities.rights_centre.planned]
value = 2
range = [1, 3]
assumption = "test: two centres"
[entities.rights_centre.built_month]
value = 6
range = [3, 12]
assumption = "test: built six months after the policy's start"
""")
    result = forecast.simulate(scenario, seed=1, uncertain=False)
    built = result.entities[result.entities["kind"] == "rights_centre"]
    assert built["created"].tolist() == [6, 6]            # July 2025, both planned centres
    lines = result.ledger[result.ledger["rule"] == "HS-A10"]
    # 2 centres × 30,000, once each, owed in July 2025 (lag_months 0), paid 2 months later
    assert len(lines) == 2 and lines["amount"].tolist() == [30000.0, 30000.0]
    assert set(lines["date"].dt.strftime("%Y-%m-%d")) == {"2025-07-01"}
    assert set(lines["paid_on"].dt.strftime("%Y-%m-%d")) == {"2025-09-01"}
    assert lines["recipient"].nunique() == 2


def test_planned_centres_vary_only_by_their_assumptions(small):
    """No Poisson chance: every future builds exactly the planned number."""
    for seed in range(4):
        r = forecast.simulate(small, seed=seed)
        planned = r.values.entities["rights_centre"].planned
        assert (r.entities["kind"] == "rights_centre").sum() == planned
        assert (r.ledger["rule"] == "HS-A10").sum() == planned


def test_fairs_are_the_same_scheduled_count_every_year(central):
    fairs = central.entities[central.entities["kind"] == "recruitment_fair"]
    per_year = pd.Series(2025 + fairs["created"] // 12).value_counts().sort_index()
    k = central.values.entities["recruitment_fair"].per_year_scheduled
    assert per_year.loc[2025:2027].tolist() == [k, k, k] == [12, 12, 12]


# --- HS-A8a/b: masters are 带徒工匠, apprentices below them -------------------------------------

def test_a_master_is_a_craftsman_or_named_and_above_the_apprentice(small, monkeypatch):
    formed = []
    original = Apprenticeship._apprentices

    def recording(self, masters, pupils):
        m, a = original(self, masters, pupils)
        w = self.sim.workers
        formed.append((w.level[m].copy(), w.level[a].copy(), (w.craftsman[m] | w.master[m]).copy()))
        return m, a

    monkeypatch.setattr(Apprenticeship, "_apprentices", recording)
    forecast.simulate(small, seed=2, uncertain=False)
    master_level = np.concatenate([f[0] for f in formed])
    pupil_level = np.concatenate([f[1] for f in formed])
    eligible = np.concatenate([f[2] for f in formed])
    assert len(master_level) > 50
    assert (pupil_level < master_level).all()
    # 技师 apprentices exist, and none of them has a 技师 master
    tech = pupil_level == ladder.parse_level("技师")
    assert tech.any() and (master_level[tech] > ladder.parse_level("技师")).all()
    assert eligible.all()


def test_apprentices_are_matched_below_their_masters_level(tmp_path):
    """Hand case: masters at 技师 and 高级技师, pupils at 中级工, 高级工 and 技师. The 技师 pupil can
    only go to the 高级技师 master; the 技师 master takes a lower pupil."""
    scenario = load(tmp_path)
    sim = Engine(scenario, scenario.resolve(None), replication_seed(1).spawn(2)[1])
    school = sim.steps["apprenticeship"]
    w = sim.workers
    masters, pupils = np.array([0, 1]), np.array([2, 3])
    w.level[masters] = [ladder.parse_level("技师"), ladder.parse_level("高级技师")]
    w.level[pupils] = [ladder.parse_level("技师"), ladder.parse_level("中级工")]
    m, a = school._apprentices(masters, pupils)
    pairs = dict(zip(m.tolist(), a.tolist()))
    assert pairs == {0: 3, 1: 2}
    # two 技师 masters, one 技师 pupil: nobody can take it
    w.level[masters] = ladder.parse_level("技师")
    w.level[pupils] = ladder.parse_level("技师")
    m, a = school._apprentices(masters, pupils)
    assert len(m) == len(a) == 0


def test_without_other_masters_only_craftsmen_take_apprentices(tmp_path, monkeypatch):
    scenario = load(tmp_path, "[pathways.apprenticeship]\nother_masters = false\n")
    seen = []
    original = Apprenticeship._apprentices

    def recording(self, masters, pupils):
        m, a = original(self, masters, pupils)
        seen.append(self.sim.workers.craftsman[m].copy())
        return m, a

    monkeypatch.setattr(Apprenticeship, "_apprentices", recording)
    forecast.simulate(scenario, seed=2, uncertain=False)
    assert len(seen) and np.concatenate(seen).all()


# --- payment lag ------------------------------------------------------------------------------

def test_a_december_event_with_a_one_month_lag_is_paid_in_january(huishan):
    events = frame({"date": np.array(["2025-12-31"], dtype="datetime64[D]"), "event": "craftsman_assessed",
                    "recipient_kind": "craftsman", "recipient": "W000001", "person": "W000001",
                    "passed": True})
    on_time = forecast.compute_payouts(events, huishan.policy, explain=False).ledger
    assert on_time["year"].tolist() == [2025] and on_time["amount"].tolist() == [3000.0]
    lagged = forecast.compute_payouts(events, huishan.policy, explain=False, lags={"HS-A2b": 1}).ledger
    assert lagged["paid_on"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-31"]
    assert lagged["year"].tolist() == [2026] and lagged["amount"].tolist() == [3000.0]
    assert lagged["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-12-31"]   # owed when it happened


def test_outlays_are_by_budget_year_of_payment(central):
    cash = central.ledger[~central.ledger["in_kind"]]
    lagged = cash[cash["paid_on"].dt.year != cash["date"].dt.year]
    assert len(lagged) > 0          # December's HS-A1b/A2b counts are paid the next year
    assert set(lagged["rule"]) >= {"HS-A1b", "HS-A2b"}
    by_year = cash.groupby("year")["amount"].sum()
    out = central.outlays().sum(axis=1)
    np.testing.assert_allclose(out.to_numpy(), by_year.reindex(out.index, fill_value=0).to_numpy())


# --- after the horizon --------------------------------------------------------------------------

def test_annuity_tail_by_hand():
    # age 50, retirement 60: 10 later assessments; pass 0.9; leave 0.1 a year (q = 0.9):
    # 3,000 × 0.9 × Σ_{k=1..10} 0.9^k = 2,700 × 0.9 (1 − 0.9^10) / 0.1 = 2,700 × 5.861894 = 15,827.11
    assert annuity_value([50.0], [0.0], 3000, 0.9, 0.1, 60) == pytest.approx(15827.11, abs=0.01)
    # with the 30 % contributor uplift: × 1.3
    assert annuity_value([50.0], [0.3], 3000, 0.9, 0.1, 60) == pytest.approx(15827.11 * 1.3, abs=0.01)
    # nobody leaves: 10 × 2,700; past retirement: nothing
    assert annuity_value([50.0, 61.0], [0.0, 0.0], 3000, 0.9, 0.0, 60) == pytest.approx(27000.0)


def test_milestone_tail_by_hand():
    # a 36-month window with 12 months left, odds 0.05, 3,000: 3,000 × 0.05 × 12 / 36 = 50
    assert milestone_value([12, 0, -5], 36, [0.0, 0.0, 0.0], 3000, 0.05) == pytest.approx(50.0)


def test_a_short_horizon_values_what_it_leaves_owed(tmp_path):
    """A horizon ending with the policy leaves annuities and open milestone windows: valued."""
    scenario = load(tmp_path, "[calendar]\nend = 2027-12-31\n")
    r = forecast.simulate(scenario, seed=1, uncertain=False)
    owed = r.owed_after
    assert owed["HS-A2b"] > 0 and owed["HS-A8b"] > 0
    crafts_at_end = 50   # at least the craftsmen named in 2025–2027 remain mostly
    assert owed["HS-A2b"] > crafts_at_end * 3000      # several years of annuity each
    assert r.owed_after_horizon() == pytest.approx(sum(owed.values()))


# --- craftsmen's retention; nothing funded after the policy --------------------------------------

def test_craftsmen_leave_only_by_retirement_with_a_zero_leave_rate(tmp_path):
    scenario = load(tmp_path, "[pathways.craftsmen.leave_rate]\nvalue = 0\nrange = [0, 0]\nassumption = \"test\"\n")
    sim = Engine(scenario, scenario.resolve(None), replication_seed(1).spawn(2)[1])
    w = sim.workers
    crafts = np.flatnonzero(w.craftsman)
    retire = w.birth[crafts].astype(int) + int(round(sim.values.flows.retirement_age * 12))
    assert len(crafts) == sim.values.pathways["craftsmen"].initial
    np.testing.assert_array_equal(w.exit_month[crafts], np.clip(np.maximum(retire, 1), 0, None))


def test_craftsmen_outlast_the_general_turnover(central):
    ladder_end = central.events[central.events["event"] == "craftsman_assessed"]
    by_year = ladder_end.groupby(ladder_end["date"].dt.year).size()
    # 84 named before 2025 plus 17 a year to 2027; at 2 % a year and retirements, most remain
    assert by_year.loc[2032] > 0.75 * by_year.loc[2028]


def test_no_night_school_certificate_after_the_policy(central):
    ev = central.events
    night = ev[(ev["event"] == "certificate") & (ev["programme"] == "night_school")]
    assert len(night) > 0 and night["date"].max() <= pd.Timestamp("2027-12-31")
    assert central.queues["night_school"][-12:].max() == 0     # the waiting list is dissolved
