"""What the report pages read."""

from django.db.models import QuerySet

from matchmaking.reports.models import MonthlyReport


def reports_for(subscriptions, *, everything: bool) -> QuerySet[MonthlyReport]:
    """The reports of the scopes subscribed to (all, for an administrator), newest first,
    without their figures."""
    found = MonthlyReport.objects.all()
    if not everything:
        found = found.filter(scope_key__in=[s.scope_key for s in subscriptions])
    return found.defer("figures", "charts")
