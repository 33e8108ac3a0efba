"""What the commendations app tells people: the proposing unit's officers and the nomination's
author, when a decision commends their nominee (through the notifications app)."""

from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.services import Notice, notify_many
from unions.models import Role, RoleAssignment

COMMENDED = "nomination.commended"


def register_kinds():
    kinds.register(
        COMMENDED,
        _("%(nominee)s was commended with %(award)s: decision %(number)s of %(date)s"),
    )


def tell_about_issued(decision, commendations, *, actor):
    """Called by commendations.services.issue_decision, in its transaction."""
    unit_ids = {c.nomination.proposing_unit_id for c in commendations}
    officers = {}
    for user_id, unit_id in (
        RoleAssignment.objects.current()
        .filter(unit__in=unit_ids, role=Role.OFFICER)
        .values_list("user_id", "unit_id")
    ):
        officers.setdefault(unit_id, set()).add(user_id)
    notices = []
    for commendation in commendations:
        nomination = commendation.nomination
        recipients = set(officers.get(nomination.proposing_unit_id, ()))
        if nomination.created_by_id:
            recipients.add(nomination.created_by_id)
        notices.append(
            Notice(
                recipients=recipients,
                target=nomination,
                scope_unit=nomination.proposing_unit,
                url=nomination.get_absolute_url(),
                data={
                    "nominee": commendation.awardee_name,
                    "award": commendation.award_name,
                    "number": decision.number,
                    "date": decision.date.strftime("%d/%m/%Y"),
                    "unit": decision.issuing_unit.name,
                },
            )
        )
    # All at once: a decision of 1,000 awardees told one by one spent about 2.7 s of CPU and
    # 2,000 queries asking, 1,000 times, who may read the same unit.
    notify_many(COMMENDED, notices, actor=actor)
