"""Suggested ticket fields from a transcript or any text, each with the words that led to it.

Rules and word lists are data files (`tickets/data/*.yaml`; `SUGGEST_DATA_DIR` points at an
admin's edited copies). Chinese text is cut into words by jieba, with every rule word added to
its dictionary, so that a longer word wins over a shorter one inside it (保健食品 is a health
product, not food). Amounts are read only where a number is followed by a unit (元, 块, 万元,
yuan, $ …), so 一定 / 一些 / 万一 / 一块儿 are never numbers; Chinese numerals go through cn2an.
"""

from __future__ import annotations

import logging
import re
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import cn2an
import jieba

from tickets.models import TicketType
from tickets.rules import Category, Rules, rules, rules_folder

jieba.setLogLevel(logging.WARNING)
log = logging.getLogger(__name__)


CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_NUMERAL = "零〇一二两三四五六七八九十百千万亿点"
ZH_AMOUNT = re.compile(
    rf"(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?|[{ZH_NUMERAL}]+)\s*"
    r"(?P<unit>万元|万块|万|元钱|元|块钱|块(?!儿))"
)
EN_AMOUNT = re.compile(
    r"(?:(?:¥|\$|rmb|cny|usd)\s?(?P<pre>[0-9][0-9,]*(?:\.[0-9]+)?))"
    r"|(?:(?P<post>[0-9][0-9,]*(?:\.[0-9]+)?)\s?(?P<unit>yuan|rmb|kuai|dollars?))",
    re.IGNORECASE,
)
ZH_DIGITS = str.maketrans("零〇一幺二两三四五六七八九", "0011223456789")
DIGIT_RUN = re.compile(r"[0-9零〇一幺二两三四五六七八九][0-9零〇一幺二两三四五六七八九\s-]{6,}")
EN_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{7,8})(?!\d)")
LOCAL = re.compile(r"(?<!\d)([2-9]\d{7})(?!\d)")
PHONE_CONTEXT = re.compile(r"(电话|号码|手机|联系|打给|回电|call|number|phone|reach me)", re.I)
MERCHANT_SUFFIX = (
    "有限公司|公司|专卖店|旗舰店|超市|商场|门店|餐厅|饭店|酒店|健身房|健身中心|培训中心|"
    "培训学校|旅行社|4S店|银行|店"
)
ZH_MERCHANT = re.compile(
    rf"(?:在|去|从|向|跟|被)?(?P<name>[\u4e00-\u9fffA-Za-z0-9]{{2,14}}?(?:{MERCHANT_SUFFIX}))"
)
EN_MERCHANT = re.compile(
    r"\b(?:at|from|by|with)\s+(?:the\s+)?(?P<name>[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,4})"
)
#: Where a merchant's name cannot begin: the words before it in "我在…", "一家…", "请问…".
MERCHANT_CUT = re.compile(
    r"在|的|了|把|被|从|向|跟|去|到|一家|这家|那家|这个|那个|以后|请问|我们|我|他们|他"
)
CJK_GENERIC = re.compile(r"(某|一|这|那|小|大)?(个|家)?")
EXPLICIT_TYPE_WORDS = {"举报", "投诉", "咨询", "report", "complaint", "complain", "advice"}


