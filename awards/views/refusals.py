"""What the nomination pages share: list settings, and how a page answers an action that the
user may not take, or no longer."""

from django.contrib import messages
from django.shortcuts import redirect

from awards import services

PER_PAGE = 25


LIST_RELATED = [
    "round__movement",
    "award_kind",
    "nominee_member",
    "nominee_unit",
    "proposing_unit",
    "reviewing_unit",
]


def guard(request, nomination, action):
    """None if the user may take `action` now. Otherwise 403 for someone with no say on the
    nomination (they may see it, not act on it); someone whose moment has passed (another
    reviewer decided first, the nomination moved on, the proposer already sent it) is sent back
    to the page with the services' reason."""
    error = services.refusal(action, nomination, request.user)
    if error is None:
        return None
    messages.error(request, error_text(error))
    return redirect(nomination)


def error_text(error):
    return " ".join(error.messages)
