"""Who reads which notifications: their own, and only while they may read the unit of it.

A notification names the unit whose readers may know about its object (`scope_unit`); a
person who has left that part of the tree since no longer sees what they were told there.
"""

from notifications.models import Notification
from unions import scoping
from unions.models import Unit


def notifications_for(user):
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    mine = Notification.objects.filter(recipient=user)
    if scoping.is_superuser(user):
        return mine
    return mine.filter(Unit.subtrees_q(scoping.role_paths(user), prefix="scope_unit__"))


def unread_for(user):
    return notifications_for(user).filter(read_at__isnull=True)


def get_notification_or_404(user, pk):
    return scoping.get_or_404(notifications_for(user), pk)


def readers_among(users, unit):
    """Those of `users` (active accounts) who may read `unit`: a current role at it or above
    it, or an administrator. Two queries, whatever the number of users."""
    from django.contrib.auth import get_user_model

    from unions.models import RoleAssignment

    ids = {getattr(user, "pk", user) for user in users if user is not None}
    if not ids:
        return []
    accounts = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids, is_active=True)}
    above = unit.ancestor_paths
    holding = set(
        RoleAssignment.objects.current()
        .filter(user__in=accounts, unit__path__in=above)
        .values_list("user_id", flat=True)
    )
    return [
        account for pk, account in sorted(accounts.items()) if pk in holding or account.is_superuser
    ]
