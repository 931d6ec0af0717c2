"""The terminal tables of `forecast payouts`: payout lines, records that earn nothing, totals
by rule and by recipient (yuan), implausible records to check, each long table cut to --show
rows with a pointer to the file."""
from __future__ import annotations

import pandas as pd
from rich.table import Table


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
        table.add_row(str(r.paid_on)[:10], f"{r.recipient_kind} {r.recipient}", r.person or "", rule, r.article,
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


def warnings_table(warnings: pd.DataFrame, show: int, where: str) -> Table:
    """Records paid as the rules say but beyond their kind's usual scale: an administrator checks them."""
    table = Table(title=f"Warnings ({len(warnings):,}): implausible records, paid as the rules say; check them",
                  title_justify="left", style="yellow")
    for col, just in (("line", "right"), ("event", "left"), ("field", "left"), ("value", "right"),
                      ("usual max", "right"), ("why", "left")):
        table.add_column(col, justify=just)
    part = _limit(warnings, show)
    for r in part.itertuples():
        table.add_row(str(r.line), r.event, r.field, f"{r.value:,.10g}", f"{r.usual_max:,.10g}", r.why)
    _more(table, len(part), len(warnings), where)
    return table
