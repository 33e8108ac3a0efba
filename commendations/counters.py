"""The navigation's badge of the commendations app (unions/nav_counts.py): approved nominations
waiting for a decision of the clerk's units."""

from commendations import scoping
from unions import scoping as unions_scoping
from unions.models import Role


def to_decide(user):
    if not unions_scoping.role_paths(user, Role.CLERK):
        return None
    return scoping.awaiting_decision_at_clerk_units(user)
