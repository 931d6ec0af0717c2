"""Every input door is closed: a mutated scenario or records file either reads or is refused
with an `InputError` (the command line's one message and exit 2), never another exception.

The mutations are seeded, so a failure names a reproducible case: numbers replaced by TOML's
`inf`/`nan`, negative, huge or text values, lines deleted or duplicated, files truncated, and
for records random bytes as well. Records that read are also paid (`statement`), so a value the
reader lets through cannot crash the calculator. Bounded (200 + 200 cases) to stay fast.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import forecast
from forecast.core.errors import InputError
from forecast.policy.records import RecordErrors, read_records
from forecast.payouts.statement import statement

from conftest import place_copy  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "huishan"
RECORDS = ROOT / "examples" / "records" / "huishan_2025Q1.csv"

#: what a number in the scenario may be replaced by
TOML_VALUES = ["inf", "-inf", "nan", "+inf", "-1", "-0.5", "1e300", "1e10", "99999999999999999999999",
               "-99999999999999999999999", '"text"', "true", "[]", "{}", "[1, 2, 3]", "0", "1.5",
               "2025-01-01"]
#: what a records cell may be replaced by
CELL_VALUES = ["inf", "-inf", "nan", "NaN", "Infinity", "1e300", "-1e300", "1e9", "1e19", "99999999999999999999999",
               "-1", "0", "1.5", "1,000,000,000,000", "abc", "是", "2025-02-30", "9999-12-31", "0000-01-01",
               '"', "", "8", "9", "-0"]
_NUMBER = re.compile(r"(?<![\w.\-\"])-?\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w\-:])")


def _mutate_scenario(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    how = rng.choice(["number", "number", "number", "number", "delete", "duplicate", "truncate", "swap"])
    if how == "number":
        hits = list(_NUMBER.finditer(text))
        m = rng.choice(hits)
        return text[:m.start()] + rng.choice(TOML_VALUES) + text[m.end():]
    i = rng.randrange(len(lines))
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        return text[:rng.randrange(len(text))]
    return "\n".join(lines)


def _mutate_records(data: bytes, rng: random.Random) -> bytes:
    how = rng.choice(["cell", "cell", "cell", "cell", "bytes", "truncate", "delete", "duplicate", "header"])
    if how == "bytes":
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if how == "truncate":
        return data[:rng.randrange(len(data))]
    lines = data.decode("utf-8-sig").split("\n")
    if how == "header":
        cells = lines[0].split(",")
        cells[rng.randrange(len(cells))] = rng.choice(["count", "levle", "", "date", "note"])
        lines[0] = ",".join(cells)
    elif how in ("delete", "duplicate"):
        i = rng.randrange(len(lines))
        if how == "delete":
            del lines[i]
        else:
            lines.insert(i, lines[i])
    else:
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(1, len(lines) - 1)
            cells = lines[i].split(",")
            cells[rng.randrange(len(cells))] = rng.choice(CELL_VALUES)
            lines[i] = ",".join(cells)
    return "\n".join(lines).encode("utf-8")


def _check_input_error(exc: InputError) -> None:
    """The message names a file (the one error type's contract)."""
    assert isinstance(exc, InputError)
    assert exc.file


@pytest.mark.parametrize("block", range(4))
def test_mutated_scenarios_load_or_raise_input_error(tmp_path, block):
    """Each mutant changes one of the place's files (the law or the assumptions, by turns) of a
    copy of its folder."""
    folder = place_copy(tmp_path)
    texts = {name: (folder / name).read_text(encoding="utf-8") for name in ("policy.toml", "assumptions.toml")}
    outcomes = {"loaded": 0, "refused": 0}
    for seed in range(block * 50, block * 50 + 50):
        rng = random.Random(seed)
        name = sorted(texts)[seed % 2]
        for other, text in texts.items():
            (folder / other).write_text(_mutate_scenario(text, rng) if other == name else text, encoding="utf-8")
        try:
            scenario = forecast.load_scenario(folder)
        except InputError as exc:
            _check_input_error(exc)
            outcomes["refused"] += 1
            continue
        except Exception as exc:  # the failure this test exists to find: name the reproducible case
            pytest.fail(f"seed {seed}: {type(exc).__name__}: {exc}")
        scenario.resolve(None)  # central values: a loaded scenario's numbers are usable
        outcomes["loaded"] += 1
    assert outcomes["refused"] > 0  # the mutations do reach the checks


@pytest.mark.parametrize("block", range(4))
def test_mutated_records_read_or_raise_input_error(tmp_path, block):
    policy = forecast.load_scenario(SCENARIO).policy
    data = RECORDS.read_bytes()
    outcomes = {"read": 0, "refused": 0}
    for seed in range(block * 50, block * 50 + 50):
        rng = random.Random(10_000 + seed)
        path = tmp_path / f"mutant_{seed}.csv"
        path.write_bytes(_mutate_records(data, rng))
        try:
            records = read_records(path, policy=policy)
        except InputError as exc:
            _check_input_error(exc)
            outcomes["refused"] += 1
            continue
        except Exception as exc:
            pytest.fail(f"seed {seed}: {type(exc).__name__}: {exc}")
        statement(records, policy)
        outcomes["read"] += 1
    assert outcomes["refused"] > 0 and outcomes["read"] > 0


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e300", "99999999999999999999999"])
@pytest.mark.parametrize("overlay, key", [
    ("[rules.HS-A1a]\namount = {v}\n", "rules.HS-A1a.amount"),
    ("[rules.HS-A1b]\ntiers = [{{ min = {v}, amount = 20000 }}]\n", "rules.HS-A1b.tiers[0].min"),
    ("[rules.HS-A4]\nrange = [10000, {v}]\n", "rules.HS-A4.range"),
    ("[population.employed]\nvalue = {v}\nrange = [15000, 25000]\nassumption = \"t\"\n",
     "population.employed.value"),
    ("[fund.principal]\ndist = \"uniform\"\nlow = 100000000\nhigh = {v}\nassumption = \"t\"\n", "fund.principal.high"),
    ("[pay_lag_months.default]\nvalue = {v}\nrange = [0, 3]\nassumption = \"t\"\n", "pay_lag_months.default.value"),
    ("[targets.HS-T1]\ngoal = {v}\n", "targets.HS-T1.goal"),
    ("[reference_amounts]\nHS-A1a = {v}\n", "reference_amounts.HS-A1a"),
    ("[correlations.district_size]\nrho = {v}\n", "correlations.district_size.rho"),
    ("[pathways.night_school.expected_units]\nHS-A3a = {{ \"初级工\" = {v} }}\n",
     "pathways.night_school.expected_units.HS-A3a.初级工"),
    ("[rules.HS-A8b]\nmilestones = [{{ level = \"高级工\", within_months = 12, amount = {v} }}]\n",
     "rules.HS-A8b.milestones[0].amount"),
    ("[pathways.colleges.staying_per_year]\ndist = \"normal\"\nlow = 1\nhigh = 100\nmean = 50\nsd = {v}\n"
     "assumption = \"t\"\n", "pathways.colleges.staying_per_year.sd"),
])
def test_non_finite_and_huge_numbers_name_the_key(tmp_path, value, overlay, key):
    path = tmp_path / "reform.toml"
    path.write_text(f'base = "{SCENARIO.as_posix()}"\n' + overlay.format(v=value), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        forecast.load_scenario(path)
    assert caught.value.key == key and caught.value.file == str(path)


def test_amount_above_the_bound_is_refused_and_at_the_bound_read(tmp_path):
    """AMOUNT stops at 1e9 yuan (params.MAX_AMOUNT): the bound itself is allowed."""
    path = tmp_path / "reform.toml"
    path.write_text(f'base = "{SCENARIO.as_posix()}"\n[rules.HS-A1a]\namount = 1000000000\n', encoding="utf-8")
    assert forecast.load_scenario(path).policy.rule("HS-A1a").amount == 1e9
    path.write_text(f'base = "{SCENARIO.as_posix()}"\n[rules.HS-A1a]\namount = 1000000001\n', encoding="utf-8")
    with pytest.raises(InputError, match="at most 1e9"):
        forecast.load_scenario(path)


@pytest.mark.parametrize("cell, column", [("inf", "count"), ("nan", "amount"), ("1e300", "amount"),
                                          ("99999999999999999999999", "count"), ("-inf", "amount"),
                                          ("1e300", "years")])
def test_non_finite_and_huge_record_values_are_line_errors(tmp_path, cell, column):
    header = "date,event,recipient,count,amount,years\n"
    row = {"count": f"2025-03-05,lecture_session,H1,{cell},800,\n",
           "amount": f"2025-03-05,lecture_session,H1,1,{cell},\n",
           "years": f"2025-03-03,studio_reviewed,S1,,20000,{cell}\n"}[column]
    path = tmp_path / "r.csv"
    path.write_text(header + row, encoding="utf-8")
    with pytest.raises(RecordErrors) as caught:
        read_records(path)
    assert [(line, column in reason) for _, line, reason in caught.value.errors] == [(2, True)]
