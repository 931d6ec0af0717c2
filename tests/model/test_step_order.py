"""One step order: every event is dated in the month it happens, and month-end stocks hold
exactly the events dated up to that month's end.

In a closed population (no exits, hires or arriving graduates) every change of the number of
workers at level L or above is a certificate at level L (workers climb one level at a time;
未取证 and 学徒工 go straight to 初级工, the first certified level). So for every month m ≥ 1
and every level L ≥ 初级工:

    stock_{≥L}(end of m) − stock_{≥L}(end of m − 1) = certificates at level L dated in month m.

The night school's courses end in a month set by `course_months`; the identity must hold for
every course length. Before the step order was made explicit, a course ending in month m was
examined before the stocks of month m − 1 were recorded, so those stocks counted certificates
dated m; `test_the_check_sees_the_old_order` shows this test catches that.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.model import engine
from forecast.model.engine import STEPS, Options
from forecast.policy import ladder
from conftest import HUISHAN, SMALL

ROOT = Path(__file__).resolve().parents[2]
#: every pathway but the colleges (whose graduates join the district with their certificates)
CLOSED = Options(demography=False, pathways=("craftsmen", "self_evaluation", "night_school", "apprenticeship",
                                             "competition", "activities", "entities"))


def scenario(tmp_path: Path, course_months: int):
    path = tmp_path / f"course{course_months}.toml"
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + SMALL + f"""
[pathways.night_school.course_months]
value = {course_months}
range = [1, 4]
assumption = "test: each course length in the documented range"
""", encoding="utf-8")
    return forecast.load_scenario(path)


def mismatches(result) -> list[tuple[int, int, int, int]]:
    """(month, level, stock change, certificates) wherever the identity fails."""
    stocks = result.ladder_counts
    ev = result.events[result.events["event"] == "certificate"]
    month = ((ev["date"].dt.year - 2025) * 12 + ev["date"].dt.month - 1).to_numpy()
    bad = []
    for level in range(ladder.SKILLED_MIN, ladder.TOP + 1):
        at_or_above = stocks[:, level:].sum(axis=1)
        certs = np.bincount(month[ev["level"].to_numpy() == level], minlength=len(stocks))
        for m in np.flatnonzero(np.diff(at_or_above) != certs[1:]) + 1:
            bad.append((int(m), level, int(at_or_above[m] - at_or_above[m - 1]), int(certs[m])))
    return bad


@pytest.mark.parametrize("course_months", [1, 2, 3, 4])
def test_month_end_stocks_hold_exactly_the_events_dated_up_to_then(tmp_path, course_months):
    result = forecast.simulate(scenario(tmp_path, course_months), seed=5, uncertain=False, options=CLOSED)
    night = result.events[(result.events["event"] == "certificate")
                          & (result.events["programme"] == "night_school")]
    ends = sorted(set(night["date"].dt.month))
    # courses start in the term months (March, September) and end course_months later
    assert ends == sorted({(3 + course_months - 1) % 12 + 1, (9 + course_months - 1) % 12 + 1})
    assert result.ladder_counts.sum(axis=1).min() == result.ladder_counts.sum(axis=1).max()  # closed
    assert mismatches(result) == []


def test_the_check_sees_the_old_order(tmp_path, monkeypatch):
    """Record month t − 1's stocks at the start of month t, after the courses ending in month t
    (the order before the redesign): the identity fails around every course's end."""
    from forecast.model.pathways.demography import Demography

    snapshot, demography = engine.Engine.snapshot, Demography.step

    def late_snapshot(self, t):
        if t == self.T - 1:
            snapshot(self, t)

    def demography_then_snapshot(self, t):
        if t > 0:
            snapshot(self.sim, t - 1)
        demography(self, t)

    monkeypatch.setattr(engine.Engine, "snapshot", late_snapshot)
    monkeypatch.setattr(Demography, "step", demography_then_snapshot)
    bad = mismatches(forecast.simulate(scenario(tmp_path, 4), seed=5, uncertain=False, options=CLOSED))
    assert bad, "the old order must break the identity"
    # 4-month courses starting in March and September end in July and January: the stocks of
    # June and December wrongly hold their certificates, so the changes of those months and
    # the next are off
    assert {m % 12 + 1 for m, *_ in bad} == {6, 7, 12, 1}


def test_the_steps_follow_the_registry_and_the_docs_list_them_in_order():
    """The month is the pathways' registry between "durations end" and the snapshot, and the docs'
    page of the month (generated from STEPS at every build) lists them in this order."""
    import importlib.util

    from forecast.model.pathways import PATHWAYS
    assert [s.name for s in STEPS] == ["durations end", *(cls.NAME for cls in PATHWAYS), "snapshot"]
    spec = importlib.util.spec_from_file_location("reference", ROOT / "docs" / "gen" / "reference.py")
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("the docs' generator needs mkdocs (pip install -e '.[docs]')")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    page = reference.month_page()
    positions = [page.index(f"**{step.name}**") for step in STEPS]
    assert positions == sorted(positions)


def test_each_event_kind_is_dated_in_its_steps_month(tmp_path):
    """Counts taken at a month's end are dated on its last day; everything else on its first."""
    result = forecast.simulate(scenario(tmp_path, 3), seed=5, uncertain=False)
    ev = result.events
    end_of_month = {"graduates_stayed", "graduate_stayed", "craftsman_assessed", "craftsman_in_service"}
    day = ev["date"].dt.day.to_numpy()
    last = (ev["date"] + pd.offsets.MonthEnd(0)).dt.day.to_numpy()
    is_end = ev["event"].isin(end_of_month).to_numpy()
    assert (day[is_end] == last[is_end]).all() and (day[~is_end] == 1).all()
