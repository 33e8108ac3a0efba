"""The admin's changelists on national tables: a bounded count, no second whole-table COUNT,
units picked by search."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory, UserFactory
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
