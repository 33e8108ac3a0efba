"""The emails: one per notification for those who want them at once, one digest a day for the
others. Each notification is emailed once (`emailed_at`), and only while its recipient may
still read its unit."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Delivery, Notification
from notifications.scoping import notifications_for


def _still_readable(notifications):
    """Keep those whose recipient still reads their unit (one query per recipient)."""
    kept = []
    by_user = {}
    for n in notifications:
        by_user.setdefault(n.recipient_id, []).append(n)
    for items in by_user.values():
        allowed = set(
            notifications_for(items[0].recipient)
            .filter(pk__in=[n.pk for n in items])
            .values_list("pk", flat=True)
        )
        kept.extend(n for n in items if n.pk in allowed)
    return kept


def _send(recipient, notifications, template):
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "recipient": recipient,
            "notifications": notifications,
            "site_url": settings.SITE_URL,
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])


def _mark(notifications):
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        emailed_at=timezone.now()
    )


def send_now(ids):
    """One email for each of these notifications not yet emailed."""
    pending = list(
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient")
    )
    sent = 0
    for notification in _still_readable(pending):
        _send(notification.recipient, [notification], "notifications/email/one")
        _mark([notification])
        sent += 1
    return sent


def send_digests():
    """One email to each person who chose the daily digest, with what they were told and have
    not read nor been emailed yet. Returns the number of emails sent."""
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            recipient__notification_preference__delivery=Delivery.DAILY,
            recipient__is_active=True,
        )
        .filter(~Q(recipient__email=""))
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "pk")
    )
    by_user = {}
    for notification in _still_readable(pending):
        by_user.setdefault(notification.recipient_id, []).append(notification)
    for items in by_user.values():
        _send(items[0].recipient, items, "notifications/email/digest")
        _mark(items)
    return len(by_user)
