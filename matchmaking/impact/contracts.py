"""技术合同认定登记 (issue #21): the dossier of an adopted match's technology contract, as a
printable page and an XLSX in the order of the registration form, and the registration number
recorded when it comes back.

The parties are the match's two sides: the research institution (卖方, the party that supplies
the technology; 受托方 in a development or service contract) and the enterprise (买方, 委托方).
Their unified social credit codes come from their organisation records.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from accounts import permissions
from accounts.models import User
from matchmaking.core.downloads import safe_cell
from matchmaking.impact.models import ContractRegistration
from matchmaking.matches.states import MatchState
from matchmaking.models import Match
from matchmaking.stations.services import _station_for


@transaction.atomic
def contract_save(*, match: Match, by: User, data: dict) -> ContractRegistration:
    """Prepare (or correct) the dossier of the adopted match's contract."""
    if not permissions.can_work_match(by, match):
        raise PermissionDenied(_("Only staff of the station covering this enterprise may do this."))
    match = Match.objects.select_for_update(of=("self",)).get(pk=match.pk)
    if match.state != MatchState.ADOPTED:
        raise ValidationError(
            {"contract_type": _("A contract is registered for an adopted technology.")}
        )
    contract = ContractRegistration.objects.filter(match=match).first() or ContractRegistration(
        match=match
    )
    for name, value in data.items():
        setattr(contract, name, value)
    if not contract.station_id:
        contract.station = _station_for(by, match)
    contract.prepared_by = by
    contract.full_clean()
    contract.save()
    return contract


def dossier(contract: ContractRegistration) -> list[tuple[str, list[tuple[str, object]]]]:
    """The dossier as sections of (label, value), in the order of the registration form."""
    match = contract.match
    seller, buyer = match.result.organisation, match.need.organisation

    def party(organisation):
        return [
            (_("Name"), organisation.name),
            (_("Unified social credit code"), organisation.credit_code),
            (_("Address"), organisation.address),
            (_("Contact person"), organisation.contact_name),
            (_("Phone"), organisation.phone),
        ]

    return [
        (
            _("Contract"),
            [
                (_("Contract type"), contract.get_contract_type_display()),
                (_("Subject of the contract"), contract.subject),
                (_("Technology"), match.result.title),
                (_("Need"), match.need.title),
                (_("Contract amount (CNY)"), contract.amount),
                (_("Technical income (CNY)"), contract.technical_income),
                (_("Signed on"), contract.signed_on),
                (_("Place signed"), contract.place_signed),
                (_("Valid from"), contract.valid_from),
                (_("Valid to"), contract.valid_to),
            ],
        ),
        (_("Seller (supplies the technology)"), party(seller)),
        (_("Buyer (the enterprise)"), party(buyer)),
        (
            _("Registration"),
            [
                (_("Registration number"), contract.registration_number),
                (_("Registered on"), contract.registered_on or ""),
                (_("Service station"), contract.station.name),
            ],
        ),
    ]


def dossier_xlsx(contract: ContractRegistration) -> bytes:
    """The dossier as one sheet of two columns, a bold row for each section."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Contract registration")[:31]
    sheet.append([_("Technology contract registration")])
    sheet["A1"].font = Font(bold=True, size=13)
    for title, rows in dossier(contract):
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for label, value in rows:
            if isinstance(value, Decimal):
                # A number the office's sheet can add up, shown with the fen.
                sheet.append([label, float(value)])
                sheet.cell(row=sheet.max_row, column=2).number_format = "#,##0.00"
            elif isinstance(value, date):
                sheet.append([label, value])
                sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
            else:
                sheet.append([label, safe_cell(str(value))])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60
    for row in sheet.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
