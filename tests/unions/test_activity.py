import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import MemberFactory
from unions import services
from unions.models import Gender


@pytest.fixture
def history(users, tree):
    services.create_member(
        unit=tree.unit_a, actor=users.officer_a, full_name="<b>Lê</b> Thu Hà", gender=Gender.FEMALE
    )
    services.create_member(
        unit=tree.unit_b, actor=users.officer_b, full_name="Trần Văn Nam", gender=Gender.MALE
    )
    member = MemberFactory(unit=tree.unit_a)
    services.move_member(member, to_unit=tree.group_a1, actor=users.officer_a)


def _summaries(response):
    return [activity.summary for activity in response.context["page_obj"]]


def test_activity_of_city_covers_its_subtree(client_for, users, tree, history):
    response = client_for(users.city_reviewer).get(
        reverse("unions:unit_activity", args=[tree.city.pk])
    )
    assert len(_summaries(response)) == 4  # two creations, a move written at both ends


def test_activity_of_unit_a_leaves_out_its_sibling(client_for, users, tree, history):
    response = client_for(users.officer_a).get(
        reverse("unions:unit_activity", args=[tree.unit_a.pk])
    )
    assert not any("Trần Văn Nam" in summary for summary in _summaries(response))


def test_activity_filters_by_area_and_user(client_for, users, tree, history):
    url = reverse("unions:unit_activity", args=[tree.city.pk])
    client = client_for(users.city_reviewer)
    assert len(_summaries(client.get(url, {"area": "member", "actor": "officer_b"}))) == 1
    assert _summaries(client.get(url, {"area": "role"})) == []


def test_activity_of_sibling_is_not_found(client_for, users, tree):
    response = client_for(users.officer_a).get(
        reverse("unions:unit_activity", args=[tree.unit_b.pk])
    )
    assert response.status_code == 404


def test_activity_escapes_what_users_typed(client_for, users, tree, history):
    content = (
        client_for(users.officer_a)
        .get(reverse("unions:unit_activity", args=[tree.unit_a.pk]))
        .content.decode()
    )
    assert "<b>Lê</b>" not in content
    assert "&lt;b&gt;Lê&lt;/b&gt;" in content


@pytest.mark.parametrize("rows", [1, 30])
def test_activity_query_count_does_not_grow(
    client_for, users, tree, rows, django_assert_num_queries
):
    for number in range(rows):
        services.create_member(
            unit=tree.unit_a, actor=users.officer_a, full_name=f"Hà {number}", gender="female"
        )
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(9):  # 8, and the navigation's badges (one query)
        client.get(reverse("unions:unit_activity", args=[tree.city.pk]))


def test_activity_export_keeps_filters_and_writes_text_safely(client_for, users, tree, history):
    import io

    from openpyxl import load_workbook

    services.create_member(
        unit=tree.unit_a, actor=users.officer_a, full_name="=HYPERLINK(1)", gender="male"
    )
    response = client_for(users.city_reviewer).get(
        reverse("unions:unit_activity_export", args=[tree.city.pk]), {"actor": "officer_a"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    with translation.override("vi"):
        headers = tuple(translation.gettext(h) for h in ("Time", "User", "Unit", "Action", "What"))
    assert rows[0] == headers
    assert headers[0] == "Thời gian"
    assert len(rows) == 1 + 4  # officer_a: two creations and a move written at both ends
    formula_cell = next(c for c in sheet["E"] if "HYPERLINK" in str(c.value))
    assert formula_cell.data_type == "s"


def test_activity_export_of_sibling_is_not_found(client_for, users, tree):
    response = client_for(users.officer_a).get(
        reverse("unions:unit_activity_export", args=[tree.unit_b.pk])
    )
    assert response.status_code == 404
