"""Thin tasks: the daily deadline and time-limit reminders (CELERY_BEAT_SCHEDULE), and the
tờ trình's PDF and the proposal letter's to an outside authority."""

from celery import shared_task


@shared_task
def send_deadline_reminders():
    from awards.reminders import send_deadline_reminders as send

    return send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_submission_letter(letter_id):
    from awards import services
    from awards.models import SubmissionLetter

    letter = SubmissionLetter.objects.filter(pk=letter_id).first()
    if letter is not None:
        services.render_submission_letter(letter)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_outside_proposal_letter(proposal_id):
    from awards import outside
    from awards.models import OutsideProposal

    proposal = OutsideProposal.objects.select_related("unit", "award_kind").filter(pk=proposal_id)
    if (proposal := proposal.first()) is not None:
        outside.render_proposal_letter(proposal)


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
