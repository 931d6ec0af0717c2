"""The generic ratio, stock and yearly-flow target metrics (issue 12, "ratio targets", "stock
targets", "yearly flow targets"): hand-computed cases on a small made-up future, the same
values recomputed by simple independent code on a simulated tiny district, and a scenario
overlay declaring a target with each metric that loads and evaluates; a misspelt metric is an
error naming the file and the key (exit 2)."""
from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import forecast
from conftest import MINI, forecast_cli
from forecast.policy.events import frame
from forecast.policy.policy import METRICS, RATE_METRICS, SHARE_METRICS
from forecast.futures import targets
from forecast.futures.targets import metric

NEW = ("high_skilled_per_10k_end", "high_share_of_skilled_end", "skilled_stock_end", "high_skilled_stock_end",
       "graduates_staying_share", "min_yearly_certified_persons", "min_yearly_high_certified_persons")

#: month-end stocks by level (未取证 … 首席技师) at the end of 2026-12 (month 23 from 2025-01):
#: employed 15,000 + 1,000 + 1,500 + 1,000 + 800 + 400 + 200 + 60 + 40 = 20,000;
#: skilled (初级工+) 1,500 + 1,000 + 800 + 400 + 200 + 60 + 40 = 4,000; high (高级工+) 800 + … + 40 = 1,500
END_2026 = [15000, 1000, 1500, 1000, 800, 400, 200, 60, 40]


def _future(valid_to: dt.date = dt.date(2026, 12, 31)):
    """A made-up future, 2025-01 … 2027-12 (36 months), policy valid 2025-01-01 … valid_to."""
    counts = np.zeros((36, 9), dtype=np.int64)
    counts[:] = [9000, 0, 1000, 0, 0, 0, 0, 0, 0]      # every other month: no high-skilled at all
    counts[23] = END_2026
    counts[35] = [10000, 0, 0, 0, 10000, 0, 0, 0, 0]    # end of 2027: 10,000 high of 20,000 employed
    flows = np.zeros((36, 3), dtype=np.int64)           # hires, graduates, exits
    flows[[6, 18, 30], 1] = [100, 80, 90]               # graduates arriving in July of each year
    flows[:, 0] = 7                                      # hires and exits do not count
    flows[:, 2] = 5
    d = pd.Timestamp
    rows = [  # date, event, person, level, count
        (d("2025-03-10"), "certificate", "W1", 2, 1),
        (d("2025-06-10"), "certificate", "W1", 3, 1),   # W1 again in 2025: one person
        (d("2025-08-01"), "certificate", "W2", 4, 1),
        (d("2025-09-01"), "certificate", "W3", 1, 1),   # 学徒工: not skilled, not counted
        (d("2026-02-01"), "certificate", "W1", 4, 1),   # W1 in 2026 too: counts in both years
        (d("2026-05-01"), "certificate", "W4", 5, 1),
        (d("2026-11-30"), "certificate", "W6", 2, 1),
        (d("2027-04-01"), "certificate", "W5", 2, 1),
        (d("2025-12-31"), "graduates_stayed", "", -1, 30),
        (d("2025-12-31"), "graduates_stayed", "", -1, 40),
        (d("2026-12-31"), "graduates_stayed", "", -1, 25),
        (d("2026-12-31"), "graduates_stayed", "", -1, 35),
        (d("2027-12-31"), "graduates_stayed", "", -1, 50),
        (d("2026-07-01"), "pairing", "W9", -1, 99),      # another kind's count is not a graduate
    ]
    cols = dict(zip(("date", "event", "person", "level", "count"), map(list, zip(*rows))))
    events = frame({"date": np.array(cols["date"], dtype="datetime64[s]"), "event": np.array(cols["event"], object),
                    "person": np.array(cols["person"], object), "level": np.array(cols["level"], np.int8),
                    "count": np.array(cols["count"], np.int64),
                    "programme": np.array(["night_school"] * len(rows), object)})
    policy = SimpleNamespace(valid_from=dt.date(2025, 1, 1), valid_to=valid_to)
    scenario = SimpleNamespace(start=dt.date(2025, 1, 1), policy=policy)
    return SimpleNamespace(scenario=scenario, events=events, ladder_counts=counts, flows=flows)


def test_the_new_metrics_are_registered_with_their_goal_kind():
    assert set(NEW) <= set(METRICS)
    assert set(SHARE_METRICS) >= {"skilled_share_end", "high_share_of_skilled_end", "graduates_staying_share"}
    assert RATE_METRICS == ("high_skilled_per_10k_end",)


