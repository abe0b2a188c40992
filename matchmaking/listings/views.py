"""Pages for needs and results. One set of views serves both kinds; `kind` comes from the URL."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts import permissions
from config import audit, page_cache
from config.pagination import CachedCountPaginator
from matchmaking.core import submissions
from matchmaking.core.filters import parse_flag
from matchmaking.core.http import private_photo_response
from matchmaking.core.undo import offer_undo
from matchmaking.enums import DeclineReason
from matchmaking.listings import cards, exports, selectors, services
from matchmaking.listings import photos as photo_services
from matchmaking.listings.forms import NeedForm, PhotoAddForm, ResultForm
from matchmaking.listings.states import NeedStatus
from matchmaking.matches import cards as match_cards
from matchmaking.matches import matching
from matchmaking.matches import selectors as matches_selectors
from matchmaking.models import NeedPhoto, ResearchResult, TechnologyNeed


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    form: type
    list_selector: object
    create: object
    update: object
    title: str
    title_one: str
    new_label: str
    url_prefix: str


KINDS = {
    "need": Kind(
        "need",
        TechnologyNeed,
        NeedForm,
        selectors.need_list,
        services.need_create,
        services.need_update,
        gettext_lazy("Technology needs"),
        gettext_lazy("Technology need"),
        gettext_lazy("Post a need"),
        "needs",
    ),
    "result": Kind(
        "result",
        ResearchResult,
        ResultForm,
        selectors.result_list,
        services.result_create,
        services.result_update,
        gettext_lazy("Research results"),
        gettext_lazy("Research result"),
        gettext_lazy("List a result"),
        "results",
    ),
}


def _update(kind: Kind, listing, user, data):
    if kind.name == "need":
        return kind.update(need=listing, by=user, data=data)
    return kind.update(result=listing, by=user, data=data)


@page_cache.for_anonymous
def listing_list(request, kind: str, mine: bool = False):
    spec = KINDS[kind]
    if mine and not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    filterset, queryset = spec.list_selector(request.user, request.GET, mine=mine, request=request)
    try:
        parse_flag(request.GET, "mine")
    except ValidationError as error:
        filterset.form.add_error(None, [f"mine: {m}" for m in error.messages])
    page = CachedCountPaginator(queryset, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "kind": spec,
        "filter": filterset,
        "page": page,
        "listings": page.object_list,
        "cards": cards.listing_cards(kind, page.object_list, mine=mine),
        "query_string": query.urlencode(),
        "filters_active": any(v for k, v in request.GET.items() if k not in ("q", "page", "mine")),
        "mine": mine,
        "may_post": spec.form.may_post(request.user),
        "counts": _status_counts(spec, request.user) if mine else None,
    }
    template = (
        "matchmaking/partials/listing_results.html"
        if request.htmx
        else "matchmaking/listing_list.html"
    )
    # A filter value the list does not know is refused, said beside the filter.
    return render(request, template, context, status=400 if filterset.form.errors else 200)


def _decline_reasons(result) -> list[tuple[str, int]]:
    counts = matches_selectors.decline_reasons_for(result)
    return [(label, counts[value]) for value, label in DeclineReason.choices if value in counts]


def _status_counts(spec: Kind, user) -> list[tuple[str, str, int]]:
    """(status, label, count) of the user's own listings, for the dashboard."""
    # The user's listings without the list's filters: no filter form built just to count.
    counts = selectors.status_counts(selectors.own_listings(spec.model, user))
    choices = spec.model._meta.get_field("status").choices
    return [(value, label, counts.get(value, 0)) for value, label in choices]


def _count_view(request, kind: str, pk: int) -> None:
    """A result's page served from the cache is still a view (anonymous: never its own)."""
    if kind == "result":
        services.result_viewed_by_pk(pk)


