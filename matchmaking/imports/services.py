"""Bulk import of needs and results from the sheets stations fill in at village meetings.

A file is checked whole first; each row's errors are reported by row and column. Nothing is
saved until the whole file is valid and the user confirms; then every row is saved in one
transaction, so an import is all or nothing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts import permissions
from accounts.models import Organisation, Region, User
from accounts.validation import normalise_patent_number
from config.queue import enqueue
from matchmaking.core.money import parse_amount
from matchmaking.enums import IPType, TransferMode
from matchmaking.imports import uploads
from matchmaking.imports.models import ImportKind, ImportStatus
from matchmaking.listings import services as listings
from matchmaking.models import Category, ImportJob, ResearchResult, TechnologyNeed

logger = logging.getLogger(__name__)

MAX_ROWS = 20_000
# Reading stops there, whatever the file says about its size (see read_rows).
MAX_COLUMNS = 50
MAX_BLANK_ROWS = 1_000
MAX_LINE_CHARS = 200_000
PROGRESS_EVERY = 200

# Column key -> accepted headers: [0] the English key, [1] the Chinese header of the template,
# then other spellings people use.
NEED_COLUMNS = {
    "organisation": ["organisation", "企业统一社会信用代码", "统一社会信用代码", "enterprise"],
    "title": ["title", "需求名称", "标题"],
    "description": ["description", "需求描述", "描述"],
    "category": ["category", "技术类别", "类别"],
    "keywords": ["keywords", "关键词"],
    "region": ["region", "地区代码", "所在地区"],
    "budget_min": ["budget_min", "预算下限(元)", "预算下限"],
    "budget_max": ["budget_max", "预算上限(元)", "预算上限"],
    "budget_negotiable": ["budget_negotiable", "预算面议"],
    "min_trl": ["min_trl", "最低成熟度(TRL)", "最低成熟度"],
    "transfer_modes": ["transfer_modes", "合作方式"],
    "deadline": ["deadline", "截止日期"],
    "publish": ["publish", "立即发布"],
}
RESULT_COLUMNS = {
    "organisation": ["organisation", "机构统一社会信用代码", "统一社会信用代码", "institution"],
    "title": ["title", "成果名称", "标题"],
    "abstract": ["abstract", "成果简介", "摘要"],
    "category": ["category", "技术类别", "类别"],
    "keywords": ["keywords", "关键词"],
    "team": ["team", "团队"],
    "lead_researcher": ["lead_researcher", "负责人"],
    "trl": ["trl", "成熟度(TRL)", "成熟度"],
    "ip_type": ["ip_type", "知识产权类型"],
    "ip_number": ["ip_number", "专利号或登记号", "专利号", "登记号"],
    "asking_price": ["asking_price", "转让价格(元)", "转让价格"],
    "price_negotiable": ["price_negotiable", "价格面议"],
    "transfer_modes": ["transfer_modes", "合作方式"],
    "serves": ["serves", "服务省份"],
    "application_scenarios": ["application_scenarios", "应用场景"],
    "publish": ["publish", "立即发布"],
}
REQUIRED = {
    ImportKind.NEEDS: ["organisation", "title", "description", "category"],
    ImportKind.RESULTS: ["organisation", "title", "abstract", "category", "trl"],
}
TEMPLATE_EXAMPLES = {
    ImportKind.NEEDS: {
        "organisation": "9352263486960CB728",
        "title": "银球茶鲜叶采后保鲜",
        "description": "鲜叶采下来放半天就发红，想找便宜的保鲜办法",
        "category": "cold-chain-logistics",
        "keywords": "保鲜 预冷",
        "region": "522634",
        "budget_min": "20000",
        "budget_max": "5万",
        "budget_negotiable": "否",
        "min_trl": "6",
        "transfer_modes": "技术服务、许可",
        "deadline": "2027-06-30",
        "publish": "是",
    },
}

# The Chinese words stations write, independent of the interface language.
MODE_ALIASES = {
    "许可": TransferMode.LICENSE,
    "专利许可": TransferMode.LICENSE,
    "转让": TransferMode.ASSIGNMENT,
    "专利转让": TransferMode.ASSIGNMENT,
    "合作开发": TransferMode.JOINT_DEVELOPMENT,
    "联合开发": TransferMode.JOINT_DEVELOPMENT,
    "技术服务": TransferMode.TECHNICAL_SERVICE,
    "技术咨询": TransferMode.TECHNICAL_SERVICE,
    "作价入股": TransferMode.EQUITY,
    "入股": TransferMode.EQUITY,
}
IP_ALIASES = {
    "发明专利": IPType.INVENTION_PATENT,
    "实用新型": IPType.UTILITY_MODEL,
    "软件著作权": IPType.SOFTWARE_COPYRIGHT,
    "软著": IPType.SOFTWARE_COPYRIGHT,
    "技术秘密": IPType.KNOW_HOW,
    "无": IPType.NONE,
}
_TRUE = {"1", "true", "yes", "y", "是", "对", "√", "✓"}
_FALSE = {"", "0", "false", "no", "n", "否", "不", "×"}
_SPLIT = re.compile(r"[\s,，、;；/]+")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class SheetError(Exception):
    """The file as a whole cannot be read."""


def columns_for(kind: str) -> dict[str, list[str]]:
    return NEED_COLUMNS if kind == ImportKind.NEEDS else RESULT_COLUMNS


def _norm(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return value.isoformat()[:10]
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_rows(handle) -> Iterator[list[str]]:
    """The rows of a CSV or XLSX file, as lists of strings, one at a time.

    The type is decided by content (uploads.sheet_kind has checked, when the file came in, that
    it matches the name). Nothing a file declares about its own size is trusted: rows are read
    as a stream, at most MAX_COLUMNS + 1 cells of each, and reading stops with a SheetError at
    the first row past the limits (MAX_ROWS filled rows, MAX_BLANK_ROWS empty ones, a value
    beyond MAX_COLUMNS), so a small file that claims to be huge never becomes a huge list.
    """
    handle.seek(0, io.SEEK_END)
    try:
        uploads.check_size(handle.tell())
    except ValidationError as error:
        raise SheetError(" ".join(error.messages)) from error
    handle.seek(0)
    if handle.read(4) == b"PK\x03\x04":
        try:
            uploads.check_xlsx(handle)
        except ValidationError as error:
            raise SheetError(" ".join(error.messages)) from error
        handle.seek(0)
        rows = _xlsx_rows(handle)
    else:
        try:
            encoding = uploads.check_csv(handle)
        except ValidationError as error:
            raise SheetError(" ".join(error.messages)) from error
        rows = _csv_rows(handle, encoding)
    filled = blank = 0
    for number, row in enumerate(rows, start=1):
        if any(value not in (None, "") for value in row[MAX_COLUMNS:]):
            raise SheetError(
                _("Row %(row)d has values beyond column %(n)d: at most %(n)d columns are read.")
                % {"row": number, "n": MAX_COLUMNS}
            )
        row = [_norm(value) for value in row[:MAX_COLUMNS]]
        if number > 1 and not any(row):
            blank += 1
            if blank > MAX_BLANK_ROWS:
                raise SheetError(
                    _(
                        "More than %(n)s empty rows. Delete the empty rows and upload the file "
                        "again."
                    )
                    % {"n": f"{MAX_BLANK_ROWS:,}"}
                )
            continue
        if number > 1:
            filled += 1
            if filled > MAX_ROWS:
                raise SheetError(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})
        yield row


def _xlsx_rows(handle) -> Iterator[tuple]:
    """The first sheet's rows, streamed (read-only mode), MAX_COLUMNS + 1 cells wide whatever
    its <dimension> claims."""
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:
        raise SheetError(_("This XLSX file cannot be opened.")) from error
    try:
        yield from sheet.iter_rows(
            max_row=1 + MAX_ROWS + MAX_BLANK_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True
        )
    except SheetError:
        raise
    except Exception as error:
        raise SheetError(_("This XLSX file cannot be opened.")) from error
    finally:
        workbook.close()


def _csv_rows(handle, encoding: str) -> Iterator[list[str]]:
    """The CSV's rows, read line by line; a line longer than MAX_LINE_CHARS ends the reading."""
    text = io.TextIOWrapper(getattr(handle, "file", handle), encoding=encoding, newline="")

    def lines():
        while line := text.readline(MAX_LINE_CHARS + 1):
            if len(line) > MAX_LINE_CHARS:
                raise SheetError(
                    _("A line of the file is longer than %(n)s characters.")
                    % {"n": f"{MAX_LINE_CHARS:,}"}
                )
            yield line

    try:
        yield from csv.reader(lines())
    except csv.Error as error:
        raise SheetError(_("This CSV file cannot be read: %(error)s") % {"error": error}) from error
    finally:
        text.detach()


