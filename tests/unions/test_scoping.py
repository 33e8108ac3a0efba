import pytest
from django.http import Http404

from tests.factories import MemberFactory
from unions import scoping
from unions.models import Unit


def _codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_readable_units_of_officer_a_is_its_subtree(users, tree):
    assert _codes(scoping.readable_units(users.officer_a)) == {"HN-A", "HN-A-1"}


def test_readable_units_of_city_reviewer_covers_the_city(users):
    assert _codes(scoping.readable_units(users.city_reviewer)) == {"HN", "HN-A", "HN-A-1", "HN-B"}


def test_readable_units_of_national_reviewer_covers_both_cities(users):
    assert _codes(scoping.readable_units(users.national_reviewer)) == {
        "CDVC", "HN", "HN-A", "HN-A-1", "HN-B", "DN", "DN-C",
    }  # fmt: skip


def test_readable_units_of_nobody_is_empty(users):
    assert _codes(scoping.readable_units(users.nobody)) == set()


def test_managed_units_exclude_reviewer_roles(users):
    assert _codes(scoping.managed_units(users.city_reviewer)) == set()
    assert _codes(scoping.managed_units(users.officer_b)) == {"HN-B"}


def test_reviewed_units_are_the_children_of_the_reviewer_unit(users):
    assert _codes(scoping.reviewed_units(users.city_reviewer)) == {"HN-A", "HN-B"}
    assert _codes(scoping.reviewed_units(users.national_reviewer)) == {"HN", "DN"}
    assert _codes(scoping.reviewed_units(users.officer_a)) == set()


def test_superuser_reads_and_manages_everything(tree, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.vn", "x")
    assert scoping.readable_units(admin).count() == Unit.objects.count()
    assert admin.has_perm("unions.manage_unit", tree.unit_c)


def test_get_readable_unit_of_sibling_is_not_found(users, tree):
    with pytest.raises(Http404):
        scoping.get_unit_or_404(users.officer_a, tree.unit_b.pk)


def test_get_readable_member_outside_scope_is_not_found(users, tree):
    member = MemberFactory(unit=tree.unit_b)
    assert scoping.get_member_or_404(users.officer_b, member.pk) == member
    with pytest.raises(Http404):
        scoping.get_member_or_404(users.officer_a, member.pk)
    with pytest.raises(Http404):
        scoping.get_member_or_404(users.outsider, member.pk)


def test_can_grant_roles_only_strictly_below_an_officer_unit(users, tree):
    assert users.city_officer.has_perm("unions.grant_roles", tree.unit_a)
    assert not users.city_officer.has_perm("unions.grant_roles", tree.city)
    assert not users.officer_a.has_perm("unions.grant_roles", tree.unit_b)
    assert users.officer_a.has_perm("unions.grant_roles", tree.group_a1)


def test_expired_role_gives_no_scope(users, tree):
    assignment = users.officer_a.role_assignments.get()
    assignment.valid_until = assignment.created_at.date().replace(year=2000)
    assignment.valid_from = None
    assignment.save()
    assert _codes(scoping.readable_units(users.officer_a)) == set()


def test_roles_are_read_once_per_user_object(users, django_assert_num_queries):
    user = users.city_reviewer
    with django_assert_num_queries(1):
        scoping.held_roles(user)
        scoping.held_roles(user)


@pytest.mark.parametrize(
    "user_name",
    ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk"]
    + ["outsider", "nobody"],
)
def test_readable_members_below_a_unit_are_the_readable_members_of_its_subtree(
    users, tree, user_name
):
    """The member lists' one-filter scope reads what the general scope reads in a unit the
    user may read, and nothing of a unit above or beside their scope (its page is a 404)."""
    user = getattr(users, user_name)
    for unit in Unit.objects.all():
        MemberFactory(unit=unit)
    readable = set(scoping.readable_units(user))
    for unit in Unit.objects.all():
        below = set(scoping.readable_members_below(user, unit))
        if unit in readable:
            expected = set(scoping.readable_members(user).filter(unit__path__startswith=unit.path))
        else:
            expected = set()
        assert (unit.code, below) == (unit.code, expected)
