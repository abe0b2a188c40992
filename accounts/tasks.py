import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from accounts.enums import MembershipRole, MembershipStatus
from accounts.sms import SmsError, SmsRefused, send_sms

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(SmsError,),
    dont_autoretry_for=(SmsRefused,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_sms_message(number: str, kind: str, params: dict) -> str:
    """One SMS, retried with back-off while the provider is unreachable; a refusal is final
    (logged with the provider's reason, never with the parameters)."""
    try:
        return send_sms(number, kind, params).message_id
    except SmsRefused as refused:
        logger.warning("SMS %s to %s refused: %s", kind, number[:6] + "*****", refused.code)
        return f"refused:{refused.code}"


def queue_sms(number: str, kind: str, params: dict) -> bool:
    """Send the SMS task; with eager tasks it runs here, and a failure is logged, not raised:
    what the person did has been saved already."""
    try:
        send_sms_message.apply_async(args=(number, kind, params), retry=False)
    except Exception as error:
        logger.warning("could not send SMS %s to %s: %r", kind, number[:6] + "*****", error)
        return False
    return True


@shared_task
def notify_membership_requested(membership_id: int) -> int:
    """Email the organisation's owners that someone asked to join, once each however often
    the task is delivered. Returns emails sent."""
    from django.db import transaction

    from accounts.models import Membership
    from matchmaking.notifications.services import claim

    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=membership_id, status=MembershipStatus.PENDING)
        .first()
    )
    if membership is None:
        return 0
    owners = membership.organisation.memberships.filter(
        role=MembershipRole.OWNER, status=MembershipStatus.ACTIVE
    ).select_related("user")
    sent = 0
    for owner in owners:
        if not owner.user.email:
            continue
        with translation.override(owner.user.language):
            context = {"membership": membership, "owner": owner.user}
            subject = render_to_string("accounts/email/membership_requested_subject.txt", context)
            body = render_to_string("accounts/email/membership_requested.txt", context)
        # Claimed in one transaction with the sending: a failed send releases it for the retry.
        with transaction.atomic():
            if not claim(f"membership_requested:{membership.pk}", owner.user):
                continue
            sent += send_mail(
                " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [owner.user.email]
            )
    return sent
