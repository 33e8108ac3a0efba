from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from unions import page_slots

        page_slots.fill("user_nav", "notifications/_nav.html", order=10)
