"""The invitation email: a new account's owner sets their password through a one-time link."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def password_setup_url(user):
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def send_invitation(user, *, unit, role):
    from unions.models import Role

    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "unit": unit,
            "role": Role(role).label,
            "url": password_setup_url(user),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("unions/email/invitation_subject.txt", context).strip()
        body = render_to_string("unions/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
