"""Self-evaluation's two optional mechanisms (docs/policies.md `new: evaluation bodies`,
`new: cross-level`; CZ-T14, WX-T11, DX-A3, DX-A4), on an overlay of the small Huzhou city:

- evaluation bodies raise capacity: every level's monthly rate × (N / N0)^capacity_elasticity,
  N the bodies of `capacity_entity` at the end of the previous month;
- cross-level recognition (跨级评价): a share of the certifications from cross_level_from up
  go two levels, up to cross_level_to, recorded with programme "cross_level".

Without the keys nothing changes (the Huishan byte-identity is checked outside the tests);
here: elasticity 0 and share 0 give the very same events as no keys at all.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import forecast
from forecast.model.engine import Engine
from forecast.model.pathways.self_evaluation import SelfEvaluation, capacity_factor, skips
from forecast.policy import ladder
from forecast.futures.simulate import draw_values

from conftest import forecast_cli
from conftest import HUZHOU_SMALL as SMALL, ROOT, write_overlay


def write(tmp_path, text: str, name: str = "hz.toml"):
    """An overlay on Huzhou's scenario."""
    return write_overlay(tmp_path, ROOT / "scenarios" / "huzhou", text, name)



def bodies(initial: str = "[10, 10]") -> str:
    """A scheduled kind of evaluation bodies: 10 at the start, exactly 25 new a year."""
    return f"""
[entities.evaluation_body]
[entities.evaluation_body.initial]
value = 10
range = {initial}
assumption = "test"
[entities.evaluation_body.per_year_scheduled]
value = 25
range = [25, 25]
assumption = "test"
"""


BODIES = bodies()


def capacity(elasticity: float) -> str:
    return f"""
[pathways.self_evaluation]
capacity_entity = "evaluation_body"
[pathways.self_evaluation.capacity_elasticity]
value = {elasticity}
range = [{elasticity}, {elasticity}]
assumption = "test"
"""


def cross(share: float, lo: str = "中级工", hi: str = "技师") -> str:
    return f"""
[pathways.self_evaluation]
cross_level_from = "{lo}"
cross_level_to = "{hi}"
[pathways.self_evaluation.cross_level_share]
value = {share}
range = [{share}, {share}]
assumption = "test"
"""


def events(tmp_path, text: str, name: str):
    scenario = forecast.load_scenario(write(tmp_path, SMALL + BODIES + text, name))
    return forecast.simulate(scenario, seed=1, uncertain=False).events


def certificates(ev, programmes=("self_evaluation", "appointment", "cross_level")):
    return ev[(ev["event"] == "certificate") & ev["programme"].isin(programmes)]


# --- pure functions ----------------------------------------------------------------------------
def test_capacity_factor_by_hand():
    assert capacity_factor(40, 10, 0.5) == pytest.approx(2.0)    # (40 / 10)^0.5 = √4 = 2
    assert capacity_factor(10, 10, 0.3) == 1.0                   # no new body: 1^0.3 = 1
    assert capacity_factor(40, 10, 0.0) == 1.0                   # elasticity 0: 4^0 = 1
    assert capacity_factor(160, 10, 0.5) == pytest.approx(4.0)   # √16 = 4


def test_skips_by_hand():
    L = np.array([ladder.JUNIOR, ladder.INTERMEDIATE, ladder.SENIOR, ladder.TECHNICIAN], np.int8)
    u = np.array([0.0, 0.999, 0.0, 0.0])
    lo, hi = ladder.INTERMEDIATE, ladder.TECHNICIAN
    # share 1 from 中级工 to 技师: 中级工 (3 + 2 = 5 = 技师 ≤ 技师) skips, whatever its uniform;
    # 初级工 is below cross_level_from; 高级工 (4 + 2 = 6 = 高级技师 > 技师) cannot skip; 技师 neither
    assert skips(L, u, 1.0, lo, hi).tolist() == [False, True, False, False]
    assert skips(L, u, 0.0, lo, hi).tolist() == [False, False, False, False]
    # share 0.5: the 中级工's uniform 0.999 is not below 0.5
    assert skips(L, u, 0.5, lo, hi).tolist() == [False, False, False, False]
    # to 高级技师: 高级工 may now skip (4 + 2 = 6 ≤ 6)
    assert skips(L, u, 1.0, lo, ladder.SENIOR_TECHNICIAN).tolist() == [False, True, True, False]


def test_the_capacity_factor_scales_every_chance_and_is_capped_at_1():
    """`_certifies`' fast path with the factor: monthly rate 0.1 at every level, unmentored workers."""
    pathway = object.__new__(SelfEvaluation)
    pathway.rate_month = np.full(ladder.TOP + 1, 0.1)
    workers = SimpleNamespace(level=np.full(3, ladder.JUNIOR, np.int8), mentored=np.zeros(3, bool))
    pathway.sim = SimpleNamespace(mentoring=SimpleNamespace(rate_factor=1.0), workers=workers)
    idx = np.arange(3)
    u = np.array([0.05, 0.15, 0.99])
    assert pathway._certifies(u, idx).tolist() == [0]          # chance 0.1: only 0.05 < 0.1
    assert pathway._certifies(u, idx, 2.0).tolist() == [0, 1]  # chance 0.1 × 2 = 0.2: 0.05, 0.15
    assert pathway._certifies(u, idx, 20.0).tolist() == [0, 1, 2]  # 0.1 × 20 = 2, capped at 1


