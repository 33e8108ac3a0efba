from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from movements import services
from movements.models import (
    Criterion,
    CriterionTarget,
    Movement,
    MovementKind,
    MovementState,
    Registration,
    RegistrationState,
    Round,
)
from tests.factories import MemberFactory, make_movement
from unions.models import Activity, MemberStatus, UnitLevel

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _fields(**changes):
    return {
        "code": "CSVH",
        "title_vi": "Xây dựng công sở văn hóa",
        "kind": MovementKind.REGULAR,
        "starts_on": date(2025, 1, 1),
        **changes,
    }


def _round(**changes):
    return {
        "id": None,
        "name": "Đợt năm 2025",
        "year": 2025,
        "opens_on": date(2025, 1, 15),
        "deadlines": {
            UnitLevel.GRASSROOTS: datetime(2025, 10, 31, 17, tzinfo=HANOI),
            UnitLevel.PROVINCIAL: datetime(2025, 11, 30, 17, tzinfo=HANOI),
        },
        **changes,
    }


def _criterion(**changes):
    return {
        "id": None,
        "group": "Ứng xử văn hóa",
        "text": "Thực hiện quy tắc ứng xử",
        "max_points": Decimal("40"),
        "target": CriterionTarget.INDIVIDUAL,
        **changes,
    }


# --- Movements ------------------------------------------------------------------------------


def test_create_movement_by_city_officer_is_a_draft_with_rounds_and_criteria(users, tree):
    movement = services.create_movement(
        actor=users.city_officer,
        launching_unit=tree.city,
        rounds=[_round()],
        criteria=[_criterion()],
        **_fields(),
    )
    round_ = movement.rounds.get()
    assert movement.state == MovementState.DRAFT
    assert movement.created_by == users.city_officer
    assert round_.deadline_for(UnitLevel.GRASSROOTS) == datetime(2025, 10, 31, 17, tzinfo=HANOI)
    assert movement.criteria.count() == 1
    assert Activity.objects.get(action="movement.created").unit == tree.city


@pytest.mark.parametrize("user_name", ["officer_a", "city_reviewer", "clerk", "outsider", "nobody"])
def test_create_movement_by_non_manager_is_refused(users, tree, user_name):
    with pytest.raises(PermissionDenied):
        services.create_movement(
            actor=getattr(users, user_name), launching_unit=tree.city, **_fields()
        )
    assert Movement.objects.count() == 0


def test_create_movement_with_dates_out_of_order_changes_nothing(users, tree):
    with pytest.raises(ValidationError):
        services.create_movement(
            actor=users.city_officer,
            launching_unit=tree.city,
            **_fields(starts_on=date(2025, 1, 1), ends_on=date(2024, 1, 1)),
        )
    assert Movement.objects.count() == 0


def test_create_movement_with_round_before_its_start_changes_nothing(users, tree):
    with pytest.raises(ValidationError, match="outside the movement's dates"):
        services.create_movement(
            actor=users.city_officer,
            launching_unit=tree.city,
            rounds=[_round(opens_on=date(2024, 6, 1))],
            **_fields(),
        )
    assert (Movement.objects.count(), Round.objects.count()) == (0, 0)


def test_create_movement_with_lower_deadline_after_upper_is_refused(users, tree):
    deadlines = {
        UnitLevel.GRASSROOTS: datetime(2025, 12, 31, 17, tzinfo=HANOI),
        UnitLevel.PROVINCIAL: datetime(2025, 11, 30, 17, tzinfo=HANOI),
    }
    with pytest.raises(ValidationError, match="the level below submits first"):
        services.create_movement(
            actor=users.city_officer,
            launching_unit=tree.city,
            rounds=[_round(deadlines=deadlines)],
            **_fields(),
        )
    assert Movement.objects.count() == 0


def test_update_movement_by_manager_records_previous_values(users, draft):
    services.update_movement(draft, actor=users.city_officer, title_vi="Tên mới")
    draft.refresh_from_db()
    activity = Activity.objects.get(action="movement.updated")
    assert draft.title_vi == "Tên mới"
    assert activity.data["previous"] == {"title_vi": "Phong trào CSVH"}


