"""What the system itself says, per language (menu prompts come from the menu document)."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "zh-CN": {
        "invalid": "对不起，您的输入无效。",
        "no_input": "对不起，没有收到您的按键。",
        "goodbye": "感谢您的来电，再见。",
        "back_to_menu": "抱歉，系统暂时出现故障，将为您返回主菜单。",
        "recorded": "您的留言已收到，我们会尽快处理。感谢您的来电，再见。",
        "transfer_failed": "抱歉，转接未能成功。",
        "queue_unavailable": "抱歉，目前所有话务员都在忙。",
        "hold": "您的来电正在排队，请稍候。",
        "lookup_none": "对不起，没有找到您可以查询的工单。",
        "lookup_status": "工单{number}的状态是：{status}。",
        "survey_thanks": "感谢您的评价，再见。",
    },
    "en-US": {
        "invalid": "Sorry, that is not a valid choice.",
        "no_input": "Sorry, we did not receive your choice.",
        "goodbye": "Thank you for calling. Goodbye.",
        "back_to_menu": "Sorry, something went wrong. Returning to the main menu.",
        "recorded": "Your message has been recorded and will be handled soon. "
        "Thank you for calling. Goodbye.",
        "transfer_failed": "Sorry, the transfer did not go through.",
        "queue_unavailable": "Sorry, all our operators are busy.",
        "hold": "Your call is in the queue. Please hold.",
        "lookup_none": "Sorry, we found no ticket you can look up with that number.",
        "lookup_status": "Ticket {number} is {status}.",
        "survey_thanks": "Thank you for your rating. Goodbye.",
    },
}

STATUS_WORDS = {
    "zh-CN": {
        "draft": "待受理",
        "open": "已受理",
        "dispatched": "已派发处理",
        "resolved": "已办结",
        "closed": "已关闭",
        "discarded": "未受理",
    },
    "en-US": {
        "draft": "waiting to be registered",
        "open": "registered",
        "dispatched": "being handled",
        "resolved": "resolved",
        "closed": "closed",
        "discarded": "not registered",
    },
}


def phrase(key: str, language: str, **values: str) -> str:
    table = PHRASES.get(language) or PHRASES["en-US"]
    return table[key].format(**values)


def status_word(state: str, language: str) -> str:
    return (STATUS_WORDS.get(language) or STATUS_WORDS["en-US"]).get(state, state)
