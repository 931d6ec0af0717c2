"""The results folder: one layout, one writer, one reader.

`forecast run` writes the same files whether it runs one future or N (a single run is a
Monte Carlo run of one replication), and may add that future's ledger and events. `CONTENTS`
below lists every file and what it holds (the documentation's results-folder reference is
generated from it).

`read_results` reads exactly this layout back into the `Aggregate` the writer was given, and
refuses anything else with a message naming the file and what is missing.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable

import pandas as pd
import tomli_w

from forecast.core.atomic import atomic_dir
from forecast.core.errors import InputError
from forecast.core.serialise import plain
from forecast.futures.aggregate import IN_KIND_PREFIX, TARGET_COLUMNS, Aggregate
from forecast.futures.provenance import scenario_spec, write_provenance
from forecast.futures.statistics import STATS, TOTAL
from forecast.scenario.scenario import load_scenario

SCENARIO_FILE = "scenario.resolved.toml"
#: Every file a results folder holds: (file, when it is there, what it contains). The one list of
#: the layout for people; docs/gen/reference.py turns it into the results-folder reference page.
CONTENTS = (
    (SCENARIO_FILE, "always",
     "the scenario as run, every parameter with its specification (nothing drawn): a scenario file that "
     "`load_scenario` reads back to the same fingerprint"),
    ("outlays.csv", "always", "mean fund outlays in yuan, year × cash rule, and the yearly total"),
    ("outlays_stats.csv", "always", "long: year, rule (and `total`), mean, p5, p25, p50, p75, p95 in yuan"),
    ("targets.csv", "always",
     "target, text, metric, goal, `set_by` (the parameters whose assumed values set the target; empty for a "
     "forecast target), probability of being met, its Monte Carlo standard error, value mean and percentiles"),
    ("ladder_bands.csv", "always",
     "long: month, series, mean and percentiles; series are the month-end stocks by level, employed, the skilled "
     "and high-skilled shares, the month's hires, graduates and exits, and the waiting lists (`waiting:NAME`)"),
    ("replications.parquet", "always",
     "per replication and year: outlays by cash rule, `total`, and in-kind rules as `in_kind:RULE`"),
    ("parameters.csv", "always",
     "one row per replication, one column per scalar parameter: the value drawn (e.g. `fund.principal`)"),
    ("summary.json", "always",
     "seed, replications, pinned parameters, headline figures (policy-period and horizon totals, committed after "
     "the policy, owed after the horizon, in kind) with percentiles, Monte Carlo error and the convergence "
     "verdict, outlays by year, target probabilities with `set_by`, and for a budget appropriation a `fund` "
     "block; one future's summary holds each "
     "figure's value only and says it is one future (`one_future`)"),
    ("outlays.png", "always", "chart: mean outlays by article and year"),
    ("ladder.png", "always", "chart: mean employment by skill level, month by month"),
    ("outlays_fan.png", "always", "chart: fan of the yearly total outlays (median, 50 % and 90 % bands)"),
    ("provenance.json", "always",
     "what made the folder: package version, git commit, command line, seed, replications, backend, workers, "
     "scenario files, fingerprint and specification, start and end time (the one file that differs between "
     "two runs of the same seed)"),
    ("ledger.csv", "one future (`--reps 1`)",
     "every payout line: date owed, `paid_on` (after the rule's payment lag), budget year, rule, article, "
     "recipient kind and id, person, base, uplift rate, uplift, amount, in-kind flag, event index"),
    ("events.parquet", "one future (`--reps 1`)",
     "every simulated event, in the record format of `forecast payouts`"),
    ("ledgers/rep-NNNNNN.parquet", "N futures with `--keep-ledgers`",
     "each replication's ledger, with a `rep` column"),
)
#: file → what it is, for the reader's messages; every one must be present
FILES = {SCENARIO_FILE: "the scenario", "outlays.csv": "mean outlays", "outlays_stats.csv": "outlay statistics",
         "targets.csv": "targets", "ladder_bands.csv": "monthly bands", "replications.parquet": "replications",
         "parameters.csv": "drawn parameters", "summary.json": "summary"}
HEADER = ("# The scenario as run: every parameter with its specification (nothing drawn).\n"
          "# Each replication's drawn values are in parameters.csv.\n")


def write_results(agg: Aggregate, out: str | Path, provenance: Callable[[], dict] | dict,
                  ledgers: dict[int, Path] | None = None, result=None,
                  extra: Callable[[Path], None] | None = None) -> Path:
    """Every output of a run into `out`, atomically (provenance.json last). `result` (the one
    simulated future of a single run) adds its ledger.csv and events.parquet; `ledgers`
    (replication → parquet file) are linked into ledgers/; `extra(folder)` writes further
    files of the same run into the folder before it appears (a re-forecast's execution files)."""
    from forecast.results.charts import fan_chart, ladder_chart, outlays_chart

    out = Path(out)
    sc = agg.scenario
    with atomic_dir(out) as tmp:
        (tmp / SCENARIO_FILE).write_text(HEADER + tomli_w.dumps(plain(scenario_spec(sc))), encoding="utf-8")
        agg.outlays_mean.assign(total=agg.outlays_mean.sum(axis=1)).to_csv(tmp / "outlays.csv", float_format="%.2f")
        agg.outlays_stats.to_csv(tmp / "outlays_stats.csv", index=False, float_format="%.2f")
        agg.targets.to_csv(tmp / "targets.csv", index=False)
        agg.ladder_bands.to_csv(tmp / "ladder_bands.csv", index=False, float_format="%.6f")
        agg.replications.to_parquet(tmp / "replications.parquet", index=False)
        agg.parameters.to_csv(tmp / "parameters.csv", index=False)
        (tmp / "summary.json").write_text(json.dumps(agg.summary, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
        outlays_chart(agg.outlays_mean, sc, tmp / "outlays.png")
        ladder_chart(agg.ladder_bands, tmp / "ladder.png")
        fan_chart(agg.outlays_stats[agg.outlays_stats["rule"] == TOTAL], sc, agg.reps, tmp / "outlays_fan.png")
        if result is not None:
            result.ledger.to_csv(tmp / "ledger.csv", index=False, float_format="%.2f", date_format="%Y-%m-%d")
            result.events.to_parquet(tmp / "events.parquet", index=False)
        if ledgers:
            (tmp / "ledgers").mkdir()
            for rep in sorted(ledgers):
                _link_or_copy(ledgers[rep], tmp / "ledgers" / ledgers[rep].name)
        if extra is not None:
            extra(tmp)
        write_provenance(tmp, provenance() if callable(provenance) else provenance)
    return out


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def read_results(folder: str | Path) -> Aggregate:
    """The aggregate a results folder was written from; InputError if it is not such a folder."""
    d = Path(folder)
    if not d.is_dir():
        raise InputError(str(d), "", "results folder not found", "a folder written by `forecast run`")
    missing = [name for name in FILES if not (d / name).is_file()]
    if missing:
        raise InputError(str(d), "", f"not a results folder of this version of forecast: missing "
                                     f"{', '.join(missing)}", "a folder written by `forecast run` (run it again)")
    try:
        scenario = load_scenario(d / SCENARIO_FILE)
    except InputError as exc:
        raise InputError(str(d), "", f"not a results folder of this version of forecast: its scenario does not "
                                     f"load ({exc})", "a folder written by `forecast run` (run it again)") from None
    try:
        summary = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(d / "summary.json"), "", f"unreadable: {exc}", "the summary.json `forecast run` writes")
    for key in ("seed", "reps", "uncertain_parameters", "fixed_parameters"):
        if key not in summary:
            raise InputError(str(d / "summary.json"), key, "missing", "the summary.json `forecast run` writes")
    cash = scenario.policy.rule_ids()
    in_kind = [IN_KIND_PREFIX + r for r in scenario.policy.rule_ids(in_kind=True)]
    outlays = _csv(d, "outlays.csv", ["year"] + cash + [TOTAL]).set_index("year")[cash]
    stats = _csv(d, "outlays_stats.csv", ["year", "rule"] + STATS)
    targets = _csv(d, "targets.csv", TARGET_COLUMNS)
    targets["set_by"] = targets["set_by"].fillna("").astype(str)   # "" is read back as NaN
    bands = _csv(d, "ladder_bands.csv", ["month", "series"] + STATS)
    reps = _table(d / "replications.parquet", pd.read_parquet(d / "replications.parquet"),
                  ["replication", "year"] + cash + [TOTAL] + in_kind)
    params = _csv(d, "parameters.csv", ["replication"], exact=False)
    if len(params) != summary["reps"] or reps["replication"].nunique() != summary["reps"]:
        raise InputError(str(d), "", f"summary.json says {summary['reps']} replications, parameters.csv has "
                                     f"{len(params)}", "the files of one run")
    return Aggregate(scenario, int(summary["seed"]), int(summary["reps"]), bool(summary["uncertain_parameters"]),
                     outlays, stats, targets, bands, reps, params, summary, tuple(summary["fixed_parameters"]))


def _csv(d: Path, name: str, columns: list, exact: bool = True) -> pd.DataFrame:
    return _table(d / name, pd.read_csv(d / name), columns, exact)


def _table(path: Path, df: pd.DataFrame, columns: list, exact: bool = True) -> pd.DataFrame:
    """The table with the columns the writer writes, or InputError naming what differs."""
    have = list(df.columns)
    if (have != columns) if exact else (have[: len(columns)] != columns):
        raise InputError(str(path), "", f"columns {have} are not those forecast writes",
                         f"{', '.join(columns)}{'' if exact else ', …'}")
    return df
