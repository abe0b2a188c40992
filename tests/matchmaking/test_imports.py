"""Bulk import: the whole sheet is checked first, then saved in one transaction."""

import csv
import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.enums import OrganisationKind
from matchmaking.imports import services as imports
from matchmaking.models import ImportJob, TechnologyNeed
from tests.factories import OrganisationFactory, member_of

HEADER = [
    "企业统一社会信用代码",
    "需求名称",
    "需求描述",
    "技术类别",
    "预算下限(元)",
    "预算上限(元)",
    "合作方式",
    "立即发布",
]


def csv_upload(rows, name="needs.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def xlsx_upload(rows, name="needs.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def good_row(enterprise, n: int) -> list:
    return [
        enterprise.credit_code,
        f"马铃薯贮藏需求{n}",
        "洋芋放到开春就发芽",
        "cold-storage",
        "20000",
        "5万",
        "技术服务",
        "是",
    ]


@pytest.fixture
def station_and_enterprise(db):
    enterprise = OrganisationFactory(region_id="522634")
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))
    return staff, enterprise


def test_a_sheet_with_errors_in_three_rows_saves_nothing_and_names_those_rows(
    station_and_enterprise, django_capture_on_commit_callbacks
):
    staff, enterprise = station_and_enterprise
    rows = [good_row(enterprise, n) for n in range(6)]
    rows[1][5] = "1万"  # budget_max below budget_min (row 3 of the file)
    rows[3][3] = "no-such-category"  # row 5
    rows[4][0] = "91110000802100433X"  # unknown organisation, row 6
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.import_create(by=staff, kind="needs", upload=xlsx_upload(rows))
    job.refresh_from_db()
    assert job.status == "invalid"
    assert sorted({(e["row"], e["column"]) for e in job.errors}) == [
        (3, "budget_max"),
        (5, "category"),
        (6, "organisation"),
    ]
    with pytest.raises(ValidationError):
        imports.import_confirm(job=job, by=staff)
    assert not TechnologyNeed.objects.exists()


def test_a_valid_sheet_is_saved_whole_after_confirmation(
    station_and_enterprise, django_capture_on_commit_callbacks
):
    staff, enterprise = station_and_enterprise
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.import_create(
            by=staff, kind="needs", upload=csv_upload([good_row(enterprise, n) for n in range(5)])
        )
    job.refresh_from_db()
    assert (job.status, job.total_rows) == ("valid", 5)
    assert not TechnologyNeed.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_confirm(job=job, by=staff)
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 5)
    needs = TechnologyNeed.objects.filter(organisation=enterprise)
    assert needs.count() == 5
    assert set(needs.values_list("status", flat=True)) == {"open"}
    assert set(needs.values_list("budget_max", flat=True)) == {50000}
    assert set(needs.values_list("acting_station__kind", flat=True)) == {"station"}


def test_a_station_cannot_import_for_an_enterprise_outside_its_counties(
    station_and_enterprise, django_capture_on_commit_callbacks
):
    staff, _ = station_and_enterprise
    far = OrganisationFactory(region_id="620102")
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.import_create(by=staff, kind="needs", upload=csv_upload([good_row(far, 1)]))
    job.refresh_from_db()
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "organisation")]


def test_a_file_that_is_not_a_sheet_is_refused_beside_the_field(client, station_and_enterprise):
    staff, _ = station_and_enterprise
    client.force_login(staff)
    upload = SimpleUploadedFile("x.csv", b"\x00\x01\x02binary", content_type="text/csv")
    response = client.post(reverse("import-start"), {"kind": "needs", "file": upload})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_enterprise_members_may_not_import(client, db):
    client.force_login(member_of(OrganisationFactory()))
    assert client.get(reverse("import-start")).status_code == 403


def test_someone_elses_import_is_not_shown(
    client, station_and_enterprise, django_capture_on_commit_callbacks
):
    staff, enterprise = station_and_enterprise
    job = imports.import_create(
        by=staff, kind="needs", upload=csv_upload([good_row(enterprise, 1)])
    )
    other = member_of(OrganisationFactory(kind=OrganisationKind.STATION))
    client.force_login(other)
    assert client.get(reverse("import-detail", args=[job.pk])).status_code == 403


def test_templates_download_with_the_chinese_headers(client, station_and_enterprise):
    staff, _ = station_and_enterprise
    client.force_login(staff)
    response = client.get(reverse("import-template", args=["csv"]), {"kind": "needs"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:3] == ["企业统一社会信用代码", "需求名称", "需求描述"]


@pytest.mark.worker
def test_five_thousand_rows_import_in_the_background_on_the_worker_with_progress(
    committed_db, celery_worker_process
):
    enterprise = OrganisationFactory(region_id="522634")
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))
    rows = [good_row(enterprise, n)[:-1] + ["否"] for n in range(5000)]  # drafts: no matching
    job = imports.import_create(by=staff, kind="needs", upload=xlsx_upload(rows))
    seen_progress = set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen_progress.add(imports.import_progress(job))
        if job.status == "valid":
            imports.import_confirm(job=job, by=staff)
        if job.status in ("done", "invalid", "failed"):
            break
        time.sleep(0.2)
    assert job.status == "done", job.errors[:3]
    assert TechnologyNeed.objects.filter(organisation=enterprise).count() == 5000
    assert any(0 < p < 5000 for p in seen_progress), sorted(seen_progress)[:10]
