"""The files `forecast payouts --out FILE` writes: FILE (payout lines), FILE's `.unpaid.csv`
sibling (records that earn nothing, with why), `.totals.csv` sibling (totals) and
`.warnings.csv` sibling (implausible records to check, written even when empty so that no
earlier run's warnings are left beside new payouts), or one .xlsx workbook with the sheets
payouts, unpaid, totals (and warnings when there are any); all renamed into place only if all
were written."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd

from forecast.core.atomic import atomic_file


def output_paths(out: str | Path) -> dict[str, Path]:
    """Where --out FILE writes: FILE, FILE.unpaid.csv, FILE.totals.csv, FILE.warnings.csv (one
    workbook for .xlsx)."""
    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        return {"lines": out}
    stem = out.name[:-4] if out.suffix.lower() == ".csv" else out.name
    return {"lines": out, "unpaid": out.with_name(stem + ".unpaid.csv"), "totals": out.with_name(stem + ".totals.csv"),
            "warnings": out.with_name(stem + ".warnings.csv")}


def write_outputs(t: dict, totals: pd.DataFrame, paths: dict[str, Path]) -> None:
    """Write every output file atomically: all are renamed into place only if all were written."""
    lines = _dated(t["lines"], ["date", "paid_on"])
    unpaid = _dated(t["unpaid"], ["date"])
    warnings = t["warnings"]
    with contextlib.ExitStack() as stack:
        tmp = {key: stack.enter_context(atomic_file(path)) for key, path in paths.items()}
        if "unpaid" not in paths:
            with pd.ExcelWriter(tmp["lines"], engine="openpyxl") as xw:
                lines.to_excel(xw, sheet_name="payouts", index=False)
                unpaid.to_excel(xw, sheet_name="unpaid", index=False)
                totals.to_excel(xw, sheet_name="totals", index=False)
                if len(warnings):
                    warnings.to_excel(xw, sheet_name="warnings", index=False)
            return
        opts = dict(index=False, encoding="utf-8-sig", lineterminator="\n", float_format="%.2f")
        lines.to_csv(tmp["lines"], **opts)
        unpaid.to_csv(tmp["unpaid"], **opts)
        totals.to_csv(tmp["totals"], **opts)
        warnings.to_csv(tmp["warnings"], index=False, encoding="utf-8-sig", lineterminator="\n", float_format="%.10g")


def _dated(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out
