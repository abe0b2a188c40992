"""CSV and XLSX exports of need and result lists."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from matchmaking.core.downloads import table_response


def _need_rows(needs, user) -> tuple[list[str], Iterable[list]]:
    header = [
        _("ID"),
        _("Title"),
        _("Enterprise"),
        _("Category"),
        _("Region"),
        _("Status"),
        _("Budget from (CNY)"),
        _("Budget up to (CNY)"),
        _("Budget negotiable"),
        _("Transfer modes"),
        _("Deadline"),
        _("Published at"),
        _("Keywords"),
        _("Description"),
    ]

    def rows():
        for need in needs:
            show_budget = permissions.can_see_budget(user, need)
            yield [
                need.pk,
                need.title,
                need.organisation.name,
                need.category.display_name,
                need.region.full_name,
                need.get_status_display(),
                need.budget_min if show_budget else "",
                need.budget_max if show_budget else "",
                need.budget_negotiable,
                " ".join(need.transfer_modes),
                need.deadline.isoformat() if need.deadline else "",
                timezone.localtime(need.published_at).strftime("%Y-%m-%d %H:%M")
                if need.published_at
                else "",
                need.keywords,
                need.description,
            ]

    return header, rows()


def _result_rows(results, user) -> tuple[list[str], Iterable[list]]:
    header = [
        _("ID"),
        _("Title"),
        _("Institution"),
        _("Team"),
        _("Category"),
        _("Status"),
        _("Maturity"),
        _("Intellectual property"),
        _("Patent or registration number"),
        _("Asking price (CNY)"),
        _("Price negotiable"),
        _("Transfer modes"),
        _("Published at"),
        _("Keywords"),
        _("Abstract"),
    ]

    def rows():
        for result in results:
            yield [
                result.pk,
                result.title,
                result.organisation.name,
                result.team,
                result.category.display_name,
                result.get_status_display(),
                result.trl,
                result.get_ip_type_display(),
                result.ip_number,
                result.asking_price or "",
                result.price_negotiable,
                " ".join(result.transfer_modes),
                timezone.localtime(result.published_at).strftime("%Y-%m-%d %H:%M")
                if result.published_at
                else "",
                result.keywords,
                result.abstract,
            ]

    return header, rows()


def listing_export_response(kind: str, queryset, fmt: str, user) -> HttpResponse:
    header, rows = (_need_rows if kind == "need" else _result_rows)(
        queryset.iterator(chunk_size=2000), user
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"nongqiao-{kind}s-{stamp}.{fmt}"
    return table_response(filename, header, rows, fmt, sheet=kind + "s", stream=True)