def _header_map(kind: str, header: list[str]) -> tuple[dict[str, int], list[str]]:
    aliases = {alias.lower(): key for key, names in columns_for(kind).items() for alias in names}
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        key = aliases.get(title.lower())
        if key and key not in mapping:
            mapping[key] = index
    missing = [key for key in REQUIRED[kind] if key not in mapping]
    return mapping, missing


class _Lookups:
    """Organisations, categories and regions read once per file, not once per row."""

    def __init__(self, user: User):
        self.user = user
        self.organisations = {
            o.credit_code: o for o in Organisation.objects.select_related("region")
        }
        self.categories = {}
        for category in Category.objects.filter(parent__isnull=False):
            for key in (category.slug, category.name, category.name_en.lower()):
                self.categories[key] = category
        self.regions = {r.code: r for r in Region.objects.all()}
        self.provinces = {r.name: r for r in self.regions.values() if r.level == 1}
        self.provinces.update(
            {r.name.rstrip("省市").replace("自治区", ""): r for r in list(self.provinces.values())}
        )
        self.mode_labels = {value: value for value in TransferMode.values} | MODE_ALIASES
        self.mode_labels |= {str(label).lower(): value for value, label in TransferMode.choices}
        self.ip_labels = {value: value for value in IPType.values} | IP_ALIASES


