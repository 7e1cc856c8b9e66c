"""Chinese post-processing of Vosk output: join characters, and write numbers as digits.

Vosk's Chinese models emit characters separated by spaces. Operators want `我的电话是13800138000`,
not `我 的 电 话 是 一 三 八 零 零 ...`. Only spans that *are* numbers are converted (digit
runs such as phone numbers, amounts before 元/块/万, dates, percentages); words that merely
contain a numeral character (一些, 一定, 一起, 万一) are left alone.
"""

from __future__ import annotations

import re

import cn2an

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")

DIGIT_CHARS = "零〇一二三四五六七八九幺两"
_DIGIT_MAP = str.maketrans(
    {
        "零": "0",
        "〇": "0",
        "一": "1",
        "幺": "1",
        "二": "2",
        "两": "2",
        "三": "3",
        "四": "4",
        "五": "5",
        "六": "6",
        "七": "7",
        "八": "8",
        "九": "9",
    }
)
NUMERAL = "零〇一二两三四五六七八九十百千万亿"

# A run of three or more single digits read one by one: phone, ID, card or order numbers.
_DIGIT_RUN = re.compile(rf"[{DIGIT_CHARS}]{{3,}}(?![十百千万亿])")
# A year read digit by digit: 二零二六年.
_YEAR = re.compile(rf"([{DIGIT_CHARS}]{{2,4}})(?=年)")
# A counted number before a unit of money, time or measure: 三千五百元, 十一月, 二十二日, 五公斤.
_COUNTED = re.compile(
    rf"([{NUMERAL}]+(?:点[{DIGIT_CHARS}]+)?)"
    r"(?=(?:万元|元|块钱|块|角|毛|月|日|号|点钟|岁|公斤|斤|克|个月|天|年|次|件|台|瓶|盒|张|倍|%))"
)
# 百分之二十 → 20%.
_PERCENT = re.compile(rf"百分之([{NUMERAL}]+(?:点[{DIGIT_CHARS}]+)?)")
_MULTIPLIER_ONLY = re.compile(r"^[十百千万亿]$")


def join_tokens(text: str) -> str:
    """Drop the spaces Vosk puts around CJK characters; keep those between Latin words."""
    return _SPACE_NEAR_CJK.sub("", text.strip())


def _to_number(span: str) -> str:
    try:
        value = cn2an.cn2an(span, "smart")
    except (ValueError, KeyError):
        return span
    return str(value)


def _counted(match: re.Match[str]) -> str:
    span = match.group(1)
    # A lone 万/千 before 元 ("万元") is a unit, not a number; 一 alone before 个/次 stays a word.
    if _MULTIPLIER_ONLY.match(span) or (len(span) == 1 and span in "一两"):
        return span
    return _to_number(span)


def normalise_numbers(text: str) -> str:
    text = _PERCENT.sub(lambda m: _to_number(m.group(1)) + "%", text)
    text = _YEAR.sub(lambda m: m.group(1).translate(_DIGIT_MAP), text)
    text = _DIGIT_RUN.sub(lambda m: m.group(0).translate(_DIGIT_MAP), text)
    return _COUNTED.sub(_counted, text)


def postprocess(text: str) -> str:
    """Vosk Chinese output → the text an operator reads."""
    return normalise_numbers(join_tokens(text))
