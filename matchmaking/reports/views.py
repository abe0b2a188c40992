"""The monthly reports: the list with one's subscriptions, a report as a page and as a PDF."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import permissions
from matchmaking.models import MonthlyReport, ReportSubscription
from matchmaking.reports import selectors
from matchmaking.reports import services as reports


class SubscriptionForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = reports.scope_choices()


def _list(request, form=None, status=200):
    if not permissions.can_subscribe_to_reports(request.user):
        raise PermissionDenied
    subscriptions = list(request.user.report_subscriptions.order_by("created_at"))
    names = dict(reports.scope_choices())
    found = selectors.reports_for(subscriptions, everything=permissions.is_admin(request.user))
    return render(
        request,
        "matchmaking/report_list.html",
        {
            "reports": found[:200],
            "subscriptions": [(s, names.get(s.scope_key, s.scope_key)) for s in subscriptions],
            "form": form or SubscriptionForm(),
        },
        status=status,
    )


@login_required
def report_list(request):
    return _list(request)


@login_required
@require_POST
def report_subscribe(request):
    if not permissions.can_subscribe_to_reports(request.user):
        raise PermissionDenied
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    reports.subscription_add(user=request.user, scope_key=form.cleaned_data["scope"])
    return redirect("report-list")


@login_required
@require_POST
def report_unsubscribe(request, pk: int):
    subscription = get_object_or_404(ReportSubscription, pk=pk, user=request.user)
    subscription.delete()
    return redirect("report-list")


def _report(request, pk: int) -> MonthlyReport:
    report = get_object_or_404(MonthlyReport, pk=pk)
    if not permissions.can_view_report(request.user, report):
        raise PermissionDenied
    return report


@login_required
def report_detail(request, pk: int):
    report = _report(request, pk)
    return render(request, "matchmaking/report_detail.html", reports.report_context(report))


@login_required
def report_pdf(request, pk: int):
    report = _report(request, pk)
    try:
        pdf = reports.report_pdf_cached(report, get_language())
    except reports.PdfUnavailable:
        message = _("The PDF cannot be made on this server (pango is missing); read the page.")
        return HttpResponse(str(message), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"nongqiao-{report.scope_key.replace(':', '-')}-{report.period:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
