from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardChange(models.Model):
    """A change to what the dashboards count, written by database triggers (one row per
    statement on PostgreSQL, per row on SQLite; reports/dashboard_cache.py). The total weight
    of the rows is the version the cached aggregates are filed under: every committed change
    adds to it, and compacting the rows keeps it."""

    weight = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("dashboard change")
        verbose_name_plural = _("dashboard changes")

    def __str__(self):
        return f"+{self.weight}"


class PublicChange(models.Model):
    """A change to what the public honour roll shows, written by database triggers: the
    version its cached counts and pages are filed under (reports/dashboard_cache.py)."""

    weight = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("public page change")
        verbose_name_plural = _("public page changes")

    def __str__(self):
        return f"+{self.weight}"
