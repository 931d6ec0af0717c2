"""The 新八级 skill ladder (POLICY.md, seed 004 §2): level codes, names and groupings.

Codes are what the engine stores (int8); names are what policy texts and records use.
"""
from __future__ import annotations

NAMES = ("未取证", "学徒工", "初级工", "中级工", "高级工", "技师", "高级技师", "特级技师", "首席技师")
ENGLISH = ("uncertified", "apprentice", "junior", "intermediate", "senior", "technician",
           "senior technician", "special technician", "chief technician")
UNCERTIFIED, APPRENTICE, JUNIOR, INTERMEDIATE, SENIOR, TECHNICIAN, SENIOR_TECHNICIAN, SPECIAL, CHIEF = range(9)
TOP = CHIEF
#: Reading (POLICY.md): skilled = certified at 初级工 or above; high-skilled = 高级工 or above.
SKILLED_MIN = JUNIOR
HIGH_SKILLED_MIN = SENIOR

_ALIASES = {name: code for code, name in enumerate(NAMES)}
_ALIASES.update({name.lower(): code for code, name in enumerate(ENGLISH)})
_ALIASES.update({"无": UNCERTIFIED, "none": UNCERTIFIED, "高技": SENIOR_TECHNICIAN})


def parse_level(value) -> int:
    """Level code from a code (0–8, int or digit string) or a Chinese/English level name.

    Raises ValueError naming the allowed values.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a level: {value!r}")
    if isinstance(value, int) and 0 <= value <= TOP:
        return value
    text = str(value).strip()
    if text.isdigit() and 0 <= int(text) <= TOP:
        return int(text)
    if text in _ALIASES:
        return _ALIASES[text]
    if text.lower() in _ALIASES:
        return _ALIASES[text.lower()]
    raise ValueError(f"not a level: {value!r}")


ALLOWED_LEVELS = "0–8 or " + ", ".join(NAMES)


def name(code: int) -> str:
    return NAMES[int(code)]
