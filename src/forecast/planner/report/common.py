"""What the planner's report views share: their catalogue, number formats, embedded charts and
the provenance block.

The words come from planner_labels.toml (`PlannerLabels`), with the scenario's own names
({place}, {fund}, {craftsman}) filled in as labels.py does; words the budget report already
has (万元, 均值 …) are read from labels.toml through `Labels`. Money is shown in 万元 with one
decimal; a difference always carries its sign, so a planner never mistakes a saving for a cost.
"""
from __future__ import annotations

import base64
import functools
import json
import math
import tomllib
from pathlib import Path

import pandas as pd

from forecast.core.errors import InputError
from forecast.display.labels import WAN, Labels
from forecast.scenario.scenario import Scenario

CATALOGUE = Path(__file__).with_name("labels.toml")
#: the only language of the planner's report
LANG = "zh"


@functools.lru_cache(maxsize=1)
def catalogue() -> dict:
    """planner_labels.toml as read: {lang: {key or group: text or {key: text}}}."""
    return tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))


class PlannerLabels(Labels):
    """The planner catalogue's texts, with one scenario's names filled in: `Labels` (its lookup
    and names) reading planner_labels.toml instead of labels.toml."""

    def __init__(self, scenario: Scenario | None = None):
        super().__init__(LANG, scenario)
        self.texts = catalogue()[LANG]

    def note(self, text) -> str:
        """A note comparison.py wrote (English) in Chinese; '' for none. A note the catalogue
        does not know is shown as written, so nothing the run said is lost."""
        if not isinstance(text, str) or not text:
            return ""
        return self.texts["note"].get(text, text)


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def wan(v, digits: int = 1) -> str:
    """An amount in yuan in 万元 (— for none)."""
    if missing(v):
        return "—"
    return f"{float(v) / WAN:,.{digits}f}"


def signed(v, digits: int = 1) -> str:
    """A difference in yuan in 万元, with its sign (+21.1, -3.0)."""
    if missing(v):
        return "—"
    return f"{float(v) / WAN:+,.{digits}f}"


def yuan(v) -> str:
    return "—" if missing(v) else f"{float(v):,.0f}"


def pct(v, digits: int = 0) -> str:
    return "—" if missing(v) else f"{float(v):.{digits}%}"


def share_or_count(v, share: bool) -> str:
    """A target's value: a share as a percentage, a count as a whole number."""
    if missing(v):
        return "—"
    return f"{float(v):.2%}" if share else f"{float(v):,.1f}"


def figure(path: Path, n: int, title: str, name: str) -> dict:
    """A chart of the folder, embedded as a PNG data URI; a chart the folder should have and
    does not is an InputError naming it."""
    if not path.is_file():
        raise InputError(str(path), "", "chart missing from the folder", "the folder as the command wrote it")
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return {"name": name, "n": n, "title": title, "src": f"data:image/png;base64,{data}"}


def read_json(path: Path, kind: str) -> dict:
    """A summary JSON of the folder, checked to be of `kind`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(str(path), "", f"not readable JSON ({exc})", f"the {path.name} forecast writes") from exc
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise InputError(str(path), "kind", f"is {data.get('kind') if isinstance(data, dict) else None!r}",
                         repr(kind))
    return data


def read_csv(path: Path, columns: list | None = None, required: tuple = ()) -> pd.DataFrame:
    """A table of the folder: exactly `columns`, or at least `required`; anything else is an
    InputError naming the file."""
    if not path.is_file():
        raise InputError(str(path), "", "missing", "the folder as the command wrote it")
    df = pd.read_csv(path)
    if columns is not None and list(df.columns) != list(columns):
        raise InputError(str(path), "", f"columns {list(df.columns)} are not those forecast writes",
                         ", ".join(columns))
    lacking = [c for c in required if c not in df.columns]
    if lacking:
        raise InputError(str(path), "", f"columns {', '.join(lacking)} missing", ", ".join(required))
    return df


def provenance(folder: Path, L: PlannerLabels) -> list[dict]:
    """The provenance block: command, version, date, source commit, seed and replications."""
    path = folder / "provenance.json"
    if not path.is_file():
        raise InputError(str(path), "", "missing", "the folder as the command wrote it")
    p = json.loads(path.read_text(encoding="utf-8"))
    git = p.get("git") or {}
    commit = git.get("commit") or ""
    if commit and git.get("dirty"):
        commit += " (dirty)"
    rows = [(L("command"), p.get("command", "")), (L("version"), p.get("version", "")),
            (L("date"), f"{p.get('started', '')} – {p.get('ended', '')}"), (L("git"), commit),
            (L("seed"), str(p.get("seed", ""))), (L("reps"), str(p.get("reps", "")))]
    return [{"key": k, "value": v} for k, v in rows]
