"""Capacities that really queue: the night school's seats and the masters' slots.

Night school: a term's intake is a course that takes its seats from a SimPy container and
holds them for `course_months`. With 8-month courses and terms six months apart, the
September intake finds the March course still holding the seats: it waits in the container's
queue and starts when they come back (November), so its exam falls 8 months later (July), and
every later intake queues behind. Masters' slots: with few masters, one apprentice each and
no one leaving, pairing requests wait in the queue of the masters' slots; no master ever has
two open pairings, and the queue's length is recorded month by month.
"""
from __future__ import annotations

import numpy as np
import pytest

import forecast
from forecast.model.engine import PHASES, Options, Engine
from forecast.futures.simulate import replication_seed
from conftest import HUISHAN, SMALL


#: the night school runs to the horizon only if a successor policy keeps it
SUCCESSOR = "[policy]\nsuccessor = true\n"


def load(tmp_path, text: str, name: str):
    path = tmp_path / name
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + SMALL + SUCCESSOR + text, encoding="utf-8")
    return forecast.load_scenario(path)


LONG_COURSES = """
[pathways.night_school.course_months]
value = 8
range = [1, 12]
assumption = "test: courses longer than the six months between terms"

[pathways.night_school.seats_per_term]
value = 100
range = [50, 150]
assumption = "test: fewer seats than applicants, so every intake fills them"
"""


def test_an_intake_waits_for_the_seats_a_running_course_holds(tmp_path):
    scenario = load(tmp_path, LONG_COURSES, "long.toml")
    sim = Engine(scenario, scenario.resolve(None), replication_seed(4).spawn(2)[1])
    school = sim.steps["night_school"]
    sim.env.process(sim._clock())
    sim.env.run(until=9 * PHASES)        # to the start of October 2025
    # March's course (months 2–10) holds every seat; September's intake waits for them
    assert school.seats.level == 0 and len(school.seats.get_queue) == 1
    blocked = school.seats.get_queue[0].amount
    assert blocked == school.seats_n and school.admitted == blocked
    assert school.waiting() == blocked + np.count_nonzero(sim.workers.active[school.waitlist])
    sim.env.run(until=11 * PHASES)       # March's course ended in November and gave its seats back
    assert len(school.seats.get_queue) == 0 and school.admitted == 0 and school.seats.level == 0


def test_long_courses_queue_one_behind_the_other(tmp_path):
    result = forecast.simulate(load(tmp_path, LONG_COURSES, "long.toml"), seed=4, uncertain=False)
    night = result.events[(result.events["event"] == "certificate") & (result.events["programme"] == "night_school")]
    months = sorted(set(((night["date"].dt.year - 2025) * 12 + night["date"].dt.month - 1).tolist()))
    # March 2025 (month 2) + 8 = 10; each later intake starts when the one before ends
    assert months == list(range(10, 96, 8))
    # the waiting list is recorded every month and includes intakes waiting for their seats
    assert (result.queues["night_school"][8:] > 0).all()


def test_short_courses_never_wait(tmp_path):
    result = forecast.simulate(load(tmp_path, "", "short.toml"), seed=4, uncertain=False)
    night = result.events[(result.events["event"] == "certificate") & (result.events["programme"] == "night_school")]
    months = sorted(set(((night["date"].dt.year - 2025) * 12 + night["date"].dt.month - 1).tolist()))
    # 3-month courses from March and September: June and December of every year
    assert months == sorted(m for y in range(8) for m in (12 * y + 5, 12 * y + 11))


FEW_MASTERS = """
[pathways.apprenticeship]
master_min_level = "首席技师"

[pathways.apprenticeship.other_master_share]
value = 1.0
range = [1.0, 1.0]
assumption = "test: every 首席技师 takes apprentices"

[pathways.apprenticeship.master_capacity]
value = 1
range = [1, 3]
assumption = "test: one apprentice per master"

[pathways.apprenticeship.duration_months]
value = 12
range = [12, 60]
assumption = "test"

[pathways.apprenticeship.pairings_per_year]
value = 120
range = [80, 500]
assumption = "test: more requests than masters"
"""


def test_pairing_requests_wait_for_a_masters_slot(tmp_path):
    scenario = load(tmp_path, FEW_MASTERS, "few_masters.toml")
    result = forecast.simulate(scenario, seed=2, uncertain=False, options=Options(demography=False))
    pairs = result.events[result.events["event"] == "pairing"]
    masters = pairs["recipient"].nunique()
    assert 0 < masters < 40
    # no master holds two open pairings: with one slot and nobody leaving, a master's pairings
    # are at least the pairing's 12 months apart
    for _, dates in pairs.groupby("recipient")["date"]:
        gaps = np.diff(np.sort(dates.to_numpy())).astype("timedelta64[D]").astype(int)
        assert (gaps >= 365).all()
    # the queue grows while requests outnumber slots, and is recorded every month
    waiting = result.queues["apprenticeship"]
    assert waiting[11] > 0 and waiting[35] > waiting[11]
    # requested in 2025–2027: ≈ 360 at 10 a month; served: at most one per master a year
    assert len(pairs[pairs["date"] <= "2027-12-31"]) <= masters * 3
    assert waiting[35] + len(pairs[pairs["date"] <= "2027-12-31"]) == pytest.approx(360, abs=60)


def test_milestone_reports_follow_the_rules_longest_window(tmp_path):
    """Certificates of paired apprentices are reported for HS-A8b within its longest window
    (60 months in the policy; 84 when a reform says so), never a fixed number."""
    def gaps(result):
        ev = result.events[result.events["event"] == "apprentice_certified"]
        return ((ev["date"].dt.year - ev["paired_on"].dt.year) * 12
                + ev["date"].dt.month - ev["paired_on"].dt.month).to_numpy()

    base = gaps(forecast.simulate(load(tmp_path, "", "base.toml"), seed=6, uncertain=False))
    longer = load(tmp_path, """
[rules.HS-A8b]
milestones = [
  { level = "高级工", within_months = 12, amount = 2000 },
  { level = "技师", within_months = 36, amount = 3000 },
  { level = "高级技师", within_months = 84, amount = 5000 },
]
""", "longer.toml")
    assert longer.policy.rule("HS-A8b").longest_window() == 84
    long_gaps = gaps(forecast.simulate(longer, seed=6, uncertain=False))
    assert base.max() <= 60 < long_gaps.max() <= 84
