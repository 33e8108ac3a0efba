"""What a person is told (a Notification), and how they want to hear it (a Preference).

The app sits just above `unions`: it knows users and units, never what a nomination or a
decision is. The apps above tell it what happened through notifications.services.notify(),
with the message's kind (registered by that app in notifications.kinds), a target (any row,
kept as its label and id, as unions.Activity does), the link to open, and the unit whose
readers may know about it (`scope_unit`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Unit


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", pgettext_lazy("notification delivery", "At once, one email each")
    DAILY = "daily", pgettext_lazy("notification delivery", "One digest email a day")
    NONE = "none", pgettext_lazy("notification delivery", "No email (only on the site)")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_type = models.CharField(max_length=100)
    target_id = models.PositiveBigIntegerField()
    # Who may know about the target: the readers of this unit (it and the units above it). The
    # recipient is checked against it when the notification is made and again when it is shown.
    scope_unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    url = models.CharField(_("link"), max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["emailed_at", "recipient"]),
            models.Index(fields=["kind", "target_type", "target_id"]),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.kind}"

    @property
    def message(self):
        from notifications import kinds

        return kinds.message(self)

    @property
    def is_read(self):
        return self.read_at is not None


class Preference(models.Model):
    """How a person wants to be told; no row: at once (the default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    delivery = models.CharField(
        _("email"), max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user} · {self.delivery}"
