"""The records reader and writer: formats accepted, every problem listed, exact round trips."""
from __future__ import annotations

import datetime as dt
import importlib.util

import numpy as np
import pandas as pd
import pytest

from forecast.policy import ladder
from forecast.core.errors import InputError
from forecast.policy.events import COLUMNS, EVENT_KINDS, frame
from forecast.policy.records import RecordErrors, read_records, records_frame, write_records

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "records" / "huishan_2025Q1.csv"
EXAMPLE_XLSX = ROOT / "examples" / "records" / "huishan_2025Q1.xlsx"


def write_csv(path, header: str, *rows: str):
    path.write_text("\n".join((header,) + rows) + "\n", encoding="utf-8")
    return path


def errors_of(path, policy=None) -> list[tuple[str, int, str]]:
    with pytest.raises(RecordErrors) as info:
        read_records(path, policy=policy)
    return info.value.errors


# --- reading ------------------------------------------------------------------------------

def test_example_reads_with_event_dtypes_sorted_by_date():
    ev = read_records(EXAMPLE)
    assert len(ev) == 28
    assert list(ev.columns) == list(COLUMNS) + ["line"]
    for col, (dtype, _, _) in COLUMNS.items():
        assert str(ev[col].dtype) == dtype, col
    assert ev["date"].is_monotonic_increasing
    assert ev.loc[0, "line"] == 29 and str(ev.loc[0, "date"])[:10] == "2024-12-20"  # last line, earliest date
    graduates = ev[ev["event"] == "graduate_stayed"].set_index("person")
    assert graduates.loc["G2024-001", "level"] == ladder.INTERMEDIATE
    assert graduates.loc["G2024-002", "level"] == ladder.SENIOR  # given as code 4
    assert graduates.loc["G2024-001", "prize"] == 2
    assert bool(graduates.loc["G2024-002", "fits_sector"]) and not graduates.loc["G2024-001", "fits_sector"]
    assert ev.loc[ev["event"] == "class_hours", ["count", "amount"]].iloc[0].tolist() == [12, 150.0]
    assert ev.loc[ev["event"] == "studio_reviewed", "years"].tolist() == [3.5, 1.5]
    assert ev.loc[ev["event"] == "station_accepted", "count"].tolist() == [1, 1]  # empty count is 1


def test_every_event_kind_of_huishan_is_in_the_example(huishan):
    """The worked Huishan example holds every kind the Huishan policy pays (and certificates);
    kinds added for other policies (titles, prizes, apprentice-years, settling-in) have their
    own hand-computed records in their tests."""
    kinds = {r.event for r in huishan.policy.rules} | {"certificate"}
    assert kinds <= set(EVENT_KINDS)
    assert set(read_records(EXAMPLE)["event"]) == kinds


@pytest.mark.parametrize("text", ["高级工", "4", "senior", " 高级工 "])
def test_level_names_and_codes(tmp_path, text):
    path = write_csv(tmp_path / "r.csv", "date,event,recipient,person,level,programme",
                     f"2025-03-01,certificate,P1,W1,{text},night_school")
    assert read_records(path)["level"].tolist() == [ladder.SENIOR]


@pytest.mark.parametrize("text", ["2025-03-05", "2025/3/5", "2025.03.05", "2025年3月5日", "2025-03-05 00:00:00"])
def test_date_formats(tmp_path, text):
    path = write_csv(tmp_path / "r.csv", "date,event,recipient", f"{text},station_accepted,C1")
    assert str(read_records(path)["date"][0])[:10] == "2025-03-05"


@pytest.mark.parametrize("text,value", [("true", True), ("TRUE", True), ("1", True), ("是", True),
                                        ("false", False), ("0", False), ("否", False), ("", False)])
def test_booleans(tmp_path, text, value):
    path = write_csv(tmp_path / "r.csv", "date,event,recipient,contributor", f"2025-03-05,station_accepted,C1,{text}")
    assert read_records(path)["contributor"].tolist() == [value]


