"""The review list as .xlsx: what the page lists under the same filters, Vietnamese headers,
dates as dates, scores as numbers, and no formula that could run."""

import io
from datetime import datetime

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from awards.models import Nomination
from tests.factories import MemberFactory, nominate, register

HEADERS = [
    "STT",
    "Người (tập thể) được đề nghị",
    "Cá nhân/Tập thể",
    "Đơn vị",
    "Hình thức đề nghị khen thưởng",
    "Phong trào",
    "Đợt",
    "Đơn vị đề nghị",
    "Trạng thái",
    "Đơn vị đang xét",
    "Điểm tự chấm",
    "Điểm thẩm định bình quân",
    "Ngày gửi",
]
FORMULA = '=HYPERLINK("http://evil.example","x")'


def sheet_of(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def rows_of(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _export(client, **params):
    return client.get(reverse("awards:review_queue_export"), params)


@pytest.fixture
def formula_nomination(users, tree, round_, kinds):
    """A nomination awaiting the city, whose nominee's name looks like a formula."""
    member = MemberFactory(unit=tree.unit_a, full_name=FORMULA)
    register(round_, member)
    return nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True, points=55
    )


def test_export_has_vietnamese_headers_and_the_awaiting_rows(
    client_for, users, tree, movement, dataset, formula_nomination
):
    response = _export(client_for(users.city_reviewer))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-xet-duyet-')
    sheet = sheet_of(response)
    submitted = timezone.localdate(formula_nomination.submitted_at)
    assert rows_of(sheet) == [
        HEADERS,
        [
            1,
            FORMULA,
            "Cá nhân",
            "Công đoàn cơ sở A",
            "Bằng khen CĐVC thành phố",
            "Tham mưu giỏi, phục vụ tốt",
            "Đợt 1",
            "Công đoàn cơ sở A",
            "Đã gửi",
            "Công đoàn Viên chức Hà Nội",
            55,
            None,
            datetime(submitted.year, submitted.month, submitted.day),
        ],
    ]


def test_export_writes_a_formula_looking_name_as_text(
    client_for, users, dataset, formula_nomination
):
    cell = sheet_of(_export(client_for(users.city_reviewer)))["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA, "s", True)


def test_export_writes_dates_as_dates_and_sets_column_widths(
    client_for, users, dataset, formula_nomination
):
    sheet = sheet_of(_export(client_for(users.city_reviewer)))
    cell = sheet["M2"]
    assert (type(cell.value), cell.number_format) == (datetime, "DD/MM/YYYY")
    assert [sheet.column_dimensions[c].width for c in "ABM"] == [6, 30, 12]


def test_export_keeps_the_filters_and_sort_of_the_page(
    client_for, users, tree, kinds, dataset, formula_nomination
):
    client = client_for(users.city_reviewer)
    everything = rows_of(sheet_of(_export(client, state="", sort="submitted")))
    assert [row[1] for row in everything[1:]] == [
        "Nguyễn Thị Hằng",
        "Lê Minh Anh",
        "Công đoàn cơ sở B",
        "Trần Văn Hùng",
        FORMULA,
    ]
    assert [row[2] for row in everything[1:]].count("Tập thể") == 1
    of_unit_b = rows_of(sheet_of(_export(client, state="", unit=tree.unit_b.pk)))
    assert sorted(row[1] for row in of_unit_b[1:]) == ["Công đoàn cơ sở B", "Lê Minh Anh"]
    approved = rows_of(sheet_of(_export(client, state="approved", award_kind=kinds.bk_city.pk)))
    assert [row[1] for row in approved[1:]] == ["Nguyễn Thị Hằng"]


def test_export_holds_every_page_of_the_list(client_for, users, tree, round_, kinds):
    from awards.views.refusals import PER_PAGE

    for number in range(PER_PAGE + 3):
        member = MemberFactory(unit=tree.unit_b, full_name=f"Đoàn viên {number:02d}")
        register(round_, member)
        nominate(round_, kinds.bk_city, actor=users.officer_b, member=member, submit=True)
    sheet = sheet_of(_export(client_for(users.city_reviewer)))
    assert sheet.max_row == PER_PAGE + 4


@pytest.mark.parametrize("user", ["outsider", "officer_a", "nobody", "clerk"])
def test_export_of_a_user_who_reviews_nothing_has_only_the_headers(
    client_for, users, dataset, formula_nomination, user
):
    response = _export(client_for(getattr(users, user)), state="")
    assert rows_of(sheet_of(response)) == [HEADERS]


def test_export_of_the_national_reviewer_holds_only_what_reached_the_national_union(
    client_for, users, dataset, formula_nomination
):
    rows = rows_of(sheet_of(_export(client_for(users.national_reviewer), state="")))
    assert [row[1] for row in rows[1:]] == ["Lê Minh Anh"]
    assert Nomination.objects.count() == 7


def test_export_sends_anonymous_users_to_sign_in(client_for, db):
    response = _export(client_for(None))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_export_headers_follow_the_interface_language(client_for, users, dataset):
    client = client_for(users.city_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert rows_of(sheet_of(_export(client)))[0][:3] == [
        "No.",
        "Nominee",
        "Individual or collective",
    ]


def test_review_queue_page_links_to_the_export_with_its_filters(client_for, users, tree):
    response = client_for(users.city_reviewer).get(
        reverse("awards:review_queue"), {"unit": tree.unit_a.pk, "page": 2}
    )
    url = reverse("awards:review_queue_export")
    assert f'href="{url}?unit={tree.unit_a.pk}"' in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_export_query_count_does_not_grow(
    client_for, users, tree, round_, kinds, rows, django_assert_num_queries
):
    for number in range(rows):
        member = MemberFactory(unit=tree.unit_b, full_name=f"Đoàn viên {number:02d}")
        register(round_, member)
        nominate(round_, kinds.bk_city, actor=users.officer_b, member=member, submit=True)
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(4):
        response = _export(client)
    assert sheet_of(response).max_row == rows + 1
