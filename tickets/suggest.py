"""Suggested fields for a draft ticket from its text (the type, for now), with the words why."""

from __future__ import annotations

from tickets.models import TicketType

#: Words that point at a type, Chinese and English; the first type with a match wins.
TYPE_WORDS: dict[TicketType, tuple[str, ...]] = {
    TicketType.report: ("举报", "检举", "违法", "无证", "假冒", "report", "illegal", "counterfeit"),
    TicketType.consultation: (
        "咨询",
        "请问",
        "想问",
        "怎么办",
        "如何",
        "question",
        "advice",
        "how do",
    ),
    TicketType.complaint: ("投诉", "退款", "退货", "赔偿", "complain", "refund", "broken"),
}


def suggest_type(text: str) -> tuple[str, list[str]]:
    """(type, matched words); a complaint when nothing matches, as most voicemails are."""
    lowered = text.lower()
    for ticket_type, words in TYPE_WORDS.items():
        matched = [word for word in words if word in lowered]
        if matched:
            return ticket_type.value, matched
    return TicketType.complaint.value, []