@pytest.mark.parametrize("text,value", [("0", 0), ("无", 0), ("1", 1), ("一等奖", 1), ("二等奖", 2), ("3", 3)])
def test_prizes(tmp_path, text, value):
    path = write_csv(tmp_path / "r.csv", "date,event,recipient,person,level,prize,fits_sector",
                     f"2025-03-05,graduate_stayed,K1,G1,中级工,{text},否")
    assert read_records(path)["prize"].tolist() == [value]


def test_thousands_separators_and_bom(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('date,event,recipient,count,amount\n2025-03-05,challenge_completed,H1,1,"30,000"\n'
                    '2025-03-05,graduates_stayed,C1,"1,051",\n', encoding="utf-8-sig")
    ev = read_records(path)
    assert ev["amount"].tolist()[0] == 30000.0 and ev["count"].tolist()[1] == 1051


def test_blank_lines_and_multiline_cells_keep_line_numbers(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('date,event,recipient,note\n2025-03-05,station_accepted,C1,"two\nlines"\n\n'
                    '2025-03-06,station_acepted,C2,\n', encoding="utf-8")
    [(file, line, reason)] = errors_of(path)
    assert line == 5 and "unknown event kind 'station_acepted'" in reason and file == str(path)


def test_optional_columns_may_be_left_out(tmp_path):
    path = write_csv(tmp_path / "r.csv", "date,event,recipient", "2025-03-05,station_accepted,C1",
                     "2025-03-06,rights_centre_built,R1")
    ev = read_records(path)
    assert ev["level"].tolist() == [-1, -1] and ev["amount"].isna().all() and not ev["contributor"].any()


# --- problems: all of them, with line and reason -----------------------------------------

def test_all_problems_are_listed_with_line_and_reason(tmp_path, huishan):
    path = write_csv(
        tmp_path / "bad.csv", "date,event,recipient,person,level,count,amount,prize,fits_sector,passed,programme,contributor",
        "2025-01-06,station_acepted,C1,,,,,,,,,",             # 2 unknown kind
        "2025-13-01,graduates_stayed,C1,,,-3,,,,,,",           # 3 bad date, negative count
        "2025-02-30,graduate_stayed,K1,G1,九级工,,,2,maybe,,,",  # 4 bad date, bad level, bad boolean
        "2025-03-01,class_hours,H1,,,10,abc,,,,,",             # 5 amount not a number
        "2025-03-01,craftsman_assessed,H1,,,,,,,,,",           # 6 passed empty
        ",certificate,,W1,中级工,,,,,,night_school,no",          # 7 date empty, bad boolean, no provider
        "2025-03-01,apprentice_certified,M1,A1,高级工,,,,,,,",    # 8 needs paired_on: missing column
        "2025-03-01,graduates_stayed,C1,,,2.5,,,,,,",          # 9 count not whole
        "2025-03-01,graduate_stayed,K1,G1,中级工,,,9,否,,,",      # 10 prize 9
    )
    errors = errors_of(path, huishan.policy)
    got = [(line, reason) for _, line, reason in errors]
    assert [line for line, _ in got] == sorted(line for line, _ in got)
    expected = [
        (1, "missing column 'paired_on'"), (2, "unknown event kind 'station_acepted'"),
        (3, "date '2025-13-01' is not a date"), (3, "count -3 is negative"),
        (4, "date '2025-02-30' is not a date"), (4, "level '九级工' is not a level"),
        (4, "fits_sector 'maybe' is not allowed (allowed: true, false, 1, 0, 是, 否)"),
        (5, "amount 'abc' is not a number"), (6, "passed is empty (a craftsman_assessed record needs it)"),
        (7, "date is empty"), (7, "contributor 'no' is not allowed"),
        (7, "recipient is empty: HS-A3a pays the provider of a night_school certificate"),
        (9, "count '2.5' is not a number"), (10, "prize '9' is not allowed"),
    ]
    for line, text in expected:
        assert any(ln == line and text in r for ln, r in got), (line, text, got)
    assert len(got) == len(expected)
    assert all(f == str(path) for f, _, _ in errors)


def test_record_errors_are_input_errors_with_every_line_in_the_message(tmp_path):
    path = write_csv(tmp_path / "bad.csv", "date,event,recipient", "2025-01-06,nope,C1", "2025-01-07,nope,C1")
    with pytest.raises(InputError) as info:
        read_records(path)
    text = str(info.value)
    assert f"{path}:2: unknown event kind 'nope'" in text and f"{path}:3: unknown event kind 'nope'" in text
    assert "2 problems" in text


@pytest.mark.parametrize("header,problem", [
    ("date,event,recipient,levle", "unknown column 'levle'"),
    ("date,event,recipient,level,level", "column 'level' appears twice"),
    ("date,event", "missing column 'recipient'"),
])
def test_header_problems(tmp_path, header, problem):
    values = ",".join(["2025-01-06", "station_accepted", "C1", "", ""][:header.count(",") + 1])
    [(_, line, reason)] = errors_of(write_csv(tmp_path / "r.csv", header, values))
    assert line == 1 and problem in reason


def test_unreadable_files(tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("date,event,recipient\n2025-01-06,station_accepted,无锡职院\n".encode("gbk"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_records(gbk)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty file"):
        read_records(empty)
    with pytest.raises(InputError, match="file not found"):
        read_records(tmp_path / "missing.csv")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable Excel workbook"):
        read_records(fake)


# --- writing and round trips --------------------------------------------------------------

def _all_kinds_events() -> pd.DataFrame:
    """One event of each kind, the columns its kind needs filled, others sometimes empty."""
    kinds = list(EVENT_KINDS)
    n = len(kinds)
    i = np.arange(n)
    needs = {col: np.array([col in EVENT_KINDS[k] for k in kinds]) for col in COLUMNS}
    rng = np.random.default_rng(3)
    dates = np.sort(np.datetime64("2025-01-01") + rng.integers(0, 2000, n).astype("timedelta64[D]"))
    some = (i % 2 == 1) | needs["paired_on"]
    return frame({
        "date": dates.astype("datetime64[s]"), "event": np.array(kinds, object),
        "recipient_kind": np.array(["college"] * n, object), "recipient": np.array([f"R{j} 张" for j in i], object),
        "person": np.array([f"W{j}" if needs["person"][j] or j % 2 else "" for j in i], object),
        "level": np.where(needs["level"] | (i % 2 == 1), i % 9, -1), "count": i * 7,
        "amount": np.where(needs["amount"] | (i % 3 == 0), 1 / 3 + i, np.nan),
        "paired_on": np.where(some, dates - 30, np.datetime64("NaT")).astype("datetime64[s]"),
        "prize": i % 4, "fits_sector": i % 2 == 0, "passed": i % 3 == 0,
        "years": np.where(needs["years"] | (i % 2 == 1), i / 12, np.nan),
        "programme": np.array(["night_school"] * n, object), "contributor": i % 5 == 0,
    }, n)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_then_read_gives_the_same_events(tmp_path, suffix):
    events = _all_kinds_events()
    path = write_records(events, tmp_path / f"events{suffix}")
    back = read_records(path)
    pd.testing.assert_frame_equal(back.drop(columns="line"), events)


def test_written_records_are_readable_text(tmp_path):
    events = _all_kinds_events()
    text = records_frame(events)
    assert set(text["level"]) <= set(ladder.NAMES) | {""}
    assert set(text["contributor"]) == {"true", "false"}
    path = write_records(events, tmp_path / "e.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfdate,event,recipient_kind,recipient,")


def test_example_workbook_equals_the_csv():
    csv, xlsx = read_records(EXAMPLE), read_records(EXAMPLE_XLSX)
    pd.testing.assert_frame_equal(xlsx, csv)


def test_make_xlsx_script(tmp_path):
    spec = importlib.util.spec_from_file_location("make_xlsx", ROOT / "examples" / "records" / "make_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.make(EXAMPLE, tmp_path / "q1.xlsx")
    cells = pd.read_excel(out, dtype=object)
    assert isinstance(cells.loc[0, "date"], dt.datetime)  # a real Excel date cell
    pd.testing.assert_frame_equal(read_records(out), read_records(EXAMPLE))