@page_cache.for_anonymous(on_hit=_count_view)
def listing_detail(request, kind: str, pk: int):
    spec = KINDS[kind]
    listing = get_object_or_404(selectors.listing_for_page(spec.model), pk=pk)
    if not permissions.can_view_listing(request.user, listing):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        raise PermissionDenied
    can_edit = permissions.can_edit_listing(request.user, listing)
    if kind == "result" and not can_edit:
        services.result_viewed(listing)
    context = {
        "kind": spec,
        "listing": listing,
        "can_edit": can_edit,
        "can_view_private": permissions.can_view_private(request.user, listing.organisation),
        "can_see_budget": kind == "need" and permissions.can_see_budget(request.user, listing),
        "transitions": sorted(services.allowed_transitions(listing)) if can_edit else [],
        "publish_block_reason": permissions.publish_block_reason(listing.organisation)
        if can_edit
        else None,
    }
    if request.user.is_authenticated and not can_edit and not context["can_view_private"]:
        context["own_matches"] = matches_selectors.as_seen_by(
            request.user, matches_selectors.own_matches_with(request.user, listing)
        )
    if permissions.is_admin(request.user) and not request.htmx:
        # Who changed the text, budget or status, and when (config/audit.py).
        context["history"] = audit.entries(listing, limit=10)
        context["history_admin_url"] = reverse(
            f"admin:matchmaking_{spec.model._meta.model_name}_history", args=[listing.pk]
        )
    status = 200
    if kind == "need":
        context["photos"] = photos = selectors.photos_of(listing)
        if can_edit and len(photos) < NeedPhoto.MAX_PER_NEED:
            context["photo_form"] = PhotoAddForm(need=listing, kept=photos)
    if can_edit:
        select = (
            matches_selectors.need_matches if kind == "need" else matches_selectors.result_matches
        )
        try:
            matches = matches_selectors.as_seen_by(request.user, select(listing, request.GET))
        except ValidationError as error:
            # A filter value the list does not know: said beside the filter, nothing listed.
            matches, context["match_filter_errors"] = [], error.message_dict
            status = 400
        if kind == "result":
            context["decline_reasons"] = _decline_reasons(listing)
        context["match_filters_active"] = any(k.startswith(("fit_", "state")) for k in request.GET)
        query = request.GET.copy()
        for key in ("show", "start"):
            query.pop(key, None)
        context["match_query"] = query.urlencode()
        context["match_total"] = len(matches)
        context["matched_by_words_only"] = not selectors.matched_by_meaning(listing)
        if request.htmx and "start" in request.GET:
            start = _count(request.GET.get("start"), 0)
            context.update(_match_page(matches, start, start + MATCHES_PER_PAGE))
            if kind == "need":  # the 意思相近 sentences of the results about to be shown
                matching.request_close_sentences(context["matches"])
            context["cards"] = _cards(request, kind, context)
            return render(request, "matchmaking/partials/match_cards.html", context, status=status)
        shown = max(_count(request.GET.get("show"), MATCHES_PER_PAGE), MATCHES_PER_PAGE)
        context.update(_match_page(matches, 0, shown))
        if kind == "need":
            matching.request_close_sentences(context["matches"])
        context["cards"] = _cards(request, kind, context)
    return render(request, f"matchmaking/{kind}_detail.html", context, status=status)


# A listing's page shows its best matches, then ten more at a time.
MATCHES_PER_PAGE = 10


def _cards(request, kind: str, context: dict) -> list:
    return match_cards.match_cards(request, kind, context["matches"], shown=context["shown"])


def _count(raw, default: int) -> int:
    """A count from the query string; anything else (or an absurd one) is the default."""
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and len(raw) < 6 else default


def _match_page(matches: list, start: int, end: int) -> dict:
    more = len(matches) > end
    return {
        "matches": matches[start:end],
        "shown": min(end, len(matches)),
        "more_from": end if more else None,
        "more_anchor": matches[end].pk if more else None,
    }


@login_required
def listing_form(request, kind: str, pk: int | None = None):
    spec = KINDS[kind]
    listing = None
    if pk is not None:
        listing = get_object_or_404(spec.model, pk=pk)
        if not permissions.can_edit_listing(request.user, listing):
            raise PermissionDenied
    form = spec.form(
        request.POST or None, request.FILES or None, instance=listing, user=request.user
    )
    if pk is None and not form.fields["organisation"].queryset.exists():
        messages.error(
            request,
            _(
                "To post, you need to belong to an enterprise (for needs) or a research "
                "institution (for results)."
            ),
        )
        return redirect("organisation-start")
    # Only a new listing is a draft kept in the browser; an edit saved twice is the same edit.
    key, key_error = submissions.client_key_of(request.POST) if pk is None else (None, None)
    if pk is None and request.method == "POST":
        if key_error:
            form.add_error(None, key_error)
        elif done := submissions.submitted(by=request.user, kind=kind, key=key):
            return sent_again(request, f"{kind}-detail", done, key)
    if request.method == "POST" and not key_error and form.is_valid():
        photos = form.cleaned_data.get("photos") or []  # a need's, checked and re-encoded
        try:
            # The need and its photos are saved together, or neither.
            with transaction.atomic():
                if listing is None:
                    with submissions.once(by=request.user, kind=kind, key=key) as created:
                        listing = spec.create(
                            by=request.user,
                            organisation=form.cleaned_data["organisation"],
                            data=form.listing_data(),
                        )
                        if photos:
                            photo_services.add_photos(need=listing, by=request.user, photos=photos)
                        created(listing.pk)
                else:
                    listing = _update(spec, listing, request.user, form.listing_data())
                    if photos:
                        photo_services.add_photos(need=listing, by=request.user, photos=photos)
        except submissions.AlreadySubmitted as again:
            return sent_again(request, f"{kind}-detail", again.object_id, key)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if "publish" in request.POST and listing.status == NeedStatus.DRAFT:
                return _publish(request, listing, key)
            messages.success(request, _("Saved."))
            return sent(redirect(f"{kind}-detail", pk=listing.pk), key)
    return render(
        request,
        "matchmaking/listing_form.html",
        {"kind": spec, "form": form, "listing": listing},
        status=400 if key_error else 200,
    )


def sent(response, key):
    """The redirect after a draft was saved, telling the browser (#sent-KEY) to drop the draft."""
    if key is not None:
        response["Location"] += f"#sent-{key}"
    return response


