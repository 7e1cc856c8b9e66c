"""The web UI's own words in Chinese and English; `t("key")` in templates and views.

The language is the one the user chose (`?lang=` stores it in the session), else their
account's, else the browser's preference, else Chinese.
"""

from __future__ import annotations

from flask import request, session
from flask_login import current_user

LANGUAGES = ("zh-CN", "en-US")

TEXT: dict[str, dict[str, str]] = {
    "zh-CN": {
        "app": "12315 热线工作台",
        "login": "登录",
        "logout": "退出",
        "username": "用户名",
        "password": "密码",
        "bad_login": "用户名或密码错误。",
        "too_many": "登录失败次数过多，请稍后再试。",
        "inbox": "待审核留言",
        "tickets": "工单",
        "no_drafts": "没有待审核的留言。",
        "received": "收到时间",
        "caller": "来电号码",
        "type": "类型",
        "category": "类别",
        "district": "区",
        "merchant": "商家",
        "amount": "金额（元）",
        "priority": "优先级",
        "repeat_caller": "重复来电",
        "review": "审核",
        "transcript": "转写文本",
        "low_confidence": "标黄的词识别置信度较低",
        "suggested": "建议",
        "why": "依据",
        "confirm": "确认受理",
        "discard": "不予受理",
        "discard_reason": "原因",
        "retry": "重新处理",
        "shortcuts": "快捷键：空格 播放/暂停，Ctrl+Enter 确认受理，Alt+D 不予受理，J/K 上/下一条",
        "number": "工单号",
        "state": "状态",
        "created": "创建时间",
        "due": "到期",
        "search": "搜索",
        "all": "全部",
        "filter": "筛选",
        "history": "处理记录",
        "details": "详情",
        "confirmed": "已受理，工单号 {number}，查询密码 {pin}。",
        "discarded": "已标记为不予受理。",
        "retried": "已重新排队处理。",
        "overdue": "已超期",
        "due_soon": "即将到期",
        "duplicates": "可能重复",
        "description": "诉求内容",
        "not_found": "未找到",
        "language": "English",
        "audio": "录音",
        "none": "无",
        "silent": "无声",
        "spam": "骚扰",
        "duplicate": "重复",
        "out_of_scope": "不属于受理范围",
        "complaint": "投诉",
        "report": "举报",
        "consultation": "咨询",
        "draft": "待审核",
        "open": "已受理",
        "dispatched": "已派发",
        "resolved": "已办结",
        "closed": "已关闭",
        "discarded_state": "不予受理",
        "show_number": "显示完整号码",
    },
    "en-US": {
        "app": "12315 hotline workspace",
        "login": "Log in",
        "logout": "Log out",
        "username": "User name",
        "password": "Password",
        "bad_login": "Wrong user name or password.",
        "too_many": "Too many failed logins. Please try again later.",
        "inbox": "Voicemails to review",
        "tickets": "Tickets",
        "no_drafts": "Nothing to review.",
        "received": "Received",
        "caller": "Caller",
        "type": "Type",
        "category": "Category",
        "district": "District",
        "merchant": "Merchant",
        "amount": "Amount (yuan)",
        "priority": "Priority",
        "repeat_caller": "Repeat caller",
        "review": "Review",
        "transcript": "Transcript",
        "low_confidence": "Highlighted words were recognised with low confidence",
        "suggested": "Suggested",
        "why": "because of",
        "confirm": "Confirm",
        "discard": "Discard",
        "discard_reason": "Reason",
        "retry": "Process again",
        "shortcuts": "Keys: Space play/pause, Ctrl+Enter confirm, Alt+D discard, J/K next/previous",
        "number": "Number",
        "state": "State",
        "created": "Created",
        "due": "Due",
        "search": "Search",
        "all": "All",
        "filter": "Filter",
        "history": "History",
        "details": "Details",
        "confirmed": "Registered as {number}; status PIN {pin}.",
        "discarded": "Discarded.",
        "retried": "Queued for processing again.",
        "overdue": "Overdue",
        "due_soon": "Due soon",
        "duplicates": "Possible duplicates",
        "description": "Description",
        "not_found": "Not found",
        "language": "中文",
        "audio": "Recording",
        "none": "none",
        "silent": "silent",
        "spam": "spam",
        "duplicate": "duplicate",
        "out_of_scope": "out of scope",
        "complaint": "complaint",
        "report": "report",
        "consultation": "consultation",
        "draft": "to review",
        "open": "open",
        "dispatched": "dispatched",
        "resolved": "resolved",
        "closed": "closed",
        "discarded_state": "discarded",
        "show_number": "Show the full number",
    },
}


def current_language() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.language in LANGUAGES:
        return current_user.language
    best = request.accept_languages.best_match(["zh", "en"]) if request else None
    return "en-US" if best == "en" else "zh-CN"


def t(key: str, **values: str) -> str:
    table = TEXT[current_language()]
    return table.get(key, key).format(**values) if values else table.get(key, key)
