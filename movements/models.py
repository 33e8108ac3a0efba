from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Member, Unit, UnitLevel


class MovementKind(models.TextChoices):
    REGULAR = "regular", _("Regular (annual)")
    THEMATIC = "thematic", _("Thematic / by phase")
    AD_HOC = "ad_hoc", _("Ad hoc")


class MovementState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("movement state", "Draft")
    OPEN = "open", pgettext_lazy("movement state", "Open")
    CLOSED = "closed", pgettext_lazy("movement state", "Closed")


class Movement(models.Model):
    """An emulation movement (phong trào thi đua), launched by one unit for its whole subtree."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    launching_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="launched_movements",
        verbose_name=_("launched by"),
    )
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("e.g. Nghị quyết 04/NQ-CĐVC ngày 16/8/2019")
    )
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MovementState.choices, default=MovementState.DRAFT
    )
    requires_registration = models.BooleanField(
        _("registration required"),
        default=True,
        help_text=_("Only registered members and units may be nominated."),
    )
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="movement_dates_in_order",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("movements:movement_detail", args=[self.pk])

    @property
    def title(self):
        """The title in the interface language (English falls back to Vietnamese)."""
        if translation.get_language() == "en" and self.title_en:
            return self.title_en
        return self.title_vi


class Round(models.Model):
    """A round (đợt) of a movement, with a submission deadline per level."""

    movement = models.ForeignKey(
        Movement, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("movement")
    )
    name = models.CharField(_("name"), max_length=150, help_text=_("e.g. Đợt năm 2024"))
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"))
    registration_deadline = models.DateTimeField(
        _("registrations close at"),
        null=True,
        blank=True,
        help_text=_("Units and members register for the round before this time (empty: no limit)."),
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["movement", "opens_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "name"], name="unique_round_name")
        ]

    def __str__(self):
        return f"{self.movement.code} · {self.name}"

    def deadline_for(self, level):
        """When units of `level` must have sent their submissions up (None: no deadline)."""
        for deadline in self.deadlines.all():
            if deadline.level == level:
                return deadline.deadline
        return None

    def is_past_deadline(self, level, now=None):
        deadline = self.deadline_for(level)
        return deadline is not None and (now or timezone.now()) > deadline

    def registration_is_open(self, now=None):
        closes = self.registration_deadline
        return closes is None or (now or timezone.now()) <= closes


class RoundDeadline(models.Model):
    """Units of `level` send their submissions to the level above by `deadline`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="deadlines")
    level = models.CharField(_("submitting level"), max_length=20, choices=UnitLevel.choices)
    deadline = models.DateTimeField(_("deadline"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["deadline"]
        constraints = [
            models.UniqueConstraint(fields=["round", "level"], name="one_deadline_per_level")
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.deadline:%d/%m/%Y %H:%M}"


class CriterionTarget(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class CriterionKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    BONUS = "bonus", _("Bonus")
    PENALTY = "penalty", _("Penalty")


class Criterion(models.Model):
    """One line of a movement's scoring table (tiêu chí)."""

    movement = models.ForeignKey(
        Movement, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("movement")
    )
    group = models.CharField(_("group"), max_length=150, help_text=_("e.g. Tham mưu giỏi"))
    text = models.TextField(_("criterion"))
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    target = models.CharField(_("applies to"), max_length=12, choices=CriterionTarget.choices)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.STANDARD
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["movement", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive")
        ]

    def __str__(self):
        return f"{self.group}: {self.text[:60]}"


class RegistrationState(models.TextChoices):
    # "Not sent" is the absence of a registration (or a draft one).
    DRAFT = "draft", pgettext_lazy("registration state", "Not sent")
    AWAITING = "awaiting", pgettext_lazy("registration state", "Awaiting approval")
    RETURNED = "returned", pgettext_lazy("registration state", "Returned")
    APPROVED = "approved", pgettext_lazy("registration state", "Approved")


class Registration(models.Model):
    """A unit, or one of its members, registers for a round with the title it aims for.

    `member` is empty for a collective registration of `unit`. The level above `unit` approves
    or returns it. The target is an award kind (awards app), referenced lazily so that this app
    does not import awards.
    """

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("round")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("unit")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("member"),
    )
    target_award = models.ForeignKey(
        "awards.AwardKind",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("title aimed for"),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RegistrationState.choices,
        default=RegistrationState.DRAFT,
    )
    note = models.TextField(_("note"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=Q(member__isnull=False),
                name="one_registration_per_member_and_round",
            ),
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=Q(member__isnull=True),
                name="one_collective_registration_per_unit_and_round",
            ),
        ]
        # The level above asks "what is the state of each child's registrations in this round".
        indexes = [models.Index(fields=["round", "unit", "state"])]

    def __str__(self):
        return f"{self.member or self.unit} · {self.round}"


class RegistrationTransition(models.Model):
    """One change of a registration's state: its history, shown as a timeline."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transitions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_state = models.CharField(
        _("from"), max_length=10, choices=RegistrationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=10, choices=RegistrationState.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("registration history entry")
        verbose_name_plural = _("registration history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.registration} · {self.from_state or '-'} → {self.to_state}"
