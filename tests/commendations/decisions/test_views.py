"""Decision, register, template and verification pages: permissions, contents, query counts."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from commendations import documents, services
from commendations.models import Commendation, Decision, DecisionState
from tests.commendations.decisions.conftest import draft, issue


@pytest.fixture
def issued(approve, users, tree, kinds, django_capture_on_commit_callbacks):
    approve(2)
    return issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)


def _read_urls(decision):
    commendation = decision.commendations.first()
    return [
        reverse("commendations:decision_detail", args=[decision.pk]),
        reverse("commendations:decision_progress", args=[decision.pk]),
        reverse("commendations:decision_pdf", args=[decision.pk]),
        reverse("commendations:decision_annex_xlsx", args=[decision.pk]),
        reverse("commendations:decision_print_file", args=[decision.pk]),
        reverse("commendations:decision_zip", args=[decision.pk]),
        reverse("commendations:certificate_download", args=[decision.pk, commendation.pk]),
        reverse("commendations:register", args=[decision.issuing_unit_id]),
        reverse("commendations:register_xlsx", args=[decision.issuing_unit_id]),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("clerk", 200),
        ("city_reviewer", 200),
        ("city_officer", 200),
        ("national_reviewer", 200),
        ("officer_a", 404),
        ("officer_b", 404),
        ("outsider", 404),
        ("nobody", 404),
    ],
)
def test_decision_read_urls_by_user(issued, users, client_for, name, expected):
    client = client_for(getattr(users, name))
    certificate = reverse(
        "commendations:certificate_download",
        args=[issued.pk, issued.commendations.first().pk],
    )
    for url in _read_urls(issued):
        # Grassroots A proposed the awardees: its officer downloads their certificates too.
        want = 200 if (name, url) == ("officer_a", certificate) else expected
        assert (url, client.get(url).status_code) == (url, want)


def test_decision_urls_redirect_anonymous_to_login(issued, client_for):
    client = client_for(None)
    for url in _read_urls(issued):
        response = client.get(url)
        assert (url, response.status_code) == (url, 302)
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("clerk", 302), ("city_reviewer", 403), ("national_reviewer", 403), ("outsider", 404)],
)
def test_issue_url_by_user(approve, users, tree, kinds, client_for, name, expected):
    approve(1)
    decision = draft(users, tree, kinds)
    response = client_for(getattr(users, name)).post(
        reverse("commendations:decision_issue", args=[decision.pk])
    )
    assert response.status_code == expected
    decision.refresh_from_db()
    assert decision.state == (DecisionState.ISSUED if expected == 302 else DecisionState.DRAFT)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("clerk", 200), ("city_reviewer", 403), ("officer_a", 404), ("outsider", 404)],
)
def test_draft_edit_urls_by_user(approve, users, tree, kinds, client_for, name, expected):
    approve(1)
    decision = draft(users, tree, kinds)
    client = client_for(getattr(users, name))
    assert (
        client.get(reverse("commendations:decision_edit", args=[decision.pk])).status_code
        == expected
    )
    posts = ["decision_awardees", "decision_delete"]
    for view in posts:
        response = client.post(reverse(f"commendations:{view}", args=[decision.pk]))
        assert (view, response.status_code) == (view, 302 if expected == 200 else expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("clerk", 200), ("city_reviewer", 403), ("national_reviewer", 403), ("outsider", 404)],
)
def test_revoke_and_render_urls_by_user(issued, users, client_for, name, expected):
    commendation = issued.commendations.first()
    client = client_for(getattr(users, name))
    url = reverse("commendations:commendation_revoke", args=[issued.pk, commendation.pk])
    assert client.get(url).status_code == expected
    response = client.post(reverse("commendations:decision_render", args=[issued.pk]))
    assert response.status_code == (302 if expected == 200 else expected)


def test_create_page_is_for_clerks(users, client_for, approve):
    approve(1)
    url = reverse("commendations:decision_create")
    assert client_for(users.city_reviewer).get(url).status_code == 403
    assert client_for(users.outsider).get(url).status_code == 403
    assert client_for(users.clerk).get(url).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"unit": "abc"},
        {"unit": "99999999999999999999"},
        {"award_kind": "abc"},
        {"award_kind": "-1"},
        {"unit": "other city"},
    ],
)
def test_create_page_refuses_a_unit_or_award_it_cannot_start_from(
    users, tree, kinds, client_for, query
):
    if query.get("unit") == "other city":
        query = {"unit": tree.other_city.pk}
    response = client_for(users.clerk).get(reverse("commendations:decision_create"), query)
    assert response.status_code == 404


def test_create_page_starts_from_the_unit_and_award_of_the_link(users, tree, kinds, client_for):
    response = client_for(users.clerk).get(
        reverse("commendations:decision_create"),
        {"unit": tree.city.pk, "award_kind": kinds.bk_city.pk},
    )
    form = response.context["form"]
    assert (form.initial["issuing_unit"], form.initial["award_kind"]) == (tree.city, kinds.bk_city)


def test_new_decision_continues_the_units_numbers_and_remembers_place_and_signer(
    approve, users, tree, kinds, round_, client_for
):
    approve(1)
    draft(users, tree, kinds, number="45/QĐ-CĐVCHN", date=timezone.localdate(), place="Hà Nội",
          signer_name="Phan Văn Anh", signer_title="KT. Chủ tịch\nPhó Chủ tịch")  # fmt: skip
    approve(1, names=["Vũ Thị Lan"])
    response = client_for(users.clerk).get(
        reverse("commendations:decision_create"),
        {"unit": tree.city.pk, "award_kind": kinds.bk_city.pk},
    )
    initial = response.context["form"].initial
    assert initial["number"] == "46/QĐ-CĐVCHN"
    assert (initial["place"], initial["signer_name"], initial["signer_title"]) == (
        "Hà Nội",
        "Phan Văn Anh",
        "KT. Chủ tịch\nPhó Chủ tịch",
    )
    name = round_.name
    assert initial["achievement"] == (
        "Đã có thành tích xuất sắc trong phong trào thi đua "
        f"“{round_.movement.title_vi}”, {name[:1].lower()}{name[1:]}"
    )


def test_issuing_asks_for_confirmation_with_its_summary(approve, users, tree, kinds, client_for):
    approve(2)
    decision = draft(users, tree, kinds)
    client = client_for(users.clerk)
    response = client.get(reverse("commendations:decision_issue", args=[decision.pk]))
    assert response.status_code == 200
    assert response.context["register_numbers"] == (1, 2)
    awardees = [n.nominee_name for n in response.context["awardees"]]
    assert awardees == ["Nguyễn Thị Hằng", "Trần Văn Hùng"]
    assert "19/05/2025" in response.content.decode()
    decision.refresh_from_db()
    assert decision.state == DecisionState.DRAFT


def test_clerk_creates_removes_and_issues_through_the_pages(
    approve, users, tree, kinds, client_for, django_capture_on_commit_callbacks
):
    first, second = approve(2)
    client = client_for(users.clerk)
    response = client.post(
        reverse("commendations:decision_create"),
        {
            "issuing_unit": tree.city.pk,
            "award_kind": kinds.bk_city.pk,
            "number": "7/QĐ-CĐVCHN",
            "date": "19/05/2025",
            "place": "Hà Nội",
            "parent_body": "Công đoàn Viên chức Việt Nam",
            "issuing_body": "Ban Chấp hành Công đoàn Viên chức thành phố Hà Nội",
            "authority": "Ban Thường vụ Công đoàn Viên chức thành phố Hà Nội",
            "signer_title": "TM. Ban Chấp hành\r\nChủ tịch",
            "signer_name": "Phan Văn Anh",
            "legal_bases": "Căn cứ Luật Thi đua, khen thưởng;\r\nCăn cứ Điều lệ Công đoàn;",
            "proposal": "",
            "achievement": "Đã có thành tích xuất sắc năm 2024",
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == decision.get_absolute_url()
    assert decision.date == date(2025, 5, 19)
    assert decision.signer_title == "TM. Ban Chấp hành\nChủ tịch"
    client.post(
        reverse("commendations:decision_awardees", args=[decision.pk]), {"nominations": [second.pk]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commendations:decision_issue", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.state == DecisionState.ISSUED
    assert list(decision.commendations.values_list("nomination", flat=True)) == [second.pk]
    page = client.get(decision.get_absolute_url()).content.decode()
    assert reverse("commendations:decision_print_file", args=[decision.pk]) in page


@pytest.mark.parametrize("day", ["31/12/1899", "01/01/2101", "01/01/0001"])
def test_decision_dated_outside_1900_2100_is_refused(approve, users, tree, kinds, client_for, day):
    approve(1)
    data = {
        "issuing_unit": tree.city.pk, "award_kind": kinds.bk_city.pk, "number": "45/QĐ",
        "date": day, "place": "Hà Nội", "issuing_body": "Ban Chấp hành",
        "authority": "Ban Thường vụ", "signer_title": "Chủ tịch", "signer_name": "Phan Văn Anh",
        "legal_bases": "Căn cứ Luật Thi đua, khen thưởng;",
    }  # fmt: skip
    response = client_for(users.clerk).post(reverse("commendations:decision_create"), data)
    assert response.context["form"].errors["date"] == ["Enter a date between 1900 and 2100."]
    assert not Decision.objects.exists()


def test_create_page_with_a_taken_number_shows_the_rule(approve, users, tree, kinds, client_for):
    approve(1)
    draft(users, tree, kinds)
    data = {
        **services.decision_defaults(tree.city, kinds.bk_city),
        "issuing_unit": tree.city.pk,
        "award_kind": kinds.bk_city.pk,
        "number": "45/QĐ-CĐVCHN",
        "date": "01/06/2025",
        "place": "Hà Nội",
        "signer_name": "A",
    }
    response = client_for(users.clerk).post(reverse("commendations:decision_create"), data)
    assert response.status_code == 200
    assert "used once per year" in response.content.decode()
    assert Decision.objects.count() == 1


def test_progress_reports_rendered_of_total(issued, users, client_for):
    response = client_for(users.clerk).get(
        reverse("commendations:decision_progress", args=[issued.pk])
    )
    assert response.json()["rendered"] == 2
    assert response.json()["total"] == 2
    assert response.json()["done"] is True


def test_print_file_download_is_the_pdf(issued, users, client_for):
    response = client_for(users.clerk).get(
        reverse("commendations:decision_print_file", args=[issued.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_annex_xlsx_has_a_preamble_and_a_row_per_awardee(issued, users, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(users.clerk).get(
        reverse("commendations:decision_annex_xlsx", args=[issued.pk])
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Công đoàn Viên chức Hà Nội"
    assert "45/QĐ-CĐVCHN" in rows[1][0]
    assert len(rows) == 2 + 1 + 2
    assert rows[3][6] == "0001/2025"  # after the prize column


# --- Verification -------------------------------------------------------------------------------


def test_verification_page_shows_only_the_allowed_fields(issued, client_for):
    cache.clear()
    commendation = issued.commendations.first()
    response = client_for(None).get(
        reverse("commendations:verify", args=[commendation.verification_code])
    )
    page = response.content.decode()
    assert response.status_code == 200
    for shown in (
        commendation.awardee_name,
        commendation.unit_name,
        commendation.award_name,
        issued.number,
        "19/05/2025",
        issued.issuing_body,
    ):
        assert shown in page
    for hidden in (commendation.job_title, commendation.register_number, issued.signer_name):
        assert hidden not in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_verification_page_says_revoked(issued, users, client_for):
    cache.clear()
    commendation = issued.commendations.first()
    services.revoke_commendation(
        commendation, actor=users.clerk, number="9/QĐ", date=date(2025, 6, 1), reason="Sai."
    )
    page = client_for(None).get(
        reverse("commendations:verify", args=[commendation.verification_code])
    )
    assert "This award was revoked." in page.content.decode()
    assert "Sai." not in page.content.decode()


@pytest.mark.parametrize("code", ["A" * 32, "short", "x" * 200, "%3Cscript%3E"])
def test_verification_of_an_unknown_code_is_404(db, client_for, code):
    cache.clear()
    response = client_for(None).get(f"/xac-minh/{code}/")
    assert response.status_code == 404
    assert "Not found." in response.content.decode()


def test_verification_is_rate_limited_per_address(issued, client_for):
    cache.clear()
    client = client_for(None)
    url = reverse("commendations:verify", args=[issued.commendations.first().verification_code])
    codes = [client.get(url).status_code for _ in range(30)]
    assert codes == [200] * 30
    response = client.get(url)
    assert response.status_code == 429
    other = client.get(url, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


# --- Register -----------------------------------------------------------------------------------


def test_register_search_ignores_accents(issued, users, client_for):
    url = reverse("commendations:register", args=[issued.issuing_unit_id])
    page = client_for(users.clerk).get(url, {"q": "nguyen thi hang"}).content.decode()
    assert "Nguyễn Thị Hằng" in page
    assert "Trần Văn Hùng" not in page


def test_register_export_lists_the_year(issued, users, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    url = reverse("commendations:register_xlsx", args=[issued.issuing_unit_id])
    response = client_for(users.clerk).get(url, {"year": "2025"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[2:]] == ["0001/2025", "0002/2025"]


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 12])
def test_register_query_count_does_not_grow(
    approve, users, tree, kinds, client_for, django_capture_on_commit_callbacks,
    django_assert_num_queries, count,
):  # fmt: skip
    approve(count)
    issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    client = client_for(users.clerk)
    with django_assert_num_queries(9):  # 8, and the navigation's badges (one query)
        response = client.get(reverse("commendations:register", args=[tree.city.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_decision_page_query_count_does_not_grow(
    approve, users, tree, kinds, client_for, django_capture_on_commit_callbacks,
    django_assert_num_queries, count,
):  # fmt: skip
    approve(count)
    decision = draft(users, tree, kinds)
    client = client_for(users.clerk)
    with django_assert_num_queries(8):  # 7, and the navigation's badges (one query)
        assert client.get(decision.get_absolute_url()).status_code == 200
    issue(decision, users.clerk, django_capture_on_commit_callbacks)
    with django_assert_num_queries(7):
        assert client.get(decision.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_decision_list_query_count_does_not_grow(
    approve, users, tree, kinds, client_for, django_assert_num_queries, count
):
    approve(1)
    for number in range(count):
        draft(users, tree, kinds, number=f"{number}/QĐ")
    client = client_for(users.clerk)
    with django_assert_num_queries(10):  # 9, and the navigation's badges (one query)
        assert client.get(reverse("commendations:decision_list")).status_code == 200


# --- Certificate templates ----------------------------------------------------------------------


def _own(tree, kind):
    return reverse("commendations:unit_certificate_template", args=[tree.city.pk, kind.pk])


def _own_preview(tree, kind):
    return reverse("commendations:unit_certificate_template_preview", args=[tree.city.pk, kind.pk])


def test_template_page_is_for_clerks_of_the_issuing_unit(users, tree, kinds, client_for):
    url = _own(tree, kinds.bk_city)
    assert client_for(users.clerk).get(url).status_code == 200
    assert client_for(users.city_reviewer).get(url).status_code == 403
    # A kind the city's level does not grant: no such template.
    assert client_for(users.clerk).get(_own(tree, kinds.bk_national)).status_code == 404
    # The default is the owner's: the city clerk reads it, may not edit it.
    default = reverse("commendations:certificate_template", args=[kinds.bk_city.pk])
    assert client_for(users.clerk).get(default).status_code == 403


def test_template_preview_renders_a_pdf_or_says_what_is_wrong(users, tree, kinds, client_for):
    client = client_for(users.clerk)
    url = _own_preview(tree, kinds.bk_city)
    good = client.post(url, {"source": "<p>{{ certificate.awardee_name }}</p>"})
    assert good.status_code == 200
    assert good["Content-Type"] == "application/pdf"
    bad = client.post(url, {"source": "<p>{% if %}</p>"})
    assert bad.status_code == 400
    assert "The certificate template has an error" in bad.content.decode()
    kinds.bk_city.refresh_from_db()
    assert documents.own_template_source(kinds.bk_city) == ""


TEMPLATES_THAT_CANNOT_RENDER = [
    "{% url 'x' %}",
    "{% for x in 5 %}{% endfor %}",
    "{% load i18n %}{% language 5 %}x{% endlanguage %}",
    "{% load i18n %}{% get_language_info for 'xx' as language %}",
    "{{ 1|divisibleby:0 }}",
    '{{ "x"|wordwrap:0 }}',
]


@pytest.mark.parametrize("source", TEMPLATES_THAT_CANNOT_RENDER)
def test_template_preview_of_a_template_that_cannot_render_says_why(
    users, tree, kinds, client_for, source
):
    url = _own_preview(tree, kinds.bk_city)
    response = client_for(users.clerk).post(url, {"source": source})
    assert response.status_code == 400
    assert response.content.decode().startswith("The certificate template has an error: ")


@pytest.mark.parametrize("source", TEMPLATES_THAT_CANNOT_RENDER)
def test_a_template_that_cannot_render_is_not_saved(users, tree, kinds, client_for, source):
    response = client_for(users.clerk).post(_own(tree, kinds.bk_city), {"source": source})
    assert response.status_code == 200
    assert "The certificate template has an error" in response.content.decode()
    assert documents.own_template_source(kinds.bk_city, tree.city) == ""


def test_a_language_block_in_a_template_still_prints(users, tree, kinds, client_for):
    url = _own_preview(tree, kinds.bk_city)
    source = (
        "{% load i18n %}{% language 'xx' %}<p>{{ certificate.awardee_name }}</p>{% endlanguage %}"
    )
    response = client_for(users.clerk).post(url, {"source": source})
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_template_saved_from_the_page_prints_the_next_decision(
    approve, users, tree, kinds, client_for, django_capture_on_commit_callbacks, private_storage
):
    from tests.commendations.certificates.conftest import poppler_text

    client = client_for(users.clerk)
    client.post(
        _own(tree, kinds.bk_city), {"source": "<p>MẪU RIÊNG {{ certificate.awardee_name }}</p>"}
    )
    approve(1)
    issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    pdf = (private_storage / Commendation.objects.get().file_name).read_bytes()
    assert "MẪU RIÊNG Nguyễn Thị Hằng" in poppler_text(pdf)


def test_awardees_with_an_id_that_cannot_exist_change_nothing(
    approve, users, tree, kinds, client_for
):
    first, second = approve(2)
    decision = draft(users, tree, kinds, nominations=[first])
    response = client_for(users.clerk).post(
        reverse("commendations:decision_awardees", args=[decision.pk]),
        {"nominations": [second.pk, "99999999999999999999"]},
        follow=True,
    )
    assert "can no longer be commended" in response.content.decode()
    assert list(decision.nominations.all()) == [first]
