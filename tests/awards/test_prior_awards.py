"""Awards from before the app (issue 11 part 4): imported from a spreadsheet, checked and shown
before anything is stored, all rows or none, within the officer's unit; they count for
prerequisites from the first year."""

from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import services
from awards.models import PriorAward, PriorAwardImport
from tests.factories import kind, nominate
from unions.models import UnitLevel

HEADERS = ["Số thẻ đoàn viên", "Danh hiệu", "Năm", "Số quyết định", "Cơ quan ban hành"]


def _xlsx(rows, name="khen-thuong-truoc-day.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def cstd(kinds):
    kind_ = kind("CSTD-CS", UnitLevel.GRASSROOTS, name_vi="Chiến sĩ thi đua cơ sở",
                 category="title")  # fmt: skip
    kinds.bk_city.prerequisite_kind = kind_
    kinds.bk_city.prerequisite_years = 3
    kinds.bk_city.save()
    return kind_


def _rows(member, years, code="CSTD-CS"):
    return [[member.card_number, code, year, f"{year}/QĐ-CĐCS", "Công đoàn cơ sở A"]
            for year in years]  # fmt: skip


def test_imported_awards_make_a_prerequisite_of_consecutive_years_work_in_the_first_year(
    client_for, users, round_, kinds, cstd, member_a
):
    year = round_.year
    client = client_for(users.officer_a)
    url = reverse("awards:prior_award_upload", args=[member_a.unit_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": _xlsx(_rows(member_a, [year - 2, year - 1, year]))})
    prior_import = PriorAwardImport.objects.get()
    assert response.status_code == 302
    assert not PriorAward.objects.exists()  # checked and shown, not written yet
    page = client.get(prior_import.get_absolute_url()).content.decode()
    assert member_a.full_name in page and f"{year - 2}/QĐ-CĐCS" in page
    client.post(prior_import.get_absolute_url(), {"action": "confirm"})
    assert PriorAward.objects.filter(member=member_a).count() == 3
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a,
                          submit=True)  # fmt: skip
    assert nomination.state == "submitted"


def test_prerequisite_still_names_the_years_the_import_lacks(users, round_, kinds, cstd, member_a):
    year = round_.year
    prior_import = services.create_prior_award_import(
        unit=member_a.unit,
        actor=users.officer_a,
        file_name="a.xlsx",
        data=_xlsx(_rows(member_a, [year - 2, year])).read(),
    )
    services.confirm_prior_award_import(prior_import, actor=users.officer_a)
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "prerequisite"
    assert str(year - 1) in " ".join(error.value.messages)


def test_one_bad_row_stores_nothing_and_the_page_names_it(
    client_for, users, round_, cstd, member_a, member_b
):
    rows = _rows(member_a, [2020, 2021]) + [
        ["KHONG-CO", "CSTD-CS", 2022, "1/QĐ", "CĐCS A"],  # no such card
        [member_b.card_number, "CSTD-CS", 2022, "2/QĐ", "CĐCS B"],  # another unit's member
        [member_a.card_number, "KHÔNG RÕ", 1800, "", ""],
    ]
    client = client_for(users.officer_a)
    url = reverse("awards:prior_award_upload", args=[member_a.unit_id])
    response = client.post(url, {"file": _xlsx(rows)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "KHONG-CO" in page
    assert member_b.card_number in page  # not found within unit A: its own B is not revealed
    assert "KHÔNG RÕ" in page
    assert not PriorAwardImport.objects.exists() and not PriorAward.objects.exists()


def test_a_confirmation_that_no_longer_holds_writes_none(users, round_, cstd, member_a):
    first = services.create_prior_award_import(
        unit=member_a.unit, actor=users.officer_a, file_name="a.xlsx",
        data=_xlsx(_rows(member_a, [2020, 2021])).read(),
    )  # fmt: skip
    second = services.create_prior_award_import(
        unit=member_a.unit, actor=users.officer_a, file_name="b.xlsx",
        data=_xlsx(_rows(member_a, [2021, 2022])).read(),
    )  # fmt: skip
    services.confirm_prior_award_import(first, actor=users.officer_a)
    with pytest.raises(services.PriorAwardsInvalid):
        services.confirm_prior_award_import(second, actor=users.officer_a)
    assert sorted(PriorAward.objects.values_list("year", flat=True)) == [2020, 2021]
    with pytest.raises(ValidationError):
        services.confirm_prior_award_import(first, actor=users.officer_a)


def test_a_spreadsheet_that_is_not_one_is_refused(client_for, users, member_a):
    client = client_for(users.officer_a)
    url = reverse("awards:prior_award_upload", args=[member_a.unit_id])
    fake = SimpleUploadedFile("a.xlsx", b"<html>not a sheet</html>", "text/html")
    response = client.post(url, {"file": fake})
    assert response.status_code == 200
    assert not PriorAwardImport.objects.exists()


def test_imports_are_scoped_to_the_units_officers(client_for, users, tree, cstd, member_a):
    prior_import = services.create_prior_award_import(
        unit=member_a.unit, actor=users.officer_a, file_name="a.xlsx",
        data=_xlsx(_rows(member_a, [2020])).read(),
    )  # fmt: skip
    upload = reverse("awards:prior_award_upload", args=[tree.unit_a.pk])
    page = reverse("awards:prior_award_import", args=[prior_import.pk])
    expected = {
        users.officer_a: (200, 200),
        users.city_officer: (200, 200),
        users.officer_b: (404, 404),
        users.outsider: (404, 404),
        users.nobody: (404, 404),
        users.city_reviewer: (403, 403),
    }
    for user, codes in expected.items():
        client = client_for(user)
        assert (client.get(upload).status_code, client.get(page).status_code) == codes, user
    response = client_for(users.officer_b).post(page, {"action": "confirm"})
    assert response.status_code == 404
    assert not PriorAward.objects.exists()
    assert client_for(None).get(page).status_code == 302
