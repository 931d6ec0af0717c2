"""Scenario files: a file and the chain of bases it overlays, merged, with the file each key
came from (so an error after merging still names the file that set the key).

A reform is a small file with `base = "other.toml"` that changes a few keys; tables merge key
by key, and a parameter table (one with `value` or `dist`) is replaced whole.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

from forecast.core.errors import InputError
from forecast.core.toml_file import read_toml
from forecast.params.table import Table


def load_chain(path: Path, seen: frozenset = frozenset()) -> tuple[dict, dict, tuple, tuple]:
    """The merged data of a file and its bases, which file each key came from, the files in
    order (root first), and the root file with its own data (the behavioural reference)."""
    if path.resolve() in seen:
        raise InputError(str(path), "base", "overlays form a loop", "a chain of bases that ends")
    data = read_toml(path, "a path to a scenario .toml file")
    if "base" not in data:
        return data, {"": str(path)}, (path,), (path, copy.deepcopy(data))
    base = data.pop("base")
    if not isinstance(base, str):
        raise InputError(str(path), "base", f"expected a file name, got {base!r}", "a path relative to this file")
    merged, origins, files, root = load_chain(path.parent / base, seen | {path.resolve()})
    _merge(merged, data, origins, str(path), "")
    return merged, origins, files + (path,), root


def _merge(into: dict, over: dict, origins: dict, file: str, prefix: str) -> None:
    for key, value in over.items():
        p = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and isinstance(into.get(key), dict) and "dist" not in value and "value" not in value:
            _merge(into[key], value, origins, file, p)
        else:
            into[key] = copy.deepcopy(value)
            origins[p] = file


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
