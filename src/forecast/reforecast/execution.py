"""Budget execution: re-forecast the rest of the policy from what was actually paid
(`forecast run SCENARIO --actuals RECORDS --as-of DATE`).

Three parts make a year's re-forecast, replication by replication:

1. **actual**: the records dated on or before DATE, paid by `compute_payouts` exactly as
   `forecast payouts` pays them (fund cash; in-kind apart), each in the budget year of its
   record's date — the same for every replication;
2. **committed**: what real records already oblige the fund to (`execution_real.Real`): the
   annuities of the real craftsmen and the milestones of the real pairings, one future of them
   drawn per replication from the model's hazards and paid by the same rules;
3. **rest**: a simulated future of the scenario with each pathway's rate drawn from its
   posterior given the records (`execution_rates`), of which only what happens after DATE
   and is not inherited counts. Inherited, and so replaced by parts 1–2: every simulated event
   on or before DATE; milestones of simulated pairings made on or before DATE (`paired_on`);
   assessments and services of simulated craftsmen not selected after DATE; and, for a kind
   the model holds once a year (all its simulated events in one month of the year), its
   simulated events of DATE's year when the records already hold that year's (the yearly
   count of HS-A1b or the yearly selection is done: it is not held twice).

The **plan** is the forecast made without actuals: replication r of the same seed with the
parameters drawn from the scenario (the prior). Plan and re-forecast share their random
numbers replication by replication, so their difference (the variance) is paired.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.policy.payouts import compute_payouts, outlays_by_year
from forecast.futures import jobs
from forecast.futures.checkpoint import Checkpoint
from forecast.futures.settings import Compute, Draws
from forecast.futures.simulate import draw_values, priced, replication_seed
from forecast.futures.summary import Summary, reduce_result, simulate_drawn, years_by_columns
from forecast.reforecast import rates
from forecast.reforecast.real import Real, month_number
from forecast.params.param import param_rng
from forecast.scenario.scenario import Scenario


@dataclass(frozen=True)
class Actuals:
    """The records to DATE and what they paid."""

    records: pd.DataFrame       # records dated on or before DATE
    ledger: pd.DataFrame        # their payout lines (compute_payouts, no lags)
    rejections: pd.DataFrame
    left_out: int               # records dated after DATE, not used
    as_of: dt.date

    def cash(self, years: list[int], rules: list[str]) -> np.ndarray:
        """years × rules: cash paid to DATE, by the year of the record's date (yuan)."""
        return by_year(self.ledger, years, rules)


def actuals(records: pd.DataFrame, scenario: Scenario, as_of: dt.date) -> Actuals:
    """Pay the records dated on or before DATE (the others are left out and counted)."""
    keep = records["date"] <= pd.Timestamp(as_of)
    part = records[keep].reset_index(drop=True)
    pay = compute_payouts(part, scenario.policy, explain=True, lags=None)
    return Actuals(part, pay.ledger, pay.rejections, int((~keep).sum()), as_of)


@dataclass(frozen=True)
class PlanTask:
    scenario: Scenario
    draws: Draws
    as_of: dt.date


@dataclass
class PlanSummary:
    """One plan replication: its summary, its cash on the records' basis and its counts to DATE."""

    summary: Summary             # the plan's summary (budget years of payment)
    outlays: np.ndarray          # years × cash rules on the records' basis (`booked`), yuan
    monthly: np.ndarray          # months of the horizon: cash on the records' basis, yuan
    counts: dict                 # update name → events from the policy's start to DATE
    drawn: dict                  # parameter path → value drawn

    def to_json(self) -> dict:
        return {"summary": self.summary.to_json(), "outlays": self.outlays.tolist(), "monthly": self.monthly.tolist(),
                "counts": self.counts, "drawn": self.drawn}

    @classmethod
    def from_json(cls, d: dict) -> "PlanSummary":
        return cls(Summary.from_json(d["summary"]), years_by_columns(d["outlays"]),
                   np.asarray(d["monthly"], dtype=float), dict(d["counts"]), dict(d["drawn"]))


