"""Whether a user may take an action on a nomination now (refusal() says why not), and the row
lock every transition takes before it checks again.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import scoping
from awards.models import (
    AWAITING_STATES,
    EDITABLE_STATES,
    NOMINATION_RELATED,
    WITHDRAWABLE_STATES,
    ConflictOfInterest,
    Nomination,
    NominationState,
)
from awards.rules import ACTIONS
from awards.services.history import _transition

S = NominationState


def _lock(nomination):
    """Lock the nomination's row, then read it with its relations.

    Two statements on purpose: a statement that waited for the lock sees the locked row as the
    other transaction committed it, but rows joined to it as they were when it started (under
    READ COMMITTED), e.g. the unit a concurrent forward just moved it to. The second statement
    reads everything as committed after the lock was taken.
    """
    list(Nomination.objects.select_for_update().filter(pk=nomination.pk).values_list("pk"))
    return Nomination.objects.select_related(*NOMINATION_RELATED).get(pk=nomination.pk)


def _moment_passed(nomination):
    where = nomination.reviewing_unit or nomination.proposing_unit
    return ValidationError(
        _("This can no longer be done: the nomination is now “%(state)s” (%(unit)s).")
        % {"state": nomination.get_state_display(), "unit": where.name},
        code="already_decided",
    )


# What each of the proposer's actions needs of the nomination's state.
PROPOSER_STATES = {
    "edit_nomination": EDITABLE_STATES,
    "submit_nomination": EDITABLE_STATES,
    "withdraw_nomination": WITHDRAWABLE_STATES,
}


def refusal(action, nomination, actor):
    """Why `actor` may not take `action` (a name of awards.rules.ACTIONS) on the nomination as it
    is now: None when they may.

    Raises PermissionDenied for someone with no say on the nomination (awards.rules); returns a
    ValidationError naming the rule for someone whose moment has passed or has not come (the
    proposer already sent it, another committee holds it, it is not granted at this level).
    Views show that message; the transitions below raise it, under the row lock.
    """
    if not actor.has_perm(f"awards.{action}", nomination):
        raise PermissionDenied
    if action in PROPOSER_STATES:
        return None if nomination.state in PROPOSER_STATES[action] else _moment_passed(nomination)
    if actor.pk is not None and actor.pk in (nomination.created_by_id, nomination.submitted_by_id):
        return ValidationError(
            _(
                "You proposed or sent this nomination: whoever proposes a nomination does not "
                "score, vote on or decide it, at any level (separation of duties)."
            ),
            code="own_nomination",
        )
    declared = _declared_conflict(nomination, actor)
    if declared is not None:
        return ValidationError(
            _(
                "You declared a conflict of interest on this nomination on %(date)s: you are left "
                "out of its scores, its vote and its decision."
            )
            % {"date": timezone.localtime(declared.declared_at).strftime("%d/%m/%Y")},
            code="conflict_of_interest",
        )
    if nomination.state not in AWAITING_STATES or not scoping.is_reviewer_at(
        actor, nomination.reviewing_unit_id
    ):
        return _moment_passed(nomination)
    if action == "start_review" and nomination.state == S.UNDER_REVIEW:
        return ValidationError(
            _("The committee is already reviewing this nomination."), code="already_decided"
        )
    grants_here = nomination.reviewing_unit_id == nomination.deciding_unit_id
    if action == "approve_nomination" and not grants_here:
        return ValidationError(
            _("%(award)s is granted by %(unit)s: forward the nomination to the level above.")
            % {"award": nomination.award_kind.name, "unit": nomination.deciding_unit.name},
            code="not_granting_level",
        )
    if action == "forward_nomination" and grants_here:
        return ValidationError(
            _("%(unit)s grants %(award)s: approve, return or reject the nomination here.")
            % {"unit": nomination.reviewing_unit.name, "award": nomination.award_kind.name},
            code="granting_level",
        )
    return None


def _declared_conflict(nomination, actor):
    """The actor's declaration of interest on the nomination, read once per nomination object
    (the nomination page asks for every action)."""
    cache = nomination.__dict__.setdefault("_declared_conflicts", {})
    if actor.pk not in cache:
        cache[actor.pk] = (
            ConflictOfInterest.objects.filter(nomination=nomination, reviewer_id=actor.pk).first()
            if actor.pk is not None
            else None
        )
    return cache[actor.pk]


def may(user, action, nomination):
    """Whether the user may take `action` on the nomination now (refusal() says why not)."""
    try:
        return refusal(action, nomination, user) is None
    except PermissionDenied:
        return False


def allowed_actions(user, nomination):
    """{action: whether the user may take it now}, for the nomination page's buttons."""
    return {action: may(user, action, nomination) for action in ACTIONS}


def _lock_for(action, nomination, actor):
    """Lock the nomination, then refuse the action as `refusal` says, or return it."""
    nomination = _lock(nomination)
    error = refusal(action, nomination, actor)
    if error is not None:
        raise error
    return nomination


def _start_review(nomination, *, actor):
    """Inside a reviewer's action: the first act of the committee marks it under review."""
    if nomination.state == S.UNDER_REVIEW:
        return
    previous = nomination.state
    nomination.state = S.UNDER_REVIEW
    nomination.save(update_fields=["state", "updated_at"])
    _transition(nomination, actor=actor, from_state=previous, at_unit=nomination.reviewing_unit)
