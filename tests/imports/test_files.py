"""Bad files are refused with a clear message, before anything is read into the database."""

import io
import zipfile

import openpyxl
import pytest

from tests.imports.conftest import (
    HEADERS_EN,
    csv_bytes,
    highly_compressed_xlsx,
    member_row,
    xlsx_bytes,
    xlsx_with_dimension,
    zip_with_declared_size,
)
from unions import imports
from unions.imports import FileRefused, read_file

OLE_HEADER = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)


def refusal_code(data, name="members.xlsx"):
    with pytest.raises(FileRefused) as caught:
        read_file(data, name)
    return caught.value.code


def test_read_file_xlsx_reads_header_and_rows():
    sheet = read_file(
        xlsx_bytes([member_row(card="C1"), member_row(name="Trần Văn Hùng")]), "a.xlsx"
    )
    assert sheet.headers["full_name"] == "Họ và tên"
    assert [number for number, _row in sheet.rows] == [2, 3]
    assert sheet.rows[1][1]["full_name"] == "Trần Văn Hùng"


def test_read_file_finds_header_below_a_title_and_ignores_other_columns():
    data = xlsx_bytes(
        [[1, "Lê Minh Anh", "Nam"]],
        headers=["STT", "Họ và tên", "Giới tính"],
        above=[["DANH SÁCH ĐOÀN VIÊN"], []],
    )
    sheet = read_file(data, "a.xlsx")
    assert sheet.ignored_columns == ["STT"]
    assert sheet.rows == [(4, {"full_name": "Lê Minh Anh", "gender": "Nam"})]


def test_read_file_accepts_english_headers_in_any_case():
    data = csv_bytes([member_row()], headers=[header.upper() for header in HEADERS_EN])
    assert set(read_file(data, "a.csv").headers) == {column.field for column in imports.COLUMNS}


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [True, False])
def test_read_file_csv_with_either_separator_and_optional_bom(delimiter, bom):
    sheet = read_file(csv_bytes([member_row(card="C1")], delimiter=delimiter, bom=bom), "a.csv")
    assert sheet.headers["full_name"] == "Họ và tên"
    assert sheet.rows[0][1]["card_number"] == "C1"


def test_read_file_refuses_empty_file():
    assert refusal_code(b"") == "empty"


def test_read_file_refuses_file_over_size_limit():
    assert refusal_code(b"x" * (imports.MAX_FILE_BYTES + 1), "a.csv") == "too_large"


@pytest.mark.parametrize(
    "data, name",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "members.pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "members.xlsx"),
        (b"Ho va ten,Gioi tinh\n", "members.xlsx"),  # text, but not called .csv
    ],
)
def test_read_file_refuses_what_is_not_a_spreadsheet(data, name):
    assert refusal_code(data, name) == "not_spreadsheet"


def test_read_file_refuses_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refusal_code(buffer.getvalue(), "members.docx") == "not_spreadsheet"


def test_read_file_refuses_password_protected_workbook():
    # Office stores an encrypted workbook as an OLE container holding an EncryptedPackage stream.
    data = OLE_HEADER + "EncryptedInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    assert refusal_code(data) == "encrypted"


def test_read_file_refuses_old_excel_format():
    assert refusal_code(OLE_HEADER + "Workbook".encode("utf-16-le"), "members.xls") == "old_excel"


def test_read_file_refuses_workbook_declaring_gigabytes():
    data = zip_with_declared_size(
        xlsx_bytes([member_row()]), "xl/worksheets/sheet1.xml", 3 * 1024**3
    )
    assert refusal_code(data) == "bomb"


def test_read_file_refuses_highly_compressed_workbook():
    assert refusal_code(highly_compressed_xlsx(megabytes=20)) == "bomb"


def test_read_file_refuses_damaged_workbook():
    data = xlsx_bytes([member_row()])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(entry.filename, content)
    assert refusal_code(buffer.getvalue()) == "unreadable"


def test_read_file_refuses_too_many_rows(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 50)
    data = xlsx_bytes([member_row(name=f"Người {n}") for n in range(100)])
    with pytest.raises(FileRefused) as caught:
        read_file(data, "a.xlsx")
    assert caught.value.code == "too_many_rows"
    assert caught.value.messages == ["The file has more than 50 rows: split it into several files."]


@pytest.mark.parametrize("ref", ["A1:G2", "A1", "A1:B1", "A1:XFD1048576"])
def test_read_file_reads_every_row_whatever_the_sheet_dimension_claims(ref):
    """openpyxl's read-only mode stops at the declared dimension: a file understating it was
    imported as its first row only."""
    rows = [member_row(name=f"Người {n}", card=f"C{n}") for n in range(5)]
    sheet = read_file(xlsx_with_dimension(xlsx_bytes(rows), ref), "a.xlsx")
    assert [row["full_name"] for _number, row in sheet.rows] == [f"Người {n}" for n in range(5)]
    assert [row["card_number"] for _number, row in sheet.rows][-1] == "C4"


def test_read_file_with_an_understated_dimension_still_refuses_too_many_rows(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 50)
    data = xlsx_with_dimension(xlsx_bytes([member_row(name=f"N {n}") for n in range(100)]), "A1:G2")
    assert refusal_code(data, "a.xlsx") == "too_many_rows"


def test_read_file_refuses_100000_rows_without_reading_them_all():
    lines = ["Họ và tên,Giới tính"] + ["Lê Minh Anh,Nam"] * 100_000
    data = "\n".join(lines).encode()
    assert refusal_code(data, "big.csv") == "too_many_rows"


def test_read_file_refuses_formulas_naming_row_and_column():
    data = xlsx_bytes([member_row(), member_row(born="=DATE(1990,1,1)")])
    with pytest.raises(FileRefused) as caught:
        read_file(data, "a.xlsx")
    assert caught.value.code == "formulas"
    assert caught.value.params == {"cells": "C3 “Ngày sinh”"}


def test_read_file_refuses_formula_looking_csv_cell():
    data = csv_bytes([member_row(name='=HYPERLINK("http://example.com")')])
    assert refusal_code(data, "a.csv") == "formulas"


def test_read_file_refuses_csv_not_in_utf8():
    data = csv_bytes([member_row()]).decode().encode("cp1258", errors="replace")
    assert refusal_code(data, "a.csv") == "csv_encoding"


def test_read_file_refuses_sheet_without_header():
    data = xlsx_bytes([["Lê Minh Anh", "Nam"]] * 12, headers=["Tên", "Giới"])
    assert refusal_code(data) == "no_header"


def test_read_file_refuses_missing_required_column():
    data = xlsx_bytes([["Lê Minh Anh"]], headers=["Họ và tên"])
    with pytest.raises(FileRefused) as caught:
        read_file(data, "a.xlsx")
    assert caught.value.messages == ["The file has no column “Giới tính”."]


def test_read_file_refuses_repeated_column():
    data = xlsx_bytes([["A", "Nam", "Nam"]], headers=["Họ và tên", "Giới tính", "Gender"])
    assert refusal_code(data) == "duplicate_column"


def test_read_file_refuses_header_without_rows():
    assert refusal_code(xlsx_bytes([])) == "no_rows"


def test_read_file_refuses_workbook_without_sheets_content():
    workbook = openpyxl.Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refusal_code(buffer.getvalue()) == "no_header"