def test_update_movement_without_change_writes_no_activity(users, draft):
    services.update_movement(draft, actor=users.city_officer, title_vi=draft.title_vi)
    assert Activity.objects.filter(action="movement.updated").count() == 0


@pytest.mark.parametrize("user_name", ["officer_a", "city_reviewer", "national_reviewer"])
def test_update_movement_by_non_manager_is_refused(users, draft, user_name):
    with pytest.raises(PermissionDenied):
        services.update_movement(draft, actor=getattr(users, user_name), title_vi="X")


def test_update_closed_movement_is_refused(users, tree):
    closed = make_movement(tree.city, code="OLD", state=MovementState.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        services.update_movement(closed, actor=users.city_officer, title_vi="X")


def test_update_criteria_of_open_movement_is_refused(users, movement, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.vn", "x")
    criterion = movement.criteria.get(text="Sáng kiến được áp dụng")
    with pytest.raises(ValidationError, match="criteria of a launched movement are fixed"):
        services.update_movement(
            movement, actor=admin, criteria=[{"id": criterion.pk, "max_points": Decimal("5")}]
        )
    criterion.refresh_from_db()
    assert criterion.max_points == Decimal("10")


def test_update_unchanged_criteria_of_open_movement_is_allowed(users, movement, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.vn", "x")
    criterion = movement.criteria.get(text="Sáng kiến được áp dụng")
    services.update_movement(
        movement, actor=admin, criteria=[{"id": criterion.pk, "max_points": "10.00"}]
    )
    assert movement.criteria.get(pk=criterion.pk).max_points == Decimal("10")


def test_update_adds_round_and_deletes_criterion_of_draft(users, draft):
    criterion = draft.criteria.get()
    services.update_movement(
        draft,
        actor=users.city_officer,
        rounds=[_round(opens_on=date(2026, 1, 1))],
        criteria=[{"id": criterion.pk, "delete": True}, _criterion()],
    )
    assert draft.rounds.count() == 2
    assert list(draft.criteria.values_list("text", flat=True)) == ["Thực hiện quy tắc ứng xử"]


def test_update_deleting_round_with_registrations_is_refused(users, tree, kinds):
    movement = make_movement(tree.city, code="CSVH")
    round_ = movement.rounds.get()
    services.register(
        round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
    )
    with pytest.raises(ValidationError, match="has registrations"):
        services.update_movement(
            movement, actor=users.city_officer, rounds=[{"id": round_.pk, "delete": True}]
        )
    assert movement.rounds.count() == 1


def test_update_changes_round_deadlines(users, draft):
    round_ = draft.rounds.get()
    new = timezone.now() + timedelta(days=30)
    services.update_movement(
        draft,
        actor=users.city_officer,
        rounds=[{"id": round_.pk, "deadlines": {UnitLevel.GRASSROOTS: new}}],
    )
    round_ = Round.objects.get(pk=round_.pk)
    assert (round_.deadline_for(UnitLevel.GRASSROOTS), round_.deadlines.count()) == (new, 1)


def test_launch_draft_movement_opens_it(users, draft):
    services.launch_movement(draft, actor=users.city_officer)
    draft.refresh_from_db()
    assert draft.state == MovementState.OPEN
    assert draft.launched_at is not None
    assert Activity.objects.get(action="movement.launched").target_id == draft.pk


def test_launch_without_round_is_refused(users, tree):
    movement = make_movement(tree.city, code="X", state=MovementState.DRAFT, rounds=0)
    with pytest.raises(ValidationError, match="at least one round"):
        services.launch_movement(movement, actor=users.city_officer)
    movement.refresh_from_db()
    assert movement.state == MovementState.DRAFT


def test_launch_without_criterion_is_refused(users, tree):
    movement = make_movement(tree.city, code="X", state=MovementState.DRAFT, criteria=0)
    with pytest.raises(ValidationError, match="at least one criterion"):
        services.launch_movement(movement, actor=users.city_officer)


@pytest.mark.parametrize("state", [MovementState.OPEN, MovementState.CLOSED])
def test_launch_of_non_draft_is_refused(users, tree, state):
    movement = make_movement(tree.city, code="X", state=state)
    with pytest.raises(ValidationError, match="Only a draft movement can be launched"):
        services.launch_movement(movement, actor=users.city_officer)


def test_launch_by_officer_below_is_refused(users, draft):
    with pytest.raises(PermissionDenied):
        services.launch_movement(draft, actor=users.officer_a)


def test_close_open_movement(users, tree):
    movement = make_movement(tree.city, code="X")
    services.close_movement(movement, actor=users.city_officer)
    movement.refresh_from_db()
    assert (movement.state, movement.closed_at is not None) == (MovementState.CLOSED, True)


@pytest.mark.parametrize("state", [MovementState.DRAFT, MovementState.CLOSED])
def test_close_of_non_open_movement_is_refused(users, tree, state):
    movement = make_movement(tree.city, code="X", state=state)
    with pytest.raises(ValidationError, match="Only an open movement can be closed"):
        services.close_movement(movement, actor=users.city_officer)


def test_close_by_reviewer_is_refused(users, tree):
    movement = make_movement(tree.city, code="X")
    with pytest.raises(PermissionDenied):
        services.close_movement(movement, actor=users.city_reviewer)


# --- Deadlines ------------------------------------------------------------------------------


def test_check_deadline_before_it_passes(round_):
    services.check_deadline(round_, level=UnitLevel.GRASSROOTS)


def test_check_deadline_after_it_is_refused_with_the_local_time(round_):
    deadline = round_.deadlines.get(level=UnitLevel.GRASSROOTS)
    deadline.deadline = datetime(2025, 3, 15, 10, 0, tzinfo=ZoneInfo("UTC"))
    deadline.save()
    with pytest.raises(ValidationError) as error:
        services.check_deadline(
            round_, level=UnitLevel.GRASSROOTS, now=datetime(2025, 3, 16, tzinfo=HANOI)
        )
    assert error.value.messages == [
        "The deadline for grassroots union to submit in Đợt 1 passed on 15/03/2025 17:00."
    ]
    assert error.value.code == "deadline_passed"


def test_check_deadline_of_level_without_deadline_passes(round_):
    services.check_deadline(
        round_, level=UnitLevel.CONFEDERATION, now=timezone.now() + timedelta(days=3650)
    )


def test_register_after_registration_deadline_is_refused(users, tree, round_, kinds):
    round_.registration_deadline = timezone.now() - timedelta(minutes=1)
    round_.save()
    with pytest.raises(ValidationError, match="Registrations for Đợt 1 closed on"):
        services.register(
            round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
        )
    assert Registration.objects.count() == 0


# --- Registrations --------------------------------------------------------------------------


def test_register_unit_awaits_the_level_above(users, tree, round_, kinds):
    registration = services.register(
        round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
    )
    transition = registration.transitions.get()
    assert registration.state == RegistrationState.AWAITING
    assert (registration.member, registration.created_by) == (None, users.officer_a)
    assert (transition.from_state, transition.to_state) == ("", RegistrationState.AWAITING)
    assert Activity.objects.get(action="registration.submitted").unit == tree.unit_a


def test_register_member_of_a_group_below_the_unit(users, tree, round_, kinds, member_a1):
    registration = services.register(
        round=round_,
        unit=tree.unit_a,
        member=member_a1,
        target_award=kinds.ldtt,
        actor=users.officer_a,
    )
    assert (registration.unit, registration.member) == (tree.unit_a, member_a1)


def test_register_by_officer_above_is_allowed(users, tree, round_, kinds, member_a):
    registration = services.register(
        round=round_,
        unit=tree.unit_a,
        member=member_a,
        target_award=kinds.ldtt,
        actor=users.city_officer,
    )
    assert registration.state == RegistrationState.AWAITING


@pytest.mark.parametrize(
    "user_name", ["officer_b", "city_reviewer", "national_reviewer", "clerk", "outsider", "nobody"]
)
def test_register_by_someone_not_managing_the_unit_is_refused(
    users, tree, round_, kinds, user_name
):
    with pytest.raises(PermissionDenied):
        services.register(
            round=round_,
            unit=tree.unit_a,
            target_award=kinds.collective,
            actor=getattr(users, user_name),
        )
    assert Registration.objects.count() == 0


def test_register_member_of_another_unit_is_refused(users, tree, round_, kinds, member_b):
    with pytest.raises(ValidationError, match="Lê Minh Anh is not a member of Công đoàn cơ sở A"):
        services.register(
            round=round_,
            unit=tree.unit_a,
            member=member_b,
            target_award=kinds.ldtt,
            actor=users.city_officer,
        )


def test_register_member_who_left_is_refused(users, tree, round_, kinds):
    member = MemberFactory(unit=tree.unit_a, status=MemberStatus.LEFT)
    with pytest.raises(ValidationError, match="no longer an active member"):
        services.register(
            round=round_,
            unit=tree.unit_a,
            member=member,
            target_award=kinds.ldtt,
            actor=users.officer_a,
        )


def test_register_member_for_collective_award_is_refused(users, tree, round_, kinds, member_a):
    with pytest.raises(ValidationError, match="awarded to collectives, not to a member"):
        services.register(
            round=round_,
            unit=tree.unit_a,
            member=member_a,
            target_award=kinds.collective,
            actor=users.officer_a,
        )


def test_register_unit_for_individual_award_is_refused(users, tree, round_, kinds):
    with pytest.raises(ValidationError, match="awarded to individuals"):
        services.register(
            round=round_, unit=tree.unit_a, target_award=kinds.ldtt, actor=users.officer_a
        )


def test_register_for_award_kind_no_longer_valid_is_refused(users, tree, round_, kinds, member_a):
    with pytest.raises(ValidationError, match="not valid today"):
        services.register(
            round=round_,
            unit=tree.unit_a,
            member=member_a,
            target_award=kinds.expired,
            actor=users.officer_a,
        )


@pytest.mark.parametrize("state", [MovementState.DRAFT, MovementState.CLOSED])
def test_register_for_movement_not_open_is_refused(users, tree, kinds, state):
    movement = make_movement(tree.national, code="X", state=state)
    with pytest.raises(ValidationError, match="only while the movement is open"):
        services.register(
            round=movement.rounds.get(),
            unit=tree.unit_a,
            target_award=kinds.collective,
            actor=users.officer_a,
        )


def test_register_unit_outside_the_movement_is_refused(users, tree, kinds, django_user_model):
    movement = make_movement(tree.city, code="CSVH")
    admin = django_user_model.objects.create_superuser("root", "root@example.vn", "x")
    with pytest.raises(ValidationError, match="is not part of the movement"):
        services.register(
            round=movement.rounds.get(),
            unit=tree.unit_c,
            target_award=kinds.collective,
            actor=admin,
        )


def test_register_launching_unit_itself_is_refused(users, tree, kinds):
    movement = make_movement(tree.city, code="CSVH")
    with pytest.raises(ValidationError, match="does not register for its own movement"):
        services.register(
            round=movement.rounds.get(),
            unit=tree.city,
            target_award=kinds.collective,
            actor=users.city_officer,
        )


def test_register_twice_is_refused(users, tree, round_, kinds):
    services.register(
        round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
    )
    with pytest.raises(ValidationError, match="already registered"):
        services.register(
            round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
        )
    assert Registration.objects.count() == 1


def test_register_again_after_return_resubmits_the_same_registration(
    users, tree, round_, kinds, member_a
):
    first = services.register(
        round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt,
        actor=users.officer_a,
    )  # fmt: skip
    services.return_registration(first, actor=users.city_reviewer, reason="Thiếu chữ ký")
    again = services.register(
        round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt,
        actor=users.officer_a, note="Đã bổ sung",
    )  # fmt: skip
    states = list(again.transitions.values_list("from_state", "to_state"))
    assert again.pk == first.pk
    assert (again.state, again.return_reason, again.note) == ("awaiting", "", "Đã bổ sung")
    assert states == [("", "awaiting"), ("awaiting", "returned"), ("returned", "awaiting")]


def test_register_members_registers_them_all(users, tree, round_, kinds, member_a, member_a1):
    result = services.register_members(
        round=round_,
        unit=tree.unit_a,
        members=[member_a, member_a1],
        target_award=kinds.ldtt,
        actor=users.officer_a,
    )
    assert len(result) == 2
    assert set(Registration.objects.values_list("member__full_name", "state")) == {
        ("Nguyễn Thị Hằng", "awaiting"),
        ("Trần Văn Hùng", "awaiting"),
    }
    assert Activity.objects.filter(action="registration.submitted").count() == 1


def test_register_members_with_one_outsider_registers_none(
    users, tree, round_, kinds, member_a, member_b
):
    with pytest.raises(ValidationError, match="Lê Minh Anh is not a member"):
        services.register_members(
            round=round_,
            unit=tree.unit_a,
            members=[member_a, member_b],
            target_award=kinds.ldtt,
            actor=users.city_officer,
        )
    assert Registration.objects.count() == 0


def test_register_members_with_one_already_registered_names_them(
    users, tree, round_, kinds, member_a, member_a1
):
    services.register(
        round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt,
        actor=users.officer_a,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Already registered for Đợt 1: Nguyễn Thị Hằng"):
        services.register_members(
            round=round_,
            unit=tree.unit_a,
            members=[member_a, member_a1],
            target_award=kinds.ldtt,
            actor=users.officer_a,
        )
    assert Registration.objects.count() == 1


def test_register_members_resubmits_returned_ones(users, tree, round_, kinds, member_a, member_a1):
    first = services.register(
        round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt,
        actor=users.officer_a,
    )  # fmt: skip
    services.return_registration(first, actor=users.city_reviewer, reason="Sai danh hiệu")
    services.register_members(
        round=round_,
        unit=tree.unit_a,
        members=[member_a, member_a1],
        target_award=kinds.ldtt,
        actor=users.officer_a,
    )
    first.refresh_from_db()
    assert (Registration.objects.count(), first.state) == (2, RegistrationState.AWAITING)
    assert first.transitions.count() == 3


def test_register_members_with_empty_selection_is_refused(users, tree, round_, kinds):
    with pytest.raises(ValidationError, match="Select at least one member"):
        services.register_members(
            round=round_, unit=tree.unit_a, members=[], target_award=kinds.ldtt,
            actor=users.officer_a,
        )  # fmt: skip


@pytest.fixture
def awaiting(users, tree, round_, kinds):
    return services.register(
        round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
    )


def test_approve_registration_by_reviewer_of_the_parent(users, awaiting):
    services.approve_registration(awaiting, actor=users.city_reviewer)
    awaiting.refresh_from_db()
    assert (awaiting.state, awaiting.decided_by) == ("approved", users.city_reviewer)
    assert Activity.objects.filter(action="registration.approved").count() == 1


@pytest.mark.parametrize(
    "user_name",
    ["officer_a", "officer_b", "city_officer", "national_reviewer", "clerk", "outsider", "nobody"],
)
def test_approve_registration_by_anyone_else_is_refused(users, awaiting, user_name):
    with pytest.raises(PermissionDenied):
        services.approve_registration(awaiting, actor=getattr(users, user_name))
    awaiting.refresh_from_db()
    assert awaiting.state == RegistrationState.AWAITING


def test_approve_registration_twice_says_already_decided(users, awaiting):
    services.approve_registration(awaiting, actor=users.city_reviewer)
    with pytest.raises(ValidationError, match="already decided: it is Approved"):
        services.approve_registration(awaiting, actor=users.city_reviewer)


def test_return_registration_with_reason(users, awaiting):
    services.return_registration(awaiting, actor=users.city_reviewer, reason="  Thiếu hồ sơ  ")
    awaiting.refresh_from_db()
    assert (awaiting.state, awaiting.return_reason) == ("returned", "Thiếu hồ sơ")
    assert awaiting.transitions.last().comment == "Thiếu hồ sơ"


def test_return_registration_without_reason_changes_nothing(users, awaiting):
    with pytest.raises(ValidationError, match="Give the reason"):
        services.return_registration(awaiting, actor=users.city_reviewer, reason="   ")
    awaiting.refresh_from_db()
    assert (awaiting.state, awaiting.transitions.count()) == ("awaiting", 1)


def test_return_of_approved_registration_is_refused(users, awaiting):
    services.approve_registration(awaiting, actor=users.city_reviewer)
    with pytest.raises(ValidationError, match="already decided"):
        services.return_registration(awaiting, actor=users.city_reviewer, reason="x")


def test_return_registration_by_officer_is_refused(users, awaiting):
    with pytest.raises(PermissionDenied):
        services.return_registration(awaiting, actor=users.officer_a, reason="x")


def test_approve_registrations_is_all_or_nothing(users, tree, round_, kinds, awaiting):
    other = services.register(
        round=round_, unit=tree.unit_b, target_award=kinds.collective, actor=users.officer_b
    )
    services.approve_registration(other, actor=users.city_reviewer)
    with pytest.raises(ValidationError, match="already decided"):
        services.approve_registrations([awaiting, other], actor=users.city_reviewer)
    awaiting.refresh_from_db()
    assert awaiting.state == RegistrationState.AWAITING


# --- Questions the awards app asks ----------------------------------------------------------


def test_is_registered_only_once_approved(users, tree, round_, kinds, member_a):
    registration = services.register(
        round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt,
        actor=users.officer_a,
    )  # fmt: skip
    assert services.is_registered(round_, member=member_a) is False
    services.approve_registration(registration, actor=users.city_reviewer)
    assert services.is_registered(round_, member=member_a) is True
    assert services.is_registered(round_, member=member_a, award_kind=kinds.ldtt) is True
    assert services.is_registered(round_, member=member_a, award_kind=kinds.collective) is False


def test_is_registered_for_a_unit_means_its_collective_registration(
    users, tree, round_, kinds, member_a
):
    registration = services.register(
        round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt,
        actor=users.officer_a,
    )  # fmt: skip
    services.approve_registration(registration, actor=users.city_reviewer)
    assert services.is_registered(round_, unit=tree.unit_a) is False
    services.approve_registration(
        services.register(
            round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
        ),
        actor=users.city_reviewer,
    )
    assert services.is_registered(round_, unit=tree.unit_a) is True


def test_child_registration_status_of_each_child(
    users, tree, round_, kinds, member_a, django_assert_num_queries
):
    extra = [
        services.register(
            round=round_, unit=unit, target_award=kinds.collective, actor=users.city_officer
        )
        for unit in (tree.unit_a, tree.unit_b)
    ]
    services.register(
        round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt,
        actor=users.officer_a,
    )  # fmt: skip
    services.approve_registration(extra[0], actor=users.city_reviewer)
    services.return_registration(extra[1], actor=users.city_reviewer, reason="Thiếu")
    with django_assert_num_queries(2):
        statuses = services.child_registration_status(round_, tree.city)
    assert [(unit.code, status) for unit, status in statuses] == [
        ("HN-A", "awaiting"),
        ("HN-B", "returned"),
    ]


def test_child_registration_status_not_sent_and_approved(users, tree, round_, kinds):
    services.approve_registration(
        services.register(
            round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
        ),
        actor=users.city_reviewer,
    )
    statuses = services.child_registration_status(round_, tree.city)
    assert [(unit.code, status) for unit, status in statuses] == [
        ("HN-A", "approved"),
        ("HN-B", "not_sent"),
    ]


def test_criterion_needs_positive_points(users, draft):
    with pytest.raises(ValidationError):
        services.update_movement(
            draft, actor=users.city_officer, criteria=[_criterion(max_points=Decimal("0"))]
        )
    assert Criterion.objects.filter(movement=draft).count() == 1
