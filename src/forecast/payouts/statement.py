"""What a policy owes for a set of real records: the payout lines, the records that earn
nothing with why, and totals by rule and by recipient (yuan).

The lines come from `payouts.compute_payouts`, the function the simulation's ledger uses, so an
administrator's statement and the forecast are computed by the same rules.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from forecast.policy.payouts import compute_payouts
from forecast.policy.plausibility import DEFAULT_SOURCE, implausible

LINE_COLUMNS = ["date", "paid_on", "year", "rule", "article", "recipient_kind", "recipient", "person",
                "base", "uplift_rate", "uplift", "amount", "in_kind", "line"]
UNPAID_COLUMNS = ["line", "date", "event", "recipient", "person", "reason"]
TOTAL_COLUMNS = ["group", "rule", "article", "recipient_kind", "recipient", "in_kind", "lines",
                 "base", "uplift", "amount", "note"]


def statement(records: pd.DataFrame, policy, as_of: dt.date | None = None, usual_max: dict | None = None,
              usual_source: str = DEFAULT_SOURCE) -> dict:
    """Payout lines, not-paid records, totals, and warnings on implausible records (a count or
    amount above `usual_max`, by default `plausibility.USUAL_MAX`) for records read by
    `read_records`. Warned records are paid like any other: the warning only asks for a check."""
    considered = records
    if as_of is not None:
        considered = records[records["date"] <= pd.Timestamp(as_of)].reset_index(drop=True)
    lines_of = considered["line"].to_numpy()
    events = considered.drop(columns=["line"])
    result = compute_payouts(events, policy, explain=True)
    ledger = result.ledger.copy()
    ledger["line"] = lines_of[ledger["event_index"].to_numpy(dtype=int)]
    ledger = ledger[LINE_COLUMNS]
    unpaid = result.rejections.copy()
    unpaid["line"] = lines_of[unpaid["event_index"].to_numpy(dtype=int)]
    unpaid = unpaid.sort_values("line", kind="stable")[UNPAID_COLUMNS].reset_index(drop=True)
    paid = ledger.groupby("line")["amount"].sum()
    warnings = implausible(considered, usual_max, paid, usual_source)
    return {"lines": ledger, "unpaid": unpaid, "warnings": warnings, "by_rule": _by_rule(ledger, policy),
            "by_recipient": _by_recipient(ledger), "records": len(records), "considered": len(considered),
            "later": len(records) - len(considered), "as_of": as_of}


def _by_rule(ledger: pd.DataFrame, policy) -> pd.DataFrame:
    g = ledger.groupby("rule", sort=False).agg(lines=("amount", "size"), base=("base", "sum"),
                                               uplift=("uplift", "sum"), amount=("amount", "sum"))
    order = [r.id for r in policy.rules if r.id in g.index]
    g = g.reindex(order).reset_index()
    rules = {r.id: r for r in policy.rules}
    g["article"] = [rules[r].article for r in g["rule"]]
    g["in_kind"] = [rules[r].in_kind for r in g["rule"]]
    return g[["rule", "article", "in_kind", "lines", "base", "uplift", "amount"]]


def _by_recipient(ledger: pd.DataFrame) -> pd.DataFrame:
    g = ledger.groupby(["recipient_kind", "recipient", "in_kind"], sort=False).agg(
        lines=("amount", "size"), base=("base", "sum"), uplift=("uplift", "sum"), amount=("amount", "sum"))
    g = g.reset_index().sort_values(["in_kind", "amount", "recipient"], ascending=[True, False, True],
                                    kind="stable")
    return g.reset_index(drop=True)[["recipient_kind", "recipient", "in_kind", "lines", "base", "uplift", "amount"]]


def scope_text(t: dict, records_file: str, policy) -> str:
    text = (f"policy {policy.name} (valid {policy.valid_from}–{policy.valid_to}); "
            f"records {records_file}: {t['records']} records")
    if t["as_of"] is not None:
        text += (f"; as of {t['as_of']}: only records dated on or before it are considered "
                 f"({t['considered']} considered, {t['later']} dated later left out)")
    return text


def totals_frame(t: dict, scope: str) -> pd.DataFrame:
    """The totals file: a scope row, totals by rule, by recipient, then cash and in-kind totals."""
    rows = [{"group": "scope", "note": scope}]
    for r in t["by_rule"].itertuples():
        rows.append({"group": "rule", "rule": r.rule, "article": r.article, "in_kind": r.in_kind,
                     "lines": r.lines, "base": r.base, "uplift": r.uplift, "amount": r.amount})
    for r in t["by_recipient"].itertuples():
        rows.append({"group": "recipient", "recipient_kind": r.recipient_kind, "recipient": r.recipient,
                     "in_kind": r.in_kind, "lines": r.lines, "base": r.base, "uplift": r.uplift, "amount": r.amount})
    lines = t["lines"]
    for in_kind, note in ((False, "cash owed from the fund"), (True, "in kind, not a fund outlay")):
        part = lines[lines["in_kind"] == in_kind]
        rows.append({"group": "total", "in_kind": in_kind, "lines": len(part), "base": part["base"].sum(),
                     "uplift": part["uplift"].sum(), "amount": part["amount"].sum(), "note": note})
    rows.append({"group": "total", "lines": len(t["unpaid"]), "note": "records that earn nothing"})
    out = pd.DataFrame(rows, columns=TOTAL_COLUMNS)
    out["lines"] = out["lines"].astype("Int64")
    return out
