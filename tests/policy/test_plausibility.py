"""Records beyond their kind's usual scale are paid exactly as the rules say and listed as
warnings (terminal and `<out stem>.warnings.csv`), with defaults and a `--plausible FILE`
override; a bad override file is an InputError (exit 2)."""
from __future__ import annotations

import pandas as pd
import pytest

from forecast.cli import main
from forecast.core.errors import InputError
from forecast.policy.plausibility import USUAL_MAX, WARNING_COLUMNS, implausible, read_usual_max

from conftest import HUISHAN, ROOT

EXAMPLE = ROOT / "examples" / "records" / "huishan_2025Q1.csv"
READ = dict(keep_default_na=False, encoding="utf-8-sig")


def _records(tmp_path, *rows: str):
    path = tmp_path / "records.csv"
    path.write_text("date,event,recipient,count,amount\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _run(tmp_path, records, *extra):
    out = tmp_path / "out" / "payouts.csv"
    rc = main(["payouts", "--policy", str(HUISHAN), str(records), "--out", str(out), *extra])
    return rc, out


def test_a_billion_guest_lectures_are_paid_and_warned(tmp_path, capsys):
    records = _records(tmp_path, "2025-03-06,guest_lecture,H002,1000000000,",
                       "2025-03-06,guest_lecture,H003,2,")
    rc, out = _run(tmp_path, records)
    assert rc == 0
    lines = pd.read_csv(out, **READ)
    assert list(zip(lines["line"], lines["amount"])) == [(2, 800_000_000_000.0), (3, 1_600.0)]
    warnings = pd.read_csv(out.with_name("payouts.warnings.csv"), **READ)
    assert list(warnings.columns) == WARNING_COLUMNS
    assert warnings[["line", "event", "field", "value", "usual_max"]].values.tolist() == [
        [2, "guest_lecture", "count", 1e9, USUAL_MAX["guest_lecture"]["count"]]]
    assert "800,000,000,000.00 yuan" in warnings["why"][0] and "check the record" in warnings["why"][0]
    printed = capsys.readouterr().out
    assert "Warnings (1)" in printed and "guest_lecture" in printed


def test_the_worked_example_has_no_warnings_and_an_empty_warnings_file(tmp_path, capsys):
    rc, out = _run(tmp_path, EXAMPLE)
    assert rc == 0
    warnings = pd.read_csv(out.with_name("payouts.warnings.csv"), **READ)
    assert list(warnings.columns) == WARNING_COLUMNS and len(warnings) == 0
    assert "Warnings: none" in capsys.readouterr().out


def test_the_usual_maximum_itself_is_not_warned_one_above_is(tmp_path):
    limit = int(USUAL_MAX["lecture_session"]["count"])
    records = _records(tmp_path, f"2025-03-05,lecture_session,H1,{limit},800",
                       f"2025-03-05,lecture_session,H2,{limit + 1},800")
    rc, out = _run(tmp_path, records)
    warnings = pd.read_csv(out.with_name("payouts.warnings.csv"), **READ)
    assert rc == 0 and warnings["line"].tolist() == [3]


def test_an_amount_far_beyond_the_range_is_unpaid_and_warned(tmp_path):
    """A review result of 5 million (typed in fen?) earns nothing under HS-A9's range and is flagged."""
    records = _records(tmp_path, "2025-03-25,challenge_completed,H1,,5000000")
    rc, out = _run(tmp_path, records)
    assert rc == 0 and len(pd.read_csv(out, **READ)) == 0
    assert len(pd.read_csv(out.with_name("payouts.unpaid.csv"), **READ)) == 1
    warnings = pd.read_csv(out.with_name("payouts.warnings.csv"), **READ)
    assert warnings[["field", "value"]].values.tolist() == [["amount", 5e6]]
    assert "0.00 yuan for this line" in warnings["why"][0]


def test_an_override_file_changes_the_scale_and_is_named(tmp_path):
    records = _records(tmp_path, "2025-03-06,guest_lecture,H002,30,")
    plausible = tmp_path / "usual.toml"
    plausible.write_text("[guest_lecture]\ncount = 20\n", encoding="utf-8")
    rc, out = _run(tmp_path, records)
    assert rc == 0 and len(pd.read_csv(out.with_name("payouts.warnings.csv"), **READ)) == 0
    rc, out = _run(tmp_path, records, "--plausible", str(plausible))
    warnings = pd.read_csv(out.with_name("payouts.warnings.csv"), **READ)
    assert rc == 0 and warnings["usual_max"].tolist() == [20.0] and str(plausible) in warnings["why"][0]
    assert pd.read_csv(out, **READ)["amount"].tolist() == [24_000.0]  # paid all the same


def test_an_xlsx_output_gets_a_warnings_sheet_only_when_there_are_warnings(tmp_path):
    out = tmp_path / "payouts.xlsx"
    records = _records(tmp_path, "2025-03-06,guest_lecture,H002,1000,")
    assert main(["payouts", "--policy", str(HUISHAN), str(records), "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["payouts", "unpaid", "totals", "warnings"]
    assert sheets["warnings"]["line"].tolist() == [2]


@pytest.mark.parametrize("text, key", [
    ("[guest_lectures]\ncount = 5\n", "guest_lectures"),
    ("[guest_lecture]\namount = 5\n", "guest_lecture.amount"),
    ("[guest_lecture]\ncount = inf\n", "guest_lecture.count"),
    ("[guest_lecture]\ncount = nan\n", "guest_lecture.count"),
    ("[guest_lecture]\ncount = 0\n", "guest_lecture.count"),
    ("[guest_lecture]\ncount = 99999999999999999999999999999999999999999999999999999999999999999999999999999"
     "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
     "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
     "99999999999999999999999999999999999999999999999999999\n", "guest_lecture.count"),
    ('[guest_lecture]\ncount = "many"\n', "guest_lecture.count"),
    ("guest_lecture = 5\n", "guest_lecture"),
    ("[guest_lecture\n", ""),
])
def test_a_bad_override_file_names_the_key_and_exits_2(tmp_path, capsys, text, key):
    plausible = tmp_path / "usual.toml"
    plausible.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_usual_max(plausible)
    assert caught.value.key == key and caught.value.file == str(plausible)
    rc, out = _run(tmp_path, EXAMPLE, "--plausible", str(plausible))
    assert rc == 2 and not out.parent.exists()
    assert str(plausible) in capsys.readouterr().err


def test_a_missing_override_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_usual_max(tmp_path / "absent.toml")


def test_implausible_checks_only_the_kinds_columns_and_orders_by_line():
    records = pd.DataFrame({"line": [5, 2, 3], "event": ["class_hours", "guest_lecture", "pairing"],
                            "count": [10_000, 500, 10**9], "amount": [50_000.0, float("nan"), 1e9],
                            "years": [float("nan")] * 3})
    out = implausible(records)
    assert out[["line", "field"]].values.tolist() == [[2, "count"], [5, "amount"], [5, "count"]]


def test_the_documented_scale_is_the_one_in_code():
    """docs/records.md's table of usual maxima lists exactly `USUAL_MAX`."""
    text = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    section = text.split("## Implausible records")[1].split("\n\n(An amount")[0]
    documented = {}
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0] in USUAL_MAX:
            documented.setdefault(cells[0], {})[cells[1]] = float(cells[2].replace(",", ""))
    assert documented == USUAL_MAX
