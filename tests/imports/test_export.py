"""Exports: the member list as .xlsx (filters kept, dates as dates, no formula can run)."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import MemberFactory
from unions import imports
from unions.imports import check_rows, read_file
from unions.models import Gender, MemberStatus
from unions.spreadsheets import build_workbook, xlsx_response

EXPORT_HEADERS = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Chức vụ",
    "Số thẻ đoàn viên",
    "Ngày vào công đoàn",
    "Trạng thái",
]


def sheet_of(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def rows_of(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def members(tree):
    return [
        MemberFactory(
            unit=tree.unit_a,
            full_name="Nguyễn Thị Hằng",
            gender=Gender.FEMALE,
            date_of_birth=date(1985, 5, 17),
            position='=HYPERLINK("http://evil.example","x")',
            card_number="A-1",
            joined_on=date(2010, 3, 1),
        ),
        MemberFactory(
            unit=tree.group_a1,
            full_name="Trần Văn Hùng",
            gender=Gender.MALE,
            date_of_birth=None,
            position="+84 912 345 678",
            card_number="-1",
            status=MemberStatus.LEFT,
        ),
        MemberFactory(unit=tree.unit_b, full_name="Lê Minh Anh", card_number="B-1"),
    ]


def test_export_of_a_leaf_unit_has_vietnamese_headers_and_values(client_for, users, tree, members):
    response = client_for(users.officer_a).get(
        reverse("unions:member_export", args=[tree.group_a1.pk])
    )
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="doan-vien-hn-a-1-')
    sheet = sheet_of(response.content)
    assert rows_of(sheet) == [
        EXPORT_HEADERS,
        [1, "Trần Văn Hùng", "Nam", None, "+84 912 345 678", "-1", None, "Đã thôi sinh hoạt"],
    ]


def test_export_writes_dates_as_dates_and_formulas_as_text(client_for, users, tree, members):
    response = client_for(users.officer_a).get(
        reverse("unions:member_export", args=[tree.unit_a.pk])
    )
    sheet = sheet_of(response.content)
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADERS + ["Đơn vị"]
    hang = sheet[2]  # Vietnamese order: Hằng before Hùng
    assert hang[1].value == "Nguyễn Thị Hằng"
    assert (hang[3].value, hang[3].data_type, hang[3].number_format) == (
        datetime(1985, 5, 17),
        "d",
        "DD/MM/YYYY",
    )
    assert (hang[4].value, hang[4].data_type) == ('=HYPERLINK("http://evil.example","x")', "s")
    assert hang[4].quotePrefix is True
    hung = sheet[3]
    assert (hung[4].value, hung[4].data_type, hung[4].quotePrefix) == ("+84 912 345 678", "s", True)
    assert (hung[5].value, hung[5].data_type) == ("-1", "s")
    assert [row[8].value for row in sheet.iter_rows(min_row=2)] == [
        "Công đoàn cơ sở A",
        "Tổ công đoàn A1",
    ]
    assert sheet.column_dimensions["B"].width == 28
    assert sheet.freeze_panes == "A2"


def test_export_keeps_the_list_search_and_status_filter(client_for, users, tree, members):
    client = client_for(users.city_reviewer)
    url = reverse("unions:member_export", args=[tree.city.pk])
    by_search = rows_of(sheet_of(client.get(url, {"q": "hung"}).content))
    assert [row[1] for row in by_search[1:]] == ["Trần Văn Hùng"]
    by_status = rows_of(sheet_of(client.get(url, {"status": "active"}).content))
    assert [row[1] for row in by_status[1:]] == ["Lê Minh Anh", "Nguyễn Thị Hằng"]


def test_export_can_be_imported_back_unchanged(client_for, users, tree, members):
    response = client_for(users.officer_a).get(
        reverse("unions:member_export", args=[tree.group_a1.pk])
    )
    checked = check_rows(tree.group_a1, read_file(response.content, "export.xlsx"))
    assert (checked.errors, checked.creates, checked.updates, checked.unchanged) == ([], [], [], 1)


@pytest.mark.parametrize(
    "user_name, expected",
    [
        ("officer_a", 200),
        ("city_reviewer", 200),
        ("clerk", 200),
        ("officer_b", 404),
        ("outsider", 404),
        ("nobody", 404),
        (None, 302),
    ],
)
def test_export_permissions(client_for, users, tree, members, user_name, expected):
    user = getattr(users, user_name) if user_name else None
    response = client_for(user).get(reverse("unions:member_export", args=[tree.unit_a.pk]))
    assert response.status_code == expected


def test_export_refuses_too_many_rows(client_for, users, tree, members, monkeypatch):
    from unions import import_views

    monkeypatch.setattr(import_views, "MAX_EXPORT_ROWS", 2)
    response = client_for(users.city_reviewer).get(
        reverse("unions:member_export", args=[tree.city.pk])
    )
    assert response.status_code == 302
    assert response.url == reverse("unions:member_list", args=[tree.city.pk])


@pytest.mark.parametrize("rows", [1, 80])
def test_export_query_count_does_not_grow(client_for, users, tree, rows, django_assert_num_queries):
    MemberFactory.create_batch(rows, unit=tree.group_a1)
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(5):
        response = client.get(reverse("unions:member_export", args=[tree.city.pk]))
    assert sheet_of(response.content).max_row == rows + 1


# --- The reusable writer ----------------------------------------------------------------------


def test_build_workbook_with_preamble_widths_and_every_kind_of_value():
    content = build_workbook(
        ["Số quyết định", "Ngày", "Lúc", "Điểm", "Ghi chú"],
        [
            [
                "12/QĐ-CĐVC",
                date(2024, 9, 4),
                datetime(2024, 9, 4, 1, 30, tzinfo=ZoneInfo("UTC")),
                Decimal("95.5"),
                "@mention",
            ],  # fmt: skip
            ["13/QĐ-CĐVC", None, None, 7, "bell\x07 removed"],
        ],
        column_widths=[20, 12, 18, 8, 30],
        sheet_title="Phụ lục: khen thưởng [2024]",
        preamble=["Phụ lục kèm theo Quyết định số 12/QĐ-CĐVC"],
    )
    sheet = sheet_of(content)
    assert sheet.title == "Phụ lục  khen thưởng  2024"
    assert sheet["A1"].value == "Phụ lục kèm theo Quyết định số 12/QĐ-CĐVC"
    assert [cell.value for cell in sheet[2]] == ["Số quyết định", "Ngày", "Lúc", "Điểm", "Ghi chú"]
    row = sheet[3]
    assert row[1].value == datetime(2024, 9, 4)
    assert (row[2].value, row[2].number_format) == (datetime(2024, 9, 4, 8, 30), "DD/MM/YYYY HH:MM")
    assert row[3].value == "95.5"
    assert (row[4].value, row[4].data_type) == ("@mention", "s")
    assert sheet["E4"].value == "bell removed"
    assert sheet.column_dimensions["E"].width == 30
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$2:$2"


def test_build_workbook_sizes_columns_from_their_content():
    sheet = sheet_of(build_workbook(["A", "Tên"], [["x" * 200, "Nguyễn Thị Hằng"]]))
    assert sheet.column_dimensions["A"].width == 60
    assert sheet.column_dimensions["B"].width == len("Nguyễn Thị Hằng") + 2


def test_xlsx_response_names_the_file_with_any_characters():
    response = xlsx_response("Danh sách đoàn viên.xlsx", b"data")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Danh%20s%C3%A1ch%20%C4%91o%C3%A0n%20vi%C3%AAn.xlsx"
    )
    assert response.content == b"data"


def test_template_has_the_columns_and_an_example_row_with_dates():
    sheet = sheet_of(imports.template_workbook("vi"))
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADERS[1:]
    assert sheet["C2"].value == datetime(1985, 5, 17)
    assert sheet["C2"].number_format == "DD/MM/YYYY"
