import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from accounts.enums import MembershipRole, MembershipStatus
from accounts.models import Membership
from accounts.sms import SmsError, SmsRefused, send_sms
from matchmaking.notifications.services import claim, claim_key

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(SmsError,),
    dont_autoretry_for=(SmsRefused,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_sms_message(self, number: str, kind: str, params: dict) -> str:
    """One SMS, retried with back-off while the provider is unreachable; a refusal is final
    (logged with the provider's reason, never with the parameters). Claimed on the task's id
    in one transaction with the sending: delivered twice, it sends once; a send that fails
    releases the claim for the retry (which keeps the id)."""
    with transaction.atomic():
        if not claim_key(f"task:{self.request.id}"):
            return "done"
        try:
            return send_sms(number, kind, params).message_id
        except SmsRefused as refused:
            logger.warning("SMS %s to %s refused: %s", kind, number[:6] + "*****", refused.code)
            return f"refused:{refused.code}"


@shared_task
def notify_membership_requested(membership_id: int) -> int:
    """Email the organisation's owners that someone asked to join, once each however often
    the task is delivered. Returns emails sent."""

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
