"""`forecast payouts` on small hand-made CSVs: every rule, every boundary, every malformed case."""
from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from forecast.cli import main

from conftest import HUISHAN, ROOT

EXAMPLE = ROOT / "examples" / "records" / "huishan_2025Q1.csv"
HEADER = "date,event,recipient,person,level,count,amount,paired_on,prize,fits_sector,passed,years,programme,contributor"


def record(date, event, recipient="", person="", level="", count="", amount="", paired_on="", prize="",
           fits_sector="", passed="", years="", programme="", contributor="") -> str:
    return ",".join(str(v) for v in (date, event, recipient, person, level, count, amount, paired_on, prize,
                                     fits_sector, passed, years, programme, contributor))


def records_file(tmp_path, *rows: str, name: str = "records.csv", header: str = HEADER):
    path = tmp_path / name
    path.write_text("\n".join((header,) + rows) + "\n", encoding="utf-8")
    return path


def payouts(tmp_path, path, *extra, capsys=None):
    """Run the command with --out; return (exit status, lines, unpaid, totals) as text tables."""
    out = tmp_path / "out" / "payouts.csv"
    rc = main(["payouts", "--policy", str(HUISHAN), str(path), "--out", str(out), *extra])
    assert rc == 0
    read = dict(dtype={"rule": str, "recipient": str, "person": str, "reason": str}, keep_default_na=False,
                encoding="utf-8-sig")
    return (pd.read_csv(out, **read), pd.read_csv(out.with_name("payouts.unpaid.csv"), **read),
            pd.read_csv(out.with_name("payouts.totals.csv"), **read))


def paid(lines: pd.DataFrame) -> list[tuple]:
    return [(r.line, r.rule, r.amount) for r in lines.itertuples()]


# --- the worked example of docs/records.md ------------------------------------------------

def _doc_table() -> list[tuple[int, str, float, float, float]]:
    text = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    section = text.split("What it pays, by hand")[1].split("Cash from the fund")[0]
    rows = []
    for line in section.splitlines():
        m = re.match(r"\| (\d+) \| (HS-\w+) \| ([\d,]+) \| ([\d,–]+) \| ([\d,]+) \|", line)
        if m:
            num = lambda s: 0.0 if s == "–" else float(s.replace(",", ""))  # noqa: E731
            rows.append((int(m[1]), m[2], num(m[3]), num(m[4]), num(m[5])))
    return rows


def test_docs_csv_block_is_the_example_file():
    text = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    block = text.split("```csv\n")[1].split("```")[0]
    assert block == EXAMPLE.read_text(encoding="utf-8")


def test_worked_example_pays_what_the_docs_say(tmp_path, capsys):
    lines, unpaid, totals = payouts(tmp_path, EXAMPLE)
    expected = _doc_table()
    assert len(expected) == 21
    got = sorted((r.line, r.rule, r.base, r.uplift, r.amount) for r in lines.itertuples())
    assert got == sorted(expected)
    assert set(lines["rule"]) == {f"HS-A{n}" for n in ("1a", "1b", "1c", "1d", "2a", "2b", "2c", "3a", "3b", "4",
                                                       "5", "6", "7", "8a", "8b", "9", "10")}
    assert sorted(unpaid["line"]) == [5, 8, 11, 17, 20, 22, 28, 29]
    cash = totals[(totals["group"] == "total") & (totals["in_kind"] == "False")].iloc[0]
    assert (int(cash["lines"]), float(cash["amount"]), float(cash["uplift"])) == (20, 298090.0, 21990.0)
    in_kind = totals[(totals["group"] == "total") & (totals["in_kind"] == "True")].iloc[0]
    assert float(in_kind["amount"]) == 5000.0
    printed = capsys.readouterr().out
    for text in ("Payout lines (21)", "Records that earn nothing (8)", "Totals by rule", "Totals by recipient",
                 "298,090.00", "第八条", "王芳(无锡职院)", "HS-A7 (in kind)"):
        assert text in printed


