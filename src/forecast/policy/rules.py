"""Reward rules: what a policy pays for an event, as small pure functions.

A rule is data (a `Rule`, read from the scenario with its rule id and citation); its *kind*
picks one of the functions below. Each takes the rule and a table of events of the rule's
event kind and returns, per event, the base amount in yuan and, where it is 0, why.
Validity, once-only claims and the contributor uplift are applied by `payouts`.

Amounts can change on a date, as OpenFisca's dated parameters (docs/dated_parameters.md): a
rule's `changes` are versions of it, each in force from its date to the next one's, the rule
itself (the base version) before the first. Only the amount keys of the rule's kind change;
event, recipient, conditions, once-only keys, anchor and uplift are the rule's. An event is
paid at the amounts of the version in force on its `date` (the day it happened, not the day a
lag pays it), so `base_amounts` splits the events by version.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dc_field, replace

import numpy as np
import pandas as pd

from forecast.core.calendar import add_months, months_between, span_text
from forecast.policy import ladder

KINDS = ("fixed", "table", "tiers", "range", "milestone")
#: the amount key of each kind: what a dated change (`changes`) may set
AMOUNT_KEYS = {"fixed": "amount", "table": "amounts", "tiers": "tiers", "range": "range", "milestone": "milestones"}
#: what a once-only reward may be keyed by
ONCE_KEYS = ("recipient", "person", "level", "year")
#: event flags a rule may require (requires_true, requires_any_true)
CONDITIONS = ("passed", "fits_sector", "prize_winner")
_CONDITION_TEXT = {
    "passed": "yearly assessment not passed",
    "fits_sector": "not in a 三新四强五未来 major or job",
    "prize_winner": "no competition prize",
}


@dataclass(frozen=True)
class Rule:
    """One reward rule of a policy (e.g. HS-A8b), as the scenario states it. Its amount
    fields are the base version's; `changes` holds the versions that replace them from a date
    (`on(date)` picks the one in force), so a reform from 2026 is data, not a second rule."""

    id: str
    article: str
    event: str
    recipient_kind: str
    kind: str
    text: str = ""
    source: str = ""
    reading: str = ""
    amount: float = 0.0
    field: str = "level"
    table: dict = dc_field(default_factory=dict)
    tiers: tuple = ()
    range: tuple = ()
    milestones: tuple = ()
    requires_true: tuple = ()
    requires_any_true: tuple = ()
    programme: str = ""
    min_years: float = 0.0
    once_per: tuple = ()
    anchor: str = "date"
    after_policy: bool = False
    uplift: bool = True
    in_kind: bool = False
    #: shares of the amount paid in instalments (sum 1): the first with the event, the k-th
    #: k × `instalment_months` later (an award paid over years); () pays it all at once
    instalments: tuple = ()
    instalment_months: int = 0
    #: rules whose earlier payments to the same person count against this one: only the excess
    #: over what they paid is owed (a scheme of titles paid for the highest only, no double award)
    net_of: tuple = ()
    #: dated versions ((from date, Rule), …) by strictly increasing date; each version is this
    #: rule with other amounts (and the source of the change) and no changes of its own
    changes: tuple = ()

    # --- dated versions ---------------------------------------------------------------------
    def with_changes(self, changes) -> "Rule":
        """This rule with dated amounts: `changes` is ((from date, {amount args}, source), …)."""
        return replace(self, changes=tuple((start, replace(self, changes=(), source=source, **args))
                                           for start, args, source in changes))

    def version_index(self, dates) -> np.ndarray:
        """Per date, the version in force: 0 the base version, i the i-th change."""
        d = np.asarray(dates).astype("datetime64[D]")
        if not self.changes:
            return np.zeros(d.shape, np.int64)
        starts = np.array([start for start, _ in self.changes], dtype="datetime64[D]")
        return np.searchsorted(starts, d, side="right")

    def on(self, date) -> "Rule":
        """The version in force on `date` (a date, datetime64 or Timestamp): the base version
        before the first change. A version has no changes of its own."""
        if not self.changes:
            return self
        i = int(self.version_index(np.datetime64(date, "D")))
        return replace(self, changes=()) if i == 0 else self.changes[i - 1][1]

    def versions(self) -> list[tuple]:
        """Every version with its period: (from, to, version), `from` None for the base version
        (in force before the first change), `to` the day before the next change's date, None
        for the last version."""
        starts = [None] + [start for start, _ in self.changes]
        ends = [start - dt.timedelta(days=1) for start, _ in self.changes] + [None]
        rules = [replace(self, changes=())] + [v for _, v in self.changes]
        return list(zip(starts, ends, rules))

    def period_text(self, i: int) -> str:
        """The period of version i in words, for explanations: 'amounts in force from …'."""
        start, end, _ = self.versions()[i]
        if start is None:
            return f"{self.id} amounts in force before {self.changes[0][0]}"
        return f"{self.id} amounts in force from {start}" + (f" to {end}" if end else "")

    def keys(self) -> list:
        """The amount keys of every version, in order of first appearance (a dated table or
        milestone rule may pay keys its base version does not)."""
        out = list(self.amounts())
        for _, v in self.changes:
            out += [k for k in v.amounts() if k not in out]
        return out

    def amounts(self) -> dict:
        """What the rule can pay, by key: "unit" for a fixed amount or a range (its midpoint),
        the level or prize of a table, the minimum count of a tier, the level of a milestone."""
        if self.kind == "fixed":
            return {"unit": float(self.amount)}
        if self.kind == "range":
            return {"unit": float(np.mean(self.range))}
        if self.kind == "table":
            return {(ladder.name(k) if self.field == "level" else str(k)): float(v) for k, v in self.table.items()}
        if self.kind == "tiers":
            return {str(m): float(a) for m, a in self.tiers}
        return {ladder.name(lv): float(a) for lv, _, a in self.milestones}

    def expected(self, units: dict, amounts: dict | None = None) -> float:
        """The expected reward per participant: Σ units[key] × amount[key], with `units` the
        expected number of payments of each key per participant (an assumption of the section
        that responds, e.g. the odds that a pairing reaches each HS-A8b milestone) and
        `amounts` the rule's own (or a reference policy's) amounts by key."""
        amounts = self.amounts() if amounts is None else amounts
        return float(sum(u * amounts.get(k, 0.0) for k, u in units.items()))

    def longest_window(self) -> int:
        """Months from the anchor date within which a milestone rule can still pay (HS-A8b: 60),
        the longest of every version's windows."""
        if self.kind != "milestone":
            raise ValueError(f"{self.id} is a {self.kind} rule, not a milestone rule")
        return max(w for v in (self,) + tuple(v for _, v in self.changes) for _, w, _ in v.milestones)

    def amount_toml(self) -> dict:
        """The amount keys of this version as the scenario file writes them (`AMOUNT_KEYS`)."""
        if self.kind == "fixed":
            return {"amount": self.amount}
        if self.kind == "table":
            return {"amounts": {(ladder.name(k) if self.field == "level" else str(k)): v
                                for k, v in self.table.items()}}
        if self.kind == "tiers":
            return {"tiers": [{"min": m, "amount": a} for m, a in self.tiers]}
        if self.kind == "range":
            return {"range": list(self.range)}
        return {"milestones": [{"level": ladder.name(lv), "within_months": w, "amount": a}
                               for lv, w, a in self.milestones]}

    def to_toml(self) -> dict:
        out = {"article": self.article, "event": self.event, "recipient": self.recipient_kind,
               "kind": self.kind, "text": self.text, "source": self.source}
        if self.reading:
            out["reading"] = self.reading
        if self.kind == "table":
            out["field"] = self.field
        out.update(self.amount_toml())
        if self.changes:
            out["changes"] = [{"from": start, **v.amount_toml(), "source": v.source} for start, v in self.changes]
        for key in ("requires_true", "requires_any_true", "once_per"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.programme:
            out["programme"] = self.programme
        if self.min_years:
            out["min_years"] = self.min_years
        if self.anchor != "date":
            out["anchor"] = self.anchor
        if self.instalments:
            out.update(instalments=list(self.instalments), instalment_months=self.instalment_months)
        if self.net_of:
            out["net_of"] = list(self.net_of)
        out.update(after_policy=self.after_policy, uplift=self.uplift, in_kind=self.in_kind)
        return out


# --- the pure functions, one per kind -----------------------------------------------------

def base_amounts(rule: Rule, ev: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Base amount (yuan, before uplift) and reason for nothing, per event; with dated
    changes, each event at the amounts of the version in force on its `date`."""
    amount, reason = _dated(rule, ev) if rule.changes else _KIND_FUNCTIONS[rule.kind](rule, ev)
    blocked = _conditions(rule, ev)
    amount = np.where(blocked != "", 0.0, amount)
    reason = np.where(blocked != "", blocked, reason)
    return amount.astype(float), reason.astype(object)


def fixed(rule: Rule, ev: pd.DataFrame):
    """A set amount per unit: per craftsman, per lecture, per apprentice paired."""
    count = ev["count"].to_numpy()
    return rule.amount * count, np.where(count > 0, "", "count is 0").astype(object)


def table(rule: Rule, ev: pd.DataFrame):
    """An amount looked up by level or prize (HS-A1c, HS-A1d, HS-A3a)."""
    keys = ev[rule.field].to_numpy().astype(int)
    lookup = np.zeros(max(max(rule.table), int(keys.max(initial=0))) + 2)
    lookup[list(rule.table)] = list(rule.table.values())
    amount = np.where(keys >= 0, lookup[np.maximum(keys, 0)], 0.0) * ev["count"].to_numpy()
    why = np.full(len(ev), "", dtype=object)
    paid = "、".join(ladder.name(k) for k in rule.table) if rule.field == "level" else ""
    for i in np.flatnonzero(amount <= 0):
        k = keys[i]
        if rule.field == "level":
            why[i] = f"{ladder.name(k) if k >= 0 else 'no level'} earns nothing under {rule.id} (pays {paid})"
        else:
            why[i] = ("no prize" if k == 0 else f"prize {k} earns nothing") + f" under {rule.id}"
    return amount, why


def tiers(rule: Rule, ev: pd.DataFrame):
    """The amount of the highest tier whose minimum count is reached (HS-A1b)."""
    count = ev["count"].to_numpy()
    mins = np.array([m for m, _ in rule.tiers])
    amounts = np.array([a for _, a in rule.tiers], dtype=float)
    tier = np.searchsorted(mins, count, side="right") - 1
    amount = np.where(tier >= 0, amounts[np.maximum(tier, 0)], 0.0)
    why = np.array([f"{c} counted: below the {mins[0]} needed for {rule.id}" for c in count], dtype=object)
    return amount, np.where(tier >= 0, "", why)


def range_(rule: Rule, ev: pd.DataFrame):
    """An amount set by review or rate inside the policy's range, times the count (HS-A3b, A4, A5, A9)."""
    low, high = rule.range
    unit = ev["amount"].to_numpy(dtype=float)
    count = ev["count"].to_numpy()
    missing = np.isnan(unit)
    inside = ~missing & (unit >= low) & (unit <= high)
    why = np.where(missing, f"no amount given; {rule.id} pays {low:g}–{high:g}",
                   np.array([f"amount {u:g} outside {rule.id}'s range {low:g}–{high:g}" for u in unit], dtype=object))
    return np.where(inside, unit * count, 0.0), np.where(inside, "", why).astype(object)


def milestone(rule: Rule, ev: pd.DataFrame):
    """A bonus when the apprentice reaches a level within a window from pairing (HS-A8b)."""
    level = ev["level"].to_numpy().astype(int)
    date = ev["date"].to_numpy().astype("datetime64[D]")
    paired = ev["paired_on"].to_numpy().astype("datetime64[D]")
    amount = np.zeros(len(ev))
    reason = np.full(len(ev), "", dtype=object)
    by_level = {lv: (w, a) for lv, w, a in rule.milestones}
    elapsed = months_between(paired, date)
    for i, lv in enumerate(level):
        if lv not in by_level:
            paid = "、".join(ladder.name(m) for m, _, _ in rule.milestones)
            reason[i] = f"{ladder.name(lv) if lv >= 0 else 'no level'} is not a milestone of {rule.id} ({paid})"
            continue
        within, amt = by_level[lv]
        if np.isnat(paired[i]):
            reason[i] = "no pairing date"
        elif date[i] < paired[i]:
            reason[i] = f"certificate dated before the pairing ({paired[i]})"
        elif date[i] > (last := add_months(paired[i:i + 1], within)[0]):
            reason[i] = (f"apprentice reached {ladder.name(lv)} {elapsed[i]} months after pairing: "
                         f"{rule.id} {span_text(within)} window missed (its last day was {last})")
        else:
            amount[i] = amt
    return amount, reason


def _dated(rule: Rule, ev: pd.DataFrame):
    """The kind's function applied to the events of each version's period with that version;
    a reason for nothing names the version whose amounts refused it."""
    which = rule.version_index(ev["date"].to_numpy())
    amount = np.zeros(len(ev))
    reason = np.full(len(ev), "", dtype=object)
    for i, (_, _, version) in enumerate(rule.versions()):
        rows = np.flatnonzero(which == i)
        if not len(rows):
            continue
        a, why = _KIND_FUNCTIONS[rule.kind](version, ev.iloc[rows])
        amount[rows] = a
        label = rule.period_text(i)
        reason[rows] = [f"{w} ({label})" if w else "" for w in why]
    return amount, reason


_KIND_FUNCTIONS = {"fixed": fixed, "table": table, "tiers": tiers, "range": range_, "milestone": milestone}


def _conditions(rule: Rule, ev: pd.DataFrame) -> np.ndarray:
    """Why an event fails the rule's conditions ('' where it meets them)."""
    n = len(ev)
    why = np.full(n, "", dtype=object)
    flags = {"passed": ev["passed"].to_numpy(bool), "fits_sector": ev["fits_sector"].to_numpy(bool),
             "prize_winner": ev["prize"].to_numpy() > 0}
    for name in rule.requires_true:
        why = np.where((why == "") & ~flags[name], _CONDITION_TEXT[name], why)
    if rule.requires_any_true:
        ok = np.zeros(n, bool)
        for name in rule.requires_any_true:
            ok |= flags[name]
        text = " and ".join(_CONDITION_TEXT[name] for name in rule.requires_any_true)
        why = np.where((why == "") & ~ok, text, why)
    if rule.programme:
        prog = ev["programme"].to_numpy(object)
        for i in np.flatnonzero((why == "") & (prog != rule.programme)):
            why[i] = f"obtained through {prog[i] or 'an unnamed route'}, not {rule.programme}"
    if rule.min_years:
        years = ev["years"].to_numpy(float)
        short = ~(years >= rule.min_years)
        why = np.where((why == "") & short,
                       np.array([f"{y:g} years old: {rule.id} needs at least {rule.min_years:g}" for y in years],
                                dtype=object), why)
    return why
