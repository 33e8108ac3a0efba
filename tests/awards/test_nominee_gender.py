"""The nominee's gender copied onto the nomination (awards.nominee_gender) stays equal to the
member's, whatever writes the nomination or the member. The dashboards count by the copy.

Run on SQLite by default and on PostgreSQL with DATABASE_URL: the triggers are written for both.
"""

import pytest
from django.db import connection

from awards.models import Nomination
from tests.factories import MemberFactory, nominate, register
from unions import services as union_services
from unions.models import Gender, Member

pytestmark = pytest.mark.django_db


def stored(nomination):
    return Nomination.objects.values_list("nominee_gender", flat=True).get(pk=nomination.pk)


def test_a_nomination_takes_its_nominees_gender_and_a_collective_has_none(
    users, tree, round_, kinds, member_a
):
    Member.objects.filter(pk=member_a.pk).update(gender=Gender.FEMALE)
    person = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    register(round_, unit=tree.unit_a)
    collective = nominate(round_, kinds.collective, actor=users.officer_a, unit=tree.unit_a)

    assert stored(person) == Gender.FEMALE
    assert stored(collective) is None


def test_a_corrected_gender_reaches_the_nominations_by_every_path(
    users, tree, round_, kinds, member_a
):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    stale = Nomination.objects.get(pk=nomination.pk)
    other = Gender.MALE if member_a.gender == Gender.FEMALE else Gender.FEMALE

    union_services.update_member(member_a, actor=users.officer_a, gender=other)
    assert stored(nomination) == other

    Member.objects.filter(pk=member_a.pk).update(gender=Gender.OTHER)
    assert stored(nomination) == Gender.OTHER

    with connection.cursor() as cursor:
        cursor.execute("UPDATE unions_member SET gender = %s WHERE id = %s", [other, member_a.pk])
    assert stored(nomination) == other

    # A nomination read before the correction and saved whole does not put the old one back.
    stale.save()
    assert stored(nomination) == other


def test_a_changed_nominee_or_a_written_copy_is_taken_from_the_member(
    users, tree, round_, kinds, member_a
):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    other = MemberFactory(
        unit=tree.unit_a,
        gender=Gender.MALE if member_a.gender == Gender.FEMALE else Gender.FEMALE,
    )

    Nomination.objects.filter(pk=nomination.pk).update(nominee_member=other)
    assert stored(nomination) == other.gender

    Nomination.objects.filter(pk=nomination.pk).update(nominee_gender=Gender.OTHER)
    assert stored(nomination) == other.gender


def test_bulk_created_nominations_get_the_gender(users, tree, round_, kinds, member_a):
    first = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    copy = Nomination.objects.get(pk=first.pk)
    copy.pk = None
    copy.nominee_gender = None
    copy.award_kind = kinds.bk_national
    (created,) = Nomination.objects.bulk_create([copy])
    assert stored(created) == member_a.gender