def test_stock_and_ratio_metrics_at_the_end_by_hand():
    r = _future()
    # 1,500 high-skilled / 20,000 employed × 10,000 = 750
    assert metric("high_skilled_per_10k_end", r) == pytest.approx(750.0)
    # 1,500 high / 4,000 skilled = 0.375
    assert metric("high_share_of_skilled_end", r) == pytest.approx(0.375)
    assert metric("skilled_stock_end", r) == 4000.0
    assert metric("high_skilled_stock_end", r) == 1500.0
    # the existing share, unchanged: 4,000 / 20,000
    assert metric("skilled_share_end", r) == pytest.approx(0.2)
    # validity to end-2027: the month-35 stocks, 10,000 high of 20,000 employed, all skilled high
    r27 = _future(dt.date(2027, 12, 31))
    assert metric("high_skilled_per_10k_end", r27) == pytest.approx(5000.0)
    assert metric("high_share_of_skilled_end", r27) == pytest.approx(1.0)
    assert metric("skilled_stock_end", r27) == metric("high_skilled_stock_end", r27) == 10000.0


def test_zero_bases_give_nan_never_met():
    r = _future()
    r.ladder_counts[23] = 0
    r.flows[:, 1] = 0
    for name in ("high_skilled_per_10k_end", "high_share_of_skilled_end", "graduates_staying_share"):
        assert math.isnan(metric(name, r)), name
    assert metric("skilled_stock_end", r) == 0.0


def test_graduates_staying_share_by_hand():
    # 2025–26: stayed 30 + 40 + 25 + 35 = 130; arrived 100 + 80 = 180 → 130 / 180
    assert metric("graduates_staying_share", _future()) == pytest.approx(130 / 180)
    # 2025–27: (130 + 50) / (180 + 90) = 180 / 270 = 2/3
    assert metric("graduates_staying_share", _future(dt.date(2027, 12, 31))) == pytest.approx(2 / 3)


def test_min_yearly_certified_persons_by_hand():
    r = _future()
    # skilled: 2025 W1, W2 (W1 twice, W3 only 学徒工) = 2; 2026 W1, W4, W6 = 3 → min 2
    assert metric("min_yearly_certified_persons", r) == 2.0
    # high: 2025 W2 = 1; 2026 W1, W4 = 2 → min 1
    assert metric("min_yearly_high_certified_persons", r) == 1.0
    # the totals over the validity, unchanged: W1, W2, W4, W6 = 4; high W1, W2, W4 = 3
    assert metric("new_certified_persons", r) == 4.0 and metric("new_high_certified_persons", r) == 3.0
    r27 = _future(dt.date(2027, 12, 31))
    # 2027 adds W5 (初级工) only: skilled 2, 3, 1 → 1; high 1, 2, 0 → 0
    assert metric("min_yearly_certified_persons", r27) == 1.0
    assert metric("min_yearly_high_certified_persons", r27) == 0.0


def test_part_years_count_only_their_months_in_the_validity():
    r = _future()
    r.scenario.policy.valid_from = dt.date(2025, 7, 1)
    # 2025-07 … 12: W2 only (W1's certificates are in March and June) → 1; 2026: 3 → min 1
    assert metric("min_yearly_certified_persons", r) == 1.0
    # graduates: July-2025 and July-2026 arrivals, the same stayers → still 130 / 180
    assert metric("graduates_staying_share", r) == pytest.approx(130 / 180)


TARGETS = "".join(
    f'[targets.T-{i}]\ntext = "test target on {name}"\nsource = "test"\nmetric = "{name}"\ngoal = {goal}\n'
    for i, (name, goal) in enumerate([
        ("high_skilled_per_10k_end", 1234.5), ("high_share_of_skilled_end", 0.3), ("skilled_stock_end", 500),
        ("high_skilled_stock_end", 100000), ("graduates_staying_share", 0.5), ("min_yearly_certified_persons", 50),
        ("min_yearly_high_certified_persons", 10)]))


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    from conftest import HUISHAN
    path = tmp_path_factory.mktemp("metrics") / "mini_targets.toml"
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + MINI + TARGETS, encoding="utf-8")
    sc = forecast.load_scenario(path)
    return forecast.simulate(sc, seed=5, uncertain=False)


