"""Reading a TOML file a user gives (scenario, observed figures, plausibility limits): one
message naming the file for a missing file, bad encoding or bad TOML, never a traceback."""
from __future__ import annotations

import tomllib
from pathlib import Path

from forecast.core.errors import InputError


def read_toml(path: str | Path, what: str) -> dict:
    """The file's tables; InputError naming the file, with `what` it should be, otherwise."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "", "file not found", what)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), "", f"not valid TOML: {exc}", "a UTF-8 TOML file") from None
