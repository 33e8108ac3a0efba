from django import template
from django.db.models import Count

from commendations import scoping
from commendations.models import DecisionState, RenderState
from unions import scoping as unions_scoping
from unions.models import Role

register = template.Library()

HOME_ITEMS = 5


@register.simple_tag(takes_context=True)
def commendations_home_panel(context):
    """The clerk's worklist: approved nominations waiting for a decision (by unit and award),
    decisions being drafted, certificates rendering or failed. At most three queries, none for
    a user who is no clerk."""
    user = context["request"].user
    if not unions_scoping.role_paths(user, Role.CLERK):
        return None
    waiting = list(
        scoping.awaiting_decision_at_clerk_units(user)
        .values("deciding_unit", "deciding_unit__name", "award_kind", "award_kind__name_vi")
        .annotate(count=Count("pk"))
        .order_by("deciding_unit__name", "award_kind__name_vi")
    )
    decisions = list(
        scoping.decisions_of_clerk_units(user)
        .filter(state=DecisionState.DRAFT)
        .select_related("award_kind", "issuing_unit")
        .annotate(awardees=Count("nominations"))
        .order_by("-created_at", "-pk")[:HOME_ITEMS]
    )
    rendering = list(
        scoping.decisions_of_clerk_units(user)
        .filter(
            state=DecisionState.ISSUED,
            render_state__in=(RenderState.NOT_STARTED, RenderState.RENDERING, RenderState.FAILED),
        )
        .select_related("award_kind")
        .order_by("-issued_at", "-pk")[:HOME_ITEMS]
    )
    return {
        "waiting": waiting,
        "waiting_total": sum(row["count"] for row in waiting),
        "drafts": decisions,
        "rendering": rendering,
    }


def _with_downloads(user, commendations):
    for commendation in commendations:
        commendation.downloadable = scoping.may_download_certificate(user, commendation)
    return commendations


@register.simple_tag(takes_context=True)
def nomination_outcome(context, nomination):
    """The commendation of a nomination, if an issued decision gave it (one query); the page
    has already fetched the nomination through its scope."""
    if nomination.state != "approved":
        return None
    commendation = scoping.commendations_received().filter(nomination=nomination).first()
    if commendation is None:
        return None
    return _with_downloads(context["request"].user, [commendation])[0]


@register.simple_tag(takes_context=True)
def member_commendations(context, member):
    """Every commendation of the member (revoked ones marked): one query."""
    return _with_downloads(
        context["request"].user, list(scoping.commendations_received(member=member))
    )


UNIT_ITEMS = 10


@register.simple_tag(takes_context=True)
def unit_commendations(context, unit):
    """The latest commendations received by the unit's members and collectives (proposed by
    its subtree), and how many in all: two queries."""
    received = scoping.commendations_received(unit=unit)
    items = list(received[:UNIT_ITEMS])
    return {
        "items": _with_downloads(context["request"].user, items),
        "total": len(items) if len(items) < UNIT_ITEMS else received.count(),
    }
