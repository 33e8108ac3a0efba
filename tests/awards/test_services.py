"""The nomination state machine, through the services: every allowed and refused transition,
and the rule checks at submit time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from awards import services
from awards.models import Nomination, NominationState, NominationTransition
from movements.models import RoundDeadline
from tests.factories import MemberFactory, nominate, register
from unions.models import Activity, UnitLevel

S = NominationState


def _messages(error):
    return " ".join(error.value.messages)


# --- The way up -------------------------------------------------------------------------------


def test_create_nomination_is_a_draft_with_history_and_self_score(users, round_, kinds, member_a):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    assert nomination.state == S.DRAFT
    assert nomination.self_score_total == Decimal(50)
    assert list(nomination.transitions.values_list("from_state", "to_state")) == [("", "draft")]


def test_submit_sends_a_grassroots_nomination_to_the_unit_above(
    users, tree, round_, kinds, member_a
):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    assert (nomination.state, nomination.reviewing_unit, nomination.deciding_unit) == (
        S.SUBMITTED,
        tree.city,
        tree.city,
    )
    entry = nomination.transitions.last()
    assert (entry.from_state, entry.to_state, entry.at_unit, entry.to_unit, entry.actor) == (
        S.DRAFT,
        S.SUBMITTED,
        tree.unit_a,
        tree.city,
        users.officer_a,
    )


def test_submit_of_an_award_granted_at_the_own_level_stays_with_the_own_committee(
    users, tree, round_, kinds, member_a, reviewer_a
):
    nomination = nominate(round_, kinds.ldtt, actor=users.officer_a, member=member_a, submit=True)
    assert (nomination.reviewing_unit, nomination.deciding_unit) == (tree.unit_a, tree.unit_a)
    nomination = services.approve_nomination(nomination, actor=reviewer_a)
    assert nomination.state == S.APPROVED


def test_submit_from_a_union_group_goes_to_its_grassroots_union(
    users, tree, round_, kinds, member_a1
):
    nomination = nominate(
        round_, kinds.ldtt, actor=users.officer_a, member=member_a1, proposing_unit=tree.group_a1
    )
    nomination = services.submit_nomination(nomination, actor=users.officer_a)
    assert (nomination.reviewing_unit, nomination.deciding_unit) == (tree.unit_a, tree.unit_a)


def test_nomination_travels_up_one_level_at_a_time_to_the_granting_unit(
    users, tree, round_, kinds, member_a
):
    nomination = nominate(
        round_, kinds.bk_national, actor=users.officer_a, member=member_a, submit=True
    )
    nomination = services.forward_nomination(nomination, actor=users.city_reviewer, comment="Đạt")
    assert (nomination.state, nomination.reviewing_unit, nomination.furthest_unit) == (
        S.FORWARDED,
        tree.national,
        tree.national,
    )
    nomination = services.approve_nomination(nomination, actor=users.national_reviewer)
    assert nomination.state == S.APPROVED
    assert [(t.from_state, t.to_state, t.at_unit.code) for t in nomination.transitions.all()] == [
        ("", S.DRAFT, "HN-A"),
        (S.DRAFT, S.SUBMITTED, "HN-A"),
        (S.SUBMITTED, S.FORWARDED, "HN"),
        (S.FORWARDED, S.APPROVED, "CDVC"),
    ]


def test_approve_below_the_granting_level_is_refused(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_national, actor=users.officer_a, member=member_a, submit=True
    )
    with pytest.raises(ValidationError) as error:
        services.approve_nomination(nomination, actor=users.city_reviewer)
    assert "forward the nomination" in _messages(error)
    assert Nomination.objects.get().state == S.SUBMITTED


def test_forward_at_the_granting_level_is_refused(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    with pytest.raises(ValidationError) as error:
        services.forward_nomination(nomination, actor=users.city_reviewer)
    assert error.value.code == "granting_level"
    assert Nomination.objects.get().reviewing_unit_id == nomination.reviewing_unit_id


def test_returned_nomination_is_completed_and_resubmitted_from_the_first_level(
    users, tree, round_, kinds, member_a
):
    nomination = nominate(
        round_, kinds.bk_national, actor=users.officer_a, member=member_a, submit=True
    )
    nomination = services.forward_nomination(nomination, actor=users.city_reviewer)
    nomination = services.return_nomination(
        nomination, actor=users.national_reviewer, reason="Thiếu minh chứng"
    )
    # The national union returns it to the level that sent it: the city's committee.
    assert (nomination.state, nomination.reviewing_unit) == (S.SENT_BACK, tree.city)
    nomination = services.return_nomination(
        nomination, actor=users.city_reviewer, reason="Thiếu minh chứng"
    )
    assert (nomination.state, nomination.reviewing_unit) == (S.RETURNED, tree.city)
    services.update_nomination(nomination, actor=users.officer_a, achievement="Đã bổ sung")
    nomination = services.submit_nomination(nomination, actor=users.officer_a)
    assert (nomination.state, nomination.reviewing_unit, nomination.furthest_unit) == (
        S.SUBMITTED,
        tree.city,
        tree.national,
    )
    assert nomination.achievement == "Đã bổ sung"


def test_return_without_reason_is_refused_and_changes_nothing(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    with pytest.raises(ValidationError):
        services.return_nomination(nomination, actor=users.city_reviewer, reason="   ")
    assert Nomination.objects.get().state == S.SUBMITTED
    assert NominationTransition.objects.count() == 2


def test_reject_without_reason_is_refused(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    with pytest.raises(ValidationError):
        services.reject_nomination(nomination, actor=users.city_reviewer, reason="")
    assert Nomination.objects.get().state == S.SUBMITTED


def test_transitions_write_activity_rows_for_both_units(users, tree, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    services.approve_nomination(nomination, actor=users.city_reviewer)
    approved = Activity.objects.filter(action="nomination.approved")
    assert sorted(approved.values_list("unit__code", flat=True)) == ["HN", "HN-A"]


# --- Every transition from every state --------------------------------------------------------


def _in_state(state, award_kind, users, round_, member):
    """A nomination of `member` (unit A) brought to `state` through the services."""
    officer, city, national = users.officer_a, users.city_reviewer, users.national_reviewer
    nomination = nominate(round_, award_kind, actor=officer, member=member)
    if state == S.DRAFT:
        return nomination
    nomination = services.submit_nomination(nomination, actor=officer)
    if state == S.SUBMITTED:
        return nomination
    if state == S.WITHDRAWN:
        return services.withdraw_nomination(nomination, actor=officer)
    if state == S.UNDER_REVIEW:
        return services.start_review(nomination, actor=city)
    if state == S.RETURNED:
        return services.return_nomination(nomination, actor=city, reason="Bổ sung")
    if state == S.REJECTED:
        return services.reject_nomination(nomination, actor=city, reason="Không đạt")
    if state == S.FORWARDED:
        return services.forward_nomination(nomination, actor=city)
    if state == S.SENT_BACK:  # forwarded, then returned by the level above to the city
        nomination = services.forward_nomination(nomination, actor=city)
        return services.return_nomination(nomination, actor=national, reason="Bổ sung tờ trình")
    assert state == S.APPROVED
    if nomination.deciding_unit_id != nomination.reviewing_unit_id:
        nomination = services.forward_nomination(nomination, actor=city)
        return services.approve_nomination(nomination, actor=national)
    return services.approve_nomination(nomination, actor=city)


def _reviewer(nomination, users):
    if nomination.reviewing_unit and nomination.reviewing_unit.code == "CDVC":
        return users.national_reviewer
    return users.city_reviewer


AWAITING = {S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.SENT_BACK}
ACTIONS = {
    # action: (states it is allowed from, resulting state)
    "submit": ({S.DRAFT, S.RETURNED}, S.SUBMITTED),
    "edit": ({S.DRAFT, S.RETURNED}, None),
    "withdraw": (
        {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.SENT_BACK, S.RETURNED},
        S.WITHDRAWN,
    ),
    "start_review": ({S.SUBMITTED, S.FORWARDED, S.SENT_BACK}, S.UNDER_REVIEW),
    # Sent back to the city, a dossier it had forwarded is not granted there.
    "approve": ({S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED}, S.APPROVED),
    "forward": (AWAITING, S.FORWARDED),
    # A return goes to the level that sent it: the national union's to the city's committee.
    "return": (AWAITING, {S.FORWARDED: S.SENT_BACK}),
    "reject": (AWAITING, S.REJECTED),
}


def _kind_for(action, state, kinds):
    """An award kind for which `action` makes sense where a nomination in `state` is held."""
    if action == "approve":
        return kinds.bk_national if state in (S.FORWARDED, S.SENT_BACK) else kinds.bk_city
    if action == "forward":
        return kinds.bk_confederation if state == S.FORWARDED else kinds.bk_national
    return kinds.bk_national


def _act(action, nomination, users):
    officer, reviewer = users.officer_a, _reviewer(nomination, users)
    return {
        "submit": lambda: services.submit_nomination(nomination, actor=officer),
        "edit": lambda: services.update_nomination(nomination, actor=officer, achievement="Mới"),
        "withdraw": lambda: services.withdraw_nomination(nomination, actor=officer),
        "start_review": lambda: services.start_review(nomination, actor=reviewer),
        "approve": lambda: services.approve_nomination(nomination, actor=reviewer),
        "forward": lambda: services.forward_nomination(nomination, actor=reviewer),
        "return": lambda: services.return_nomination(nomination, actor=reviewer, reason="Lý do"),
        "reject": lambda: services.reject_nomination(nomination, actor=reviewer, reason="Lý do"),
    }[action]()


@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition_from_every_state(users, round_, kinds, member_a, action, state):
    allowed, result = ACTIONS[action]
    nomination = _in_state(state, _kind_for(action, state, kinds), users, round_, member_a)
    history = nomination.transitions.count()
    if isinstance(result, dict):
        result = result.get(state, S.RETURNED)
    if state in allowed:
        _act(action, nomination, users)
        nomination.refresh_from_db()
        assert nomination.state == (result or state)
        assert nomination.transitions.count() == history + (result is not None)
    elif state == S.DRAFT:
        # Not sent yet: the committee above may read it but has nothing to decide.
        with pytest.raises(PermissionDenied):
            _act(action, nomination, users)
    elif state == S.SENT_BACK and action == "approve":
        with pytest.raises(ValidationError) as error:
            _act(action, nomination, users)
        assert error.value.code == "not_granting_level"
    else:
        with pytest.raises(ValidationError) as error:
            _act(action, nomination, users)
        assert error.value.code == "already_decided"
    if state not in allowed:
        nomination.refresh_from_db()
        assert (nomination.state, nomination.transitions.count()) == (state, history)


def test_review_action_by_a_user_who_does_not_review_there_is_denied(
    users, round_, kinds, member_a
):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    for user in (users.officer_a, users.city_officer, users.clerk, users.outsider):
        with pytest.raises(PermissionDenied):
            services.approve_nomination(nomination, actor=user)
    with pytest.raises(PermissionDenied):
        services.approve_nomination(nomination, actor=users.national_reviewer)
    assert Nomination.objects.get().state == S.SUBMITTED


def test_proposer_action_by_a_user_who_does_not_manage_the_unit_is_denied(
    users, round_, kinds, member_a
):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    for user in (users.officer_b, users.city_reviewer, users.outsider, users.nobody):
        with pytest.raises(PermissionDenied):
            services.submit_nomination(nomination, actor=user)
    assert Nomination.objects.get().state == S.DRAFT


def test_create_by_an_officer_of_another_unit_is_denied(users, round_, kinds, member_a):
    with pytest.raises(PermissionDenied):
        nominate(round_, kinds.bk_city, actor=users.officer_b, member=member_a)
    assert Nomination.objects.count() == 0


# --- Checks at submit time --------------------------------------------------------------------


def test_submit_of_an_unregistered_member_is_refused(users, tree, round_, kinds):
    member = MemberFactory(unit=tree.unit_a)
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "not_registered"
    assert Nomination.objects.get().state == S.DRAFT


def test_submit_without_registration_passes_when_the_movement_does_not_require_it(
    users, tree, movement, round_, kinds
):
    movement.requires_registration = False
    movement.save()
    member = MemberFactory(unit=tree.unit_a)
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True)
    assert nomination.state == S.SUBMITTED


def test_submit_after_the_deadline_is_refused(users, round_, kinds, member_a):
    RoundDeadline.objects.filter(round=round_, level=UnitLevel.GRASSROOTS).update(
        deadline=timezone.now() - timedelta(hours=1)
    )
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "deadline_passed"
    assert Nomination.objects.get().state == S.DRAFT


def test_forward_after_the_forwarding_level_deadline_is_refused(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_national, actor=users.officer_a, member=member_a, submit=True
    )
    RoundDeadline.objects.filter(round=round_, level=UnitLevel.PROVINCIAL).update(
        deadline=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        services.forward_nomination(nomination, actor=users.city_reviewer)
    assert error.value.code == "deadline_passed"
    assert Nomination.objects.get().state == S.SUBMITTED


def test_second_open_nomination_of_the_same_achievement_is_refused(users, round_, kinds, member_a):
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    with pytest.raises(ValidationError) as error:
        nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    assert error.value.code == "duplicate"
    assert "One achievement, one award" in _messages(error)
    assert Nomination.objects.count() == 1


def test_granted_nomination_also_blocks_a_second_one(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    services.approve_nomination(nomination, actor=users.city_reviewer)
    with pytest.raises(ValidationError):
        nominate(round_, kinds.bk_city, actor=users.city_officer, member=member_a)


def test_withdrawn_or_rejected_nomination_allows_a_new_one(users, round_, kinds, member_a):
    first = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    services.withdraw_nomination(first, actor=users.officer_a)
    second = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    services.reject_nomination(second, actor=users.city_reviewer, reason="Chưa đủ")
    third = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    assert third.state == S.DRAFT


def test_the_same_member_may_be_nominated_for_a_combinable_award_kind(
    users, round_, kinds, member_a
):
    kinds.bk_national.combinable = True
    kinds.bk_national.save()
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    other = nominate(round_, kinds.bk_national, actor=users.officer_a, member=member_a)
    assert other.state == S.DRAFT


def test_changing_the_award_kind_to_a_duplicate_is_refused(users, round_, kinds, member_a):
    kinds.bk_national.combinable = True
    kinds.bk_national.save()
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    other = nominate(round_, kinds.bk_national, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        services.update_nomination(other, actor=users.officer_a, award_kind=kinds.bk_city)
    assert error.value.code == "duplicate"
    assert Nomination.objects.get(pk=other.pk).award_kind == kinds.bk_national


def test_quota_per_unit_per_round_refuses_the_next_one(users, tree, round_, kinds):
    kinds.bk_city.cap_per_unit_per_round = 1
    kinds.bk_city.save()
    first, second = (MemberFactory(unit=tree.unit_a) for _ in range(2))
    for member in (first, second):
        register(round_, member)
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=first, submit=True)
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=second)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "quota"
    assert "Công đoàn cơ sở A has already sent 1" in _messages(error)
    assert Nomination.objects.get(pk=nomination.pk).state == S.DRAFT


def test_quota_per_unit_counts_only_that_unit(users, tree, round_, kinds, member_a, member_b):
    kinds.bk_city.cap_per_unit_per_round = 1
    kinds.bk_city.save()
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_b, member=member_b, submit=True
    )
    assert nomination.state == S.SUBMITTED


def test_quota_per_round_counts_the_whole_movement(users, round_, kinds, member_a, member_b):
    kinds.bk_city.cap_per_round = 1
    kinds.bk_city.save()
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_b, member=member_b)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_b)
    assert "takes at most 1 nominations for" in _messages(error)


def test_quota_frees_a_place_when_a_nomination_is_returned(users, tree, round_, kinds, member_a):
    kinds.bk_city.cap_per_round = 1
    kinds.bk_city.save()
    other = MemberFactory(unit=tree.unit_a)
    register(round_, other)
    first = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    services.return_nomination(first, actor=users.city_reviewer, reason="Bổ sung")
    second = nominate(round_, kinds.bk_city, actor=users.officer_a, member=other, submit=True)
    assert second.state == S.SUBMITTED


@pytest.mark.parametrize(("members", "allowed"), [(6, 0), (7, 1), (14, 2)])
def test_quota_as_a_share_of_members(users, tree, round_, kinds, members, allowed):
    kinds.bk_city.quota_share = Decimal("0.15")
    kinds.bk_city.quota_base = "members"
    kinds.bk_city.save()
    people = MemberFactory.create_batch(members, unit=tree.unit_a)
    for person in people:
        register(round_, person)
    results = []
    for person in people[: allowed + 1]:
        nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=person)
        try:
            services.submit_nomination(nomination, actor=users.officer_a)
            results.append("sent")
        except ValidationError as error:
            assert error.code == "quota"
            results.append("refused")
    assert results == ["sent"] * allowed + ["refused"]


def test_quota_as_a_share_of_another_title_and_prerequisite(users, tree, round_, kinds, reviewer_a):
    cstd = kinds.ldtt.__class__.objects.create(
        code="CSTD-CS",
        name_vi="Chiến sĩ thi đua cơ sở",
        category="title",
        beneficiary="individual",
        granting_level=UnitLevel.GRASSROOTS,
        quota_share=Decimal("0.15"),
        quota_base="award_kind",
        quota_base_kind=kinds.ldtt,
        prerequisite_kind=kinds.ldtt,
        prerequisite_years=1,
    )
    people = MemberFactory.create_batch(7, unit=tree.unit_a)
    for person in people:
        register(round_, person)
    nomination = nominate(round_, cstd, actor=users.officer_a, member=people[0])
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "prerequisite"
    for person in people:
        ldtt = nominate(round_, kinds.ldtt, actor=users.officer_a, member=person, submit=True)
        services.approve_nomination(ldtt, actor=reviewer_a)
    nomination = services.submit_nomination(nomination, actor=users.officer_a)
    assert nomination.state == S.SUBMITTED
    second = nominate(round_, cstd, actor=users.officer_a, member=people[1])
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(second, actor=users.officer_a)
    assert error.value.code == "quota"
    assert "15 % of Lao động" not in _messages(error)  # the base is named by its own name
    assert "so at most 1; 1 already counted" in _messages(error)


def test_prerequisite_of_consecutive_years_names_the_missing_years(users, tree, round_, kinds):
    kinds.bk_national.prerequisite_kind = kinds.bk_city
    kinds.bk_national.prerequisite_years = 3
    kinds.bk_national.save()
    member = MemberFactory(unit=tree.unit_a)
    register(round_, member)
    nomination = nominate(round_, kinds.bk_national, actor=users.officer_a, member=member)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    year = round_.year
    assert f"lacks it for {year - 2}, {year - 1}, {year}" in _messages(error)


def test_submit_without_the_required_scores_is_refused(users, round_, kinds, member_a):
    criteria = services.criteria_for(round_, kinds.bk_city.beneficiary)
    bonus = criteria.get(required=False, kind="bonus")
    nomination = nominate(
        round_,
        kinds.bk_city,
        actor=users.officer_a,
        member=member_a,
        self_scores={bonus.pk: (Decimal(5), "")},
    )
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "scores_missing"


def test_self_score_above_the_maximum_is_refused(users, round_, kinds, member_a):
    criterion = services.criteria_for(round_, kinds.bk_city.beneficiary).get(required=True)
    with pytest.raises(ValidationError):
        nominate(
            round_,
            kinds.bk_city,
            actor=users.officer_a,
            member=member_a,
            self_scores={criterion.pk: (Decimal(61), "")},
        )
    assert Nomination.objects.count() == 0


def test_self_score_total_deducts_penalties(users, round_, kinds, member_a):
    scores = {
        c.pk: ({"standard": 55, "bonus": 8, "penalty": 5}[c.kind], "")
        for c in services.criteria_for(round_, kinds.bk_city.beneficiary)
    }
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, self_scores=scores
    )
    assert nomination.self_score_total == Decimal(58)


def test_member_of_another_unit_cannot_be_proposed(users, tree, round_, kinds, member_b):
    with pytest.raises(ValidationError):
        nominate(
            round_,
            kinds.bk_city,
            actor=users.city_officer,
            member=member_b,
            proposing_unit=tree.unit_a,
        )


def test_award_kind_for_the_wrong_beneficiary_is_refused(users, tree, round_, kinds, member_a):
    with pytest.raises(ValidationError):
        nominate(round_, kinds.collective, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError):
        nominate(round_, kinds.bk_city, actor=users.officer_a, unit=tree.unit_a)


def test_collective_nomination_of_a_unit(users, tree, round_, kinds):
    register(round_, unit=tree.unit_a)
    nomination = nominate(
        round_, kinds.collective, actor=users.officer_a, unit=tree.unit_a, submit=True
    )
    assert (nomination.nominee, nomination.reviewing_unit) == (tree.unit_a, tree.city)


def test_expired_award_kind_is_refused(users, round_, kinds, member_a):
    kinds.bk_city.valid_until = timezone.localdate() - timedelta(days=1)
    kinds.bk_city.save()
    with pytest.raises(ValidationError) as error:
        nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    assert "not valid today" in _messages(error)


def test_award_kind_without_a_granting_unit_above_is_refused(users, tree, round_, kinds, member_a):
    kinds.bk_city.granting_level = UnitLevel.UPPER_GRASSROOTS
    kinds.bk_city.save()
    with pytest.raises(ValidationError) as error:
        nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    assert "No unit above" in _messages(error)


def test_closed_movement_takes_no_nominations(users, movement, round_, kinds, member_a):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    movement.state = "closed"
    movement.save()
    with pytest.raises(ValidationError):
        services.submit_nomination(nomination, actor=users.officer_a)


# --- Review scores and votes ------------------------------------------------------------------


def test_review_scores_are_each_reviewers_own_and_averaged(users, tree, round_, kinds, member_a):
    from tests.factories import UserFactory, grant

    second = UserFactory(username="city_reviewer_2")
    grant(second, tree.city, "reviewer")
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    required = services.criteria_for(round_, kinds.bk_city.beneficiary).get(required=True)
    services.record_review_scores(
        nomination, actor=users.city_reviewer, scores={required.pk: (Decimal(40), "Khá")}
    )
    services.record_review_scores(nomination, actor=second, scores={required.pk: (Decimal(50), "")})
    services.record_review_scores(
        nomination, actor=users.city_reviewer, scores={required.pk: (Decimal(44), "Tốt")}
    )
    nomination.refresh_from_db()
    assert nomination.state == S.UNDER_REVIEW
    assert nomination.review_score == Decimal(47)
    assert nomination.review_scores.count() == 2


def test_review_score_above_the_maximum_is_refused(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    required = services.criteria_for(round_, kinds.bk_city.beneficiary).get(required=True)
    with pytest.raises(ValidationError):
        services.record_review_scores(
            nomination, actor=users.city_reviewer, scores={required.pk: (Decimal(99), "")}
        )
    assert nomination.review_scores.count() == 0


def _vote(nomination, actor, total, present, yes, no=0, abstain=0):
    return services.record_vote(
        nomination,
        actor=actor,
        meeting_date=timezone.localdate(),
        members_total=total,
        present=present,
        votes_for=yes,
        votes_against=no,
        abstain=abstain,
    )


@pytest.mark.parametrize(
    ("total", "present", "yes", "quorum_met", "passed"),
    [
        (3, 3, 2, True, True),  # 2/3 exactly passes
        (3, 3, 1, True, False),
        (9, 6, 4, True, True),  # quorum 6/9, 4 of 6 present
        (9, 5, 5, False, False),  # 5/9 present: no quorum
        (15, 10, 6, True, False),
    ],
)
def test_vote_pass_is_computed_from_the_rule(
    users, round_, voted_kind, member_a, total, present, yes, quorum_met, passed
):
    nomination = nominate(round_, voted_kind, actor=users.officer_a, member=member_a, submit=True)
    vote = _vote(nomination, users.city_reviewer, total, present, yes, present - yes)
    assert (vote.quorum_met, vote.passed) == (quorum_met, passed)


def test_vote_over_all_members_counts_the_absent(users, round_, voted_kind, member_a):
    voted_kind.vote_denominator = "all"
    voted_kind.save()
    nomination = nominate(round_, voted_kind, actor=users.officer_a, member=member_a, submit=True)
    assert _vote(nomination, users.city_reviewer, 9, 7, 5).passed is False
    assert _vote(nomination, users.city_reviewer, 9, 7, 6).passed is True


def test_approve_needs_a_passed_vote_when_the_award_has_a_vote_rule(
    users, round_, voted_kind, member_a
):
    nomination = nominate(round_, voted_kind, actor=users.officer_a, member=member_a, submit=True)
    with pytest.raises(ValidationError) as error:
        services.approve_nomination(nomination, actor=users.city_reviewer)
    assert error.value.code == "vote_missing"
    _vote(nomination, users.city_reviewer, 3, 3, 1, 2)
    with pytest.raises(ValidationError) as error:
        services.approve_nomination(nomination, actor=users.city_reviewer)
    assert error.value.code == "vote_failed"
    _vote(nomination, users.city_reviewer, 3, 3, 3)
    assert services.approve_nomination(nomination, actor=users.city_reviewer).state == S.APPROVED


def test_vote_with_more_ballots_than_members_is_refused(users, round_, voted_kind, member_a):
    nomination = nominate(round_, voted_kind, actor=users.officer_a, member=member_a, submit=True)
    with pytest.raises(ValidationError):
        _vote(nomination, users.city_reviewer, 3, 3, 3, 1)
    with pytest.raises(ValidationError):
        _vote(nomination, users.city_reviewer, 3, 4, 2)
    assert nomination.votes.count() == 0


# --- Notifications ----------------------------------------------------------------------------


def test_proposer_is_emailed_when_a_nomination_is_returned(
    users, round_, kinds, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.return_nomination(
            nomination, actor=users.city_reviewer, reason="Thiếu bản sao quyết định"
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["officer_a@example.vn"]
    assert "Thiếu bản sao quyết định" in mailoutbox[0].body
    assert "Nguyễn Thị Hằng" in mailoutbox[0].subject
    assert nomination.get_absolute_url() in mailoutbox[0].body


@pytest.mark.parametrize("action", ["approve", "reject", "forward"])
def test_proposer_is_emailed_on_every_decision(
    users, round_, kinds, member_a, mailoutbox, django_capture_on_commit_callbacks, action
):
    award = kinds.bk_national if action == "forward" else kinds.bk_city
    nomination = nominate(round_, award, actor=users.officer_a, member=member_a, submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        _act(action, nomination, users)
    proposer = [["officer_a@example.vn"]]
    # A forwarded nomination reaches the national committee: its reviewer is told too.
    told = [["national_reviewer@example.vn"], *proposer] if action == "forward" else proposer
    assert [message.to for message in mailoutbox] == told


def test_no_email_when_the_transaction_is_rolled_back(users, round_, kinds, member_a, mailoutbox):
    from django.db import transaction

    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        services.approve_nomination(nomination, actor=users.city_reviewer)
        raise RuntimeError
    assert (Nomination.objects.get().state, mailoutbox) == (S.SUBMITTED, [])


# --- Bulk actions -----------------------------------------------------------------------------


def test_bulk_approve_is_all_or_nothing(users, round_, kinds, member_a, member_b):
    first = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    second = nominate(
        round_, kinds.bk_national, actor=users.officer_b, member=member_b, submit=True
    )
    with pytest.raises(ValidationError) as error:
        services.approve_nominations([first, second], actor=users.city_reviewer)
    assert "Lê Minh Anh" in _messages(error)
    assert sorted(Nomination.objects.values_list("state", flat=True)) == [S.SUBMITTED] * 2


def test_bulk_return_returns_all_with_one_comment(users, round_, kinds, member_a, member_b):
    first = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    second = nominate(round_, kinds.bk_city, actor=users.officer_b, member=member_b, submit=True)
    services.return_nominations([first, second], actor=users.city_reviewer, reason="Bổ sung")
    assert list(
        NominationTransition.objects.filter(to_state=S.RETURNED).values_list("comment", flat=True)
    ) == ["Bổ sung", "Bổ sung"]
