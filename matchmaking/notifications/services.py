"""In-app notifications and emails, in each recipient's language, as each one chose."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.enums import MembershipStatus
from accounts.models import Organisation, User
from accounts.sms import catalogue
from config import metrics
from config.queue import enqueue
from matchmaking.enums import NotificationKind
from matchmaking.fairs.states import MeetingStatus, RequestStatus
from matchmaking.listings import selectors as listings_selectors
from matchmaking.matches.selectors import figures_hiding_the_budget, strength
from matchmaking.matches.states import ContactStatus
from matchmaking.matching import calibration
from matchmaking.models import (
    DeliveryClaim,
    Evaluation,
    Match,
    Meeting,
    MeetingRequest,
    Notification,
    NotificationSetting,
    SavedSearch,
    ShortLink,
    SmsMessage,
)
from matchmaking.notifications import selectors

REMIND_AFTER = timedelta(days=3)


def members(organisation: Organisation) -> list[User]:
    return [
        m.user
        for m in organisation.memberships.filter(status=MembershipStatus.ACTIVE).select_related(
            "user"
        )
        if m.user.is_active
    ]


# The kinds that cannot wait, and so also go by SMS (to a verified mobile number, unless the
# person turned it off on the notifications page or replied "TD").
SMS_KINDS = (
    NotificationKind.CONTACT_REQUEST,
    NotificationKind.CONTACT_ANSWER,
    NotificationKind.EVALUATION,
    NotificationKind.FAIR_REMINDER,
)


def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of this person read."""
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    selectors.forget_unread(user.pk)
    return marked


def notification_settings_save(*, user: User, chosen: dict[str, dict[str, bool]]) -> None:
    """Save the channels chosen for each kind: {kind: {"in_app": …, "email": …, "sms": …}}."""
    for kind, channels in chosen.items():
        NotificationSetting.objects.update_or_create(user=user, kind=kind, defaults=channels)


def settings_for(user: User, kind: str) -> tuple[bool, bool]:
    """(in the site, by email) for this user and kind; both on unless turned off."""
    choice = NotificationSetting.objects.filter(user=user, kind=kind).first()
    return (choice.in_app, choice.email) if choice else (True, True)


def sms_wanted(user: User, kind: str) -> bool:
    if kind not in SMS_KINDS or not (user.phone_verified and user.phone):
        return False
    choice = NotificationSetting.objects.filter(user=user, kind=kind).first()
    return choice.sms if choice else True


def short_link(path: str) -> str:
    """The site's own short address of a page, for an SMS: SITE_URL/s/<code>."""
    link = ShortLink.objects.filter(path=path).first()
    if link is None:
        link = ShortLink.objects.create(code=secrets.token_urlsafe(5)[:7], path=path)
    return f"{settings.SITE_URL}/s/{link.code}"


def queue_sms(user: User, kind: str, key: str, template: str, params: dict, url: str) -> bool:
    """One SMS per (notification, person): a second delivery of the same key sends nothing.
    The SMS is sent by its own task, retried while the provider is unreachable."""
    params = {**params, "link": short_link(url)} if url else params
    sms, created = SmsMessage.objects.get_or_create(
        key=f"{key}:{user.pk}",
        defaults={
            "user": user,
            "number": user.phone,
            "notification_kind": kind,
            "template": template,
            "params": params,
        },
    )
    if created:
        transaction.on_commit(lambda: enqueue("matchmaking.tasks.send_queued_sms", sms.pk))
    return created


def claim_key(key: str) -> bool:
    """True the first time `key` is claimed, False ever after. Claim inside the transaction
    that does the work, so that work that fails releases the claim."""
    _claim, created = DeliveryClaim.objects.get_or_create(key=key[:200])
    return created


def claim(key: str, user: User) -> bool:
    """True the first time (key, user) is claimed, False ever after."""
    return claim_key(f"{key}:{user.pk}")


