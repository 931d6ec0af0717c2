"""A sensitivity folder (`forecast sensitivity … --out DIR`): written atomically, read back by
`forecast report` to show what each figure rests on.

| file | content |
|---|---|
| `sensitivity.csv` | one row per output × parameter: Morris `mu_star, mu_star_conf, mu, sigma, mu_star_relative`, or Sobol' `S1, S1_conf, ST, ST_conf`, with its rank |
| `design.csv` | every simulated point: its quantile of each varied parameter and its outputs |
| `sensitivity.json` | method, sample size, runs, parameters, outputs, convergence, scenario fingerprint, seed, command, times |
| `charts/tornado-NN.png` | per output, the ten leading parameters (μ* or ST with its 95 % interval) |

Charts and the terminal table use the catalogue's words (English, like the results folder's
charts); parameter paths are the scenario's own.
"""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from rich.table import Table  # noqa: E402

from forecast.core.atomic import atomic_dir  # noqa: E402
from forecast.core.errors import InputError  # noqa: E402
from forecast.display import fonts  # noqa: E402
from forecast.display.labels import Labels  # noqa: E402
from forecast.sensitivity.analysis import (MORRIS_COLUMNS, SOBOL_COLUMNS, Sensitivity, leading,  # noqa: E402
                                       noise_floor)

FILES = ("sensitivity.csv", "design.csv", "sensitivity.json")
_METADATA = {"Software": None}
LANG = "en"


def write_sensitivity(s: Sensitivity, out: str | Path) -> Path:
    """The folder, replaced atomically."""
    out = Path(out)
    with atomic_dir(out) as tmp:
        s.table.to_csv(tmp / "sensitivity.csv", index=False)
        design = pd.DataFrame(s.X, columns=[f"u:{n}" for n in s.names])
        for k, name in enumerate(s.outputs):
            design[name] = s.Y[:, k]
        design.insert(0, "point", np.arange(len(design)))
        design.to_csv(tmp / "design.csv", index=False)
        (tmp / "sensitivity.json").write_text(json.dumps({**s.meta, "method": s.method, "runs": s.runs,
                                                          "parameters": s.names, "outputs": s.outputs,
                                                          "convergence": s.convergence}, ensure_ascii=False,
                                                         indent=2) + "\n", encoding="utf-8")
        (tmp / "charts").mkdir()
        for k, name in enumerate(s.outputs):
            tornado(s.table, name, s.method, tmp / "charts" / f"tornado-{k:02d}.png")
    return out


def read_sensitivity(folder: str | Path) -> tuple[pd.DataFrame, dict]:
    """The table and meta of a sensitivity folder; InputError naming what is missing or wrong."""
    folder = Path(folder)
    for name in FILES:
        if not (folder / name).is_file():
            raise InputError(str(folder / name), "", "missing: not a sensitivity folder",
                             "a folder written by `forecast sensitivity … --out DIR`")
    try:
        meta = json.loads((folder / "sensitivity.json").read_text(encoding="utf-8"))
        table = pd.read_csv(folder / "sensitivity.csv")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(str(folder), "", f"unreadable: {exc}", "the files `forecast sensitivity` writes") from None
    columns = MORRIS_COLUMNS if meta.get("method") == "morris" else SOBOL_COLUMNS
    if list(table.columns) != columns:
        raise InputError(str(folder / "sensitivity.csv"), "", f"columns {list(table.columns)}", ", ".join(columns))
    return table, meta


@fonts.latin_first  # a Chinese name in a label: its glyphs, not boxes
def tornado(table: pd.DataFrame, output: str, method: str, path: Path, top: int = 10) -> None:
    """Horizontal bars of the leading parameters of one output, with their 95 % intervals."""
    L = Labels(LANG)
    measure, conf = ("mu_star", "mu_star_conf") if method == "morris" else ("ST", "ST_conf")
    part = table[table["output"] == output].nsmallest(top, "rank").iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.4 * max(len(part), 3) + 1.2))
    ax.barh(part["parameter"], part[measure], xerr=part[conf].fillna(0), color="#4878a8", ecolor="grey", capsize=2)
    ax.set_title(L("sensitivity.tornado", output=output), fontsize=10)
    ax.set_xlabel(L(f"sensitivity.{measure}"))
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)


def drivers_table(table: pd.DataFrame, outputs: list, method: str, k: int = 3) -> Table:
    """'What drives this number': per output, its k leading parameters with their measure."""
    L = Labels(LANG)
    measure = "mu_star" if method == "morris" else "ST"
    t = Table(title=L("sensitivity.drivers_title", method=method), title_justify="left")
    t.add_column(L("sensitivity.output"))
    for i in range(1, k + 1):
        t.add_column(L("sensitivity.driver", n=i))
    t.add_column(L("sensitivity.noise"), justify="right")
    for out in outputs:
        part = table[table["output"] == out].set_index("parameter")
        cells = [f"{p} ({_fmt(part.loc[p, measure], measure)})" for p in leading(table, out, k)]
        t.add_row(out, *(cells + [L("sensitivity.none")] * (k - len(cells))),
                  _fmt(noise_floor(table, out), measure))
    t.caption = L(f"sensitivity.caption_{method}")
    return t


def _fmt(v: float, measure: str) -> str:
    return f"{v:.2f}" if measure == "ST" else f"{v:,.4g}"
