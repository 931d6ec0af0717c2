"""Typed, checked reading of one TOML table: every key must be known and of its domain.

Each section of the scenario is read through a `Table`; a key that is never asked for is
reported as unknown when the table is closed, so the reading code is also the schema.
"""
from __future__ import annotations

import datetime as dt

from forecast.core.errors import InputError
from forecast.params.param import SPREAD, UNITS, Domain, Param

_DISTS = ("uniform", "triangular", "normal")


class Table:
    """A view of a TOML table at `path` inside `file` that checks what is read from it."""

    def __init__(self, data: dict, file: str, path: str = ""):
        if not isinstance(data, dict):
            raise InputError(file, path or "(top)", f"expected a table, got {type(data).__name__}")
        self.data, self.file, self.path = data, file, path
        self._seen: set[str] = set()

    def key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, problem: str, allowed: str = "") -> InputError:
        return InputError(self.file, self.key(key), problem, allowed)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default=None, required: bool = True):
        self._seen.add(key)
        if key not in self.data:
            if required and default is None:
                raise self.error(key, "missing")
            return default
        return self.data[key]

    def keys(self) -> list[str]:
        return list(self.data)

    # --- scalar readers -------------------------------------------------------------
    def text(self, key: str, default: str | None = None, choices: tuple[str, ...] | None = None) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            raise self.error(key, f"expected text, got {value!r}", " | ".join(choices) if choices else "text")
        if choices and value not in choices:
            raise self.error(key, f"{value!r} is not allowed", " | ".join(choices))
        return value

    def flag(self, key: str, default: bool | None = None) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {value!r}", "true | false")
        return value

    def date(self, key: str, default: dt.date | None = None) -> dt.date:
        value = self.raw(key, default)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise self.error(key, f"expected a date, got {value!r}", "a TOML date such as 2025-01-01")
        return value

    def number(self, key: str, domain: Domain, default: float | None = None) -> float:
        value = self.raw(key, default)
        return self.check(key, value, domain)

    def check(self, key: str, value, domain: Domain):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"expected a number, got {value!r}", domain.text)
        if not domain.contains(value):
            raise self.error(key, f"{value!r} is out of range", domain.text)
        return int(value) if domain.integer else float(value)

    def numbers(self, key: str, domain: Domain, default: list | None = None) -> list:
        value = self.raw(key, default)
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of numbers, got {value!r}", domain.text)
        return [self.check(key, v, domain) for v in value]

    def pair(self, key: str, domain: Domain) -> tuple:
        """Two numbers `[low, high]` of the domain, low ≤ high (a range)."""
        value = self.numbers(key, domain)
        if len(value) != 2 or value[0] > value[1]:
            raise self.error(key, f"{value!r} is not [low, high]", f"[low, high] with low ≤ high, each {domain.text}")
        return value[0], value[1]

    def rows(self, key: str, allowed: str) -> list["Table"]:
        """A list of tables (`tiers = [{…}, …]`), each a view that reports errors with its index."""
        value = self.raw(key)
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of tables, got {value!r}", allowed)
        return [self.child(row, f"{key}[{i}]") for i, row in enumerate(value)]

    def table(self, key: str, required: bool = True) -> "Table | None":
        value = self.raw(key, {} if not required else None, required=required)
        if value is None:
            return None
        return Table(value, self.file, self.key(key))

    def child(self, data, key: str) -> "Table":
        """A view of a nested value (parameter table, list row) that reports errors like this one."""
        return Table(data, self.file, self.key(key))

    # --- uncertain parameters -------------------------------------------------------
    def param(self, key: str, domain: Domain, assumption: bool = True) -> Param:
        """A parameter: a bare number (policy figure) or a table with its source.

        An assumption must be a table: `{value, range, assumption}` or
        `{dist = uniform|triangular|normal, low, high, [mode | mean, sd], assumption}`.
        """
        value = self.raw(key)
        if not isinstance(value, dict):
            if assumption:
                raise self.error(key, "an assumption must be a table with its source and range",
                                 "{value = …, range = [low, high], assumption = \"why\"} or "
                                 "{dist = \"triangular\", low = …, mode = …, high = …, assumption = \"why\"}")
            v = self.check(key, value, domain)
            return Param("fixed", v, v, v, integer=domain.integer)
        t = self.child(value, key)
        unit = t.unit()
        source = t.text("assumption", "") if assumption else t.text("source", "")
        if assumption and not source:
            raise t.error("assumption", "missing: say where the figure comes from or why", "text")
        dist = t.text("dist", "fixed", ("fixed",) + _DISTS)
        if dist == "fixed":
            v = t.number("value", domain)
            rng = t.numbers("range", domain) if assumption or t.has("range") else [v, v]
            if len(rng) != 2 or not rng[0] <= v <= rng[1]:
                raise t.error("range", f"{rng!r} must be [low, high] around value {v!r}", "[low, high] with low ≤ value ≤ high")
            drawn = assumption and rng[1] > rng[0]   # params.BARE_RANGE_RULE
            p = Param("range" if drawn else "fixed", v, rng[0], rng[1], integer=domain.integer, source=source,
                      assumption=assumption, unit=unit)
        else:
            low, high = t.number("low", domain), t.number("high", domain)
            if low > high:
                raise t.error("high", f"{high!r} is below low {low!r}", "high ≥ low")
            mid, sd = (low + high) / 2, 0.0
            if dist == "triangular":
                mid = t.number("mode", domain)
            elif dist == "normal":
                mid = t.number("mean", domain)
                sd = t.number("sd", SPREAD)
                if sd > 0 and not low - 3 * sd <= mid <= high + 3 * sd:
                    raise t.error("mean", "mean lies too far outside [low, high]", "a mean near the bounds")
            if not low <= mid <= high and dist == "triangular":
                raise t.error("mode", f"{mid!r} outside [{low!r}, {high!r}]", "low ≤ mode ≤ high")
            p = Param(dist, mid, low, high, sd, domain.integer, source, assumption, unit)
        t.close()
        return p

    def unit(self) -> str:
        """The table's optional `unit` (a key of UNITS), or "" when it states none."""
        unit = self.text("unit", "")
        if unit and unit not in UNITS:
            raise self.error("unit", f"{unit!r} is not a unit forecast knows", " | ".join(UNITS))
        return unit

    def close(self) -> None:
        unknown = [k for k in self.data if k not in self._seen]
        if unknown:
            raise self.error(unknown[0], "unknown key", ", ".join(sorted(self._seen)) or "no keys here")
