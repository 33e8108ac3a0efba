from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Nominations")

    def ready(self):
        from awards import counters
        from awards.notifications import register_kinds
        from unions import nav_counts, page_slots

        register_kinds()
        nav_counts.register("to_complete", counters.to_complete)
        nav_counts.register("awaiting", counters.awaiting)
        page_slots.fill("home_panels", "awards/_home.html", order=20)
        page_slots.fill("unit_actions", "awards/_unit_actions.html", order=20)
        page_slots.fill("member_actions", "awards/_member_actions.html", order=20)
        page_slots.fill("movement_actions", "awards/_nominate_button.html", order=20)
        page_slots.fill("member_panels", "awards/_member_outside_awards.html", order=20)
        page_slots.fill("movement_actions", "awards/_year_end_button.html", order=30)
