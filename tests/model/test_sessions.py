"""Subsidised training counted in sessions (人次), pathway `sessions` (`new: sessions` of
docs/policies.md; Changzhou CZ-T6/CZ-A1, Wuxi WX-T5/WX-A1): a programme's yearly sessions spread
evenly over the policy's months, one `training_sessions` claim a month paid per session by a
fixed rule, and a share of the sessions ending in a certificate one level up, paid per
certificate by level by a table rule. Hand-computed cases on a small Huzhou overlay.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.model.engine import Engine
from forecast.model.pathways.base import spread_over_year
from forecast.policy import ladder
from forecast.policy.events import frame

from conftest import ROOT, forecast_cli
from conftest import HUZHOU_SMALL as SMALL   # a city of ~3,000 workers, titles and apprenticeships scaled down

HUZHOU = ROOT / "scenarios" / "huzhou"


#: a per-session rule (500 yuan a session) and a per-certificate rule by level, both of "skills"
RULES = """
[rules.T-S]
article = "test"
text = "subsidised training: 500 per session (人次)"
source = "test"
event = "training_sessions"
recipient = "provider"
kind = "fixed"
amount = 500
programme = "skills"

[rules.T-C]
article = "test"
text = "certificate obtained in the programme: by level"
source = "test"
event = "certificate"
recipient = "provider"
kind = "table"
field = "level"
amounts = { "初级工" = 1000, "中级工" = 1500, "高级工" = 2000 }
programme = "skills"
"""


def programme(share: str = "0.3", per_year: int = 1200, max_level: str = "中级工", extra: str = "",
              rules: str = 'rule = "T-S"\ncertificate_rule = "T-C"') -> str:
    return f"""
[pathways.sessions.programmes.skills]
{rules}
per_year = {{ value = {per_year}, source = "test" }}
certified_share = {{ value = {share}, source = "test" }}
max_level = "{max_level}"
{extra}
"""


def write(tmp_path: Path, text: str, name: str = "sessions.toml") -> Path:
    path = tmp_path / name
    path.write_text(f'base = "{HUZHOU.as_posix()}"\n' + SMALL + RULES + text, encoding="utf-8")
    return path


def test_the_yearly_count_is_split_into_whole_sessions_by_month():
    # 1,200 a year: 1200·(m+1)//12 − 1200·m//12 = 100 every month
    assert [spread_over_year(1200, m) for m in range(12)] == [100] * 12
    # 10 a year: 10·(m+1)//12 − 10·m//12 → 0,1,1,1,1,1,0,1,1,1,1,1 (e.g. m=6: 70//12 − 60//12 = 5 − 5 = 0), 10 in all
    split = [spread_over_year(10, m) for m in range(12)]
    assert split == [0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1] and sum(split) == 10


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The small city with the programme, the policy from 2022-07-01 (the scenario starts in
    2022-01 and runs to 2027-12; the policy ends 2025-12-31)."""
    path = write(tmp_path_factory.mktemp("sessions"), "[policy]\nvalid_from = 2022-07-01\n" + programme())
    scenario = forecast.load_scenario(path)
    return scenario, forecast.simulate(scenario, seed=1, uncertain=False)


def test_one_claim_a_month_of_100_sessions_within_the_policy_only(run):
    scenario, result = run
    ev = result.events
    claims = ev[ev["event"] == "training_sessions"]
    # July 2022 – December 2025: 6 + 12 + 12 + 12 = 42 months, one claim each of 1,200 / 12 = 100 sessions;
    # none in January–June 2022 (before the policy) nor in 2026–2027 (after it)
    months = claims["date"].dt.strftime("%Y-%m").tolist()
    assert months == [f"{y}-{m:02d}" for y in range(2022, 2026) for m in range(1, 13) if (y, m) >= (2022, 7)]
    assert claims["count"].tolist() == [100] * 42
    assert set(claims["programme"]) == {"skills"}
    assert set(claims["recipient"]) == {"skills-providers"} and set(claims["recipient_kind"]) == {"provider"}
    # the fixed rule pays 500 × 100 = 50,000 per claim; 42 × 50,000 = 2,100,000 (no uplift in Huzhou)
    led = forecast.compute_payouts(claims.reset_index(drop=True), scenario.policy).ledger
    assert led["rule"].tolist() == ["T-S"] * 42
    assert led["amount"].tolist() == [50000.0] * 42
    assert led["amount"].sum() == 2_100_000.0


def test_certificates_of_the_programme_are_one_level_up_and_paid_by_level(run):
    scenario, result = run
    ev = result.events
    cert = ev[(ev["event"] == "certificate") & (ev["programme"] == "skills")].reset_index(drop=True)
    # about 0.3 × 4,200 sessions = 1,260 certificates (fewer if the eligible run short), never more than the sessions
    assert 0 < len(cert) <= 4200
    # trainees at or below 中级工 certify one level up: 初级工 (from 未取证 or 学徒工), 中级工 or 高级工
    assert set(cert["level"]) <= {ladder.JUNIOR, ladder.INTERMEDIATE, ladder.SENIOR}
    dates = cert["date"].dt.strftime("%Y-%m")
    assert dates.min() >= "2022-07" and dates.max() <= "2025-12"
    assert not cert.duplicated(["date", "person"]).any()   # distinct workers in a month
    assert set(cert["recipient"]) == {"skills-providers"}
    # paid by level: 初级工 1,000, 中级工 1,500, 高级工 2,000 each
    n = cert["level"].value_counts().to_dict()
    expected = 1000 * n.get(ladder.JUNIOR, 0) + 1500 * n.get(ladder.INTERMEDIATE, 0) + 2000 * n.get(ladder.SENIOR, 0)
    led = forecast.compute_payouts(cert, scenario.policy).ledger
    assert set(led["rule"]) == {"T-C"}
    assert led["amount"].sum() == expected


