"""Nobody decides on what they proposed; a reviewer with an interest steps out; a council vote
adds up. Through the services and the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import ConflictOfInterest, CouncilVote, NominationState, ReviewScore
from tests.factories import UserFactory, grant, nominate
from unions.models import Activity, Role

S = NominationState
REVIEW_ACTIONS = ["review_nomination", "start_review", "approve_nomination", "return_nomination",
                  "reject_nomination", "declare_conflict"]  # fmt: skip


@pytest.fixture
def officer_and_reviewer(tree, users):
    """The city's officer also sits on the city's committee (as grassroots officers often do)."""
    grant(users.city_officer, tree.city, Role.REVIEWER)
    return users.city_officer


def _scores(round_, points=50):
    criteria = services.criteria_for(round_, "individual")
    return {c.pk: (Decimal(points) if c.required else Decimal(0), "") for c in criteria}


def test_whoever_proposed_a_nomination_cannot_review_it(
    users, round_, kinds, member_a, officer_and_reviewer
):
    nomination = nominate(
        round_, kinds.bk_city, actor=officer_and_reviewer, member=member_a, submit=True
    )
    allowed = services.allowed_actions(officer_and_reviewer, nomination)
    assert [action for action in REVIEW_ACTIONS if allowed[action]] == []
    for call in (
        lambda: services.approve_nomination(nomination, actor=officer_and_reviewer),
        lambda: services.record_review_scores(
            nomination, actor=officer_and_reviewer, scores=_scores(round_)
        ),
        lambda: services.return_nomination(nomination, actor=officer_and_reviewer, reason="x"),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert error.value.code == "own_nomination"
        assert "separation of duties" in error.value.messages[0]
    nomination.refresh_from_db()
    assert nomination.state == S.SUBMITTED
    # Another member of the same committee decides it.
    assert services.approve_nomination(nomination, actor=users.city_reviewer).state == S.APPROVED


def test_whoever_submitted_it_cannot_review_it_even_if_someone_else_drafted_it(
    users, round_, kinds, member_a, officer_and_reviewer
):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    nomination = services.submit_nomination(nomination, actor=officer_and_reviewer)
    assert nomination.submitted_by == officer_and_reviewer
    with pytest.raises(ValidationError) as error:
        services.approve_nomination(nomination, actor=officer_and_reviewer)
    assert error.value.code == "own_nomination"


def test_the_proposer_cannot_decide_it_at_a_higher_level_either(
    users, tree, round_, kinds, member_a
):
    """At any level: a national reviewer who proposed it in the city is out of it nationally."""
    grant(users.national_reviewer, tree.city, Role.OFFICER)
    nomination = nominate(
        round_, kinds.bk_national, actor=users.national_reviewer, member=member_a, submit=True
    )
    nomination = services.forward_nomination(nomination, actor=users.city_reviewer)
    assert nomination.reviewing_unit == tree.national
    with pytest.raises(ValidationError) as error:
        services.approve_nomination(nomination, actor=users.national_reviewer)
    assert error.value.code == "own_nomination"


def test_the_proposer_s_approve_page_says_the_rule(
    client_for, round_, kinds, member_a, officer_and_reviewer
):
    nomination = nominate(
        round_, kinds.bk_city, actor=officer_and_reviewer, member=member_a, submit=True
    )
    client = client_for(officer_and_reviewer)
    response = client.post(reverse("awards:nomination_approve", args=[nomination.pk]), follow=True)
    assert "separation of duties" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.state == S.SUBMITTED


def test_a_declared_conflict_leaves_the_reviewer_out(users, tree, round_, kinds, member_a):
    second = UserFactory(username="second_reviewer")
    grant(second, tree.city, Role.REVIEWER)
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    services.record_review_scores(nomination, actor=users.city_reviewer, scores=_scores(round_, 60))
    services.record_review_scores(nomination, actor=second, scores=_scores(round_, 20))
    nomination.refresh_from_db()
    assert nomination.review_score == Decimal(40)

    services.declare_conflict(nomination, actor=users.city_reviewer, reason="Người thân của tôi.")

    nomination.refresh_from_db()
    assert nomination.review_score == Decimal(20)  # their scores no longer count
    assert not ReviewScore.objects.filter(nomination=nomination, reviewer=users.city_reviewer)
    declared = ConflictOfInterest.objects.get(nomination=nomination)
    assert (declared.reviewer, declared.unit, declared.reason) == (
        users.city_reviewer,
        tree.city,
        "Người thân của tôi.",
    )
    assert Activity.objects.filter(action="nomination.conflict_declared", unit=tree.city).exists()
    for call in (
        lambda: services.record_review_scores(
            nomination, actor=users.city_reviewer, scores=_scores(round_)
        ),
        lambda: services.approve_nomination(nomination, actor=users.city_reviewer),
        lambda: services.declare_conflict(nomination, actor=users.city_reviewer, reason="x"),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert error.value.code == "conflict_of_interest"
    # The rest of the committee goes on.
    assert services.approve_nomination(nomination, actor=second).state == S.APPROVED


def test_a_conflict_needs_a_reason_and_a_say(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    with pytest.raises(ValidationError):
        services.declare_conflict(nomination, actor=users.city_reviewer, reason="  ")
    with pytest.raises(Exception) as refused:
        services.declare_conflict(nomination, actor=users.clerk, reason="x")
    assert refused.type.__name__ == "PermissionDenied"
    assert ConflictOfInterest.objects.count() == 0


def test_a_conflict_is_declared_from_the_nomination_page(
    client_for, users, round_, kinds, member_a
):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    client = client_for(users.city_reviewer)
    page = client.get(nomination.get_absolute_url()).content.decode()
    assert reverse("awards:nomination_conflict", args=[nomination.pk]) in page
    client.post(reverse("awards:nomination_conflict", args=[nomination.pk]), {"comment": ""})
    assert ConflictOfInterest.objects.count() == 0
    client.post(reverse("awards:nomination_conflict", args=[nomination.pk]), {"comment": "Vợ tôi"})
    assert ConflictOfInterest.objects.get().reviewer == users.city_reviewer
    page = client.get(nomination.get_absolute_url()).content.decode()
    assert reverse("awards:nomination_approve", args=[nomination.pk]) not in page
    # Someone without a say on it: 403 (outside the scope: 404).
    assert (
        client_for(users.clerk)
        .post(reverse("awards:nomination_conflict", args=[nomination.pk]), {"comment": "x"})
        .status_code
        == 403
    )
    assert (
        client_for(users.outsider)
        .post(reverse("awards:nomination_conflict", args=[nomination.pk]), {"comment": "x"})
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("total", "present", "yes", "no", "abstain"),
    [
        (5, 1, 5, 0, 0),  # the case: 1 present, 5 votes for
        (5, 3, 2, 1, 1),  # 4 ballots, 3 present
        (5, 6, 3, 0, 0),  # more present than members
    ],
)
def test_a_vote_that_does_not_add_up_is_refused(
    users, round_, voted_kind, member_a, total, present, yes, no, abstain
):
    nomination = nominate(round_, voted_kind, actor=users.officer_a, member=member_a, submit=True)
    with pytest.raises(ValidationError):
        services.record_vote(
            nomination,
            actor=users.city_reviewer,
            meeting_date=timezone.localdate(),
            members_total=total,
            present=present,
            votes_for=yes,
            votes_against=no,
            abstain=abstain,
        )
    assert CouncilVote.objects.count() == 0


def test_the_database_refuses_more_ballots_than_members_present(users, round_, kinds, member_a):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilVote.objects.create(
            nomination=nomination, unit=nomination.reviewing_unit,
            meeting_date=timezone.localdate(), members_total=5, present=1, votes_for=5,
            votes_against=0, abstain=0, quorum_met=True, passed=True,
        )  # fmt: skip
