"""Questions about a nomination's way up, asked by the services, views and reminders: which
unit grants an award, which committee first reviews it, its time limits and quota.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

from awards import quotas
from awards.models import AWAITING_STATES, EDITABLE_STATES, NOMINATION_RELATED, Nomination
from movements.models import Criterion, CriterionKind, MovementKind, MovementState
from unions.models import Unit

ANNUAL_ROUND_NOT_SCORED = gettext_lazy(
    "An annual round is assessed on the year's task classification, not on a scoring table: "
    "there are no points to give."
)


def criteria_for(round_, beneficiary):
    """The criteria of the round's movement for individuals or for collectives; none outside a
    round (a quick commendation has no scoring table) or in an annual round, which is assessed
    on the year's task classification (awards.year_end)."""
    if round_ is None:
        return Criterion.objects.none()
    # (Asked in the same query: no extra one on pages that count theirs.)
    return Criterion.objects.filter(movement_id=round_.movement_id, target=beneficiary).exclude(
        movement__kind=MovementKind.REGULAR
    )


def granting_unit(proposing_unit, award_kind, launching_unit=None):
    """The unit that grants `award_kind` to what `proposing_unit` proposes in a movement of
    `launching_unit`: the nearest unit at one of the award's granting levels among the
    proposing unit and the units above it on its way up (the administrative line, or the
    guidance line in a guiding unit's movement: Unit.line_up_in). None: no unit on the way
    grants it. For an award an outside authority decides, the union unit that proposes it
    there."""
    if award_kind.is_granted_at(proposing_unit.level):
        return proposing_unit
    if launching_unit is None:  # the administrative line
        return (
            Unit.objects.filter(
                path__in=proposing_unit.ancestor_paths,
                level__in=award_kind.granting_levels,
            )
            .order_by("-depth")
            .first()
        )
    line, _guided = proposing_unit.line_up_in(launching_unit)
    return next((unit for unit in line if award_kind.is_granted_at(unit.level)), None)


def first_reviewing_unit(proposing_unit, deciding_unit, launching_unit=None, guided_unit=None):
    """The committee a submission goes to first: the proposing unit's own when it grants the
    award, else the next unit up on the nomination's line."""
    if deciding_unit.pk == proposing_unit.pk:
        return proposing_unit
    if launching_unit is None:
        return Unit.objects.get(path=proposing_unit.parent_path)
    return proposing_unit.next_up_in(
        launching_unit, guided_unit_id=guided_unit.pk if guided_unit else None
    )


def step_time_limit(nomination):
    """(the unit that must act on the nomination now, the time by which it must have sent it
    on) under the round's deadline for that unit's level; None when nobody has to act or the
    round sets no deadline for the level. Each step of the way up has its own time limit."""
    if nomination.quick:  # outside any round: no round deadline
        return None
    if nomination.state in AWAITING_STATES:
        unit = nomination.reviewing_unit
    elif nomination.state in EDITABLE_STATES:
        unit = nomination.proposing_unit
    else:
        return None
    deadline = nomination.round.deadline_for(unit.level)
    return None if deadline is None else (unit, deadline)


def steps_due(*, within_days, now=None):
    """{(unit, role): [nominations]} of the steps whose time limit falls within `within_days`
    from now, or has passed: for each, who must act (the committee holding it, or the officers
    of the proposing unit for a draft or a returned dossier). What reminders are sent about."""
    now = now or timezone.now()
    until = now + timedelta(days=within_days)
    candidates = (
        Nomination.objects.filter(
            state__in=(*AWAITING_STATES, *EDITABLE_STATES),
            round__movement__state=MovementState.OPEN,
            round__deadlines__deadline__lte=until,
        )
        .distinct()
        .select_related(*NOMINATION_RELATED)
        .prefetch_related("round__deadlines")
        .order_by("pk")
    )
    due = {}
    for nomination in candidates:
        limit = step_time_limit(nomination)
        if limit is None or limit[1] > until:
            continue
        role = "reviewer" if nomination.state in AWAITING_STATES else "officer"
        due.setdefault((limit[0], role), []).append((nomination, limit[1]))
    return due


def next_unit_up(nomination):
    """The unit the committee holding the nomination forwards it to, on the nomination's line
    (the administrative one, or the guidance line in a guiding unit's movement)."""
    return nomination.reviewing_unit.next_up_in(
        nomination.round.movement.launching_unit, guided_unit_id=nomination.guided_unit_id
    )


def quota_before_sending(nomination):
    """What the holding unit has used of the granting body's caps, when its next step is the
    granting body ("2 of 4 used"); None otherwise."""
    if nomination.quick:  # no caps outside a round's theme
        return None
    if nomination.is_editable:
        here = nomination.proposing_unit
        launching = nomination.round.movement.launching_unit
        granting = granting_unit(here, nomination.award_kind, launching)
        if granting is None:
            return None
        guided = Unit.guided_ancestor_in(here, launching)
        next_unit = first_reviewing_unit(here, granting, launching, guided)
    else:
        here, granting = nomination.reviewing_unit, nomination.deciding_unit
        if not nomination.is_awaiting or here is None or here.is_root():
            return None
        next_unit = next_unit_up(nomination)
    return quotas.usage_before_sending(
        nomination, here=here, granting=granting, next_unit=next_unit
    )


def score_total(scores):
    """Standard and bonus points add up, penalty points are deducted."""
    total = 0
    for score in scores:
        points = score.points
        total += -points if score.criterion.kind == CriterionKind.PENALTY else points
    return total
