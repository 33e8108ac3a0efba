"""Who may see and act on which movements, rounds and registrations, built on unions.scoping.

- A movement concerns the launching unit's whole subtree and, when the launching unit guides
  other units (the guidance line, unions.models.Unit.guiding_unit), their subtrees too. A user
  sees the movements launched
  inside their readable subtree (drafts included: they may be the ones preparing them) and the
  launched (open or closed) movements of every unit above a unit where they hold a role, or
  guiding such a unit or a unit above it. A draft is not yet published, so it stays hidden from
  the units below.
- A movement is managed (edited, launched, closed) by the officers of its launching unit or of
  a unit above it.
- Registrations are read by whoever reads the registering unit; they are decided by the
  reviewers of the unit directly above the registering unit (the level above reviews the level
  below, as for nominations); in an annual round they decide the unit's registration with its
  list of members, and the members' lines with it. A guided unit's own registration in its
  guiding unit's movement is decided by the guiding unit's reviewers, who read it and nothing
  else of the unit.

Views fetch objects only through the get_* functions here: outside the scope they raise Http404.
"""

from django.db.models import F, Q
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
    reaching = Q(launching_unit__path__in=above) | Unit.guides_above_q(
        paths, prefix="launching_unit__"
    )
    return Unit.subtrees_q(paths, prefix="launching_unit__") | (
        reaching & ~Q(state=MovementState.DRAFT)
    )


def visible_movements(user):
    """The movements the user may read (see the module docstring)."""
    if scoping.is_superuser(user):
        return Movement.objects.all()
    if not scoping.held_roles(user):
        return Movement.objects.none()
    return Movement.objects.filter(_movement_q(user))


def get_movement_or_404(user, pk):
    return scoping.get_or_404(visible_movements(user).select_related("launching_unit"), pk)


def _reaching_q(unit):
    """Movements launched by the unit, a unit above it, or a unit guiding either."""
    return Q(launching_unit__path__in=unit.ancestor_paths) | Unit.guides_above_q(
        [unit.path], prefix="launching_unit__"
    )


def movements_concerning(user, unit):
    """The movements the user may read that concern `unit`: launched by the unit or above it,
    or by a unit guiding one of those (they cover its subtree), or launched inside its subtree."""
    return (
        visible_movements(user)
        .filter(_reaching_q(unit) | Q(launching_unit__path__startswith=unit.path))
        .order_by("-starts_on", "code")
    )


def movements_open_to_unit(unit):
    """The OPEN movements that concern `unit`: launched by the unit itself or a unit above it,
    or by the guiding unit of one of those."""
    return Movement.objects.filter(_reaching_q(unit), state=MovementState.OPEN)


def movement_covers(movement, unit):
    """Whether `unit` takes part in the movement: it lies in the launching unit's subtree (the
    launching unit included) or in the subtree of a unit the launching unit guides."""
    return unit.reached_by(movement.launching_unit)


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


def _guided_registrations_q(unit_ids):
    """Registrations of units guided by `unit_ids` in the movements those units launched: what
    comes to a guiding unit's committee along the guidance line."""
    return Q(
        unit__guiding_unit_id__in=unit_ids,
        round__movement__launching_unit_id=F("unit__guiding_unit_id"),
    )


def registrations_visible_to(user):
    """Registrations of the units in the user's readable subtree, and those that came to their
    committee along the guidance line."""
    if scoping.is_superuser(user):
        return Registration.objects.all()
    paths = scoping.role_paths(user)
    return Registration.objects.filter(
        Unit.subtrees_q(paths, prefix="unit__")
        | _guided_registrations_q(scoping.reviewer_units(user).values("pk"))
    )


def registrations_reviewable_by(user):
    """Registrations of the children of the units where the user is a reviewer, and of the
    units those units guide, in the movements they launched."""
    # A member's line of a unit's annual list is decided with the list, never on its own.
    if scoping.is_superuser(user):
        return Registration.objects.filter(
            unit__in=Unit.objects.below_the_roots(), filed_with__isnull=True
        )
    reviewer_paths = scoping.role_paths(user, Role.REVIEWER)
    reviewer_ids = sorted(
        {held.unit_id for held in scoping.held_roles(user) if held.role == Role.REVIEWER}
    )
    # Both lines asked of the joined unit, so that PostgreSQL reads the few units concerned
    # first (the children through `unit_children`, the guided units through their guiding
    # unit's index) and then each one's registrations through the registrations' unit index.
    # Asked as sets of ids with an OR over the registrations, it read every registration
    # awaiting a decision in the country to keep a province's (30,000 for 578: 6.6 ms of every
    # page of a province reviewer, for the badge; 1.8 ms so).
    return Registration.objects.filter(
        Unit.children_q(reviewer_paths, prefix="unit__") | _guided_registrations_q(reviewer_ids),
        filed_with__isnull=True,
    )


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
    # Sets of ids rather than joins (Unit.within_q): counted on every page of an officer.
    return _to_file(Unit.within_q(paths, "unit"))


def registrations_to_file_by_path(user):
    """The rows of registrations_to_file(user), for a list in the order of the units' paths:
    the subtree asked as a join on the unit's path (Unit.within_joined_q).

    Asked as a set of ids, a province's subtree was read once for the filter and each row's
    unit once more for its path (4,000 index pages for its 1,300 registrations to send);
    joined, the path that filters is the one that sorts (180 pages).
    """
    paths = scoping.role_paths(user, Role.OFFICER)
    return _to_file(Unit.within_joined_q(paths, "unit"))


def _to_file(subtree):
    return Registration.objects.filter(
        subtree,
        state__in=SENDABLE_REGISTRATION_STATES,
        round__in=Round.objects.filter(movement__state=MovementState.OPEN).values("pk"),
        filed_with__isnull=True,  # an annual list's lines are sent again with the list
    )


def deadlines_ahead_for(user, *, until, now=None):
    """The round deadlines of open movements that bind a unit where the user is an officer or a
    reviewer (a deadline of the unit's level, in a movement covering the unit on either line),
    from now until `until`, soonest first. One query, however many roles."""
    from movements.models import RoundDeadline

    query = Q(pk__in=[])
    launched = "round__movement__launching_unit__"
    for held in scoping.held_roles(user):
        if held.role in (Role.OFFICER, Role.REVIEWER):
            query |= Q(level=held.level) & (
                Q(**{f"{launched}path__in": Unit.ancestor_paths_of(held.path)})
                | Unit.guides_above_q([held.path], prefix=launched)
            )
    return RoundDeadline.objects.filter(
        query,
        deadline__gte=now or timezone.now(),
        deadline__lte=until,
        round__movement__state=MovementState.OPEN,
    ).order_by("deadline", "pk")
