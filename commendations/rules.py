"""Who may act on decisions and certificate templates: the permissions of commendations.

Asked everywhere the same way, `user.has_perm("commendations.<action>", obj)`: by the views
and templates (a button, or 403) and by commendations.services again under the row lock.
A permission says who has the authority; whether the decision, as it is now, allows the action
(an issued decision is never edited, a draft has no certificates) is the services' rule, with
its reason: `commendations.services.refusal(action, decision, actor)`.
"""

import rules

from unions import scoping
from unions.models import Role
from unions.rules import holds_role_at


@rules.predicate
def clerk_at(user, unit):
    """The clerks of a unit draft, issue and print its decisions."""
    return holds_role_at(user, unit, Role.CLERK)


@rules.predicate
def clerk_of_issuing_unit(user, decision):
    return decision is not None and clerk_at(user, decision.issuing_unit)


@rules.predicate
def clerk_of_granting_level(user, award_kind):
    """A certificate template is edited by a clerk at the level that grants the award kind."""
    return award_kind is not None and any(
        h.role == Role.CLERK and award_kind.is_granted_at(h.level) for h in scoping.held_roles(user)
    )


# On a unit.
rules.add_perm("commendations.draft_decision", clerk_at)
rules.add_perm("commendations.set_emblem", clerk_at)
# On a decision.
DECISION_ACTIONS = ("edit_decision", "issue_decision", "render_decision", "revoke_commendation")
for action in DECISION_ACTIONS:
    rules.add_perm(f"commendations.{action}", clerk_of_issuing_unit)
# On an award kind.
rules.add_perm("commendations.edit_certificate_template", clerk_of_granting_level)
