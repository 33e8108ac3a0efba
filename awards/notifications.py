"""What the awards app tells people, through the notifications app (which sits below it).

- The reviewers of a committee, when a nomination reaches it (submitted or forwarded to it).
- The proposing unit's officers and the nomination's author, when it is returned, approved,
  rejected or forwarded.
- Before each round's deadline, the officers with dossiers still to send, and the reviewers
  with nominations still to decide (awards.reminders).

Each person is told only about what they may read (notifications.services.notify checks it);
the email goes at once or in the daily digest, as each person chose.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.services import notify
from unions.models import Role, RoleAssignment

ARRIVED = "nomination.arrived"
OUTCOMES = {
    "returned": "nomination.returned",
    "approved": "nomination.approved",
    "rejected": "nomination.rejected",
    "forwarded": "nomination.forwarded",
}
DEADLINE = "round.deadline"


def register_kinds():
    kinds.register(
        ARRIVED,
        _("The nomination of %(nominee)s for %(award)s has reached the committee of %(unit)s"),
    )
    kinds.register(
        OUTCOMES["returned"],
        _("The nomination of %(nominee)s for %(award)s was returned for completion by %(unit)s"),
    )
    kinds.register(
        OUTCOMES["approved"],
        _("The nomination of %(nominee)s for %(award)s was approved by %(unit)s"),
    )
    kinds.register(
        OUTCOMES["rejected"],
        _("The nomination of %(nominee)s for %(award)s was rejected by %(unit)s"),
    )
    kinds.register(
        OUTCOMES["forwarded"],
        _("The nomination of %(nominee)s for %(award)s was forwarded to %(unit)s"),
    )
    kinds.register(
        DEADLINE,
        _("Deadline %(deadline)s for %(unit)s: %(round)s of %(movement)s, %(count)s to send"),
    )


def _holders(unit, role):
    return (
        RoleAssignment.objects.current()
        .filter(unit=unit, role=role)
        .values_list("user_id", flat=True)
    )


def _data(nomination, unit, comment=""):
    data = {
        "nominee": nomination.nominee_name,
        "award": nomination.award_kind.name_vi,
        "unit": unit.name if unit is not None else "",
    }
    if comment:
        data["detail"] = comment
    return data


def tell_about_transition(entry):
    """Called by awards.services.history._transition, in its transaction."""
    nomination = entry.nomination
    state = entry.to_state
    url = nomination.get_absolute_url()
    if state in ("submitted", "forwarded") and entry.to_unit is not None:
        # The committee it reaches; whoever sent it never reviews it.
        reviewers = set(_holders(entry.to_unit, Role.REVIEWER)) - {nomination.submitted_by_id}
        notify(
            ARRIVED,
            recipients=reviewers,
            target=nomination,
            scope_unit=nomination.proposing_unit,
            url=url,
            data=_data(nomination, entry.to_unit, entry.comment),
            actor=entry.actor,
        )
    if state in OUTCOMES:
        proposers = set(_holders(nomination.proposing_unit, Role.OFFICER))
        if nomination.created_by_id:
            proposers.add(nomination.created_by_id)
        unit = entry.to_unit if state == "forwarded" else entry.at_unit
        notify(
            OUTCOMES[state],
            recipients=proposers,
            target=nomination,
            scope_unit=nomination.proposing_unit,
            url=url,
            data=_data(nomination, unit, entry.comment),
            actor=entry.actor,
        )


def send_time_limit_reminder(unit, role, items):
    """One email to the holders of `role` at `unit` about the nominations whose step's time
    limit comes soon or has passed: [(nomination, time limit)]."""
    to = sorted(
        set(
            RoleAssignment.objects.current()
            .filter(unit=unit, role=role)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "unit": unit,
            "items": [
                (n, limit, f"{settings.SITE_URL}{n.get_absolute_url()}") for n, limit in items
            ],
        }
        subject = " ".join(render_to_string("awards/email/time_limit_subject.txt", context).split())
        body = render_to_string("awards/email/time_limit_body.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
