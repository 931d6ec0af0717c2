"""Real-world records: the event table of `forecast.events` read from a CSV or .xlsx file.

One row per event, the columns of `events.COLUMNS` (docs/records.md). `read_records` checks
every row, column by column and vectorised, and reports *all* problems at once with file,
line and reason (`RecordErrors`, an `InputError`: the command line prints it and exits 2).
`write_records` writes an event table, e.g. a simulated run's, in the same format, so the
records an administrator keeps and the events the simulation emits go through one payout
calculator (`payouts.compute_payouts`).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.policy import ladder
from forecast.core.atomic import atomic_file
from forecast.core.errors import InputError
from forecast.policy.events import COLUMNS, EVENT_KINDS, frame
from forecast.policy.places import PLACE_NAMES, PLACE_TEXT

#: columns every records file has (besides them, any column of events.COLUMNS and `note`)
HEADER_REQUIRED = ("date", "event", "recipient")
#: free-text column kept for the administrator, ignored by the calculator
NOTE = "note"
ALLOWED_COLUMNS = tuple(COLUMNS) + (NOTE,)
#: event kinds whose records need not name a recipient (a certificate obtained outside any
#: paid programme pays nobody); a policy rule that pays for them still needs one.
RECIPIENT_OPTIONAL = ("certificate",)
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

TRUE_FALSE = {"true": True, "false": False, "1": True, "0": False, "是": True, "否": False}
BOOL_TEXT = "true, false, 1, 0, 是, 否"
PRIZES = {"0": 0, "1": 1, "2": 2, "3": 3, "无": 0, "一等奖": 1, "二等奖": 2, "三等奖": 3,
          "一等": 1, "二等": 2, "三等": 3}
#: besides 0–3, the places of policy.places (4 excellence, 5 squad member, and names such as gold)
PRIZES.update(PLACE_NAMES)
PRIZE_TEXT = "0 (none, 无), " + PLACE_TEXT
DATE_TEXT = "YYYY-MM-DD such as 2025-03-31, or 2025/3/31, 2025年3月31日"
_DATE_RE = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
_THOUSANDS_RE = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
#: The largest magnitude a numeric cell may hold, by column. Beyond these no record is
#: meant (ten billion graduates or lectures is more than the people on Earth, ten billion yuan
#: per unit more than the whole district's budget, a studio 200 years old predates the 新八级
#: ladder by two centuries): such a cell is a slip or a corrupt file and is a line error, like
#: `inf` and `nan`. Values far below these that are merely unusual are paid and flagged by the
#: plausibility check (`policy.plausibility`), not refused.
RECORD_MAX = {"count": 10**10, "amount": 1e10, "years": 200.0}


def needed_columns(kind: str) -> tuple[str, ...]:
    """Columns a record of this event kind must fill."""
    recipient = () if kind in RECIPIENT_OPTIONAL else ("recipient",)
    return ("date", "event") + recipient + EVENT_KINDS[kind]


class RecordErrors(InputError):
    """Every problem found in a records file: `errors` is a list of (file, line, reason)."""

    def __init__(self, file: str, errors: list[tuple[str, int, str]]):
        self.errors = errors
        n = len(errors)
        listing = "\n".join(f"  {f}:{line}: {reason}" for f, line, reason in errors)
        super().__init__(file, "", f"{n} problem{'s' if n != 1 else ''} in the records, nothing computed "
                                   f"and no file written:\n{listing}")


class _Problems:
    """Problems collected column by column: (line, reason) arrays, ordered at the end."""

    def __init__(self, file: str):
        self.file = file
        self.parts: list[pd.DataFrame] = []

    def add(self, lines, reasons) -> None:
        lines = np.atleast_1d(np.asarray(lines))
        if len(lines):
            reasons = np.broadcast_to(np.asarray(reasons, dtype=object), lines.shape)
            self.parts.append(pd.DataFrame({"line": lines.astype(np.int64), "reason": reasons}))

    def header(self, reason: str) -> None:
        self.add([1], [reason])

    def raise_if_any(self) -> None:
        if not self.parts:
            return
        all_ = pd.concat(self.parts, ignore_index=True).sort_values("line", kind="stable")
        raise RecordErrors(self.file, [(self.file, int(ln), r) for ln, r in zip(all_["line"], all_["reason"])])


# --- reading ------------------------------------------------------------------------------

def read_records(path: str | Path, policy=None) -> pd.DataFrame:
    """The event table in a records file, sorted by date (same-day records in file order).

    Columns: those of `events.COLUMNS` with their dtypes, plus `line` (the record's line in
    the file, the header being line 1). With `policy`, a record that one of its rules pays
    must name the recipient. Raises `RecordErrors` listing every problem, or `InputError` if
    the file cannot be read at all.
    """
    path = Path(path)
    file = str(path)
    raw, lines = _read_table(path)
    problems = _Problems(file)
    cols = _check_header(raw, problems)
    n = len(raw)
    text = {c: (raw[c] if c in cols else pd.Series([""] * n, index=raw.index, dtype=object)) for c in COLUMNS}

    # event kinds, then the columns each kind must fill
    event = text["event"]
    known = event.isin(list(EVENT_KINDS))
    bad = ~known & (event != "")
    problems.add(lines[bad.to_numpy()], "unknown event kind '" + event[bad] + "' (allowed: "
                 + ", ".join(EVENT_KINDS) + ")")
    present = set(event[known].unique())
    for col in COLUMNS:
        kinds = [k for k in EVENT_KINDS if col in needed_columns(k)]
        if col not in cols:
            users = [k for k in kinds if k in present]
            if users and col not in HEADER_REQUIRED:
                first = int(lines[event.isin(users).to_numpy()].min())
                problems.header(f"missing column '{col}' (needed by {', '.join(users)} records, "
                                f"first on line {first})")
            continue
        if col in ("date", "event"):
            empty = (text[col] == "").to_numpy()
            problems.add(lines[empty], f"{col} is empty (every record needs it)")
        else:
            empty = (event.isin(kinds) & (text[col] == "")).to_numpy()
            problems.add(lines[empty], f"{col} is empty (a " + event[empty] + " record needs it)")

    # values, each column vectorised; an empty cell takes the column's empty value
    out: dict[str, object] = {}
    for col in ("date", "paired_on"):
        out[col] = _dates(text[col], col, lines, problems)
    out["level"] = _levels(text["level"], lines, problems)
    out["count"] = _numbers(text["count"], "count", lines, problems, whole=True, empty=1)
    out["amount"] = _numbers(text["amount"], "amount", lines, problems)
    out["years"] = _numbers(text["years"], "years", lines, problems, negative_ok=False)
    out["prize"] = _lookup(text["prize"], "prize", PRIZES, PRIZE_TEXT, 0, lines, problems).astype(np.int8)
    for col in ("fits_sector", "passed", "contributor"):
        out[col] = _lookup(text[col].str.lower(), col, TRUE_FALSE, BOOL_TEXT, False, lines, problems,
                           shown=text[col]).astype(bool)
    for col in ("event", "recipient_kind", "recipient", "person", "programme"):
        out[col] = text[col].to_numpy(dtype=object)
    if policy is not None:
        _check_recipients(text, policy, lines, problems)
    problems.raise_if_any()

    events = frame(out, n)
    events["line"] = lines
    order = np.argsort(events["date"].to_numpy(), kind="stable")
    events = events.iloc[order].reset_index(drop=True)
    events.attrs["file"] = file
    return events


def _read_table(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """All cells as stripped text, blank rows dropped, and each row's line in the file."""
    file = str(path)
    if not path.is_file():
        raise InputError(file, "", "file not found", "a records file (.csv, or .xlsx with the same columns)")
    excel = path.suffix.lower() in EXCEL_SUFFIXES
    try:
        if excel:
            raw = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                              skip_blank_lines=False)
    except UnicodeDecodeError:
        raise InputError(file, "", "not UTF-8 text", "a CSV saved as UTF-8 ('CSV UTF-8' in Excel)") from None
    except pd.errors.EmptyDataError:
        raise InputError(file, "", "empty file: no header line", "a header line naming the columns") from None
    except pd.errors.ParserError as exc:
        raise InputError(file, "", f"not a readable CSV: {exc}", "comma-separated values, one record a line") from None
    except Exception as exc:  # a broken or non-Excel workbook (zip, XML or openpyxl errors)
        if not excel:
            raise
        raise InputError(file, "", f"not a readable Excel workbook: {exc}", "an .xlsx file") from None
    raw = raw.fillna("").astype(str)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    for c in raw.columns:
        raw[c] = raw[c].str.strip()
    lines = np.arange(len(raw), dtype=np.int64) + 2
    if not excel and len(raw) and any(raw[c].str.contains("\n|\r", regex=True).any() for c in raw.columns):
        lines = _csv_lines(path, len(raw))
    keep = (raw != "").any(axis=1).to_numpy() if len(raw.columns) else np.zeros(len(raw), bool)
    return raw[keep].reset_index(drop=True), lines[keep]


