"""Uploaded sheets: a size limit from the settings, the type read from the content, stored
outside the static files, and never served back."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.views.static import serve
from openpyxl import Workbook

from accounts.enums import OrganisationKind
from matchmaking.imports import services as imports
from matchmaking.imports import uploads
from matchmaking.models import ImportJob
from tests.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db

HEADER = "企业统一社会信用代码,需求名称,需求描述,技术类别\n"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>'
)


@pytest.fixture
def staff(db):
    return member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))


def workbook_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["需求名称", "需求描述"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def post(client, user, name: str, content: bytes):
    client.force_login(user)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(
        reverse("import-start"), {"kind": "needs", "file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )


def file_errors(response) -> list[str]:
    """The errors shown beside the file field."""
    return response.context["form"].errors.get("file", [])


def stored_files() -> list[Path]:
    return [p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()]


# -- the size limit -----------------------------------------------------------------------------


def test_the_limit_is_ten_megabytes_unless_the_environment_says_otherwise():
    assert django_settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024


def test_a_file_over_the_limit_is_refused_beside_the_field_with_both_sizes(client, staff, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    before = stored_files()
    response = post(client, staff, "needs.csv", b"a,b\n" * 750)
    assert response.status_code == 200
    assert file_errors(response) == [
        "The file is 2.9\xa0KB; at most 2.0\xa0KB is accepted. Split it into smaller files."
    ]
    assert 'id="field-file"' in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files() == before


def test_the_help_beside_the_field_gives_the_limit_from_the_settings(client, staff, settings):
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    client.force_login(staff)
    form = client.get(reverse("import-start"), HTTP_ACCEPT_LANGUAGE="en").context["form"]
    assert form.fields["file"].help_text == (
        "At most 5.0\xa0MB. Download a template below to see the columns."
    )


def test_a_large_upload_is_counted_whole_but_only_the_limit_reaches_the_disk(
    client, staff, settings
):
    # Past FILE_UPLOAD_MAX_MEMORY_SIZE the upload streams through our handler to a temporary
    # file: 64 KB sent against a 4 KB limit.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.UPLOAD_MAX_BYTES = 4096
    sent = (HEADER * 1200).encode()[: 64 * 1024]
    response = post(client, staff, "needs.csv", sent)
    assert file_errors(response) == [
        "The file is 64.0\xa0KB; at most 4.0\xa0KB is accepted. Split it into smaller files."
    ]
    handler = uploads.SizeLimitedUploadHandler()
    handler.new_file("file", "needs.csv", "text/csv", len(sent), None)
    for start in range(0, len(sent), 8192):
        handler.receive_data_chunk(sent[start : start + 8192], start)
    kept = handler.file_complete(len(sent))
    assert (kept.size, len(kept.read())) == (len(sent), 4097)
    kept.close()


# -- the type, by content -----------------------------------------------------------------------

NOT_CSV = "This is not a CSV file. Save the sheet as CSV (UTF-8), or upload it as .xlsx."
NOT_XLSX = "This file is not an XLSX workbook. Open it in Excel or WPS and save it as .xlsx."

REFUSED = {
    "a web page named .csv": (
        "needs.csv",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        NOT_CSV,
    ),
    "a script in a cell": (
        "needs.csv",
        (HEADER + '91522634MA6DLXXX1X,"<script src=//x.cn/a.js></script>",描述,冷链\n').encode(),
        NOT_CSV,
    ),
    "a Windows program named .csv": ("needs.csv", b"MZ\x90\x00\x03\x00\x00\x00PE", NOT_CSV),
    "a Linux program named .csv": ("needs.csv", b"\x7fELF\x02\x01\x01", NOT_CSV),
    "a PDF named .csv": ("needs.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", NOT_CSV),
    "binary bytes without a NUL": ("needs.csv", HEADER.encode() + b"\x01\x02\x1b[31m", NOT_CSV),
    "UTF-16 text (it has NULs)": ("needs.csv", HEADER.encode("utf-16"), NOT_CSV),
    "a workbook named .csv": ("needs.csv", workbook_bytes(), NOT_CSV),
    "text that is no encoding we read": (
        "needs.csv",
        b"\x80\x81\xff\xfe",
        "The file's text encoding is not UTF-8 or GBK.",
    ),
    "a CSV named .xlsx": ("needs.xlsx", HEADER.encode(), NOT_XLSX),
    "an old .xls named .xlsx": (
        "needs.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
        NOT_XLSX,
    ),
    "a zip of something else": ("needs.xlsx", zip_bytes({"readme.txt": b"hello"}), NOT_XLSX),
    "a Word document named .xlsx": (
        "needs.xlsx",
        zip_bytes(
            {
                "[Content_Types].xml": CONTENT_TYPES.format(
                    main="application/vnd.openxmlformats-officedocument."
                    "wordprocessingml.document.main+xml"
                ).encode()
            }
        ),
        NOT_XLSX,
    ),
    "a workbook with macros": (
        "needs.xlsx",
        zip_bytes(
            {
                "[Content_Types].xml": CONTENT_TYPES.format(
                    main="application/vnd.ms-excel.sheet.macroEnabled.main+xml"
                ).encode(),
                "xl/vbaProject.bin": b"\x00" * 16,
            }
        ),
        "Workbooks with macros are not accepted. Save it as a plain .xlsx workbook.",
    ),
    # 2 MB unpacked from a few KB, against the 64 KB limit of these tests: 32 times the upload.
    "a zip bomb named .xlsx": (
        "needs.xlsx",
        zip_bytes(
            {
                "[Content_Types].xml": CONTENT_TYPES.format(main=uploads.XLSX_MAIN).encode(),
                "xl/worksheets/sheet1.xml": b"\0" * (2 * 1024 * 1024),
            }
        ),
        "This workbook is too large once unpacked. Split it into smaller files.",
    ),
    "a web page": ("needs.html", b"<html></html>", "Upload a .csv or .xlsx file."),
    "a program": ("setup.exe", b"MZ\x90\x00", "Upload a .csv or .xlsx file."),
    "no extension": ("needs", HEADER.encode(), "Upload a .csv or .xlsx file."),
}


@pytest.mark.parametrize(("name", "content", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_is_not_what_its_name_says_is_refused_beside_the_field(
    client, staff, settings, name, content, message
):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    before = stored_files()
    response = post(client, staff, name, content)
    assert response.status_code == 200
    assert file_errors(response) == [message]
    assert not ImportJob.objects.exists()
    assert stored_files() == before


ACCEPTED = {
    "UTF-8 with a BOM": ("needs.csv", ("\ufeff" + HEADER).encode()),
    "GBK, as Excel in Chinese saves it": ("需求.CSV", HEADER.encode("gbk")),
    "a workbook": ("needs.xlsx", workbook_bytes()),
    "angle brackets that are not markup": ("needs.csv", (HEADER + "x,预算<5万,a>b,c\n").encode()),
}


@pytest.mark.parametrize(("name", "content"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_real_sheets_are_accepted(client, staff, name, content):
    response = post(client, staff, name, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("import-detail", args=[job.pk])
    assert job.original_name == name


def test_the_service_checks_the_file_too_whoever_calls_it(staff):
    upload = SimpleUploadedFile("needs.csv", b"<html><script></script></html>")
    with pytest.raises(ValidationError) as error, translation.override("en"):
        imports.import_create(by=staff, kind="needs", upload=upload)
    assert error.value.message_dict == {"file": [NOT_CSV]}


# -- where uploads live, and that nothing serves them -------------------------------------------


def test_uploads_are_stored_under_media_root_by_a_name_of_our_own(staff):
    upload = SimpleUploadedFile("../../static/需求 表.csv", (HEADER + "a,b,c,d\n").encode())
    job = imports.import_create(by=staff, kind="needs", upload=upload)
    path = Path(job.file.path).resolve()
    media = Path(django_settings.MEDIA_ROOT).resolve()
    assert path.is_relative_to(media / "imports" / str(staff.pk))
    assert path.suffix == ".csv" and "需求" not in path.name
    assert path.read_bytes() == (HEADER + "a,b,c,d\n").encode()
    assert job.original_name == "需求 表.csv"


def test_media_root_and_static_root_are_apart():
    from config import settings as configured

    media, static = Path(configured.MEDIA_ROOT).resolve(), Path(configured.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static)
    assert not static.is_relative_to(media)
    assert all(not media.is_relative_to(Path(d).resolve()) for d in configured.STATICFILES_DIRS)


def _callbacks(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _callbacks(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def test_no_address_serves_uploaded_files(staff):
    assert serve not in set(_callbacks(get_resolver().url_patterns))
    upload = SimpleUploadedFile("needs.csv", (HEADER + "a,b,c,d\n").encode())
    job = imports.import_create(by=staff, kind="needs", upload=upload)
    client = Client()
    client.force_login(staff)  # even its own author gets nothing back by address
    for address in (
        f"/{job.file.name}",
        f"/media/{job.file.name}",
        f"/static/../media/{job.file.name}",
    ):
        response = client.get(address)
        assert response.status_code == 404, address
