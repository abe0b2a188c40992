"""Rows you add and remove in a form (a plan's steps and costs, a trial's milestones): one
text field, a line a row, that static/js/rows.js shows as boxes; the page works the same
without the script."""

import json
import re

from django.utils.translation import gettext_lazy as _


def row_editor(field, columns: list[tuple[str, str, str]], add: str) -> None:
    """Let static/js/rows.js show the field's lines as rows of boxes you add and remove; the
    lines stay what the form reads, so the page works the same without the script."""
    field.widget.attrs.update(
        {
            "data-rows": json.dumps(
                [{"name": n, "label": str(label), "type": t} for n, label, t in columns],
                ensure_ascii=False,
            ),
            "data-rows-add": str(add),
            "data-rows-remove": str(_("Remove")),
        }
    )


def parse_lines(text: str, columns: int) -> list[list[str]]:
    """The rows of a field written one a line, cells split by | (or ｜), padded to `columns`."""
    rows = []
    for line in text.splitlines():
        if line.strip():
            parts = [p.strip() for p in re.split(r"[|｜]", line)]
            rows.append((parts + [""] * columns)[:columns])
    return rows