class Suggester:
    """Suggests type, category, district, amount, callback number, merchant and priority."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.tokenizer = jieba.Tokenizer()
        words = {w for c in rules.categories for w in c.words}
        words |= {w for ws in rules.types.values() for w in ws}
        words |= set(rules.food_safety) | set(rules.elderly) | set(rules.district_words)
        for word in sorted(words):
            if CJK.search(word):
                self.tokenizer.add_word(word, freq=200_000)
        self._english: dict[str, re.Pattern[str]] = {}

    # -- matching ------------------------------------------------------------------------------

    def _matches(
        self, words: list[str] | tuple[str, ...], tokens: set[str], lowered: str
    ) -> list[str]:
        found = []
        for word in words:
            if CJK.search(word):
                if word in tokens:
                    found.append(word)
            elif self._english_pattern(word).search(lowered):
                found.append(word)
        return found

    def _english_pattern(self, word: str) -> re.Pattern[str]:
        pattern = self._english.get(word)
        if pattern is None:
            pattern = self._english[word] = re.compile(
                rf"(?<![\w-]){re.escape(word.lower())}(?:s|es)?(?![\w-])"  # plurals too
            )
        return pattern

    # -- fields --------------------------------------------------------------------------------

    def suggest(
        self, text: str, language: str = "zh", repeat_caller: bool = False
    ) -> dict[str, Any]:
        text = text.strip()
        lowered = text.lower()
        tokens = set(self.tokenizer.lcut(text)) if CJK.search(text) else set()
        english = not language.lower().startswith("zh")
        result: dict[str, Any] = {"type": self._type(tokens, lowered)}
        result["category"] = self._category(tokens, lowered, english)
        result["district"] = self._district(tokens, lowered)
        amounts = self.amounts(text)
        result["amount"] = (
            {"value": str(max(a for a, _ in amounts)), "why": [w for _, w in amounts]}
            if amounts
            else None
        )
        result["callback_number"] = self._phone(text)
        result["merchant"] = self._merchant(text)
        result["priority"] = self._priority(tokens, lowered, amounts, repeat_caller)
        return result

    def _type(self, tokens: set[str], lowered: str) -> dict[str, Any]:
        best, best_score, best_why = TicketType.complaint.value, 0, []
        for ticket_type in ("report", "consultation", "complaint"):  # ties: the earlier
            why = self._matches(self.rules.types.get(ticket_type, []), tokens, lowered)
            score = sum(3 if w in EXPLICIT_TYPE_WORDS else 1 for w in why)
            if score > best_score:
                best, best_score, best_why = ticket_type, score, why
        return {"value": best, "why": best_why}

    def _category(self, tokens: set[str], lowered: str, english: bool) -> dict[str, Any] | None:
        best: tuple[int, Category, list[str]] | None = None
        for category in self.rules.categories:
            why = self._matches(category.words, tokens, lowered)
            if why and (best is None or len(why) > best[0]):
                best = (len(why), category, why)
        if best is None:
            return None
        _, category, why = best
        return {"value": category.key, "label": category.en if english else category.zh, "why": why}

    def _district(self, tokens: set[str], lowered: str) -> dict[str, Any] | None:
        for word, (district, why) in self.rules.district_words.items():
            hit = (
                word in tokens if CJK.search(word) else self._english_pattern(word).search(lowered)
            )
            if hit:
                return {"value": district, "why": [why]}
        return None

    @staticmethod
    def amounts(text: str) -> list[tuple[Decimal, str]]:
        """Every amount of money in the text, in yuan (or the stated currency), with its words."""
        found: list[tuple[Decimal, str]] = []
        for match in ZH_AMOUNT.finditer(text):
            value = _number(match.group("number"))
            if value is None or value <= 0:
                continue
            if match.group("unit").startswith("万"):
                value *= 10000
            found.append((value.quantize(Decimal("0.01")), match.group(0).strip()))
        for match in EN_AMOUNT.finditer(text):
            value = _number(match.group("pre") or match.group("post"))
            if value is not None and value > 0:
                found.append((value.quantize(Decimal("0.01")), match.group(0).strip()))
        return found

    def _phone(self, text: str) -> dict[str, Any] | None:
        """A phone number said in the message: digits, Chinese digits (幺 = 1) or English words."""
        spelled = re.sub(
            r"\b(" + "|".join(EN_DIGIT_WORDS) + r")\b",
            lambda m: EN_DIGIT_WORDS[m.group(1).lower()],
            text,
            flags=re.IGNORECASE,
        )
        for run in DIGIT_RUN.finditer(spelled):
            raw = run.group(0).strip()
            digits = re.sub(r"[\s-]", "", raw.translate(ZH_DIGITS))
            if not digits.isdigit():
                continue
            context = spelled[max(0, run.start() - 12) : run.start()]
            for pattern in (MOBILE, LANDLINE):
                match = pattern.search(digits)
                if match:
                    return {"value": "".join(match.groups()), "why": [raw]}
            match = LOCAL.search(digits)
            if match and PHONE_CONTEXT.search(context):
                return {"value": match.group(1), "why": [raw]}
        return None

    def _merchant(self, text: str) -> dict[str, Any] | None:
        """A business named in the message ("在好又多超市买的" → 好又多超市); generic places
        ("一家保健品店", "健身房") name no one and are skipped."""
        generic = {w for c in self.rules.categories for w in c.words}
        for match in ZH_MERCHANT.finditer(text):
            name = MERCHANT_CUT.split(match.group("name"))[-1]
            suffix = re.search(f"(?:{MERCHANT_SUFFIX})$", name)
            stem = name[: suffix.start()] if suffix else name
            if len(stem) >= 2 and stem not in generic and not CJK_GENERIC.fullmatch(stem):
                return {"value": name, "why": [match.group(0)]}
        match = EN_MERCHANT.search(text)
        if match:
            return {"value": match.group("name").strip(" ."), "why": [match.group(0)]}
        return None

    def _priority(
        self,
        tokens: set[str],
        lowered: str,
        amounts: list[tuple[Decimal, str]],
        repeat_caller: bool,
    ) -> dict[str, Any]:
        why = []
        food = self._matches(self.rules.food_safety, tokens, lowered)
        if food:
            why.append("food safety: " + ", ".join(food))
        elderly = self._matches(self.rules.elderly, tokens, lowered)
        if elderly:
            why.append("elderly: " + ", ".join(elderly))
        large = [words for value, words in amounts if value >= self.rules.large_amount]
        if large:
            why.append(f"amount ≥ {self.rules.large_amount:.0f}: " + ", ".join(large))
        if repeat_caller:
            why.append("repeat caller")
        return {"value": len(why), "why": why}


def _number(raw: str | None) -> Decimal | None:
    if not raw:
        return None
    if raw[0].isdigit():
        try:
            return Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return None
    try:
        return Decimal(str(cn2an.cn2an(raw, "smart")))
    except (ValueError, KeyError, IndexError):
        return None


_cache: dict[int, Suggester] = {}
_lock = threading.Lock()
#: Suggesters kept at once (each holds a jieba dictionary of some 100 MB).
KEPT = 4


def suggester(folder: Path | None = None) -> Suggester:
    """One Suggester per set of rules per process (building jieba's dictionary takes a
    second): folders without files of their own share the shipped rules' one; it is built
    again when `tickets.rules` reads a folder's changed files."""
    current = rules(folder)
    with _lock:
        found = _cache.get(id(current))
        if found is None or found.rules is not current:
            while len(_cache) >= KEPT:
                _cache.pop(next(iter(_cache)))
            found = _cache[id(current)] = Suggester(current)
        return found


def current_suggester() -> Suggester:
    return suggester(rules_folder())


def suggest(
    text: str, language: str = "zh", repeat_caller: bool = False, folder: Path | None = None
) -> dict[str, Any]:
    return suggester(folder).suggest(text, language, repeat_caller)
