"""Who may act on decisions and certificate templates: the permissions of commendations.

Asked everywhere the same way, `user.has_perm("commendations.<action>", obj)`: by the views
and templates (a button, or 403) and by commendations.services again under the row lock.
A permission says who has the authority; whether the decision, as it is now, allows the action
(an issued decision is never edited, a draft has no certificates) is the services' rule, with
its reason: `commendations.services.refusal(action, decision, actor)`.
"""

import rules

from unions import scoping
from unions.models import Role, Unit
from unions.rules import holds_role_at


@rules.predicate
def clerk_at(user, unit):
    """The clerks of a unit draft, issue and print its decisions."""
    return holds_role_at(user, unit, Role.CLERK)


@rules.predicate
def clerk_of_issuing_unit(user, decision):
    return decision is not None and clerk_at(user, decision.issuing_unit)


def owns_award_kind(user, award_kind):
    """Whether the user is a clerk of the unit that owns the award kind, the body whose rules
    define it for everyone: the launching unit of its movement for a movement's own honour, the
    root of the tree (the Confederation, whose regulation lists the titles) otherwise."""
    if award_kind is None:
        return False
    if award_kind.movement_id is not None:
        return holds_role_at(user, award_kind.movement.launching_unit, Role.CLERK)
    return any(
        h.role == Role.CLERK and Unit.depth_of(h.path) == 1 for h in scoping.held_roles(user)
    )


@rules.predicate
def edits_certificate_template(user, template):
    """A unit's own template (commendations.models.CertificateTemplate with a unit): the clerks
    of that unit, which grants the award kind. The kind's default (no unit): its owner's
    clerks only, since every unit of the level prints on it."""
    if template is None:
        return False
    if template.unit_id is None:
        return owns_award_kind(user, template.award_kind)
    unit = template.unit
    return template.award_kind.is_granted_at(unit.level) and clerk_at(user, unit)


# On a unit.
rules.add_perm("commendations.draft_decision", clerk_at)
rules.add_perm("commendations.set_emblem", clerk_at)
# On a decision.
DECISION_ACTIONS = ("edit_decision", "issue_decision", "render_decision", "revoke_commendation")
for action in DECISION_ACTIONS:
    rules.add_perm(f"commendations.{action}", clerk_of_issuing_unit)
# On a certificate template (a unit's own, or an award kind's default; may be unsaved).
rules.add_perm("commendations.edit_certificate_template", edits_certificate_template)