def test_workbook_records_give_the_same_payouts(tmp_path):
    from forecast.policy.records import read_records, write_records
    xlsx = write_records(read_records(EXAMPLE).drop(columns="line"), tmp_path / "records.xlsx")
    lines_x, unpaid_x, _ = payouts(tmp_path, xlsx)
    lines_c, unpaid_c, _ = payouts(tmp_path, EXAMPLE)
    cols = ["date", "rule", "recipient", "person", "base", "uplift", "amount"]
    pd.testing.assert_frame_equal(lines_x[cols], lines_c[cols])
    assert sorted(unpaid_x["reason"]) == sorted(unpaid_c["reason"])


def test_workbook_output(tmp_path):
    out = tmp_path / "payouts.xlsx"
    assert main(["payouts", "--policy", str(HUISHAN), str(EXAMPLE), "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["payouts", "unpaid", "totals"]
    assert len(sheets["payouts"]) == 21 and len(sheets["unpaid"]) == 8
    assert sorted(p.name for p in tmp_path.iterdir()) == ["payouts.xlsx"]


# --- each rule and its boundaries, computed by hand ----------------------------------------

@pytest.mark.parametrize("count,amount", [(19, None), (20, 20000.0), (50, 20000.0), (51, 100000.0)])
def test_staying_graduates_tiers(tmp_path, count, amount):
    path = records_file(tmp_path, record("2025-12-31", "graduates_stayed", "无锡职业技术学院", count=count))
    lines, unpaid, _ = payouts(tmp_path, path)
    if amount is None:
        assert lines.empty
        assert unpaid["reason"].tolist() == ["HS-A1b: 19 counted: below the 20 needed for HS-A1b"]
    else:
        assert paid(lines) == [(2, "HS-A1b", amount)]


def test_counsellor_graduate_at_intermediate_with_second_prize(tmp_path):
    path = records_file(tmp_path, record("2025-12-31", "graduate_stayed", "辅导员王芳", "G1", "中级工", prize=2,
                                         fits_sector="否"))
    lines, unpaid, totals = payouts(tmp_path, path)
    assert paid(lines) == [(2, "HS-A1c", 300.0), (2, "HS-A1d", 800.0)]
    assert lines["amount"].sum() == 1100.0 and unpaid.empty
    who = totals[totals["group"] == "recipient"].iloc[0]
    assert (who["recipient"], float(who["amount"])) == ("辅导员王芳", 1100.0)


@pytest.mark.parametrize("level,years,last_day", [("高级工", 1, "2026-03-15"), ("技师", 3, "2028-03-15"),
                                                  ("高级技师", 5, "2030-03-15")])
def test_milestone_on_its_last_day_and_one_day_after(tmp_path, level, years, last_day):
    after = str(np.datetime64(last_day) + 1)
    path = records_file(tmp_path,
                        record("2025-03-15", "pairing", "M1 王师傅", "A1", "中级工"),
                        record(last_day, "apprentice_certified", "M1 王师傅", "A1", level, paired_on="2025-03-15"),
                        record("2025-03-15", "pairing", "M2", "A2", "中级工"),
                        record(after, "apprentice_certified", "M2", "A2", level, paired_on="2025-03-15"))
    lines, unpaid, _ = payouts(tmp_path, path)
    amount = {"高级工": 2000.0, "技师": 3000.0, "高级技师": 5000.0}[level]
    assert (3, "HS-A8b", amount) in paid(lines)
    assert str(lines.loc[lines["rule"] == "HS-A8b", "date"].iloc[0]) == last_day
    [reason] = unpaid.loc[unpaid["line"] == 5, "reason"]
    assert reason == (f"HS-A8b: apprentice reached {level} {12 * years} months after pairing: "
                      f"HS-A8b {years}-year window missed (its last day was {last_day})")


def test_pairing_in_december_2027_earns_its_milestone_in_2032(tmp_path):
    path = records_file(tmp_path,
                        record("2027-12-10", "pairing", "M1", "A1", "高级工"),
                        record("2032-11-30", "apprentice_certified", "M1", "A1", "高级技师", paired_on="2027-12-10"),
                        record("2028-01-10", "pairing", "M2", "A2", "高级工"))
    lines, unpaid, _ = payouts(tmp_path, path)
    assert paid(lines) == [(2, "HS-A8a", 2000.0), (3, "HS-A8b", 5000.0)]
    assert lines["year"].tolist() == [2027, 2032]
    assert unpaid["reason"].tolist() == [
        "HS-A8a: event dated 2028-01-10, outside the policy's validity 2025-01-01–2027-12-31"]


@pytest.mark.parametrize("row,base", [
    (record("2025-05-01", "station_accepted", "C1", contributor="{c}"), 20000.0),
    (record("2025-05-01", "craftsman_selected", "H1", contributor="{c}"), 10000.0),
    (record("2025-05-01", "certificate", "鳗鹏夜校", "W1", "初级工", programme="night_school", contributor="{c}"), 500.0),
    (record("2025-05-01", "class_hours", "H1", count=12, amount=150, contributor="{c}"), 1800.0),
    (record("2025-05-01", "studio_reviewed", "S1", amount=20000, years=3, contributor="{c}"), 20000.0),
    (record("2025-05-01", "pairing", "M1", "A1", contributor="{c}"), 2000.0),
    (record("2025-05-01", "challenge_completed", "H1", amount=30000, contributor="{c}"), 30000.0),
])
@pytest.mark.parametrize("contributor,factor", [("是", 1.3), ("true", 1.3), ("否", 1.0), ("", 1.0)])
def test_contributor_uplift(tmp_path, row, base, contributor, factor):
    lines, _, _ = payouts(tmp_path, records_file(tmp_path, row.format(c=contributor)))
    [line] = lines.itertuples()
    assert (line.base, line.uplift_rate, line.amount) == (base, round(factor - 1, 2), round(base * factor, 2))


def test_no_uplift_on_in_kind_services(tmp_path):
    path = records_file(tmp_path, record("2025-12-31", "craftsman_in_service", "H1", "H1", contributor="是"))
    lines, _, totals = payouts(tmp_path, path)
    assert paid(lines) == [(2, "HS-A7", 5000.0)] and lines["uplift"].tolist() == [0.0]
    cash = totals[(totals["group"] == "total") & (totals["in_kind"] == "False")].iloc[0]
    assert float(cash["amount"]) == 0.0


@pytest.mark.parametrize("rows,rule,first", [
    ((record("2025-02-01", "station_accepted", "C1"), record("2025-09-01", "station_accepted", "C1")),
     "HS-A1a: already paid once for this recipient (first on 2025-02-01)", 2),
    # the earlier claim is paid even when it comes later in the file
    ((record("2025-09-01", "rights_centre_built", "R1"), record("2025-02-01", "rights_centre_built", "R1")),
     "HS-A10: already paid once for this recipient (first on 2025-02-01)", 3),
    ((record("2025-02-01", "graduates_stayed", "C1", count=30), record("2025-12-31", "graduates_stayed", "C1", count=60)),
     "HS-A1b: already paid once for this recipient, year (first on 2025-02-01)", 2),
    ((record("2025-02-01", "pairing", "M1", "A1"), record("2025-03-01", "pairing", "M1", "A1")),
     "HS-A8a: already paid once for this recipient, person (first on 2025-02-01)", 2),
])
def test_second_claim_of_a_once_only_reward_earns_nothing(tmp_path, rows, rule, first):
    lines, unpaid, _ = payouts(tmp_path, records_file(tmp_path, *rows))
    assert lines["line"].tolist() == [first]
    assert unpaid["reason"].tolist() == [rule]


def test_yearly_rewards_are_paid_again_next_year(tmp_path):
    path = records_file(tmp_path, record("2025-12-31", "craftsman_assessed", "H1", passed="是"),
                        record("2026-12-31", "craftsman_assessed", "H1", passed="1"),
                        record("2030-12-31", "craftsman_assessed", "H1", passed="true"),
                        record("2027-12-31", "craftsman_assessed", "H1", passed="否"))
    lines, unpaid, _ = payouts(tmp_path, path)
    assert paid(lines) == [(2, "HS-A2b", 3000.0), (3, "HS-A2b", 3000.0), (4, "HS-A2b", 3000.0)]  # 2030: after_policy
    assert unpaid["reason"].tolist() == ["HS-A2b: yearly assessment not passed"]


@pytest.mark.parametrize("level", ["高级工", "4", "senior"])
def test_chinese_level_names_and_codes(tmp_path, level):
    path = records_file(tmp_path, record("2025-06-01", "certificate", "鳗鹏夜校", "W1", level, programme="night_school"),
                        record("2025-06-01", "graduate_stayed", "K1", "G1", level, prize="无", fits_sector="是"))
    lines, _, _ = payouts(tmp_path, path)
    assert paid(lines) == [(2, "HS-A3a", 1500.0), (3, "HS-A1c", 800.0)]


@pytest.mark.parametrize("row,inside,rule,text", [
    (record("2025-06-01", "class_hours", "H1", count=10, amount="{a}"), (150, 1500.0), "HS-A3b", "amount 250 outside HS-A3b's range 100–200"),
    (record("2025-06-01", "studio_reviewed", "S1", amount="{a}", years=2), (30000, 30000.0), "HS-A4", "amount 250 outside HS-A4's range 10000–30000"),
    (record("2025-06-01", "lecture_session", "H1", count=3, amount="{a}"), (500, 1500.0), "HS-A5", "amount 250 outside HS-A5's range 500–1000"),
    (record("2025-06-01", "challenge_completed", "H1", amount="{a}"), (10000, 10000.0), "HS-A9", "amount 250 outside HS-A9's range 10000–50000"),
])
def test_range_rules_take_the_amount_from_the_record(tmp_path, row, inside, rule, text):
    path = records_file(tmp_path, row.format(a=inside[0]), row.format(a=250))
    lines, unpaid, _ = payouts(tmp_path, path)
    assert paid(lines) == [(2, rule, inside[1])]
    assert unpaid["reason"].tolist() == [f"{rule}: {text}"]


def test_other_rules_by_hand(tmp_path):
    path = records_file(tmp_path,
                        record("2025-06-01", "guest_lecture", "H1", count=3),
                        record("2025-06-01", "base_recognised", "B1"),
                        record("2025-06-01", "studio_reviewed", "S2", amount=15000, years=1.9),
                        record("2025-06-01", "certificate", "鳗鹏夜校", "W1", "技师", programme="night_school"),
                        record("2025-06-01", "certificate", "", "W2", "初级工", programme="competition"),
                        record("2025-06-01", "graduate_stayed", "K1", "G1", "技师", prize=1, fits_sector="否"),
                        record("2025-06-01", "graduate_stayed", "K1", "G2", "初级工", prize=3, fits_sector="否"))
    lines, unpaid, _ = payouts(tmp_path, path)
    assert paid(lines) == [(2, "HS-A6", 2400.0), (3, "HS-A2c", 30000.0), (7, "HS-A1c", 2000.0), (7, "HS-A1d", 2000.0),
                           (8, "HS-A1d", 300.0)]
    reasons = dict(zip(unpaid["line"], unpaid["reason"]))
    assert reasons[4] == "HS-A4: 1.9 years old: HS-A4 needs at least 2"
    assert reasons[5] == "HS-A3a: 技师 earns nothing under HS-A3a (pays 初级工、中级工、高级工)"
    assert reasons[6] == "HS-A3a: obtained through competition, not night_school"


def test_dates_outside_the_validity_are_reported_not_paid(tmp_path):
    path = records_file(tmp_path, record("2024-12-31", "guest_lecture", "H1", count=1),
                        record("2028-01-01", "challenge_completed", "H1", amount=20000),
                        record("2027-12-31", "rights_centre_built", "R1"))
    lines, unpaid, _ = payouts(tmp_path, path)
    assert paid(lines) == [(4, "HS-A10", 30000.0)]
    assert unpaid["reason"].tolist() == [
        "HS-A6: event dated 2024-12-31, outside the policy's validity 2025-01-01–2027-12-31",
        "HS-A9: event dated 2028-01-01, outside the policy's validity 2025-01-01–2027-12-31"]


def test_as_of_considers_only_records_on_or_before_the_date(tmp_path, capsys):
    path = records_file(tmp_path, record("2025-03-31", "station_accepted", "C1"),
                        record("2025-04-01", "station_accepted", "C2"),
                        record("2025-03-01", "station_accepted", "C1"))
    lines, unpaid, totals = payouts(tmp_path, path, "--as-of", "2025-03-31")
    assert paid(lines) == [(4, "HS-A1a", 20000.0)]
    assert unpaid["line"].tolist() == [2]  # the second claim; line 3 is not considered at all
    printed = capsys.readouterr().out
    assert "As of 2025-03-31: only records dated on or before 2025-03-31 are considered (2 considered, 1 dated" in printed
    assert "as of 2025-03-31" in totals.loc[totals["group"] == "scope", "note"].iloc[0]


def test_show_limits_printed_rows_not_files(tmp_path, capsys):
    rows = [record("2025-06-01", "guest_lecture", f"H{i}", count=1) for i in range(7)]
    lines, _, _ = payouts(tmp_path, records_file(tmp_path, *rows), "--show", "3")
    assert len(lines) == 7
    assert "first 3 of 7 rows shown; all are in" in capsys.readouterr().out


def test_without_out_nothing_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["payouts", "--policy", str(HUISHAN), str(EXAMPLE)]) == 0
    assert list(tmp_path.iterdir()) == []
    assert "use --out FILE to write them all" not in capsys.readouterr().out  # 21 lines fit in --show 100


# --- malformed records: exit 2, file:line and reason, no file ------------------------------

MALFORMED = [
    ("unknown event kind", record("2025-06-01", "station_acepted", "C1"), HEADER, 2, "unknown event kind 'station_acepted'"),
    ("missing column", "2025-06-01,graduates_stayed,C1", "date,event,recipient", 1,
     "missing column 'count' (needed by graduates_stayed records, first on line 2)"),
    ("required column empty", record("2025-06-01", "graduates_stayed", "C1"), HEADER, 2,
     "count is empty (a graduates_stayed record needs it)"),
    ("date that does not parse", record("2025-6-31", "station_accepted", "C1"), HEADER, 2, "date '2025-6-31' is not a date"),
    ("level that does not exist", record("2025-06-01", "certificate", "P", "W1", "九级工", programme="x"), HEADER, 2,
     "level '九级工' is not a level"),
    ("negative count", record("2025-06-01", "guest_lecture", "H1", count=-2), HEADER, 2, "count -2 is negative"),
    ("amount not a number", record("2025-06-01", "challenge_completed", "H1", amount="三万"), HEADER, 2,
     "amount '三万' is not a number"),
    ("boolean not true/false", record("2025-06-01", "craftsman_assessed", "H1", passed="yes"), HEADER, 2,
     "passed 'yes' is not allowed (allowed: true, false, 1, 0, 是, 否)"),
]


@pytest.mark.parametrize("case,row,header,line,reason", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_record(tmp_path, capsys, case, row, header, line, reason):
    path = records_file(tmp_path, record("2025-06-01", "station_accepted", "C0"), row, header=header) \
        if header == HEADER else records_file(tmp_path, row, header=header)
    out = tmp_path / "out" / "payouts.csv"
    assert main(["payouts", "--policy", str(HUISHAN), str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    line = line + 1 if header == HEADER and line > 1 else line
    assert f"{path}:{line}: {reason}" in err
    assert not (tmp_path / "out").exists()


def test_all_malformed_records_are_listed(tmp_path, capsys):
    rows = [m[1] for m in MALFORMED if m[2] == HEADER]
    path = records_file(tmp_path, *rows)
    out = tmp_path / "payouts.csv"
    assert main(["payouts", "--policy", str(HUISHAN), str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{len(rows)} problems in the records" in err
    for i, (_, _, _, _, reason) in enumerate(m for m in MALFORMED if m[2] == HEADER):
        assert f"{path}:{i + 2}: {reason}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.csv"]


def test_existing_output_is_left_alone_when_records_are_malformed(tmp_path):
    out = tmp_path / "payouts.csv"
    out.write_text("previous\n", encoding="utf-8")
    path = records_file(tmp_path, record("2025-06-01", "nope", "C1"))
    assert main(["payouts", "--policy", str(HUISHAN), str(path), "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "previous\n"


def test_bad_arguments_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["payouts", "--policy", str(HUISHAN), str(EXAMPLE), "--as-of", "2025-02-30"])
    assert info.value.code == 2 and "'2025-02-30' is not a date" in capsys.readouterr().err
    assert main(["payouts", "--policy", str(HUISHAN), str(EXAMPLE), "--out", str(EXAMPLE)]) == 2
    assert "would overwrite the records file" in capsys.readouterr().err
    assert main(["payouts", "--policy", str(tmp_path / "none.toml"), str(EXAMPLE)]) == 2


def test_console_script_exit_status(tmp_path):
    """The installed command itself: malformed records give status 2 and the listing on stderr."""
    path = records_file(tmp_path, record("2025-06-01", "nope", "C1"), record("2025-13-01", "station_accepted", "C1"))
    proc = subprocess.run([sys.executable, "-m", "forecast.cli", "payouts", "--policy", str(HUISHAN), str(path)],
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 2
    assert f"{path}:2: unknown event kind 'nope'" in proc.stderr and f"{path}:3: date '2025-13-01'" in proc.stderr


# --- size ---------------------------------------------------------------------------------

def _copies(n: int, path):
    """The example's records repeated to `n` rows, every copy its own colleges, craftsmen and
    apprentices (recipient and person suffixed #copy), written to `path`."""
    template = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    big = pd.concat([template] * -(-n // len(template)), ignore_index=True).iloc[:n]
    copy = (np.arange(n) // len(template)).astype(str)
    for col in ("recipient", "person"):
        big[col] = np.where(big[col] != "", big[col] + "#" + copy, "")
    big.to_csv(path, index=False)
    return path, len(template)


def test_100000_records_pay_what_each_copy_pays_alone(tmp_path):
    """100,000 records (3,571 copies of the example and a part of one): every copy is paid, and
    left unpaid, exactly as the example alone, to the yuan and by rule. How long it takes is a
    benchmark's business (benchmarks/bench_payouts.py), not a test's: a time bound fails on a
    loaded machine."""
    n = 100_000
    (tmp_path / "big").mkdir()
    (tmp_path / "one").mkdir()
    (tmp_path / "part").mkdir()
    path, per_copy = _copies(n, tmp_path / "big" / "big.csv")
    copies, rest = divmod(n, per_copy)
    lines, unpaid, totals = payouts(tmp_path / "big", path)
    one_lines, one_unpaid, _ = payouts(tmp_path / "one", _copies(per_copy, tmp_path / "one" / "one.csv")[0])
    part_lines, part_unpaid, _ = payouts(tmp_path / "part", _copies(rest, tmp_path / "part" / "part.csv")[0])
    assert len(lines) == copies * len(one_lines) + len(part_lines)
    assert len(unpaid) == copies * len(one_unpaid) + len(part_unpaid)
    assert one_lines["amount"].sum() == 303090.0  # 298,090 cash + 5,000 in kind (docs/records.md)
    assert lines["amount"].sum() == pytest.approx(copies * 303090.0 + part_lines["amount"].sum(), abs=0.005)
    by_rule = lines.groupby("rule")["amount"].sum()
    expected = (copies * one_lines.groupby("rule")["amount"].sum()).add(
        part_lines.groupby("rule")["amount"].sum(), fill_value=0)
    pd.testing.assert_series_equal(by_rule, expected, check_exact=False, atol=0.005)
    rule_totals = totals[totals["group"] == "rule"].set_index("rule")["amount"].astype(float)
    pd.testing.assert_series_equal(rule_totals.sort_index(), expected.sort_index(), check_names=False,
                                   check_exact=False, atol=0.005)
    assert lines["recipient"].str.endswith(f"#{copies}").any()  # the last, partial copy is paid too
