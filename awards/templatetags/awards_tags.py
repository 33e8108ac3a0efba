from django import template

from awards import scoping
from awards.models import EDITABLE_STATES, Nomination
from unions import scoping as unions_scoping
from unions.models import Role, Unit

register = template.Library()

HOME_ITEMS = 5


@register.simple_tag(takes_context=True)
def awards_home_panel(context):
    """The home card: my drafts and returned nominations, and what awaits my committees.

    At most two queries, and none for a user without an officer or reviewer role.
    """
    user = context["request"].user
    held = unions_scoping.held_roles(user)
    officer_paths = {h.path for h in held if h.role == Role.OFFICER}
    panel = {"to_complete": [], "more": False, "awaiting": 0, "is_reviewer": False}
    if officer_paths:
        items = list(
            Nomination.objects.filter(
                Unit.subtrees_q(officer_paths, prefix="proposing_unit__"),
                state__in=EDITABLE_STATES,
            )
            .select_related("award_kind", "nominee_member", "nominee_unit")
            .order_by("-state", "-updated_at")[: HOME_ITEMS + 1]
        )
        panel["to_complete"], panel["more"] = items[:HOME_ITEMS], len(items) > HOME_ITEMS
    if scoping.reviewer_unit_ids(user):
        panel["is_reviewer"] = True
        panel["awaiting"] = scoping.awaiting_decision_by(user).count()
    return panel


@register.simple_tag(takes_context=True)
def awards_is_reviewer(context):
    user = context["request"].user
    return bool(scoping.reviewer_unit_ids(user)) or unions_scoping.is_superuser(user)
