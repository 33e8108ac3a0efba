"""Spreadsheets for the import tests, built in memory the way Excel and LibreOffice write them."""

import io
import re
import struct
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from unions.imports import COLUMNS


@pytest.fixture(autouse=True)
def _english():
    """These tests read the source (English) messages; the interface is Vietnamese by default.

    Column headers and the words in the cells are data and stay as the files write them.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for):
    """The shared client_for, with the interface switched to English as the switcher does."""

    def sign_in(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign_in


HEADERS_VI = [column.vi for column in COLUMNS]
HEADERS_EN = [column.en for column in COLUMNS]


def xlsx_bytes(rows, headers=HEADERS_VI, above=()):
    """An .xlsx with `above` rows (titles), then the header row, then `rows`.

    Values may be dates (written as date cells) and strings starting with "=" (formulas).
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(list(line))
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS_VI, delimiter=",", bom=False):
    lines = [delimiter.join(headers)] + [
        delimiter.join("" if value is None else str(value) for value in row) for row in rows
    ]
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def member_row(name="Nguyễn Thị Hằng", gender="Nữ", born="17/05/1985", position="Chuyên viên",
               card=None, joined="01/03/2010", status="Đang sinh hoạt"):  # fmt: skip
    return [name, gender, born, position, card, joined, status]


def zip_with_declared_size(data, member, declared_size):
    """`data` (a zip) with the central directory claiming `member` inflates to declared_size."""
    buffer = bytearray(data)
    name = member.encode()
    offset = 0
    while True:
        offset = buffer.find(b"PK\x01\x02", offset)
        name_length = struct.unpack_from("<H", buffer, offset + 28)[0]
        if bytes(buffer[offset + 46 : offset + 46 + name_length]) == name:
            break
        offset += 4
    struct.pack_into("<I", buffer, offset + 24, declared_size)
    return bytes(buffer)


def xlsx_with_dimension(data, ref):
    """`data` (an .xlsx) with its first sheet's <dimension> claiming the cells `ref` (A1:G2),
    whatever the sheet holds: a hand-made or crafted file that understates its size."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                                 content)  # fmt: skip
            target.writestr(entry.filename, content)
    return buffer.getvalue()


def highly_compressed_xlsx(megabytes):
    """A real .xlsx whose sheet is padded with `megabytes` MB of spaces (a compression bomb)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([member_row(card="BOMB1")])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</worksheet>", b" " * (megabytes << 20) + b"</worksheet>"
                )
            target.writestr(entry.filename, content)
    return buffer.getvalue()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks queued with transaction.on_commit (the tests run inside a transaction)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