def deliver(
    users: Iterable[User],
    kind: str,
    message: Callable[[], tuple[str, str, str]],
    *,
    key: str,
    sms: tuple[str, dict] | None = None,
) -> int:
    """Send `message()` (title, body, url) to each user, rendered in the user's language;
    with `sms` (template, params), also an SMS to those who want one.

    `key` names this notification (what happened, to which record). Each person's delivery is
    claimed under it before anything is sent, in one transaction with the sending: a task run
    twice (a redelivery with late acks, a retry) sends nothing the second time, and a send
    that fails releases the claim for the retry."""
    sent = 0
    for user in {u.pk: u for u in users}.values():
        in_app, by_email = settings_for(user, kind)
        by_sms = sms is not None and sms_wanted(user, kind)
        if not (in_app or by_email or by_sms):
            continue
        with transaction.atomic():
            if not claim(key, user):
                continue
            sent += _send(user, kind, message, key, sms if by_sms else None, in_app, by_email)
    return sent


def _send(user, kind, message, key, sms, in_app: bool, by_email: bool) -> int:
    with translation.override(user.language):
        title, body, url = message()
    if sms:
        queue_sms(user, kind, key, *sms, url=url)
    if in_app:
        Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)
    if by_email and user.email:
        link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
        # A title quotes names and titles people typed; a line break in one would make the
        # subject an invalid header (BadHeaderError) and stop the delivery to everyone after.
        subject = " ".join(title.split())
        try:
            send_mail(subject, f"{body}\n\n{link}\n", settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            metrics.notification("email", kind, ok=False)
            raise
        metrics.notification("email", kind, ok=True)
    return 1


def _match(match_id: int) -> Match | None:
    return (
        Match.objects.select_related("need__organisation", "result__organisation")
        .filter(pk=match_id)
        .first()
    )


def contact_requested(match_id: int) -> int:
    match = _match(match_id)
    if match is None or match.contact_status != ContactStatus.PENDING:
        return 0

    def message():
        return (
            _("%(enterprise)s asks to talk about “%(result)s”")
            % {"enterprise": match.need.organisation.name, "result": match.result.title},
            _("Their need: %(need)s\n\nTheir message: %(message)s")
            % {"need": match.need.title, "message": match.contact_message},
            reverse("match-detail", args=[match.pk]),
        )

    key = f"contact_requested:{match.pk}:{match.contact_requested_at:%Y%m%d%H%M%S%f}"
    return deliver(
        members(match.result.organisation), NotificationKind.CONTACT_REQUEST, message, key=key
    )


def contact_answered(match_id: int) -> int:
    match = _match(match_id)
    if match is None or match.contact_status not in (
        ContactStatus.ACCEPTED,
        ContactStatus.DECLINED,
    ):
        return 0
    accepted = match.contact_status == ContactStatus.ACCEPTED

    def message():
        title = (
            _("%(institution)s accepted your contact request")
            if accepted
            else _("%(institution)s declined your contact request")
        ) % {"institution": match.result.organisation.name}
        body = (
            _("You can now see each other's contact details for “%(result)s”.")
            if accepted
            else _("“%(result)s” will not be pursued; other matches are on your need's page.")
        ) % {"result": match.result.title}
        return title, body, reverse("match-detail", args=[match.pk])

    return deliver(
        members(match.need.organisation),
        NotificationKind.CONTACT_ANSWER,
        message,
        key=f"contact_answered:{match.pk}",
        sms=(catalogue.CONTACT_ANSWERED, {}) if accepted else None,
    )


def strong_matches(match_ids: list[int]) -> int:
    sent = 0

    for match in Match.objects.filter(pk__in=match_ids).select_related(
        "need__organisation", "result__organisation"
    ):
        # The research side of a need with a private budget is told (and judged by) the
        # score without the price fit: the real one would let them work the budget out.
        research_score = (
            match.score if match.need.budget_public else figures_hiding_the_budget(match)["score"]
        )

        def for_need(match=match):
            return (
                _("A strong match for your need “%(need)s”") % {"need": match.need.title},
                _("“%(result)s” from %(institution)s, score %(score).0f%%.")
                % {
                    "result": match.result.title,
                    "institution": match.result.organisation.name,
                    "score": 100 * match.score,
                },
                reverse("need-detail", args=[match.need_id]),
            )

        def for_result(match=match, research_score=research_score):
            return (
                _("A strong match for your result “%(result)s”") % {"result": match.result.title},
                _("“%(need)s” from %(enterprise)s, score %(score).0f%%.")
                % {
                    "need": match.need.title,
                    "enterprise": match.need.organisation.name,
                    "score": 100 * research_score,
                },
                reverse("result-detail", args=[match.result_id]),
            )

        # Told only of what its card calls 强: a 可能 announced as strong floods the bell.
        if strength(match) == calibration.STRONG:
            sent += deliver(
                members(match.need.organisation),
                NotificationKind.STRONG_MATCH,
                for_need,
                key=f"strong_match:{match.pk}:need",
            )
        if strength(match, research_score) == calibration.STRONG:
            sent += deliver(
                members(match.result.organisation),
                NotificationKind.STRONG_MATCH,
                for_result,
                key=f"strong_match:{match.pk}:result",
            )
    return sent


def send_reminders(now=None) -> int:
    """Remind the research side of contact requests left unanswered for three days; once."""
    now = now or timezone.now()
    sent = 0
    due = Match.objects.filter(
        contact_status=ContactStatus.PENDING,
        contact_requested_at__lte=now - REMIND_AFTER,
        reminded_at__isnull=True,
    ).select_related("need__organisation", "result__organisation")
    for match in due:
        # Claim the reminder first, so that two beat runs do not both send it.
        if not Match.objects.filter(pk=match.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue

        def message(match=match):
            return (
                _("Reminder: %(enterprise)s is waiting for your answer")
                % {"enterprise": match.need.organisation.name},
                _("They asked on %(date)s to talk about “%(result)s”.")
                % {
                    "date": timezone.localtime(match.contact_requested_at).strftime("%Y-%m-%d"),
                    "result": match.result.title,
                },
                reverse("match-detail", args=[match.pk]),
            )

        sent += deliver(
            members(match.result.organisation),
            NotificationKind.REMINDER,
            message,
            key=f"contact_reminder:{match.pk}",
        )
    return sent


def meeting_requested(request_id: int) -> int:

    request = (
        MeetingRequest.objects.select_related(
            "fair", "requester__organisation", "recipient__organisation"
        )
        .filter(pk=request_id, status=RequestStatus.PENDING)
        .first()
    )
    if request is None:
        return 0

    def message():
        return (
            _("%(organisation)s asks to meet you at %(fair)s")
            % {"organisation": request.requester.organisation.name, "fair": request.fair.name},
            request.message,
            reverse("fair-requests", args=[request.fair_id]),
        )

    return deliver(
        members(request.recipient.organisation),
        NotificationKind.CONTACT_REQUEST,
        message,
        key=f"meeting_requested:{request.pk}",
        sms=(catalogue.MEETING_REQUESTED, {}),
    )


def meeting_request_reminders(now=None) -> int:
    """Remind the invited side of meeting requests unanswered for two days; once."""

    now = now or timezone.now()
    sent = 0
    due = MeetingRequest.objects.filter(
        status=RequestStatus.PENDING,
        created_at__lte=now - timedelta(days=2),
        reminded_at__isnull=True,
    ).select_related("fair", "requester__organisation", "recipient__organisation")
    for request in due:
        if not MeetingRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            continue

        def message(request=request):
            return (
                _("Reminder: %(organisation)s is waiting to hear if you will meet at %(fair)s")
                % {"organisation": request.requester.organisation.name, "fair": request.fair.name},
                request.message,
                reverse("fair-requests", args=[request.fair_id]),
            )

        sent += deliver(
            members(request.recipient.organisation),
            NotificationKind.REMINDER,
            message,
            key=f"meeting_reminder:{request.pk}",
        )
    return sent


def send_digests(now=None) -> int:
    """Each saved search gets the listings published since its last digest, once a day."""
    now = now or timezone.now()
    sent = 0
    for saved in SavedSearch.objects.select_related("user", "category", "province").filter(
        Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - timedelta(hours=23))
    ):
        since = saved.last_sent_at or saved.created_at
        params = {"q": saved.query}
        if saved.category:
            params["category"] = saved.category.slug
        if saved.province:
            params["province"] = saved.province.code
        select = (
            listings_selectors.need_list
            if saved.target == "needs"
            else listings_selectors.result_list
        )
        _filterset, listings = select(saved.user, params)
        fresh = list(listings.filter(published_at__gt=since)[:20])
        SavedSearch.objects.filter(pk=saved.pk).update(last_sent_at=now)
        if not fresh:
            continue
        kind = "need" if saved.target == "needs" else "result"

        def message(fresh=fresh, kind=kind, saved=saved):
            lines = [
                f"· {item.title}  {reverse(f'{kind}-detail', args=[item.pk])}" for item in fresh
            ]
            return (
                _("%(count)d new listings for your saved search “%(search)s”")
                % {"count": len(fresh), "search": str(saved)},
                "\n".join(lines),
                reverse(f"{kind}-list"),
            )

        sent += deliver(
            [saved.user],
            NotificationKind.DIGEST,
            message,
            key=f"digest:{saved.pk}:{since:%Y%m%d%H%M%S%f}",
        )
    return sent


def evaluation_ready(evaluation_id: int) -> int:
    """The enterprise hears that a station filed its evaluation of a technology for it."""

    evaluation = (
        Evaluation.objects.select_related("station", "match__need__organisation", "match__result")
        .filter(pk=evaluation_id)
        .first()
    )
    if evaluation is None:
        return 0

    def message():
        return (
            _("%(station)s evaluated “%(result)s” for you")
            % {"station": evaluation.station.name, "result": evaluation.match.result.title},
            _("Their report and recommendation are ready."),
            reverse("evaluation-detail", args=[evaluation.pk]),
        )

    return deliver(
        members(evaluation.match.need.organisation),
        NotificationKind.EVALUATION,
        message,
        key=f"evaluation_ready:{evaluation.pk}",
        sms=(catalogue.EVALUATION_READY, {}),
    )


def fair_reminders(now=None) -> int:
    """The day before: each side of each scheduled meeting of tomorrow, once."""

    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    sent = 0
    meetings = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED, reminded_at__isnull=True
    ).select_related("fair", "request__requester__organisation", "request__recipient__organisation")
    starts: dict[int, dict] = {}
    for meeting in meetings:
        fair = meeting.fair
        if fair.pk not in starts:
            starts[fair.pk] = {index: start for index, start, _end in fair.slots()}
        start = starts[fair.pk].get(meeting.slot)
        if start is None or timezone.localtime(start).date() != tomorrow:
            continue
        if not Meeting.objects.filter(pk=meeting.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            continue
        at = timezone.localtime(start).strftime("%H:%M")
        for side, other in (
            (meeting.request.requester, meeting.request.recipient),
            (meeting.request.recipient, meeting.request.requester),
        ):

            def message(other=other, fair=fair, table=meeting.table, at=at):
                return (
                    _("Tomorrow %(time)s at %(fair)s: %(organisation)s, table %(table)s")
                    % {
                        "time": at,
                        "fair": fair.name,
                        "organisation": other.organisation.name,
                        "table": table,
                    },
                    _("Your agenda has every meeting and where it is."),
                    reverse("fair-agenda", args=[fair.pk]),
                )

            sent += deliver(
                members(side.organisation),
                NotificationKind.FAIR_REMINDER,
                message,
                key=f"fair_reminder:{meeting.pk}:{side.pk}",
                sms=(catalogue.MEETING_REMINDER, {"time": at}),
            )
    return sent


def meetings_refilled(meeting_ids: list[int]) -> int:
    """Both sides of each meeting placed on the day at a freed table: where and when."""

    sent = 0
    for meeting in Meeting.objects.filter(pk__in=meeting_ids).select_related(
        "fair", "request__requester__organisation", "request__recipient__organisation"
    ):
        starts = {index: start for index, start, _end in meeting.fair.slots()}
        start = starts.get(meeting.slot)
        for mine, other in (
            (meeting.request.requester, meeting.request.recipient),
            (meeting.request.recipient, meeting.request.requester),
        ):

            def message(mine=mine, other=other, start=start, meeting=meeting):
                return (
                    _("New meeting today at %(time)s, table %(table)s, with %(name)s")
                    % {
                        "time": timezone.localtime(start).strftime("%H:%M") if start else "",
                        "table": meeting.table,
                        "name": other.organisation.name,
                    },
                    _("A table was freed by an absent participant."),
                    reverse("fair-agenda", args=[meeting.fair_id]) + f"?registration={mine.pk}",
                )

            sent += deliver(
                members(mine.organisation),
                NotificationKind.FAIR_REMINDER,
                message,
                # In the hall, a text reaches people whose data connection does not.
                key=f"meeting_refilled:{meeting.pk}:{mine.pk}",
                sms=(
                    catalogue.MEETING_MOVED,
                    {
                        "time": timezone.localtime(start).strftime("%H:%M") if start else "",
                        "table": str(meeting.table),
                    },
                ),
            )
    return sent
