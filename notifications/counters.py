"""The navigation's unread count (unions/nav_counts.py)."""

from notifications import scoping


def unread(user):
    return scoping.unread_for(user)
