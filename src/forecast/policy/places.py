"""Places at a competition, as the `prize` column of the event table codes them.

One coding for every place a policy names, so a rule's table keyed by place (`field =
"prize"`), a scenario's prize tiers and a records file all mean the same thing by 1 or "gold":
1 first / gold / 一等, 2 second / silver / 二等, 3 third / bronze / 三等, 4 excellence /
优胜奖 (World Skills' "medallion for excellence"), 5 a national squad member (集训队, e.g.
Huzhou HZ-A7a); 0 is no prize. The names are labels only: what a place earns is the rule's.
"""
from __future__ import annotations

#: code → the names a scenario or a records file may give it (case-insensitive for Latin ones)
PLACES: dict[int, tuple[str, ...]] = {
    1: ("gold", "first", "一等", "一等奖", "金牌", "金奖"),
    2: ("silver", "second", "二等", "二等奖", "银牌", "银奖"),
    3: ("bronze", "third", "三等", "三等奖", "铜牌", "铜奖"),
    4: ("excellence", "优胜", "优胜奖", "优秀奖"),
    5: ("squad", "集训队", "集训队员"),
}
#: how the places are described in error messages
PLACE_TEXT = ("1 (gold, 一等), 2 (silver, 二等), 3 (bronze, 三等), 4 (excellence, 优胜奖), "
              "5 (squad, 集训队)")
#: every name and written code → code (records files, tables keyed by prize)
PLACE_NAMES: dict[str, int] = {**{str(code): code for code in PLACES},
                               **{name: code for code, names in PLACES.items() for name in names}}


def parse_place(value) -> int:
    """The code of a place given as a code (1–5, number or text) or a name; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a place")
    if isinstance(value, int):
        if value in PLACES:
            return value
        raise ValueError(f"{value!r} is not a place")
    if isinstance(value, str):
        code = PLACE_NAMES.get(value.strip().lower(), PLACE_NAMES.get(value.strip()))
        if code is not None:
            return code
    raise ValueError(f"{value!r} is not a place")
