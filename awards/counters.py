"""The navigation's badges of the awards app (unions/nav_counts.py): the officer's nominations
to complete, what awaits the reviewer's committee."""

from awards import scoping
from unions import scoping as unions_scoping
from unions.models import Role


def to_complete(user):
    if not unions_scoping.role_paths(user, Role.OFFICER):
        return None
    return scoping.nominations_to_complete(user)


def awaiting(user):
    units = scoping.reviewer_unit_ids(user)
    if not units:
        return None
    return scoping.awaiting_decision_by(user)
