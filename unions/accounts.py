"""Accounts: who must use two-factor authentication, and what sign-ins leave in the history.

Reviewers and clerks decide and sign for the union, and staff edit it through the admin: with
REQUIRE_MFA on (the default in production) such a user without an authenticator app is led to
set one up before anything else. Sign-ins, failed sign-ins and changes of authenticators are
written to the activity history of the units where the user holds a role, where the level
above reads them.
"""

from allauth.account.signals import user_logged_in
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from unions import scoping
from unions.models import Role, Unit
from unions.services import record_activity

# Where a user who still has to set up two-factor authentication may go meanwhile.
SETUP_PATHS = ("/accounts/", "/i18n/", "/jsi18n/", "/static/")


def needs_two_factor(user):
    """Whether the user must have an authenticator app before using the site."""
    if not getattr(settings, "REQUIRE_MFA", False) or not user.is_authenticated:
        return False
    deciding = {Role.REVIEWER, Role.CLERK}
    if not (user.is_staff or any(h.role in deciding for h in scoping.held_roles(user))):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


MFA_SEEN = "thidua_mfa_seen"


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Once this session has seen the user's authenticator, it asks no more.
        if (
            user is None
            or not getattr(settings, "REQUIRE_MFA", False)
            or not user.is_authenticated
            or request.session.get(MFA_SEEN)
            or request.path.startswith(SETUP_PATHS)
        ):
            return self.get_response(request)
        if not needs_two_factor(user):
            request.session[MFA_SEEN] = True
            return self.get_response(request)
        messages.warning(
            request,
            _(
                "Reviewers, clerks and administrators sign in with two-factor authentication: "
                "set up an authenticator app to continue."
            ),
        )
        return redirect(reverse("mfa_activate_totp"))


def _record_for_user(user, *, action, summary):
    units = Unit.objects.filter(pk__in={h.unit_id for h in scoping.held_roles(user)})
    for unit in units:
        record_activity(unit=unit, actor=user, action=action, summary=summary)


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    _record_for_user(
        user,
        action="account.signed_in",
        summary=_("%(user)s signed in") % {"user": user.get_username()},
    )


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only an existing account's failures are recorded: an unknown name has no unit to tell.
    name = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    user = (
        get_user_model().objects.filter(username=name).first()
        or get_user_model().objects.filter(email__iexact=name).first()
        if name
        else None
    )
    if user is not None:
        _record_for_user(
            user,
            action="account.sign_in_failed",
            summary=_("A sign-in as %(user)s failed") % {"user": user.get_username()},
        )


@receiver(authenticator_added)
def _authenticator_added(sender, request, user, authenticator, **kwargs):
    _record_for_user(
        user,
        action="account.mfa_added",
        summary=_("%(user)s set up two-factor authentication") % {"user": user.get_username()},
    )


@receiver(authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    if request is not None:
        request.session.pop(MFA_SEEN, None)
    _record_for_user(
        user,
        action="account.mfa_removed",
        summary=_("%(user)s removed two-factor authentication") % {"user": user.get_username()},
    )
