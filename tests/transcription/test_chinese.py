"""Chinese post-processing on text (no Chinese Vosk model is installable here)."""

from __future__ import annotations

import pytest

from transcription.chinese import join_tokens, postprocess


@pytest.mark.parametrize(
    ("vosk_output", "expected"),
    [
        ("我 的 电 话 是 一 三 八 零 零 一 三 八 零 零 零", "我的电话是13800138000"),
        ("号 码 幺 三 九 幺 二 三 四 五 六 七 八", "号码13912345678"),
        ("花 了 三 千 五 百 元", "花了3500元"),
        ("一 共 两 万 元", "一共20000元"),
        ("退 一 万 五 千 块", "退15000块"),
        ("二 零 二 六 年 十 一 月 二 十 二 日 买 的", "2026年11月22日买的"),
        ("上 个 月 十 五 号", "上个月15号"),
        ("涨 了 百 分 之 二 十", "涨了20%"),
        ("三 点 五 公 斤", "3.5公斤"),
    ],
)
def test_numbers_become_digits(vosk_output: str, expected: str) -> None:
    assert postprocess(vosk_output) == expected


@pytest.mark.parametrize(
    "words",
    [
        "一 些 商 家 一 定 要 一 起 处 理",
        "万 一 出 事 怎 么 办",
        "一 直 不 给 退",
        "三 个 人 一 起 去",
        "一 样 的 东 西",
        "十 分 生 气",
    ],
)
def test_words_that_only_contain_numerals_are_untouched(words: str) -> None:
    assert postprocess(words) == words.replace(" ", "")


def test_latin_words_keep_their_spaces() -> None:
    assert join_tokens("我 买 的 apple watch 坏 了") == "我买的apple watch坏了"
    assert join_tokens("  淘 宝  ") == "淘宝"


def test_empty_text() -> None:
    assert postprocess("") == ""
