"""What a user may do with a decision or an award kind's certificate template they can read.

Asked everywhere the same way, `user.has_perm("commendations.<action>", obj)`: by the views
and templates to show or refuse (403), and by commendations.services again under the row lock.
"""

import rules

from commendations.models import DecisionState
from commendations.scoping import is_clerk_at
from unions import scoping


@rules.predicate
def clerk_of_issuing_unit(user, decision):
    return is_clerk_at(user, decision.issuing_unit_id)


@rules.predicate
def is_draft(user, decision):
    return decision.state == DecisionState.DRAFT


@rules.predicate
def is_issued(user, decision):
    return decision.state == DecisionState.ISSUED


@rules.predicate
def clerk_of_granting_level(user, award_kind):
    if scoping.is_superuser(user):
        return True
    return scoping.clerk_units(user).filter(level=award_kind.granting_level).exists()


rules.add_perm("commendations.edit_decision", clerk_of_issuing_unit & is_draft)
rules.add_perm("commendations.issue_decision", clerk_of_issuing_unit & is_draft)
rules.add_perm("commendations.render_decision", clerk_of_issuing_unit & is_issued)
rules.add_perm("commendations.revoke_commendation", clerk_of_issuing_unit & is_issued)
rules.add_perm("commendations.edit_certificate_template", clerk_of_granting_level)
