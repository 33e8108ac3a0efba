from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementsConfig(AppConfig):
    name = "movements"
    verbose_name = _("Emulation movements")

    def ready(self):
        from unions import page_slots

        page_slots.fill("nav", "movements/_nav.html", order=10)
        page_slots.fill("home_panels", "movements/_home.html", order=10)
        page_slots.fill("unit_actions", "movements/_unit_actions.html", order=10)
