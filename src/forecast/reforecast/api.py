"""`run_execution`: re-forecast the rest of a policy from the records actually paid, and
write the plan's results folder with the execution files in it (`reforecast/execution.py`).

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
(`reforecast/files.py`); it appears whole or not at all. Both passes save their replications in
one checkpoint beside the folder, so an interrupted re-forecast resumes (`Compute.resume`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from forecast.core.errors import InputError
from forecast.reforecast.files import write_execution
from forecast.results.folder import write_results
from forecast.policy.records import read_records
from forecast.reforecast import execution as exe
from forecast.futures.aggregate import aggregate
from forecast.futures.checkpoint import Checkpoint, checkpoint_dir, file_sha256
from forecast.futures.provenance import now, scenario_hash
from forecast.futures.settings import Compute, Draws
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


def run_execution(scenario: Scenario, records_file: str | Path, *, as_of: dt.date, reps: int = 40, out: str | Path,
                  draws: Draws = Draws(), compute: Compute = Compute(), argv: list[str] | None = None,
                  update: bool = True) -> exe.Execution:
    """The re-forecast as of DATE from the records in `records_file` (docs/records.md).
    `update=False` keeps the scenario's rates (records not complete for every kind). `draws`:
    the seed, --central and --fix; `compute`: the backend, resume (both passes share a
    checkpoint beside `out`, removed once the folder is written) and progress (of both passes)."""
    from forecast.results.api import folder_provenance

    check_as_of(scenario, as_of)
    records = read_records(records_file, scenario.policy)
    check_kinds(records, scenario, str(records_file))
    started = now()
    cp = Checkpoint(checkpoint_dir(out))
    meta = {"kind": "reforecast", "scenario": scenario.name, "scenario_sha256": scenario_hash(scenario),
            **draws.to_json(), "reps": reps, "as_of": str(as_of), "records_sha256": file_sha256(records_file),
            "update": update}
    plans = exe.plan_pass(scenario, as_of, reps=reps, draws=draws, compute=compute.counting_from(0, 2 * reps),
                          checkpoint=cp, meta=meta)
    ex = exe.reforecast(scenario, records, as_of, plans, draws=draws, update=update, checkpoint=cp, meta=meta,
                        compute=replace(compute, resume=True).counting_from(reps, 2 * reps))
    agg = aggregate(scenario, {r: p.summary for r, p in enumerate(plans)}, draws)
    agg.summary["execution"] = {"as_of": str(as_of), "records": str(records_file), "file": "execution.csv"}
    write_results(agg, out, folder_provenance(scenario, draws=draws, reps=reps, backend=compute.backend,
                                              started=started, argv=argv, workers=compute.workers),
                  extra=lambda folder: write_execution(folder, ex, str(records_file)))
    cp.remove()
    return ex
