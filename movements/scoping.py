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
from django.utils import timezone

from movements.models import (
    SENDABLE_REGISTRATION_STATES,
    AwardKind,
    Movement,
    MovementState,
    Registration,
    Round,
)
from unions import scoping
from unions.models import Role, Unit


def _movement_q(user):
    paths = scoping.role_paths(user)
    above = {ancestor for path in paths for ancestor in Unit.ancestor_paths_of(path)}
    launched_above = Q(launching_unit__path__in=above) & ~Q(state=MovementState.DRAFT)
    return Unit.subtrees_q(paths, prefix="launching_unit__") | launched_above


def visible_movements(user):
    """The movements the user may read (see the module docstring)."""
    if scoping.is_superuser(user):
        return Movement.objects.all()
    if not scoping.held_roles(user):
        return Movement.objects.none()
    return Movement.objects.filter(_movement_q(user))


def get_movement_or_404(user, pk):
    return scoping.get_or_404(visible_movements(user).select_related("launching_unit"), pk)


def movements_concerning(user, unit):
    """The movements the user may read that concern `unit`: launched by the unit or above it
    (they cover its subtree), or launched inside its subtree."""
    return (
        visible_movements(user)
        .filter(
            Q(launching_unit__path__in=unit.ancestor_paths)
            | Q(launching_unit__path__startswith=unit.path)
        )
        .order_by("-starts_on", "code")
    )


def movements_open_to_unit(unit):
    """The OPEN movements that concern `unit`: launched by the unit itself or a unit above it."""
    return Movement.objects.filter(
        state=MovementState.OPEN, launching_unit__path__in=unit.ancestor_paths
    )


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


def get_round_or_404(user, pk):
    return scoping.get_or_404(
        Round.objects.filter(movement__in=visible_movements(user))
        .select_related("movement__launching_unit")
        .prefetch_related("deadlines"),
        pk,
    )


# --- Registrations --------------------------------------------------------------------------


def registrations_visible_to(user):
    """Registrations of the units in the user's readable subtree."""
    if scoping.is_superuser(user):
        return Registration.objects.all()
    paths = scoping.role_paths(user)
    return Registration.objects.filter(Unit.subtrees_q(paths, prefix="unit__"))


def registrations_reviewable_by(user):
    """Registrations of the children of the units where the user is a reviewer."""
    if scoping.is_superuser(user):
        return Registration.objects.filter(unit__in=Unit.objects.below_the_roots())
    reviewer_paths = scoping.role_paths(user, Role.REVIEWER)
    return Registration.objects.filter(Unit.children_q(reviewer_paths, prefix="unit__"))


def get_registration_or_404(user, pk):
    return scoping.get_or_404(
        registrations_visible_to(user).select_related(
            "round__movement__launching_unit", "unit", "member", "target_award"
        ),
        pk,
    )


# --- Award kinds ----------------------------------------------------------------------------


def award_kinds_visible_to(user):
    """The catalogue of titles and forms of commendation is the same for every signed-in user."""
    if not getattr(user, "is_authenticated", False):
        return AwardKind.objects.none()
    return AwardKind.objects.all()


def get_award_kind_or_404(user, pk):
    return scoping.get_or_404(award_kinds_visible_to(user), pk)


# --- Worklists (the home page and the navigation's badges) ----------------------------------


def registrations_to_file(user):
    """Registrations of the officer's units (their subtree) still to send: not sent, or
    returned, in a round of an open movement."""
    paths = scoping.role_paths(user, Role.OFFICER)
    return Registration.objects.filter(
        Unit.subtrees_q(paths, prefix="unit__"),
        state__in=SENDABLE_REGISTRATION_STATES,
        round__movement__state=MovementState.OPEN,
    )


def deadlines_ahead_for(user, *, until, now=None):
    """The round deadlines of open movements that bind a unit where the user is an officer or a
    reviewer (a deadline of the unit's level, in a movement covering the unit), from now until
    `until`, soonest first."""
    from movements.models import RoundDeadline

    query = Q(pk__in=[])
    for held in scoping.held_roles(user):
        if held.role in (Role.OFFICER, Role.REVIEWER):
            query |= Q(
                level=held.level,
                round__movement__launching_unit__path__in=Unit.ancestor_paths_of(held.path),
            )
    return RoundDeadline.objects.filter(
        query,
        deadline__gte=now or timezone.now(),
        deadline__lte=until,
        round__movement__state=MovementState.OPEN,
    ).order_by("deadline", "pk")
