"""The per-unit-and-gender member counts stay equal to a recount, whatever writes the members.

Run on SQLite by default and on PostgreSQL with DATABASE_URL: the triggers are written for
both.
"""

import pytest

from tests.factories import MemberFactory
from unions import services
from unions.member_counts import member_count_problems, rebuild_member_counts
from unions.models import (
    Gender,
    Member,
    MemberCount,
    MemberStatus,
    Unit,
    attach_cached_member_counts,
    attach_member_counts,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        (row.unit.code, row.gender): row.count
        for row in MemberCount.objects.select_related("unit").filter(count__gt=0)
    }


def test_a_new_active_member_counts_in_its_unit_and_gender(tree):
    MemberFactory(unit=tree.unit_a, gender=Gender.FEMALE)
    MemberFactory(unit=tree.unit_a, gender=Gender.FEMALE)
    MemberFactory(unit=tree.unit_b, gender=Gender.MALE)
    MemberFactory(unit=tree.unit_b, gender=Gender.MALE, status=MemberStatus.LEFT)

    assert counts() == {("HN-A", Gender.FEMALE): 2, ("HN-B", Gender.MALE): 1}
    assert member_count_problems() == []


def test_moving_changing_gender_leaving_and_deleting_move_the_counts(tree, users):
    member = MemberFactory(unit=tree.unit_a, gender=Gender.FEMALE)
    other = MemberFactory(unit=tree.unit_a, gender=Gender.MALE)

    services.move_member(member, to_unit=tree.unit_b, actor=users.city_officer)
    assert counts() == {("HN-B", Gender.FEMALE): 1, ("HN-A", Gender.MALE): 1}

    services.update_member(other, actor=users.officer_a, gender=Gender.FEMALE)
    assert counts() == {("HN-B", Gender.FEMALE): 1, ("HN-A", Gender.FEMALE): 1}

    services.update_member(other, actor=users.officer_a, status=MemberStatus.LEFT)
    assert counts() == {("HN-B", Gender.FEMALE): 1}

    Member.objects.filter(pk=other.pk).update(status=MemberStatus.ACTIVE, unit=tree.group_a1)
    assert counts() == {("HN-B", Gender.FEMALE): 1, ("HN-A-1", Gender.FEMALE): 1}

    Member.objects.filter(pk=member.pk).delete()
    assert counts() == {("HN-A-1", Gender.FEMALE): 1}
    assert member_count_problems() == []


def test_bulk_writes_are_counted_and_a_rebuild_recounts(tree):
    Member.objects.bulk_create(
        [Member(unit=tree.unit_c, full_name=f"Đoàn viên {n}", gender=Gender.MALE) for n in range(5)]
    )
    assert counts() == {(tree.unit_c.code, Gender.MALE): 5}

    MemberCount.objects.all().delete()
    assert member_count_problems() != []
    rebuild_member_counts()
    assert counts() == {(tree.unit_c.code, Gender.MALE): 5}
    assert member_count_problems() == []


def test_attached_counts_sum_each_units_subtree_at_any_depth(tree, django_assert_num_queries):
    MemberFactory.create_batch(2, unit=tree.unit_a, gender=Gender.FEMALE)
    MemberFactory(unit=tree.group_a1, gender=Gender.MALE)
    MemberFactory(unit=tree.unit_b, gender=Gender.MALE)
    MemberFactory(unit=tree.unit_b, gender=Gender.MALE, status=MemberStatus.LEFT)
    MemberFactory(unit=tree.unit_c, gender=Gender.OTHER)
    MemberFactory(unit=tree.unit_g, gender=Gender.FEMALE)
    units = [tree.confederation, tree.city, tree.other_city, tree.unit_a, tree.unit_b, tree.guided]
    with django_assert_num_queries(3):  # one a depth: 1, 3 (the cities; the guided union), 4
        counted = attach_member_counts(units)
    assert {unit.code: unit.member_count for unit in counted} == {
        "TLD": 6,
        "HN": 4,
        "DN": 1,
        "HN-A": 3,
        "HN-B": 1,
        "HP": 1,
    }
    assert attach_member_counts([]) == []


def test_a_roots_count_leaves_out_the_other_roots(tree, django_assert_num_queries):
    # A root is summed without joining the counters to their units (Unit.within_q): the
    # members of the other trees stay out of it, whichever side of it their paths lie.
    level = tree.confederation.level
    second = Unit.objects.add_root({"code": "ROOT-2", "name": "Cây thứ hai", "level": level})
    MemberFactory(unit=second)
    MemberFactory(unit=tree.unit_a)
    third = Unit.objects.add_root({"code": "ROOT-3", "name": "Cây thứ ba", "level": level})
    MemberFactory.create_batch(2, unit=third)
    with django_assert_num_queries(3):  # one a root
        counted = attach_member_counts([tree.confederation, second, third])
    assert [unit.member_count for unit in counted] == [1, 1, 2]


def test_cached_counts_sum_disjoint_subtrees_and_follow_the_members(
    tree, django_assert_num_queries
):
    # The home page's "My units": kept under the dashboards' version of the counters and the
    # units' paths (reports.dashboard_cache), so any change of a member is seen at once.
    MemberFactory.create_batch(2, unit=tree.unit_a, gender=Gender.FEMALE)
    MemberFactory(unit=tree.group_a1, gender=Gender.MALE)
    MemberFactory(unit=tree.unit_c, gender=Gender.OTHER)
    MemberFactory(unit=tree.unit_g, gender=Gender.FEMALE)
    units = [tree.confederation, tree.other_city, tree.unit_a, tree.guided]
    with django_assert_num_queries(3):  # the version, the root, the others at any depth
        counted = attach_cached_member_counts(units)
    assert {unit.code: unit.member_count for unit in counted} == {
        "TLD": 5,
        "DN": 1,
        "HN-A": 3,
        "HP": 1,
    }
    with django_assert_num_queries(1):  # the version: the totals come from the cache
        attach_cached_member_counts(units)

    Member.objects.filter(unit=tree.unit_c).update(unit=tree.unit_a)
    MemberFactory(unit=tree.unit_g, gender=Gender.MALE, status=MemberStatus.LEFT)
    counted = attach_cached_member_counts(units)
    assert {unit.code: unit.member_count for unit in counted} == {
        "TLD": 5,
        "DN": 0,
        "HN-A": 4,
        "HP": 1,
    }
    assert attach_cached_member_counts([]) == []
