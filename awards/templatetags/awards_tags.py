from datetime import timedelta

from django import template
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from awards import scoping
from awards.models import (
    EDITABLE_STATES,
    ConflictOfInterest,
    CouncilVote,
    Nomination,
    NominationTransition,
    ReviewScore,
)
from awards.models import NominationState as S
from movements.models import RoundDeadline
from unions import scoping as unions_scoping
from unions.models import Role

register = template.Library()

HOME_ITEMS = 5
# The reviewer's list of what awaits their committee, on the home page.
HOME_AWAITING = 20
# How far back the officer's "recent outcomes" go.
OUTCOME_DAYS = 60


def _deadline_of(level):
    """The deadline of the nomination's round for units of `level` (an expression), as a
    subquery of the list's own query rather than a prefetch of every round's deadlines."""
    deadlines = RoundDeadline.objects.filter(round=OuterRef("round_id"), level=level)
    return Subquery(deadlines.values("deadline")[:1])


def _officer_part(user):
    """Drafts, returned dossiers (with the reason and the deadline) and recent outcomes of
    the nominations of the officer's units: one query for the counts of drafts and returned,
    one for the ids of the outcomes, then one query for each list that has rows (the reason and
    the deadline are subqueries of the returned list's)."""
    last_return = NominationTransition.objects.filter(
        nomination=OuterRef("pk"), to_state=S.RETURNED
    ).order_by("-at", "-pk")
    since = timezone.now() - timedelta(days=OUTCOME_DAYS)
    mine = scoping.proposed_by_units_of(user)
    # Drafts and returned counted in one pass over their partial index (proposing unit, state),
    # so that the subtree's units are read and hashed once, not once per count; COUNT(state)
    # rather than COUNT(id), so that the index alone answers it (a province officer's subtree
    # is 14,000 units, issue 13).
    counts = mine.filter(state__in=EDITABLE_STATES).aggregate(
        drafts=Count("state", filter=Q(state=S.DRAFT)),
        returned=Count("state", filter=Q(state=S.RETURNED)),
    )
    related = ("award_kind", "nominee_member", "nominee_unit", "round__movement")
    part = {"counts": counts, "drafts": [], "returned": [], "outcomes": []}
    if counts["drafts"]:
        part["drafts"] = list(
            mine.filter(state=S.DRAFT)
            .select_related(*related)
            .order_by("-updated_at", "-pk")[:HOME_ITEMS]
        )
    if counts["returned"]:
        # The proposing unit is joined for its level (the deadline): its path filters too.
        part["returned"] = list(
            scoping.proposed_by_units_of_joined(user)
            .filter(state=S.RETURNED)
            .select_related(*related)
            .annotate(
                deadline=_deadline_of(OuterRef("proposing_unit__level")),
                return_comment=Subquery(last_return.values("comment")[:1]),
                return_unit=Subquery(last_return.values("at_unit__name")[:1]),
            )
            .order_by("decided_at", "pk")[:HOME_ITEMS]
        )
    # Not counted (a count would read the subtree's units once more, and none is shown): the
    # first few ids read from the outcomes' partial index, stopping at the fifth, then their
    # rows. Asked as one query, the planner joined every recent outcome of the country (31,000)
    # to its nominee, award and commendation before keeping five: 400 ms to 1.6 s.
    order = ("-decided_at", "-pk")
    first = scoping.recent_outcomes_for(user, since).order_by(*order)[:HOME_ITEMS]
    ids = list(first.values_list("pk", flat=True))
    if ids:
        part["outcomes"] = list(
            Nomination.objects.filter(pk__in=ids)
            .select_related(*related, "commendation__decision")
            .order_by(*order)
        )
    return part