def _csv_lines(path: Path, n: int) -> np.ndarray:
    """Line where each record starts, for files with line breaks inside quoted fields."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        next(reader, None)
        starts = []
        line = reader.line_num + 1
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    return np.array(starts[:n], dtype=np.int64)


def _check_header(raw: pd.DataFrame, problems: _Problems) -> list[str]:
    cols = list(raw.columns)
    seen = set()
    for c in cols:
        if c.startswith("unnamed:") and (raw[c] == "").all():
            continue
        if c in seen:
            problems.header(f"column '{c}' appears twice")
        elif c.startswith("unnamed:"):
            problems.header("a column with values has no name (allowed: " + ", ".join(ALLOWED_COLUMNS) + ")")
        elif c not in ALLOWED_COLUMNS:
            base = c.rsplit(".", 1)[0]
            problems.header(f"column '{base}' appears twice" if base in ALLOWED_COLUMNS and base in cols
                            else f"unknown column '{c}' (allowed: " + ", ".join(ALLOWED_COLUMNS) + ")")
        seen.add(c)
    for c in HEADER_REQUIRED:
        if c not in cols:
            problems.header(f"missing column '{c}' (every records file has " + ", ".join(HEADER_REQUIRED) + ")")
    return [c for c in cols if c in COLUMNS]


def _dates(s: pd.Series, col: str, lines: np.ndarray, problems: _Problems) -> np.ndarray:
    """datetime64[s] (NaT where empty); a cell that is not a calendar day is a problem."""
    codes, uniques = pd.factorize(s)  # dates repeat: parse each distinct text once
    parsed = _parse_dates(pd.Series(uniques, dtype=object))
    out = parsed[codes]
    bad = np.isnat(out) & (s != "").to_numpy()
    problems.add(lines[bad], f"{col} '" + s[bad] + f"' is not a date (allowed: {DATE_TEXT})")
    return out.astype("datetime64[s]")


def _parse_dates(s: pd.Series) -> np.ndarray:
    """datetime64[D] of each text, NaT where it is not a calendar day."""
    if not len(s):
        return np.array([], dtype="datetime64[D]")
    parts = s.str.extract(_DATE_RE)
    matched = parts[0].notna().to_numpy()
    y = pd.to_numeric(parts[0]).fillna(1970).to_numpy(np.int64)
    m = pd.to_numeric(parts[1]).fillna(1).to_numpy(np.int64)
    d = pd.to_numeric(parts[2]).fillna(1).to_numpy(np.int64)
    ok = matched & (m >= 1) & (m <= 12)
    month = ((y - 1970) * 12 + np.where(ok, m, 1) - 1).astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    days_in = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    ok &= (d >= 1) & (d <= days_in)
    return np.where(ok, first + (d - 1), np.datetime64("NaT", "D"))


def _levels(s: pd.Series, lines: np.ndarray, problems: _Problems) -> np.ndarray:
    """Level codes (-1 where empty) from codes 0–8 or level names, via ladder.parse_level."""
    codes = {}
    for value in s.unique():
        if value == "":
            continue
        try:
            codes[value] = ladder.parse_level(value)
        except ValueError:
            pass
    mapped = s.map(codes)
    bad = (mapped.isna() & (s != "")).to_numpy()
    problems.add(lines[bad], "level '" + s[bad] + f"' is not a level (allowed: {ladder.ALLOWED_LEVELS})")
    return mapped.fillna(-1).to_numpy().astype(np.int8)


def _numbers(s: pd.Series, col: str, lines, problems, whole: bool = False, empty=np.nan,
             negative_ok: bool = True) -> np.ndarray:
    """Numbers (thousands separators allowed); `whole` ones must be integers ≥ 0."""
    grouped = s.str.fullmatch(_THOUSANDS_RE).to_numpy()
    clean = s.where(~grouped, s.str.replace(",", "", regex=False))
    values = pd.to_numeric(clean, errors="coerce").to_numpy(dtype=float)
    given = (s != "").to_numpy()
    number = given & np.isfinite(values)
    allowed = "a whole number ≥ 0" if whole else "a number, e.g. 150 or 1,500.5"
    bad = given & ~number
    if whole:
        bad |= number & (values != np.round(values))
    problems.add(lines[bad], f"{col} '" + s[bad] + f"' is not a number (allowed: {allowed})")
    negative = number & (values < 0) & (whole or not negative_ok)
    problems.add(lines[negative], f"{col} " + s[negative] + f" is negative (allowed: {col} ≥ 0)")
    huge = number & ~bad & ~negative & (np.abs(values) > RECORD_MAX[col])
    problems.add(lines[huge], f"{col} " + s[huge] + f" is too large (allowed: at most {RECORD_MAX[col]:g} in "
                                                    "magnitude)")
    out = np.where(number & ~bad & ~negative & ~huge, values, empty if whole else np.nan)
    out = np.where(given, out, empty)
    return out.astype(np.int64) if whole else out


def _lookup(s: pd.Series, col: str, table: dict, allowed: str, empty, lines, problems, shown=None) -> np.ndarray:
    mapped = s.map(table)
    bad = (mapped.isna() & (s != "")).to_numpy()
    shown = s if shown is None else shown
    problems.add(lines[bad], f"{col} '" + shown[bad] + f"' is not allowed (allowed: {allowed})")
    return mapped.where(mapped.notna(), empty).to_numpy()


def _check_recipients(text: dict, policy, lines, problems: _Problems) -> None:
    """Records of a kind whose recipient is optional still need one where a rule pays them."""
    for rule in policy.rules:
        if rule.event not in RECIPIENT_OPTIONAL:
            continue
        mask = (text["event"] == rule.event) & (text["recipient"] == "")
        if rule.programme:
            mask &= text["programme"] == rule.programme
        what = f"a {rule.programme} {rule.event}" if rule.programme else f"a {rule.event}"
        problems.add(lines[mask.to_numpy()], f"recipient is empty: {rule.id} pays the {rule.recipient_kind} "
                                             f"of {what}")


# --- writing ------------------------------------------------------------------------------

def records_frame(events: pd.DataFrame) -> pd.DataFrame:
    """An event table as the text of a records file: dates YYYY-MM-DD, level names, true/false."""
    out = pd.DataFrame(index=range(len(events)))
    for col, (dtype, _, _) in COLUMNS.items():
        v = events[col].reset_index(drop=True)
        if dtype.startswith("datetime"):
            out[col] = v.dt.strftime("%Y-%m-%d").fillna("")
        elif col == "level":
            codes = v.to_numpy().astype(int)
            names = np.array(ladder.NAMES + ("",), dtype=object)
            out[col] = names[np.where(codes >= 0, codes, len(ladder.NAMES))]
        elif dtype == "bool":
            out[col] = np.where(v.to_numpy(bool), "true", "false")
        else:
            out[col] = v
    return out


def write_records(events: pd.DataFrame, path: str | Path) -> Path:
    """Write an event table (e.g. a run's events.parquet) as a records file, atomically.

    CSV in UTF-8 with a byte-order mark (Excel shows Chinese names), or .xlsx by suffix.
    Numbers keep full precision, so `read_records` gives the same table back.
    """
    path = Path(path)
    table = records_frame(events)
    with atomic_file(path) as tmp:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            table.to_excel(tmp, index=False, engine="openpyxl")
        else:
            table.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path
