"""The hook for the SMS provider's reply callback: `manage.py sms_reply NUMBER TEXT`.

A reply of "TD" (退订; also "T", "N", "退订", "取消") to one of our SMS turns that kind of SMS
off for the person it was sent to: the kind of the last SMS sent to that number. Other replies
are ignored. The provider's callback (Aliyun's SmsUp message, Tencent's 上行回复 callback) calls
this with the sender's number and the text.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.validation import mobile_e164
from matchmaking.models import NotificationSetting, SmsMessage

STOP_WORDS = {"TD", "T", "N", "退订", "取消"}


def record_reply(number: str, text: str) -> str | None:
    """Record an opt-out when the reply asks for one; returns the kind turned off."""
    if text.strip().upper() not in STOP_WORDS:
        return None
    last = (
        SmsMessage.objects.filter(number=number, user__isnull=False)
        .exclude(notification_kind="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is None:
        return None
    NotificationSetting.objects.update_or_create(
        user_id=last.user_id, kind=last.notification_kind, defaults={"sms": False}
    )
    return last.notification_kind


class Command(BaseCommand):
    help = "Record a reply to an SMS (the provider's reply callback); TD turns that kind off."

    def add_arguments(self, parser):
        parser.add_argument("number", help="the sender, e.g. 13800138000 or +8613800138000")
        parser.add_argument("text", help="what they replied")

    def handle(self, number, text, **options):
        e164 = mobile_e164(number)
        if e164 is None:
            raise CommandError(f"{number!r} is not a mainland mobile number.")
        kind = record_reply(e164, text)
        self.stdout.write(f"opted out of {kind}" if kind else "nothing to record")
