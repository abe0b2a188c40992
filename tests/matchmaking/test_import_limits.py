"""Small files that claim to be huge: an import reads rows as a stream and stops at its limits.

An outside probe uploaded a 1.5 KB workbook whose sheet declared A1:ZZ100000 (cells only at A1
and ZZ100000): the server grew by 535 MB; with A1:XFD1048576 it ran out of memory. 9 MB of
newlines as a CSV took 851 MB. Each is now refused with a message while the process grows by
less than 50 MB.
"""

import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.imports import services as imports
from matchmaking.models import ImportJob
from tests.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db

MEMORY_LIMIT = 50 * 1024 * 1024
HEADER = ["企业统一社会信用代码", "需求名称", "需求描述", "技术类别"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(dimension: str, rows: dict[int, list[tuple[str, str]]]) -> bytes:
    """A minimal workbook whose one sheet declares `dimension` and holds only `rows`
    ({row number: [(cell reference, text)]})."""
    body = "".join(
        f'<row r="{number}">' + "".join(cell(ref, text) for ref, text in cells) + "</row>"
        for number, cells in sorted(rows.items())
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def header_cells() -> list[tuple[str, str]]:
    return [(f"{'ABCD'[i]}1", title) for i, title in enumerate(HEADER)]


@pytest.fixture
def institution_member(db):
    """Any signed-up member of an (unverified) institution may import."""
    return member_of(OrganisationFactory(kind=OrganisationKind.INSTITUTION, is_verified=False))


def upload_and_measure(
    client, user, name: str, content: bytes, capture, kind: str = "needs"
) -> tuple[ImportJob, int]:
    """Upload at /imports/ (the check runs as the eager task does) and return the job and the
    peak of memory allocated meanwhile, in bytes."""
    client.force_login(user)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    tracemalloc.start()
    try:
        with capture(execute=True):
            response = client.post(
                reverse("import-start"),
                {"kind": kind, "file": upload},
                HTTP_ACCEPT_LANGUAGE="en",
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 302, response.content[:2000]
    return ImportJob.objects.get(created_by=user), peak


def messages(job: ImportJob) -> list[str]:
    return [error["message"] for error in job.errors]


PROBES = {
    "A1:ZZ100000": workbook("A1:ZZ100000", {1: [("A1", "x")], 100000: [("ZZ100000", "x")]}),
    "A1:XFD1048576": workbook("A1:XFD1048576", {1: [("A1", "x")], 1048576: [("XFD1048576", "x")]}),
}


@pytest.mark.parametrize("content", PROBES.values(), ids=PROBES.keys())
def test_a_tiny_workbook_declaring_a_huge_sheet_is_refused_in_little_memory(
    client, institution_member, django_capture_on_commit_callbacks, content
):
    assert len(content) < 2000
    job, peak = upload_and_measure(
        client, institution_member, "needs.xlsx", content, django_capture_on_commit_callbacks
    )
    assert job.status == "invalid"
    assert messages(job) == [
        "The first row must name the columns; missing: organisation, title, description, category."
    ]
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.1f} MB"


def test_nine_megabytes_of_newlines_are_refused_in_little_memory(
    client, institution_member, django_capture_on_commit_callbacks
):
    content = ",".join(HEADER).encode() + b"\n" * (9 * 1024 * 1024)
    job, peak = upload_and_measure(
        client, institution_member, "needs.csv", content, django_capture_on_commit_callbacks
    )
    assert job.status == "invalid"
    assert messages(job) == [
        f"More than {imports.MAX_BLANK_ROWS:,} empty rows. Delete the empty rows and upload the "
        "file again."
    ]
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.1f} MB"


def check(user, name: str, content: bytes, capture) -> ImportJob:
    with capture(execute=True):
        imports.import_create(by=user, kind="needs", upload=SimpleUploadedFile(name, content))
    return ImportJob.objects.get(created_by=user)


def test_reading_stops_at_the_empty_rows_limit_whatever_the_sheet_declares(
    institution_member, django_capture_on_commit_callbacks
):
    content = workbook(
        "A1:D100000", {1: header_cells(), 100000: [("A100000", "x"), ("B100000", "y")]}
    )
    job = check(institution_member, "needs.xlsx", content, django_capture_on_commit_callbacks)
    assert messages(job) == [
        "More than 1,000 empty rows. Delete the empty rows and upload the file again."
    ]


def test_a_value_beyond_the_column_limit_is_refused_naming_the_row(
    institution_member, django_capture_on_commit_callbacks
):
    beyond = imports.MAX_COLUMNS + 1  # column AY
    content = workbook("A1:AY2", {1: header_cells(), 2: [("A2", "x"), ("AY2", "notes")]})
    job = check(institution_member, "needs.xlsx", content, django_capture_on_commit_callbacks)
    assert beyond == 51
    assert messages(job) == ["Row 2 has values beyond column 50: at most 50 columns are read."]


def test_reading_stops_at_the_first_row_past_the_row_limit(
    institution_member, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    content = (",".join(HEADER) + "\n" + "a,b,c,d\n\n" * 4).encode()
    job = check(institution_member, "needs.csv", content, django_capture_on_commit_callbacks)
    assert messages(job) == ["At most 3 rows per file."]


def test_a_line_of_millions_of_commas_is_refused_before_it_becomes_a_row(
    institution_member, django_capture_on_commit_callbacks
):
    content = (",".join(HEADER) + "\n" + "," * 3_000_000 + "\n").encode()
    job = check(institution_member, "needs.csv", content, django_capture_on_commit_callbacks)
    assert messages(job) == ["A line of the file is longer than 200,000 characters."]


def shared_strings_workbook(count: int) -> bytes:
    """A workbook whose one cell points into `count` tiny shared strings."""
    types = CONTENT_TYPES.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = WORKBOOK_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "<si><t>a</t></si>" * count
        + "</sst>"
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", strings)
    return buffer.getvalue()


def test_a_tiny_workbook_of_a_million_texts_is_refused_before_they_are_loaded(
    client, institution_member
):
    content = shared_strings_workbook(1_000_000)  # 17 MB of XML in 43 KB of zip
    assert len(content) < 50_000
    client.force_login(institution_member)
    upload = SimpleUploadedFile("needs.xlsx", content)
    tracemalloc.start()
    try:
        response = client.post(
            reverse("import-start"), {"kind": "needs", "file": upload}, HTTP_ACCEPT_LANGUAGE="en"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.context["form"].errors["file"] == [
        "This workbook holds more than 400,000 different texts. Split it into smaller files."
    ]
    assert not ImportJob.objects.exists()
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.1f} MB"


def test_shared_strings_are_counted_across_chunk_boundaries():
    from matchmaking.imports import uploads

    for count in (uploads.MAX_SHARED_STRINGS, uploads.MAX_SHARED_STRINGS + 1):
        with zipfile.ZipFile(io.BytesIO(shared_strings_workbook(count))) as archive:
            if count > uploads.MAX_SHARED_STRINGS:
                with pytest.raises(ValidationError):
                    uploads.check_shared_strings(archive)
            else:
                uploads.check_shared_strings(archive)
