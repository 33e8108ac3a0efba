"""Telling people what happened: notify() and marking as read.

The apps above call notify() from their own services, inside their transaction: the rows are
written with the change, and the emails of those who want them at once are queued on commit.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from notifications.models import Delivery, Notification, Preference
from notifications.scoping import readers_among
from unions.background import queue_after_commit


def _label(target):
    return target._meta.label_lower


@dataclass(frozen=True)
class Notice:
    """One thing to tell: about `target`, to those of `recipients` who may read `scope_unit`."""

    recipients: Iterable
    target: object
    scope_unit: object
    url: str
    data: dict | None = None


def notify(kind, *, recipients, target, scope_unit, url, data=None, actor=None, once=False):
    """Tell each of `recipients` about `target`; returns the notifications made.

    Only those who may read `scope_unit` are told, never the actor themself. `once`: not
    those already told this kind about this target (a reminder sent by a daily job).
    """
    notice = Notice(recipients, target, scope_unit, url, data)
    return notify_many(kind, [notice], actor=actor, once=once)


def notify_many(kind, notices, *, actor=None, once=False):
    """notify() for many notices at once (a decision tells about each of its 1,000 awardees):
    who may read is asked once per set of recipients and unit, the notifications are written
    in one INSERT and the emails queued in one task."""
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    readers = {}
    pending = []
    for notice in notices:
        ids = frozenset(getattr(user, "pk", user) for user in notice.recipients if user is not None)
        key = (ids, notice.scope_unit.pk)
        if key not in readers:
            readers[key] = [u for u in readers_among(ids, notice.scope_unit) if u.pk != actor_id]
        users = readers[key]
        if once and users:
            told = set(
                Notification.objects.filter(
                    kind=kind,
                    target_type=_label(notice.target),
                    target_id=notice.target.pk,
                    recipient__in=users,
                ).values_list("recipient_id", flat=True)
            )
            users = [u for u in users if u.pk not in told]
        pending += [
            Notification(
                recipient=user,
                kind=kind,
                actor_id=actor_id,
                target_type=_label(notice.target),
                target_id=notice.target.pk,
                scope_unit=notice.scope_unit,
                url=notice.url,
                data=notice.data or {},
            )
            for user in users
        ]
    if not pending:
        return []
    made = Notification.objects.bulk_create(pending, batch_size=1000)
    later = set(
        Preference.objects.filter(user__in={n.recipient_id for n in made})
        .exclude(delivery=Delivery.IMMEDIATELY)
        .values_list("user_id", flat=True)
    )
    now = [n.pk for n in made if n.recipient_id not in later and n.recipient.email]
    if now:
        from notifications.tasks import send_now

        # A broker that cannot be reached, or a mail server that refuses, never undoes the
        # action that told them: the failure is listed as a failed email (MailTask).
        queue_after_commit(send_now, now, swallow=True)
    return made


def mark_read(notification, *, actor):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(queryset, *, actor):
    return queryset.filter(read_at__isnull=True).update(read_at=timezone.now())


def delivery_of(user):
    preference = Preference.objects.filter(user=user).first()
    return preference.delivery if preference else Delivery.IMMEDIATELY


def set_delivery(user, *, delivery):
    Preference.objects.update_or_create(user=user, defaults={"delivery": delivery})
