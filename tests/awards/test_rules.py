"""What each user may do with a nomination in every state (awards.rules and services), and
the award kind's rules kept as data."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from awards.models import NominationState
from awards.services import allowed_actions
from movements.models import AwardKind
from tests.awards.test_services import _in_state
from tests.factories import MemberFactory, register

S = NominationState

# state -> the actions officer_a (proposer) and city_reviewer (the city's committee) may take
# on a nomination of a member of A for an award the city grants.
PROPOSER = {
    S.DRAFT: {"edit_nomination", "submit_nomination", "withdraw_nomination"},
    S.SUBMITTED: {"withdraw_nomination"},
    S.UNDER_REVIEW: {"withdraw_nomination"},
    S.RETURNED: {"edit_nomination", "submit_nomination", "withdraw_nomination"},
    S.APPROVED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
REVIEWER = {
    S.DRAFT: set(),
    S.SUBMITTED: {"review_nomination", "start_review", "approve_nomination",
                  "return_nomination", "reject_nomination", "declare_conflict"},
    S.UNDER_REVIEW: {"review_nomination", "approve_nomination", "return_nomination",
                     "reject_nomination", "declare_conflict"},
    S.RETURNED: set(),
    S.APPROVED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}  # fmt: skip


def _allowed(user, nomination):
    return {name for name, allowed in allowed_actions(user, nomination).items() if allowed}


@pytest.mark.parametrize("state", list(PROPOSER))
def test_predicates_for_the_proposer_and_the_reviewer_in_every_state(
    users, round_, kinds, member_a, state
):
    nomination = _in_state(state, kinds.bk_city, users, round_, member_a)
    assert _allowed(users.officer_a, nomination) == PROPOSER[state]
    assert _allowed(users.city_reviewer, nomination) == REVIEWER[state]
    for user in (users.clerk, users.national_reviewer, users.officer_b):
        assert _allowed(user, nomination) == set()


def test_predicates_offer_forwarding_below_the_granting_level(users, tree, round_, kinds, member_a):
    nomination = _in_state(S.SUBMITTED, kinds.bk_national, users, round_, member_a)
    member_a = MemberFactory(unit=tree.unit_a)  # one achievement, one award: another member
    register(round_, member_a)
    city = _allowed(users.city_reviewer, nomination)
    assert ("forward_nomination" in city, "approve_nomination" in city) == (True, False)
    forwarded = _in_state(S.FORWARDED, kinds.bk_confederation, users, round_, member_a)
    national = _allowed(users.national_reviewer, forwarded)
    assert national == {"review_nomination", "start_review", "forward_nomination",
                        "return_nomination", "reject_nomination", "declare_conflict"}  # fmt: skip
    assert _allowed(users.city_reviewer, forwarded) == set()


def test_city_officer_acts_for_the_units_below_as_a_proposer(users, round_, kinds, member_a):
    nomination = _in_state(S.DRAFT, kinds.bk_city, users, round_, member_a)
    assert _allowed(users.city_officer, nomination) == PROPOSER[S.DRAFT]


# --- Award kinds ------------------------------------------------------------------------------


def _kind(**fields):
    return AwardKind(code="X", name_vi="X", category="title", beneficiary="individual",
                     granting_level="grassroots", **fields)  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [
        {"vote_threshold": Decimal("0.7")},  # no denominator
        {"vote_quorum": Decimal("0.5")},  # a quorum without a rule
        {"vote_threshold": Decimal("1.5"), "vote_denominator": "present"},
        {"prerequisite_years": 3},  # years without the award kind
        {"quota_share": Decimal("0.15")},  # a share of nothing
        {"quota_share": Decimal("0.15"), "quota_base": "award_kind"},  # base kind missing
    ],
)
def test_award_kind_with_an_incomplete_rule_is_refused(db, fields):
    with pytest.raises(ValidationError):
        _kind(**fields).full_clean()


def test_award_kind_with_complete_rules_is_accepted(db, kinds):
    _kind(vote_threshold=Decimal("0.6667"), vote_denominator="present",
          vote_quorum=Decimal("0.6667"), prerequisite_kind=kinds.ldtt, prerequisite_years=1,
          quota_share=Decimal("0.15"), quota_base="award_kind",
          quota_base_kind=kinds.ldtt).full_clean()  # fmt: skip


def test_award_kind_valid_on_follows_its_dates(db):
    from datetime import date

    kind = _kind(valid_from=date(2024, 1, 1), valid_until=date(2025, 12, 31))
    assert [kind.is_valid_on(date(y, 6, 1)) for y in (2023, 2024, 2025, 2026)] == [
        False,
        True,
        True,
        False,
    ]
