"""A CJK font for the charts' Chinese titles, axes and article names.

matplotlib's default DejaVu Sans has no Chinese glyphs: labels would print as empty boxes
with a "Glyph … missing from font(s)" warning. `cjk_font()` finds a font that covers the
characters the charts use:

1. an installed system font — Noto Sans CJK (SC first), Source Han Sans, WenQuanYi, … — first
   among the fonts matplotlib knows, then among the system's font files (matplotlib's font
   cache predates fonts installed after it was built). A system font is preferred, so charts
   drawn where one is installed stay as they were;
2. else Noto Sans SC (SIL Open Font License 1.1) from the PyPI package `pylopdf-fonts-zh-cn`,
   a dependency of forecast: a `pip install` alone gives Chinese charts, with no system font
   (a fresh container, CI without fonts-noto-cjk). That package was chosen because it ships the
   one static Simplified Chinese face the charts need (8 MB of its 17 MB wheel), has no
   dependencies and a documented path (`sans_path()`); mplfonts, the better-known one, is an
   85 MB wheel that also bundles SimHei, a font that is not freely licensed.

The budget report's charts draw all their text with that font (`rc`); the English charts of a
results folder, the planner and sensitivity use it only for what DejaVu Sans lacks (`latin_first`).
`chart_language(lang)` returns the language the charts can really use: "zh" when such a font
exists, otherwise "en" with ONE warning per process saying how to get one — reached only when
forecast was installed without its dependencies (`pip install --no-deps`) and no system font
is there.
"""
from __future__ import annotations

import functools
import re
import warnings

from matplotlib import font_manager, rc_context

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
INSTALL_HINT = ("install forecast's dependency `pip install pylopdf-fonts-zh-cn` or a system CJK font, e.g. "
                "`apt-get install fonts-noto-cjk` (Debian/Ubuntu) or `dnf install google-noto-sans-cjk-fonts` (Fedora)")


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


def _system_font() -> str | None:
    """The family name of an installed system font covering PROBE, or None."""
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


def packaged_font_path() -> str | None:
    """The file of Noto Sans SC shipped by the `pylopdf-fonts-zh-cn` package, or None when that
    dependency is not installed (forecast installed with --no-deps)."""
    try:
        from pylopdf_fonts_zh_cn import sans_path
    except ImportError:
        return None
    return str(sans_path())


def _packaged_font() -> str | None:
    """Noto Sans SC from the pip package, registered with matplotlib: its family name, or None
    when the package is missing or its file does not cover PROBE."""
    path = packaged_font_path()
    if path is None or not _covers(path):
        return None
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a font covering the charts' Chinese text: a system font when one is
    installed, else the pip-installed Noto Sans SC; None only when there is neither."""
    return _system_font() or _packaged_font()


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


def latin_first(draw):
    """Decorator for a chart drawn with English labels (results folder, planner, sensitivity): its
    text keeps matplotlib's default DejaVu Sans, and only a character DejaVu Sans lacks — a Chinese
    setting or parameter name such as rules.HS-A3a.amounts.高级工 — is drawn from the CJK font,
    glyph by glyph (matplotlib's font fallback). A chart without such characters is byte for byte
    what it was; without any CJK font nothing changes."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        font = cjk_font()
        with rc_context({"font.family": ["DejaVu Sans", font]} if font else {}):
            return draw(*args, **kwargs)
    return drawn


#: CSS font stack for the HTML report (the browser finds what fontconfig has).
CSS_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", '
             '"WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", '
             '"Hiragino Sans GB", "Noto Sans CJK JP", sans-serif')
