"""The Django admin is a view like any other: every write of the union tree's admin goes
through unions.services, checked on the new values as well as the old, as the named users (all
made staff) on objects inside and outside their scope.

Expected codes: 302 saved (back to the list), 200 the form again with an error (nothing saved),
403 refused outright, and for an object outside the user's scope the admin's "does not exist"
redirect to its index (302 to /admin/), as it answers for anything it cannot see.
"""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory, UserFactory, grant
from tests.named_world import build_tree, build_users
from unions.models import Activity, Role, RoleAssignment, Unit, UnitLevel

STAFF = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody"]  # fmt: skip


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def users(tree):
    users = build_users(tree)
    for name in STAFF:
        user = getattr(users, name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return users


def _unit_form(unit=None, **changes):
    data = {"parent": "", "name": "Công đoàn mới", "short_name": "", "code": "NEW-1",
            "level": UnitLevel.GRASSROOTS, "is_active": "on"}  # fmt: skip
    if unit is not None:
        parent = Unit.objects.get(path=unit.parent_path)
        data.update(parent=parent.pk, name=unit.name, code=unit.code, level=unit.level)
    data.update(changes)
    return data


def _saved(response):
    return response.status_code == 302 and response.url != reverse("admin:index")


# --- Creating a unit: below a unit the user manages, at a lower level ------------------------

# user -> may create a grassroots union under (city Hanoi, Other city)
CREATE_UNDER = {
    "officer_a": (False, False),
    "officer_b": (False, False),
    "city_officer": (True, False),
    "city_reviewer": (False, False),
    "national_reviewer": (False, False),
    "clerk": (False, False),
    "outsider": (False, False),
    "nobody": (False, False),
}


@pytest.mark.parametrize("name", STAFF)
def test_admin_unit_add_only_below_a_managed_unit(client, users, tree, name):
    client.force_login(getattr(users, name))
    url = reverse("admin:unions_unit_add")
    results = []
    for parent in (tree.city, tree.other_city):
        before = Unit.objects.count()
        response = client.post(url, _unit_form(parent=parent.pk, code=f"NEW-{parent.pk}"))
        created = Unit.objects.count() == before + 1
        assert created == _saved(response)
        results.append(created)
    assert tuple(results) == CREATE_UNDER[name]


def test_admin_unit_add_refuses_a_level_above_the_parent(client, users, tree):
    client.force_login(users.city_officer)
    response = client.post(
        reverse("admin:unions_unit_add"), _unit_form(parent=tree.city.pk, level=UnitLevel.NATIONAL)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["level"][0].startswith("Cấp ")
    assert not Unit.objects.filter(code="NEW-1").exists()


def test_admin_unit_add_lists_only_managed_parents(client, users, tree):
    client.force_login(users.officer_a)
    response = client.get(reverse("admin:unions_unit_add"))
    choices = {unit.pk for unit in response.context["adminform"].form.fields["parent"].queryset}
    assert choices == {tree.unit_a.pk, tree.group_a1.pk}


def test_admin_unit_add_writes_an_activity_row(client, users, tree):
    client.force_login(users.city_officer)
    client.post(reverse("admin:unions_unit_add"), _unit_form(parent=tree.city.pk))
    unit = Unit.objects.get(code="NEW-1")
    assert unit.parent_path == tree.city.path
    assert Activity.objects.filter(
        action="unit.created", target_id=unit.pk, unit=tree.city
    ).exists()


# --- Changing a unit: rename what one manages; level and place decided above it ---------------


@pytest.mark.parametrize(
    ("name", "renames_a", "relevels_a"),
    [
        ("officer_a", True, False),  # their own unit: rename it, but not relabel its level
        ("officer_b", False, False),  # the sibling: not found
        ("city_officer", True, True),  # the level above
        ("city_reviewer", False, False),
        ("clerk", False, False),
        ("outsider", False, False),
        ("nobody", False, False),
    ],
)
def test_admin_unit_change_rename_and_level(client, users, tree, name, renames_a, relevels_a):
    client.force_login(getattr(users, name))
    url = reverse("admin:unions_unit_change", args=[tree.unit_a.pk])
    client.post(url, _unit_form(tree.unit_a, name="Tên mới"))
    tree.unit_a.refresh_from_db()
    assert (tree.unit_a.name == "Tên mới") == renames_a
    client.post(url, _unit_form(tree.unit_a, level=UnitLevel.UPPER_GRASSROOTS))
    tree.unit_a.refresh_from_db()
    assert (tree.unit_a.level == UnitLevel.UPPER_GRASSROOTS) == relevels_a


@pytest.mark.parametrize(
    ("name", "to", "moved"),
    [
        ("officer_b", "other_city", False),  # their own unit, under another city
        ("officer_b", "unit_a", False),
        ("city_officer", "other_city", False),  # outside the city officer's subtree
        ("city_officer", "unit_a", False),  # grassroots under grassroots: a level below is needed
        ("outsider", "other_city", False),
        ("nobody", "other_city", False),
    ],
)
def test_admin_unit_move_by_form_stays_in_scope(client, users, tree, name, to, moved):
    client.force_login(getattr(users, name))
    target = getattr(tree, to)
    client.post(
        reverse("admin:unions_unit_change", args=[tree.unit_b.pk]),
        _unit_form(tree.unit_b, parent=target.pk),
    )
    tree.unit_b.refresh_from_db()
    assert (tree.unit_b.parent_path == target.path) == moved


def test_admin_unit_move_of_a_group_between_grassroots_unions(client, users, tree):
    client.force_login(users.city_officer)
    response = client.post(
        reverse("admin:unions_unit_change", args=[tree.group_a1.pk]),
        _unit_form(tree.group_a1, parent=tree.unit_b.pk),
    )
    assert _saved(response)
    tree.group_a1.refresh_from_db()
    assert tree.group_a1.parent_path == tree.unit_b.path
    assert Activity.objects.filter(action="unit.moved", unit=tree.unit_b).exists()


@pytest.mark.parametrize(
    ("name", "node", "target", "relation", "moved"),
    [
        ("officer_b", "unit_b", "other_city", "child", False),
        ("officer_b", "unit_b", "unit_c", "sibling", False),
        ("officer_a", "group_a1", "unit_b", "child", False),  # B is outside A's subtree
        ("city_officer", "group_a1", "unit_b", "child", True),
        ("city_officer", "unit_b", "unit_c", "sibling", False),  # C's city is not theirs
        ("outsider", "unit_c", "city", "child", False),
    ],
)
def test_admin_tree_drag_and_drop_goes_through_the_service(
    client, users, tree, name, node, target, relation, moved
):
    client.force_login(getattr(users, name))
    unit, to = getattr(tree, node), getattr(tree, target)
    parent_before = unit.parent_path
    response = client.post(
        reverse("admin:unions_unit_changelist") + "move/",
        {"node": unit.pk, "target": to.pk, "relation": relation},
    )
    unit.refresh_from_db()
    assert (unit.parent_path != parent_before) == moved
    assert response.status_code == (200 if moved else 400)


def test_admin_never_deletes_a_unit(client, users, tree):
    client.force_login(users.city_officer)
    client.post(reverse("admin:unions_unit_delete", args=[tree.unit_b.pk]), {"post": "yes"})
    assert Unit.objects.filter(pk=tree.unit_b.pk).exists()


def test_admin_never_deletes_members_or_history_even_for_a_superuser(client, users, tree):
    """A member leaves (a status) and the audit trail stays: the admin deletes neither."""
    superuser = users.nobody
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    member = MemberFactory(unit=tree.unit_a)
    activity = Activity.objects.create(unit=tree.unit_a, action="test.done", summary="x")
    client.force_login(superuser)
    for name, obj in (("member", member), ("activity", activity)):
        response = client.post(
            reverse(f"admin:unions_{name}_delete", args=[obj.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


# --- Roles: given strictly below one's own unit, inside one's subtree ---------------------------


def _role_form(user, unit, role=Role.OFFICER):
    return {"user": user.pk, "unit": unit.pk, "role": role, "valid_from": "", "valid_until": ""}


# user -> may give officer_b a reviewer role at (grassroots B, the city, the Confederation)
GRANT_AT = {
    "officer_a": (False, False, False),
    "officer_b": (False, False, False),  # not even at their own unit
    "city_officer": (True, False, False),
    "city_reviewer": (False, False, False),
    "national_reviewer": (False, False, False),
    "clerk": (False, False, False),
    "outsider": (False, False, False),
    "nobody": (False, False, False),
}


@pytest.mark.parametrize("name", STAFF)
def test_admin_role_add_only_below_one_s_own_unit(client, users, tree, name):
    client.force_login(getattr(users, name))
    granted = []
    for unit in (tree.unit_b, tree.city, tree.confederation):
        client.post(
            reverse("admin:unions_roleassignment_add"),
            _role_form(users.officer_b, unit, Role.REVIEWER),
        )
        granted.append(
            RoleAssignment.objects.filter(
                user=users.officer_b, unit=unit, role=Role.REVIEWER
            ).exists()
        )
    assert tuple(granted) == GRANT_AT[name]


def test_admin_grant_of_the_root_by_a_grassroots_officer_is_refused(client, users, tree):
    """The reproduction: coso2's officer made themselves an officer of the Confederation."""
    client.force_login(users.officer_b)
    response = client.post(
        reverse("admin:unions_roleassignment_add"), _role_form(users.officer_b, tree.confederation)
    )
    assert response.status_code in (200, 403)
    assert not RoleAssignment.objects.filter(unit=tree.confederation).exists()


def test_admin_own_assignment_cannot_be_moved_to_the_root(client, users, tree):
    own = RoleAssignment.objects.get(user=users.officer_b)
    client.force_login(users.officer_b)
    client.post(
        reverse("admin:unions_roleassignment_change", args=[own.pk]),
        _role_form(users.officer_b, tree.confederation),
    )
    own.refresh_from_db()
    assert own.unit == tree.unit_b


def test_admin_role_change_checks_the_old_unit_and_the_new(client, users, tree):
    assignment = RoleAssignment.objects.get(user=users.officer_a)
    client.force_login(users.city_officer)
    response = client.post(
        reverse("admin:unions_roleassignment_change", args=[assignment.pk]),
        _role_form(users.officer_a, tree.unit_b),
    )
    assert _saved(response)
    assert set(
        RoleAssignment.objects.filter(user=users.officer_a).values_list("unit", flat=True)
    ) == {tree.unit_b.pk}
    assert Activity.objects.filter(action="role.revoked", unit=tree.unit_a).exists()
    assert Activity.objects.filter(action="role.granted", unit=tree.unit_b).exists()
    # The other city's officer cannot take it over to their city.
    client.force_login(users.outsider)
    client.post(
        reverse("admin:unions_roleassignment_change", args=[assignment.pk]),
        _role_form(users.officer_a, tree.unit_c),
    )
    assert not RoleAssignment.objects.filter(user=users.officer_a, unit=tree.unit_c).exists()


@pytest.mark.parametrize(
    ("name", "deleted"),
    [("officer_a", False), ("officer_b", False), ("city_officer", True), ("outsider", False)],
)
def test_admin_role_delete_goes_through_the_service(client, users, tree, name, deleted):
    assignment = RoleAssignment.objects.get(user=users.officer_b)
    client.force_login(getattr(users, name))
    client.post(
        reverse("admin:unions_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert (not RoleAssignment.objects.filter(pk=assignment.pk).exists()) == deleted
    assert Activity.objects.filter(action="role.revoked").exists() == deleted


def test_admin_role_bulk_delete_outside_scope_deletes_nothing(client, users, tree):
    ids = list(RoleAssignment.objects.values_list("pk", flat=True))
    client.force_login(users.officer_a)
    client.post(
        reverse("admin:unions_roleassignment_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert RoleAssignment.objects.count() == len(ids)


def test_admin_role_form_lists_only_scoped_units_and_users(client, users, tree):
    client.force_login(users.city_officer)
    response = client.get(
        reverse("admin:unions_roleassignment_add"),
        {"user": users.outsider.pk, "unit": tree.unit_c.pk},
    )
    form = response.context["adminform"].form
    units = set(form.fields["unit"].queryset.values_list("code", flat=True))
    people = set(form.fields["user"].queryset.values_list("username", flat=True))
    assert units == {"HN-A", "HN-A-1", "HN-B"}
    assert "outsider" not in people and "national_reviewer" not in people
    page = response.content.decode()
    assert tree.unit_c.name not in page
    assert "outsider" not in page


def test_admin_member_unit_choices_are_the_managed_member_units(client, users, tree):
    member = MemberFactory(unit=tree.unit_a)
    client.force_login(users.officer_a)
    response = client.get(reverse("admin:unions_member_change", args=[member.pk]))
    units = set(response.context["adminform"].form.fields["unit"].queryset)
    assert units == {tree.unit_a, tree.group_a1}


def test_admin_login_is_the_site_login(client, db):
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert "_auth_user_id" not in client.session


# --- The guidance line: a unit's guiding unit, set above it, through unions.services ---------


def test_admin_sets_the_guiding_unit_through_the_service(client, users, tree):
    federation_officer = UserFactory(username="hp_federation_officer", is_staff=True)
    grant(federation_officer, tree.federation, Role.OFFICER)
    users.guided_officer.is_staff = True
    users.guided_officer.save(update_fields=["is_staff"])
    url = reverse("admin:unions_unit_change", args=[tree.guided.pk])
    # The guided union's own officer does not choose the line it answers on.
    client.force_login(users.guided_officer)
    response = client.post(url, _unit_form(tree.guided, guiding_unit=""))
    assert not _saved(response)
    assert Unit.objects.get(pk=tree.guided.pk).guiding_unit == tree.national
    # An officer above it does; a unit below it cannot guide it.
    client.force_login(federation_officer)
    response = client.post(url, _unit_form(tree.guided, guiding_unit=tree.unit_g.pk))
    assert not _saved(response)
    response = client.post(url, _unit_form(tree.guided, guiding_unit=""))
    assert _saved(response)
    assert Unit.objects.get(pk=tree.guided.pk).guiding_unit is None
    assert Activity.objects.filter(action="unit.guide_changed", unit=tree.national).exists()
    response = client.post(url, _unit_form(tree.guided, guiding_unit=tree.national.pk))
    assert _saved(response)
    assert Unit.objects.get(pk=tree.guided.pk).guiding_unit == tree.national
