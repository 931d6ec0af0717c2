"""From events to payouts: apply every rule of a policy, then validity, once-only and uplift.

The simulation's ledger and `forecast payouts` both come from `compute_payouts`, so what the
forecast spends and what the administrator pays are computed by the same code.

A line is owed on its event's `date`; it is paid `pay_lag_months` later (`paid_on`, an
assumption per rule of the scenario: applications are collected and checked first), and its
budget `year` is the year of payment — so a December event with a one-month lag is paid from
January's budget. Without lags (`forecast payouts` on administrative records) a line is paid
on its event's date.

A rule whose amounts change on dates (`Rule.changes`, docs/dated_parameters.md) pays each
event at the amounts of the version in force on the event's `date` — the day it happened and
is owed, not its lagged `paid_on` (`rules.base_amounts` splits the events by version); a
reason for paying nothing that comes from the amounts names the version ("HS-A8b amounts in
force from 2026-01-01"). Validity, once-only claims and the uplift are the rule's, whatever
the version.

A rule paid in instalments (`Rule.instalments`, e.g. an award paid over two years) gives one
line per instalment: the k-th paid k × `instalment_months` after the first (itself paid with
the lag), each from its own budget year, all dated on the event. A rule `net_of` others pays a
person only the excess over what those rules already paid them (highest award only, no double
award), so the simulation and `forecast payouts` on real records net alike.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forecast.core.calendar import add_months
from forecast.policy.policy import Policy
from forecast.policy.rules import Rule, base_amounts

LEDGER_COLUMNS = ["date", "paid_on", "year", "rule", "article", "recipient_kind", "recipient", "person",
                  "base", "uplift_rate", "uplift", "amount", "in_kind", "event_index"]
REJECTION_COLUMNS = ["event_index", "date", "event", "recipient", "person", "reason"]


@dataclass
class Payouts:
    """Payout lines (one per amount owed) and the events that earned nothing, with why."""

    ledger: pd.DataFrame
    rejections: pd.DataFrame


def compute_payouts(events: pd.DataFrame, policy: Policy, explain: bool = True, lags: dict | None = None) -> Payouts:
    """Every amount the policy owes for these events and, with `explain`, every event that
    earns nothing under any rule, with the reasons. `lags`: rule id → months from event to
    payment (None: paid on the event's date)."""
    lines, why_idx, why_text = [], [], []
    valid_from = np.datetime64(policy.valid_from, "D")
    # a successor policy with the same rules (the scenario's reading) keeps paying after valid_to
    valid_to = np.datetime64("9999-12-31") if policy.successor else np.datetime64(policy.valid_to, "D")
    kinds = events["event"].to_numpy(object)
    kind_codes, kind_names = pd.factorize(kinds)   # one pass over the events, then integer comparisons
    code_of = {name: code for code, name in enumerate(kind_names.tolist())}
    owed = []   # (rule, its events, their positions, base amounts, reasons) of every rule with events
    for rule in policy.rules:
        idx = np.flatnonzero(kind_codes == code_of.get(rule.event, -2))
        if not len(idx):
            continue
        ev = events.iloc[idx]
        base, why = base_amounts(rule, ev)
        why = _validity(rule, ev, why, valid_from, valid_to)
        base = np.where(why == "", base, 0.0)
        why = _once_only(rule, ev, base, why)
        owed.append([rule, ev, idx, np.where(why == "", base, 0.0), why])
    if any(part[0].net_of for part in owed):
        _net(owed)
    for rule, ev, idx, base, why in owed:
        paid = base > 0
        if explain:
            why_idx.append(idx[~paid])
            why_text.append(np.array([w if w.startswith(rule.id) else f"{rule.id}: {w}" for w in why[~paid]],
                                     dtype=object))
        if paid.any():
            lag = 0 if lags is None else int(lags.get(rule.id, 0))
            lines.append(_lines(rule, ev[paid], base[paid], idx[paid], policy.uplift_rate, lag))
    ledger = (pd.DataFrame({c: np.concatenate([part[c] for part in lines]) for c in LEDGER_COLUMNS}) if lines
              else pd.DataFrame(columns=LEDGER_COLUMNS))
    ledger = ledger.sort_values(["date", "event_index", "rule"], kind="stable").reset_index(drop=True)
    rejections = pd.DataFrame(columns=REJECTION_COLUMNS)
    if explain:
        unmatched = np.flatnonzero(~np.isin(kinds, [r.event for r in policy.rules]))
        why_idx.append(unmatched)
        why_text.append(np.full(len(unmatched), "no rule of this policy pays for this event", dtype=object))
        r = pd.DataFrame({"event_index": np.concatenate(why_idx) if why_idx else np.empty(0, int),
                          "reason": np.concatenate(why_text) if why_text else np.empty(0, object)})
        r = r[~r["event_index"].isin(ledger["event_index"])]
        # join the reasons of events refused by several rules; most have one (fast path)
        several = r["event_index"].duplicated(keep=False).to_numpy()
        joined = r[several].groupby("event_index", sort=True)["reason"].agg("; ".join).reset_index()
        r = pd.concat([r[~several], joined]).sort_values("event_index", kind="stable").reset_index(drop=True)
        pos = r["event_index"].to_numpy()
        for col in ("date", "event", "recipient", "person"):
            r[col] = events[col].to_numpy()[pos]
        rejections = r[REJECTION_COLUMNS].reset_index(drop=True)
    return Payouts(ledger[LEDGER_COLUMNS], rejections)


def _validity(rule: Rule, ev: pd.DataFrame, why: np.ndarray, start, end) -> np.ndarray:
    """Events whose anchor date lies outside the policy's validity earn nothing, with why."""
    anchor = ev["paired_on" if rule.anchor == "paired_on" else "date"].to_numpy().astype("datetime64[D]")
    before = anchor < start
    after = (anchor > end) & (not rule.after_policy)
    what = "pairing" if rule.anchor == "paired_on" else "event"
    out = np.array(why, dtype=object)
    outside = np.flatnonzero((why == "") & (before | after))
    if len(outside):   # the dates as text all at once (datetime64[D] prints as YYYY-MM-DD either way)
        out[outside] = [f"{what} dated {d}, outside the policy's validity {start}–{end}"
                        for d in np.datetime_as_string(anchor[outside], unit="D")]
    return out


def _once_only(rule: Rule, ev: pd.DataFrame, base: np.ndarray, why: np.ndarray) -> np.ndarray:
    """A reward paid once per key (station, college-year, apprentice milestone): later claims earn nothing.

    The claims' keys are numbered with `pd.factorize` (missing keys share one number, as in
    `DataFrame.duplicated`), so a repeat is a claim whose key number appeared before; only the
    repeats' texts are written. A key with a missing part has no first claim to name ('nan',
    as a pandas group-by drops such keys)."""
    if not rule.once_per:
        return why
    payable = np.flatnonzero(base > 0)
    group = np.zeros(len(payable), dtype=np.int64)
    missing = np.zeros(len(payable), dtype=bool)
    for k in rule.once_per:
        values = ev["date"].dt.year.to_numpy() if k == "year" else ev[k].to_numpy()
        codes, uniques = pd.factorize(values[payable])
        missing |= codes < 0
        group = pd.factorize(group * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
    _, first, inverse = np.unique(group, return_index=True, return_inverse=True)
    first_of = first[inverse.reshape(-1)]
    repeat = first_of != np.arange(len(payable))
    dates = np.datetime_as_string(ev["date"].to_numpy()[payable[first_of[repeat]]], unit="D")
    text = np.array(why, dtype=object)
    for pos, d, gone in zip(payable[repeat], dates, missing[repeat]):
        text[pos] = f"already paid once for this {', '.join(rule.once_per)} (first on {'nan' if gone else d})"
    return text


def _net(owed: list) -> None:
    """Highest award only, no double award (`Rule.net_of`): in date order, an award to a person
    is cut by what the rules it is net of already paid that person (net, as cut themselves), so
    a person who rises through a scheme's titles is paid the highest title's amount in all and
    a lower title after a higher one pays nothing. Awards without a person are not cut."""
    netted = {o for part in owed for o in part[0].net_of}
    rows, persons = [], []
    for r, (rule, ev, idx, base, why) in enumerate(owed):
        persons.append(ev["person"].to_numpy(object))
        if rule.net_of or rule.id in netted:
            dates = ev["date"].to_numpy()
            rows += [(dates[j], int(idx[j]), r, j) for j in np.flatnonzero(base > 0)]
    paid: dict = {}   # (person, rule id) → yuan paid so far (base, before uplift)
    for _, _, r, j in sorted(rows, key=lambda row: (row[0], row[1], row[2])):
        rule, _, _, base, why = owed[r]
        person = persons[r][j] if isinstance(persons[r][j], str) else ""
        if person and rule.net_of:
            credit = sum(paid.get((person, o), 0.0) for o in rule.net_of)
            if credit > 0:
                base[j] = max(base[j] - credit, 0.0)
                if base[j] == 0:
                    why[j] = (f"{rule.id}: already paid {credit:,.2f} under {', '.join(rule.net_of)} "
                              "(highest award only, no double award)")
        if person:
            paid[(person, rule.id)] = paid.get((person, rule.id), 0.0) + base[j]


def _lines(rule: Rule, ev: pd.DataFrame, base: np.ndarray, idx: np.ndarray, uplift_rate: float,
           lag: int) -> dict:
    """The payout lines of one rule, as ledger columns (numpy arrays; one table is made of all
    rules' lines at the end, not one per rule)."""
    n = len(idx)
    rate = np.where(ev["contributor"].to_numpy(bool) & rule.uplift, uplift_rate, 0.0)
    uplift = np.round(base * rate, 2)
    date = ev["date"].to_numpy()
    if rule.instalments:
        return _instalment_lines(rule, ev, base, uplift, rate, idx, lag)
    paid_on = pd.to_datetime(add_months(date, lag)) if lag else pd.to_datetime(date)
    return {
        "date": date, "paid_on": paid_on.to_numpy(), "year": paid_on.year.to_numpy(),
        "rule": np.full(n, rule.id, dtype=object), "article": np.full(n, rule.article, dtype=object),
        "recipient_kind": np.full(n, rule.recipient_kind, dtype=object), "recipient": ev["recipient"].to_numpy(),
        "person": ev["person"].to_numpy(), "base": base, "uplift_rate": rate, "uplift": uplift,
        "amount": base + uplift, "in_kind": np.full(n, rule.in_kind), "event_index": idx}


def _instalment_lines(rule: Rule, ev: pd.DataFrame, base: np.ndarray, uplift: np.ndarray, rate: np.ndarray,
                      idx: np.ndarray, lag: int) -> dict:
    """One line per instalment of each award (`Rule.instalments`): the k-th (from 0) is paid
    `lag + k × instalment_months` after the event, from that payment's budget year; its `date`
    stays the event's (the day the award is owed). Each instalment is its share of the base
    and of the uplift, rounded to the fen, the last taking the rest, so the lines of an award
    add up to exactly what one payment would be."""
    shares = rule.instalments
    parts = {c: [] for c in LEDGER_COLUMNS}
    base_left, uplift_left = base.copy(), uplift.copy()
    for k, share in enumerate(shares):
        last = k == len(shares) - 1
        b = base_left if last else np.round(base * share, 2)
        u = uplift_left if last else np.round(uplift * share, 2)
        base_left, uplift_left = base_left - b, uplift_left - u
        line = _lines(replace(rule, instalments=()), ev, b, idx, 0.0, lag + k * rule.instalment_months)
        line.update(uplift_rate=rate, uplift=u, amount=b + u)
        for c in LEDGER_COLUMNS:
            parts[c].append(line[c])
    # the instalments of one award next to each other, in order (the ledger's stable sort keeps them)
    order = np.argsort(np.tile(np.arange(len(idx)), len(shares)), kind="stable")
    return {c: np.concatenate(v)[order] for c, v in parts.items()}


def outlays_by_year(ledger: pd.DataFrame, rule_ids: list[str], years: list[int], in_kind: bool = False) -> pd.DataFrame:
    """Budget year (of payment) × rule totals in yuan, derived from the ledger (never kept
    separately). Payments after the last year (a lag past the horizon) are not in the table:
    they are part of what is owed after the horizon."""
    part = ledger[ledger["in_kind"] == in_kind]
    table = part.pivot_table(index="year", columns="rule", values="amount", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=years, columns=rule_ids, fill_value=0.0).astype(float)
    table.index.name = "year"
    return table

