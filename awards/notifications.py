"""The proposer's email when a committee returns, approves, rejects or forwards a nomination,
and the reminders of a step's time limit."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from unions.models import Role, RoleAssignment


def recipients(nomination):
    """The officers of the proposing unit and the person who drafted the nomination."""
    emails = set(
        RoleAssignment.objects.current()
        .filter(unit=nomination.proposing_unit, role=Role.OFFICER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if nomination.created_by and nomination.created_by.email and nomination.created_by.is_active:
        emails.add(nomination.created_by.email)
    return sorted(emails)


def send_transition_email(transition):
    nomination = transition.nomination
    to = recipients(nomination)
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "transition": transition,
            "nomination": nomination,
            "state": transition.get_to_state_display(),
            "url": f"{settings.SITE_URL}{nomination.get_absolute_url()}",
        }
        # A subject is one line, whatever the template's line breaks.
        subject = " ".join(render_to_string("awards/email/transition_subject.txt", context).split())
        body = render_to_string("awards/email/transition_body.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


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
