"""Named predicates for what a user may do with a nomination they can see (the 403 decisions).

Whether they can see it at all is awards.scoping's question (404). Views, templates and the
services ask `rules.test_rule("awards.<name>", user, nomination)`, so that there is one
definition of who may act; the services ask again under the row lock.
"""

import rules

from awards import scoping
from awards.models import AWAITING_STATES, EDITABLE_STATES, WITHDRAWABLE_STATES, NominationState
from unions import scoping as unions_scoping


@rules.predicate
def manages_proposing_unit(user, nomination):
    return unions_scoping.can_manage_unit(user, nomination.proposing_unit)


@rules.predicate
def is_editable(user, nomination):
    return nomination.state in EDITABLE_STATES


@rules.predicate
def is_withdrawable(user, nomination):
    return nomination.state in WITHDRAWABLE_STATES


@rules.predicate
def is_awaiting_decision(user, nomination):
    return nomination.state in AWAITING_STATES


@rules.predicate
def is_not_under_review(user, nomination):
    return nomination.state != NominationState.UNDER_REVIEW


@rules.predicate
def reviews_at_holding_unit(user, nomination):
    return nomination.reviewing_unit_id is not None and scoping.is_reviewer_at(
        user, nomination.reviewing_unit_id
    )


@rules.predicate
def held_by_granting_unit(user, nomination):
    return nomination.reviewing_unit_id == nomination.deciding_unit_id


may_edit = manages_proposing_unit & is_editable
may_review = reviews_at_holding_unit & is_awaiting_decision

rules.add_rule("awards.edit_nomination", may_edit)
rules.add_rule("awards.submit_nomination", may_edit)
rules.add_rule("awards.withdraw_nomination", manages_proposing_unit & is_withdrawable)
rules.add_rule("awards.review_nomination", may_review)
rules.add_rule("awards.start_review", may_review & is_not_under_review)
rules.add_rule("awards.approve_nomination", may_review & held_by_granting_unit)
rules.add_rule("awards.forward_nomination", may_review & ~held_by_granting_unit)
rules.add_rule("awards.return_nomination", may_review)
rules.add_rule("awards.reject_nomination", may_review)

ACTIONS = [
    "edit_nomination",
    "submit_nomination",
    "withdraw_nomination",
    "review_nomination",
    "start_review",
    "approve_nomination",
    "forward_nomination",
    "return_nomination",
    "reject_nomination",
]


def allowed_actions(user, nomination):
    """{action name: bool} for the nomination page's buttons."""
    return {name: rules.test_rule(f"awards.{name}", user, nomination) for name in ACTIONS}
