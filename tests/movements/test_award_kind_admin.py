"""Award kinds in the Django admin: read by every staff user, kept only by those who keep them
(the Confederation's officers for the catalogue, a movement's managers for its own kind),
saved through movements.services with an activity row, never deleted.

Expected codes as in tests/unions/test_admin_matrix.py: 302 saved, 200 the form again with an
error (nothing saved), 403 refused outright.
"""

import pytest
from django.urls import reverse

from movements import services
from movements.models import AwardKind
from tests.factories import UserFactory, grant, kind, make_movement
from unions.models import Activity, Role, UnitLevel

STAFF = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody", "confederation_officer"]  # fmt: skip


@pytest.fixture
def staff(tree, users):
    everyone = {name: getattr(users, name) for name in STAFF[:-1]}
    everyone["confederation_officer"] = UserFactory(username="confederation_officer")
    grant(everyone["confederation_officer"], tree.confederation, Role.OFFICER)
    for user in everyone.values():
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return everyone


@pytest.fixture
def catalogue_kind(db):
    return kind("BK-TLD", UnitLevel.CONFEDERATION, name_vi="Bằng khen Tổng Liên đoàn")


@pytest.fixture
def city_movement(tree):
    return make_movement(tree.city, code="CITY")


def _form(**changes):
    data = {
        "code": "BK-NEW",
        "name_vi": "Bằng khen mới",
        "name_en": "",
        "category": "commendation",
        "beneficiary": "individual",
        "movement": "",
        "grantor": "union",
        "granting_level": UnitLevel.CONFEDERATION,
        "other_granting_level": "",
        "certificate_title": "",
        "prize_amount": "",
        "prize_coefficient": "",
        "prize_basis": "",
        "legal_basis": "Quyết định 999/QĐ-TLĐ",
        "valid_from": "",
        "valid_until": "",
        "vote_quorum": "0.50",
        "vote_threshold": "0.50",
        "vote_denominator": "present",
        "prerequisite_kind": "",
        "prerequisite_years": "",
        "quota_share": "",
        "quota_base": "",
        "quota_base_kind": "",
        "cap_per_unit_per_round": "",
        "cap_per_round": "",
    }
    data.update(changes)
    return data


def _saved(response):
    return response.status_code == 302 and response.url != reverse("admin:index")


# user -> (adds to the catalogue, adds a kind of the city's movement, changes the catalogue kind)
KEEPS = {
    "officer_a": (False, False, False),
    "officer_b": (False, False, False),
    "city_officer": (False, True, False),
    "city_reviewer": (False, False, False),
    "national_reviewer": (False, False, False),
    "clerk": (False, False, False),
    "outsider": (False, False, False),
    "nobody": (False, False, False),
    "confederation_officer": (True, True, True),
}


@pytest.mark.parametrize("name", STAFF)
def test_admin_award_kind_writes_only_by_those_who_keep_them(
    client, staff, catalogue_kind, city_movement, name
):
    client.force_login(staff[name])
    add = reverse("admin:movements_awardkind_add")
    results = []

    before = AwardKind.objects.count()
    response = client.post(add, _form(code="BK-CAT"))
    results.append(AwardKind.objects.filter(code="BK-CAT").exists())
    assert results[-1] == _saved(response)

    response = client.post(
        add, _form(code="BK-CITY", movement=city_movement.pk, granting_level="provincial")
    )
    results.append(AwardKind.objects.filter(code="BK-CITY").exists())
    assert results[-1] == _saved(response)
    assert AwardKind.objects.count() == before + sum(results)

    change = reverse("admin:movements_awardkind_change", args=[catalogue_kind.pk])
    response = client.post(change, _form(code="BK-TLD", name_vi="Đổi tên"))
    catalogue_kind.refresh_from_db()
    results.append(catalogue_kind.name_vi == "Đổi tên")
    assert results[-1] == _saved(response)

    assert tuple(results) == KEEPS[name]


@pytest.mark.parametrize("name", STAFF)
def test_admin_award_kinds_are_never_deleted(client, staff, catalogue_kind, name):
    client.force_login(staff[name])
    url = reverse("admin:movements_awardkind_delete", args=[catalogue_kind.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:movements_awardkind_changelist"),
        {"action": "delete_selected", "_selected_action": [catalogue_kind.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert AwardKind.objects.filter(pk=catalogue_kind.pk).exists()


def test_admin_award_kind_change_writes_an_activity_row(client, staff, tree, catalogue_kind):
    client.force_login(staff["confederation_officer"])
    client.post(
        reverse("admin:movements_awardkind_change", args=[catalogue_kind.pk]),
        _form(code="BK-TLD", name_vi="Bằng khen của Ban Chấp hành Tổng Liên đoàn"),
    )
    row = Activity.objects.get(action="award_kind.changed", target_id=catalogue_kind.pk)
    assert row.unit == tree.confederation
    assert "name_vi" in row.data["changed"]
    assert "code" not in row.data["changed"]


def test_admin_award_kind_cannot_be_moved_onto_a_movement_one_does_not_manage(
    client, staff, tree, city_movement
):
    """The city officer keeps the city movement's kind; moving it under the other city's
    movement is a new value outside their scope: the form refuses it and nothing changes."""
    own = kind("BK-CITY", UnitLevel.PROVINCIAL, movement=city_movement)
    other = make_movement(tree.other_city, code="DN")
    client.force_login(staff["city_officer"])
    response = client.post(
        reverse("admin:movements_awardkind_change", args=[own.pk]),
        _form(code="BK-CITY", movement=other.pk, granting_level="provincial"),
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.movement == city_movement


def test_admin_award_kind_movement_choices_are_the_movements_one_manages(
    client, staff, tree, city_movement
):
    make_movement(tree.other_city, code="DN")
    make_movement(tree.national, code="NAT")
    client.force_login(staff["city_officer"])
    response = client.get(reverse("admin:movements_awardkind_add"))
    choices = response.context["adminform"].form.fields["movement"].queryset
    assert {movement.code for movement in choices} == {"CITY"}


def test_award_kind_service_refuses_a_catalogue_change_by_a_city_officer(staff, catalogue_kind):
    with pytest.raises(services.PermissionDenied):
        services.update_award_kind(catalogue_kind, actor=staff["city_officer"], name_vi="X")
    catalogue_kind.refresh_from_db()
    assert catalogue_kind.name_vi == "Bằng khen Tổng Liên đoàn"
    assert not Activity.objects.filter(action="award_kind.changed").exists()
