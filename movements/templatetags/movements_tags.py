from datetime import timedelta

from django import template
from django.utils import timezone

from movements import scoping
from movements.models import MovementState, Registration
from unions import nav_counts
from unions import scoping as unions_scoping
from unions.models import Role

register = template.Library()

HOME_MOVEMENTS = 5
HOME_ITEMS = 5
# The officer's and reviewer's deadlines on the home page: those of the next days.
DEADLINE_DAYS = 14


@register.simple_tag(takes_context=True)
def movements_home_panel(context):
    """The home page's movements card: open movements, registrations awaiting my decision,
    my units' registrations still to send, and the deadlines of the next 14 days.

    At most three queries, whatever the numbers (the card sits on every user's first page):
    the counts are the navigation's badges (unions/nav_counts.py), read in its one query.
    """
    user = context["request"].user
    counts = context.get("nav_counts") or nav_counts.counts_for(user)
    movements = (
        scoping.visible_movements(user)
        .filter(state=MovementState.OPEN)
        .select_related("launching_unit")
        .order_by("-starts_on", "code")[:HOME_MOVEMENTS]
    )
    panel = {"movements": movements, "waiting": counts["registrations_waiting"], "to_file": [],
             "to_file_count": 0, "deadlines": None}  # fmt: skip
    if unions_scoping.role_paths(user, Role.OFFICER):
        panel["to_file_count"] = count = counts["registrations_to_file"]
        if count:
            order = ("round__registration_deadline", "unit__path", "pk")
            # The first few chosen on the narrow rows (deadline, path), then read whole: an
            # officer high in the tree has thousands to send, and sorting them with every
            # joined column (the member's among them) cost more than the rest of the page.
            to_file = scoping.registrations_to_file_by_path(user)
            first = to_file.order_by(*order).values("pk")[:HOME_ITEMS]
            panel["to_file"] = list(
                Registration.objects.filter(pk__in=first)
                .select_related("round__movement", "unit", "member", "target_award")
                .order_by(*order)
            )
    if unions_scoping.role_paths(user, Role.OFFICER, Role.REVIEWER):
        now = timezone.now()
        panel["deadlines"] = list(
            scoping.deadlines_ahead_for(
                user, until=now + timedelta(days=DEADLINE_DAYS), now=now
            ).select_related("round__movement")[:10]
        )
    return panel
