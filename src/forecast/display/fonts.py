"""A CJK font for the charts' Chinese titles, axes and article names.

matplotlib's default DejaVu Sans has no Chinese glyphs: labels would print as empty boxes
with a "Glyph … missing from font(s)" warning. `cjk_font()` looks for an installed font
that covers the characters the charts use — Noto Sans CJK (SC first), Source Han Sans,
WenQuanYi, … — first among the fonts matplotlib knows, then among the system's font files
(matplotlib's font cache predates fonts installed after it was built). `chart_language(lang)`
returns the language the charts can really use: "zh" when such a font exists, otherwise "en"
with ONE warning per process saying how to install one (Debian/Ubuntu: `apt-get install
fonts-noto-cjk`; macOS and Windows ship PingFang / Microsoft YaHei).
"""
from __future__ import annotations

import functools
import re
import warnings

from matplotlib import font_manager

#: Families tried in order (Simplified Chinese faces first).
PREFERRED = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans CJK JP",
    "Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK KR", "Source Han Sans", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "SimHei",
    "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback",
    "Arial Unicode MS",
)
#: Characters the charts print: a font must have all of them.
PROBE = "工匠基金支出收益万元年第一二三四五六七八九十条概率目标本金余额技能人才比重师傅"
_FILE_HINT = re.compile(r"cjk|sourcehan|han ?sans|wqy|wenquanyi|droidsansfallback|simhei|msyh|yahei|pingfang|"
                        r"hiragino|uming|ukai|notosanssc|notoserifsc|arialuni", re.I)
INSTALL_HINT = ("install a CJK font, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or "
                "`dnf install google-noto-sans-cjk-fonts` (Fedora)")


class CJKFontWarning(UserWarning):
    """No font with Chinese glyphs: charts fall back to English labels."""


def _covers(path: str, text: str = PROBE) -> bool:
    try:
        from matplotlib.ft2font import FT2Font
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):  # unreadable font file: not a candidate
        return False
    return all(ord(c) in charmap for c in text)


def _search() -> str | None:
    entries = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in PREFERRED:
        if name in entries and _covers(entries[name]):
            return name
    return None


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font covering the charts' Chinese text, or None."""
    found = _search()
    if found:
        return found
    added = False
    for path in font_manager.findSystemFonts():
        if _FILE_HINT.search(path.replace("-", "").replace("_", "")) or _FILE_HINT.search(path):
            try:
                font_manager.fontManager.addfont(path)
                added = True
            except (OSError, RuntimeError, ValueError):  # not a font matplotlib can read: skip it
                continue
    found = _search() if added else None
    if found:
        return found
    for f in font_manager.fontManager.ttflist:  # any other font that happens to cover the probe
        if _FILE_HINT.search(f.fname) and _covers(f.fname):
            return f.name
    return None


_warned = False


def chart_language(lang: str = "zh") -> str:
    """"zh" if Chinese labels can be drawn, else "en" (one CJKFontWarning per process)."""
    global _warned
    if lang != "zh":
        return lang
    if cjk_font():
        return "zh"
    if not _warned:
        _warned = True
        warnings.warn(f"no font with Chinese glyphs found: charts use English labels; {INSTALL_HINT}",
                      CJKFontWarning, stacklevel=2)
    return "en"


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


def drawable(text: str) -> str:
    """`text` as it can be drawn: unchanged with a CJK font, else without its CJK characters
    (an English chart of a Chinese scenario title keeps its Latin part: "… 2025–2027 (Wuxi)")."""
    if cjk_font():
        return text
    return re.sub(r"\s{2,}", " ", _CJK.sub("", text)).strip(" :;,")


def rc(lang: str) -> dict:
    """matplotlib rcParams for charts in `lang` (use with matplotlib.rc_context); the CJK font
    is used for English charts too, when there is one, for the Chinese names they quote."""
    params = {"axes.unicode_minus": False, "svg.fonttype": "path", "svg.hashsalt": "forecast"}
    font = cjk_font()
    if font:
        params["font.family"] = "sans-serif"
        params["font.sans-serif"] = [font, "DejaVu Sans"]
    return params


#: CSS font stack for the HTML report (the browser finds what fontconfig has).
CSS_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", '
             '"WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", '
             '"Hiragino Sans GB", "Noto Sans CJK JP", sans-serif')
