from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementsConfig(AppConfig):
    name = "movements"
    verbose_name = _("Emulation movements")

    def ready(self):
        from movements import counters
        from unions import nav_counts, page_slots

        nav_counts.register("registrations_waiting", counters.registrations_waiting)
        nav_counts.register("registrations_to_file", counters.registrations_to_file)
        page_slots.fill("nav", "movements/_nav.html", order=10)
        page_slots.fill("home_panels", "movements/_home.html", order=10)
        page_slots.fill("unit_actions", "movements/_unit_actions.html", order=10)
