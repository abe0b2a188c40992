from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from accounts import permissions, selectors, services
from accounts.forms import (
    EnterpriseAccountForm,
    JoinRequestForm,
    OrganisationEditForm,
    OrganisationForm,
    ProfileForm,
    SignUpForm,
)
from accounts.models import Organisation
from accounts.validation import email_key


def _rate(setting: str):
    """django-ratelimit reads the rate at request time, so settings can change it."""
    return lambda _group, _request: getattr(settings, setting)


def _reset_email(_group, request) -> str:
    """The per-email reset limit counts one mailbox however its address is typed."""
    return email_key(request.POST.get("email", ""))


TOO_MANY = gettext_lazy(
    "Too many attempts from your network in the last hour. Please try again later."
)


@ratelimit(key="ip", rate=_rate("SIGNUP_RATE"), method="POST", block=False)
def signup(request):
    if request.user.is_authenticated:
        return redirect("organisation-start")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and getattr(request, "limited", False):
        form.is_valid()  # keep what they typed and any field errors beside it
        form.add_error(None, TOO_MANY)
        return render(request, "accounts/signup.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome to Nongqiao. Now tell us which organisation you work for.")
        )
        return redirect("organisation-start")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def organisation_start(request):
    return render(request, "accounts/organisation_start.html")


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s was created. It can publish once it has been verified.")
                % {"name": organisation.name},
            )
            return redirect("organisation-detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "creating": True})


@login_required
def enterprise_account_create(request):
    """Station staff open an account for an enterprise of their counties."""
    if not permissions.can_create_enterprise_account(request.user):
        raise PermissionDenied
    form = EnterpriseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.enterprise_account_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The account of %(name)s is open. An SMS tells its owner to log in with a "
                    "code sent to their number."
                )
                % {"name": organisation.name},
            )
            return redirect("organisation-detail", pk=organisation.pk)
    return render(request, "accounts/enterprise_account_form.html", {"form": form})


@login_required
def organisation_edit(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationEditForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("organisation-detail", pk=organisation.pk)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation, "creating": False},
    )


@login_required
def organisation_join(request):
    query = request.GET.get("q", "")
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Your request was sent. The organisation's owner will decide.")
            )
            return redirect("profile")
    context = {
        "query": query,
        "organisations": selectors.organisation_search(query) if query else [],
        "form": form,
    }
    template = "accounts/partials/join_results.html" if request.htmx else "accounts/join.html"
    return render(request, template, context)


def organisation_detail(request, pk: int):
    organisation = get_object_or_404(selectors.organisations_with_region(), pk=pk)
    user = request.user
    can_manage = permissions.can_manage_organisation(user, organisation)
    context = {
        "organisation": organisation,
        "can_manage": can_manage,
        "can_verify": not organisation.is_verified
        and permissions.can_verify_organisation(user, organisation),
        "can_view_private": permissions.can_view_private(user, organisation),
        "members": selectors.active_members(organisation)
        if permissions.is_member(user, organisation) or permissions.is_admin(user)
        else [],
        "pending": selectors.pending_requests_for(organisation) if can_manage else [],
        "publish_block_reason": permissions.publish_block_reason(organisation),
    }
    return render(request, "accounts/organisation_detail.html", context)


@login_required
@require_POST
def membership_decide(request, pk: int):
    membership = get_object_or_404(selectors.memberships_with_organisation(), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.membership_decide(membership=membership, approve=approve, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Request approved.") if approve else _("Request declined."))
    return redirect("organisation-detail", pk=membership.organisation_id)


@login_required
@require_POST
def organisation_verify(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    services.organisation_verify(organisation=organisation, by=request.user)
    messages.success(request, _("%(name)s is now verified.") % {"name": organisation.name})
    return redirect("organisation-detail", pk=organisation.pk)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": selectors.memberships_of(request.user)},
    )


@require_GET
def region_options(request):
    try:
        levels = tuple(int(x) for x in request.GET.get("levels", "1,2,3").split(",") if x)
    except ValueError:
        levels = (1, 2, 3)
    query = next((v for k, v in request.GET.items() if k.endswith("__q") or k == "q"), "")
    regions = selectors.region_search(query, levels=levels)
    return render(request, "accounts/region_options.html", {"regions": regions})


@method_decorator(
    ratelimit(key="ip", rate=_rate("PASSWORD_RESET_RATE"), method="POST", block=False),
    name="post",
)
@method_decorator(
    ratelimit(
        key=_reset_email, rate=_rate("PASSWORD_RESET_EMAIL_RATE"), method="POST", block=False
    ),
    name="post",
)
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, limited per address and per email so it cannot be used to flood a box."""

    def form_valid(self, form):
        if getattr(self.request, "limited", False):
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    """What the lockout page says, for the API's token request too."""
    minutes = lockout_minutes()
    return ngettext(
        "The password was wrong too many times, so logging in with this username from your "
        "network is paused for %(minutes)s minute.",
        "The password was wrong too many times, so logging in with this username from your "
        "network is paused for %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked-out login: what happened and what to do, not a bare 429."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": lockout_minutes(), "message": lockout_message()},
        status=429,
    )
