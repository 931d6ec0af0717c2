"""Monte Carlo forecasts: N futures of a scenario, reduced as they finish, aggregated into bands.

Replication r draws the uncertain parameters once (epistemic) from one child of
`SeedSequence(seed).spawn(N)[r]` and simulates with another (aleatory), exactly as
`simulate(scenario, seed, r)` does, so any backend and any number of workers give the same
numbers. Each finished replication is reduced at once to a compact `Record` (yearly outlays
by rule, cash and in kind, what is committed after the policy's end, the targets' values,
the monthly ladder stocks and the drawn scalar parameters: a few kilobytes) and saved in the
checkpoint; full results and ledgers are never held for more than one replication.

`aggregate` turns the records (in replication order) into the statistics written to the
results folder: means and 5/25/50/75/95th percentiles by year × rule, the probability that
each target is met with its Monte Carlo standard error, the ladder with bands, and
summary.json with the Monte Carlo error of the headline figures and a convergence verdict
(the rule is `CONVERGENCE_RULE`).
"""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import tomli_w

from forecast.runs import backends

from forecast.policy import ladder
from forecast.core.atomic import atomic_dir
from forecast.runs.bands import STATS, TOTAL, bands
from forecast.runs.checkpoint import Checkpoint, checkpoint_dir
from forecast.scenario.params import Param
from forecast.runs.provenance import now, provenance, scenario_hash, scenario_spec, write_provenance
from forecast.scenario.scenario import Scenario
from forecast.core.serialise import plain

IN_KIND_PREFIX = "in_kind:"
#: convergence tolerances: MC standard error at most this share of an outlay total's mean …
REL_TOLERANCE = 0.01
#: … or at most this for a probability of meeting a target
PROB_TOLERANCE = 0.02
CONVERGENCE_RULE = (
    "MC SE = standard deviation across replications / sqrt(N). A headline figure is settled when "
    "(1) no drift: the means of the first and the second half of the replications (in replication "
    "order) differ by at most 2 standard errors of that difference, and (2) precision: its MC SE is at "
    f"most {REL_TOLERANCE:.0%} of its mean (outlay totals) or {PROB_TOLERANCE} (probability of meeting "
    "a target; for this check the probability is estimated as (k+1)/(N+2), so that 0 or N successes "
    "in few replications do not pass as exact). When every headline figure is settled, more "
    "replications are expected to move none of them by more than its tolerance; otherwise "
    "reps_needed = N*(SE/tolerance)^2 estimates how many replications would settle it.")
#: testing hook: stop (as if by Ctrl-C) after this many replications computed by this run
STOP_AFTER_ENV = "FORECAST_STOP_AFTER"


# --- one replication -------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    """What every replication of a run shares (sent once to each worker)."""

    scenario: Scenario
    seed: int
    uncertain: bool = True
    keep_ledgers: bool = False


@dataclass
class Record:
    """One replication reduced to what the aggregates need (a few kilobytes)."""

    rep: int
    outlays: np.ndarray      # years × cash rules, yuan
    in_kind: np.ndarray      # years × in-kind rules, yuan
    committed: float         # cash outlays dated after the policy's end, yuan
    targets: np.ndarray      # value of each target
    ladder: np.ndarray       # months × 9 levels: stocks at each month's end
    params: dict             # parameter path → value drawn (scalars only)
    ledger: pd.DataFrame | None = field(default=None, repr=False)

    def to_json(self) -> dict:
        return {"rep": self.rep, "outlays": self.outlays.tolist(), "in_kind": self.in_kind.tolist(),
                "committed": float(self.committed), "targets": self.targets.tolist(),
                "ladder": self.ladder.tolist(), "params": self.params}

    @classmethod
    def from_json(cls, d: dict) -> "Record":
        return cls(int(d["rep"]), np.array(d["outlays"], dtype=float).reshape(len(d["outlays"]), -1),
                   np.array(d["in_kind"], dtype=float).reshape(len(d["in_kind"]), -1), float(d["committed"]),
                   np.array(d["targets"], dtype=float), np.array(d["ladder"], dtype=np.int64), dict(d["params"]))


