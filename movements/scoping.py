"""Who may see and act on which movements, rounds and registrations, built on unions.scoping.

- A movement concerns the launching unit's whole subtree. A user sees the movements launched
  inside their readable subtree (drafts included: they may be the ones preparing them) and the
  launched (open or closed) movements of every unit above a unit where they hold a role. A draft
  is not yet published, so it stays hidden from the units below.
- A movement is managed (edited, launched, closed) by the officers of its launching unit or of
  a unit above it.
- Registrations are read by whoever reads the registering unit; they are decided by the
  reviewers of the unit directly above the registering unit (the level above reviews the level
  below, as for nominations).

Views fetch objects only through the get_* functions here: outside the scope they raise Http404.
"""

from django.db.models import Q
from django.http import Http404

from movements.models import Movement, MovementState, Registration, Round
from unions import scoping
from unions.models import Role, Unit


def ancestor_paths(path):
    """The materialized paths of a unit and of every unit above it, top first."""
    return [path[:end] for end in range(Unit.steplen, len(path) + 1, Unit.steplen)]


def parent_path(path):
    return path[: -Unit.steplen]


# --- Movements ------------------------------------------------------------------------------


def _movement_q(user):
    paths = scoping.role_paths(user)
    above = {ancestor for path in paths for ancestor in ancestor_paths(path)}
    launched_above = Q(launching_unit__path__in=above) & ~Q(state=MovementState.DRAFT)
    return scoping.units_q(paths, prefix="launching_unit__") | launched_above


def visible_movements(user):
    """The movements the user may read (see the module docstring)."""
    if scoping.is_superuser(user):
        return Movement.objects.all()
    if not scoping.held_roles(user):
        return Movement.objects.none()
    return Movement.objects.filter(_movement_q(user))


def get_visible_movement(user, pk):
    try:
        return visible_movements(user).select_related("launching_unit").get(pk=pk)
    except (Movement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def movements_open_to_unit(unit):
    """The OPEN movements that concern `unit`: launched by the unit itself or a unit above it."""
    return Movement.objects.filter(
        state=MovementState.OPEN, launching_unit__path__in=ancestor_paths(unit.path)
    )


def can_manage_movement(user, movement):
    return scoping.can_manage_unit(user, movement.launching_unit)


def movement_covers(movement, unit):
    """Whether `unit` lies in the movement's subtree (the launching unit included)."""
    return unit.path.startswith(movement.launching_unit.path)


def launchable_units(user):
    """The units for which the user may create a movement: where they are an officer.

    An officer of a higher unit manages the units below too, but a movement of a grassroots
    union is its own officers' business; an administrator may pick any unit above grassroots.
    """
    if scoping.is_superuser(user):
        return Unit.objects.exclude(level__in=["grassroots", "group"])
    return scoping.officer_units(user)


# --- Rounds ---------------------------------------------------------------------------------


def get_visible_round(user, pk):
    try:
        return (
            Round.objects.filter(movement__in=visible_movements(user))
            .select_related("movement__launching_unit")
            .prefetch_related("deadlines")
            .get(pk=pk)
        )
    except (Round.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Registrations --------------------------------------------------------------------------


def registrations_visible_to(user):
    """Registrations of the units in the user's readable subtree."""
    if scoping.is_superuser(user):
        return Registration.objects.all()
    paths = scoping.role_paths(user)
    return Registration.objects.filter(scoping.units_q(paths, prefix="unit__"))


def _reviewed_q(user, prefix):
    query = Q(pk__in=[])
    for held in scoping.held_roles(user):
        if held.role == Role.REVIEWER:
            query |= Q(
                **{
                    f"{prefix}path__startswith": held.path,
                    f"{prefix}depth": len(held.path) // Unit.steplen + 1,
                }
            )
    return query


def registrations_reviewable_by(user):
    """Registrations of the children of the units where the user is a reviewer."""
    if scoping.is_superuser(user):
        return Registration.objects.filter(unit__depth__gt=1)
    return Registration.objects.filter(_reviewed_q(user, "unit__"))


def get_visible_registration(user, pk):
    try:
        return (
            registrations_visible_to(user)
            .select_related("round__movement__launching_unit", "unit", "member", "target_award")
            .get(pk=pk)
        )
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_review_unit_registrations(user, unit):
    """Whether the user decides the registrations of `unit` (a reviewer of its parent)."""
    if scoping.is_superuser(user):
        return unit.depth > 1
    parent = parent_path(unit.path)
    return any(
        held.role == Role.REVIEWER and held.path == parent for held in scoping.held_roles(user)
    )


def reviews_children_of(user, unit):
    """Whether the user sits on `unit`'s reviewing committee (decides its children's)."""
    if scoping.is_superuser(user):
        return True
    return any(h.role == Role.REVIEWER and h.unit_id == unit.pk for h in scoping.held_roles(user))


def can_review_registration(user, registration):
    return can_review_unit_registrations(user, registration.unit)


def can_register_for(user, unit):
    """Officers of the unit, or of a unit above it, register it and its members."""
    return scoping.can_manage_unit(user, unit)


def can_create_movement_for(user, unit):
    """Officers of a unit (or above it) launch movements for the unit's subtree."""
    return scoping.can_manage_unit(user, unit)
