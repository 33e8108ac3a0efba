from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommendationsConfig(AppConfig):
    name = "commendations"
    verbose_name = _("Decisions and commendations")

    def ready(self):
        from commendations import counters
        from commendations.notifications import register_kinds
        from unions import nav_counts, page_slots

        register_kinds()
        nav_counts.register("to_decide", counters.to_decide)
        page_slots.fill("nav", "commendations/_nav.html", order=20)
        page_slots.fill("home_panels", "commendations/_home.html", order=30)
        page_slots.fill("unit_actions", "commendations/_unit_actions.html", order=40)
        page_slots.fill("nomination_panels", "commendations/_nomination_outcome.html", order=10)
        page_slots.fill("member_panels", "commendations/_member_commendations.html", order=10)
        page_slots.fill("unit_panels", "commendations/_unit_commendations.html", order=10)
