import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.conftest import need_postgresql
from tests.factories import MemberFactory
from unions import services
from unions.models import Activity, Gender, Member, MemberTransfer


def test_member_search_is_accent_insensitive(tree):
    hang = MemberFactory(unit=tree.unit_a, full_name="Nguyễn Thị Hằng")
    MemberFactory(unit=tree.unit_a, full_name="Trần Văn Hùng")
    assert list(Member.objects.search("nguyen thi hang")) == [hang]
    assert list(Member.objects.search("NGUYEN hang")) == [hang]
    assert list(Member.objects.search("Hằng")) == [hang]


def test_member_search_finds_the_card_number(tree):
    member = MemberFactory(unit=tree.unit_a, card_number="HN-0042")
    assert list(Member.objects.search("hn-0042")) == [member]


def test_member_search_is_served_by_indexes_on_postgresql(postgresql, tree):
    """The trigram index on the folded name and the index on the upper-cased card number
    (migration unions 0005): with sequential scans off, the search reads through them.

    The lists' covering indexes (migration unions 0007) are dropped for the test (its
    transaction is rolled back): on a handful of rows, reading the whole of one costs less."""
    need_postgresql()
    hang = MemberFactory(unit=tree.unit_a, full_name="Nguyễn Thị Hằng", card_number="HN-0042")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX member_name_order, member_unit_name_order")
        cursor.execute("SET LOCAL enable_seqscan = off")
        query = Member.objects.search("nguyen thi").values("pk")
        plan = query.explain()
        assert "member_name_trigram" in plan and "member_card_number_upper" in plan
        assert list(query) == [{"pk": hang.pk}]


def test_member_name_is_stored_nfc(tree):
    member = MemberFactory(
        unit=tree.unit_a, full_name="Nguye\u0302\u0303n Thi\u0323 Ha\u0306\u0300ng"
    )
    assert member.full_name == "Nguyễn Thị Hằng"


def test_create_member_by_officer_writes_activity(users, tree):
    member = services.create_member(
        unit=tree.unit_a, actor=users.officer_a, full_name="Lê Thu Hà", gender=Gender.FEMALE
    )
    assert member.unit == tree.unit_a
    assert Activity.objects.filter(action="member.created", target_id=member.pk).count() == 1


def test_create_member_in_sibling_unit_is_refused(users, tree):
    with pytest.raises(PermissionDenied):
        services.create_member(
            unit=tree.unit_b, actor=users.officer_a, full_name="Lê Thu Hà", gender=Gender.FEMALE
        )
    assert Member.objects.count() == 0


def test_create_member_in_city_union_is_refused(users, tree):
    with pytest.raises(ValidationError):
        services.create_member(
            unit=tree.city, actor=users.city_officer, full_name="Lê Thu Hà", gender=Gender.FEMALE
        )


def test_duplicate_card_number_is_refused(users, tree):
    MemberFactory(unit=tree.unit_b, card_number="X1")
    with pytest.raises(ValidationError):
        services.create_member(
            unit=tree.unit_a,
            actor=users.officer_a,
            full_name="Lê Thu Hà",
            gender=Gender.FEMALE,
            card_number="X1",
        )
    assert Member.objects.filter(unit=tree.unit_a).count() == 0


def test_move_member_keeps_history(users, tree):
    member = MemberFactory(unit=tree.unit_a)
    services.move_member(member, to_unit=tree.unit_b, actor=users.city_officer, note="Điều động")
    member.refresh_from_db()
    assert member.unit == tree.unit_b
    transfer = MemberTransfer.objects.get(member=member)
    assert (transfer.from_unit, transfer.to_unit, transfer.note) == (
        tree.unit_a,
        tree.unit_b,
        "Điều động",
    )
    assert transfer.moved_by == users.city_officer


def test_move_member_to_unit_outside_scope_is_refused(users, tree):
    member = MemberFactory(unit=tree.unit_a)
    with pytest.raises(PermissionDenied):
        services.move_member(member, to_unit=tree.unit_b, actor=users.officer_a)
    member.refresh_from_db()
    assert member.unit == tree.unit_a
    assert MemberTransfer.objects.count() == 0


def test_move_member_to_own_group_by_officer(users, tree):
    member = MemberFactory(unit=tree.unit_a)
    services.move_member(member, to_unit=tree.group_a1, actor=users.officer_a)
    member.refresh_from_db()
    assert member.unit == tree.group_a1
