"""One-off overlays from the command line: `--set KEY=VALUE` with the scenario's dotted keys.

`--set rules.HS-A8a.amount=3000` changes one key of the merged scenario exactly as a reform
file with that key would, and the result is validated like a file: an unknown key or a bad
value is an error naming `--set KEY` (the "file" the key came from). VALUE is read as a TOML
value (`3000`, `0.25`, `true`, `2026-01-01`, `[1, 2]`, `{ from = 2026-01-01, amount = 4000 }`);
anything that is not TOML is text, so `--set meta.title=试点` needs no quotes.

A parameter stated as a table (an assumption with its range, or a policy figure with its
source) set to a number becomes that number, fixed, with the table's source kept and the
setting named: a planner who pins an assumption sees it labelled, not silently replaced.
`--set KEY.value=…` instead changes only the central value and keeps the range.

`--vary KEY=LOW:HIGH[:STEPS]` (sweep, optimise) names a key the same way; `parse_vary` reads it.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass

from forecast.core.errors import InputError

#: the "file" named in errors about a command-line setting
SOURCE = "--set"


@dataclass(frozen=True)
class Setting:
    """One `--set KEY=VALUE`: the dotted key, the value read, and the text as typed."""

    key: str
    value: object
    text: str
    option: str = SOURCE      # the option it came from (--set, or --vary for a sweep's point)

    @property
    def label(self) -> str:
        return f"{self.option} {self.key}={self.text}"

    def __str__(self) -> str:
        return f"{self.key}={self.text}"


def parse_value(text: str):
    """A TOML value, or the text itself when it is not one."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_set(item: str, option: str = SOURCE) -> Setting:
    """`KEY=VALUE` → Setting; a missing `=` or empty key is an error naming the option."""
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise InputError(option, item, "expected KEY=VALUE with a dotted key",
                         "e.g. rules.HS-A8a.amount=3000 or pathways.apprenticeship.elasticity=0.4")
    return Setting(key, parse_value(text.strip()), text.strip())


def parse_sets(items) -> tuple[Setting, ...]:
    return tuple(s if isinstance(s, Setting) else parse_set(s) for s in items or ())


def lookup(data: dict, key: str):
    """The value at a dotted key of (scenario) data, or None where the path does not exist."""
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def apply_settings(data: dict, origins: dict, settings) -> None:
    """Apply the settings to the merged scenario data in place, recording each key's origin as
    its `--set` so later validation errors name it."""
    for s in settings:
        parts = s.key.split(".")
        node = data
        for i, part in enumerate(parts[:-1]):
            nxt = node.get(part) if isinstance(node, dict) else None
            if not isinstance(nxt, dict):
                where = ".".join(parts[:i + 1])
                raise InputError(s.label, s.key, f"the scenario has no table {where!r}",
                                 "a dotted key of the scenario, as in scenario.resolved.toml or parameters.csv")
            node = nxt
        leaf = parts[-1]
        old = node.get(leaf)
        if _is_param_table(old) and not (_is_number(s.value) or isinstance(s.value, dict)):
            raise InputError(s.label, s.key, f"expected a number, got {s.value!r}",
                             "a number (the parameter is then fixed at it) or a parameter table")
        node[leaf] = _parameter(old, s) if _is_param_table(old) and _is_number(s.value) else s.value
        origins[s.key] = s.label


def _is_param_table(value) -> bool:
    return isinstance(value, dict) and ("value" in value or "dist" in value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parameter(old: dict, s: Setting) -> dict:
    """A parameter table set to a number: fixed at it, its source kept and the setting named."""
    if "assumption" in old:
        why = f"set on the command line ({s.label}); the scenario's assumption was: {old['assumption']}"
        return {"value": s.value, "range": [s.value, s.value], "assumption": why}
    return {"value": s.value, "source": f"{old.get('source', '')} (set on the command line: {s.label})".strip()}


# --- --vary ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Vary:
    """`--vary KEY=LOW:HIGH[:STEPS]`: a key and its bounds (and grid size for a sweep)."""

    key: str
    low: float
    high: float
    steps: int | None = None
    integer: bool = False    # LOW and HIGH were written as whole numbers

    def grid(self) -> list:
        """STEPS evenly spaced values from LOW to HIGH (whole numbers kept whole)."""
        n = self.steps or 2
        values = [self.low + (self.high - self.low) * i / (n - 1) for i in range(n)] if n > 1 else [self.low]
        return [int(round(v)) if self.integer and float(v).is_integer() else v for v in values]

    def value(self, x: float):
        """A value inside the bounds, as a whole number when the bounds are whole and x is."""
        return int(round(x)) if self.integer and float(x).is_integer() else float(x)

    def setting(self, x) -> Setting:
        """The overlay placing this key at x (errors name `--vary KEY=x`)."""
        return Setting(self.key, x, f"{x:g}" if isinstance(x, float) else str(x), "--vary")


def parse_vary(item: str, steps: bool) -> Vary:
    """`KEY=LOW:HIGH:STEPS` (steps=True, sweep) or `KEY=LOW:HIGH` (optimise)."""
    form = "KEY=LOW:HIGH:STEPS" if steps else "KEY=LOW:HIGH"
    key, sep, spec = item.partition("=")
    parts = spec.split(":")
    allowed = f"{form}, e.g. rules.HS-A8a.amount=1000:6000" + (":6" if steps else "")
    if not sep or not key.strip() or len(parts) != (3 if steps else 2):
        raise InputError("--vary", item, f"expected {form}", allowed)
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError("--vary", key.strip(), f"bounds {parts[0]!r}:{parts[1]!r} are not numbers", allowed) from None
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise InputError("--vary", key.strip(), f"bounds {low:g}:{high:g} are not LOW ≤ HIGH", allowed)
    n = None
    if steps:
        if not parts[2].strip().isdigit() or not 1 <= int(parts[2]) <= 101:
            raise InputError("--vary", key.strip(), f"steps {parts[2]!r} is not a whole number from 1 to 101", allowed)
        n = int(parts[2])
        if n > 1 and low == high:
            raise InputError("--vary", key.strip(), "LOW equals HIGH: one value needs STEPS 1", allowed)
    whole = all(p.strip().lstrip("-").isdigit() for p in parts[:2])
    return Vary(key.strip(), low, high, n, whole)
