"""Who may see which nominations, and whose review queue holds which: built on unions.scoping.

- A user reads the nominations proposed by the units of their readable subtree (the units at or
  below a unit where they hold a role). A nomination only ever travels up through the proposing
  unit's ancestors, so every unit it reaches reads it too: the reviewers and clerks of the levels
  it passed keep seeing it after it moved on or came back.
- A reviewer at unit U reviews what U's committee holds: the nominations submitted by U's
  children, those forwarded from further below, and those whose award is granted at U's own
  level when U itself proposes them. Their queue lists every nomination that has reached U;
  the ones awaiting U's decision are `awaiting_decision_by(user)`.

Views fetch nominations only through get_nomination_or_404(): outside the scope, 404.
"""

from django.db.models import Q

from awards.models import (
    AWAITING_STATES,
    EDITABLE_STATES,
    NOMINATION_RELATED,
    Evidence,
    Nomination,
)
from unions import scoping
from unions.models import Role, Unit


def nominations_visible_to(user):
    if scoping.is_superuser(user):
        return Nomination.objects.all()
    return Nomination.objects.filter(
        Unit.subtrees_q(scoping.role_paths(user), prefix="proposing_unit__")
    )


def _reviewer_roles(user):
    return [held for held in scoping.held_roles(user) if held.role == Role.REVIEWER]


def _reached_q(roles):
    """Nominations that have come before the committee of any of these units.

    A committee at unit U holds what is proposed below U once it has come up to U (or past it),
    and what U itself proposes only when U grants it: what U sends up goes to the unit above.
    """
    query = Q(pk__in=[])
    for held in roles:
        depth = Unit.depth_of(held.path)
        query |= Q(
            proposing_unit__path__startswith=held.path,
            proposing_unit__depth__gt=depth,
            furthest_unit__depth__lte=depth,
        ) | Q(
            proposing_unit_id=held.unit_id,
            deciding_unit_id=held.unit_id,
            furthest_unit__isnull=False,
        )
    return query


def nominations_to_complete(user):
    """Drafts and returned nominations of the units the user manages as an officer."""
    paths = scoping.role_paths(user, Role.OFFICER)
    return Nomination.objects.filter(
        Unit.subtrees_q(paths, prefix="proposing_unit__"), state__in=EDITABLE_STATES
    )


def review_queue_for(user):
    """Every nomination that has reached a unit where the user is a reviewer, in any state."""
    if scoping.is_superuser(user):
        return Nomination.objects.filter(furthest_unit__isnull=False)
    return Nomination.objects.filter(_reached_q(_reviewer_roles(user)))


def awaiting_decision_by(user):
    """The nominations waiting for a decision of a committee where the user is a reviewer."""
    queryset = Nomination.objects.filter(state__in=AWAITING_STATES)
    if scoping.is_superuser(user):
        return queryset
    return queryset.filter(reviewing_unit__in=reviewer_unit_ids(user))


def queue_units_for(user):
    """The units a reviewer filters their queue by: their committees' units and the units
    directly below them, whose nominations come up to them."""
    if scoping.is_superuser(user):
        # An administrator holds no reviewer role: the roots and the units directly below them.
        root_paths = [root.path for root in Unit.objects.get_root_nodes()]
    else:
        root_paths = scoping.role_paths(user, Role.REVIEWER)
    return Unit.objects.filter(Q(path__in=root_paths) | Unit.children_q(root_paths))


def sits_on_a_committee(user):
    """Whether the user has a review queue at all (a reviewer somewhere, or an administrator)."""
    return scoping.is_superuser(user) or bool(reviewer_unit_ids(user))


def reviewer_unit_ids(user):
    return {held.unit_id for held in scoping.held_roles(user) if held.role == Role.REVIEWER}


def is_reviewer_at(user, unit_id):
    return scoping.is_superuser(user) or unit_id in reviewer_unit_ids(user)


def has_reviewed_on_the_way(user, nomination):
    """Whether the nomination has come before a committee where the user is a reviewer (it may
    have moved on since): the same test as _reached_q, on one nomination."""
    if scoping.is_superuser(user):
        return True
    if nomination.furthest_unit_id is None:
        return False
    proposing = nomination.proposing_unit
    furthest_depth = nomination.furthest_unit.depth
    for held in _reviewer_roles(user):
        depth = Unit.depth_of(held.path)
        below = proposing.path.startswith(held.path) and proposing.depth > depth
        if (below and furthest_depth <= depth) or (
            held.unit_id == proposing.pk == nomination.deciding_unit_id
        ):
            return True
    return False


def get_nomination_or_404(user, pk):
    return scoping.get_or_404(
        nominations_visible_to(user).select_related(*NOMINATION_RELATED),
        pk,
    )


def get_evidence_or_404(user, nomination_pk, pk):
    nomination = get_nomination_or_404(user, nomination_pk)
    return scoping.get_or_404(Evidence.objects.filter(nomination=nomination), pk)


# --- Proposals to outside authorities ---------------------------------------------------------
# Read by whoever reads the proposing unit (its staff and the levels above), like a decision.


def outside_proposals_visible_to(user):
    from awards.models import OutsideProposal

    if scoping.is_superuser(user):
        return OutsideProposal.objects.all()
    return OutsideProposal.objects.filter(
        Unit.subtrees_q(scoping.role_paths(user), prefix="unit__")
    )


def get_outside_proposal_or_404(user, pk):
    return scoping.get_or_404(
        outside_proposals_visible_to(user).select_related("unit", "award_kind"), pk
    )