def plan_item(task: PlanTask, rep: int) -> PlanSummary:
    """Replication `rep` of the plan (the forecast without actuals), summarised (runs on a worker)."""
    sc = task.scenario
    result = simulate_drawn(sc, task.draws, rep)
    counts = {name: rates.count(result.events, event, where, sc.policy.valid_from, task.as_of)
              for name, _, event, where, _ in rates.candidates(sc)}
    ledger = booked(result.ledger, task.as_of)
    years, rules = sc.years, sc.policy.rule_ids(False)
    return PlanSummary(reduce_result(result), by_year(ledger, years, rules), monthly_cash(ledger, sc), counts,
                       dict(result.values.drawn))


def booked(ledger: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The ledger on the records' basis: a line whose event is dated on or before DATE is paid
    on its event's date, as a record is (`forecast payouts`); later ones keep their lagged
    payment. The plan is compared with actual + re-forecast on this one basis, so a December
    event paid in January counts in the same year on both sides of the variance."""
    early = (ledger["date"] <= pd.Timestamp(as_of)).to_numpy()
    out = ledger.copy()
    out["paid_on"] = np.where(early, ledger["date"].to_numpy(), ledger["paid_on"].to_numpy())
    out["year"] = pd.DatetimeIndex(out["paid_on"]).year.to_numpy()
    return out


@dataclass(frozen=True)
class ReforecastTask:
    scenario: Scenario
    draws: Draws
    as_of: dt.date
    actual_records: pd.DataFrame
    real: Real                   # the real craftsmen and pairings of the records (the same in every replication)
    updates: tuple
    first_item: int = 0          # item number of replication 0 (after the plan's in a shared checkpoint)


@dataclass
class ReforecastSummary:
    """One re-forecast replication: what real records commit the fund to and the simulated rest."""

    committed: np.ndarray        # years × cash rules (yuan)
    rest: np.ndarray             # years × cash rules (yuan)
    monthly: np.ndarray          # months of the horizon: committed + rest cash paid, yuan

    def to_json(self) -> dict:
        return {"committed": self.committed.tolist(), "rest": self.rest.tolist(), "monthly": self.monthly.tolist()}

    @classmethod
    def from_json(cls, d: dict) -> "ReforecastSummary":
        return cls(years_by_columns(d["committed"]), years_by_columns(d["rest"]), np.asarray(d["monthly"], dtype=float))


def reforecast_item(task: ReforecastTask, i: int) -> ReforecastSummary:
    """Item i, replication i − first_item of the re-forecast: committed by real records + the
    simulated rest (runs on a worker)."""
    sc, real, draws = task.scenario, task.real, task.draws
    rep = i - task.first_item
    ss = replication_seed(draws.seed, rep)
    prior, _ = draw_values(sc, draws.seed, rep, draws.uncertain, draws.fixed, sampling=draws.sampling)
    given = rates.posterior_values(list(task.updates), prior.drawn,
                                   lambda name: param_rng(ss, f"execution:rate:{name}"))
    result = simulate_drawn(sc, draws, rep, given=given)
    rest = result.ledger.iloc[rest_lines(result, task.actual_records, task.as_of)]
    future = real.committed_events(result.values, param_rng(ss, "execution:annuities"),
                                   param_rng(ss, "execution:milestones"))
    committed = committed_ledger(future, real, sc, result.values)
    years, rules = sc.years, sc.policy.rule_ids(False)
    return ReforecastSummary(by_year(committed, years, rules), by_year(rest, years, rules),
                             monthly_cash(pd.concat([committed, rest]), sc))


def committed_ledger(future: pd.DataFrame, real: Real, scenario: Scenario, values) -> pd.DataFrame:
    """The payout lines of the real people's future events (records' milestones first, so a
    milestone already reached is not paid again)."""
    if not len(future):
        return compute_payouts(future, scenario.policy, explain=False).ledger
    events = pd.concat([real.milestone_records, future], ignore_index=True)
    ledger = priced(events, scenario.policy, values)
    return ledger[ledger["event_index"] >= len(real.milestone_records)]


def rest_lines(result, actual_records: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Positions of the simulated ledger's lines that the re-forecast keeps (module docstring)."""
    ev, ledger = result.events, result.ledger
    cut = pd.Timestamp(as_of)
    keep = np.array(ev["date"] > cut, dtype=bool)
    keep &= ~(ev["paired_on"].notna() & (ev["paired_on"] <= cut)).to_numpy()
    year = as_of.year
    done = set(actual_records.loc[actual_records["date"].dt.year == year, "event"])
    month = ev["date"].dt.month.to_numpy()
    for kind in done:
        mine = (ev["event"] == kind).to_numpy()
        if mine.any() and len(np.unique(month[mine])) == 1:
            keep &= ~(mine & (ev["date"].dt.year == year).to_numpy())
    cr = result.values.pathways.get("craftsmen")
    if cr is not None:
        pol = result.scenario.policy
        selection = (ev["event"] == pol.rule(cr.selection_rule).event).to_numpy()
        new = set(ev.loc[selection & keep, "person"])
        follow = [pol.rule(r).event for r in (cr.annuity_rule, cr.in_kind_rule) if r]
        later = ev["event"].isin(follow).to_numpy()
        if not actual_records["event"].isin(follow).any():
            # no assessment round in the records yet: the craftsmen named before the run are
            # not known from them, so the simulation's own stay (the selection records do
            # replace the simulated selections to DATE)
            new |= set(ev.loc[later, "person"]) - set(ev.loc[selection, "person"])
        keep &= ~(later & ~ev["person"].isin(new).to_numpy())
    return np.flatnonzero(keep[ledger["event_index"].to_numpy()])


