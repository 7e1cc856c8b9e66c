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
        "lookup_pin": "如果您不是用登记的号码来电，请输入工单查询密码，以井号键结束。",
        "survey_thanks": "感谢您的评价，再见。",
        "queue_full": "抱歉，目前排队人数已满。",
        "queue_next": "您是下一位，请稍候。",
        "queue_position": "您目前排在第{position}位。",
        "queue_estimate": "预计等待约{minutes}分钟。",
        "queue_estimate_one": "预计等待约1分钟。",
        "queue_options": "如需留言，请按1；如需回电，请按2，轮到您时我们会回拨，您的排队位置不变。",
        "queue_option_voicemail": "如需留言，请按1。",
        "callback_unavailable": "抱歉，您的号码无法回拨，请继续等待或按1留言。",
        "callback_registered": "已为您登记回电，轮到您时我们会拨打您的电话。感谢您的来电，再见。",
        "callback_intro": "您好，这里是12315消费者投诉举报热线，您之前申请了回电，"
        "现在为您接通话务员，请稍候。",
        "operator_unknown": "此号码未登记为话务员号码，再见。",
        "operator_pin": "请输入您的话务员密码，以井号键结束。",
        "operator_pin_wrong": "密码错误。",
        "operator_pin_refused": "密码错误次数过多，通话结束。",
        "operator_welcome": "{name}，您好，您已登录。",
        "operator_logged_out": "您已退出登录，请重新拨打话务员专线。",
        "operator_goodbye": "您已退出登录，再见。",
        "operator_menu": "接听下一位来电请按1，示忙请按2，退出请按9。",
        "operator_unavailable": "您目前处于示忙状态，不会接到来电。恢复接听请按1，退出请按9。",
        "operator_no_queues": "您还没有分配队列，请联系管理员。再见。",
        "operator_briefing": "下一位来电：{speaks}，菜单路径：{path}，已等待约{minutes}分钟。",
        "operator_briefing_callback": "下一位是回电用户：{speaks}，菜单路径：{path}。",
        "operator_connecting": "正在为您接通话务员。",
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
        "lookup_pin": "If you are not calling from the number that filed the ticket, enter the "
        "ticket's PIN, followed by the hash key.",
        "survey_thanks": "Thank you for your rating. Goodbye.",
        "queue_full": "Sorry, the queue is full at the moment.",
        "queue_next": "You are next in line. Please hold.",
        "queue_position": "You are number {position} in the queue.",
        "queue_estimate": "The estimated wait is about {minutes} minutes.",
        "queue_estimate_one": "The estimated wait is about 1 minute.",
        "queue_options": "To leave a message instead, press 1. To be called back when it is "
        "your turn, without losing your place, press 2.",
        "queue_option_voicemail": "To leave a message instead, press 1.",
        "callback_unavailable": "Sorry, we cannot call your number back. Please hold, or press "
        "1 to leave a message.",
        "callback_registered": "We will call you back when it is your turn. Thank you for "
        "calling. Goodbye.",
        "callback_intro": "Hello, this is the 12315 consumer hotline returning your call. "
        "Connecting you to an operator now.",
        "operator_unknown": "This number is not registered for the operator line. Goodbye.",
        "operator_pin": "Please enter your operator PIN, followed by the hash key.",
        "operator_pin_wrong": "That PIN is not correct.",
        "operator_pin_refused": "Too many wrong PINs. Goodbye.",
        "operator_welcome": "Hello {name}, you are logged in.",
        "operator_logged_out": "You are logged out. Please call the operator line again.",
        "operator_goodbye": "You are logged out. Goodbye.",
        "operator_menu": "For the next caller, press 1. To become unavailable, press 2. "
        "To log out, press 9.",
        "operator_unavailable": "You are unavailable and will not receive calls. To become "
        "available, press 1. To log out, press 9.",
        "operator_no_queues": "You have no queues assigned. Please ask an administrator. Goodbye.",
        "operator_briefing": "Next caller: {speaks}, via {path}, waiting about {minutes} minutes.",
        "operator_briefing_callback": "Next is a called-back caller: {speaks}, via {path}.",
        "operator_connecting": "Connecting you to an operator now.",
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


LANGUAGE_NAMES = {
    "zh-CN": {"zh-CN": "普通话", "en-US": "英语"},
    "en-US": {"zh-CN": "Mandarin", "en-US": "English"},
}


def language_name(code: str | None, language: str) -> str:
    """The name of language `code`, said in `language`."""
    names = LANGUAGE_NAMES.get(language) or LANGUAGE_NAMES["en-US"]
    return names.get(code or "", code or "?")
