"""`forecast report RESULTS_DIR [--lang zh|en] [--out DIR] [--pdf | --no-pdf]`: the budget view of a results folder.

Writes report.html (self-contained), report.pdf (headless Chromium), forecast.xlsx and the
charts into DIR (default RESULTS_DIR/report), atomically, and prints the headline in 万元.
Without Chromium it writes everything but the PDF, says how to get the PDF and exits 0 (a
first report must not look failed for want of a browser); `--pdf` makes a missing Chromium an
error (exit 2, nothing written); `--no-pdf` skips the PDF.
A folder that is not a results folder of this version (read_results) exits 2 with one
message naming the file and the problem, and nothing is written.

A planner's folder — `forecast compare` (compare.json), `forecast sweep` (sweep.json) or
`forecast optimise` (optimise.json) — gets the planner's report instead (`forecast.planner.report`):
planner.html, planner.xlsx and planner.pdf in DIR (default FOLDER/report), with the same
--pdf/--no-pdf behaviour; it is in Chinese only, and --lang en or --sensitivity is refused.
"""
from __future__ import annotations

import sys


def _planner(args) -> int:
    from forecast.core.errors import InputError
    from forecast.planner.report import write_planner_report
    from forecast.report.build import CHROMIUM_HINT

    if args.lang != "zh":
        raise InputError("--lang", "lang", f"{args.lang!r}: the planner's report is written in Chinese only", "zh")
    if args.sensitivity:
        raise InputError("--sensitivity", "", "applies to a results folder, not to a planner's folder",
                         "leave out --sensitivity")
    files = write_planner_report(args.results, args.out, pdf=False if args.no_pdf else (True if args.pdf else None))
    written = [files.html, files.workbook] + ([files.pdf] if files.pdf else [])
    print(f"planner's report ({files.kind}) written: " + ", ".join(str(p) for p in written))
    if files.chromium_missing:
        print(f"forecast: note: no PDF (everything else is written; print {files.html} from a browser, or install "
              f"Chromium and run `forecast report` again): {CHROMIUM_HINT}", file=sys.stderr)
    return 0


def _report(args) -> int:
    from forecast.planner.report import planner_kind
    from forecast.report.build import CHROMIUM_HINT, build_report

    if planner_kind(args.results):
        return _planner(args)
    from forecast.display.console import console
    from forecast.results.terminal import headline

    files = build_report(args.results, args.out, lang=args.lang, pdf=False if args.no_pdf else (True if args.pdf else None),
                         sensitivity=args.sensitivity)
    con = console()
    con.print(headline(files.budget, lang=args.lang))
    if files.budget.execution is not None:
        from forecast.reforecast.view import headline as execution_headline
        from forecast.display.labels import Labels
        con.print(execution_headline(files.budget.execution, Labels(args.lang, files.budget.scenario)), style="bold")
    written = [files.html, files.workbook] + ([files.pdf] if files.pdf else [])
    con.print("written: " + ", ".join(str(p) for p in written) + f", {files.out_dir / 'charts'}/")
    if files.chromium_missing:
        print(f"forecast: note: no PDF (everything else is written; print {files.html} from a browser, or install "
              f"Chromium and run `forecast report` again): {CHROMIUM_HINT}", file=sys.stderr)
    return 0


def add_parsers(subparsers) -> None:
    """Register `forecast report` on the `forecast` command's subparsers."""
    p = subparsers.add_parser("report", help="budget report of a results folder (or the planner's report of a "
                              "compare, sweep or optimise folder): HTML, PDF, Excel and charts",
                              description=__doc__.splitlines()[0])
    p.add_argument("results", help="results folder written by `forecast run` (one run or N replications), or a "
                   "folder written by `forecast compare`, `forecast sweep` or `forecast optimise`")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report and charts (default zh)")
    p.add_argument("--sensitivity", metavar="DIR", help="a `forecast sensitivity` folder of the same scenario: each "
                   "figure's leading drivers (default RESULTS_DIR/sensitivity when present)")
    p.add_argument("--out", help="output folder (default RESULTS_DIR/report), replaced atomically")
    pdf = p.add_mutually_exclusive_group()
    pdf.add_argument("--pdf", action="store_true", help="require the PDF: a missing Chromium is an error (exit 2)")
    pdf.add_argument("--no-pdf", action="store_true", help="skip the PDF (no Chromium needed)")
    p.set_defaults(func=_report)
