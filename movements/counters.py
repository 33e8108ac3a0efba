"""The navigation's badges of the movements app (unions/nav_counts.py): registrations awaiting
the reviewer's decision, and the officer's registrations still to send."""

from movements import scoping
from movements.models import RegistrationState
from unions import scoping as unions_scoping
from unions.models import Role


def registrations_waiting(user):
    if not unions_scoping.role_paths(user, Role.REVIEWER):
        return None
    return scoping.registrations_reviewable_by(user).filter(state=RegistrationState.AWAITING)


def registrations_to_file(user):
    if not unions_scoping.role_paths(user, Role.OFFICER):
        return None
    return scoping.registrations_to_file(user)
