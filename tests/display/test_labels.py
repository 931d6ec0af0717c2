"""The outputs' one catalogue of words (labels.toml) and the one article-number reader.

Both languages define the same keys; every event kind and metric has its words; texts carry
the scenario's own names ([meta] place, fund_name, craftsman_title), so another city's
outputs name its own fund and no Huishan name is written into the outputs' code or words."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import forecast
from forecast.display import labels
from forecast.display.labels import Labels, article_number
from forecast.display.wording import article_label, target_label
from forecast.policy.events import EVENT_KINDS
from forecast.policy.policy import METRICS

OUTPUTS = Path(labels.__file__).parent
OTHER = """
[meta]
place = { zh = "锡山区", en = "Xishan District" }
fund_name = { zh = "锡山工匠基金", en = "Xishan craftsman fund" }
craftsman_title = { zh = "锡山工匠", en = "Xishan craftsmen" }
"""


def _keys(tree: dict, prefix: str = "") -> set:
    out = set()
    for k, v in tree.items():
        out |= _keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
    return out


def _every_text(L: Labels):
    """Every text of the catalogue in L's language, formatted with L's names and a stand-in
    for each other field."""
    class Any(dict):
        def __missing__(self, key):
            return 1
    for key in sorted(_keys(L.texts)):
        yield key, string.Formatter().vformat(_raw(L.texts, key), (), Any(L.names))


def _raw(tree: dict, key: str) -> str:
    for part in key.split("."):
        tree = tree[part]
    return tree


def test_both_languages_define_the_same_keys():
    cat = labels.catalogue()
    assert set(cat) == {"zh", "en"}
    assert _keys(cat["zh"]) == _keys(cat["en"])
    for lang in cat:
        L = Labels(lang)
        for event in EVENT_KINDS:
            assert L.has(f"event.{event}") and L.has(f"topic.{event}"), (lang, event)
        for metric in METRICS:
            assert L.has(f"metric.{metric}"), (lang, metric)


def test_texts_carry_the_scenarios_own_names(overlay):
    other = forecast.load_scenario(overlay(OTHER))
    zh, en = Labels("zh", other), Labels("en", other)
    assert zh("report.subtitle") == "锡山工匠基金支出、已承诺支出与目标达成"
    assert zh("report.h_fund") == "五、锡山工匠基金"
    assert zh("event.graduates_stayed") == "毕业生留锡山区(院校)"
    assert zh("metric.craftsmen_selected") == "新评锡山工匠"
    assert en("report.subtitle").startswith("Xishan craftsman fund")
    assert en("chart.fund_title") == "Xishan craftsman fund: principal and returns account at year end"
    targets = {t.id: t for t in other.targets}
    assert target_label(zh, targets["HS-T8"]) == "新评锡山工匠"
    assert article_label(zh, other.policy, "第二条") == "第二条 锡山工匠、工匠学院基地"
    for L in (zh, en):
        for key, text in _every_text(L):
            assert "惠" not in text and "Huishan" not in text, (L.lang, key, text)


def test_no_huishan_name_in_the_outputs_code_or_words():
    for path in sorted(OUTPUTS.rglob("*")):
        if path.suffix in (".py", ".toml", ".html", ".css"):
            text = path.read_text(encoding="utf-8")
            assert "惠" not in text and "Huishan" not in text, path


def test_unknown_language_is_refused():
    with pytest.raises(forecast.InputError, match="'fr' is not a language"):
        Labels("fr")


@pytest.mark.parametrize("article, number", [
    ("第一条", 1), ("第二条", 2), ("第九条", 9), ("第十条", 10),      # one digit, and 十 alone
    ("第十一条", 11), ("第十九条", 19),                              # 十 + digit: 10 + d
    ("第二十条", 20), ("第二十一条", 21), ("第九十九条", 99),          # d × 10 (+ d)
    ("第一百条", 100), ("第一百零一条", 101), ("第一百一十条", 110),   # 百, 零 for a skipped ten
    ("第21条", 21), ("第8条", 8), (" 第 八 条 ", 8),                  # arabic digits; spaces
])
def test_article_numbers(article, number):
    assert article_number(article) == number


@pytest.mark.parametrize("article", ["", "八", "第条", "第零条", "第0条", "第一二条", "第十十条", "第一百零条",
                                     "第八款", "Article 8", "第A条", "第一百十条"])
def test_unreadable_articles_give_none_and_are_shown_as_written(article):
    assert article_number(article) is None
    assert Labels("en").article(article) == article


def test_article_short_names():
    assert Labels("zh").article("第二十一条") == "第二十一条"
    assert Labels("en").article("第二十一条") == "Art. 21"
    assert Labels("en").article("第21条") == "Art. 21"
    assert re.fullmatch(r"Art\. 100", Labels("en").article("第一百条"))


def test_section_references_in_latin_for_english_output():
    """Articles that are not 第N条 (the other policies' 二(一)1, 3(八), 附件2) are shown in
    Latin characters in English and on charts without a CJK font; Chinese keeps them as written."""
    from forecast.display.labels import Labels, latin_article
    assert latin_article("二(一)1") == "2(1)1"
    assert latin_article("3(八)") == "3(8)"
    assert latin_article("二(二)(3); 附件2") == "2(2)(3); att. 2"
    assert latin_article("二(十二)") == "2(12)"
    assert Labels("zh").article("二(一)1") == "二(一)1"
    assert Labels("en").article("二(一)1") == "2(1)1"
    assert Labels("en").article("第八条") == "Art. 8"
