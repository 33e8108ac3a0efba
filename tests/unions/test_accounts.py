"""Two-factor authentication required where the user decides or administers; sign-ins in the
history; idle sessions end; the rate limits' cache is checked."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from unions.models import Activity

DEMO_PASSWORD = "secret-pass-123"  # tests/factories.py UserFactory


@pytest.fixture
def mfa_required(settings):
    settings.REQUIRE_MFA = True


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


@pytest.mark.parametrize(
    ("name", "led_to_setup"),
    [
        ("city_reviewer", True),
        ("clerk", True),
        ("national_reviewer", True),
        ("officer_a", False),
        ("city_officer", False),
        ("nobody", False),
    ],
)
def test_reviewers_and_clerks_without_an_authenticator_set_one_up_first(
    client, users, mfa_required, name, led_to_setup
):
    client.force_login(getattr(users, name))
    response = client.get(reverse("home"))
    if led_to_setup:
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
        # The setup page stays reachable (allauth first asks for the password again).
        setup = client.get(reverse("mfa_activate_totp"))
        assert setup.status_code == 302 and setup.url.startswith(reverse("account_reauthenticate"))
        assert client.get(setup.url).status_code == 200
    else:
        assert response.status_code == 200


def test_staff_need_an_authenticator_too(client, users, mfa_required):
    users.officer_a.is_staff = True
    users.officer_a.save()
    client.force_login(users.officer_a)
    assert client.get(reverse("admin:index")).url == reverse("mfa_activate_totp")


def test_with_an_authenticator_the_reviewer_goes_on(client, users, mfa_required):
    _with_totp(users.city_reviewer)
    client.force_login(users.city_reviewer)
    assert client.get(reverse("home")).status_code == 200


def test_the_requirement_is_off_when_not_required(client, users, settings):
    settings.REQUIRE_MFA = False
    client.force_login(users.city_reviewer)
    assert client.get(reverse("home")).status_code == 200


def test_sign_ins_and_failures_are_in_the_history_of_the_user_s_units(client, users, tree):
    client.post(reverse("account_login"), {"login": "city_reviewer", "password": "wrong"})
    assert Activity.objects.filter(action="account.sign_in_failed", unit=tree.city).count() == 1
    client.post(reverse("account_login"), {"login": "city_reviewer", "password": DEMO_PASSWORD})
    signed_in = Activity.objects.get(action="account.signed_in")
    assert (signed_in.unit, signed_in.actor) == (tree.city, users.city_reviewer)
    # An unknown name leaves nothing: it belongs to no unit.
    client.post(reverse("account_login"), {"login": "nobody-here", "password": "x"})
    assert Activity.objects.filter(action="account.sign_in_failed").count() == 1


def test_a_session_lives_on_while_used_and_ends_when_idle(client, users, monkeypatch):
    import time as clock

    from django.contrib.sessions.models import Session

    from config import middleware

    def stored_expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    client.force_login(users.officer_a)
    first_expiry = stored_expiry()
    started = clock.time()
    # Within five minutes nothing is written; past them the expiry moves forward.
    monkeypatch.setattr(middleware.time, "time", lambda: started + 60)
    client.get(reverse("home"))
    assert stored_expiry() == first_expiry
    monkeypatch.setattr(middleware.time, "time", lambda: started + 400)
    client.get(reverse("home"))
    assert stored_expiry() > first_expiry


def test_check_warns_when_the_rate_limits_are_per_process(capsys):
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=locmem):
        from unions.checks import rate_limits_are_shared

        assert [w.id for w in rate_limits_are_shared(None)] == ["thidua.W001"]
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://x",
        }
    }
    with override_settings(CACHES=redis):
        assert rate_limits_are_shared(None) == []
    call_command("check")  # registered, and not an error
