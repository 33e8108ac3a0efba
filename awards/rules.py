"""Who may act on a nomination they can see: the permissions of the awards app.

Asked everywhere the same way, `user.has_perm("awards.<action>", nomination)`: by the views and
templates (a button, or 403), by the admin, and by awards.services again under the row lock.

A permission says who has a say on the nomination at all. Whether the nomination, as it is now,
allows the action (a draft can be edited, a dossier the committee already decided cannot) is
the services' rule, in one place: `awards.services.refusal(action, nomination, actor)`, which
also says why. Whether a user sees the nomination at all is awards.scoping's question (404).
"""

import rules

from awards import scoping
from unions.models import Role
from unions.rules import holds_role_at, manages_unit

# The proposer's actions on their unit's nomination, and the committee's on what reached it.
PROPOSER_ACTIONS = ("edit_nomination", "submit_nomination", "withdraw_nomination")
REVIEWER_ACTIONS = (
    "review_nomination",
    "start_review",
    "approve_nomination",
    "forward_nomination",
    "return_nomination",
    "reject_nomination",
    "declare_conflict",
)
ACTIONS = PROPOSER_ACTIONS + REVIEWER_ACTIONS


@rules.predicate
def manages_proposing_unit(user, nomination):
    """Officers of the proposing unit, or of a unit above it."""
    return manages_unit(user, nomination.proposing_unit)


@rules.predicate
def sits_on_a_committee_it_reached(user, nomination):
    """Reviewers of a unit whose committee the nomination has come before (it may have moved on
    since: they keep their say on the record, and are told when their moment has passed)."""
    return scoping.has_reviewed_on_the_way(user, nomination)


for action in PROPOSER_ACTIONS:
    rules.add_perm(f"awards.{action}", manages_proposing_unit)
for action in REVIEWER_ACTIONS:
    rules.add_perm(f"awards.{action}", sits_on_a_committee_it_reached)

# A unit (not a nomination): officers of the unit or above it propose its members and itself.
rules.add_perm("awards.propose_for_unit", manages_unit)


# Công khai: the committee of the approving unit posts its list and answers the objections.
@rules.predicate
def sits_on_committee_of_unit(user, unit):
    return holds_role_at(user, unit, Role.REVIEWER)


@rules.predicate
def sits_on_committee_of_notice(user, notice):
    return notice is not None and holds_role_at(user, notice.unit, Role.REVIEWER)


rules.add_perm("awards.publish_notice", sits_on_committee_of_unit)
rules.add_perm("awards.handle_objections", sits_on_committee_of_notice)


@rules.predicate
def officer_or_clerk_at(user, unit):
    """The officers and clerks of exactly this unit send its proposals to an outside authority
    and record the decision that comes back."""
    return holds_role_at(user, unit, Role.OFFICER) or holds_role_at(user, unit, Role.CLERK)


@rules.predicate
def officer_or_clerk_of_proposing_unit(user, proposal):
    return proposal is not None and officer_or_clerk_at(user, proposal.unit)


# A unit: it proposes awards an outside authority decides. A proposal: its decision is recorded.
rules.add_perm("awards.propose_outside", officer_or_clerk_at)
rules.add_perm("awards.record_outside_decision", officer_or_clerk_of_proposing_unit)
