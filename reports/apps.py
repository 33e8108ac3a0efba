from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports import dashboard_cache
        from unions import member_counts, page_slots

        # The home page's member totals change with the counters and the units' paths, both
        # under the version of everything the dashboards count (reports.dashboard_cache).
        member_counts.cache_totals_with(dashboard_cache.cached)

        page_slots.fill("nav", "reports/_nav.html", order=30)
        page_slots.fill("public_nav", "reports/_public_nav.html", order=10)
        page_slots.fill("unit_actions", "reports/_unit_actions.html", order=30)
