"""What every transition leaves behind: its row in the nomination's timeline
(NominationTransition, which also notifies) and the units' activity rows.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from awards.models import NominationState, NominationTransition
from awards.notifications import tell_about_transition
from unions.services import record_activity

S = NominationState


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


SUMMARIES = {
    S.DRAFT: gettext_noop("Drafted the nomination of %(nominee)s for %(award)s"),
    S.SUBMITTED: gettext_noop("Submitted the nomination of %(nominee)s for %(award)s"),
    S.UNDER_REVIEW: gettext_noop("Began reviewing the nomination of %(nominee)s for %(award)s"),
    S.FORWARDED: gettext_noop(
        "Forwarded the nomination of %(nominee)s for %(award)s to the level above"
    ),
    S.RETURNED: gettext_noop("Returned the nomination of %(nominee)s for %(award)s for completion"),
    S.SENT_BACK: gettext_noop(
        "Sent the nomination of %(nominee)s for %(award)s back to the level below for completion"
    ),
    S.APPROVED: gettext_noop("Approved %(award)s for %(nominee)s"),
    S.REJECTED: gettext_noop("Rejected the nomination of %(nominee)s for %(award)s"),
    S.WITHDRAWN: gettext_noop("Withdrew the nomination of %(nominee)s for %(award)s"),
}


def _activity(nomination, *, actor, action, summary, units, data=None):
    for unit in {unit.pk: unit for unit in units if unit is not None}.values():
        record_activity(
            unit=unit,
            actor=actor,
            action=action,
            target=nomination,
            summary=summary,
            data=data or {},
        )


def _transition(nomination, *, actor, from_state, at_unit, to_unit=None, comment=""):
    """Write the history row and the activity rows; queue the proposer's email."""
    entry = NominationTransition.objects.create(
        nomination=nomination,
        actor=_user(actor),
        from_state=from_state,
        to_state=nomination.state,
        at_unit=at_unit,
        to_unit=to_unit,
        comment=comment,
    )
    names = {"nominee": nomination.nominee_name, "award": nomination.award_kind.name_vi}
    _activity(
        nomination,
        actor=actor,
        action=f"nomination.{nomination.state}",
        summary=_(SUMMARIES[nomination.state]) % names,
        units=[nomination.proposing_unit, at_unit, to_unit],
        data={"from": from_state, "to": nomination.state, "comment": comment},
    )
    tell_about_transition(entry)
    return entry
