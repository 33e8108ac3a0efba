"""The admin's changelists on national tables: a bounded count, no second whole-table COUNT,
the same queries at 1 and 5 rows, units picked by search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MemberFactory, UserFactory, nominate, register
from unions.admin import BoundedCountPaginator
from unions.models import Member

pytestmark = pytest.mark.django_db


def test_the_count_stops_past_the_limit(tree, monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "LIMIT", 3)
    MemberFactory.create_batch(5, unit=tree.unit_a)
    assert BoundedCountPaginator(Member.objects.order_by("pk"), 2).count == 4
    assert BoundedCountPaginator(Member.objects.filter(pk__lt=0).order_by("pk"), 2).count == 0


def test_the_member_changelist_counts_once_and_picks_units_by_search(client, tree):
    MemberFactory.create_batch(3, unit=tree.unit_a)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("admin:unions_member_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].show_full_result_count is False
    assert response.context["cl"].result_count == 3
    form = client.get(reverse("admin:unions_member_add")).content.decode()
    assert "admin-autocomplete" in form


def _superuser_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def _changelist_queries(client, name):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    # One bounded count of the filtered list, never a second count of the whole table.
    assert changelist.show_full_result_count is False
    assert isinstance(changelist.paginator, BoundedCountPaginator)
    return len(captured), changelist.result_count


def _nominate_in_unit_a(users, tree, round_, kinds, count):
    for _ in range(count):
        member = MemberFactory(unit=tree.unit_a)
        register(round_, member)
        nominate(round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True)


@pytest.mark.parametrize(
    "name", ["awards_nomination", "movements_registration", "unions_unit", "unions_member"]
)
def test_the_large_changelists_count_boundedly_and_do_not_grow(
    client, users, tree, round_, kinds, name
):
    client = _superuser_client(client)
    _nominate_in_unit_a(users, tree, round_, kinds, 1)
    queries_at_one, _count = _changelist_queries(client, name)
    _nominate_in_unit_a(users, tree, round_, kinds, 4)
    queries_at_five, count = _changelist_queries(client, name)
    assert queries_at_five == queries_at_one
    assert count > 0


def test_the_staff_changelist_of_nominations_stays_scoped(client, users, tree, round_, kinds):
    _nominate_in_unit_a(users, tree, round_, kinds, 2)
    for user, expected in ((users.officer_b, 0), (users.city_reviewer, 2)):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)  # grassroots B reads nothing of grassroots A; the city, both
        response = client.get(reverse("admin:awards_nomination_changelist"))
        assert response.context["cl"].result_count == expected, user


def test_an_administrator_picks_a_template_s_unit_by_search(client, users, tree):
    client = _superuser_client(client)
    form = client.get(reverse("admin:commendations_certificatetemplate_add")).content.decode()
    select = form.split('name="unit"', 1)[1].split("</select>", 1)[0]
    assert "admin-autocomplete" in form and tree.unit_c.name not in select
