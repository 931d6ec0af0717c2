"""Make `huishan_synthetic_2026H1.csv`: the records a district would hold on 2026-06-30, taken
from one simulated future of scenarios/huishan — a worked example for budget execution
(`forecast run --actuals`), not real data.

The future is replication 0 of seed 11 with two rates set above the scenario's central values
(pairings 400 a year, lecture groups 150 a year: a programme running hot), so the re-forecast
has something to find. Its events dated on or before 2026-06-30 become records
(`forecast.policy.records.write_records`); certificates are kept when a paid programme issued
them (the night school) or their holder is a paired apprentice (their level and date matter to
the milestones), as an administrator's records would hold them.

    python examples/records/make_synthetic.py
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import forecast
from forecast.policy.records import write_records

HERE = Path(__file__).parent
AS_OF = "2026-06-30"
GIVEN = {"pathways.apprenticeship.pairings_per_year": 400.0, "activities.lecture_group.per_year": 150.0}


def main() -> None:
    scenario = forecast.load_scenario(HERE.parent.parent / "scenarios" / "huishan")
    result = forecast.simulate(scenario, seed=11, given=GIVEN)
    ev = result.events[result.events["date"] <= pd.Timestamp(AS_OF)]
    apprentices = set(ev.loc[ev["event"] == "pairing", "person"])
    cert = ev["event"] == "certificate"
    keep = ~cert | (ev["programme"] == "night_school") | ev["person"].isin(apprentices)
    path = write_records(ev[keep].reset_index(drop=True), HERE / "huishan_synthetic_2026H1.csv")
    print(f"{path}: {int(keep.sum())} records to {AS_OF}")


if __name__ == "__main__":
    main()
