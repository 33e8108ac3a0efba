"""Thin tasks: the daily deadline reminders (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task
def send_deadline_reminders():
    from awards.reminders import send_deadline_reminders as send

    return send()
