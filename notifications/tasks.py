"""Thin tasks: they take ids and call notifications.delivery."""

from celery import shared_task

from notifications import delivery


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_now(notification_ids):
    return delivery.send_now(notification_ids)


@shared_task
def send_digests():
    """Daily (CELERY_BEAT_SCHEDULE): one digest email to each person who chose it."""
    return delivery.send_digests()