def _parse_row(
    kind: str, values: dict[str, str], lookups: _Lookups, row: int, errors: list[RowError]
):
    """Turn one row into (organisation, data, publish), collecting errors by column."""
    before = len(errors)

    def error(column: str, message: str) -> None:
        errors.append(RowError(row, column, str(message)))

    for key in REQUIRED[kind]:
        if not values.get(key):
            error(key, _("This column is required."))
    organisation = lookups.organisations.get(values.get("organisation", "").upper())
    if values.get("organisation") and organisation is None:
        error("organisation", _("No organisation with this unified social credit code."))
    elif organisation is not None and not (permissions.may_act_for(lookups.user, organisation)):
        error("organisation", _("You cannot post for %(name)s.") % {"name": organisation.name})

    data: dict = {"title": values.get("title", ""), "keywords": values.get("keywords", "")}
    category = lookups.categories.get(values.get("category", "")) or lookups.categories.get(
        values.get("category", "").lower()
    )
    if values.get("category") and category is None:
        error("category", _("Unknown category: use a name or code from the template's list."))
    data["category"] = category

    if values.get("region"):
        region = lookups.regions.get(values["region"])
        if region is None:
            error("region", _("Unknown region code."))
        data["region"] = region

    def money(key: str):

        raw = values.get(key, "")
        if raw.strip().startswith("-"):
            error(key, _("An amount cannot be negative."))
            return None
        try:
            amount = parse_amount(raw)
        except ValueError:
            error(key, _("Enter an amount in yuan, e.g. 50000."))
            return None
        if amount is None:
            return None
        if amount < 0:
            error(key, _("An amount cannot be negative."))
        return amount

    def boolean(key: str) -> bool:
        raw = values.get(key, "").lower()
        if raw in _TRUE:
            return True
        if raw not in _FALSE:
            error(key, _("Write 是 or 否."))
        return False

    def integer(key: str):
        raw = values.get(key, "")
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            error(key, _("Enter a whole number from 1 to 9."))
            return None

    modes = []
    for item in _SPLIT.split(values.get("transfer_modes", "")):
        if not item:
            continue
        mode = lookups.mode_labels.get(item) or lookups.mode_labels.get(item.lower())
        if mode is None:
            error("transfer_modes", _("Unknown transfer mode: %(mode)s") % {"mode": item})
        else:
            modes.append(mode)
    data["transfer_modes"] = modes or [TransferMode.TECHNICAL_SERVICE]

    if kind == ImportKind.NEEDS:
        data["description"] = values.get("description", "")
        data["budget_min"] = money("budget_min")
        data["budget_max"] = money("budget_max")
        data["budget_negotiable"] = boolean("budget_negotiable")
        data["min_trl"] = integer("min_trl")
        if values.get("deadline"):
            try:
                data["deadline"] = date.fromisoformat(values["deadline"].replace("/", "-")[:10])
            except ValueError:
                error("deadline", _("Write the date as YYYY-MM-DD."))
    else:
        data["abstract"] = values.get("abstract", "")
        data["team"] = values.get("team", "")
        data["lead_researcher"] = values.get("lead_researcher", "")
        data["application_scenarios"] = values.get("application_scenarios", "")
        data["trl"] = integer("trl")
        ip_type = values.get("ip_type", "") or IPType.NONE
        data["ip_type"] = lookups.ip_labels.get(ip_type, ip_type)
        data["ip_number"] = values.get("ip_number", "")
        data["asking_price"] = money("asking_price")
        data["price_negotiable"] = boolean("price_negotiable") or data["asking_price"] is None
        serves = values.get("serves", "")
        if not serves or serves.lower() in {"all", "全国", "全部"}:
            data["serves_all_regions"] = True
            data["regions_served"] = []
        else:
            provinces = []
            for item in _SPLIT.split(serves):
                province = lookups.provinces.get(item) or lookups.regions.get(item)
                if province is None or province.level != 1:
                    error("serves", _("Unknown province: %(name)s") % {"name": item})
                else:
                    provinces.append(province)
            data["serves_all_regions"] = False
            data["regions_served"] = provinces

    if len(errors) == before and organisation is not None:
        _model_errors(kind, organisation, data, lookups.user, row, errors)
    return organisation, data, boolean("publish") if values.get("publish") else False