def by_year(ledger: pd.DataFrame, years: list[int], rules: list[str]) -> np.ndarray:
    """years × rules of the cash lines (budget year of payment), yuan (`outlays_by_year`)."""
    return outlays_by_year(ledger, rules, years).to_numpy(dtype=float)


def monthly_cash(ledger: pd.DataFrame, scenario: Scenario, on: str = "paid_on") -> np.ndarray:
    """Cash paid in each month of the horizon, by the month of column `on` (the payment;
    `date` for records, paid on their date), yuan."""
    part = ledger[~ledger["in_kind"].astype(bool)]
    m = month_number(part[on]) - int(month_number([scenario.start])[0])
    ok = (m >= 0) & (m < scenario.months)
    return np.bincount(m[ok], weights=part["amount"].to_numpy(float)[ok], minlength=scenario.months)


@dataclass
class Execution:
    """A budget-execution re-forecast: the table and what it rests on."""

    scenario: Scenario
    as_of: dt.date
    actual: Actuals
    updates: list
    table: pd.DataFrame          # year, rule, plan … variance (execution.csv)
    plan_monthly: np.ndarray     # reps × months: plan's cash by month
    reforecast_monthly: np.ndarray   # reps × months: actual (by record month) + committed + rest
    notes: list
    reps: int


QUANTILES = (0.05, 0.95)


def execution_table(scenario: Scenario, actual: np.ndarray, plan: np.ndarray, committed: np.ndarray,
                    rest: np.ndarray) -> pd.DataFrame:
    """year × rule rows (and a `total` row per year): plan (mean of the plan's replications,
    with its 5–95 % band), actual, committed (mean), reforecast = actual + committed + rest
    (mean, 5–95 %) and variance = reforecast − plan (yuan). `plan`, `committed`, `rest`:
    reps × years × rules; `actual`: years × rules."""
    rules = scenario.policy.rule_ids(False) + ["total"]
    with_total = lambda a: np.concatenate([a, a.sum(axis=-1, keepdims=True)], axis=-1)   # noqa: E731
    actual_t = with_total(actual)
    plan, committed, re = with_total(plan), with_total(committed), with_total(actual[None] + committed + rest)
    rows = []
    for i, year in enumerate(scenario.years):
        for j, rule in enumerate(rules):
            p, r, c, a = plan[:, i, j], re[:, i, j], committed[:, i, j], float(actual_t[i, j])
            rows.append({"year": year, "rule": rule, "plan": p.mean(), "plan_p5": np.quantile(p, QUANTILES[0]),
                         "plan_p95": np.quantile(p, QUANTILES[1]), "actual": a, "committed": c.mean(),
                         "reforecast": r.mean(), "reforecast_p5": np.quantile(r, QUANTILES[0]),
                         "reforecast_p95": np.quantile(r, QUANTILES[1]), "variance": r.mean() - p.mean()})
    t = pd.DataFrame(rows)
    money = [c for c in t.columns if c not in ("year", "rule")]
    t[money] = t[money].astype(float).round(2)
    return t


