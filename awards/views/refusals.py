"""What the nomination pages share: list settings, and how a page answers an action that the
user may not take, or no longer."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from awards import scoping

PER_PAGE = 25


LIST_RELATED = [
    "round__movement",
    "award_kind",
    "nominee_member",
    "nominee_unit",
    "proposing_unit",
    "reviewing_unit",
]


PROPOSER_RULES = {
    "awards.edit_nomination",
    "awards.submit_nomination",
    "awards.withdraw_nomination",
}


def guard(request, nomination, rule):
    """None if the user may do `rule` now; otherwise 403 (they may see the nomination, not do
    this), except for someone whose moment has passed (another reviewer decided first, the
    nomination moved on, the proposer already sent it): they are sent back to the page with a
    clear message."""
    user = request.user
    if rules.test_rule(rule, user, nomination):
        return None
    if rule in PROPOSER_RULES:
        moment_passed = scoping.can_propose_for(user, nomination.proposing_unit)
    else:
        moment_passed = scoping.has_reviewed_on_the_way(user, nomination) and not (
            rules.test_rule("awards.review_nomination", user, nomination)
        )
    if not moment_passed:
        raise PermissionDenied
    messages.error(
        request,
        _("This can no longer be done: the nomination is now “%(state)s” (%(unit)s).")
        % {
            "state": nomination.get_state_display(),
            "unit": (nomination.reviewing_unit or nomination.proposing_unit).name,
        },
    )
    return redirect(nomination)


def error_text(error):
    return " ".join(error.messages)
