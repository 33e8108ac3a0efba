import pytest
from django.urls import reverse

from tests.factories import MemberFactory
from unions.models import Activity, Member


@pytest.fixture
def staff(users):
    for user in (users.city_reviewer, users.officer_a, users.officer_b):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return users


def test_admin_member_list_shows_only_the_staff_subtree(client_for, staff, tree):
    in_a = MemberFactory(unit=tree.unit_a)
    in_b = MemberFactory(unit=tree.unit_b)
    in_c = MemberFactory(unit=tree.unit_c)
    response = client_for(staff.city_reviewer).get(reverse("admin:unions_member_changelist"))
    assert set(response.context["cl"].result_list) == {in_a, in_b}
    response = client_for(staff.officer_a).get(reverse("admin:unions_member_changelist"))
    assert set(response.context["cl"].result_list) == {in_a}
    # C lies in another city: no staff user here reads it, whatever they search for.
    response = client_for(staff.city_reviewer).get(
        reverse("admin:unions_member_changelist"), {"q": in_c.full_name}
    )
    assert in_c not in set(response.context["cl"].result_list)
    assert Member.objects.filter(pk=in_c.pk).exists()


def test_admin_member_of_sibling_is_not_reachable(client_for, staff, tree):
    in_b = MemberFactory(unit=tree.unit_b)
    response = client_for(staff.officer_a).get(
        reverse("admin:unions_member_change", args=[in_b.pk])
    )
    assert response.status_code == 302  # the admin's "does not exist" redirect to its index
    assert response.url == reverse("admin:index")


def test_admin_unit_tree_starts_at_the_staff_top_unit(client_for, staff, tree):
    response = client_for(staff.officer_a).get(reverse("admin:unions_unit_changelist"))
    assert {unit.code for unit in response.context["cl"].result_list} == {"HN-A"}


def test_admin_unit_search_is_scoped(client_for, staff, tree):
    response = client_for(staff.officer_a).get(
        reverse("admin:unions_unit_changelist"), {"q": "cong doan"}
    )
    assert {unit.code for unit in response.context["cl"].result_list} == {"HN-A", "HN-A-1"}


def test_admin_unit_children_outside_scope_are_hidden(client_for, staff, tree):
    response = client_for(staff.officer_a).get(
        reverse("admin:unions_unit_changelist") + f"children/{tree.city.pk}/"
    )
    assert response.status_code == 200
    assert "HN-B" not in response.json()["result_html"]


def test_admin_reviewer_may_view_but_not_change(client_for, staff, tree):
    member = MemberFactory(unit=tree.unit_a, full_name="Lê Thu Hà")
    client = client_for(staff.city_reviewer)
    url = reverse("admin:unions_member_change", args=[member.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"full_name": "Changed", "unit": tree.unit_a.pk, "gender": "female",
                      "status": "active"})  # fmt: skip
    member.refresh_from_db()
    assert member.full_name == "Lê Thu Hà"


def test_admin_edit_goes_through_the_service(client_for, staff, tree):
    member = MemberFactory(unit=tree.unit_a, full_name="Lê Thu Hà", card_number="Z9")
    response = client_for(staff.officer_a).post(
        reverse("admin:unions_member_change", args=[member.pk]),
        {"full_name": "Lê Thu Hằng", "unit": tree.unit_a.pk, "gender": "female",
         "status": "active", "card_number": "Z9", "position": "",
         "transfers-TOTAL_FORMS": "0", "transfers-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Lê Thu Hằng"
    assert Activity.objects.filter(action="member.updated", target_id=member.pk).count() == 1
