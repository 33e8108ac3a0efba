"""Named django-rules predicates for movements and registrations, built on movements.scoping.

Templates and other apps ask e.g. `user.has_perm("movements.manage_movement", movement)`; the
answer comes from the scoping module, so that there is one definition of who may do what.
"""

import rules

from movements import scoping


@rules.predicate
def can_manage_movement(user, movement):
    return movement is not None and scoping.can_manage_movement(user, movement)


@rules.predicate
def can_register_for(user, unit):
    return unit is not None and scoping.can_register_for(user, unit)


@rules.predicate
def can_review_registration(user, registration):
    return registration is not None and scoping.can_review_registration(user, registration)


rules.add_perm("movements.manage_movement", can_manage_movement)
rules.add_perm("movements.register_unit", can_register_for)
rules.add_perm("movements.review_registration", can_review_registration)
