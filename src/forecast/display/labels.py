"""The words and units of every output: one catalogue (labels.toml), Chinese and English.

`Labels(lang, scenario)` looks a text up by its dotted key ("report.lead", "event.pairing")
and fills in the scenario's own names — {place}, {fund}, {craftsman} from its [meta] — and
the values the caller gives. Place names, the fund's name and the craftsman title are never
in the catalogue, so another city's report carries its own.

Also here, because every output shares them: the 万元 unit (`WAN`) and its number formats,
and `article_number`, the one reader of article numbers such as 第二十一条.
"""
from __future__ import annotations

import functools
import math
import re
import tomllib
from pathlib import Path

from forecast.core.errors import InputError
from forecast.scenario.scenario import Scenario

#: yuan in one 万元, the unit of every amount the outputs show
WAN = 10_000.0
CATALOGUE = Path(__file__).with_name("labels.toml")
#: the catalogue's group of fund words for a fund of kind "appropriation" (`model.fund`)
OVERLAY = "appropriation"
#: [meta] name → the field the catalogue's texts use for it
NAME_FIELDS = {"place": "place", "fund": "fund_name", "craftsman": "craftsman_title"}


@functools.lru_cache(maxsize=1)
def catalogue() -> dict:
    """The catalogue as read from labels.toml: {lang: {key or group: text or {key: text}}}."""
    return tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))


def languages() -> tuple[str, ...]:
    return tuple(catalogue())


class Labels:
    """The catalogue's texts in one language, with one scenario's names filled in."""

    def __init__(self, lang: str, scenario: Scenario | None = None):
        if lang not in catalogue():
            raise InputError("--lang", "lang", f"{lang!r} is not a language of the outputs", ", ".join(languages()))
        self.lang = lang
        self.texts = catalogue()[lang]
        self.names = ({field: scenario.name_in(key, lang) for field, key in NAME_FIELDS.items()}
                      if scenario is not None else {})
        #: a scenario whose fund is a yearly budget appropriation reads its fund words (returns →
        #: appropriation, principal needed → appropriation needed …) from the group OVERLAY first
        fund = getattr(scenario, "specs", {}).get("fund", {}) if scenario is not None else {}
        self.overlay = OVERLAY if fund.get("kind") == OVERLAY else None

    def __call__(self, key: str, **values) -> str:
        """The text under `key` (dotted for a group: "event.pairing") with names and values filled
        in; for a budget-appropriation scenario, `appropriation.KEY` where the catalogue has it."""
        if self.overlay and self.has(f"{self.overlay}.{key}"):
            key = f"{self.overlay}.{key}"
        node = self.texts
        for part in key.split("."):
            node = node[part]
        if not isinstance(node, str):
            raise KeyError(f"{key} is a group of the catalogue, not a text")
        return node.format(**self.names, **values)

    def has(self, key: str) -> bool:
        node = self.texts
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return isinstance(node, str)

    def join(self, items) -> str:
        """Items joined the language's way (、 or , )."""
        return self("sep").join(items)

    def article(self, article: str) -> str:
        """An article's short name: as written in Chinese (第八条), "Art. 8" in English; the
        text itself where its number cannot be read."""
        n = article_number(article)
        if n is not None:
            return self("article_n", n=n, article=article)
        return article if self.lang == "zh" else latin_article(article)


# --- numbers ------------------------------------------------------------------------------
def wan(v: float, digits: int = 1) -> str:
    """An amount in yuan shown in 万元, thousands separated (∞ for an infinite amount)."""
    if not math.isfinite(v):
        return "∞" if v > 0 else "−∞"
    return f"{v / WAN:,.{digits}f}"


def pct(p: float, digits: int = 0) -> str:
    return f"{p:.{digits}%}"


def num(v: float) -> str:
    """A parameter value: thousands separated when large, 4 significant digits when small."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"


# --- article numbers ----------------------------------------------------------------------
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ARTICLE = re.compile(r"\s*第\s*(\S+?)\s*条\s*")


def article_number(article: str) -> int | None:
    """The number of an article written 第…条: Chinese numerals (第八条 8, 第十条 10,
    第十一条 11, 第二十条 20, 第二十一条 21, 第九十九条 99, 第一百条 100, 第一百零一条 101)
    or digits (第21条 21).
    None for anything else: callers then show the article's text as written."""
    m = _ARTICLE.fullmatch(article)
    if not m:
        return None
    core = m.group(1)
    if core.isdecimal():
        return int(core) or None
    return _chinese_number(core)


_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_SECTION_REF = re.compile(r"[0-9零〇一二两三四五六七八九十百千()（）;；、,.\s–-]*(附件[0-9一二三四五六七八九十]+)?"
                          r"[0-9零〇一二两三四五六七八九十百千()（）;；、,.\s–-]*")


def latin_article(article: str) -> str:
    """A section reference such as 二(一)1 or 3(八) or 附件2 in Latin characters for English
    output and charts without a CJK font: Chinese numerals as digits (2(1)1, 3(8)), 附件 as
    "att. ", full-width brackets and separators as ASCII. Only a reference made of numerals,
    brackets and separators with at least one bracket or 附件 is rewritten; anything else (八,
    第八款) is kept as written."""
    if not _SECTION_REF.fullmatch(article) or not any(c in article for c in "(（附"):
        return article
    text = article.replace("（", "(").replace("）", ")").replace("、", ", ").replace("；", "; ")
    text = text.replace("附件", "att. ")
    return _NUMERAL_RUN.sub(lambda m: str(_chinese_number(m.group(0)) or m.group(0)), text)


def _chinese_number(text: str) -> int | None:
    """A Chinese numeral below 10,000 as positional digits and units, or None if it is not one."""
    total, digit, last_unit, zero = 0, None, 10_000, False
    for ch in text:
        if ch in _DIGITS and _DIGITS[ch] == 0:
            if digit is not None or total == 0 or zero:
                return None
            zero = True                      # 一百零一: a skipped place
        elif ch in _DIGITS:
            if digit is not None:
                return None                  # two digits in a row
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                if unit != 10 or total:
                    return None              # only a leading 十 stands alone (十一 = 11)
                digit = 1
            total, digit, last_unit, zero = total + digit * unit, None, unit, False
        else:
            return None
    if zero and digit is None:
        return None                          # a trailing 零
    total += digit or 0
    return total or None
