"""Scenario files: a scenario named by its place folder or by a file, the chain of bases it
overlays merged in order, with the file each key came from (so an error after merging still
names the file that set the key).

- **A place folder** (`scenarios/huishan`) holds the law and the assumptions apart:
  `policy.toml` (names, validity, reward rules, targets, each with its source and reading) and
  `assumptions.toml` (calendar, population, flows, behaviour, volumes, the fund, each figure
  with its source or labelled assumption and range). The folder is read from its
  `assumptions.toml`, whose first line names what it builds on:
  `base = ["../national.toml", "policy.toml"]` (national facts every place shares, then the law).
- **`base`** names one file or folder, or a list of them merged in order; a path is relative
  to the file that names it. Tables merge key by key; a parameter table (one with `value` or
  `dist`) is replaced whole, and a table holding only `assumption` (or `unit`) changes that
  key alone — a place's own note on a shared figure.
- **A reform** is a small delta with a header instead of `base` and `[meta]`:

      [reform]
      title = "HS-A8a doubled"                     # what the reform is
      reference = "…"                              # where the proposal comes from
      baseline = "../huishan"                      # the scenario it changes (folder or file)
      name = "huishan-apprentice-x2"               # optional: default the file's name

      [rules.HS-A8a]
      amount = 4000

- A single-file scenario (as a results folder's `scenario.resolved.toml`) still loads as it is.
"""
from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from pathlib import Path

from forecast.core.errors import InputError
from forecast.core.toml_file import read_toml
from forecast.params.table import Table

#: the file a place folder is read from (it names the folder's policy.toml as a base)
FOLDER_ENTRY = "assumptions.toml"
WHAT = "a scenario: a place folder (policy.toml and assumptions.toml) or a scenario .toml file"
REFORM_KEYS = ("title", "reference", "baseline", "name")


def scenario_file(path: str | Path) -> Path:
    """The file a scenario's name stands for: a file as it is, a place folder its FOLDER_ENTRY."""
    path = Path(path)
    if path.is_dir():
        entry = path / FOLDER_ENTRY
        if not entry.is_file():
            raise InputError(str(path), "", f"a folder without {FOLDER_ENTRY}",
                             "a place folder holding policy.toml and assumptions.toml (which names "
                             "policy.toml as its base), or a scenario .toml file")
        return entry
    return path


@dataclass
class Chain:
    """A scenario's files merged: the data, which file each key came from, the files in order
    (bases first), and each file's own data (before merging)."""

    data: dict
    origins: dict
    files: tuple
    own: tuple                  # (file, its own data) in the order of `files`
    place: tuple | None = None  # (entry file, merged data) of the first place folder in the chain

    def root(self) -> tuple:
        """(file, data) of the root scenario, the behavioural reference of every overlay on it:
        the first place folder of the chain as a whole (its law with its assumptions), else the
        first file that states reward rules (a chain of single files), else the first file."""
        if self.place is not None:
            return self.place
        return next(((f, d) for f, d in self.own if "rules" in d), self.own[0])


def load_chain(path: str | Path, seen: frozenset = frozenset()) -> tuple[dict, dict, tuple, tuple]:
    """The merged data of a scenario and its bases, which file each key came from, the files
    in order (bases first), and the root file with its own data (the behavioural reference)."""
    chain = read_chain(path, seen)
    return chain.data, chain.origins, chain.files, chain.root()


def read_chain(path: str | Path, seen: frozenset = frozenset()) -> Chain:
    folder = Path(path).is_dir()
    chain = _read_chain(scenario_file(path), seen)
    if folder and chain.place is None:
        chain.place = (chain.files[-1], copy.deepcopy(chain.data))
    return chain


