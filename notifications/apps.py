from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications import counters
        from unions import nav_counts, page_slots

        nav_counts.register("unread", counters.unread)
        page_slots.fill("user_nav", "notifications/_nav.html", order=10)
