from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Nominations")

    def ready(self):
        from unions import page_slots

        page_slots.fill("home_panels", "awards/_home.html", order=20)
        page_slots.fill("unit_actions", "awards/_unit_actions.html", order=20)
        page_slots.fill("member_actions", "awards/_member_actions.html", order=20)
        page_slots.fill("movement_actions", "awards/_nominate_button.html", order=20)
