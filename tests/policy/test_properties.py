"""Properties of the payout calculator and the records format, for generated event tables
(hypothesis, bounded for CI: few examples each, no deadline, well under a minute in all).

- the ledger's totals are the outlays by rule and year (`payouts.outlays_by_year`), whatever
  the events and the pay lags;
- a once-only reward is paid at most once per key, whatever the order of the events;
- read from a records file, payouts do not depend on the order of records of different days;
- `write_records` → `read_records` gives back any event table;
- any bytes as a records file give records or an InputError, nothing else.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecast import compute_payouts
from forecast.core.errors import InputError
from forecast.policy.events import COLUMNS, EVENT_KINDS, frame
from forecast.policy.payouts import outlays_by_year
from forecast.policy.records import needed_columns, read_records, write_records

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NAMES = st.sampled_from(["H001 张建国", "H002 李秀英", "college, A", 'say "hi"', "M1", "7"])
DATES = st.dates(dt.date(2024, 10, 1), dt.date(2028, 3, 31))
#: columns a record may leave empty when its kind does not need them, with their empty value
OPTIONAL = {"person": "", "level": -1, "amount": np.nan, "years": np.nan, "paired_on": None, "programme": "",
            "recipient_kind": "", "recipient": ""}


@st.composite
def event_row(draw, kinds=tuple(EVENT_KINDS)) -> dict:
    """One event of any kind, every column it needs filled, the others filled or empty."""
    kind = draw(st.sampled_from(kinds))
    row = {"event": kind, "date": draw(DATES), "recipient": draw(NAMES), "person": draw(NAMES),
           "recipient_kind": draw(st.sampled_from(["college", "craftsman", "master", "provider"])),
           "level": draw(st.integers(0, 8)), "count": draw(st.integers(0, 120)),
           "amount": draw(st.one_of(st.integers(0, 60_000).map(float),
                                    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))),
           "paired_on": draw(DATES), "prize": draw(st.integers(0, 3)), "fits_sector": draw(st.booleans()),
           "passed": draw(st.booleans()), "years": draw(st.floats(0, 100, allow_nan=False)),
           "programme": draw(st.sampled_from(["night_school", "self_evaluation", "competition"])),
           "contributor": draw(st.booleans())}
    needed = needed_columns(kind)
    for col, empty in OPTIONAL.items():
        if col not in needed and draw(st.booleans()):
            row[col] = empty
    return row


def events_table(rows: list[dict]) -> pd.DataFrame:
    """An event table (`events.frame`) from generated rows."""
    cols = {}
    for col, (dtype, empty, _) in COLUMNS.items():
        values = [r.get(col, empty) for r in rows]
        if dtype.startswith("datetime"):
            values = np.array([np.datetime64("NaT", "D") if v is None or v is pd.NaT else np.datetime64(v, "D")
                               for v in values], dtype="datetime64[D]")
        cols[col] = values
    return frame(cols, len(rows))


def _tables(max_size: int = 30, kinds=tuple(EVENT_KINDS)):
    return st.lists(event_row(kinds), min_size=0, max_size=max_size).map(events_table)


@pytest.fixture(scope="module")
def policy(huishan):
    return huishan.policy


@SETTINGS
@given(events=_tables(40), lag=st.integers(0, 30))
def test_ledger_totals_equal_outlays_by_rule_and_year(policy, events, lag):
    ledger = compute_payouts(events, policy, lags={r.id: lag for r in policy.rules}).ledger
    rule_ids = [r.id for r in policy.rules]
    years = list(range(2024, 2032))
    for in_kind in (False, True):
        table = outlays_by_year(ledger, rule_ids, years, in_kind=in_kind)
        part = ledger[ledger["in_kind"] == in_kind]
        for year in years:
            for rid in rule_ids:
                expected = part.loc[(part["year"] == year) & (part["rule"] == rid), "amount"].sum()
                assert table.loc[year, rid] == pytest.approx(expected, rel=1e-12, abs=1e-6)
        assert table.to_numpy().sum() == pytest.approx(part["amount"].sum(), rel=1e-12, abs=1e-6)


ONCE_KINDS = ("station_accepted", "graduates_stayed", "craftsman_selected", "base_recognised", "certificate",
              "studio_reviewed", "pairing", "apprentice_certified", "rights_centre_built", "graduate_stayed")


@SETTINGS
@given(data=st.data(), events=_tables(40, ONCE_KINDS))
def test_a_once_only_reward_is_paid_at_most_once_whatever_the_order(policy, data, events):
    order = data.draw(st.permutations(range(len(events))))
    shuffled = events.iloc[list(order)].reset_index(drop=True)
    ledger = compute_payouts(shuffled, policy).ledger
    for rule in policy.rules:
        if not rule.once_per:
            continue
        lines = ledger[ledger["rule"] == rule.id]
        ev = shuffled.iloc[lines["event_index"].to_numpy(dtype=int)]
        keys = pd.DataFrame({k: (ev["date"].dt.year.to_numpy() if k == "year" else ev[k].to_numpy())
                             for k in rule.once_per})
        assert not keys.duplicated().any(), f"{rule.id} paid twice for one {rule.once_per}"


def _paid(events: pd.DataFrame, policy) -> list[tuple]:
    """The payout lines as a sorted list of what matters to whom is paid what and when."""
    ledger = compute_payouts(events.drop(columns=["line"]), policy).ledger
    return sorted(zip(ledger["date"].astype(str), ledger["rule"], ledger["recipient"], ledger["person"],
                      ledger["amount"].round(2)))


@SETTINGS
@given(data=st.data(), rows=st.lists(event_row(), min_size=1, max_size=30, unique_by=lambda r: r["date"]))
def test_payouts_do_not_depend_on_the_order_of_records_of_different_days(policy, data, rows):
    order = data.draw(st.permutations(range(len(rows))))
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.csv", Path(tmp) / "b.csv"
        write_records(events_table(rows), a)
        write_records(events_table([rows[i] for i in order]), b)
        assert _paid(read_records(a, policy=None), policy) == _paid(read_records(b, policy=None), policy)


@SETTINGS
@given(events=_tables(30), suffix=st.sampled_from([".csv", ".csv", ".csv", ".xlsx"]))
def test_write_then_read_records_round_trips_any_event_table(events, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("records" + suffix)
        write_records(events, path)
        back = read_records(path)
    expected = events.iloc[np.argsort(events["date"].to_numpy(), kind="stable")].reset_index(drop=True)
    assert back["line"].tolist() == [int(i) + 2 for i in np.argsort(events["date"].to_numpy(), kind="stable")]
    # a CSV keeps every bit; a workbook keeps the 15 significant digits of Excel's own numbers
    # (openpyxl writes 16), exact for any amount in yuan and fen
    exact = dict(check_exact=True) if suffix == ".csv" else dict(check_exact=False, rtol=1e-15, atol=0)
    pd.testing.assert_frame_equal(back.drop(columns=["line"]), expected, **exact)


HEADER = ",".join(COLUMNS).encode()


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(st.binary(max_size=600),
                      st.binary(max_size=600).map(lambda b: HEADER + b"\n" + b),
                      st.text(max_size=300).map(lambda t: HEADER + b"\n" + t.encode("utf-8", "surrogatepass"))),
       suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_as_a_records_file_give_records_or_an_input_error(policy, body, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("records" + suffix)
        path.write_bytes(body)
        try:
            records = read_records(path, policy=policy)
        except InputError as exc:
            assert exc.file == str(path)
            return
    assert set(COLUMNS) | {"line"} == set(records.columns)
