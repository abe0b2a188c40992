"""What an uploaded sheet must be before anything reads it.

Small enough (settings.UPLOAD_MAX_BYTES), named .csv or .xlsx, and by its content what its name
says: a CSV must be text in UTF-8 or GBK with no binary bytes and no markup; an XLSX must be a
zip holding an OOXML spreadsheet (its [Content_Types].xml says so), without macros and without
unpacking to far more than was uploaded. Uploads are stored under MEDIA_ROOT, outside the
static root, and no address serves them back.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

KINDS = (".csv", ".xlsx")
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# A real workbook unpacks to a few times its size; a zip bomb to thousands of times.
MAX_UNPACKED_RATIO = 20
MAX_ZIP_ENTRIES = 10_000
# openpyxl reads a workbook's shared strings (its texts) into memory whole before any row:
# a few KB of zip can declare a million tiny strings (~85 MB). 400,000 is more different texts
# than a sheet of 20,000 rows of needs or results holds, and ~35 MB at the very worst.
MAX_SHARED_STRINGS = 400_000
_PREFIXED_SHARED_STRING = re.compile(rb"<[A-Za-z_][\w.-]*:si[\s/>]")
# Executables, PDFs, old Office files (and encrypted new ones), zips, Java classes, Mach-O.
BINARY_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"%PDF",
    b"\xd0\xcf\x11\xe0",
    b"PK\x03\x04",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed)\b", re.I)


ENCODINGS = ("utf-8-sig", "gb18030")
CHUNK = 64 * 1024


def decode_text(content: bytes) -> str | None:
    """The text of a CSV as stations save it: UTF-8 (with or without BOM) or GBK/GB18030."""
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def text_encoding(handle) -> str | None:
    """The encoding (of ENCODINGS) a CSV file decodes in, read in chunks: never the whole file
    in memory at once."""
    for encoding in ENCODINGS:
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            handle.seek(0)
        return encoding
    return None


def check_size(size: int) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s is accepted. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def sheet_kind(upload) -> str:
    """ "csv" or "xlsx"; otherwise a ValidationError saying what is wrong with the file."""
    check_size(upload.size)
    extension = Path(upload.name or "").suffix.lower()
    if extension not in KINDS:
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="extension")
    upload.seek(0)
    try:
        if extension == ".xlsx":
            check_xlsx(upload)
        else:
            check_csv(upload)
    finally:
        upload.seek(0)
    return extension[1:]


def check_csv(handle) -> str:
    """Refuse what is not CSV text; return its encoding. Reads the file in chunks, so a large
    upload is never held whole in memory (nor twice, as bytes and as text)."""
    not_csv = ValidationError(
        _("This is not a CSV file. Save the sheet as CSV (UTF-8), or upload it as .xlsx."),
        code="not_csv",
    )
    handle.seek(0)
    if handle.read(8).startswith(BINARY_SIGNATURES):
        raise not_csv
    handle.seek(0)
    while chunk := handle.read(CHUNK):
        if b"\x00" in chunk:
            raise not_csv
    encoding = text_encoding(handle)
    if encoding is None:
        raise ValidationError(_("The file's text encoding is not UTF-8 or GBK."), code="encoding")
    handle.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    tail = ""  # the end of the previous chunk, so markup split between two chunks is seen
    started = False
    while True:
        chunk = handle.read(CHUNK)
        text = decoder.decode(chunk, final=not chunk)
        if _CONTROL.search(text):
            raise not_csv
        if not started and text.strip():
            started = True
            if text.lstrip().startswith("<"):
                raise not_csv
        if _MARKUP.search(tail + text):
            raise not_csv
        tail = text[-32:]
        if not chunk:
            break
    handle.seek(0)
    return encoding


def check_xlsx(handle) -> None:
    not_xlsx = ValidationError(
        _("This file is not an XLSX workbook. Open it in Excel or WPS and save it as .xlsx."),
        code="not_xlsx",
    )
    handle.seek(0)
    if not handle.read(4).startswith(b"PK\x03\x04"):
        raise not_xlsx
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > (
                MAX_UNPACKED_RATIO * settings.UPLOAD_MAX_BYTES
            ):
                raise ValidationError(
                    _("This workbook is too large once unpacked. Split it into smaller files."),
                    code="too_large_unpacked",
                )
            types = next((e for e in entries if e.filename == "[Content_Types].xml"), None)
            if types is None or types.flag_bits & 0x1 or types.file_size > 1024 * 1024:
                raise not_xlsx
            declared = archive.read(types).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as error:
        raise not_xlsx from error
    if "macroEnabled" in declared or any(e.filename.endswith("vbaProject.bin") for e in entries):
        raise ValidationError(
            _("Workbooks with macros are not accepted. Save it as a plain .xlsx workbook."),
            code="macros",
        )
    if XLSX_MAIN not in declared:
        raise not_xlsx
    handle.seek(0)
    with zipfile.ZipFile(handle) as archive:
        check_shared_strings(archive)


def _count_shared_strings(data: bytes) -> int:
    """<si> elements in `data`, counted without making an object per element."""
    count = sum(data.count(b"<si" + end) for end in (b">", b" ", b"/", b"\t", b"\n", b"\r"))
    if b":si" in data:  # a namespace prefix, <x:si>: rare, so the regex is too
        count += len(_PREFIXED_SHARED_STRING.findall(data))
    return count


def check_shared_strings(archive: zipfile.ZipFile) -> None:
    """Count the workbook's shared strings as a stream, before anything loads them."""
    for entry in archive.infolist():
        if not entry.filename.lower().endswith("sharedstrings.xml"):
            continue
        count, tail = 0, b""
        with archive.open(entry) as stream:
            while chunk := stream.read(CHUNK):
                data = tail + chunk
                # A tag cut at the chunk's end (from its last "<") is counted with the next.
                cut = data.rfind(b"<", max(0, len(data) - 64))
                cut = len(data) if cut == -1 else cut
                count += _count_shared_strings(data[:cut])
                tail = data[cut:]
                if count > MAX_SHARED_STRINGS:
                    break
        if count > MAX_SHARED_STRINGS:
            raise ValidationError(
                _(
                    "This workbook holds more than %(n)s different texts. Split it into "
                    "smaller files."
                )
                % {"n": f"{MAX_SHARED_STRINGS:,}"},
                code="too_many_strings",
            )


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Writes at most UPLOAD_MAX_BYTES + 1 bytes of a file to disk but counts them all.

    The uploaded file then reports its real size, so the form refuses it beside the field with
    the real figure, and an oversized upload never fills the disk. (The proxy in front has its
    own, slightly larger, limit: deploy/nginx.conf.)
    """

    def receive_data_chunk(self, raw_data, start):
        room = settings.UPLOAD_MAX_BYTES + 1 - start
        if room > 0:
            self.file.write(raw_data[:room])

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        return self.file
