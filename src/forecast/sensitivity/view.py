"""What each figure rests on, in the budget report and workbook: the leading drivers from a
sensitivity folder of the same scenario (`forecast sensitivity … --out RESULTS/sensitivity`,
or `forecast report --sensitivity DIR`).

A sensitivity folder belongs to a results folder only if both were made from the same
scenario (the SHA-256 fingerprint of its specification); otherwise the report refuses it,
so no figure is explained by another scenario's drivers.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecast.core.errors import InputError
from forecast.display.labels import Labels
from forecast.sensitivity.files import read_sensitivity
from forecast.futures.provenance import scenario_hash
from forecast.sensitivity.analysis import leading, noise_floor

#: where `forecast report` looks when no --sensitivity is given
DEFAULT_FOLDER = "sensitivity"
DRIVERS = 3


@dataclass(frozen=True)
class Drivers:
    """A sensitivity analysis as the report reads it."""

    folder: Path
    table: pd.DataFrame
    meta: dict

    @property
    def method(self) -> str:
        return self.meta["method"]

    @property
    def measure(self) -> str:
        return "mu_star" if self.method == "morris" else "ST"

    def of(self, output: str, k: int = DRIVERS) -> list[str]:
        """The leading drivers of an output (above the noise floor)."""
        return leading(self.table, output, k)

    def text(self, output: str, L: Labels, k: int = DRIVERS) -> str:
        names = self.of(output, k)
        return L.join(names) if names else L("sensitivity.none")

    def outputs(self) -> list[str]:
        return list(self.meta["outputs"])


def find_drivers(results_dir: Path, scenario, folder: str | Path | None) -> Drivers | None:
    """The sensitivity folder for a results folder: `folder` if given, else RESULTS/sensitivity
    if it exists; InputError if it belongs to another scenario."""
    path = Path(folder) if folder else Path(results_dir) / DEFAULT_FOLDER
    if folder is None and not path.is_dir():
        return None
    table, meta = read_sensitivity(path)
    if meta.get("scenario_sha256") != scenario_hash(scenario):
        raise InputError(str(path / "sensitivity.json"), "scenario_sha256",
                         f"a sensitivity analysis of another scenario ({meta.get('scenario')!r})",
                         "`forecast sensitivity` of the scenario the results folder was run with")
    return Drivers(path, table, meta)


def report_context(d: Drivers, L: Labels) -> dict:
    """The report's section on drivers: intro, one row per figure, the tornado of the total."""
    conv = d.meta.get("convergence", {})
    bad = conv.get("unstable") or conv.get("unsettled") or []
    if conv.get("stable") or conv.get("settled"):
        verdict = L("sensitivity.stable")
    elif bad:
        verdict = L("sensitivity.unstable", which=L.join(bad))
    else:
        verdict = L("sensitivity.unchecked")
    rows = [{"output": out, "drivers": d.text(out, L), "noise": f"{noise_floor(d.table, out):,.4g}"}
            for out in d.outputs()]
    chart = d.folder / "charts" / "tornado-00.png"
    src = "data:image/png;base64," + base64.b64encode(chart.read_bytes()).decode("ascii") if chart.is_file() else ""
    return {"intro": L("sensitivity.intro", method=d.method, runs=d.meta.get("runs"), seed=d.meta.get("seed"),
                       verdict=verdict),
            "rows": rows, "tornado": src, "tornado_title": L("sensitivity.tornado", output=d.outputs()[0]),
            "caption": L(f"sensitivity.caption_{d.method}")}


def write_sheet(w, ws, d: Drivers, L: Labels, scenario) -> None:
    """The workbook's sheet: first each figure and target with its leading drivers (a target
    set by assumption with the parameters that set it), then every output × parameter with
    its measure and rank."""
    w.header(ws, 0, [L("sensitivity.output"), L("sensitivity.drivers"), L("sensitivity.noise")], [22, 70, 16])
    r = 1
    for out in d.outputs():
        w.text(ws, r, 0, out)
        w.text(ws, r, 1, d.text(out, L))
        w.num(ws, r, 2, noise_floor(d.table, out), "num")
        r += 1
    for t in scenario.targets:
        if t.set_by:
            w.text(ws, r, 0, t.id)
            w.text(ws, r, 1, L("set_by", params=L.join(t.set_by)))
            r += 1
    r += 1
    cols = list(d.table.columns)
    w.header(ws, r, [L("sensitivity.output")] + cols[1:], [22, 70] + [16] * (len(cols) - 2))
    for row in d.table.itertuples(index=False):
        r += 1
        for c, v in enumerate(row):
            if isinstance(v, str):
                w.text(ws, r, c, v)
            else:
                w.num(ws, r, c, float(v), "num")
    w.text(ws, r + 2, 0, L(f"sensitivity.caption_{d.method}"), "note")