def _read_chain(path: Path, seen: frozenset) -> Chain:
    if path.resolve() in seen:
        raise InputError(str(path), "base", "overlays form a loop", "a chain of bases that ends")
    data = read_toml(path, WHAT)
    _reform_header(data, path)
    own = (path, copy.deepcopy(data))
    if "base" not in data:
        return Chain(data, {"": str(path)}, (path,), (own,))
    base = data.pop("base")
    bases = [base] if isinstance(base, str) else base
    if not isinstance(bases, list) or not bases or not all(isinstance(b, str) for b in bases):
        raise InputError(str(path), "base", f"expected a file or folder name or a list of them, got {base!r}",
                         "a path relative to this file, or a list of such paths merged in order")
    chain = None
    for b in bases:
        part = read_chain(Path(os.path.normpath(path.parent / b)), seen | {path.resolve()})
        if chain is None:
            chain = part
            continue
        _merge(chain.data, part.data, chain.origins, Origins(part.origins).file, "")
        chain = Chain(chain.data, chain.origins, chain.files + part.files, chain.own + part.own,
                      chain.place or part.place)
    _merge(chain.data, data, chain.origins, lambda p: str(path), "")
    return Chain(chain.data, chain.origins, chain.files + (path,), chain.own + (own,), chain.place)


def _reform_header(data: dict, path: Path) -> None:
    """A reform's `[reform]` header becomes its base and its names: `baseline` → `base`, `name`
    (default: the file's name) and `title` → `[meta]`; `reference` is required (where the proposal
    comes from) and kept in `[meta].reform_reference`."""
    if "reform" not in data:
        return
    t = Table(data.pop("reform"), str(path), "reform")
    for key in ("base", "meta"):
        if key in data:
            raise InputError(str(path), key, "a reform names its baseline and its title in [reform]",
                             "[reform] title, reference, baseline (and name), without base or [meta]")
    baseline, title, reference = t.text("baseline"), t.text("title"), t.text("reference")
    for key, value in (("title", title), ("reference", reference), ("baseline", baseline)):
        if not value.strip():
            raise t.error(key, "empty", "text")
    name = t.text("name", path.stem.replace("_", "-"))
    t.close()
    data["base"] = baseline
    data["meta"] = {"name": name, "title": title, "reform_reference": reference}


def _merge(into: dict, over: dict, origins: dict, origin_of, prefix: str) -> None:
    """Merge `over` into `into` key by key (a parameter table replaced whole), recording for
    each key it sets the file `origin_of(path)` names."""
    for key, value in over.items():
        p = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and isinstance(into.get(key), dict) and "dist" not in value and "value" not in value:
            _merge(into[key], value, origins, origin_of, p)
        else:
            into[key] = copy.deepcopy(value)
            origins[p] = origin_of(p)


class Origins:
    """Which file a key path came from, for error messages after overlays are merged."""

    def __init__(self, origins: dict):
        self.origins = origins

    def file(self, path: str) -> str:
        parts = re.sub(r"\[\d+\]", "", path).split(".")
        for n in range(len(parts), 0, -1):
            if ".".join(parts[:n]) in self.origins:
                return self.origins[".".join(parts[:n])]
        return self.origins[""]

    def file_under(self, path: str) -> str:
        """The file that set a key at or under `path` (an overlay, if one did), for whole-table checks."""
        hits = [f for k, f in self.origins.items() if k == path or k.startswith(path + ".")]
        return hits[-1] if hits else self.file(path)

    def error(self, path: str, problem: str, allowed: str = "") -> InputError:
        """An error about the key at `path` (or a whole table), naming the file that set it."""
        return InputError(self.file_under(path), path, problem, allowed)


class OriginTable(Table):
    """A Table whose errors name the file the offending key came from."""

    def __init__(self, data, origins: Origins, path: str = ""):
        self.origins = origins
        super().__init__(data, origins.file(path), path)

    def error(self, key, problem, allowed=""):
        return InputError(self.origins.file(self.key(key)), self.key(key), problem, allowed)

    def table(self, key, required=True):
        value = self.raw(key, {} if not required else None, required=required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {value!r}", "a TOML table")
        return OriginTable(value, self.origins, self.key(key))

    def child(self, data, key):
        return OriginTable(data, self.origins, self.key(key))