def scalar_parameters(scenario: Scenario, values: dict) -> dict:
    """Every scalar parameter's value in one replication, by path (e.g. fund.return_rate)."""
    out = {}

    def visit(tree, vals, prefix):
        for key, spec in tree.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(spec, dict):
                visit(spec, vals[key], path)
            elif isinstance(spec, Param):
                v = vals[key]
                out[path] = int(v) if isinstance(v, (int, np.integer)) else float(v)
    visit(scenario.sections, values, "")
    return out


def reduce_result(result, keep_ledger: bool = False) -> Record:
    """The compact record of one simulated future."""
    pol = result.scenario.policy
    led = result.ledger
    cash = led[~led["in_kind"].astype(bool)]
    committed = float(cash.loc[cash["date"] > pd.Timestamp(pol.valid_to), "amount"].sum())
    ledger = None
    if keep_ledger:
        ledger = led.copy()
        ledger.insert(0, "rep", result.replication)
    return Record(rep=result.replication, outlays=result.outlays().to_numpy(dtype=float),
                  in_kind=result.outlays(in_kind=True).to_numpy(dtype=float), committed=committed,
                  targets=result.targets()["value"].to_numpy(dtype=float),
                  ladder=np.asarray(result.ladder_counts, dtype=np.int64).copy(),
                  params=scalar_parameters(result.scenario, result.values), ledger=ledger)


def replicate(task: Task, rep: int) -> Record:
    """Simulate replication `rep` of the run and reduce it (runs on a worker)."""
    from forecast.runs.simulate import simulate
    return reduce_result(simulate(task.scenario, task.seed, rep, uncertain=task.uncertain), task.keep_ledgers)


