"""`forecast payouts --policy SCENARIO RECORDS`: what a policy owes for real records.

Reads the records (docs/records.md), applies the policy's rules through the same
`compute_payouts` the simulation uses, prints the payout lines, the records that earn
nothing with why, and totals by rule and by recipient (yuan), and with `--out FILE` writes
them: FILE (payout lines), FILE's `.unpaid.csv` sibling (not-paid explanations) and its
`.totals.csv` sibling (totals), or one .xlsx workbook with three sheets. Nothing is
written unless every record is well formed.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from pathlib import Path

import pandas as pd
from rich.table import Table

from forecast.core.errors import InputError

LINE_COLUMNS = ["date", "year", "rule", "article", "recipient_kind", "recipient", "person",
                "base", "uplift_rate", "uplift", "amount", "in_kind", "line"]
UNPAID_COLUMNS = ["line", "date", "event", "recipient", "person", "reason"]
TOTAL_COLUMNS = ["group", "rule", "article", "recipient_kind", "recipient", "in_kind", "lines",
                 "base", "uplift", "amount", "note"]
DEFAULT_SHOW = 100


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register `forecast payouts` on the `forecast` command's subparsers."""
    p = subparsers.add_parser(
        "payouts", help="apply a policy's reward rules to real records: payout lines, unpaid records, totals",
        description="Apply a policy's reward rules to real records (docs/records.md): one payout line per "
                    "amount owed, the records that earn nothing with why, totals by rule and recipient.")
    p.add_argument("records", help="records file: .csv (UTF-8) or .xlsx (first sheet), see docs/records.md")
    p.add_argument("--policy", required=True, help="scenario TOML whose policy applies, e.g. scenarios/huishan.toml")
    p.add_argument("--as-of", type=_date_arg, metavar="DATE",
                   help="consider only records dated on or before DATE (YYYY-MM-DD)")
    p.add_argument("--out", metavar="FILE",
                   help="write payout lines to FILE (.csv, or .xlsx for one workbook), not-paid records to "
                        "FILE.unpaid.csv and totals to FILE.totals.csv")
    p.add_argument("--show", type=int, default=DEFAULT_SHOW, metavar="N",
                   help=f"print at most N rows of each long table (default {DEFAULT_SHOW}; 0 = all)")
    p.set_defaults(func=run)
    return p


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (allowed: YYYY-MM-DD)") from None


# --- computing ----------------------------------------------------------------------------