def plan_pass(scenario: Scenario, as_of: dt.date, *, reps: int, draws: Draws = Draws(), compute: Compute = Compute(),
              checkpoint: Checkpoint | None = None, meta: dict | None = None) -> list[PlanSummary]:
    """The plan's replications (the forecast without actuals), in replication order; saved as
    items 0 … reps − 1 of `checkpoint` (identified by `meta`) when one is given."""
    draws.refuse("a re-forecast", "sampling")
    saving = jobs.Saving(checkpoint, meta, PlanSummary.to_json, PlanSummary.from_json) if checkpoint else None
    return jobs.run(plan_item, PlanTask(scenario, draws, as_of), range(reps), compute, saving=saving).in_order()


def reforecast(scenario: Scenario, records: pd.DataFrame, as_of: dt.date, plans: list, *, draws: Draws = Draws(),
               compute: Compute = Compute(), update: bool = True, checkpoint: Checkpoint | None = None,
               meta: dict | None = None) -> Execution:
    """The re-forecast as of DATE from the records (all of them: those after DATE are left out
    and counted), given the plan's replications (`plan_pass`, same draws); saved as items
    reps … 2 reps − 1 of `checkpoint` (the plan's) when one is given."""
    actual = actuals(records, scenario, as_of)
    reps = len(plans)
    names = [c[0] for c in rates.candidates(scenario)]
    paths = [c[4] for c in rates.candidates(scenario)]
    ups = rates.updates(scenario, actual.records, {n: [p.counts[n] for p in plans] for n in names},
                        {path: [p.drawn[path] for p in plans] for path in paths}, scenario.policy.valid_from, as_of,
                        enabled=update)
    # the records fix who is real; the replication's values are read later only for hazards
    real = Real.from_records(actual.records, scenario, scenario.resolve(None), as_of)
    task = ReforecastTask(scenario, draws, as_of, actual.records, real, tuple(ups), reps)
    saving = jobs.Saving(checkpoint, meta, ReforecastSummary.to_json, ReforecastSummary.from_json) if checkpoint \
        else None
    items = jobs.run(reforecast_item, task, range(reps, 2 * reps), compute, saving=saving).in_order()
    years, rules = scenario.years, scenario.policy.rule_ids(False)
    plan = np.stack([p.outlays for p in plans])
    committed = np.stack([i.committed for i in items])
    rest = np.stack([i.rest for i in items])
    table = execution_table(scenario, actual.cash(years, rules), plan, committed, rest)
    return Execution(scenario, as_of, actual, ups, table, np.stack([p.monthly for p in plans]),
                     monthly_cash(actual.ledger, scenario, on="date")[None] + np.stack([i.monthly for i in items]),
                     list(real.notes) + _notes(actual, ups, real), reps)


def _notes(actual: Actuals, ups: list, real) -> list[str]:
    notes = []
    if actual.left_out:
        notes.append(f"{actual.left_out} record(s) dated after {actual.as_of} are left out (not yet to be counted)")
    if len(actual.rejections):
        notes.append(f"{len(actual.rejections)} record(s) to {actual.as_of} earn nothing under the policy "
                     "(listed by `forecast payouts`)")
    notes.append(f"real people committing the fund: {len(real.craftsmen)} craftsmen (annuity), "
                 f"{len(real.pairings)} pairings (milestones)")
    for u in ups:
        if u.used:
            lo, hi = u.posterior_interval()
            notes.append(f"{u.what}: {u.recorded:,.0f} recorded to {actual.as_of} against {u.expected:,.1f} the plan "
                         f"expects; {u.parameter} {u.prior_mean:,.4g} → {u.posterior_mean():,.4g} "
                         f"(90 %: {lo:,.4g}–{hi:,.4g})")
        else:
            notes.append(f"{u.what}: not updated — {u.note}")
    return notes
