"""Two people acting on the same rows at the same moment, against PostgreSQL's row locks."""

import pytest

from awards import services
from awards.models import Nomination, NominationState
from tests.concurrency import race
from tests.factories import MemberFactory, UserFactory, grant, nominate, register

S = NominationState


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_action", ["approve", "reject", "return", "forward"])
def test_two_reviewers_deciding_at_once_make_exactly_one_transition(
    postgresql, users, tree, round_, kinds, member_a, second_action
):
    other = UserFactory(username="city_reviewer_2")
    grant(other, tree.city, "reviewer")
    award = kinds.bk_national if second_action == "forward" else kinds.bk_city
    nomination = nominate(round_, award, actor=users.officer_a, member=member_a, submit=True)
    first = users.city_reviewer
    if second_action == "forward":
        first_call = lambda: services.forward_nomination(nomination, actor=first)  # noqa: E731
    else:
        first_call = lambda: services.approve_nomination(nomination, actor=first)  # noqa: E731
    second_call = {
        "approve": lambda: services.approve_nomination(nomination, actor=other),
        "reject": lambda: services.reject_nomination(nomination, actor=other, reason="Không"),
        "return": lambda: services.return_nomination(nomination, actor=other, reason="Bổ sung"),
        "forward": lambda: services.forward_nomination(nomination, actor=other),
    }[second_action]
    results = race(first_call, second_call)
    assert sorted(results.values()) == ["already_decided", "done"]
    assert nomination.transitions.filter(from_state=S.SUBMITTED).count() == 1
    assert Nomination.objects.get().state != S.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_two_submissions_cannot_both_take_the_last_quota_place(
    postgresql, users, tree, round_, kinds
):
    kinds.bk_city.cap_per_unit_per_round = 1
    kinds.bk_city.save()
    members = MemberFactory.create_batch(2, unit=tree.unit_a)
    drafts = []
    for member in members:
        register(round_, member)
        drafts.append(nominate(round_, kinds.bk_city, actor=users.officer_a, member=member))
    other_officer = UserFactory(username="officer_a_2")
    grant(other_officer, tree.unit_a, "officer")
    results = race(
        lambda: services.submit_nomination(drafts[0], actor=users.officer_a),
        lambda: services.submit_nomination(drafts[1], actor=other_officer),
    )
    assert sorted(results.values()) == ["done", "quota"]
    assert Nomination.objects.filter(state=S.SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_drafting_the_same_nomination_at_once_make_one(
    postgresql, users, tree, round_, kinds, member_a
):
    other_officer = UserFactory(username="officer_a_2")
    grant(other_officer, tree.unit_a, "officer")
    results = race(
        lambda: nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a),
        lambda: nominate(round_, kinds.bk_city, actor=other_officer, member=member_a),
    )
    assert sorted(results.values()) == ["done", "duplicate"]
    assert Nomination.objects.count() == 1
