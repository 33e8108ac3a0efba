"""Who may act on movements and registrations: the permissions of the movements app.

Asked everywhere the same way, `user.has_perm("movements.<action>", obj)`, by views,
templates, the admin and movements.services; built on the union tree's predicates.
Whether the movement or registration, as it is now, allows the action (a closed movement is not
edited, a decided registration is not decided again) is the services' rule.
"""

import rules

from unions import scoping
from unions.models import Role, Unit
from unions.rules import holds_role_at, manages_unit


@rules.predicate
def manages_launching_unit(user, movement):
    """Officers of the launching unit (or above it) edit, launch and close a movement."""
    return movement is not None and manages_unit(user, movement.launching_unit)


@rules.predicate
def keeps_award_kind(user, kind):
    """Who keeps an award kind: the catalogue (kinds of no movement) is the Confederation's
    regulation, kept by the officers of a root unit; a movement's own kind (its "điển hình"
    honour) by those who manage the movement. `kind` None asks about a new catalogue kind."""
    if kind is not None and kind.movement_id:
        return manages_launching_unit(user, kind.movement)
    return any(
        h.role == Role.OFFICER and Unit.depth_of(h.path) == 1 for h in scoping.held_roles(user)
    )


@rules.predicate
def reviews_at_parent(user, unit):
    """The committee of a unit's parent decides the unit's registrations."""
    if unit is None or unit.is_root():
        return False
    parent = unit.parent_path
    return any(h.role == Role.REVIEWER and h.path == parent for h in scoping.held_roles(user))


@rules.predicate
def sits_on_committee_of(user, unit):
    """The reviewers of a unit decide its children's registrations."""
    return holds_role_at(user, unit, Role.REVIEWER)


@rules.predicate
def reviews_registrations_unit(user, registration):
    """The committee above the registering unit in the registration's movement: its parent's,
    or, for a unit guided by the launching unit, the launching (guiding) unit's."""
    if registration is None:
        return False
    unit = registration.unit
    guide = unit.guiding_unit_id
    # (The movement is read only for a guided unit: the other registrations need no query.)
    if guide is not None and guide == registration.round.movement.launching_unit_id:
        return any(h.role == Role.REVIEWER and h.unit_id == guide for h in scoping.held_roles(user))
    return reviews_at_parent(user, unit)


# On a unit: officers of the unit (or above it) launch its movements and register it.
rules.add_perm("movements.create_movement", manages_unit)
rules.add_perm("movements.register_unit", manages_unit)
rules.add_perm("movements.review_unit_registrations", reviews_at_parent)
rules.add_perm("movements.review_children_registrations", sits_on_committee_of)
# On a movement or a registration.
rules.add_perm("movements.manage_movement", manages_launching_unit)
rules.add_perm("movements.review_registration", reviews_registrations_unit)
# On an award kind (None: a new kind of the catalogue).
rules.add_perm("movements.keep_award_kind", keeps_award_kind)
