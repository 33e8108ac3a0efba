from django import template

from awards import scoping
from unions import scoping as unions_scoping
from unions.models import Role

register = template.Library()

HOME_ITEMS = 5


@register.simple_tag(takes_context=True)
def awards_home_panel(context):
    """The home card: my drafts and returned nominations, and what awaits my committees.

    At most two queries, and none for a user without an officer or reviewer role.
    """
    user = context["request"].user
    panel = {"to_complete": [], "more": False, "awaiting": 0, "is_reviewer": False}
    if unions_scoping.role_paths(user, Role.OFFICER):
        items = list(
            scoping.nominations_to_complete(user)
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
    return scoping.sits_on_a_committee(user)


@register.simple_tag(takes_context=True)
def may_nominate(context):
    """Whether the user is an officer somewhere (whom they may nominate, the picker says)."""
    user = context["request"].user
    return unions_scoping.is_superuser(user) or bool(unions_scoping.role_paths(user, Role.OFFICER))
