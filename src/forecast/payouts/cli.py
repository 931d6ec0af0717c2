"""`forecast payouts --policy SCENARIO RECORDS`: what a policy owes for real records.

Reads the records (docs/records.md), applies the policy's rules through the same
`compute_payouts` the simulation uses (`forecast.payouts.statement`), prints the payout lines,
the records that earn nothing with why, and totals by rule and by recipient (yuan), and with
`--out FILE` writes them (`forecast.payouts.files`). Nothing is written unless every
record is well formed. Records beyond their kind's usual scale (`forecast.policy.plausibility`,
overridable with `--plausible FILE`) are paid and listed as warnings to check.
"""
from __future__ import annotations

from pathlib import Path

from forecast.cli.options import date_arg
from forecast.core.errors import InputError

DEFAULT_SHOW = 100


def add_parsers(subparsers) -> None:
    """Register `forecast payouts` on the `forecast` command's subparsers."""
    p = subparsers.add_parser(
        "payouts", help="apply a policy's reward rules to real records: payout lines, unpaid records, totals",
        description="Apply a policy's reward rules to real records (docs/records.md): one payout line per "
                    "amount owed, the records that earn nothing with why, totals by rule and recipient.")
    p.add_argument("records", help="records file: .csv (UTF-8) or .xlsx (first sheet), see docs/records.md")
    p.add_argument("--policy", required=True, help="the scenario whose policy applies: a place folder (scenarios/huishan) or a scenario file")
    p.add_argument("--as-of", type=date_arg, metavar="DATE",
                   help="consider only records dated on or before DATE (YYYY-MM-DD)")
    p.add_argument("--out", metavar="FILE",
                   help="write payout lines to FILE (.csv, or .xlsx for one workbook), not-paid records to "
                        "FILE.unpaid.csv and totals to FILE.totals.csv")
    p.add_argument("--plausible", metavar="FILE",
                   help="TOML file of usual maxima per event kind ([guest_lecture] count = 200, …) overriding "
                        "the defaults; records above them are paid and listed as warnings to check")
    p.add_argument("--show", type=int, default=DEFAULT_SHOW, metavar="N",
                   help=f"print at most N rows of each long table (default {DEFAULT_SHOW}; 0 = all)")
    p.set_defaults(func=run)


# --- the command ------------------------------------------------------------------------

def run(args) -> int:
    from forecast.payouts.files import output_paths, write_outputs
    from forecast.payouts.tables import (lines_table, recipient_table, rule_table, unpaid_table,
                                                warnings_table)
    from forecast.display.console import console
    from forecast.policy.plausibility import DEFAULT_SOURCE, read_usual_max
    from forecast.policy.records import read_records
    from forecast.payouts.statement import scope_text, statement, totals_frame
    from forecast.scenario.scenario import load_scenario

    policy = load_scenario(args.policy).policy
    usual_max, usual_source = read_usual_max(args.plausible) if args.plausible else (None, DEFAULT_SOURCE)
    paths = output_paths(args.out) if args.out else {}
    records_path = Path(args.records)
    if any(p.resolve() == records_path.resolve() for p in paths.values()):
        raise InputError(str(args.out), "", "would overwrite the records file", "an output path other than RECORDS")
    records = read_records(records_path, policy=policy)
    t = statement(records, policy, args.as_of, usual_max, usual_source)
    scope = scope_text(t, str(records_path), policy)
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
    if len(t["warnings"]):
        where_warnings = (f"all are in {paths.get('warnings', paths.get('lines'))}" if paths
                          else "use --out FILE to write them all")
        con.print(warnings_table(t["warnings"], args.show, where_warnings))
    else:
        con.print(f"Warnings: none; no record is beyond its kind's usual scale ({usual_source}).")
    if paths:
        con.print("written: " + ", ".join(str(p) for p in paths.values()))
    return 0
