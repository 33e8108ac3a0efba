"""Thin tasks: they take ids and call notifications.delivery."""

from celery import shared_task
from django.utils.translation import gettext as _

from notifications import delivery
from unions.background import MailTask


class NotificationMail(MailTask):
    """Retried while the mail server refuses; then listed as a failed email of the unit the
    notifications were about (unions.background.MailTask)."""

    def failed_email(self, notification_ids):
        from notifications.models import Notification

        notifications = list(
            Notification.objects.filter(pk__in=notification_ids).select_related(
                "scope_unit", "recipient"
            )
        )
        if not notifications:
            return None
        return notifications[0].scope_unit, _("“%(message)s” to %(people)s") % {
            "message": notifications[0].message,
            "people": ", ".join(sorted({n.recipient.username for n in notifications})),
        }


@shared_task(base=NotificationMail)
def send_now(notification_ids):
    return delivery.send_now(notification_ids)


@shared_task
def send_digests():
    """Daily (CELERY_BEAT_SCHEDULE): one digest email to each person who chose it."""
    return delivery.send_digests()
