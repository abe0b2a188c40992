"""Tables as CSV or XLSX downloads: one writer for the listing exports, the statistics and the
import templates.

CSV starts with a byte-order mark, so that Excel opens UTF-8 Chinese correctly; no cell may
start a formula (formula injection), in either format; in XLSX numbers and dates stay numbers
and dates, everything else is text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formula injection: a text cell never starts a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _xlsx_cell(worksheet, value):
    """Numbers and dates as such (a value with an `xlsx_format`, such as a share shown as
    25.0%, and money with thousands separators, keep their format); the rest as safe text."""
    if value is None or isinstance(value, int | float | Decimal | date | datetime):
        number_format = getattr(value, "xlsx_format", None) or (
            "#,##0.00" if isinstance(value, Decimal) else None
        )
        if number_format is None:
            return value
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = number_format
        return cell
    return safe_cell(str(value))


class _Echo:
    """A file that hands back what is written to it: csv.writer's rows, one at a time."""

    def write(self, value):
        return value


def table_response(
    filename: str,
    header: list,
    rows: Iterable[list],
    fmt: str,
    *,
    sheet: str = "",
    stream: bool = False,
) -> HttpResponse:
    """The table as an attachment named `filename`. With `stream`, a CSV is sent row by row as
    the rows are read (for exports of many thousands of listings)."""
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"
            yield writer.writerow([str(v) for v in header])
            for row in rows:
                yield writer.writerow(["" if v is None else safe_cell(str(v)) for v in row])

        if stream:
            response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse("".join(lines()), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title=(sheet or "data")[:31])
        worksheet.append([str(v) for v in header])
        for row in rows:
            worksheet.append([_xlsx_cell(worksheet, v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
