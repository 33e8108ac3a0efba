"""Names for the admin of models that django-allauth leaves unnamed (its MFA `Authenticator`
has no verbose names, so the admin would print "authenticator" and "Last used at" in every
language). The translations are in locale/parts/core.po; allauth's own named strings are in
locale/third_party."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def name_allauth_models():
    from allauth.mfa.models import Authenticator

    meta = Authenticator._meta
    meta.verbose_name = _("authenticator")
    meta.verbose_name_plural = _("authenticators")
    for field, label in (
        ("user", _("user")),
        ("type", pgettext_lazy("authenticator", "type")),
        ("data", _("data")),
        ("created_at", _("created at")),
        ("last_used_at", _("last used at")),
    ):
        meta.get_field(field).verbose_name = label
