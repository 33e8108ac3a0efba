from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardChange(models.Model):
    """A change to what the dashboards count in one branch of the tree, written by database
    triggers (one row per branch and statement on PostgreSQL, per row on SQLite;
    reports/dashboard_cache.py). A branch's rows add up to its version, which the cached
    aggregates are filed under: every committed change adds to it, and compacting the rows
    keeps it."""

    # The path of the changed rows' unit cut at depth 3; "" for a change concerning everything.
    branch = models.CharField(max_length=12, blank=True, default="", db_index=True)
    weight = models.BigIntegerField(default=1)
    # Set on the rows compact() writes, one per branch; the triggers' rows take the default.
    # Reading the versions counts the others to know when to compact, without sorting every
    # branch to count them (reports/dashboard_cache.py).
    compacted = models.BooleanField(default=False, db_default=False)

    class Meta:
        verbose_name = _("dashboard change")
        verbose_name_plural = _("dashboard changes")

    def __str__(self):
        return f"{self.branch or '*'} +{self.weight}"


class PublicChange(models.Model):
    """A change to what the public honour roll shows, written by database triggers: the
    version its cached counts and pages are filed under (reports/dashboard_cache.py)."""

    weight = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("public page change")
        verbose_name_plural = _("public page changes")

    def __str__(self):
        return f"+{self.weight}"