def sent_again(request, url_name: str, object_id, key):
    """A draft sent again after it was saved: no second object, its page instead."""
    messages.info(request, _("This was already sent; nothing was sent twice."))
    return sent(redirect(url_name, pk=object_id), key)


def add_errors(form, error: ValidationError) -> None:
    """Put a service's errors beside the fields they name, the rest at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _publish(request, listing, key=None):
    rules = services.rules_for(listing)
    try:
        services.listing_transition(listing=listing, to=rules.published, by=request.user)
    except ValidationError as error:
        messages.warning(request, _("Saved as a draft.") + " " + " ".join(error.messages))
    else:
        messages.success(request, _("Published."))
    kind = "need" if isinstance(listing, TechnologyNeed) else "result"
    return sent(redirect(f"{kind}-detail", pk=listing.pk), key)


@login_required
@require_POST
def listing_transition(request, kind: str, pk: int):
    spec = KINDS[kind]
    listing = get_object_or_404(selectors.listing_with_organisation(spec.model), pk=pk)
    target = request.POST.get("to", "")
    moved_from, closed_at_before = listing.status, listing.closed_at
    try:
        services.listing_transition(listing=listing, to=target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{kind}-detail", pk=pk)
    text = _("Status changed to “%(status)s”.") % {"status": listing.get_status_display()}
    if listing.status not in services.rules_for(listing).closed_states:
        messages.success(request, text)
        return redirect(f"{kind}-detail", pk=pk)
    move = services.listing_move_of(
        listing, moved_from=moved_from, by=request.user, closed_at_before=closed_at_before
    )
    request.session[UNDO_MOVE_KEY] = move.as_dict()
    next_url = reverse(f"{kind}-detail", args=[pk])
    offer_undo(
        request, text=text, action=reverse(f"{kind}-undo", args=[pk]), fields={}, next_url=next_url
    )
    return redirect(next_url)


UNDO_MOVE_KEY = "listing_move"


@login_required
@require_POST
def listing_undo(request, kind: str, pk: int):
    """The 撤销 of the toast after closing a listing; the move comes from the session."""
    spec = KINDS[kind]
    listing = get_object_or_404(selectors.listing_with_organisation(spec.model), pk=pk)
    if not permissions.can_edit_listing(request.user, listing):
        raise PermissionDenied
    record = request.session.get(UNDO_MOVE_KEY) or {}
    if record.get("kind") != kind or record.get("pk") != pk:
        messages.error(request, _("There is nothing to undo."))
        return redirect(f"{kind}-detail", pk=pk)
    try:
        services.listing_undo(listing=listing, move=services.ListingMove(**record), by=request.user)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        request.session.pop(UNDO_MOVE_KEY, None)
        messages.success(
            request, _("Undone: back to “%(state)s”.") % {"state": listing.get_status_display()}
        )
    return redirect(f"{kind}-detail", pk=pk)


def listing_export(request, kind: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    spec = KINDS[kind]
    try:
        mine = parse_flag(request.GET, "mine")
    except ValidationError as error:
        return _bad_filter(error.message_dict)
    filterset, queryset = spec.list_selector(request.user, request.GET, mine=mine, request=request)
    if filterset.errors:
        return _bad_filter(filterset.errors)
    return exports.listing_export_response(kind, queryset[:50_000], fmt, request.user)


def _bad_filter(errors) -> HttpResponseBadRequest:
    lines = [f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in errors.items()]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


# Photos of a need (issue #16): stored under MEDIA_ROOT, which no address serves; each is
# served here to whoever may see the need, and added or deleted by whoever may edit it.


def _photo_for(user, pk: int) -> NeedPhoto:
    photo = get_object_or_404(selectors.need_photos(), pk=pk)
    # A private need's photo: the address tells nobody else that it exists.
    if not permissions.can_view_listing(user, photo.need):
        raise Http404
    return photo


def need_photo(request, pk: int, thumbnail: bool = False):
    photo = _photo_for(request.user, pk)
    file = photo.thumbnail if thumbnail else photo.image
    return private_photo_response(file, f"need-{photo.need_id}-{photo.pk}.jpg")


@login_required
def need_photo_add(request, pk: int):
    need = get_object_or_404(selectors.needs_with_organisation(), pk=pk)
    if not permissions.can_edit_listing(request.user, need):
        raise PermissionDenied
    posted = request.method == "POST"
    form = PhotoAddForm(
        request.POST if posted else None, request.FILES if posted else None, need=need
    )
    if posted and form.is_valid():
        try:
            added = photo_services.add_photos(
                need=need, by=request.user, photos=form.cleaned_data["photos"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(n)s photo added.", "%(n)s photos added.", len(added))
                % {"n": len(added)},
            )
            return redirect(reverse("need-detail", args=[need.pk]) + "#photos-title")
    return render(request, "matchmaking/photo_add.html", {"listing": need, "form": form})


@login_required
@require_POST
def need_photo_delete(request, pk: int):
    photo = _photo_for(request.user, pk)
    photo_services.delete_photo(photo=photo, by=request.user)
    messages.success(request, _("The photo was deleted."))
    return redirect(reverse("need-detail", args=[photo.need_id]) + "#photos-title")