# --- aggregation ------------------------------------------------------------------------------
def convergence(x: np.ndarray, probability: bool = False) -> dict:
    """Monte Carlo error of a mean over replications and whether it has settled (CONVERGENCE_RULE)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    mean = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf
    if probability:
        pt = (float(x.sum()) + 1.0) / (n + 2.0)
        se_check, tol = math.sqrt(pt * (1.0 - pt) / n), PROB_TOLERANCE
    else:
        se_check, tol = se, REL_TOLERANCE * abs(mean)
    h = n // 2
    out = {"mc_se": _num(se if n > 1 else None), "tolerance": _num(tol)}
    if h >= 2:
        a, b = x[:h], x[h:]
        diff = float(a.mean() - b.mean())
        se_diff = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        no_drift = abs(diff) <= 2.0 * se_diff
        out.update(first_half_mean=_num(a.mean()), second_half_mean=_num(b.mean()),
                   halves_differ_in_se=_num(diff / se_diff) if se_diff > 0 else 0.0)
    else:
        no_drift = False
        out.update(first_half_mean=None, second_half_mean=None, halves_differ_in_se=None)
    precise = se_check <= tol
    needed = n if precise else (math.ceil(n * (se_check / tol) ** 2) if tol > 0 and math.isfinite(se_check) else None)
    out.update(no_drift=bool(no_drift), precise=bool(precise), settled=bool(no_drift and precise),
               reps_needed=None if needed is None else max(n, int(needed)))
    return out


def _num(v, digits: int = 6):
    if v is None:
        return None
    v = float(v)
    return round(v, digits) if math.isfinite(v) else None


@dataclass
class Aggregate:
    """Everything a Monte Carlo results folder holds, as tables."""

    scenario: Scenario
    seed: int
    reps: int
    uncertain: bool
    outlays_mean: pd.DataFrame       # year × cash rule, yuan (mean over replications)
    outlays_stats: pd.DataFrame      # long: year, rule (and total), mean, p5 … p95
    targets: pd.DataFrame            # target, text, metric, goal, probability, mc_se, value_mean …
    ladder_bands: pd.DataFrame       # long: month, series, mean, p5 … p95
    ladder_mean: pd.DataFrame        # month × level mean stocks (for the ladder chart)
    replications: pd.DataFrame       # replication, year, cash rules, total, in-kind rules
    parameters: pd.DataFrame         # replication × scalar parameter
    summary: dict = field(default_factory=dict)


def aggregate(scenario: Scenario, records: list[Record], seed: int, uncertain: bool = True) -> Aggregate:
    """Statistics over the replications, computed in replication order (so every backend,
    and a resumed run, give the same bytes)."""
    records = sorted(records, key=lambda r: r.rep)
    n = len(records)
    if not n:
        raise ValueError("no replications to aggregate")
    years = scenario.years
    rules = scenario.policy.rules
    cash = [r.id for r in rules if not r.in_kind]
    in_kind = [r.id for r in rules if r.in_kind]
    O = np.stack([r.outlays for r in records])                      # N × Y × R
    IK = np.stack([r.in_kind for r in records]).reshape(n, len(years), len(in_kind))
    tot = O.sum(axis=2)                                               # N × Y
    committed = np.array([r.committed for r in records])
    V = np.stack([r.targets for r in records]) if scenario.targets else np.zeros((n, 0))
    L = np.stack([r.ladder for r in records])                       # N × T × 9

    mean = pd.DataFrame(O.mean(axis=0), index=pd.Index(years, name="year"), columns=cash)

    s_rules, s_tot = bands(O), bands(tot)
    rows = []
    for yi, y in enumerate(years):
        for ri, rid in enumerate(cash):
            rows.append([y, rid] + [s_rules[k][yi, ri] for k in STATS])
        rows.append([y, TOTAL] + [s_tot[k][yi] for k in STATS])
    stats = pd.DataFrame(rows, columns=["year", "rule"] + STATS)

    trows = []
    for j, t in enumerate(scenario.targets):
        met = (V[:, j] >= t.goal).astype(float)
        p = float(met.mean())
        sv = bands(V[:, j])
        trows.append({"target": t.id, "text": t.text, "metric": t.metric, "goal": t.goal, "probability": p,
                      "mc_se": math.sqrt(p * (1 - p) / n),
                      **{f"value_{k}": float(sv[k]) for k in STATS}})
    targets = pd.DataFrame(trows, columns=["target", "text", "metric", "goal", "probability", "mc_se"]
                           + [f"value_{k}" for k in STATS])

    months = [str(d)[:7] for d in np.datetime64(scenario.start, "M") + np.arange(scenario.months)]
    employed = L.sum(axis=2)
    series = {name: L[:, :, k] for k, name in enumerate(ladder.NAMES)}
    series["employed"] = employed
    series["skilled_share"] = L[:, :, ladder.SKILLED_MIN:].sum(axis=2) / employed
    series["high_skilled_share"] = L[:, :, ladder.HIGH_SKILLED_MIN:].sum(axis=2) / employed
    parts = []
    for name, arr in series.items():
        st = bands(arr)
        parts.append(pd.DataFrame({"month": months, "series": name, **{k: st[k] for k in STATS}}))
    ladder_bands = pd.concat(parts, ignore_index=True)
    ladder_bands["_order"] = np.tile(np.arange(len(months)), len(series))
    ladder_bands = ladder_bands.sort_values(["_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
    ladder_mean = pd.DataFrame(L.mean(axis=0), columns=list(ladder.NAMES))
    ladder_mean.insert(0, "month", months)
    ladder_mean["employed"] = employed.mean(axis=0)

    reps = np.array([r.rep for r in records])
    wide = {"replication": np.repeat(reps, len(years)), "year": np.tile(np.asarray(years, dtype=np.int64), n)}
    for ri, rid in enumerate(cash):
        wide[rid] = O[:, :, ri].reshape(-1)
    wide[TOTAL] = tot.reshape(-1)
    for ri, rid in enumerate(in_kind):
        wide[IN_KIND_PREFIX + rid] = IK[:, :, ri].reshape(-1)
    replications = pd.DataFrame(wide)

    names = list(records[0].params)
    parameters = pd.DataFrame([[r.rep] + [r.params[k] for k in names] for r in records],
                              columns=["replication"] + names)

    agg = Aggregate(scenario, seed, n, uncertain, mean, stats, targets, ladder_bands, ladder_mean, replications, parameters)
    agg.summary = _summary(agg, tot, committed, IK, V)
    return agg


def _summary(agg: Aggregate, tot: np.ndarray, committed: np.ndarray, IK: np.ndarray, V: np.ndarray) -> dict:
    sc = agg.scenario
    pol = sc.policy
    years = sc.years
    in_period = np.array([pol.valid_from.year <= y <= pol.valid_to.year for y in years])

    def figure(x):
        st = bands(x)
        return {"mean": round(float(st["mean"]), 2), **{k: round(float(st[k]), 2) for k in STATS[1:]},
                **convergence(x)}

    headline = {
        "outlays_yuan_in_policy_period": figure(tot[:, in_period].sum(axis=1)),
        "outlays_yuan_horizon": figure(tot.sum(axis=1)),
        "committed_after_policy_yuan": figure(committed),
        "in_kind_yuan_horizon": figure(IK.sum(axis=(1, 2))),
    }
    by_year = {}
    for yi, y in enumerate(years):
        st = bands(tot[:, yi])
        se = float(tot[:, yi].std(ddof=1) / math.sqrt(agg.reps)) if agg.reps > 1 else None
        by_year[str(y)] = {"mean": round(float(st["mean"]), 2), "p5": round(float(st["p5"]), 2),
                           "p50": round(float(st["p50"]), 2), "p95": round(float(st["p95"]), 2),
                           "mc_se": None if se is None else round(se, 2)}
    targets = []
    for j, t in enumerate(sc.targets):
        met = (V[:, j] >= t.goal).astype(float)
        row = agg.targets.iloc[j]
        targets.append({"target": t.id, "metric": t.metric, "goal": t.goal,
                        "probability": round(float(row["probability"]), 6), **convergence(met, probability=True),
                        "value_mean": _num(row["value_mean"]), "value_p5": _num(row["value_p5"]),
                        "value_p95": _num(row["value_p95"])})
        targets[-1]["mc_se"] = round(float(row["mc_se"]), 6)
    checks = list(headline.values()) + targets
    settled = all(c["settled"] for c in checks)
    needed = [c["reps_needed"] for c in checks]
    return {
        "scenario": sc.name,
        "title": sc.title,
        "reps": agg.reps,
        "seed": agg.seed,
        "uncertain_parameters": agg.uncertain,
        "streams": "replication r uses numpy.random.SeedSequence(seed).spawn(reps)[r]: parameters from one child, "
                   "dynamics from another",
        "policy_validity": [str(pol.valid_from), str(pol.valid_to)],
        "horizon": [str(sc.start), str(sc.end)],
        "headline": headline,
        "outlays_yuan_by_year": by_year,
        "targets": targets,
        "convergence": {
            "rule": CONVERGENCE_RULE,
            "settled": settled,
            "more_replications_would_change_headline": not settled,
            "reps_needed": None if any(v is None for v in needed) else max(needed),
            "unsettled": [k for k, c in headline.items() if not c["settled"]]
                         + [t["target"] for t in targets if not t["settled"]],
        },
    }


# --- files ------------------------------------------------------------------------------------
def write_results(agg: Aggregate, out: str | Path, provenance_record: Callable[[], dict] | dict,
                  ledgers: dict[int, Path] | None = None) -> Path:
    """Every output of a Monte Carlo run into `out`, atomically (provenance.json last)."""
    from forecast.outputs.charts import fan_chart, ladder_chart, outlays_chart
    out = Path(out)
    sc = agg.scenario
    with atomic_dir(out) as tmp:
        spec = tomli_w.dumps(plain(scenario_spec(sc)))
        (tmp / "scenario.resolved.toml").write_text(
            "# Monte Carlo run: the scenario as specified, every parameter with its distribution.\n"
            "# Each replication's drawn values are in parameters.csv.\n" + spec, encoding="utf-8")
        agg.outlays_mean.assign(total=agg.outlays_mean.sum(axis=1)).to_csv(tmp / "outlays.csv", float_format="%.2f")
        agg.outlays_stats.to_csv(tmp / "outlays_stats.csv", index=False, float_format="%.2f")
        agg.targets.to_csv(tmp / "targets.csv", index=False)
        agg.ladder_bands.to_csv(tmp / "ladder_bands.csv", index=False, float_format="%.6f")
        agg.replications.to_parquet(tmp / "replications.parquet", index=False)
        agg.parameters.to_csv(tmp / "parameters.csv", index=False)
        (tmp / "summary.json").write_text(json.dumps(agg.summary, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
        outlays_chart(agg.outlays_mean, sc, tmp / "outlays.png")
        ladder_chart(agg.ladder_mean, tmp / "ladder.png")
        fan_chart(agg.outlays_stats[agg.outlays_stats["rule"] == TOTAL], sc, agg.reps, tmp / "outlays_fan.png")
        if ledgers:
            (tmp / "ledgers").mkdir()
            for rep in sorted(ledgers):
                _link_or_copy(ledgers[rep], tmp / "ledgers" / ledgers[rep].name)
        write_provenance(tmp, provenance_record() if callable(provenance_record) else provenance_record)
    return out


def _link_or_copy(src: Path, dst: Path) -> None:
    import shutil
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)



# --- the run ----------------------------------------------------------------------------------
@dataclass
class RunInfo:
    """How a run went: for the message at its end."""

    reps: int
    resumed: int
    computed: int
    seconds: float
    out: Path


def run_monte_carlo(scenario: Scenario, *, seed: int = 0, reps: int, out: str | Path, uncertain: bool = True,
                    backend: str = "processes", workers: int | None = None, scheduler: str | None = None,
                    resume: bool = False, keep_ledgers: bool = False, argv: list[str] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    on_start: Callable[[int, int], None] | None = None) -> tuple[Aggregate, RunInfo]:
    """Run (or resume) `reps` replications, checkpointing each, then write the results folder.

    `progress(done, reps)` is called as replications finish; `on_start(resumed, reps)` once
    the checkpoint is read. KeyboardInterrupt leaves the checkpoint and no results folder.
    """
    out = Path(out)
    started = now()
    t0 = time.perf_counter()
    cp = Checkpoint(checkpoint_dir(out))
    meta = {"scenario": scenario.name, "scenario_sha256": scenario_hash(scenario), "seed": seed, "reps": reps,
            "uncertain": uncertain, "keep_ledgers": keep_ledgers}
    if resume:
        saved = cp.resume(meta)
    else:
        cp.start(meta)
        saved = {}
    records = {rep: Record.from_json(d) for rep, d in saved.items()}
    if on_start:
        on_start(len(records), reps)
    if progress:
        progress(len(records), reps)
    stop_after = int(os.environ.get(STOP_AFTER_ENV, "0") or 0)
    task = Task(scenario, seed, uncertain, keep_ledgers)
    todo = [r for r in range(reps) if r not in records]
    computed = 0
    for rec in backends.run(replicate, task, todo, backend=backend, workers=workers, scheduler=scheduler):
        cp.save(rec.rep, rec.to_json(), rec.ledger)
        rec.ledger = None
        records[rec.rep] = rec
        computed += 1
        if progress:
            progress(len(records), reps)
        if stop_after and computed >= stop_after and len(records) < reps:
            raise KeyboardInterrupt(f"{STOP_AFTER_ENV}={stop_after}")
    agg = aggregate(scenario, list(records.values()), seed, uncertain)
    ledgers = {r: cp.ledger_path(r) for r in range(reps)} if keep_ledgers else None

    def record() -> dict:
        return provenance(scenario, seed=seed, reps=reps, uncertain=uncertain, backend=backend, started=started,
                          ended=now(), argv=argv, scenario_file="scenario.resolved.toml (the specification; "
                          "drawn values per replication in parameters.csv)",
                          extra={"workers": 1 if backend == "serial" else (workers or (None if scheduler else
                                                                                      backends.default_workers())),
                                 "scheduler": scheduler, "resumed_replications": len(saved),
                                 "keep_ledgers": keep_ledgers, "scenario_spec": plain(scenario_spec(scenario), dates_as_text=True)})
    write_results(agg, out, record, ledgers)
    cp.remove()
    return agg, RunInfo(reps, len(saved), computed, time.perf_counter() - t0, out)
