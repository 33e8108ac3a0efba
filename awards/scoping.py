"""Who may see which nominations, and whose review queue holds which: built on unions.scoping.

- A user reads the nominations proposed by the units of their readable subtree (the units at or
  below a unit where they hold a role). A nomination only ever travels up through the proposing
  unit's ancestors, so every unit it reaches reads it too: the reviewers and clerks of the levels
  it passed keep seeing it after it moved on or came back.
- A reviewer at unit U reviews what U's committee holds: the nominations submitted by U's
  children, those forwarded from further below, and those whose award is granted at U's own
  level when U itself proposes them. Their queue lists every nomination that has reached U;
  the ones awaiting U's decision are `awaiting_decision_by(user)`.
- The guidance line: a nomination in a movement of a guiding unit travels up the proposing
  unit's ancestors to the guided unit, then to the guiding unit (`Nomination.guided_unit` is
  set). Such a nomination has reached the committees it was sent to (its history says which),
  and the staff of a unit it was sent to read it; they read nothing else of the guided units
  (not their members, not their other nominations).

Views fetch nominations only through get_nomination_or_404(): outside the scope, 404.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from awards.models import (
    AWAITING_STATES,
    EDITABLE_STATES,
    NOMINATION_RELATED,
    ConflictOfInterest,
    CouncilVote,
    Evidence,
    Nomination,
    NominationState,
    NominationTransition,
    Objection,
    PublicNotice,
    ReviewScore,
)
from unions import scoping
from unions.models import Member, MemberStatus, Role, Unit

# The transitions that send a nomination up to a committee.
SENT_UP_STATES = (NominationState.SUBMITTED, NominationState.FORWARDED)


def _sent_to_q(unit_ids):
    """Nominations on the guidance line that were sent up to any of these units.

    The ids sent there, as one subquery that PostgreSQL hashes once, not a correlated EXISTS:
    inside an OR the planner costs an EXISTS as one probe per row of the table, even where
    `guided_unit IS NOT NULL` is never true, and a query that looks that dear is compiled by
    JIT first (30 to 40 ms of the filtered review queue's count, issue 13)."""
    if not unit_ids:
        return Q(pk__in=[])
    sent = NominationTransition.objects.filter(
        to_unit_id__in=unit_ids, to_state__in=SENT_UP_STATES
    ).values("nomination_id")
    return Q(guided_unit__isnull=False, pk__in=sent)


def nominations_visible_to(user):
    if scoping.is_superuser(user):
        return Nomination.objects.all()
    held = scoping.held_roles(user)
    return Nomination.objects.filter(
        Unit.subtrees_q(scoping.role_paths(user), prefix="proposing_unit__")
        | _sent_to_q({h.unit_id for h in held})
    )


def _reviewer_roles(user):
    return [held for held in scoping.held_roles(user) if held.role == Role.REVIEWER]


def _reached_q(roles):
    """Nominations that have come before the committee of any of these units.

    A committee at unit U holds what is proposed below U once it has come up to U (or past it),
    and what U itself proposes only when U grants it: what U sends up goes to the unit above.
    On the guidance line, it holds what was sent to it.
    """
    query = Q(pk__in=[])
    for held in roles:
        depth = Unit.depth_of(held.path)
        query |= Q(
            # Two subqueries of units, each hashed once, rather than joins of the whole tree:
            # the units below U (Unit.below_q, from the (depth, path) index) and the few at or
            # above its level. Joined, a province's queue hashed all 100,000 units to read
            # their path and depth.
            proposing_unit__in=Unit.objects.filter(Unit.below_q(held.path)).values("pk"),
            furthest_unit__in=Unit.objects.filter(depth__lte=depth).values("pk"),
            guided_unit__isnull=True,
        ) & (
            # A quick commendation goes straight to the unit that grants it: the committees
            # on the way never held it.
            Q(quick=False) | Q(deciding_unit_id=held.unit_id)
        ) | Q(
            proposing_unit_id=held.unit_id,
            deciding_unit_id=held.unit_id,
            furthest_unit__isnull=False,
        )
    return query | _sent_to_q({held.unit_id for held in roles})


def nominations_to_complete(user):
    """Drafts and returned nominations of the units the user manages as an officer."""
    return proposed_by_units_of(user).filter(state__in=EDITABLE_STATES)


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
    directly below them, whose nominations come up to them, and the units they guide."""
    if scoping.is_superuser(user):
        # An administrator holds no reviewer role: the roots and the units directly below them.
        root_paths = [root.path for root in Unit.objects.get_root_nodes()]
        return Unit.objects.filter(Q(path__in=root_paths) | Unit.children_q(root_paths))
    root_paths = scoping.role_paths(user, Role.REVIEWER)
    return Unit.objects.filter(
        Q(path__in=root_paths)
        | Unit.children_q(root_paths)
        | Q(guiding_unit_id__in=reviewer_unit_ids(user))
    )


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
    if nomination.guided_unit_id is not None:
        # Read once per nomination object and user: the nomination page asks for every action.
        cache = nomination.__dict__.setdefault("_sent_to_reviewer", {})
        if user.pk not in cache:
            cache[user.pk] = NominationTransition.objects.filter(
                nomination=nomination,
                to_unit_id__in=reviewer_unit_ids(user),
                to_state__in=SENT_UP_STATES,
            ).exists()
        return cache[user.pk]
    if nomination.quick:  # straight to the unit that grants it, whose committee alone holds it
        return nomination.deciding_unit_id in reviewer_unit_ids(user)
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


def get_assessment_or_404(user, nomination_pk, pk):
    """A bình xét of a nomination the user may read (its minutes go with the dossier)."""
    from awards.models import Assessment

    nomination = get_nomination_or_404(user, nomination_pk)
    return scoping.get_or_404(Assessment.objects.filter(ballots__nomination=nomination), pk)


def submission_letters_visible_to(user):
    """The tờ trình a unit of the user's sent or received (or a unit below theirs did)."""
    from awards.models import SubmissionLetter

    if scoping.is_superuser(user):
        return SubmissionLetter.objects.all()
    paths = scoping.role_paths(user)
    return SubmissionLetter.objects.filter(
        Unit.subtrees_q(paths, prefix="from_unit__") | Unit.subtrees_q(paths, prefix="to_unit__")
    )


def get_submission_letter_or_404(user, pk):
    return scoping.get_or_404(submission_letters_visible_to(user), pk)


def get_prior_award_import_or_404(user, pk):
    """An import of prior awards of a unit within the user's roles."""
    from awards.models import PriorAwardImport

    queryset = PriorAwardImport.objects.select_related("unit")
    if not scoping.is_superuser(user):
        queryset = queryset.filter(Unit.subtrees_q(scoping.role_paths(user), prefix="unit__"))
    return scoping.get_or_404(queryset, pk)


# --- Công khai --------------------------------------------------------------------------------
# A posted list is public while it is posted and afterwards (anyone may read it); the page that
# records and answers its objections is the approving unit's, read by those who read that unit.


def published_notices():
    """Every list posted so far (from its first day), for the public pages."""
    return PublicNotice.objects.filter(opens_on__lte=timezone.localdate())


def get_published_notice_or_404(pk):
    return scoping.get_or_404(published_notices().select_related("unit", "award_kind"), pk)


def notices_visible_to(user):
    if scoping.is_superuser(user):
        return PublicNotice.objects.all()
    return PublicNotice.objects.filter(Unit.subtrees_q(scoping.role_paths(user), prefix="unit__"))


def get_notice_or_404(user, pk):
    return scoping.get_or_404(notices_visible_to(user).select_related("unit", "award_kind"), pk)


def get_objection_or_404(user, notice_pk, pk):
    return scoping.get_or_404(
        Objection.objects.filter(
            notice__in=notices_visible_to(user), notice_id=notice_pk
        ).select_related("notice__unit", "nomination"),
        pk,
    )


# --- Worklists: what each role still has to do (the home page and the navigation's badges) ---


def proposed_by_units_of(user):
    """Nominations proposed by the units the user manages as an officer (their subtree).

    The subtree as a set of unit ids (Unit.within_q), not a join to every unit: the worklists
    and the badges of an officer high in the tree count it on every page."""
    paths = scoping.role_paths(user, Role.OFFICER)
    return Nomination.objects.filter(Unit.within_q(paths, "proposing_unit"))


def proposed_by_units_of_joined(user):
    """The rows of proposed_by_units_of(user), the subtree asked on the proposing unit's path
    (Unit.within_joined_q): for a list that joins that unit anyway. The set of ids would be
    one more relation for the planner to order besides the list's joins: the home page's
    returned dossiers took 25 to 90 ms to plan (1 to 3 ms to run), a third of that without it."""
    paths = scoping.role_paths(user, Role.OFFICER)
    return Nomination.objects.filter(Unit.within_joined_q(paths, "proposing_unit"))


def recent_outcomes_for(user, since):
    """What the officer's units proposed and a committee approved or rejected since `since`."""
    return proposed_by_units_of(user).filter(
        state__in=(NominationState.APPROVED, NominationState.REJECTED), decided_at__gte=since
    )


def _at_my_committee(user):
    """Awaiting a committee where the user is a reviewer, and not sent by the user."""
    return awaiting_decision_by(user).exclude(submitted_by=user)


def scores_owed_by(user):
    """Awaiting the user's committee, and the user has given it no score there yet (nor
    declared a conflict of interest on it)."""
    own_score = ReviewScore.objects.filter(
        nomination=OuterRef("pk"), reviewer=user, unit=OuterRef("reviewing_unit")
    )
    conflict = ConflictOfInterest.objects.filter(nomination=OuterRef("pk"), reviewer=user)
    return _at_my_committee(user).exclude(Exists(own_score)).exclude(Exists(conflict))


def votes_owed_by(user):
    """Awaiting the user's committee where it is granted, its award needs a council vote, and
    no vote of that committee is recorded yet."""
    vote = CouncilVote.objects.filter(nomination=OuterRef("pk"), unit=OuterRef("reviewing_unit"))
    return (
        _at_my_committee(user)
        .filter(reviewing_unit=F("deciding_unit"), award_kind__vote_threshold__isnull=False)
        .exclude(Exists(vote))
    )


# --- Whom an officer may nominate ------------------------------------------------------------


def nominable_members(user):
    """The active members of the units the user manages as an officer (at or below them): whom
    the nominate picker offers. The nomination form checks the proposing unit again."""
    return scoping.managed_members(user).filter(status=MemberStatus.ACTIVE)


def search_nominable_members(user, text, *, limit=20):
    """Up to `limit` of them whose name (accents and case ignored) or card number matches."""
    if not (text or "").strip():
        return Member.objects.none()
    return (
        nominable_members(user)
        .search(text[:100])
        .select_related("unit")
        .in_vietnamese_order()[:limit]
    )


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


# --- A member's awards decided outside the union -----------------------------------------------
# The member's page lists them beside the union's commendations, for whoever reads the member
# (unions.scoping.get_member_or_404); a scanned decision is linked only for those who read its
# proposal (get_outside_proposal_or_404 serves it).


def outside_decisions_granted_to(member):
    """The recorded decisions of outside authorities that granted the member an award."""
    from awards.models import OutsideProposal, OutsideProposalState

    return (
        OutsideProposal.objects.filter(
            state=OutsideProposalState.DECIDED, granted__nominee_member=member
        )
        .select_related("award_kind")
        .distinct()
        .order_by("-decision_date", "-pk")
    )


def prior_awards_of(member):
    """The member's awards from before the app, as imported."""
    from awards.models import PriorAward

    return PriorAward.objects.filter(member=member).select_related("award_kind")
