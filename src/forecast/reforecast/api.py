"""`run_execution`: re-forecast the rest of a policy from the records actually paid, and
write the plan's results folder with the execution files in it (`runs.execution`).

    import forecast
    from forecast.reforecast.api import run_execution
    scenario = forecast.load_scenario("scenarios/huishan")
    ex = run_execution(scenario, "examples/records/huishan_2025Q1.csv", as_of=datetime.date(2025, 3, 31),
                       reps=40, out="results/execution")
    ex.table            # year × rule: plan, actual, committed, reforecast (p5, p95), variance

Two passes over the replications, on any backend: the plan (the forecast without actuals,
which also measures how many events of each kind the model expects by DATE), then the
re-forecast with the rates updated by the records. The results folder is the plan's, as
`forecast run --reps N` writes it, plus execution.csv and its companions
(`outputs.execution_files`); it appears whole or not at all.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from forecast.core.errors import InputError
from forecast.reforecast.files import write_execution
from forecast.results.folder import write_results
from forecast.policy.records import read_records
from forecast.reforecast import execution as exe
from forecast.futures.aggregate import aggregate
from forecast.futures.provenance import now
from forecast.scenario.scenario import Scenario


def check_as_of(scenario: Scenario, as_of: dt.date) -> None:
    """DATE must fall within the policy's period: before it nothing is paid, after it there is
    nothing left to re-forecast."""
    pol = scenario.policy
    if not (pol.valid_from <= as_of <= pol.valid_to):
        raise InputError("--as-of", str(as_of), "outside the policy's period",
                         f"a date from {pol.valid_from} to {pol.valid_to} ({scenario.title})")


def check_kinds(records, scenario: Scenario, file: str) -> None:
    """Records of another policy: kinds this policy neither pays nor models are an error."""
    known = {r.event for r in scenario.policy.rules} | {"certificate"}
    foreign = sorted(set(records["event"]) - known)
    if foreign:
        lines = records.loc[records["event"].isin(foreign), "line"].head(5).tolist()
        raise InputError(file, "event", f"record kinds {', '.join(foreign)} (lines {', '.join(map(str, lines))}…) "
                                        f"are not paid by this policy: records of another policy?",
                         "the kinds of " + scenario.name + ": " + ", ".join(sorted(known)))


def run_execution(scenario: Scenario, records_file: str | Path, *, as_of: dt.date, reps: int = 40, seed: int = 0,
                  out: str | Path, uncertain: bool = True, fixed: frozenset = frozenset(),
                  backend: str = "processes", workers: int | None = None, scheduler: str | None = None,
                  argv: list[str] | None = None, progress: Callable[[int, int], None] | None = None,
                  update: bool = True) -> exe.Execution:
    """The re-forecast as of DATE from the records in `records_file` (docs/records.md).
    `update=False` keeps the scenario's rates (records not complete for every kind)."""
    from forecast.results.api import folder_provenance

    check_as_of(scenario, as_of)
    records = read_records(records_file, scenario.policy)
    check_kinds(records, scenario, str(records_file))
    started = now()
    common = dict(backend=backend, workers=workers, scheduler=scheduler, progress=progress)
    plan_items = exe.plan_pass(scenario, as_of, reps=reps, seed=seed, uncertain=uncertain, fixed=fixed, **common)
    ex = exe.reforecast(scenario, records, as_of, plan_items, seed=seed, uncertain=uncertain, fixed=fixed,
                        update=update, **common)
    agg = aggregate(scenario, [i.record for i in plan_items], seed, uncertain, fixed)
    agg.summary["execution"] = {"as_of": str(as_of), "records": str(records_file), "file": "execution.csv"}
    write_results(agg, out, folder_provenance(scenario, seed=seed, reps=reps, uncertain=uncertain, fixed=fixed,
                                        backend=backend, started=started, argv=argv, workers=workers),
                  extra=lambda folder: write_execution(folder, ex, str(records_file)))
    return ex
