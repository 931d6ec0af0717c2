"""`optimise`: the cheapest setting of some keys that meets a target with a required
probability, searched on common random numbers and checked out of sample; writes the folder.

    from forecast.planner.optimise import optimise
    from forecast.scenario.settings import parse_vary
    r = optimise("scenarios/huishan", target="HS-T1", probability=0.8,
                 vary=[parse_vary("rules.HS-A8a.amount=1000:6000", steps=False)], reps=40, out="results/opt")
    r.optimum, r.out_of_sample, r.verdict

The search itself is `planner/search.py` (method and limits in its docstring); here each batch
of candidates is one paired run (`planner.paired.run_paired`, no repricing) of the scenario with
the candidates' settings, on replications 0 … N−1, checkpointed in a temporary folder beside
the output that is removed afterwards. The cheapest feasible candidate is then re-run on
replications N … 2N−1 (out of sample). No feasible candidate is an answer, not an error: the
folder is written with the verdict and without optimum.toml.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecast.core.atomic import make_dirs
from forecast.core.errors import InputError
from forecast.planner.optimum_files import optimum_overlay, points_table, write_optimum
from forecast.planner import search as opt
from forecast.planner.paired import run_paired
from forecast.futures.provenance import now, provenance, scenario_hash
from forecast.futures.settings import Compute, Draws
from forecast.scenario.scenario import load_scenario
from forecast.scenario.settings import Vary, lookup, parse_sets


@dataclass
class OptimumResult:
    """A finished search: every candidate, the optimum (None when none is feasible), its
    out-of-sample estimate, the verdict sentence and the summary written to optimise.json."""

    points: pd.DataFrame
    search: opt.Search
    optimum: opt.Candidate | None
    out_of_sample: opt.Estimate | None
    meets_out_of_sample: bool | None
    verdict: str
    summary: dict
    out: Path
    seconds: float


def _number(node):
    if isinstance(node, dict) and "value" in node:
        node = node["value"]
    return node if isinstance(node, (int, float)) and not isinstance(node, bool) else None


def check_inputs(scenario_path, target: str, probability: float, vary: list, within: float | None, reps: int,
                 max_evals: int, sets) -> tuple:
    """Validate everything before any replication runs; return (scenario, target index)."""
    if not 0 < probability < 1:
        raise InputError("--probability", "", f"{probability:g} is not strictly between 0 and 1", "0 < P < 1")
    if within is not None and not 0 < within < 1:
        raise InputError("--within-returns", "", f"{within:g} is not strictly between 0 and 1", "0 < Q < 1")
    if reps < 2:
        raise InputError("--reps", "", f"{reps} replications", "a whole number ≥ 2 (a probability needs its error)")
    if max_evals < 2:
        raise InputError("--max-evals", "", f"{max_evals} evaluations", "a whole number ≥ 2")
    if not vary:
        raise InputError("--vary", "", "nothing to vary", "one or more --vary KEY=LOW:HIGH")
    keys = [v.key for v in vary]
    if len(set(keys)) != len(keys):
        raise InputError("--vary", keys[0], "a key is varied twice", "each key once")
    for s in sets:
        if s.key in keys:
            raise InputError("--set", s.key, "is also varied", "a key either set or varied, not both")
    scenario = load_scenario(scenario_path, sets)
    ids = [t.id for t in scenario.targets]
    if target not in ids:
        raise InputError("--target", target, "not a target of the scenario", ", ".join(ids))
    t = scenario.targets[ids.index(target)]
    if t.set_by:
        forecast_ids = ", ".join(x.id for x in scenario.targets if not x.set_by)
        raise InputError("--target", target, f"is set by assumption ({', '.join(t.set_by)}): its probability "
                         "restates an input, there is nothing to optimise", forecast_ids)
    for v in vary:
        for bound in (v.low, v.high):
            value = v.value(bound)
            try:
                s = load_scenario(scenario_path, [*sets, *parse_sets([f"{v.key}={value}"])])
            except InputError as exc:
                raise InputError("--vary", v.key, f"{value} is refused by the scenario ({exc})",
                                 "a numeric key of the scenario and bounds its domain allows") from None
            got = _number(lookup(s.to_toml(), v.key))
            if got is None or abs(float(got) - float(value)) > 1e-9 * max(1.0, abs(float(value))):
                raise InputError("--vary", v.key, "is not a number of the scenario",
                                 "a numeric key, e.g. rules.HS-A8a.amount or pathways.apprenticeship.elasticity")
    return scenario, ids.index(target)


def optimise(scenario_path: str | Path, *, target: str, probability: float, vary: list[Vary],
             within_returns: float | None = None, reps: int = 40, max_evals: int = 24, sets=(), out: str | Path,
             draws: Draws = Draws(), compute: Compute = Compute(), argv: list[str] | None = None) -> OptimumResult:
    """Search the box of `vary` for the cheapest setting with P(target met) ≥ probability (and
    P(within the fund's returns) ≥ within_returns), re-estimate it out of sample, write `out`.
    `draws`: the seed and --central; `compute`: the backend and progress (no resume: each batch
    is short and checkpointed in a temporary folder)."""
    if compute.resume:
        raise InputError("--resume", "", "optimise does not resume (its batches are short and checkpointed in a "
                         "temporary folder)", "run it again without --resume")
    sets = parse_sets(sets)
    seed = draws.seed
    scenario, ti = check_inputs(scenario_path, target, probability, vary, within_returns, reps, max_evals, sets)
    out = Path(out)
    t0, started = time.perf_counter(), now()
    make_dirs(out.parent)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.optimise-", dir=out.parent))
    batches = [0]

    def scenarios_of(settings: list) -> list:
        return [load_scenario(scenario_path, [*sets, *parse_sets([f"{k}={v}" for k, v in s.items()])])
                for s in settings]

    def estimates(settings: list, first_rep: int) -> list:
        batches[0] += 1
        paired = run_paired(scenarios_of(settings), reps=reps, checkpoint=work / f"batch-{batches[0]}", draws=draws,
                            compute=compute, reprice=False, first_rep=first_rep)
        return [opt.measure(recs, sc, ti, within_returns is not None)
                for recs, sc in zip(paired.summaries, paired.scenarios)]

    try:
        found = opt.search(vary, lambda s: estimates(s, 0), probability=probability, within=within_returns,
                           max_evals=max_evals, seed=seed)
        oos = estimates([found.best.setting], reps)[0] if found.best else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    meets = oos.feasible(probability, within_returns) if oos else None
    tgt = scenario.targets[ti]
    verdict = _verdict(found, oos, meets, tgt.id, probability, within_returns, reps)
    seconds = time.perf_counter() - t0
    summary = {
        "kind": "optimise",
        "scenario": {"name": scenario.name, "title": scenario.title, "file": str(scenario.path),
                     "sha256": scenario_hash(scenario)},
        "sets": [f"{s.key}={s.text}" for s in sets],
        "target": {"id": tgt.id, "text": tgt.text, "metric": tgt.metric, "goal": tgt.goal},
        "probability": probability,
        "within_returns": within_returns,
        "cost": "expected cash outlay of the policy period (years " + ", ".join(
            str(y) for y, i in zip(scenario.years, scenario.policy.in_period(scenario.years)) if i) + "), yuan",
        "vary": [{"key": v.key, "low": v.low, "high": v.high, "whole_numbers": v.integer} for v in vary],
        "reps": reps, "seed": seed, "uncertain_parameters": draws.uncertain, "max_evals": max_evals,
        "evaluated": len(found.candidates),
        "search_replications": [0, reps - 1],
        "method": opt.METHOD,
        "search_notes": found.notes,
        "feasible": found.best is not None,
        "verdict": verdict,
        "optimum": None if found.best is None else {
            "setting": found.best.setting,
            "in_sample": found.best.estimate.to_json(),
            "out_of_sample": oos.to_json() | {"replications_used": [reps, 2 * reps - 1],
                                              "meets_requirement": meets},
        },
        "best_reached": None if found.best is not None else _reached(found),
    }
    points = points_table(found, [v.key for v in vary], within_returns is not None)
    overlay = None
    if found.best is not None:
        best_spec = scenarios_of([found.best.setting])[0].to_toml()
        overlay = optimum_overlay(Path(scenario_path), out, scenario, found.best.setting, sets, best_spec, tgt.id,
                                  probability)
    write_optimum(out, points=points, summary=summary, overlay=overlay, target=tgt.id, probability=probability,
                  best_index=found.best.index if found.best else None,
                  provenance=lambda: provenance(scenario, draws=draws, reps=reps, backend=compute.backend,
                                                started=started, ended=now(), argv=argv,
                                                scenario_file=str(scenario.path),
                                                extra={"kind": "optimise", "workers": compute.workers,
                                                       "seconds": round(seconds, 1)}))
    return OptimumResult(points, found, found.best, oos, meets, verdict, summary, out, seconds)


def _reached(found: opt.Search) -> dict:
    out = {"highest_p_target": {"setting": found.highest_target.setting,
                                "estimate": found.highest_target.estimate.to_json()}}
    if found.highest_within is not None:
        out["highest_p_within_returns"] = {"setting": found.highest_within.setting,
                                           "estimate": found.highest_within.estimate.to_json()}
        out["closest_to_feasible"] = {"setting": found.closest.setting, "estimate": found.closest.estimate.to_json()}
    return out


def _verdict(found: opt.Search, oos, meets, tid: str, p: float, q: float | None, reps: int) -> str:
    need = f"P({tid} met) ≥ {p:g}" + (f" and P(within the fund's returns) ≥ {q:g}" if q is not None else "")
    if found.best is None:
        h = found.highest_target
        text = (f"No setting within the bounds reaches {need} on {reps} replications ({len(found.candidates)} "
                f"evaluated): the highest P({tid} met) reached is {h.estimate.p_target:.3f} at "
                f"{opt.setting_text(h.setting)}")
        if found.highest_within is not None:
            w = found.highest_within
            text += (f"; the highest P(within returns) is {w.estimate.p_within:.3f} at "
                     f"{opt.setting_text(w.setting)}")
        return text + ". No optimum.toml is written: widen the bounds or lower the probability."
    e = found.best.estimate
    text = (f"Cheapest setting found with {need}: {opt.setting_text(found.best.setting)}, expected policy-period "
            f"outlay {e.cost_mean / 1e4:,.1f} 万元 (in sample P({tid} met) = {e.p_target:.3f}). Out of sample "
            f"({reps} fresh replications): P({tid} met) = {oos.p_target:.3f} ± {oos.p_target_se:.3f}")
    if q is not None:
        text += f", P(within returns) = {oos.p_within:.3f} ± {oos.p_within_se:.3f}"
    return text + ("; the requirement still holds." if meets else
                   "; the requirement is NOT met out of sample (the in-sample figure was partly luck: winner's "
                   "curse); raise the probability asked or the replications.")


__all__ = ["optimise", "OptimumResult", "check_inputs"]
