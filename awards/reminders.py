"""Reminders a few days before each round's deadline (settings.DEADLINE_REMINDER_DAYS).

A round's deadline for a level is when the units of that level must have sent their work up.
So, for each deadline falling within the next days, two kinds of people still have something
to do by then: the officers of the units of that level with nominations still in draft or
returned, and the reviewers of the units of that level with nominations still awaiting their
committee's decision. Each is told once per deadline (a daily job may run again), and only
about a unit they may read.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from awards.models import AWAITING_STATES, EDITABLE_STATES, Nomination
from awards.notifications import DEADLINE
from movements.models import MovementState, RoundDeadline
from notifications.services import notify
from unions.models import Role, RoleAssignment, Unit


def deadlines_soon(now=None, days=None):
    now = now or timezone.now()
    days = settings.DEADLINE_REMINDER_DAYS if days is None else days
    return RoundDeadline.objects.filter(
        deadline__gt=now,
        deadline__lte=now + timedelta(days=days),
        round__movement__state=MovementState.OPEN,
    ).select_related("round__movement")


def _pending(deadline, unit_field, states):
    """{unit id: number of nominations} of the units of the deadline's level."""
    rows = (
        Nomination.objects.filter(
            round=deadline.round, state__in=states, **{f"{unit_field}__level": deadline.level}
        )
        .values(unit_field)
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row[unit_field]: row["count"] for row in rows}


def send_deadline_reminders(now=None, days=None):
    """Returns the number of notifications made."""
    made = 0
    for deadline in deadlines_soon(now, days):
        work = [
            (Role.OFFICER, _pending(deadline, "proposing_unit", EDITABLE_STATES)),
            (Role.REVIEWER, _pending(deadline, "reviewing_unit", AWAITING_STATES)),
        ]
        unit_ids = {pk for _role, counts in work for pk in counts}
        units = Unit.objects.in_bulk(unit_ids)
        holders = {}
        for user_id, unit_id, role in (
            RoleAssignment.objects.current()
            .filter(unit__in=unit_ids, role__in=[Role.OFFICER, Role.REVIEWER])
            .values_list("user_id", "unit_id", "role")
        ):
            holders.setdefault((unit_id, role), set()).add(user_id)
        round_ = deadline.round
        when = timezone.localtime(deadline.deadline).strftime("%d/%m/%Y %H:%M")
        for role, counts in work:
            for unit_id, count in sorted(counts.items()):
                recipients = holders.get((unit_id, role))
                if not recipients:
                    continue
                unit = units[unit_id]
                made += len(
                    notify(
                        DEADLINE,
                        recipients=recipients,
                        target=deadline,
                        scope_unit=unit,
                        url=reverse("movements:round_unit", args=[round_.pk, unit_id])
                        if role == Role.OFFICER
                        else reverse("awards:review_queue"),
                        data={
                            "deadline": when,
                            "unit": unit.name,
                            "round": round_.name,
                            "movement": round_.movement.title_vi,
                            "count": count,
                        },
                        once=True,
                    )
                )
    return made
