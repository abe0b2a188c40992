"""Match pages: one match with its history and actions; notifications; saved searches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from matchmaking.core.http import safe_next
from matchmaking.core.undo import offer_undo
from matchmaking.enums import NotificationKind
from matchmaking.fairs import selectors as fairs_selectors
from matchmaking.listings import selectors as listings_selectors
from matchmaking.matches import matching, selectors, services
from matchmaking.matches.forms import (
    ContactRequestForm,
    DeclineForm,
    MatchMoveForm,
    SavedSearchForm,
)
from matchmaking.matches.states import ENTERPRISE, RESEARCH, MatchState
from matchmaking.models import Match, SavedSearch
from matchmaking.notifications import selectors as notifications_selectors
from matchmaking.notifications import services as notifications_services
from matchmaking.notifications.services import SMS_KINDS
from matchmaking.stations import selectors as stations_selectors


def _visible_match(request, pk: int) -> Match:
    match = get_object_or_404(selectors.matches_for_detail(), pk=pk)
    if not permissions.can_view_match(request.user, match):
        raise Http404
    return match


@login_required
def match_detail(request, pk: int):
    match = _visible_match(request, pk)
    sides = permissions.sides_of(request.user, match)
    selectors.explained([match])  # first: whether it wants 意思相近 reads its terms
    matching.request_close_sentences([match])
    can_work = permissions.can_work_match(request.user, match)
    station_records = ENTERPRISE in sides and selectors.has_station_records(match)
    context = {
        "match": selectors.as_seen_by(request.user, match),
        "sides": sides,
        "is_enterprise_side": ENTERPRISE in sides,
        "is_research_side": RESEARCH in sides,
        "targets": permissions.allowed_targets(request.user, match),
        "events": selectors.match_events(match),
        "decline_form": DeclineForm(),
        "can_work": can_work,
        "station_records": station_records,
        # Shown in the station's section only, which the others do not see.
        "adoption_cost": stations_selectors.adoption_cost_of(match)
        if can_work or station_records
        else None,
        "open_fair": fairs_selectors.open_fair(),
        "contact_form": ContactRequestForm(),
        "can_see_contact": permissions.can_receive_contact_details(request.user, match),
        "contact_block_reason": permissions.contact_block_reason(request.user),
    }
    return render(request, "matchmaking/match_detail.html", context)


@login_required
@require_POST
def match_action(request, pk: int):
    """Every button on a match: shortlist, decline, request contact, answer, move along."""
    match = _visible_match(request, pk)
    action = request.POST.get("action", "move")
    try:
        if action == "contact":
            form = ContactRequestForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get("message", [_("Write a message.")]))
            services.match_request_contact(
                match=match, by=request.user, message=form.cleaned_data["message"]
            )
            messages.success(
                request, _("Your request was sent. You will be told when they answer.")
            )
        elif action in ("accept", "refuse"):
            services.match_answer_contact(
                match=match,
                by=request.user,
                accept=action == "accept",
                note=request.POST.get("note", ""),
            )
            messages.success(
                request,
                _("Contact accepted: you now see each other's details.")
                if action == "accept"
                else _("Request declined."),
            )
        elif action == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a reason for declining."))
            services.match_transition(
                match=match,
                to=MatchState.DECLINED,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Declined. It will not be suggested again."))
        else:
            form = MatchMoveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Unknown state."))
            moved = services.match_transition(
                match=match,
                to=form.cleaned_data["to"],
                by=request.user,
                note=form.cleaned_data["note"],
                expected_state=form.cleaned_data["expected_state"] or None,
            )
            next_url = safe_next(request, reverse("match-detail", args=[match.pk]))
            offer_undo(
                request,
                text=_("Moved to “%(state)s”.") % {"state": moved.get_state_display()},
                action=reverse("match-undo", args=[match.pk]),
                fields={"event": services.last_event(moved).pk},
                next_url=next_url,
            )
            return redirect(next_url)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
    return redirect(safe_next(request, reverse("match-detail", args=[match.pk])))


@login_required
@require_POST
def match_undo(request, pk: int):
    """The 撤销 of the toast after a move: the service decides whether it is still allowed."""
    match = _visible_match(request, pk)
    raw = request.POST.get("event", "")
    event_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
    try:
        undone = services.match_undo(match=match, event_id=event_id, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Undone: back to “%(state)s”.") % {"state": undone.get_state_display()}
        )
    return redirect(safe_next(request, reverse("match-detail", args=[match.pk])))


@login_required
@require_POST
def match_not_relevant(request, pk: int):
    """The "不相关" button of a match card: the result leaves the need's list for good."""
    match = _visible_match(request, pk)
    next_url = safe_next(request, reverse("need-detail", args=[match.need_id]) + "#matches")
    try:
        declined = services.match_not_relevant(match=match, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        offer_undo(
            request,
            text=_("Marked not relevant. It will not be suggested again."),
            action=reverse("match-undo", args=[match.pk]),
            fields={"event": services.last_event(declined).pk},
            next_url=next_url,
        )
    return redirect(next_url)


@login_required
def notification_list(request):
    notifications = notifications_selectors.notifications_of(request.user)[:100]
    if request.method == "POST":
        notifications_services.notifications_mark_read(user=request.user)
        return redirect("notifications")
    return render(request, "matchmaking/notifications.html", {"notifications": notifications})


@login_required
def notification_settings(request):
    current = notifications_selectors.notification_settings_of(request.user)
    if request.method == "POST":
        notifications_services.notification_settings_save(
            user=request.user,
            chosen={
                kind: {
                    "in_app": f"{kind}_in_app" in request.POST,
                    "email": f"{kind}_email" in request.POST,
                    "sms": f"{kind}_sms" in request.POST,
                }
                for kind in NotificationKind.values
            },
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notification-settings")
    rows = [
        {
            "kind": kind,
            "label": label,
            "in_app": current[kind].in_app if kind in current else True,
            "email": current[kind].email if kind in current else True,
            "sms": current[kind].sms if kind in current else True,
            "has_sms": kind in SMS_KINDS,
        }
        for kind, label in NotificationKind.choices
    ]
    searches = listings_selectors.saved_searches_of(request.user)
    return render(
        request,
        "matchmaking/notification_settings.html",
        {"rows": rows, "searches": searches, "phone_verified": request.user.phone_verified},
    )


def short_link(request, code: str):
    """/s/<code> from an SMS: to the page of this site it stands for (never elsewhere)."""
    link = get_object_or_404(notifications_selectors.short_links(), code=code)
    if not link.path.startswith("/") or link.path.startswith("//"):
        raise Http404
    return redirect(link.path)


@login_required
@require_POST
def saved_search_create(request):
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        saved = form.save(commit=False)
        saved.user = request.user
        saved.save()
        messages.success(request, _("Saved. You will get a daily digest of new listings that fit."))
    else:
        messages.error(request, _("This search could not be saved."))
    return redirect("notification-settings")


@login_required
@require_POST
def saved_search_delete(request, pk: int):
    get_object_or_404(SavedSearch, pk=pk, user=request.user).delete()
    messages.success(request, _("Saved search removed."))
    return redirect("notification-settings")
