"""Make huishan_2025Q1.xlsx from huishan_2025Q1.csv (or any records CSV): the same columns
on the first sheet, dates as Excel dates and numbers as Excel numbers, as a clerk's workbook
would have them; a second sheet of notes shows that only the first sheet is read.

    python examples/records/make_xlsx.py [RECORDS.csv [OUT.xlsx]]
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent


def make(csv: Path, xlsx: Path) -> Path:
    table = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in ("date", "paired_on"):
        if col in table:
            table[col] = pd.to_datetime(table[col].replace("", None), format="%Y-%m-%d")
    for col in ("count", "amount", "years"):
        if col in table:
            table[col] = pd.to_numeric(table[col].replace("", None))
    notes = pd.DataFrame({"说明": ["第一张工作表是记录，列与 CSV 相同 (docs/records.md)；本表不被读取。",
                                  "The first sheet holds the records; this sheet is not read."]})
    with pd.ExcelWriter(xlsx, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD") as xw:
        table.to_excel(xw, sheet_name="records", index=False)
        notes.to_excel(xw, sheet_name="说明", index=False)
    return xlsx


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "huishan_2025Q1.csv"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else src.with_suffix(".xlsx")
    print(make(src, out))