def test_the_rules_by_hand(run):
    scenario, _ = run
    ev = frame({"date": pd.to_datetime(["2023-03-31"] * 6),
                "event": ["training_sessions", "training_sessions", "training_sessions",
                          "certificate", "certificate", "certificate"],
                "recipient": "skills-providers", "person": ["", "", "", "W1", "W2", "W3"],
                "count": [100, 7, 100, 1, 1, 1],
                "level": [-1, -1, -1, ladder.INTERMEDIATE, ladder.SENIOR, ladder.INTERMEDIATE],
                "programme": ["skills", "skills", "other", "skills", "skills", "night_school"]})
    pay = forecast.compute_payouts(ev, scenario.policy)
    by_event = pay.ledger.groupby("event_index")["amount"].sum().to_dict()
    # 500 × 100 = 50,000; 500 × 7 = 3,500; another programme's sessions: nothing;
    # 中级工 certificate of the programme 1,500; 高级工 2,000; a night-school 中级工: nothing under T-C
    assert by_event == {0: 50000.0, 1: 3500.0, 3: 1500.0, 4: 2000.0}
    assert {2, 5} <= set(pay.rejections["event_index"])


def test_share_zero_certifies_no_one_and_moves_no_other_draw(tmp_path):
    with_sessions = forecast.load_scenario(write(tmp_path, programme(share="0.0"), "zero.toml"))
    without = forecast.load_scenario(write(tmp_path, "", "none.toml"))
    a = forecast.simulate(with_sessions, seed=3, uncertain=False).events
    b = forecast.simulate(without, seed=3, uncertain=False).events
    assert (a["event"] == "training_sessions").sum() == 48          # 2022-01 … 2025-12
    assert not ((a["event"] == "certificate") & (a["programme"] == "skills")).any()
    # the programme draws from its own stream: every other event of the city is unchanged
    others = a[a["event"] != "training_sessions"].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, b.reset_index(drop=True))


def test_share_one_certifies_every_eligible_worker_and_no_more(tmp_path):
    # 120,000 a year → 10,000 sessions in January 2022, all ending in a certificate (share 1),
    # but trainees must be uncertified (max_level 未取证) with time in grade served: of ~3,000
    # workers only those can certify, so the certificates are capped at their number
    scenario = forecast.load_scenario(write(tmp_path, programme(share="1.0", per_year=120000, max_level="未取证")))
    sim = Engine(scenario, scenario.resolve(), np.random.SeedSequence(5))
    w, t = sim.workers, sim.policy_start_t
    eligible = np.flatnonzero(w.active & (w.level == ladder.UNCERTIFIED) & (w.eligible_from <= t))
    assert 0 < len(eligible) < 10_000
    sim.steps["sessions"].step(t)
    ev = sim.log.frame()
    claims = ev[ev["event"] == "training_sessions"]
    assert claims["count"].tolist() == [10_000]
    cert = ev[ev["event"] == "certificate"]
    assert sorted(cert["person"]) == sorted(f"W{i:06d}" for i in eligible)
    assert set(cert["level"]) == {ladder.JUNIOR} and set(cert["programme"]) == {"skills"}
    assert (w.level[eligible] == ladder.JUNIOR).all()


BAD = {
    "table rule per session": (programme(rules='rule = "T-C"'), "pathways.sessions.programmes.skills.rule",
                               'a fixed rule with event = "training_sessions" and programme = "skills"'),
    "no rule at all": (programme(rules=""), "pathways.sessions.programmes.skills.rule",
                       "a programme that pays nothing is not a subsidy"),
    "fixed rule per certificate": (programme(rules='certificate_rule = "T-S"'),
                                   "pathways.sessions.programmes.skills.certificate_rule", "a table rule"),
    "share above one": (programme(share="1.5"), "pathways.sessions.programmes.skills.certified_share",
                        "a share in [0, 1]"),
    "not a level": (programme(max_level="工匠"), "pathways.sessions.programmes.skills.max_level", "not a level"),
    "above 技师": (programme(max_level="高级技师"), "pathways.sessions.programmes.skills.max_level", "技师"),
    "misspelt key": (programme(extra='per_yaer = 3'), "pathways.sessions.programmes.skills.per_yaer",
                     "unknown key"),
    "another programme's rule": (programme().replace("programmes.skills", "programmes.health"),
                                 "pathways.sessions.programmes.health.rule", 'programme = "health"'),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_programme_exits_2_naming_the_key(tmp_path, case):
    text, key, words = BAD[case]
    path = write(tmp_path, text, "bad.toml")
    status, out, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2, err
    assert str(path) in err and key in err and words in err, err
    assert not (tmp_path / "out").exists()