def _reviewer_part(user):
    """What awaits the reviewer's committees, grouped by movement and round (the groups in the
    order of their oldest nomination), with the deadline by which their level sends it on; and
    the scores and votes the reviewer still owes. Two queries."""
    awaiting = scoping.awaiting_decision_by(user)
    own_score = ReviewScore.objects.filter(
        nomination=OuterRef("pk"), reviewer=user, unit=OuterRef("reviewing_unit")
    )
    conflict = ConflictOfInterest.objects.filter(nomination=OuterRef("pk"), reviewer=user)
    vote = CouncilVote.objects.filter(nomination=OuterRef("pk"), unit=OuterRef("reviewing_unit"))
    not_mine = ~Q(submitted_by=user)
    counts = awaiting.aggregate(
        awaiting=Count("pk"),
        # A quick commendation has no scoring table: no score is owed on it.
        scores_owed=Count(
            "pk", filter=not_mine & Q(quick=False) & ~Exists(own_score) & ~Exists(conflict)
        ),
        votes_owed=Count(
            "pk",
            filter=not_mine
            & Q(reviewing_unit=F("deciding_unit"), award_kind__vote_threshold__isnull=False)
            & ~Exists(vote),
        ),
    )
    groups = []
    if counts["awaiting"]:
        items = list(
            awaiting.select_related(
                "award_kind",
                "nominee_member",
                "nominee_unit",
                "proposing_unit",
                "reviewing_unit",
                "round__movement",
            )
            .annotate(deadline=_deadline_of(OuterRef("reviewing_unit__level")))
            .order_by("submitted_at", "pk")[:HOME_AWAITING]
        )
        by_round = {}
        for nomination in items:
            group = by_round.get(nomination.round_id)
            if group is None:
                group = by_round[nomination.round_id] = {"round": nomination.round, "items": []}
                groups.append(group)
            group["items"].append(nomination)
    return {"counts": counts, "groups": groups, "more": counts["awaiting"] > HOME_AWAITING}


@register.simple_tag(takes_context=True)
def awards_home_panel(context):
    """The home page's worklists of the awards app: the officer's and the reviewer's.

    A bounded number of queries whatever the number of nominations (at most five for an
    officer, two for a reviewer), and none for a user without either role.
    """
    user = context["request"].user
    panel = {"officer": None, "reviewer": None}
    if unions_scoping.role_paths(user, Role.OFFICER):
        panel["officer"] = _officer_part(user)
    if scoping.reviewer_unit_ids(user):
        panel["reviewer"] = _reviewer_part(user)
    return panel


@register.simple_tag(takes_context=True)
def awards_is_reviewer(context):
    user = context["request"].user
    return scoping.sits_on_a_committee(user)


@register.simple_tag(takes_context=True)
def may_nominate(context):
    """Whether the user is an officer somewhere (whom they may nominate, the picker says)."""
    user = context["request"].user
    return unions_scoping.is_superuser(user) or bool(unions_scoping.role_paths(user, Role.OFFICER))


@register.simple_tag(takes_context=True)
def member_outside_awards(context, member):
    """The member's awards decided outside the union (recorded decisions of outside
    authorities) and from before the app (prior awards), newest year first; the scanned
    decision's link only where the user reads its proposal. At most three queries."""
    user = context["request"].user
    decisions = list(scoping.outside_decisions_granted_to(member))
    readable = set()
    if decisions:
        readable = set(
            scoping.outside_proposals_visible_to(user)
            .filter(pk__in=[d.pk for d in decisions])
            .values_list("pk", flat=True)
        )
    items = [
        {
            "award": decision.award_kind,
            "year": decision.decision_date.year,
            "date": decision.decision_date,
            "number": decision.decision_number,
            "issuer": decision.decision_issuer,
            "proposal": decision if decision.pk in readable else None,
        }
        for decision in decisions
    ]
    items += [
        {
            "award": prior.award_kind,
            "year": prior.year,
            "number": prior.decision_number,
            "issuer": prior.issuer,
            "prior": True,
        }
        for prior in scoping.prior_awards_of(member)
    ]
    return sorted(items, key=lambda item: -item["year"])
