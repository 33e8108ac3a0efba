"""Decisions as offices write them: prize money as data, its total in the article, the annex and
the accountant's spreadsheet; dates after the approvals; the signing block that matches the
issuer; the certificate's award without its issuer, and the member's position and agency."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from commendations import documents
from commendations import services as commendation_services
from commendations.models import Commendation
from movements.models import BaseSalary
from tests.commendations.decisions.conftest import draft, issue


@pytest.fixture
def salary(db):
    return BaseSalary.objects.create(
        amount=2_340_000,
        valid_from=date(2024, 7, 1),
        basis="Nghị định số 73/2024/NĐ-CP",
        round_up_to=10_000,
    )


@pytest.fixture
def bang_khen(kinds, salary):
    kind = kinds.bk_city
    kind.certificate_title = "Bằng khen"
    kind.prize_coefficient = Decimal("1.0")
    kind.prize_basis = "Hệ số 1,0 lần mức lương cơ sở (dữ liệu minh họa)"
    kind.save()
    return kind


def test_a_prize_is_an_amount_or_a_coefficient_of_the_base_salary(kinds, salary):
    kind = kinds.bk_city
    assert kind.prize_on(date(2025, 1, 1)) is None
    kind.prize_coefficient = Decimal("0.3")
    assert kind.prize_on(date(2025, 1, 1)) == 710_000  # 702,000 rounded up to the ten thousand
    assert kind.prize_on(date(2024, 6, 30)) is None  # no base salary recorded then
    kind.prize_coefficient, kind.prize_amount = None, 500_000
    assert kind.prize_on(date(2020, 1, 1)) == 500_000
    kind.prize_coefficient = Decimal("1")
    with pytest.raises(ValidationError) as error:
        kind.full_clean()
    assert "prize_coefficient" in error.value.message_dict


def test_the_total_is_in_the_article_the_annex_and_the_accountants_sheet(
    users, tree, kinds, bang_khen, approve, client_for, django_capture_on_commit_callbacks
):
    approved = approve(3, names=["=SUM(A1:A9)", "Trần Văn Hùng", "Lê Minh Anh"])
    decision = draft(users, tree, kinds, approved)
    data = documents.decision_data(decision, nominations=documents.draft_nominations(decision))
    assert "2.340.000 đồng/cá nhân; tổng số tiền thưởng: 7.020.000 đồng" in data.articles[0]
    assert data.articles[0].startswith(
        "Tặng Bằng khen của Ban Chấp hành Công đoàn Viên chức Hà Nội cho 3 cá nhân"
    )
    assert {row.prize for row in data.awardees} == {"2.340.000"}
    assert data.prize_total == "7.020.000"

    decision = issue(decision, users.clerk, django_capture_on_commit_callbacks)
    assert set(Commendation.objects.values_list("prize_amount", flat=True)) == {2_340_000}
    response = client_for(users.clerk).get(
        reverse("commendations:decision_prizes_xlsx", args=[decision.pk])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert (rows[-1][1], rows[-1][4]) == ("Total", 7_020_000)
    formula = next(row for row in sheet.iter_rows() if row[1].value == "=SUM(A1:A9)")
    assert formula[1].data_type == "s"  # kept as text, never run as a formula
    assert any("Hệ số 1,0" in str(row[0]) for row in rows[:4])


def test_a_decision_is_not_dated_before_the_approvals_it_commends(users, tree, kinds, approve):
    approved = approve(1)  # approved on 02/05/2025
    with pytest.raises(ValidationError) as error:
        draft(users, tree, kinds, approved, date=date(2025, 5, 1))
    assert error.value.error_dict["date"][0].code == "decision_date"
    assert "02/05/2025" in " ".join(error.value.messages)
    decision = draft(users, tree, kinds, approved, date=date(2025, 5, 2))
    with pytest.raises(ValidationError):
        commendation_services.update_decision(decision, actor=users.clerk, date=date(2025, 4, 1))


def test_the_signing_block_matches_the_issuer(users, tree, kinds, approve):
    approved = approve(1)
    with pytest.raises(ValidationError) as error:
        draft(users, tree, kinds, approved, signer_title="TM. Ban Thường vụ\nChủ tịch")
    assert error.value.error_dict["signer_title"][0].code == "signer_title"
    with pytest.raises(ValidationError):
        draft(users, tree, kinds, approved, signer_title="KT. Chủ tịch\nChủ tịch")
    decision = draft(users, tree, kinds, approved, signer_title="KT. Chủ tịch\nPhó Chủ tịch")
    assert decision.signer_title == "KT. Chủ tịch\nPhó Chủ tịch"
    # A unit's first decision is signed on behalf of the Executive Committee the certificate
    # names; a later one starts from the signing block of the unit's latest decision.
    assert commendation_services.decision_defaults(tree.other_city)["signer_title"] == (
        "TM. Ban Chấp hành\nChủ tịch"
    )
    assert commendation_services.decision_defaults(tree.city)["signer_title"] == (
        "KT. Chủ tịch\nPhó Chủ tịch"
    )


def test_the_certificate_prints_the_award_without_its_issuer_and_the_members_agency(
    users, tree, kinds, bang_khen, approve, django_capture_on_commit_callbacks
):
    tree.unit_a.agency = "Sở Tư pháp thành phố Hà Nội"
    tree.unit_a.save()
    in_a = approve(1)
    in_b = approve(1, unit=tree.unit_b, names=["Phạm Thu Hà"])
    decision = issue(
        draft(users, tree, kinds, in_a + in_b), users.clerk, django_capture_on_commit_callbacks
    )
    by_name = {c.awardee_name: c for c in decision.commendations.all()}
    hang, ha = by_name["Nguyễn Thị Hằng"], by_name["Phạm Thu Hà"]
    assert hang.award_name == "Bằng khen"
    assert hang.unit_name == "Sở Tư pháp thành phố Hà Nội"
    assert ha.unit_name == "B"  # "Công đoàn cơ sở B": the agency, not the union
    certificate = documents.certificate_data(hang, decision)
    assert certificate.issuing_body == "Ban Chấp hành Công đoàn Viên chức Hà Nội"
    assert "Ban Chấp hành" not in certificate.award_name
