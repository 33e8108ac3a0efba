"""Thin tasks: they take ids, fetch the rows, and send; queued on commit by awards.services."""

from celery import shared_task
from django.utils.translation import gettext as _

from awards.notifications import send_transition_email
from unions.background import MailTask


class ProposerMail(MailTask):
    def failed_email(self, transition_id):
        from awards.models import NominationTransition

        transition = (
            NominationTransition.objects.select_related("nomination__proposing_unit")
            .filter(pk=transition_id)
            .first()
        )
        if transition is None:
            return None
        nomination = transition.nomination
        return nomination.proposing_unit, _("the news of %(nomination)s to its proposers") % {
            "nomination": nomination
        }


@shared_task(base=ProposerMail)
def notify_proposer(transition_id):
    from awards.models import NominationTransition

    transition = (
        NominationTransition.objects.select_related(
            "nomination__award_kind",
            "nomination__round__movement",
            "nomination__proposing_unit",
            "nomination__nominee_member",
            "nomination__nominee_unit",
            "nomination__created_by",
            "at_unit",
            "to_unit",
            "actor",
        )
        .filter(pk=transition_id)
        .first()
    )
    if transition is not None:  # rolled back after all, or deleted since: nothing to say
        send_transition_email(transition)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_submission_letter(letter_id):
    from awards import services
    from awards.models import SubmissionLetter

    letter = SubmissionLetter.objects.filter(pk=letter_id).first()
    if letter is not None:
        services.render_submission_letter(letter)


@shared_task
def remind_time_limits(within_days=3):
    """Remind each unit that must act of the steps whose time limit is near or passed (run
    daily: `python manage.py remind_time_limits`, or a periodic task). Returns emails sent."""
    from awards.notifications import send_time_limit_reminder
    from awards.services import steps_due

    return sum(
        send_time_limit_reminder(unit, role, items)
        for (unit, role), items in steps_due(within_days=within_days).items()
    )
