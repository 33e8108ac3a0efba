from django import template

from movements import scoping
from movements.models import MovementState, RegistrationState

register = template.Library()

HOME_MOVEMENTS = 5


@register.simple_tag(takes_context=True)
def movements_home_panel(context):
    """The home page's movements card: open movements and registrations awaiting my decision.

    Two queries, whatever the numbers: the card sits on every user's first page.
    """
    user = context["request"].user
    movements = (
        scoping.visible_movements(user)
        .filter(state=MovementState.OPEN)
        .select_related("launching_unit")
        .order_by("-starts_on", "code")[:HOME_MOVEMENTS]
    )
    waiting = (
        scoping.registrations_reviewable_by(user).filter(state=RegistrationState.AWAITING).count()
    )
    return {"movements": movements, "waiting": waiting}