def _model_errors(kind, organisation, data, user, row, errors) -> None:
    """The model's own rules (budget order, patent check digit, …) on an unsaved instance."""
    model = TechnologyNeed if kind == ImportKind.NEEDS else ResearchResult
    fields = {k: v for k, v in data.items() if k != "regions_served"}
    fields.setdefault("region", organisation.region)
    if fields.get("region") is None:
        fields["region"] = organisation.region
    instance = model(organisation=organisation, created_by=user, **fields)
    if isinstance(instance, ResearchResult) and instance.is_patent and instance.ip_number:
        instance.ip_number = normalise_patent_number(instance.ip_number)
    try:
        instance.full_clean(**listings.clean_options(instance))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            column = field if field != "__all__" else "title"
            for message in messages:
                errors.append(RowError(row, column, message))


def import_create(*, by: User, kind: str, upload: UploadedFile) -> ImportJob:
    if not permissions.can_import(by):
        raise PermissionDenied(
            _("Only station staff, institutions and administrators import sheets.")
        )
    try:
        extension = uploads.sheet_kind(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    job = ImportJob(kind=kind, original_name=upload.name[:255], created_by=by)
    # Stored under a name of our own: the original is kept for display only.
    job.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    job.save()

    transaction.on_commit(lambda: enqueue("matchmaking.tasks.import_validate", job.pk))
    return job


def _progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def import_progress(job: ImportJob) -> int:
    """Rows processed; during the saving transaction the count lives in the cache."""
    if job.status in (ImportStatus.IMPORTING, ImportStatus.SAVING):
        return cache.get(_progress_key(job.pk), 0)
    return job.processed_rows


def _parsed_rows(job: ImportJob, on_progress=None):
    with job.file.open("rb") as handle, contextlib.closing(read_rows(handle)) as rows:
        header = next(rows, None)
        if header is None:
            raise SheetError(_("The file is empty."))
        mapping, missing = _header_map(job.kind, header)
        if missing:
            raise SheetError(
                _("The first row must name the columns; missing: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        # At most MAX_ROWS rows of at most MAX_COLUMNS short strings: the reader stopped there.
        body = list(rows)
    lookups = _Lookups(job.created_by)
    errors: list[RowError] = []
    parsed = []
    for offset, row in enumerate(body):
        values = {key: (row[index] if index < len(row) else "") for key, index in mapping.items()}
        parsed.append(_parse_row(job.kind, values, lookups, offset + 2, errors))
        if on_progress and (offset + 1) % PROGRESS_EVERY == 0:
            on_progress(offset + 1, len(body))
    _check_duplicates(job.kind, parsed, errors)
    return parsed, errors


def _check_duplicates(kind, parsed, errors) -> None:
    if kind != ImportKind.RESULTS:
        return
    seen: dict[tuple, int] = {}
    for offset, (organisation, data, _publish) in enumerate(parsed):
        number = data.get("ip_number")
        if organisation is None or not number:
            continue
        key = (organisation.pk, number)
        if key in seen:
            errors.append(
                RowError(
                    offset + 2,
                    "ip_number",
                    _("The same number is on row %(row)d.") % {"row": seen[key]},
                )
            )
        seen[key] = offset + 2


def import_validate(*, job: ImportJob) -> ImportJob:
    """Check every row; record the errors. Idempotent, and only while the job is being checked:
    a check delivered again after the import must not make the job importable a second time."""
    if job.status != ImportStatus.VALIDATING:
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    try:
        parsed, errors = _parsed_rows(job, progress)
    except SheetError as error:
        job.status = ImportStatus.INVALID
        job.errors = [{"row": 1, "column": "", "message": str(error)}]
        job.save(update_fields=["status", "errors"])
        return job
    job.total_rows = job.processed_rows = len(parsed)
    job.errors = [e.as_dict() for e in errors[:1000]]
    job.status = ImportStatus.INVALID if errors else ImportStatus.VALID
    job.save(update_fields=["status", "errors", "total_rows", "processed_rows"])
    return job


def import_confirm(*, job: ImportJob, by: User) -> ImportJob:
    if not permissions.can_view_import(by, job):
        raise PermissionDenied
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALID).update(
        status=ImportStatus.IMPORTING, processed_rows=0
    )
    if not updated:
        raise ValidationError(_("Only a checked file without errors can be imported, once."))

    transaction.on_commit(lambda: enqueue("matchmaking.tasks.import_save", job.pk))
    job.refresh_from_db()
    return job


def import_save(*, job: ImportJob) -> ImportJob:
    """Save every row in one transaction; all or nothing; once, however often it is called."""
    # Claim the job: a task delivered twice finds it no longer importing.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.IMPORTING).update(
        status=ImportStatus.SAVING
    )
    job.refresh_from_db()
    if not claimed:
        return job
    parsed, errors = _parsed_rows(job)
    if errors:
        job.status = ImportStatus.INVALID
        job.errors = [e.as_dict() for e in errors[:1000]]
        job.save(update_fields=["status", "errors"])
        return job
    create = listings.need_create if job.kind == ImportKind.NEEDS else listings.result_create
    user = job.created_by
    try:
        with transaction.atomic():
            for count, (organisation, data, publish) in enumerate(parsed, start=1):
                listing = create(by=user, organisation=organisation, data=data)
                if publish and permissions.can_publish(organisation):
                    listings.listing_transition(
                        listing=listing,
                        to=listings.rules_for(listing).published,
                        by=user,
                        queue_matching=False,
                    )
                if count % PROGRESS_EVERY == 0:
                    cache.set(_progress_key(job.pk), count, 3600)
            # One sweep matches every published row, instead of a task per row.

            transaction.on_commit(lambda: enqueue("matchmaking.tasks.sweep_pending"))
            job.status = ImportStatus.DONE
            job.created_count = len(parsed)
            job.processed_rows = len(parsed)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "created_count", "processed_rows", "finished_at"])
    except Exception as error:
        # Nothing was saved (the transaction rolled back); say so instead of failing silently.
        logger.exception("import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            errors=[{"row": 0, "column": "", "message": str(error)[:500]}],
        )
        job.refresh_from_db()
    return job