def _by_hand(r) -> dict:
    """The new metrics recomputed with plain loops from the future's tables."""
    pol, start = r.scenario.policy, r.scenario.start
    last = (pol.valid_to.year - start.year) * 12 + pol.valid_to.month - start.month
    first = (pol.valid_from.year - start.year) * 12 + pol.valid_from.month - start.month
    end = [int(x) for x in r.ladder_counts[last]]
    employed, skilled, high = sum(end), sum(end[2:]), sum(end[4:])
    lo, hi = pd.Timestamp(pol.valid_from), pd.Timestamp(pol.valid_to)
    stayed, by_year, high_by_year = 0, {}, {}
    for row in r.events.itertuples():
        if not lo <= row.date <= hi:
            continue
        if row.event == "graduates_stayed":
            stayed += int(row.count)
        if row.event == "certificate" and row.level >= 2:
            by_year.setdefault(row.date.year, set()).add(row.person)
            if row.level >= 4:
                high_by_year.setdefault(row.date.year, set()).add(row.person)
    arrived = sum(int(r.flows[m][1]) for m in range(first, last + 1))
    years = range(pol.valid_from.year, pol.valid_to.year + 1)
    return {"high_skilled_per_10k_end": high / employed * 10000, "high_share_of_skilled_end": high / skilled,
            "skilled_stock_end": skilled, "high_skilled_stock_end": high, "graduates_staying_share": stayed / arrived,
            "min_yearly_certified_persons": min(len(by_year.get(y, ())) for y in years),
            "min_yearly_high_certified_persons": min(len(high_by_year.get(y, ())) for y in years)}


def test_simulated_district_matches_independent_code(simulated):
    r = simulated
    expected = _by_hand(r)
    assert r.scenario.policy.valid_from == dt.date(2025, 1, 1) and r.scenario.policy.valid_to == dt.date(2027, 12, 31)
    for name in NEW:
        assert metric(name, r) == pytest.approx(expected[name]), name
    # a non-trivial future: graduates stayed and were certified each year
    assert 0 < expected["graduates_staying_share"] <= 1 and expected["min_yearly_high_certified_persons"] > 0


def test_an_overlay_declaring_each_new_metric_loads_and_evaluates(simulated):
    r = simulated
    declared = {t.id: t for t in r.scenario.targets}
    assert {declared[f"T-{i}"].metric for i in range(len(NEW))} == set(NEW)
    assert declared["T-0"].goal == 1234.5 and not declared["T-0"].share
    assert declared["T-1"].share and declared["T-4"].share and not declared["T-2"].share
    table = targets.evaluate(r).set_index("target")
    assert table.loc["HS-T1", "metric"] == "new_certified_persons"    # Huishan's own still there
    expected = _by_hand(r)
    for i, name in enumerate(NEW):
        row = table.loc[f"T-{i}"]
        assert row["metric"] == name and row["value"] == pytest.approx(expected[name])
        assert bool(row["met"]) == (expected[name] >= row["goal"])
    assert not table.loc["T-3", "met"]                                 # 100,000 high-skilled: far off


@pytest.mark.parametrize("text, key, why", [
    ('[targets.T-X]\ntext = "t"\nsource = "t"\nmetric = "high_skiled_per_10k_end"\ngoal = 1000\n',
     "targets.T-X.metric", "'high_skiled_per_10k_end' is not allowed"),
    ('[targets.T-X]\ntext = "t"\nsource = "t"\nmetric = "high_share_of_skilled_end"\ngoal = 35\n',
     "targets.T-X.goal", "a share in [0, 1]"),
    ('[targets.T-X]\ntext = "t"\nsource = "t"\nmetric = "skilled_stock_end"\ngoal = 800000.5\n',
     "targets.T-X.goal", "a whole number"),
])
def test_a_misspelt_metric_or_wrong_goal_names_the_file_and_key(overlay, text, key, why):
    path = overlay(text, "bad.toml")
    with pytest.raises(forecast.InputError) as caught:
        forecast.load_scenario(path)
    assert caught.value.file == str(path) and caught.value.key == key and why in str(caught.value)
    status, _, err = forecast_cli("run", str(path))
    assert status == 2 and str(path) in err and key in err


def test_entities_at_end_counts_the_initial_bodies_and_those_created_to_the_end():
    """A stock of bodies ("全市评级机构达到500家", CZ-T14): 3 there at the start (created ≤ 0) +
    2 created in 2025 + 1 in 2026 = 6 at the end of 2026; one created in 2027 (after the
    validity) and another kind's bodies do not count. entities_created counts the 3 new ones."""
    ent = pd.DataFrame({"kind": ["body"] * 7 + ["studio"] * 2,
                        "id": [f"b{i}" for i in range(7)] + ["s1", "s2"],
                        "created": [-10, -3, 0, 2, 11, 14, 30, 1, 5],
                        "initial": [True, True, True, False, False, False, False, False, False]})
    policy = SimpleNamespace(valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2026, 12, 31))
    scenario = SimpleNamespace(start=dt.date(2025, 1, 1), policy=policy)
    r = SimpleNamespace(scenario=scenario, events=frame({}, 0), entities=ent)
    assert metric("entities_at_end", r, "body") == 6.0
    assert metric("entities_created", r, "body") == 3.0
    assert metric("entities_at_end", r, "studio") == 2.0
    assert "entities_at_end" in METRICS
