"""The SMS we send: one Chinese text per kind, with ${name} placeholders.

The same texts are registered with the providers as templates (Aliyun and Tencent review each
one); SMS_TEMPLATES / the SMS_URL map a kind to the provider's template id. Every text stays
under 70 characters with its parameters filled in, so that it goes as one SMS (a Chinese SMS
is 70 characters; the provider adds the 【sign】 itself).
"""

from __future__ import annotations

import re

VERIFICATION_CODE = "verification_code"
ACCOUNT_CREATED = "account_created"
NO_ACCOUNT = "no_account"
ACCOUNT_EXISTS = "account_exists"
CONTACT_ANSWERED = "contact_answered"
MEETING_REQUESTED = "meeting_requested"
MEETING_REMINDER = "meeting_reminder"
EVALUATION_READY = "evaluation_ready"
MEETING_MOVED = "meeting_moved"

TEXTS = {
    VERIFICATION_CODE: "您的验证码为${code}，5分钟内有效，请勿告诉他人。",
    ACCOUNT_CREATED: "${station}已为您开通农桥账号，用本手机号收验证码登录：${link}",
    NO_ACCOUNT: "本手机号还没有农桥账号，注册请访问${link}",
    ACCOUNT_EXISTS: "本手机号已有农桥账号，请用验证码登录：${link}",
    CONTACT_ANSWERED: "对方已同意与您联系，联系方式见${link}",
    MEETING_REQUESTED: "有单位请求在对接会上与您会面，请查看${link}",
    MEETING_REMINDER: "提醒：您明天${time}有对接会会面，议程见${link}",
    EVALUATION_READY: "服务站的技术评估报告已完成，请查看${link}",
    MEETING_MOVED: "对接会今天${time}为您新安排了会面，${table}号桌，议程见${link}",
}

_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def parameter_names(kind: str) -> list[str]:
    """The template's parameters in the order they appear (Tencent takes them as a list)."""
    return _PLACEHOLDER.findall(TEXTS[kind])


def render(kind: str, params: dict[str, str]) -> str:
    """The text as the recipient reads it (without the provider's 【sign】)."""
    return _PLACEHOLDER.sub(lambda m: str(params[m.group(1)]), TEXTS[kind])
