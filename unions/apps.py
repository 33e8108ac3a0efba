from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "unions"
    verbose_name = _("Union tree")

    def ready(self):
        from unions import accounts, checks  # noqa: F401  (signal receivers, system checks)
        from unions.third_party_names import name_allauth_models

        name_allauth_models()