# --- in a simulated city -----------------------------------------------------------------------
def test_bodies_raise_certifications_from_the_month_after(tmp_path):
    base = certificates(events(tmp_path, "", "base.toml"))
    more = certificates(events(tmp_path, capacity(0.5), "cap.toml"))
    first = np.datetime64("2022-01", "M")
    month = lambda ev: ev["date"].to_numpy().astype("datetime64[M]")   # noqa: E731
    # month 0: N is still N0 = 10 (the bodies of January are created after self-evaluation): factor 1
    assert (month(base) == first).sum() == (month(more) == first).sum()
    # later months: N grows by 25 a year, so the factor reaches √(160/10) = 4 by the end
    assert len(more) > 1.5 * len(base)
    by_year = lambda ev: ev["date"].dt.year.value_counts().sort_index()   # noqa: E731
    assert (by_year(more).loc[2023:] > by_year(base).loc[2023:]).all()


def test_the_factor_reads_the_live_count_of_bodies(tmp_path):
    scenario = forecast.load_scenario(write(tmp_path, SMALL + BODIES + capacity(0.5)))
    values, ss = draw_values(scenario, seed=1, uncertain=False)
    sim = Engine(scenario, values, ss)
    pathway = sim.steps["self_evaluation"]
    assert pathway._capacity() == 1.0   # before month 0: N = N0 = 10
    sim.run()
    # 2022-01 … 2027-12 is 6 years of 25 scheduled bodies: N = 10 + 6 × 25 = 160; (160/10)^0.5 = 4
    assert sim.steps["entities"].count("evaluation_body") == 160
    assert pathway._capacity() == pytest.approx(4.0)


def test_elasticity_0_and_share_0_change_nothing(tmp_path):
    base = events(tmp_path, "", "base.toml")
    assert base.equals(events(tmp_path, capacity(0.0), "cap0.toml"))
    assert base.equals(events(tmp_path, cross(0.0), "cross0.toml"))
    assert not (base["programme"] == "cross_level").any()


def test_share_1_sends_every_intermediate_to_technician(tmp_path):
    base = certificates(events(tmp_path, "", "base.toml"))
    ev = certificates(events(tmp_path, cross(1.0), "cross1.toml"))
    skipped = ev[ev["programme"] == "cross_level"]
    assert len(skipped) > 0
    # 中级工 + 2 = 技师, nothing else skips: a 高级工 (4 + 2 = 高级技师 > 技师) would show as 高级技师
    assert set(skipped["level"]) == {ladder.TECHNICIAN}
    # no self-evaluated 中级工 rises to 高级工 any more (it goes to 技师), while without the share many do
    assert ((base["programme"] == "self_evaluation") & (base["level"] == ladder.SENIOR)).sum() > 0
    assert ((ev["programme"] == "self_evaluation") & (ev["level"] == ladder.SENIOR)).sum() == 0
    # 高级工 still certify one level, to 技师, by plain self-evaluation
    assert ((ev["programme"] == "self_evaluation") & (ev["level"] == ladder.TECHNICIAN)).sum() > 0


# --- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, key", [
    ('[pathways.self_evaluation]\ncapacity_entity = "evaluation_bodie"\n'
     "capacity_elasticity = { value = 0.3, range = [0.0, 0.6], assumption = \"t\" }\n",
     "pathways.self_evaluation.capacity_entity"),
    ('[pathways.self_evaluation]\ncapacity_entity = "evaluation_body"\n',
     "pathways.self_evaluation.capacity_elasticity"),
    ('[pathways.self_evaluation]\ncross_level_to = "技师"\n'
     "cross_level_share = { value = 0.03, range = [0.0, 0.08], assumption = \"t\" }\n",
     "pathways.self_evaluation.cross_level_from"),
    ('[pathways.self_evaluation]\ncross_level_from = "中级工"\ncross_level_to = "技师"\n',
     "pathways.self_evaluation.cross_level_from"),
    ('[pathways.self_evaluation]\ncross_level_from = "高级工"\ncross_level_to = "技师"\n'
     "cross_level_share = { value = 0.03, range = [0.0, 0.08], assumption = \"t\" }\n",
     "pathways.self_evaluation.cross_level_to"),
    ('[pathways.self_evaluation]\ncapacity_entity = "self_eval_enterprise"\n'   # Huzhou's: initial [0, 0]
     "capacity_elasticity = { value = 0.3, range = [0.0, 0.6], assumption = \"t\" }\n",
     "entities.self_eval_enterprise.initial"),
    (capacity(0.3), "entities.evaluation_body.initial"),   # with bodies("[0, 20]") below
])
def test_bad_keys_exit_2(tmp_path, text, key):
    initial = "[0, 20]" if key == "entities.evaluation_body.initial" else "[10, 10]"
    path = write(tmp_path, bodies(initial) + text, "bad.toml")
    status, _, err = forecast_cli("run", str(path), "--central", "--out", str(tmp_path / "out"))
    assert status == 2, err
    # the error names the file that set the key: Huzhou's own initial count is set in its assumptions
    assert ("huzhou/assumptions.toml" if key == "entities.self_eval_enterprise.initial" else "bad.toml") in err
    assert key in err