def payout_tables(records: pd.DataFrame, policy, as_of: dt.date | None = None) -> dict:
    """Payout lines, not-paid records and totals for records read by `read_records`."""
    from forecast.policy.payouts import compute_payouts

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
    return {"lines": ledger, "unpaid": unpaid, "by_rule": _by_rule(ledger, policy),
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


def _scope(t: dict, records_file: str, policy) -> str:
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


# --- writing ------------------------------------------------------------------------------

def output_paths(out: str | Path) -> dict[str, Path]:
    """Where --out FILE writes: FILE, FILE.unpaid.csv, FILE.totals.csv (one workbook for .xlsx)."""
    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        return {"lines": out}
    stem = out.name[:-4] if out.suffix.lower() == ".csv" else out.name
    return {"lines": out, "unpaid": out.with_name(stem + ".unpaid.csv"), "totals": out.with_name(stem + ".totals.csv")}


def write_outputs(t: dict, totals: pd.DataFrame, paths: dict[str, Path]) -> None:
    """Write every output file atomically: all are renamed into place only if all were written."""
    from forecast.core.atomic import atomic_file

    lines = _dated(t["lines"], ["date"])
    unpaid = _dated(t["unpaid"], ["date"])
    with contextlib.ExitStack() as stack:
        tmp = {key: stack.enter_context(atomic_file(path)) for key, path in paths.items()}
        if "unpaid" not in paths:
            with pd.ExcelWriter(tmp["lines"], engine="openpyxl") as xw:
                lines.to_excel(xw, sheet_name="payouts", index=False)
                unpaid.to_excel(xw, sheet_name="unpaid", index=False)
                totals.to_excel(xw, sheet_name="totals", index=False)
            return
        opts = dict(index=False, encoding="utf-8-sig", lineterminator="\n", float_format="%.2f")
        lines.to_csv(tmp["lines"], **opts)
        unpaid.to_csv(tmp["unpaid"], **opts)
        totals.to_csv(tmp["totals"], **opts)


def _dated(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out


# --- printing -----------------------------------------------------------------------------

def _yuan(v: float) -> str:
    return f"{v:,.2f}"


def _limit(df: pd.DataFrame, show: int) -> pd.DataFrame:
    return df if show <= 0 else df.head(show)


def _more(table: Table, shown: int, total: int, where: str) -> None:
    if shown < total:
        table.caption = f"first {shown} of {total:,} rows shown; {where}"


def lines_table(lines: pd.DataFrame, show: int, where: str) -> Table:
    table = Table(title=f"Payout lines ({len(lines):,}): one per amount owed, yuan", title_justify="left")
    for col, just in (("date due", "left"), ("recipient", "left"), ("person", "left"), ("rule", "left"),
                      ("article", "left"), ("base", "right"), ("uplift", "right"), ("amount", "right"),
                      ("line", "right")):
        table.add_column(col, justify=just)
    part = _limit(lines, show)
    for r in part.itertuples():
        uplift = f"{_yuan(r.uplift)} ({r.uplift_rate:.0%})" if r.uplift_rate else "–"
        rule = r.rule + (" (in kind)" if r.in_kind else "")
        table.add_row(str(r.date)[:10], f"{r.recipient_kind} {r.recipient}", r.person or "", rule, r.article,
                      _yuan(r.base), uplift, _yuan(r.amount), str(r.line))
    _more(table, len(part), len(lines), where)
    return table


def unpaid_table(unpaid: pd.DataFrame, show: int, where: str) -> Table:
    table = Table(title=f"Records that earn nothing ({len(unpaid):,}), with why", title_justify="left")
    for col, just in (("line", "right"), ("date", "left"), ("event", "left"), ("recipient", "left"),
                      ("person", "left"), ("reason", "left")):
        table.add_column(col, justify=just)
    part = _limit(unpaid, show)
    for r in part.itertuples():
        table.add_row(str(r.line), str(r.date)[:10], r.event, r.recipient, r.person, r.reason)
    _more(table, len(part), len(unpaid), where)
    return table


def rule_table(by_rule: pd.DataFrame, lines: pd.DataFrame) -> Table:
    table = Table(title="Totals by rule, yuan", title_justify="left")
    for col, just in (("article", "left"), ("rule", "left"), ("lines", "right"), ("base", "right"),
                      ("uplift", "right"), ("amount", "right")):
        table.add_column(col, justify=just)
    for r in by_rule.itertuples():
        table.add_row(r.article, r.rule + (" (in kind)" if r.in_kind else ""), f"{r.lines:,}", _yuan(r.base),
                      _yuan(r.uplift), _yuan(r.amount))
    cash = lines[~lines["in_kind"].astype(bool)]
    table.add_row("total", "cash, from the fund", f"{len(cash):,}", _yuan(cash["base"].sum()),
                  _yuan(cash["uplift"].sum()), _yuan(cash["amount"].sum()), style="bold")
    kind = lines[lines["in_kind"].astype(bool)]
    if len(kind):
        table.add_row("", "in kind, not a fund outlay", f"{len(kind):,}", _yuan(kind["base"].sum()),
                      _yuan(kind["uplift"].sum()), _yuan(kind["amount"].sum()))
    return table


def recipient_table(by_recipient: pd.DataFrame, show: int, where: str) -> Table:
    table = Table(title=f"Totals by recipient ({len(by_recipient):,}), yuan", title_justify="left")
    for col, just in (("recipient kind", "left"), ("recipient", "left"), ("lines", "right"),
                      ("base", "right"), ("uplift", "right"), ("amount", "right")):
        table.add_column(col, justify=just)
    part = _limit(by_recipient, show)
    for r in part.itertuples():
        table.add_row(r.recipient_kind, r.recipient + (" (in kind)" if r.in_kind else ""), f"{r.lines:,}",
                      _yuan(r.base), _yuan(r.uplift), _yuan(r.amount))
    _more(table, len(part), len(by_recipient), where)
    return table


# --- the command --------------------------------------------------------------------------

def run(args) -> int:
    from forecast.outputs.terminal import console
    from forecast.policy.records import read_records
    from forecast.scenario.scenario import load_scenario

    policy = load_scenario(args.policy).policy
    paths = output_paths(args.out) if args.out else {}
    records_path = Path(args.records)
    if any(p.resolve() == records_path.resolve() for p in paths.values()):
        raise InputError(str(args.out), "", "would overwrite the records file", "an output path other than RECORDS")
    records = read_records(records_path, policy=policy)
    t = payout_tables(records, policy, args.as_of)
    scope = _scope(t, str(records_path), policy)
    totals = totals_frame(t, scope)
    if paths:
        write_outputs(t, totals, paths)

    con = console()
    con.print(f"Policy: {policy.name} ({args.policy}), valid {policy.valid_from} – {policy.valid_to}, "
              f"contributor uplift {policy.uplift_rate:.0%}.")
    con.print("Records dated outside the validity earn nothing (listed with why) unless the rule commits later "
              "payments (HS-A2b-style annuities, milestones judged from the pairing date).")
    con.print(f"Records: {records_path} ({t['records']:,} records).")
    if args.as_of is not None:
        con.print(f"As of {args.as_of}: only records dated on or before {args.as_of} are considered "
                  f"({t['considered']:,} considered, {t['later']:,} dated later left out).", style="bold")
    where = f"all are in {paths['lines']}" if paths else "use --out FILE to write them all"
    con.print(lines_table(t["lines"], args.show, where))
    where_unpaid = (f"all are in {paths.get('unpaid', paths.get('lines'))}" if paths
                    else "use --out FILE to write them all")
    con.print(unpaid_table(t["unpaid"], args.show, where_unpaid))
    con.print(rule_table(t["by_rule"], t["lines"]))
    where_totals = (f"all are in {paths.get('totals', paths.get('lines'))}" if paths
                    else "use --out FILE to write them all")
    con.print(recipient_table(t["by_recipient"], args.show, where_totals))
    if paths:
        con.print("written: " + ", ".join(str(p) for p in paths.values()))
    return 0
